"""The report configuration is validated before anything runs."""

import pytest

from improvement_report.build.config import ConfigError, load_config
from improvement_report.core.paths import REPO_ROOT

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
        (("data_dir: data/demo", "data_dir: data/demo\nedition_date: 11/01/2018"), "edition_date"),
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


@pytest.mark.parametrize(
    "extra, message",
    [
        ("execution: {timeout_seconds: abc}\n", "execution.timeout_seconds must be a whole number, not 'abc'"),
        ("execution: 5\n", "execution must be a mapping"),
        ("execution: {timeout_seconds: 0}\n", "execution.timeout_seconds must be more than 0"),
        ("execution: {timeout_seconds: -5}\n", "execution.timeout_seconds must be more than 0"),
        ("targets: [1, 2]\n", "targets must be a mapping"),
        ("notebooks: [theme]\n", "notebooks must be a mapping"),
        ("disclosure: yes\n", "disclosure must be a mapping"),
        ("disclosure: {suppress_small_numbers: maybe}\n", "suppress_small_numbers must be true or false"),
        ("ouptut_dir: reports/x\n", r"unknown setting ouptut_dir \(did you mean output_dir\?\)"),
        (
            "notebooks:\n  theme: {baseline_endd: 2017-07}\n",
            r"notebooks.theme.baseline_endd \(did you mean notebooks.theme.baseline_end\?\)",
        ),
        ("notebooks:\n  themes: {}\n", r"unknown notebook: themes \(did you mean theme\?\)"),
        ("notebooks:\n  theme: {baseline_end: July}\n", "notebooks.theme.baseline_end must be a month"),
        ("window2: {}\n", r"did you mean window\?"),
        ("dfe_la_code: Barnet\n", "dfe_la_code must be a whole number"),
        ("edition_date: 2017-13-01\n", "edition_date must be a date"),
        ("reason_categories: police\n", "reason_categories must be a list of text"),
        ("reason_categories: [police, '']\n", r"reason_categories\[1\] must not be empty"),
        ("allow_partial: 1\n", "allow_partial must be true or false"),
        ("indicators: 3\n", "indicators must be a mapping"),
        ("contact: {a: b}\n", "contact must be text"),
    ],
)
def test_schema_errors_are_one_line(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message) as err:
        load_config(write(tmp_path, GOOD + extra))
    text = str(err.value)
    assert "\n" not in text and len(text) < 300 and text.startswith("c.yml: ")


@pytest.mark.parametrize(
    "text, message",
    [
        ('local_authority: ""\n', "local_authority must not be empty"),
        ("local_authority:\n", "missing setting local_authority"),
        ('local_authority: "Barnet\\x00"\n', "control character"),
        ('local_authority: "Barnet\\nCouncil"\n', "control character"),
    ],
)
def test_empty_or_unprintable_authority_is_refused(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, GOOD.replace("local_authority: Test\n", text)))


def test_shared_keys_are_accepted_with_their_types(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            GOOD + "short_name: Test\ndfe_la_code: 302\nneighbour_model: nearest\nedition_date: 2018-01-15\n"
            "contact: someone@example.org\nextract_date: 2018-01-05\nallow_partial: true\n"
            "school_terms: data/reference/school_terms.csv\nedition_content: data/reference\n"
            "indicators: {cic_health_checks_pct: {target: 90}}\nreason_categories: [police unavailable]\n",
        )
    )
    assert cfg.settings["dfe_la_code"] == 302 and cfg.settings["edition_date"] == "2018-01-15"
    assert cfg.reason_categories == ["police unavailable"]
    assert load_config(write(tmp_path, GOOD)).reason_categories  # a default list when not given


# The last case reaches the repository's parent through ".." in an absolute path.
@pytest.mark.parametrize("output", ["/", ".", "..", "data", "data/demo/out", "notebooks", "{repo}/notebooks/../.."])
def test_output_dir_that_would_replace_the_repository_or_data_is_refused(tmp_path, output):
    output = output.format(repo=REPO_ROOT)
    with pytest.raises(ConfigError, match="output_dir"):
        load_config(write(tmp_path, GOOD + f"output_dir: {output}\n"))


def test_bad_config_exits_2_with_one_plain_line(tmp_path):
    import subprocess
    import sys

    from improvement_report.core.paths import REPO_ROOT

    path = write(tmp_path, GOOD + "execution: {timeout_seconds: abc}\n")
    out = subprocess.run(
        [sys.executable, "-m", "improvement_report", "build", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert out.returncode == 2
    assert len(out.stderr.splitlines()) == 1 and "\x1b" not in out.stderr and len(out.stderr) < 400
    assert "Traceback" not in out.stderr and "timeout_seconds" in out.stderr and "full log:" in out.stderr


def test_published_config_text_may_not_hold_six_digits(tmp_path):
    with pytest.raises(ConfigError, match="reason_categories is shown on the pages"):
        load_config(write(tmp_path, GOOD + "reason_categories: [see child 1667806]\n"))
    with pytest.raises(ConfigError, match="local_authority is shown on the pages"):
        load_config(write(tmp_path, GOOD.replace("Test", "Test 1234567")))


def test_output_dir_may_not_hold_or_be_the_configured_data(tmp_path):
    data = tmp_path / "extracts"
    (data / "book").mkdir(parents=True)  # extracts kept in a folder named book: output_dir data would hold them
    text = GOOD.replace("data_dir: data/demo", f"data_dir: {data / 'book'}")
    with pytest.raises(ConfigError, match="output_dir .* the data folder"):
        load_config(write(tmp_path, text + f"output_dir: {data}\n"))
    with pytest.raises(ConfigError, match="output_dir .* the data folder"):
        load_config(write(tmp_path, text + f"output_dir: {data / 'book' / 'site'}\n"))
    assert load_config(write(tmp_path, text + f"output_dir: {tmp_path / 'site'}\n")).output_dir


def test_each_page_gets_only_the_parameters_its_template_declares():
    # Papermill logs "Passed unknown parameter" for any other name: noise in every build log.
    from improvement_report.build.config import declared_parameters, page_template
    from improvement_report.build.toc import toc_pages
    from improvement_report.core.paths import NOTEBOOKS_DIR

    cfg = load_config("config/default.yml")
    executed = [p for p in toc_pages() if (NOTEBOOKS_DIR / f"{(page_template(p) or (p, {}))[0]}.ipynb").is_file()]
    assert len(executed) >= 10
    for page in executed:
        template = (page_template(page) or (page, {}))[0]
        declared = declared_parameters(template)
        assert declared, f"{template} has no parameters cell"
        assert set(cfg.parameters(page)) <= declared, (page, set(cfg.parameters(page)) - declared)
