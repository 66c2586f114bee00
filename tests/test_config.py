"""The report configuration is validated before anything runs."""

import pytest

from improvement_report.build.config import ConfigError, load_config

GOOD = (
    "local_authority: Test\ndata_dir: data/demo\nreport_month: 2017-11\nwindow: {start: 2017-09-01, end: 2017-12-31}\n"
)


def write(tmp_path, text):
    path = tmp_path / "c.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_loads_and_feeds_notebook_sections():
    cfg = load_config("config/default.yml")
    assert cfg.report_month == "2017-11" and cfg.window_start == "2017-09-01"
    params = cfg.parameters("caf_decline")
    assert params["data_dir"] == "data/demo" and params["local_authority"] == "London Borough of Barnet"


def test_month_override(tmp_path):
    cfg = load_config(write(tmp_path, GOOD), month="2018-01")
    assert cfg.report_month == "2018-01"


@pytest.mark.parametrize(
    "change, message",
    [
        (("report_month: 2017-11", "report_month: Nov-17"), "report_month"),
        (("end: 2017-12-31", "end: 2017-08-31"), "after window.end"),
        (("data_dir: data/demo", "data_dir: data/nowhere"), "not a folder"),
        (("local_authority: Test\n", ""), "missing setting"),
        (("start: 2017-09-01", "start: 2017-02-30"), "window.start"),
    ],
)
def test_bad_settings_raise_one_line(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message) as err:
        load_config(write(tmp_path, GOOD.replace(*change)))
    assert "\n" not in str(err.value)


def test_notebook_section_must_name_a_notebook(tmp_path):
    with pytest.raises(ConfigError, match="unknown notebook"):
        load_config(write(tmp_path, GOOD + "notebooks:\n  nonsense: {}\n"))


def test_targets_must_be_numbers(tmp_path):
    with pytest.raises(ConfigError, match="targets.caf_open_over_12_months_pct must be a number"):
        load_config(write(tmp_path, GOOD + "targets:\n  caf_open_over_12_months_pct: high\n"))
    assert load_config(write(tmp_path, GOOD + "targets:\n  caf_open_over_12_months_pct: 15\n")).targets


def test_output_dir_is_read(tmp_path):
    assert load_config(write(tmp_path, GOOD + "output_dir: reports/barnet\n")).output_dir == "reports/barnet"
    assert load_config(write(tmp_path, GOOD)).output_dir is None
