"""Real builds of one output at once, and a real build killed while it publishes.

Two configurations with the same file name in different folders (the case that once shared a
staging folder) publish to the same output_dir at the same moment: one waits for the other and
both succeed, leaving one complete edition. Then a build is killed (SIGKILL) in its publish
phase, once its identifier scan has passed; the next build succeeds, finishing or undoing what the
killed one left, and the output holds one complete edition. (tests/test_publishing.py kills the
publish at every one of its steps; this is the same on a real build.) Pages come from the execution cache (the default edition's), so only the book is built.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from improvement_report.build.config import book_notebooks
from improvement_report.core.paths import REPO_ROOT

pytestmark = pytest.mark.build  # run by `make many-reports`, not by a plain `pytest tests`


def _config(folder: Path, out: Path) -> Path:
    settings = yaml.safe_load((REPO_ROOT / "config" / "default.yml").read_text(encoding="utf-8"))
    settings["output_dir"] = str(out)
    folder.mkdir(parents=True)
    path = folder / "edition.yml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def _start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "improvement_report", "build", "--config", str(config), "--workers", "1"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_one_complete_edition(out: Path) -> None:
    book, html = out / "book", out / "html"
    assert {p.stem for p in book.glob("*.ipynb")} == set(book_notebooks())
    assert (html / "index.html").is_file() and (html / "searchindex.js").is_file()
    for page in book_notebooks():
        assert (html / "book" / f"{page}.html").is_file(), page
    assert sorted(p.name for p in out.iterdir()) == ["book", "html"], "staging or an old edition was left"


def test_two_builds_at_once_then_one_killed_while_publishing(tmp_path):
    out = tmp_path / "out"
    configs = [_config(tmp_path / "one", out), _config(tmp_path / "two", out)]
    builds = [_start(c) for c in configs]
    results = [(p.wait(timeout=1800), p.stderr.read()) for p in builds]
    for code, err in results:
        assert code == 0, err[-3000:]
        assert "FileNotFoundError" not in err and "Traceback" not in err
    assert any("waiting for it to finish" in err for _, err in results)
    assert_one_complete_edition(out)
    # Killed once the identifier scan has passed: in the publish itself.
    build = _start(_config(tmp_path / "killed", out))  # another name: the book is built again
    for line in build.stderr:
        if "identifier scan:" in line:
            os.kill(build.pid, signal.SIGKILL)
            break
    build.wait(timeout=600)
    assert build.returncode == -signal.SIGKILL, "the build ended before its identifier scan"
    again = _start(configs[0])
    err = again.stderr.read()
    assert again.wait(timeout=1800) == 0, err[-3000:]
    assert_one_complete_edition(out)
