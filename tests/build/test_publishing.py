"""Publishing is all or nothing for the pair (book/ and the HTML), whatever stops it.

The kill test publishes a new edition in a child process and kills it (SIGKILL) at every step of
the swap and at moments spread over the clean-up: before and after each rename, exchange,
journal write, folder sync and each file removed. After each kill the next start recovers, the
pair is one complete edition (the previous or the new one, the new one once the journal was
written), and the next publish succeeds. Editions are small made-up folders, so this takes
seconds; the runner's use of the same functions is tested with the build in test_cache.py.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from improvement_report.build import publish
from improvement_report.build.publish import Edition, PublishError, output_lock, publish_pair, recover

CHILD = r"""
import os, signal, sys
from pathlib import Path
from improvement_report.build import publish

kill_at = int(sys.argv[1])
book, html, staged_book, staged_html = map(Path, sys.argv[2:6])
edition = publish.Edition(book, html)
count = 0

def tick():
    global count
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

def counted(fn):
    def wrapper(*args, **kwargs):
        tick()
        result = fn(*args, **kwargs)
        tick()
        return result
    return wrapper

for name in ("_exchange", "_rename", "_copy_tree", "_write_journal", "_remove_journal", "_fsync_dir", "_remove_tree"):
    setattr(publish, name, counted(getattr(publish, name)))
