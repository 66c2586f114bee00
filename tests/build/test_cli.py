"""The command line: figures JSON, clear one-line errors, exit codes, nothing published on bad input."""

import json
import re
import subprocess
import sys
from pathlib import Path

from improvement_report.core.paths import HTML_DIR, REPO_ROOT


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "improvement_report", *args], capture_output=True, text=True, cwd=REPO_ROOT
    )


def figures(folder, month="2017-11", start="2017-09-01", end="2017-12-31"):
    return run("figures", "--data", str(folder), "--month", month, "--window-start", start, "--window-end", end)


def test_figures_prints_the_contract_json(make_folder):
    folder = make_folder(
        early_help_episodes=["1,007,01/10/2017,,West", "2,7,2016-11-01,2017-11-30,West"],  # DD/MM/YYYY accepted
        strategy_discussions=["S1,2017-09-04 10:00,MASH,2,Y,Y,Y,Y,"],
        missing_episodes=["M1,1,2017-09-01 22:00,2017-09-02 08:00,N,,Y,2017-09-03 08:00"],
    )
    # A byte-order mark at the start of a file is accepted.
    path = folder / "strategy_discussions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    out = figures(folder)
    assert out.returncode == 0, out.stderr
    fig = json.loads(out.stdout)
    assert list(fig) == ["month", "window", "caf", "strategy_discussions", "missing"]
    assert fig["caf"] == {
        "open_end_of_month": 1,
        "open_same_month_last_year": 1,
        "change_over_year": 0,
        "opened_in_month": 0,
        "closed_in_month": 1,
        "open_over_12_months_pct": 0.0,
    }
    assert fig["strategy_discussions"]["compliant_pct"] == 100.0
    assert fig["missing"]["home"]["median_duration_hours"] == 10.0
    assert fig["missing"]["care"]["episodes_per_child"] is None


def logged(line: str) -> str:
    """The full log named at the end of an error line."""
    match = re.search(r"\(full log: (.+?)\)$", line)
    assert match, line
    return Path(match[1]).read_text(encoding="utf-8")


def test_bad_file_gives_one_line_and_a_log_with_every_problem(make_folder):
    folder = make_folder(
        early_help_episodes=["1,007,2017-13-01,,West", "1,8,2017-01-01,2016-01-01,West"],
        strategy_discussions=["S1,2017-09-04 10:00,MASH,0,Y,maybe,Y,,"],
    )
    out = figures(folder)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and len(out.stderr) <= 400 and "\x1b" not in out.stderr
    assert "early_help_episodes.csv" in out.stderr and "more problems" in out.stderr
    lines = logged(out.stderr.strip()).splitlines()
    assert any("early_help_episodes.csv" in line and "start_date" in line and "row 2" in line for line in lines)
    assert any("end_date" in line and "row 3" in line for line in lines)
    assert any("episode_id" in line and "rows 2, 3" in line for line in lines)
    assert any("strategy_discussions.csv" in line and "police" in line for line in lines)
    assert any("children" in line for line in lines)


def test_missing_file_is_reported(make_folder):
    folder = make_folder()
    (folder / "missing_episodes.csv").unlink()
    out = figures(folder)
    assert out.returncode == 2 and "missing_episodes.csv" in out.stderr and "Traceback" not in out.stderr


def test_bad_arguments_are_one_line(make_folder):
    out = figures(make_folder(), month="Nov 2017")
    assert out.returncode == 2 and "--month" in out.stderr and "Traceback" not in out.stderr


def test_build_with_invalid_data_publishes_nothing(make_folder, tmp_path):
    folder = make_folder(early_help_episodes=["1,007,not a date,,West"])
    config = tmp_path / "bad.yml"
    config.write_text(
        f"local_authority: Test\ndata_dir: {folder}\nreport_month: 2017-11\n"
        "window: {start: 2017-09-01, end: 2017-12-31}\n",
        encoding="utf-8",
    )
    before = sorted((p.name, p.stat().st_mtime_ns) for p in HTML_DIR.glob("*")) if HTML_DIR.exists() else None
    out = run("build", "--config", str(config))
    assert out.returncode == 2
    last = out.stderr.strip().splitlines()[-1]
    assert "early_help_episodes.csv" in last and "nothing published" in last and len(last) <= 400
    assert "Traceback" not in out.stderr
    after = sorted((p.name, p.stat().st_mtime_ns) for p in HTML_DIR.glob("*")) if HTML_DIR.exists() else None
    assert before == after


def test_bad_config_is_one_line(tmp_path):
    config = tmp_path / "bad.yml"
    config.write_text(
        "local_authority: Test\ndata_dir: data/demo\nreport_month: 2017-13\n"
        "window: {start: 2017-09-01, end: 2017-12-31}\n",
        encoding="utf-8",
    )
    out = run("build", "--config", str(config))
    assert out.returncode == 2 and "report_month" in out.stderr and "Traceback" not in out.stderr
