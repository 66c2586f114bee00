"""The summary's headline table: DfE's neighbours' average and England beside each figure, with
year and source; symbols and years not yet published said in words, never 0."""

import csv
import shutil
import statistics

import pandas as pd
import pytest

from improvement_report.inputs import published
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.measures import comparators as cm
from improvement_report.render.comparator_words import NOT_HELD
from improvement_report.render.headline_table import DFE_COLUMNS, NO_DFE, with_comparators

EDITION = pd.Timestamp("2018-01-11")  # config/default.yml
NEIGHBOURS = {"Merton", "Kingston upon Thames", "Reading", "Sutton", "Hillingdon", "Redbridge", "Hounslow"}
NEIGHBOURS |= {"Milton Keynes", "Ealing", "Bromley"}  # DfE's April 2021 groupings for Barnet


def base():
    """A headline table of one figure with no DfE measure."""
    return pd.DataFrame(
        [("Early help", "Open CAFs at month end", "November 2017", "614")],
        columns=["Area", "Measure", "Period", "Figure"],
    ).set_index("Area")


INDICATORS = [
    ("Theme 4", "repeat_referrals_pct", "Repeat referrals", "November 2017", "18.1%"),
    ("Theme 6", "cic_health_checks_pct", "Health checks", "November 2017", "97.7%"),
    ("Theme 1", "audits_completed", "Audits", "November 2017", "40"),  # not mapped: no row added
]


def comparators(folder=published.PUBLISHED_DIR):
    pub = cm.load_published(cm.Edition(302, EDITION), folder)
    return cm.indicator_comparators(load_catalogue(), pub)


def test_mapped_indicators_get_the_neighbours_average_and_england_with_year_and_source():
    t = with_comparators(base(), INDICATORS, comparators())
    assert list(t.columns[-3:]) == DFE_COLUMNS
    assert t.loc["Early help", DFE_COLUMNS[0]] == NO_DFE and t.loc["Early help", DFE_COLUMNS[1]] == NO_DFE
    assert t.Measure.tolist() == ["Open CAFs at month end", "Repeat referrals", "Health checks"]
    with open(published.INDICATORS_FILE, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["measure"] == "rereferrals_pct" and r["year"] == "2017"]
    values = {r["geography_name"]: float(r["value"]) for r in rows if r["value"]}
    mean = round(statistics.mean(values[n] for n in NEIGHBOURS), 1)
    row = t[t.Measure == "Repeat referrals"].iloc[0]
    assert row[DFE_COLUMNS[0]] == f"{mean:g}% (10 of 10 with a figure), 2016-17"
    assert row[DFE_COLUMNS[1]] == f"{values['England']:g}%, 2016-17"
    assert row[DFE_COLUMNS[2]].startswith("DfE, Characteristics of children in need (2016-17)")
    assert "April 2021" in row[DFE_COLUMNS[2]]
    # Health checks were first published for 2017-18, after the edition: said so, not blank or 0.
    health = t[t.Measure == "Health checks"].iloc[0]
    assert health[DFE_COLUMNS[0]] == NOT_HELD and health[DFE_COLUMNS[1]] == NOT_HELD


def test_without_a_dfe_code_the_table_is_unchanged():
    assert with_comparators(base(), INDICATORS, pd.DataFrame()).equals(base())
    assert with_comparators(base(), INDICATORS, None).equals(base())


@pytest.mark.parametrize(
    "symbol, words", [("c", "c: suppressed"), ("x", "x: not available"), ("z", "z: not applicable")]
)
def test_suppressed_values_stay_symbols_and_the_average_uses_only_numbers(tmp_path, symbol, words):
    folder = tmp_path / "published"
    shutil.copytree(published.PUBLISHED_DIR, folder)
    d = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    at = (d.measure == "rereferrals_pct") & (d.year == "2017") & d.geography_name.isin(["England", "Merton"])
    d.loc[at, "value"], d.loc[at, "value_text"] = "", symbol
    d.to_csv(folder / "indicators.csv", index=False)
    t = with_comparators(base(), INDICATORS, comparators(folder))
    row = t[t.Measure == "Repeat referrals"].iloc[0]
    assert row[DFE_COLUMNS[1]] == f"{words}, 2016-17"
    raw = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    nine = raw[
        (raw.measure == "rereferrals_pct") & (raw.year == "2017") & raw.geography_name.isin(NEIGHBOURS - {"Merton"})
    ]
    mean = round(statistics.mean(float(v) for v in nine.value), 1)
    assert row[DFE_COLUMNS[0]] == f"{mean:g}% (9 of 10 with a figure), 2016-17"
    assert "0%" not in row[DFE_COLUMNS[1]]
