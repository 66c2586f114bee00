"""The data contract's definitions, pinned on tiny hand-made extracts (edges included)."""

import pandas as pd

from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import early_help, missing_episodes, strategy_discussions
from improvement_report.measures.headline import headline_figures


def load(folder):
    return load_extracts(folder, optional=())


def test_caf_month_end_edges(make_folder):
    folder = make_folder(
        early_help_episodes=[
            "A1,007,2017-10-15,2017-11-30,West",  # ends on the month end: closed in November, not open
            "A2,7,2017-11-10,2017-11-10,West",  # same-day episode: opened and closed, never open at a month end
            "A3,0099,2017-11-30,,South",  # starts on the month end: open
            "A4,12,2017-12-01,,South",  # starts after: not counted
            "A5,13,2017-10-01,2017-12-01,",  # ends after the month end: open
        ]
    )
    caf = load(folder).caf
    flow = early_help.monthly_flow(caf, pd.period_range("2017-10", "2017-12", freq="M"))
    nov = flow.loc["2017-11"]
    assert (nov.open_end, nov.opened, nov.closed, nov.net_flow) == (2, 2, 2, 0)
    assert flow.loc["2017-10", "open_end"] == 2
    assert flow.loc["2017-12", "open_end"] == 2 and flow.loc["2017-12", "closed"] == 1
    assert early_help.open_at(caf, "2017-11").sum() == 2


def test_open_more_than_12_months_is_strictly_over_365_days(make_folder):
    # E = 2017-11-30. 2016-11-30 is exactly 365 days before E; 2016-11-29 is 366.
    folder = make_folder(
        early_help_episodes=[
            "L1,1,2016-11-30,,West",
            "L2,2,2016-11-29,,West",
            "L3,3,2016-01-01,2017-11-30,West",  # long but closed on E
            "L4,4,2017-06-01,,West",
        ]
    )
    caf = load(folder).caf
    fig = early_help.headline(caf, "2017-11")
    assert fig["open_end_of_month"] == 3
    assert fig["open_over_12_months_pct"] == 33.3  # 1 of 3


def test_caf_headline_year_on_year(make_folder):
    folder = make_folder(
        early_help_episodes=[
            "B1,1,2016-01-01,2017-01-15,West",  # open Nov 2016 only
            "B2,2,2016-06-01,,West",  # open both
            "B3,3,2017-11-01,,East/Central",  # open Nov 2017 only
            "B4,4,2017-02-01,,South",  # open Nov 2017 only
        ]
    )
    fig = early_help.headline(load(folder).caf, "2017-11")
    assert fig["open_same_month_last_year"] == 2
    assert fig["open_end_of_month"] == 3
    assert fig["change_over_year"] == 1
    assert fig["opened_in_month"] == 1 and fig["closed_in_month"] == 0


def test_compliance_and_absence_counts(make_folder):
    folder = make_folder(
        strategy_discussions=[
            "S1,2017-09-04 10:00,MASH,2,Y,Y,Y,Y,",
            "S2,2017-09-05 18:30,EDT,1,Y,Y,N,N,Not invited - time of day",
            "S3,2017-09-06,MASH,3,y,n,n,,",  # no police and no health: counted in both
            "S4,2017-08-31 10:00,MASH,1,N,Y,Y,Y,",  # before the window
        ]
    )
    sd = load(folder).strategy
    fig = strategy_discussions.headline(sd, "2017-09-01", "2017-12-31")
    assert fig == {
        "discussions": 3,
        "children": 6,
        "compliant": 1,
        "compliant_pct": 33.3,
        "no_csc": 0,
        "no_police": 1,
        "no_health": 2,
        "with_education_pct": 33.3,
    }


def test_out_of_hours_classification(make_folder):
    folder = make_folder(
        strategy_discussions=[
            "T1,2017-10-02 08:59,MASH,1,Y,Y,Y,,",  # Monday before 09:00
            "T2,2017-10-02 09:00,MASH,1,Y,Y,Y,,",  # Monday 09:00: in hours
            "T3,2017-10-02 16:59,MASH,1,Y,Y,Y,,",
            "T4,2017-10-02 17:00,MASH,1,Y,Y,Y,,",  # at 17:00: out of hours
            "T5,2017-10-07 11:00,MASH,1,Y,Y,Y,,",  # Saturday
            "T6,2017-12-25 11:00,MASH,1,Y,Y,Y,,",  # Christmas Day, a Monday bank holiday
            "T7,2017-10-03,MASH,1,Y,Y,Y,,",  # no time recorded
            "T8,02/10/2017 12:00,MASH,1,Y,Y,Y,,",  # DD/MM/YYYY HH:MM
        ]
    )
    sd = load(folder).strategy
    got = dict(zip(sd.discussion_id, strategy_discussions.time_of_day(sd)))
    io, oo, unk = strategy_discussions.IN_HOURS, strategy_discussions.OUT_OF_HOURS, strategy_discussions.TIME_UNKNOWN
    assert got == {"T1": oo, "T2": io, "T3": io, "T4": oo, "T5": oo, "T6": oo, "T7": unk, "T8": io}


def test_missing_window_duration_and_rhi_72_hours(make_folder):
    folder = make_folder(
        missing_episodes=[
            # home child 007: two episodes; RHI exactly 72 hours after return counts
            "M1,007,2017-09-01 22:00,2017-09-02 08:00,N,,Y,2017-09-05 08:00",
            "M2,007,2017-10-01 20:00,2017-10-02 06:00,N,M,Y,2017-10-05 06:01",  # 72h01m: too late
            # a different child "7" (identifiers are text)
            "M3,7,2017-12-31 23:00,2018-01-01 03:00,N,,N,",
            # care: one still missing, one returned with an interview before the return (not valid)
            "M4,100,2017-11-01 18:00,,Y,A,,",
            "M5,100,2017-11-10 18:00,2017-11-11 06:00,Y,M,Y,2017-11-11 05:00",
            "M6,101,2017-08-31 23:59,2017-09-01 02:00,Y,,N,",  # started before the window
        ]
    )
    ms = load(folder).missing
    fig = missing_episodes.headline(ms, "2017-09-01", "2017-12-31")
    assert fig["home"] == {"episodes": 3, "children": 2, "episodes_per_child": 1.5, "median_duration_hours": 10.0}
    assert fig["care"] == {"episodes": 2, "children": 1, "episodes_per_child": 2.0, "median_duration_hours": 12.0}
    # returned in window: M1, M2, M3, M5 -> only M1 within 72 hours
    assert fig["rhi_within_72h_pct"] == 25.0


def test_empty_window_gives_nulls_not_zeros(make_folder):
    folder = make_folder(early_help_episodes=["A1,1,2017-01-01,,West"])
    fig = headline_figures(load(folder), "2017-11", "2017-09-01", "2017-12-31")
    assert fig["strategy_discussions"]["compliant_pct"] is None
    assert fig["strategy_discussions"]["discussions"] == 0
    assert fig["missing"]["home"] == {
        "episodes": 0,
        "children": 0,
        "episodes_per_child": None,
        "median_duration_hours": None,
    }
    assert fig["missing"]["rhi_within_72h_pct"] is None
    assert fig["caf"]["open_end_of_month"] == 1
