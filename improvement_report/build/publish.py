"""Publish an edition all or nothing: the executed notebooks (``book/``) and the HTML move together.

An edition is a pair of folders. A new one is built complete beside the published one, on the
same file system (a staging folder next to the HTML), then published by renames only:

1. Each new folder is renamed to ``.<name>.incoming-<token>`` beside its target (copied only if
   it is on another file system). Nothing published has changed yet; a failure here (a full
   disk) removes the incoming folders and leaves the published pair as it was.
2. A journal is written atomically beside the HTML (``.<html>.publish.json``), naming each target,
   its incoming folder and the incoming folder's inode. From here on the publish is completed,
   even after a kill: the new edition is complete on disk.
3. Each target is exchanged with its incoming folder in one ``renameat2(RENAME_EXCHANGE)`` call
   (Linux); where that is not available, the target is renamed aside and the incoming folder
   renamed into place. Whether a target already holds the new edition is read from its inode.
4. The old folders are removed, then the journal.

At the next start (:func:`recover`, under the output's lock), a journal left by a killed publish
is completed, or rolled back if an incoming folder has gone, and leftover staging, incoming and
old folders of this output are removed. One build publishes to an output at a time
(:func:`output_lock`, an ``flock`` the kernel releases if the build is killed).
"""

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

JOURNAL_VERSION = 1
LOCK_DIR = Path(tempfile.gettempdir()) / "improvement-report-locks"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
except (AttributeError, OSError):
    _renameat2 = None


class PublishError(Exception):
    """Publishing did not happen; the published edition is unchanged. The message is one line."""


@dataclass(frozen=True)
class Edition:
    """Where one report is published: its executed notebooks and its HTML."""

    book_dir: Path
    html_dir: Path

    @property
    def folders(self) -> tuple[Path, Path]:
        return self.book_dir, self.html_dir

    @property
    def control_dir(self) -> Path:
        """The folder holding this output's lock, journal and staging (the HTML's parent)."""
        return self.html_dir.parent

    @property
    def lock_file(self) -> Path:
        """The output's lock: in the machine's temporary folder, named by the HTML folder's real
        path, so every checkout publishing there shares it and taking it creates nothing in the output."""
        name = hashlib.blake2b(str(self.html_dir.resolve()).encode(), digest_size=12).hexdigest()
        return LOCK_DIR / f"{name}.lock"

    @property
    def journal(self) -> Path:
        return self.control_dir / f".{self.html_dir.name}.publish.json"

    @property
    def staging_prefix(self) -> str:
        return f".{self.html_dir.name}.staging-"


# ---------------------------------------------------------------------------------------------
# File-system steps, each a module-level function (the kill test counts and interrupts them).
# ---------------------------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``)."""
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a))


def _rename(a: Path, b: Path) -> None:
    os.rename(a, b)


