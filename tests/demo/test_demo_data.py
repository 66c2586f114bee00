"""The committed demo data: a fresh generation equals it, and it carries the published figures and shapes."""

import json

import numpy as np
import pandas as pd
import pytest

from improvement_report import demo
from improvement_report.core.paths import DEMO_DATA_DIR
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import early_help, missing_episodes, strategy_discussions
from improvement_report.measures.headline import headline_figures

MONTH, START, END = "2017-11", "2017-09-01", "2017-12-31"


@pytest.fixture(scope="module")
def extracts():
    return load_extracts(DEMO_DATA_DIR)


def test_committed_files_equal_a_fresh_generation(tmp_path):
    written = demo.generate(tmp_path)
    assert {p.name for p in written} == {p.name for p in DEMO_DATA_DIR.glob("*.csv")}
    for path in written:
        assert path.read_bytes() == (DEMO_DATA_DIR / path.name).read_bytes(), f"{path.name} differs: run make demo-data"


def test_figures_reproduce_the_published_report(extracts):
    fig = headline_figures(extracts, MONTH, START, END)
    caf, sd = fig["caf"], fig["strategy_discussions"]
    assert (caf["open_end_of_month"], caf["open_same_month_last_year"], caf["change_over_year"]) == (614, 798, -184)
    assert abs(caf["open_over_12_months_pct"] - 13.0) <= 0.5
    assert (sd["discussions"], sd["children"], sd["compliant"], sd["compliant_pct"]) == (224, 400, 155, 69.2)
    assert (sd["no_csc"], sd["no_police"], sd["no_health"]) == (3, 6, 60)
    json.dumps(fig)  # serialisable as the command prints it


def test_open_caf_must_figures_and_lowest_since_april_2016(extracts):
    flow = early_help.monthly_flow(extracts.caf, pd.period_range("2015-04", "2018-03", freq="M"))
    assert flow.open_end["2017-07"] == 767 and flow.open_end["2017-08"] == 752 and flow.open_end["2017-09"] == 720
    assert (flow.open_end["2016-04":"2017-10"] > 614).all()
    assert flow.open_end["2016-03"] <= 614


def test_closures_rise_from_august_to_november_2017(extracts):
    closed = early_help.monthly_flow(extracts.caf, pd.period_range("2017-07", "2017-11", freq="M")).closed
    assert closed["2017-08"] < closed["2017-09"] < closed["2017-10"] < closed["2017-11"]
    assert closed["2017-07"] >= closed["2017-11"]  # so November is "the highest since August"


def test_openings_dip_in_the_summer_holiday_every_year(extracts):
    opened = early_help.monthly_flow(extracts.caf, pd.period_range("2015-04", "2018-03", freq="M")).opened
    for year in (2015, 2016, 2017):
        fy = opened[f"{year}-04" : f"{year + 1}-03"]
        assert opened[f"{year}-08"] < fy.drop(pd.Period(f"{year}-08", "M")).min()


def test_strategy_discussions_improve_and_health_absence_is_out_of_hours(extracts):
    sd = extracts.strategy
    ok = strategy_discussions.compliant(sd)
    q = sd.held_at.dt.to_period("Q")
    by_quarter = ok.groupby(q).mean()
    assert by_quarter[pd.Period("2017Q4")] > by_quarter[pd.Period("2017Q1")] > by_quarter[pd.Period("2015Q3")] - 0.1
    w = strategy_discussions.in_window(sd, START, END)
    tod = strategy_discussions.time_of_day(w)
    no_health = ~w.health
    ooh = tod == strategy_discussions.OUT_OF_HOURS
    assert no_health[ooh].mean() > 2 * no_health[tod == strategy_discussions.IN_HOURS].mean()
    assert w.education.fillna(False).mean() > 0.3  # "a good proportion"


def test_missing_shapes(extracts):
    fig = missing_episodes.headline(extracts.missing, "2017-04-01", "2018-03-31")
    assert fig["home"]["children"] > fig["care"]["children"]
    assert fig["care"]["episodes_per_child"] > fig["home"]["episodes_per_child"]
    ms = extracts.missing
    hours = missing_episodes.duration_hours(ms)
    for flag in (False, True):
        g = hours[ms.looked_after == flag]
        start = ms.start[ms.looked_after == flag]
        assert (
            g[start.dt.to_period("Q") == pd.Period("2017Q4")].median()
            < g[start.dt.to_period("Q") == pd.Period("2017Q1")].median()
        )
    # care volumes of the scale DfE publishes for Barnet (about 80-90 children a year)
    care_2017_18 = missing_episodes.in_window(ms[ms.looked_after], "2017-04-01", "2018-03-31")
    assert 70 <= care_2017_18.child_id.nunique() <= 100


def test_rhi_offered_rises_as_inspection_found(extracts):
    ms = extracts.missing
    returned = ms[ms.end.notna()]
    month = returned.start.dt.to_period("M")
    offered = returned.rhi_offered.fillna(False)
    apr16, may17 = offered[month == pd.Period("2016-04")].mean(), offered[month == pd.Period("2017-05")].mean()
    assert 0.1 <= apr16 <= 0.4 and 0.4 <= may17 <= 0.75
    assert offered[month >= pd.Period("2017-10")].mean() > may17


def test_generation_is_deterministic_per_file():
    a = demo.strategy.generate(np.random.default_rng([1, 2]))
    b = demo.strategy.generate(np.random.default_rng([1, 2]))
    pd.testing.assert_frame_equal(a, b)