os.unlink = counted(os.unlink)  # shutil.rmtree removes through these: kills part-way through a removal
os.rmdir = counted(os.rmdir)
os.replace = counted(os.replace)  # the journal's rename into place: a kill just before leaves its temporary file
publish.publish_pair(staged_book, staged_html, edition)
print(count)
"""


def write_edition(book: Path, html: Path, letter: str) -> None:
    """A made-up edition: notebooks, figures and downloads in book/, pages and assets in the HTML."""
    for i in range(12):
        (book / "figures").mkdir(parents=True, exist_ok=True)
        (book / f"page{i}.ipynb").write_text(f"{letter} notebook {i}", encoding="utf-8")
        (book / "figures" / f"chart{i}.png").write_text(f"{letter} chart {i}", encoding="utf-8")
    for i in range(20):
        (html / "_static").mkdir(parents=True, exist_ok=True)
        (html / f"page{i}.html").write_text(f"{letter} page {i}", encoding="utf-8")
        (html / "_static" / f"asset{i}.css").write_text(f"{letter} asset {i}", encoding="utf-8")
    (html / "index.html").write_text(f"{letter} index", encoding="utf-8")


def edition_of(folder: Path) -> str:
    """The edition letter a folder holds, checking it is complete and unmixed; "" when absent."""
    if not folder.exists():
        return ""
    contents = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()
    }
    letters = {text.split()[0] for text in contents.values()}
    assert len(letters) == 1, f"{folder} mixes editions: {sorted(letters)}"
    (letter,) = letters
    expected_count = 24 if folder.name == "book" else 41
    assert len(contents) == expected_count, f"{folder} is incomplete: {len(contents)} of {expected_count} files"
    return letter


@pytest.fixture
def output(tmp_path):
    out = tmp_path / "out"
    edition = Edition(out / "book", out / "html")

    def stage(letter: str) -> tuple[Path, Path]:
        staging = publish.new_staging(edition)
        write_edition(staging / "book", staging / "_build" / "html", letter)
        return staging / "book", staging / "_build" / "html"

    write_edition(edition.book_dir, edition.html_dir, "A")
    return edition, stage


def publish_staged(edition: Edition, staged: tuple[Path, Path]) -> None:
    """Publish as the runner does: the pair, then the emptied staging folder is removed."""
    publish_pair(*staged, edition)
    shutil.rmtree(staged[0].parent)


def run_child(kill_at: int, edition: Edition, staged: tuple[Path, Path]) -> subprocess.CompletedProcess:
    args = [str(kill_at), str(edition.book_dir), str(edition.html_dir), *map(str, staged)]
    return subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=60)


def leftovers(edition: Edition) -> list[str]:
    return sorted(p.name for p in edition.control_dir.iterdir() if p.name not in ("book", "html"))


def test_publish_replaces_the_pair_and_leaves_nothing_behind(output):
    edition, stage = output
    publish_staged(edition, stage("B"))
    assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == ("B", "B")
    assert leftovers(edition) == []


def test_kill_at_every_step_of_publishing_leaves_one_complete_edition(output):
    edition, stage = output
    dry = run_child(10**9, edition, stage("B"))
    assert dry.returncode == 0, dry.stderr
    steps = int(dry.stdout.split()[-1])
    recover(edition)  # the dry run's emptied staging folder
    # The swap itself is in the first steps (renames, journal, exchanges); the rest is removing
    # the previous edition's files. Every early step, and moments spread over the removal.
    moments = sorted(set(range(1, min(steps, 24) + 1)) | {round(steps * k / 16) for k in range(1, 17)})
    assert len(moments) >= 20, (steps, moments)
    journal_written = None
    outcomes = {}
    for n, kill_at in enumerate(moments):
        publish_staged(edition, stage("A"))  # the previous edition, published cleanly
        assert leftovers(edition) == []
        child = run_child(kill_at, edition, stage("B"))
        assert child.returncode in (-signal.SIGKILL, 0), child.stderr
        # Each folder is whole at every moment; only the pair may be between editions until the next start.
        before = (edition_of(edition.book_dir), edition_of(edition.html_dir))
        if journal_written is None and edition.journal.exists():
            journal_written = kill_at
        recovered = recover(edition)  # the next start
        pair = (edition_of(edition.book_dir), edition_of(edition.html_dir))
        assert pair in (("A", "A"), ("B", "B")), (kill_at, before, pair, recovered)
        if journal_written is not None and kill_at >= journal_written:
            assert pair == ("B", "B"), f"killed at step {kill_at}, after the journal: the new edition must win"
        assert leftovers(edition) == [], (kill_at, leftovers(edition))
        outcomes[kill_at] = pair[0]
        # ... and the next build publishes.
        letter = "C" if n % 2 else "D"
        publish_staged(edition, stage(letter))
        assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == (letter, letter)
    assert set(outcomes.values()) == {"A", "B"}, outcomes  # kills landed before and after the point of no return


def test_without_atomic_exchange_the_fallback_renames_are_recovered_too(output, monkeypatch):
    edition, stage = output

    def no_exchange(a, b):
        raise OSError(38, "Function not implemented")  # ENOSYS: an old kernel or another system

    monkeypatch.setattr(publish, "_exchange", no_exchange)
    calls = []
    real_rename = publish._rename

    def rename_then_die(a, b):
        calls.append((a, b))
        real_rename(a, b)
        if len(calls) == 3:  # the book is aside, the new one not yet in place: "killed" here
            raise KeyboardInterrupt

    monkeypatch.setattr(publish, "_rename", rename_then_die)
    with pytest.raises(KeyboardInterrupt):
        publish_pair(*stage("B"), edition)
    assert not edition.book_dir.exists()  # the moment the fallback cannot avoid
    monkeypatch.setattr(publish, "_rename", real_rename)
    recover(edition)
    assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == ("B", "B")
    assert leftovers(edition) == []


def test_a_full_disk_before_the_journal_changes_nothing(output, monkeypatch):
    edition, stage = output

    def full(path, journal):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_write_journal", full)
    with pytest.raises(PublishError, match="No space left on device"):
        publish_pair(*stage("B"), edition)
    assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == ("A", "A")
    staging = [p for p in edition.control_dir.iterdir() if p.name.startswith(edition.staging_prefix)]
    assert [p.name for p in edition.control_dir.iterdir() if ".incoming-" in p.name] == []
    recover(edition)
    assert not any(p.exists() for p in staging)


def test_a_torn_journal_is_removed_and_nothing_moves(output):
    edition, stage = output
    stage("B")
    edition.journal.write_text('{"version": 1, "token": "x", "pairs": [', encoding="utf-8")
    lines = recover(edition)
    assert any("unreadable" in line for line in lines)
    assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == ("A", "A")
    assert leftovers(edition) == []


def test_a_second_build_of_the_same_output_waits_or_refuses_in_one_line(output):
    edition, _ = output
    said = []
    with output_lock([edition]):
        # Another process holds the lock: a child trying for 1 s gives up with one line.
        code = (
            "import sys\nfrom pathlib import Path\nfrom improvement_report.build.publish import Edition, output_lock\n"
            "e = Edition(Path(sys.argv[1]), Path(sys.argv[2]))\n"
            "try:\n    with output_lock([e], wait_seconds=1):\n        print('got it')\n"
            "except Exception as err:\n    print(err)\n"
        )
        child = subprocess.run(
            [sys.executable, "-c", code, str(edition.book_dir), str(edition.html_dir)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "another build is still publishing" in child.stdout and "got it" not in child.stdout
        assert "waiting" in child.stderr and len(child.stdout.strip().splitlines()) == 1
    with output_lock([edition], say=said.append):
        pass  # free again once the first holder has finished
    assert said == []


def test_leftovers_of_killed_builds_are_removed_at_the_next_start(output):
    edition, stage = output
    stage("B")  # a staging folder whose build was killed
    for name in (".book.incoming-dead", ".html.old-dead", f"{edition.staging_prefix}zzz"):
        (edition.control_dir / name).mkdir()
        (edition.control_dir / name / "x").write_text("x", encoding="utf-8")
    lines = recover(edition)
    assert len(lines) == 4 and leftovers(edition) == []
    assert (edition_of(edition.book_dir), edition_of(edition.html_dir)) == ("A", "A")


def test_json_of_a_journal_names_no_data(output):
    edition, stage = output
    captured = {}
    real = publish._write_journal

    def keep(path, journal):
        captured.update(journal)
        real(path, journal)

    publish._write_journal = keep
    try:
        publish_pair(*stage("B"), edition)
    finally:
        publish._write_journal = real
    assert set(captured) == {"version", "token", "pairs"}
    assert all(set(p) == {"target", "incoming", "inode"} for p in captured["pairs"])
    assert json.dumps(captured)  # plain JSON
    assert os.path.basename(captured["pairs"][0]["target"]) == "book"