def _copy_tree(a: Path, b: Path) -> None:
    shutil.copytree(a, b, symlinks=True)


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(path: Path, journal: dict) -> None:
    """Write the journal atomically and durably: a temporary file, fsync, rename, fsync the folder."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(journal, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _remove_journal(path: Path) -> None:
    path.unlink(missing_ok=True)
    _fsync_dir(path.parent)


# ---------------------------------------------------------------------------------------------


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def _aside(target: Path, token: str, what: str) -> Path:
    return target.with_name(f".{target.name}.{what}-{token}")


def _put_in_place(incoming: Path, target: Path, old: Path) -> None:
    """Make ``target`` the incoming folder; the previous one ends at ``incoming`` or ``old``."""
    if _inode(target) is None:
        _rename(incoming, target)
        return
    try:
        _exchange(incoming, target)
    except OSError as err:
        if err.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        _rename(target, old)  # no atomic exchange here: aside first, then into place
        _rename(incoming, target)


def _complete(journal: dict) -> str:
    """Carry a journalled publish through to the end, or back to the start if it cannot finish.

    Returns ``"published"`` or ``"rolled back"``.
    """
    token = journal["token"]
    pairs = [(Path(p["target"]), Path(p["incoming"]), p["inode"]) for p in journal["pairs"]]
    # The new edition can be completed when every target holds it or its incoming folder is there.
    complete = all(_inode(target) == ino or _inode(incoming) == ino for target, incoming, ino in pairs)
    if complete:
        for target, incoming, ino in pairs:
            if _inode(target) != ino:
                if _inode(target) is None and _inode(incoming) == ino:
                    _rename(incoming, target)
                else:
                    _put_in_place(incoming, target, _aside(target, token, "old"))
        outcome = "published"
    else:  # an incoming folder has gone: put back every previous folder that was moved
        for target, incoming, ino in pairs:
            if _inode(target) == ino:
                old = _aside(target, token, "old")
                previous = incoming if _inode(incoming) not in (None, ino) else old
                if _inode(previous) is not None:
                    _exchange_or_swap_back(previous, target)
        outcome = "rolled back"
    for target, incoming, _ino in pairs:  # the other edition's folders, wherever they ended
        for leftover in (incoming, _aside(target, token, "old")):
            if _inode(leftover) is not None and _inode(leftover) != _inode(target):
                _remove_tree(leftover)
    return outcome


def _exchange_or_swap_back(previous: Path, target: Path) -> None:
    try:
        _exchange(previous, target)
    except OSError as err:
        if err.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        spare = target.with_name(f".{target.name}.rollback-{uuid.uuid4().hex[:8]}")
        _rename(target, spare)
        _rename(previous, target)


def publish_pair(staged_book: Path, staged_html: Path, edition: Edition) -> None:
    """Publish a built edition in place of the current one, all or nothing.

    Parameters
    ----------
    staged_book, staged_html : Path
        The complete new ``book/`` and HTML folders (ideally on the same file system as the targets).
    edition : Edition
        Where they are published.

    Raises
    ------
    PublishError
        When the new edition could not be put beside the published one (e.g. a full disk);
        nothing published has changed.
    """
    token = uuid.uuid4().hex[:12]
    moved: list[Path] = []
    pairs = []
    try:
        for source, target in ((staged_book, edition.book_dir), (staged_html, edition.html_dir)):
            target.parent.mkdir(parents=True, exist_ok=True)
            incoming = _aside(target, token, "incoming")
            try:
                _rename(source, incoming)
            except OSError as err:
                if err.errno != errno.EXDEV:
                    raise
                _copy_tree(source, incoming)  # another file system: a copy, made before anything moves
            moved.append(incoming)
            pairs.append({"target": str(target), "incoming": str(incoming), "inode": _inode(incoming)})
        _write_journal(edition.journal, {"version": JOURNAL_VERSION, "token": token, "pairs": pairs})
    except OSError as err:
        for incoming in moved:
            _remove_tree(incoming)
        edition.journal.unlink(missing_ok=True)
        raise PublishError(f"could not put the new edition beside the published one: {err}") from None
    # The journal is written: from here the publish is completed, now or at the next start.
    _complete(json.loads(edition.journal.read_text(encoding="utf-8")))
    _remove_journal(edition.journal)


def recover(edition: Edition) -> list[str]:
    """Finish what a killed build left for this output; call with the output's lock held.

    A journalled publish is completed (or rolled back if it cannot be), then staging, incoming
    and old folders of this output left by killed builds are removed.

    Returns
    -------
    list of str
        What was done, one line each (empty when there was nothing to do).
    """
    done = []
    if edition.journal.exists():
        try:
            journal = json.loads(edition.journal.read_text(encoding="utf-8"))
            outcome = _complete(journal)
            done.append(f"an interrupted publish to {edition.html_dir} was found and {outcome}")
        except (ValueError, KeyError, TypeError):
            # Unreadable: written only after both incoming folders were complete, so a torn
            # journal means its temporary file was never renamed; nothing had moved.
            done.append(f"an unreadable publish journal for {edition.html_dir} was removed")
        _remove_journal(edition.journal)
    for folder in {edition.control_dir, edition.book_dir.parent}:
        if not folder.is_dir():
            continue
        names = (edition.html_dir.name, edition.book_dir.name)
        for path in folder.iterdir():
            leftover = path.name.startswith(edition.staging_prefix) or any(
                path.name.startswith(f".{name}.{what}-") for name in names for what in ("incoming", "old", "rollback")
            )
            leftover = leftover or (path.name.startswith(f"{edition.journal.name}.") and path.name.endswith(".tmp"))
            if leftover:
                _remove_tree(path)
                done.append(f"removed {path.name}, left by a build that was stopped")
    return done


def new_staging(edition: Edition) -> Path:
    """A staging folder unique to this build, beside the output's HTML (the same file system)."""
    edition.control_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=edition.control_dir, prefix=edition.staging_prefix))


@contextmanager
def output_lock(editions, say=None, wait_seconds: float | None = None):
    """Hold the lock of every output in ``editions`` (taken in path order, so never a deadlock).

    A second build for the same output waits for the first (saying so once), or, with
    ``wait_seconds``, gives up after that long with a one-line :class:`PublishError`.
    """
    say = say or (lambda message: print(message, file=sys.stderr))
    with ExitStack() as stack:
        for edition in sorted(editions, key=lambda e: str(e.lock_file)):
            edition.lock_file.parent.mkdir(parents=True, exist_ok=True)
            handle = stack.enter_context(open(edition.lock_file, "a+b"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(f"another build is publishing to {edition.html_dir}: waiting for it to finish")
                _wait_for(handle, edition, wait_seconds)
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        yield


def _wait_for(handle, edition: Edition, wait_seconds: float | None) -> None:
    if wait_seconds is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise PublishError(
                    f"another build is still publishing to {edition.html_dir} after {wait_seconds:.0f} s; "
                    "nothing was built"
                ) from None
            time.sleep(0.2)
