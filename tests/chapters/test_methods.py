"""The methods and data pages are the edition's: its council, period, coverage, term dates and their
sources, themes and DfE comparators; the demo's calibration only for synthetic data."""

import re

from improvement_report.chapters import data_page, methods
from improvement_report.core.paths import DEMO_DATA_DIR

ARGS = dict(
    data_dir=DEMO_DATA_DIR,
    report_month="2016-06",
    window_start="2016-03-01",
    window_end="2016-06-30",
    series_start="2015-04",
    extract_date="2016-06-30",
)


def _table(tmp_path, **settings):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "edition.yml").write_text("themes:\n  1: Voice & participation\n  2: Front door\n", encoding="utf-8")
    codes = ["caf_open", "caf_open_over_12_months_pct", "strategy_compliant_pct"]
    (content / "indicators.csv").write_text("code,theme\n" + "".join(f"{c},2\n" for c in codes), encoding="utf-8")
    return methods.edition_table("Royal Borough of Exampleton", **ARGS, edition_content_folder=content, **settings)[
        "This edition"
    ]


def test_the_edition_table_is_the_editions_own(tmp_path):
    t = _table(tmp_path, synthetic=False, dfe_la_code=None, edition_date="2016-07-31")
    assert t["Council"] == "Royal Borough of Exampleton" and t["Report month"] == "June 2016"
    assert t["Extract date"] == "30 June 2016 (set by the edition)"
    assert t["Period early_help_episodes.csv covers"] == "April 2015 to 30 June 2016"
    assert t["Data"] == "the council's own extracts"
    assert t["School term dates"] == "school_terms.csv (shipped with the package)"
    assert t["Improvement themes"].startswith("7: 1. Voice & participation; 2. Front door; 3. Improvement theme 3")
    assert t["DfE comparators"].startswith("none: the edition names no DfE local authority code")
    everything = " ".join(t)
    assert not re.search(r"Barnet|committee|Ofsted|2017|2018", everything), everything


def test_the_edition_table_names_the_neighbour_model_and_the_demo(tmp_path):
    t = _table(tmp_path, synthetic=True, dfe_la_code=302, edition_date="2016-07-31", neighbour_model="nearest")
    assert t["Data"].startswith("synthetic demo data")
    assert t["DfE comparators"].startswith("DfE code 302") and "statistical neighbours:" in t["DfE comparators"]


def test_calibration_and_the_demo_section_only_for_synthetic_data():
    assert methods.demo_section(False) == "" and data_page.calibration_intro(False) == ""
    assert "## Demo editions" in methods.demo_section(True)
    assert "tuned" in data_page.calibration_intro(True)


def test_the_calendar_paragraph_names_the_editions_file_and_its_estimated_years(tmp_path):
    shipped = methods.calendar_paragraph("2017-09", "2019-02")
    assert "`data/reference/school_terms.csv`" in shipped and "2018/19 (estimate" in shipped
    assert "are not a council's published calendar" in shipped
    own = tmp_path / "exampleton_terms.csv"
    own.write_text("academic_year,holiday,start,end\n2018/19,summer,2019-07-22,2019-08-30\n", encoding="utf-8")
    text = methods.calendar_paragraph("2019-06", "2019-09", own)
    assert "the edition's own file, exampleton" in text and "shipped" not in text
    assert "does not say where the dates for 2018/19 come from" in text


def test_the_themes_paragraph_counts_the_editions_theme_pages(tmp_path):
    content = tmp_path / "c"
    content.mkdir()
    (content / "edition.yml").write_text("themes:\n  1: One\n  9: Nine\n", encoding="utf-8")
    text = methods.themes_paragraph(None, content, {})
    assert "this edition's 8 themes" in text and "`book/theme_9`" in text and "`book/theme_8`" not in text
    assert "seven" not in text


def test_the_extract_date_is_said_to_be_the_editions_only_when_it_set_it(tmp_path):
    # The build passes the resolved date to every page; before, an edition without extract_date
    # read "(set by the edition)".
    t = _table(tmp_path, extract_date_set=False)
    assert t["Extract date"] == "30 June 2016 (the latest date in the data)"
    extracts = data_page.load(DEMO_DATA_DIR)
    assert "(the latest date in the data)" in data_page.extract_date_sentence(extracts, "2016-06-30", False)
    assert "(set by the edition)" in data_page.extract_date_sentence(extracts, "2016-06-30", True)


def test_the_build_tells_the_pages_whether_the_edition_set_its_extract_date(tmp_path):
    from improvement_report.build.config import load_config

    base = (
        "local_authority: T\ndata_dir: data/demo\nreport_month: 2017-11\nwindow: {start: 2017-09-01, end: 2017-12-31}\n"
    )
    (tmp_path / "a.yml").write_text(base, encoding="utf-8")
    (tmp_path / "b.yml").write_text(base + "extract_date: 2017-12-31\n", encoding="utf-8")
    assert load_config(tmp_path / "a.yml").parameters("data")["extract_date_set"] is False
    assert load_config(tmp_path / "b.yml").parameters("methods")["extract_date_set"] is True
