"""The extract date and each extract's coverage: nothing later is used, nothing outside is reported as fact."""

import subprocess
import sys

import matplotlib
import pandas as pd

from improvement_report.chapters import early_help as caf
from improvement_report.chapters import strategy_discussions as sdc
from improvement_report.core.paths import REPO_ROOT
from improvement_report.inputs import coverage
from improvement_report.inputs.loading import load_file

matplotlib.use("Agg")

# Episodes: A ended after the extract date (so open on it); B started after it (not yet known);
# C closed in March 2017, the first end, so the coverage starts on 1 March 2017.
CAF = [
    "A,1,2017-01-10,2017-06-20,West",
    "B,2,2017-06-05,,West",
    "C,3,2016-11-01,2017-03-15,West",
    "D,4,2017-04-02,,East",
]


def test_cut_keeps_what_was_known_on_the_extract_date(make_folder):
    folder = make_folder(early_help_episodes=CAF)
    frame, cover = coverage.load_cut(folder, "caf", "2017-05-31")
    assert sorted(frame.episode_id) == ["A", "C", "D"]  # B started in June
    assert pd.isna(frame.set_index("episode_id").loc["A", "end_date"])  # A was still open on 31 May
    assert cover.first_day == pd.Timestamp("2017-03-01") and cover.last_month == pd.Period("2017-05", "M")
    assert cover.describe() == "March 2017 to 31 May 2017"


def test_an_extract_taken_mid_month_does_not_cover_that_month(make_folder):
    _, cover = coverage.load_cut(make_folder(early_help_episodes=CAF), "caf", "2017-05-30")
    assert cover.last_month == pd.Period("2017-04", "M") and not cover.covers_month("2017-05")


def test_default_extract_date_is_the_latest_date_in_the_file(make_folder):
    _, cover = coverage.load_cut(make_folder(early_help_episodes=CAF), "caf", None)
    assert cover.extract_date == pd.Timestamp("2017-06-20")


def test_chapter_counts_an_episode_ended_after_the_extract_date_as_open(make_folder):
    ch = caf.load(make_folder(early_help_episodes=CAF), "2017-05", "2017-03", extract_date="2017-05-31")
    # At the end of May 2017 A and D are open (A ended later, in June): 2, not 1.
    assert ch.flow.loc[pd.Period("2017-05", "M"), "open_end"] == 2
    assert list(ch.flow.index.strftime("%Y-%m")) == ["2017-03", "2017-04", "2017-05"]


def test_series_never_reaches_before_the_coverage_and_a_year_earlier_is_not_invented(make_folder):
    ch = caf.load(make_folder(early_help_episodes=CAF), "2017-05", "2015-04", extract_date="2017-05-31")
    assert ch.flow.index[0] == pd.Period("2017-03", "M")  # not April 2015: no data then
    assert "no count a year earlier" in caf.headline(ch)
    assert "2015" not in caf.headline(ch)


def test_partial_report_month_is_cut_and_the_page_says_which_months_have_no_data(make_folder):
    ch = caf.load(make_folder(early_help_episodes=CAF), "2017-08", "2017-03", extract_date="2017-05-31")
    assert ch.month == pd.Period("2017-05", "M") and ch.flow.index[-1] == pd.Period("2017-05", "M")
    note = caf.coverage_note(ch)
    assert "June 2017 to August 2017 have no data" in note and "not counted as zero" in note


def test_partial_window_is_cut_to_the_extract_date(make_folder):
    rows = ["S1,2017-04-03 10:00,MASH,1,Y,Y,Y,,", "S2,2017-05-02 10:00,MASH,1,Y,Y,N,,"]
    ch = sdc.load(make_folder(strategy_discussions=rows), "2017-04-01", "2017-08-31", "2017-04", "2017-05-31")
    assert ch.end == pd.Timestamp("2017-05-31") and len(ch.window) == 2
    assert "1 April 2017 to 31 May 2017, not the 1 April 2017 to 31 August 2017 asked for" in sdc.coverage_note(ch)


def test_a_month_past_the_extract_date_is_refused_in_one_line_and_nothing_is_published(tmp_path):
    out_dir = tmp_path / "out"
    config = tmp_path / "late.yml"
    config.write_text(
        "local_authority: Test\ndata_dir: data/demo\nreport_month: 2018-06\n"
        f"window: {{start: 2018-03-01, end: 2018-05-31}}\noutput_dir: {out_dir}\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "improvement_report", "build", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    refusal = [line for line in out.stderr.splitlines() if "outside" in line]
    assert len(refusal) == 1  # one line names the period outside, the file and its coverage
    assert "report_month 2018-06 is outside early_help_episodes.csv (whole months 2015-04 to 2018-03)" in refusal[0]
    assert "nothing published" in refusal[0]
    assert not out_dir.exists()


def test_a_window_past_the_extract_date_is_refused_naming_the_file_and_its_coverage(tmp_path):
    config = tmp_path / "late.yml"
    config.write_text(
        "local_authority: Test\ndata_dir: data/demo\nreport_month: 2018-03\nextract_date: 2018-03-31\n"
        f"window: {{start: 2018-03-01, end: 2018-05-31}}\noutput_dir: {tmp_path / 'out'}\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "improvement_report", "build", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert out.returncode == 2
    (refusal,) = [line for line in out.stderr.splitlines() if "outside" in line]
    assert "window 2018-03-01 to 2018-05-31 is outside strategy_discussions.csv (April 2015 to 31 March 2018)" in (
        refusal
    )
    assert not (tmp_path / "out").exists()


def test_validated_file_is_unchanged_by_a_cut_at_its_latest_date(make_folder):
    folder = make_folder(early_help_episodes=CAF)
    whole = load_file(folder / "early_help_episodes.csv", "caf")
    frame, _ = coverage.load_cut(folder, "caf", "2017-06-20")
    pd.testing.assert_frame_equal(whole, frame)


def test_a_report_month_outside_the_term_dates_is_a_problem_naming_the_file(tmp_path):
    from improvement_report.build.config import load_config
    from improvement_report.build.periods_check import term_problems
    from improvement_report.inputs.school_calendar import load_terms

    terms = tmp_path / "terms.csv"
    terms.write_text("academic_year,holiday,start,end\n2016/17,Easter,2017-04-03,2017-04-17\n", encoding="utf-8")
    config = tmp_path / "c.yml"
    config.write_text(
        f"local_authority: Test\ndata_dir: data/demo\nreport_month: 2017-11\nschool_terms: {terms}\n"
        "window: {start: 2017-09-01, end: 2017-12-31}\n",
        encoding="utf-8",
    )
    cfg = load_config(config)
    (problem,) = term_problems(cfg, load_terms(terms))
    assert problem == "report_month 2017-11 is outside terms.csv (term dates 2017-04 to 2017-04)"
    assert term_problems(load_config("config/default.yml"), load_terms()) == []  # the shipped dates cover it


def test_shipped_term_dates_cover_the_summers_of_2012_to_2027():
    from improvement_report.inputs.school_calendar import coverage, load_terms

    first, last = coverage(load_terms())
    assert (str(first), str(last)) == ("2012-07", "2027-09")
