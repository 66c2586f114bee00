"""Disclosure control: no identifier from the input may appear in anything published.

Every text file of the built site, the downloads and the executed notebooks is split into
tokens, and the tokens are matched against every ``child_id``, ``episode_id`` and
``discussion_id`` in the extracts. Matching whole tokens (not substrings) keeps a 7-digit
identifier from matching inside a longer number, and never misses it standing alone.
"""

import re
from pathlib import Path

TOKEN = re.compile(r"[A-Za-z0-9]+")
TEXT_SUFFIXES = {".html", ".js", ".json", ".csv", ".ipynb", ".md", ".txt", ".xml", ".svg", ".inv"}


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
