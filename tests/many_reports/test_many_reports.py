"""Many reports at once, for real: three configurations on this machine, and two on a Dask cluster.

Each test starts with an empty execution cache of its own, so every page is really executed.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from improvement_report.build.config import book_notebooks
from improvement_report.core.paths import DEMO_DATA_DIR, REPO_ROOT

pytestmark = pytest.mark.build  # run by `make many-reports`, not by a plain `pytest tests`

PYTHON = sys.executable
DASK = str(Path(sys.executable).with_name("dask"))


def write_config(folder: Path, name: str, month: str, data: Path, out: Path) -> Path:
    settings = yaml.safe_load((REPO_ROOT / "config" / "default.yml").read_text(encoding="utf-8"))
    settings.update(report_month=month, data_dir=str(data), output_dir=str(out / name))
    path = folder / f"{name}.yml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def build(*args, cache: Path, timeout=900):
    env = dict(os.environ, IMPROVEMENT_REPORT_CACHE_DIR=str(cache))
    return subprocess.run(
        [PYTHON, "-m", "improvement_report", "build", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_complete(out: Path, name: str, month_title: str) -> None:
    """Every page executed and rendered, with this report's own title and charts."""
    book, html = out / name / "book", out / name / "html"
    pages = book_notebooks()
    assert {p.stem for p in book.glob("*.ipynb")} == set(pages), name
    for page in pages:
        page_html = (html / "book" / f"{page}.html").read_text(encoding="utf-8")
        assert month_title in page_html, f"{name}/{page} does not carry its own month"
    images = [p for p in (html / "_images").iterdir()]
    assert len(images) > 50 and all(p.stat().st_size > 0 for p in images)
    assert not list(REPO_ROOT.joinpath("_build").glob("staging-*")), "a staging folder was left behind"
    assert not list((out / name).glob(".html.staging-*")), "a staging folder was left behind"
    assert not list((out / name).glob(".*.incoming-*")), "an incoming folder was left behind"


def test_three_configurations_locally_one_failing(tmp_path):
    configs, out = tmp_path / "configs", tmp_path / "out"
    configs.mkdir()
    broken = tmp_path / "broken-data"
    shutil.copytree(DEMO_DATA_DIR, broken)
    extract = broken / "strategy_discussions.csv"
    lines = extract.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[1] = "not a date"  # held_at, in spreadsheet row 6
    lines[5] = ",".join(cells)
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_config(configs, "october", "2017-10", DEMO_DATA_DIR, out)
    write_config(configs, "november", "2017-11", DEMO_DATA_DIR, out)
    write_config(configs, "zz-broken", "2017-11", broken, out)

    started = time.perf_counter()
    result = build("--config", str(configs), cache=tmp_path / "cache")
    took = time.perf_counter() - started
    print(result.stderr[-3000:])
    assert result.returncode == 2, "a report with bad data must fail the run"
    assert "2 of 3 reports built; failed: zz-broken.yml" in result.stderr
    assert "strategy_discussions.csv, column held_at, row 6" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "zz-broken").exists()
    assert_complete(out, "october", "October 2017")
    assert_complete(out, "november", "November 2017")
    # Both good reports ran side by side: far less than their pages' total time one after another.
    seconds = [
        float(line.rsplit(" in ", 1)[1].split()[0]) for line in result.stderr.splitlines() if ": executed in " in line
    ]
    assert len(seconds) == 2 * len(book_notebooks())
    print(f"3 configurations in {took:.0f} s; pages took {sum(seconds):.0f} s in all")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler and one worker (two threads) on 127.0.0.1, stopped after the test."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = [
        subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
            stdout=open(logs / "scheduler.log", "w"),
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    ]
    procs.append(
        subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "2", "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard"],
            stdout=open(logs / "worker.log", "w"),
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    )
    from distributed import Client

    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_two_reports_on_a_dask_cluster(tmp_path, dask_cluster):
    configs, out = tmp_path / "configs", tmp_path / "out"
    configs.mkdir()
    a = write_config(configs, "september", "2017-09", DEMO_DATA_DIR, out)
    b = write_config(configs, "december", "2017-12", DEMO_DATA_DIR, out)
    result = build("--config", str(a), str(b), "--scheduler", dask_cluster, cache=tmp_path / "cache")
    print(result.stderr[-3000:])
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"executing on the Dask cluster at {dask_cluster} (1 workers)" in result.stderr
    assert_complete(out, "september", "September 2017")
    assert_complete(out, "december", "December 2017")
    # The scheduler, not this machine's pool, ran every page.
    from distributed import Client

    with Client(dask_cluster, timeout="30s") as client:
        done = client.run_on_scheduler(
            lambda dask_scheduler: {name: p.state_counts["memory"] for name, p in dask_scheduler.task_prefixes.items()}
        )
    assert done.get("execute_page") == 2 * len(book_notebooks()), json.dumps(done)  # tasks that finished


def test_unreachable_scheduler_is_one_line(tmp_path):
    result = build("--scheduler", f"tcp://127.0.0.1:{_free_port()}", cache=tmp_path / "cache", timeout=120)
    assert result.returncode == 1
    assert "cannot reach the Dask scheduler" in result.stderr and "Traceback" not in result.stderr
