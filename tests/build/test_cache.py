"""The execution cache decides what re-runs, prints why, and skips the book build when nothing changed.

Pages are "executed" by a stand-in that records each call, in threads, so these tests take
seconds; tests/many_reports/ (make many-reports) runs the real thing.
"""

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from improvement_report.build import config, runner
from improvement_report.build.cache import PageCache, code_fingerprint, reason_to_execute
from improvement_report.build.config import book_notebooks, load_config
from improvement_report.build.execution import PageResult, strip_volatile
from improvement_report.core.errors import error_line
from improvement_report.core.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Templates, data and cache in tmp_path; a recording stand-in for execution and for Jupyter Book."""
    templates = tmp_path / "templates"
    shutil.copytree(NOTEBOOKS_DIR, templates)
    data = tmp_path / "data"
    shutil.copytree(DEMO_DATA_DIR, data)
    for module in (runner, config):
        monkeypatch.setattr(module, "NOTEBOOKS_DIR", templates)
    monkeypatch.setattr(runner, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(runner, "BUILD_DIR", tmp_path / "build")  # staging folders, never the repository's
    monkeypatch.setattr(runner, "REPORTS_DIR", tmp_path / "build" / "reports")
    executed, books = [], []

    def fake_execute(task):
        executed.append(task.page)
        if task.parameters.get("local_authority") == "Broken":
            return PageResult(task.page, error=f"notebook {task.page} failed at cell 3: ValueError: broken")
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(json.dumps(task.parameters, sort_keys=True))]
        )
        return PageResult(task.page, nbformat.writes(nb) + "\n", {f"figures/{task.page}.png": task.page.encode()}, 0.1)

    def fake_book(root):
        books.append(root)
        html = root / "_build" / "html"
        html.mkdir(parents=True)
        (html / "index.html").write_text("<html></html>", encoding="utf-8")
        return html

    @contextmanager
    def threads(workers, scheduler):
        with ThreadPoolExecutor(workers) as pool:
            yield pool

    monkeypatch.setattr(runner, "execute_page", fake_execute)
    monkeypatch.setattr(runner, "build_html", fake_book)
    # The PDF is printed from the built pages; a fake book has none (tests/browser checks the real one).
    monkeypatch.setattr(runner, "edition_pdf", lambda html, cfg: html / "edition.pdf")
    monkeypatch.setattr(runner, "edition_workbook", lambda downloads, html, cfg: html / "tables.xlsx")
    monkeypatch.setattr(runner, "_pool", threads)

    def make_config(name="a", **settings):
        lines = {
            "local_authority": "Test",
            "data_dir": str(data),
            "report_month": "2017-11",
            "window": "{start: 2017-09-01, end: 2017-12-31}",
            "output_dir": str(tmp_path / "out" / name),
        }
        lines.update(settings)
        path = tmp_path / f"{name}.yml"
        path.write_text("".join(f"{k}: {v}\n" for k, v in lines.items()), encoding="utf-8")
        return path

    class Sandbox:
        pass

    box = Sandbox()
    box.templates, box.data, box.executed, box.books, box.config = templates, data, executed, books, make_config
    box.out = tmp_path / "out"
    return box


def build(*paths, **kwargs):
    return runner.build_many([load_config(p, **kwargs) for p in paths], workers=2)


def test_second_build_executes_nothing_and_keeps_the_edition(sandbox, capsys):
    cfg = sandbox.config()
    (report,) = build(cfg)
    assert report.error is None and sorted(sandbox.executed) == sorted(book_notebooks())
    assert (
        len(sandbox.books) == 1 and (sandbox.out / "a" / "book" / "figures" / "theme_3.png").read_bytes() == b"theme_3"
    )
    sandbox.executed.clear()
    capsys.readouterr()
    (again,) = build(cfg)
    err = capsys.readouterr().err
    assert again.error is None and again.unchanged and sandbox.executed == []
    assert len(sandbox.books) == 1, "the book was built again although nothing changed"
    assert err.count("from the cache") == len(book_notebooks()) and "nothing changed" in err


def test_changed_template_reexecutes_only_its_page(sandbox, capsys):
    cfg = sandbox.config()
    build(cfg)
    sandbox.executed.clear()
    nb = nbformat.read(sandbox.templates / "data.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A new note."))
    nbformat.write(nb, sandbox.templates / "data.ipynb")
    capsys.readouterr()
    (report,) = build(cfg)
    assert report.error is None and sandbox.executed == ["data"]
    assert "data: executing (template changed)" in capsys.readouterr().err
    assert len(sandbox.books) == 2


def test_shared_template_reexecutes_every_page_made_from_it(sandbox):
    cfg = sandbox.config()
    build(cfg)
    sandbox.executed.clear()
    (sandbox.templates / "theme.ipynb").write_text(
        (sandbox.templates / "theme.ipynb").read_text(encoding="utf-8").replace("\n}", "\n }", 1), encoding="utf-8"
    )
    build(cfg)
    assert sorted(sandbox.executed) == [f"theme_{n}" for n in range(1, 8)]


def test_changed_input_file_reexecutes_every_page_and_names_the_file(sandbox, capsys):
    cfg = sandbox.config()
    build(cfg)
    sandbox.executed.clear()
    extract = sandbox.data / "missing_episodes.csv"
    extract.write_text(extract.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line: still valid
    capsys.readouterr()
    build(cfg)
    assert sorted(sandbox.executed) == sorted(book_notebooks())
    assert "input changed: " + str(extract) in capsys.readouterr().err


def test_changed_parameter_is_named(sandbox, capsys):
    cfg = sandbox.config()
    build(cfg)
    sandbox.executed.clear()
    capsys.readouterr()
    build(cfg, month="2017-10")
    assert sorted(sandbox.executed) == sorted(book_notebooks())
    # Another month is another edition, so its date (edition_date) changes with it.
    assert "parameters changed: edition_date, report_month" in capsys.readouterr().err


def test_no_cache_executes_every_page(sandbox):
    cfg = sandbox.config()
    build(cfg)
    sandbox.executed.clear()
    runner.build_many([load_config(cfg)], workers=2, use_cache=False)
    assert sorted(sandbox.executed) == sorted(book_notebooks())
    assert len(sandbox.books) == 2, "--no-cache must build the book again too"


def test_a_failing_report_does_not_stop_the_others(sandbox):
    good, broken, other = (
        sandbox.config("good"),
        sandbox.config("broken", local_authority="Broken"),
        sandbox.config("other"),
    )
    reports = build(good, broken, other)
    assert [r.error is None for r in reports] == [True, False, True]
    assert "failed at cell 3" in reports[1].error
    broken_out = sandbox.out / "broken"  # nothing published, no staging left
    assert not broken_out.exists() or not list(broken_out.iterdir()), "a failed report published something"
    for name in ("good", "other"):
        assert {p.stem for p in (sandbox.out / name / "book").glob("*.ipynb")} == set(book_notebooks())
        assert (sandbox.out / name / "html" / "index.html").is_file()


def test_two_reports_may_not_share_an_output(sandbox):
    a, b = sandbox.config("a"), sandbox.config("b", output_dir=str(sandbox.out / "a"))
    with pytest.raises(runner.BuildError, match="would both publish"):
        build(a, b)


def test_a_broken_stored_entry_is_executed_again(sandbox):
    cfg = sandbox.config()
    build(cfg)
    for meta in Path(runner.CACHE_DIR, "pages").glob("*/meta.json"):
        meta.write_text("{", encoding="utf-8")
    sandbox.executed.clear()
    build(cfg)
    assert sorted(sandbox.executed) == sorted(book_notebooks())


def test_reasons_list_every_change():
    from improvement_report.build.cache import Fingerprint

    before = Fingerprint("t", "p", "i", "c")
    last = {"fingerprint": before.__dict__, "parameters": {"report_month": "2017-11"}, "inputs": {"a.csv": "1"}}
    now = Fingerprint("t2", "p2", "i2", "c2")
    reason = reason_to_execute(now, {"report_month": "2017-12"}, {"a.csv": "2"}, last)
    assert reason == (
        "template changed; parameters changed: report_month; input changed: a.csv; package code or requirements changed"
    )
    assert reason_to_execute(now, {}, {}, None) == "not run before with this configuration"


def test_code_fingerprint_follows_the_package(tmp_path, monkeypatch):
    from improvement_report.build import cache

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    first = code_fingerprint()
    (package / "a.py").write_text("x = 2\n")
    assert code_fingerprint() != first


def test_stored_page_round_trips(tmp_path):
    store = PageCache(tmp_path)
    result = PageResult("p", '{"cells": []}\n', {"figures/p.png": b"\x89PNG", "downloads/d.csv": b"a,b\n"}, 1.5)
    store.store("k", result)
    back = store.load("k", "p")
    assert (back.notebook, back.files, back.seconds) == (result.notebook, result.files, result.seconds)
    assert store.load("missing", "p") is None


def test_strip_volatile_fixes_the_injected_cell_id():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.cells[0].metadata["tags"] = ["injected-parameters"]
    nb.cells[0].metadata["papermill"] = {"duration": 1.0}
    nb.metadata["papermill"] = {"start_time": "now"}
    nb = strip_volatile(nb)
    assert nb.cells[0].id == "injected-parameters" and "papermill" not in nb.cells[0].metadata
    assert "remove-cell" in nb.cells[0].metadata["tags"] and "papermill" not in nb.metadata


# ------------------------------------------------------------------ content, not time (issue 13)


def test_same_size_same_time_tamper_is_seen(sandbox, capsys):
    """20 police flags changed from Y to N (same size), modification time put back as `touch -r` does."""
    cfg = sandbox.config()
    build(cfg)
    extract = sandbox.data / "strategy_discussions.csv"
    before = extract.stat()
    lines = extract.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = 0
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if changed < 20 and cells[5] == "Y":  # police
            cells[5] = "N"
            lines[i] = ",".join(cells)
            changed += 1
    extract.write_text("".join(lines), encoding="utf-8")
    os.utime(extract, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changed == 20 and extract.stat().st_size == before.st_size
    assert extract.stat().st_mtime_ns == before.st_mtime_ns
    sandbox.executed.clear()
    capsys.readouterr()
    (report,) = build(cfg)
    assert report.error is None and not report.unchanged
    assert sorted(sandbox.executed) == sorted(book_notebooks())
    assert "input changed: " + str(extract) in capsys.readouterr().err


def test_a_corrupt_entry_is_reported_in_one_line_and_executed_again(sandbox, capsys):
    cfg = sandbox.config()
    build(cfg)
    entries = sorted(Path(runner.CACHE_DIR, "pages").glob("*/notebook.ipynb"))
    victim = entries[0]
    page = json.loads((victim.parent / "meta.json").read_text(encoding="utf-8"))["page"]
    victim.write_bytes(victim.read_bytes()[:-40])  # truncated, as by a full disk or a killed copy
    sandbox.executed.clear()
    capsys.readouterr()
    (report,) = build(cfg)
    err = capsys.readouterr().err
    assert report.error is None and sandbox.executed == [page]
    lines = [line for line in err.splitlines() if "was corrupt" in line]
    assert len(lines) == 1 and f"{page}:" in lines[0] and "executing it again" in lines[0]
    sandbox.executed.clear()
    build(cfg)
    assert sandbox.executed == []  # stored again, sound this time


def test_two_configurations_with_the_same_content_share_the_cache(sandbox):
    first = sandbox.config("a")
    build(first)
    second = sandbox.config("b")  # same settings, another file name and output
    sandbox.executed.clear()
    (report,) = build(second)
    assert report.error is None and sandbox.executed == []


# ------------------------------------------------------------------ identifier scan, staging, locks


def test_an_identifier_in_any_output_stops_the_publish(sandbox, monkeypatch):
    cfg = sandbox.config()
    build(cfg)
    published = (sandbox.out / "a" / "book" / "data.ipynb").read_text(encoding="utf-8")
    child = (sandbox.data / "missing_episodes.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[1]
    real = runner.execute_page

    def leaky(task):  # a page that writes a child's identifier into a download
        result = real(task)
        if task.page == "data":
            result.files["downloads/reasons.csv"] = f"reason,count\nsee child {child} case,3\n".encode()
        return result

    monkeypatch.setattr(runner, "execute_page", leaky)
    (report,) = build(cfg, month="2017-10")
    assert report.error is not None and child not in report.error
    assert "identifier scan" in report.error and "book/downloads/reasons.csv" in report.error
    assert "missing_episodes.csv, column child_id" in report.error
    assert (sandbox.out / "a" / "book" / "data.ipynb").read_text(encoding="utf-8") == published
    assert not (sandbox.out / "a" / "book" / "downloads" / "reasons.csv").exists()


def test_staging_is_unique_and_leftovers_of_killed_builds_go(sandbox):
    cfg = sandbox.config()
    out = sandbox.out / "a"
    out.mkdir(parents=True)
    for name in (".html.staging-killed", ".book.incoming-killed"):
        (out / name).mkdir()
    (report,) = build(cfg)
    assert report.error is None
    assert sorted(p.name for p in out.iterdir()) == ["book", "html"]


def test_two_builds_of_one_output_at_once_both_finish(sandbox):
    cfg = sandbox.config()
    with ThreadPoolExecutor(2) as pool:
        reports = [f.result() for f in [pool.submit(build, cfg), pool.submit(build, cfg, month="2017-10")]]
    assert [r.error for (r,) in reports] == [None, None]
    out = sandbox.out / "a"
    assert sorted(p.name for p in out.iterdir()) == ["book", "html"]
    assert {p.stem for p in (out / "book").glob("*.ipynb")} == set(book_notebooks())


def test_output_dir_spelt_with_dotdots_is_the_same_output(sandbox):
    a = sandbox.config("a")
    b = sandbox.config("b", output_dir=str(sandbox.out / "x" / ".." / "a"))
    with pytest.raises(runner.BuildError, match="would both publish"):
        build(a, b)


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_leaves_the_published_edition_whole(sandbox, tmp_path, monkeypatch):
    """On a small tmpfs: the first edition fits, the second (bigger) does not."""
    mount = tmp_path / "small"
    if not _tmpfs(mount, "3m"):
        pytest.skip("this machine does not allow mounting a tmpfs (needs root with CAP_SYS_ADMIN)")
    try:
        cfg = sandbox.config("full", output_dir=str(mount / "site"))
        (first,) = build(cfg)
        assert first.error is None
        published = {
            p.relative_to(mount).as_posix(): p.read_bytes() for p in (mount / "site").rglob("*") if p.is_file()
        }
        real = runner.execute_page

        def bigger(task):  # each page now writes a 200 KB chart: the new edition needs more than is free
            result = real(task)
            result.files[f"figures/{task.page}-big.png"] = os.urandom(200_000)
            return result

        monkeypatch.setattr(runner, "execute_page", bigger)
        (second,) = build(cfg, month="2017-10")
        assert second.error is not None and "No space left on device" in second.error
        assert "\n" not in error_line(second.error) and len(error_line(second.error)) <= 400
        now = {p.relative_to(mount).as_posix(): p.read_bytes() for p in (mount / "site").rglob("*") if p.is_file()}
        assert now == published, "the published edition changed"
        assert sorted(p.name for p in (mount / "site").iterdir()) == ["book", "html"]
        # Room again: the next build publishes.
        subprocess.run(["mount", "-o", "remount,size=20m", str(mount)], check=True)
        (third,) = build(cfg, month="2017-10")
        assert third.error is None
        assert len(list((mount / "site" / "book" / "figures").glob("*-big.png"))) == len(book_notebooks())
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
