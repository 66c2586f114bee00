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
