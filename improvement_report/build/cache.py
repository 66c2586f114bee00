"""The execution cache: a page is executed again only when something it depends on changed.

A page's key is made of four fingerprints: its template, its parameters, the content of the
input files (the data folder's extracts and the reference data the package reads) and the
code (the package and the pinned requirements). An executed page is stored under its key in
``_build/cache/pages``; the last run of each page of each configuration is recorded, so the
reason for executing a page again ("template changed", "input changed: ...") can be printed.
Input files are known by a BLAKE2b digest of their bytes, read on every build (never by size
and modification time, which a changed file can keep). Each stored execution carries a checksum
of its own notebook and files; an entry that fails it is reported in one line, removed and
executed again. Keys depend on content only, so two configurations with the same settings share
entries whatever their file names. ``make clean`` removes the cache with the rest of ``_build``.
"""

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from improvement_report.build.execution import PageResult
from improvement_report.core.paths import BUILD_DIR, CATALOGUE_PATH, DATA_DIR, PACKAGE_DIR, REFERENCE_DIR, REPO_ROOT
from improvement_report.inputs.loading import FILES

REFERENCE_INPUTS = (REFERENCE_DIR, DATA_DIR / "published", CATALOGUE_PATH)
_CHUNK = 1 << 22


def digest(*parts: bytes | str) -> str:
    """SHA-256 of the parts, each kept apart from the next."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """BLAKE2b of a file's bytes, read in chunks (about 1 GB/s: a million-row extract in a tenth of a second).

    Content only, never the size or modification time: a file changed and given back its old
    time (``touch -r``, ``cp -p``, ``rsync -t``, unzip) still gets a new digest.
    """
    h = hashlib.blake2b(digest_size=32)
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _checksum(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=32)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


class CorruptEntry(Exception):
    """A stored execution failed its checksum (or could not be read); it is executed again."""


def _name(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def input_files(data_path: Path) -> list[Path]:
    """Every file a page may read: the data folder's extracts and the package's reference data."""
    files = [data_path / name for name in FILES.values() if (data_path / name).is_file()]
    for ref in REFERENCE_INPUTS:
        files += sorted(p for p in ref.rglob("*") if p.is_file()) if ref.is_dir() else [ref]
    return files


def code_fingerprint() -> str:
    """Digest of the package's source and the pinned requirements: new code re-executes every page."""
    sources = sorted(PACKAGE_DIR.rglob("*.py")) + [REPO_ROOT / "requirements.txt"]
    return digest(*(part for p in sources for part in (_name(p), p.read_bytes())))


@dataclass(frozen=True)
class Fingerprint:
    """What a page's execution depends on, each part as a digest."""

    template: str
    parameters: str
    inputs: str
    code: str

    @property
    def key(self) -> str:
        return digest(self.template, self.parameters, self.inputs, self.code)[:32]


def fingerprint(template: Path, parameters: dict, inputs: dict[str, str], code: str) -> Fingerprint:
    """The fingerprint of one page; ``inputs`` maps each input file's name to its digest."""
    return Fingerprint(
        template=digest(template.read_bytes()),
        parameters=digest(json.dumps(parameters, sort_keys=True, default=str)),
        inputs=digest(json.dumps(inputs, sort_keys=True)),
        code=code,
    )


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8", suffix=".tmp") as f:
        f.write(text)
    os.replace(f.name, path)


