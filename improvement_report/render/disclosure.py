"""Disclosure control: no identifier from the input may appear in anything published.

Every text file of the built site, the downloads and the executed notebooks is split into
tokens, and the tokens are matched against every ``child_id``, ``episode_id`` and
``discussion_id`` in the extracts. Matching whole tokens (not substrings) keeps a 7-digit
identifier from matching inside a longer number, and never misses it standing alone.
"""

import re
import shutil
import subprocess
from pathlib import Path

TOKEN = re.compile(r"[A-Za-z0-9]+")
TEXT_SUFFIXES = {
    ".html",
    ".js",
    ".json",
    ".csv",
    ".ipynb",
    ".md",
    ".txt",
    ".xml",
    ".svg",
    ".inv",
    ".css",
    ".yml",
    ".yaml",
    ".tex",
    ".rst",
    ".map",
    "",
}


def identifiers(extracts) -> set[str]:
    """Every identifier value in the record-level extracts."""
    ids: set[str] = set()
    for frame, columns in (
        (extracts.caf, ("episode_id", "child_id")),
        (extracts.strategy, ("discussion_id",)),
        (extracts.missing, ("episode_id", "child_id")),
    ):
        if frame is not None:
            for col in columns:
                ids.update(frame[col].astype(str))
    return ids


def identifier_columns(extracts) -> dict[str, str]:
    """Every identifier value in the extracts, with the file and column it came from."""
    found: dict[str, str] = {}
    for frame, file, columns in (
        (extracts.caf, "early_help_episodes.csv", ("episode_id", "child_id")),
        (extracts.strategy, "strategy_discussions.csv", ("discussion_id",)),
        (extracts.missing, "missing_episodes.csv", ("episode_id", "child_id")),
    ):
        if frame is not None:
            for col in columns:
                found.update(dict.fromkeys(frame[col].astype(str).unique(), f"{file}, column {col}"))
    return found


def _text_files(root: Path):
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    readable = TEXT_SUFFIXES | ({".pdf"} if shutil.which("pdftotext") else set())
    return [p for p in files if p.suffix.lower() in readable]


def _text_of(path: Path) -> str:
    """A file's text; a PDF's through poppler's ``pdftotext`` (its streams are compressed)."""
    if path.suffix.lower() == ".pdf":
        done = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, timeout=300)
        return done.stdout.decode("utf-8", errors="ignore")
    return path.read_text(encoding="utf-8", errors="ignore")


def scan_outputs(roots, ids: dict[str, str]) -> tuple[list[tuple[Path, str]], int]:
    """Search every text file under ``roots`` for the identifiers; say where, never which.

    Parameters
    ----------
    roots : iterable of Path
        Folders (searched recursively) or files: the staged notebooks, downloads and HTML, and
        the PDF when poppler's ``pdftotext`` is installed (``make pdf-deps``).
    ids : dict
        Identifier -> the file and column it came from (:func:`identifier_columns`).

    Returns
    -------
    (list of (Path, str), int)
        Each file holding an identifier with the column of the first one found, and how many
        files were searched.
    """
    tokens = {i for i in ids if TOKEN.fullmatch(i)}
    # An identifier with punctuation ("C-0001") is looked for as text where its first part is a token.
    punctuated: dict[str, list[str]] = {}
    for i in ids.keys() - tokens:
        first = TOKEN.search(i)
        if first:
            punctuated.setdefault(first[0], []).append(i)
    hits, searched = [], 0
    for root in roots:
        for path in _text_files(Path(root)):
            searched += 1
            text = _text_of(path)
            found = set(TOKEN.findall(text))
            match = next(iter(sorted(found & tokens)), None)
            if match is None:
                match = next((i for t in sorted(found & punctuated.keys()) for i in punctuated[t] if i in text), None)
            if match is not None:
                hits.append((path, ids[match]))
    return hits, searched


def find_identifiers(roots, ids: set[str]) -> dict[Path, set[str]]:
    """Search the text files under ``roots`` for any of ``ids``; return the files and ids found.

    Parameters
    ----------
    roots : iterable of Path
        Folders (searched recursively) or files.
    ids : set of str

    Returns
    -------
    dict
        File path to the identifiers found in it; empty when nothing is disclosed.
    """
    found: dict[Path, set[str]] = {}
    for root in roots:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            if path.suffix.lower() not in TEXT_SUFFIXES:
                continue
            hits = set(TOKEN.findall(path.read_text(encoding="utf-8", errors="ignore"))) & ids
            if hits:
                found[path] = hits
    return found


def files_searched(roots) -> int:
    """How many text files ``find_identifiers`` reads under ``roots``."""
    return sum(
        1
        for root in roots
        for p in ([root] if root.is_file() else root.rglob("*"))
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
    )
