"""Downloads behind the charts are tidy: indicator code, name, unit and period on every row."""

import pandas as pd

from improvement_report.render import display
from improvement_report.render.downloads import indicator_rows
from improvement_report.render.output import PageOutput


def test_chart_table_becomes_tidy_rows_rounded_as_the_page_shows_them(tmp_path):
    table = pd.DataFrame(
        {
            "value": [61.23456, 70.0],
            "mean": [65.4321, 65.4321],
            "lower_limit": [40.111, 40.111],
            "upper_limit": [90.999, 90.999],
            "variation": ["common_cause", "improvement_high"],
        },
        index=pd.Index(["2017-10", "2017-11"], name="month"),
    )
    rows = indicator_rows(table, "cic_visits_pct", "Children in care visits within timescale", "percent")
    assert list(rows.columns[:5]) == ["indicator_code", "indicator", "unit", "period", "value"]
    assert rows["period"].tolist() == ["2017-10", "2017-11"] and set(rows["unit"]) == {"percent"}
    assert rows["value"].tolist() == [61.2, 70.0]  # 1 decimal place, as the page shows a percentage
    assert rows["centre line (mean)"].tolist() == [65.43, 65.43] and rows["upper process limit"][0] == 91.0
    path = display.download(PageOutput(tmp_path), rows, "x")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("indicator_code,indicator,unit,period,value,")  # no row-number column
    assert lines[1].startswith("cic_visits_pct,Children in care visits within timescale,percent,2017-10,61.2,")


def test_counts_are_whole_numbers():
    table = pd.DataFrame({"value": [12.0, 9.0]}, index=["2017-10", "2017-11"])
    rows = indicator_rows(table, "sw_vacancies", "Social worker vacancies", "count")
    assert rows["value"].tolist() == [12, 9] and rows["value"].dtype == "int64"


def test_a_chapter_table_becomes_long_rows_with_period_unit_value_and_a_suppression_marker():
    from improvement_report.render.downloads import tidy_table

    table = pd.DataFrame(
        {
            "Open Nov 2017": [267, 11],
            "Open over 12 months (%)": [12.6834, "c"],
            "Compliant: 95% interval": ["71.4-83.8", "23.0-50.8"],
            "Children missing again": ["14.8% (10.6% to 20.2%)", "51.9% (38.7% to 64.9%)"],
            "Position": ["within", "below 99.8%"],
        },
        index=pd.Index(["East", "Not recorded"], name="Locality"),
    )
    long = tidy_table(table, period="November 2017")
    assert list(long.columns) == [
        "Locality",
        *["period", "measure_code", "measure", "unit", "value"],
        "lower",
        "upper",
        "text",
        "suppressed",
    ]
    assert len(long) == 2 * 5
    assert set(long.period) == {"November 2017", "Nov 2017"}  # a header naming its month keeps it
    assert set(long.loc[long.measure == "Open Nov 2017", "period"]) == {"Nov 2017"}
    row = long.set_index(["Locality", "measure_code"])
    assert row.loc[("East", "open_over_12_months_pct"), "value"] == 12.7  # a percentage: 1 decimal place
    assert row.loc[("East", "open_over_12_months_pct"), "unit"] == "percent"
    hidden = row.loc[("Not recorded", "open_over_12_months_pct")]
    assert bool(hidden.suppressed) and pd.isna(hidden.value)  # hidden, never 0
    assert row.loc[("East", "open_nov_2017"), "unit"] == "count" and row.loc[("East", "open_nov_2017"), "value"] == 267
    interval = row.loc[("East", "compliant_95_pct_interval")]
    assert (interval.lower, interval.upper) == (71.4, 83.8) and pd.isna(interval.value)
    again = row.loc[("Not recorded", "children_missing_again")]
    assert (again.value, again.lower, again.upper, again.unit) == (51.9, 38.7, 64.9, "percent")
    assert row.loc[("Not recorded", "position"), "text"] == "below 99.8%" and pd.isna(
        row.loc[("Not recorded", "position"), "value"]
    )
    assert long["value"].dtype == "float64"  # never a formatted string among the numbers


def test_periods_come_from_the_table_when_it_has_them():
    from improvement_report.render.downloads import tidy_table

    monthly = pd.DataFrame(
        {"Opened": [72, 63], "Closed": [58, 49]}, index=pd.Index(["2015-04", "2015-05"], name="Month")
    )
    assert tidy_table(monthly).period.tolist() == ["2015-04", "2015-04", "2015-05", "2015-05"]
    years = pd.DataFrame(
        {"Dec 2015 to Nov 2016": [957], "Dec 2016 to Nov 2017": [936], "Difference": [-21]},
        index=pd.Index(["Opened"], name="CAFs"),
    )
    long = tidy_table(years)
    assert long.period.tolist() == [
        "Dec 2015 to Nov 2016",
        "Dec 2016 to Nov 2017",
        "Dec 2016 to Nov 2017 against Dec 2015 to Nov 2016",
    ]
    assert long.measure.tolist() == ["Opened", "Opened", "Opened: Difference"]
    flat = pd.DataFrame(
        {"Group": ["From home", "From care"], "Median hours": [22.84, 30.0]},
        index=pd.Index(["2015 Q2", "2015 Q2"], name="Quarter"),
    )
    long = tidy_table(flat)
    assert list(long.columns[:2]) == ["Group", "period"] and long.unit.tolist() == ["hours", "hours"]


CHAPTER_DOWNLOADS = ("caf_", "strategy_", "missing_", "seasonal_")


def test_every_chapter_download_of_the_edition_is_tidy():
    from improvement_report.core.paths import BOOK_DIR
    from improvement_report.render.downloads import TIDY_COLUMNS

    files = sorted(p for p in (BOOK_DIR / "downloads").glob("*.csv") if p.name.startswith(CHAPTER_DOWNLOADS))
    assert len(files) >= 20
    for path in files:
        t = pd.read_csv(path, keep_default_na=False, na_values=[""])
        assert list(t.columns[-len(TIDY_COLUMNS) :]) == TIDY_COLUMNS, path.name
        assert t["value"].dtype == "float64" or t["value"].isna().all(), path.name  # numbers only
        assert t["period"].notna().all(), path.name  # every row names its period
        assert set(t["suppressed"].astype(str)) <= {"True", "False"}, path.name
        hidden = t["suppressed"].astype(str) == "True"
        assert not t.loc[hidden, "value"].notna().any(), path.name  # a hidden value is empty, never 0