class PageCache:
    """Executed pages by key, and each configuration's last run of each page.

    Parameters
    ----------
    root : Path
        The cache folder (``_build/cache``).
    """

    def __init__(self, root: Path = BUILD_DIR / "cache"):
        self.root = root

    def _entry(self, key: str) -> Path:
        return self.root / "pages" / key

    def input_digests(self, data_path: Path) -> dict[str, str]:
        """Each input file's name (from the repository root where it is inside) and content digest."""
        files = input_files(data_path)
        # hashlib lets go of the GIL while it digests: the files are read side by side.
        with ThreadPoolExecutor(max_workers=min(len(files), os.cpu_count() or 1) or 1) as pool:
            return dict(zip((_name(p) for p in files), pool.map(file_digest, files)))

    def load(self, key: str, page: str) -> PageResult | None:
        """The stored execution for ``key``, or None when there is none.

        Raises
        ------
        CorruptEntry
            When the entry is there but does not match its own checksum (a truncated or altered
            file); the entry is removed, so the page is executed and stored again.
        """
        entry = self._entry(key)
        if not entry.is_dir():
            return None
        try:
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            notebook = (entry / "notebook.ipynb").read_bytes()
            files = {name: (entry / "files" / name).read_bytes() for name in meta["files"]}
            expected = meta["checksum"]
            actual = _checksum(notebook, *(part for name in sorted(files) for part in (name.encode(), files[name])))
            if actual != expected:
                raise ValueError("checksum mismatch")
            result = PageResult(page, notebook.decode("utf-8"), files, meta["seconds"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            shutil.rmtree(entry, ignore_errors=True)
            reason = "checksum mismatch" if str(err) == "checksum mismatch" else f"unreadable: {type(err).__name__}"
            raise CorruptEntry(
                f"the cached execution of {page} ({key[:12]}) was corrupt ({reason}); executing it again"
            ) from None
        return result

    def store(self, key: str, result: PageResult) -> None:
        """Keep a successful execution under ``key`` (written aside, then renamed into place).

        The entry carries a checksum of its notebook and files, checked by :meth:`load`.
        """
        entry = self._entry(key)
        if entry.exists():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=entry.parent, prefix=f".{key}-"))
        try:
            notebook = result.notebook.encode("utf-8")
            (scratch / "notebook.ipynb").write_bytes(notebook)
            for name, data in result.files.items():
                (scratch / "files" / name).parent.mkdir(parents=True, exist_ok=True)
                (scratch / "files" / name).write_bytes(data)
            checksum = _checksum(notebook, *(p for n in sorted(result.files) for p in (n.encode(), result.files[n])))
            meta = {"page": result.page, "seconds": result.seconds, "files": sorted(result.files), "checksum": checksum}
            (scratch / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
            scratch.rename(entry)
        except OSError:  # another build stored the same page first, or the disk is full: no entry
            shutil.rmtree(scratch, ignore_errors=True)

    def _records_path(self, config: Path) -> Path:  # the last run of each configuration, for explanations
        return self.root / "records" / f"{digest(str(config))[:16]}.json"

    def records(self, config: Path) -> dict:
        """The configuration's last run: ``{"pages": {page: record}, "edition": {...}}``."""
        try:
            return json.loads(self._records_path(config).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"pages": {}, "edition": {}}

    def save_records(self, config: Path, records: dict) -> None:
        records["config"] = str(config)
        _write_atomically(self._records_path(config), json.dumps(records, indent=1, sort_keys=True))


def page_record(fp: Fingerprint, parameters: dict, inputs: dict[str, str], seconds: float) -> dict:
    """What is remembered of a page's run, to explain the next decision."""
    return {
        "fingerprint": asdict(fp),
        "parameters": json.loads(json.dumps(parameters, default=str)),
        "inputs": inputs,
        "seconds": round(seconds, 2),
    }


def reason_to_execute(fp: Fingerprint, parameters: dict, inputs: dict[str, str], last: dict | None) -> str:
    """Say in a few words why a page with no stored execution is executed.

    Parameters
    ----------
    fp, parameters, inputs
        The page's fingerprint, parameters and input digests now.
    last : dict or None
        The page's record from this configuration's last run (:func:`page_record`).
    """
    if not last:
        return "not run before with this configuration"
    before = last["fingerprint"]
    reasons = []
    if before["template"] != fp.template:
        reasons.append("template changed")
    if before["parameters"] != fp.parameters:
        changed = sorted(
            k
            for k in set(parameters) | set(last["parameters"])
            if json.dumps(parameters.get(k), default=str) != json.dumps(last["parameters"].get(k))
        )
        reasons.append(f"parameters changed: {', '.join(changed) or 'their form'}")
    if before["inputs"] != fp.inputs:
        changed = sorted(k for k in set(inputs) | set(last["inputs"]) if inputs.get(k) != last["inputs"].get(k))
        reasons.append(f"input changed: {', '.join(changed)}")
    if before["code"] != fp.code:
        reasons.append("package code or requirements changed")
    return "; ".join(reasons) or "its stored execution is missing"
