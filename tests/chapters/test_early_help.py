"""The CAF chapter's numbers reconcile with each other and its sentences are computed."""

import matplotlib
import pytest

from improvement_report.chapters import early_help as caf
from improvement_report.core.paths import DEMO_DATA_DIR

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def chapter():
    return caf.load(DEMO_DATA_DIR, "2017-11", "2015-04")


def test_headline_states_the_published_fall_and_the_computed_record(chapter):
    text = caf.headline(chapter)
    assert "**614**" in text and "**184 fewer**" in text and "(798)" in text
    # The book's one "since" convention: the most recent earlier month as low or lower (by a
    # scan of the flow table here, independent of wording.record_since): March 2016, 606.
    open_end = chapter.flow.open_end.loc[: chapter.month - 1]
    as_low = open_end[open_end <= 614]
    assert str(as_low.index[-1]) == "2016-03" and as_low.iloc[-1] == 606
    assert "month-end count at its lowest since March 2016 (606; every month from April 2016 to October 2017" in text


def test_fall_decomposition_reconciles_with_the_year_on_year_change(chapter):
    t = caf.fall_decomposition(chapter)
    this = t.columns[1]
    assert t.loc["Change in open CAFs (opened - closed)", this] == -184
    d = t["Difference"]
    assert d["Change in open CAFs (opened - closed)"] == d["Opened"] - d["Closed"]
    sentence = caf.fall_sentence(chapter, t)
    assert f"{-d['Opened']:,} from fewer openings" in sentence or "more closures" in sentence


def test_localities_add_up_to_the_borough(chapter):
    t = caf.locality_table(chapter)
    assert t["Open Nov 2017"].sum() == 614 and t["Open Nov 2016"].sum() == 798
    assert "Not recorded" in t.index  # blank localities are kept, not dropped


def test_closures_sentence_is_a_computed_record(chapter):
    text = caf.closures_sentence(chapter)
    closed = chapter.flow.closed
    latest = closed.loc[chapter.month]
    as_high = closed.loc[: chapter.month - 1][closed.loc[: chapter.month - 1] >= latest]
    assert f"highest since {as_high.index[-1].strftime('%B %Y')} ({as_high.iloc[-1]:,.0f};" in text
    assert "risen every month" in text


def test_long_open_share_and_durations(chapter):
    t = caf.duration_table(chapter)
    assert t.loc["Open over 12 months (%)", "Report month (November 2017)"] == 13.0
    q1, med, q3 = (
        t.loc[k, "Report month (November 2017)"]
        for k in ("Lower quartile (days)", "Median days open (closed)", "Upper quartile (days)")
    )
    assert q1 <= med <= q3


def test_short_series_gives_sentences_not_errors():
    ch = caf.load(DEMO_DATA_DIR, "2015-06", "2015-04")
    assert caf.fall_decomposition(ch).empty
    assert "needs 24 months" in caf.fall_sentence(ch, caf.fall_decomposition(ch))
    model = caf.trend_model(ch)
    assert model is None and "no trend model" in caf.trend_sentence(ch, model)
    assert not caf.model_chart(ch, model).drawn


def test_charts_have_titles_and_alt_text_with_latest_values(chapter):
    drawn = caf.flow_chart(chapter)
    fig, alt = drawn.figure, drawn.alt
    title = " ".join(fig.axes[0].get_title(loc="left").split())  # wrapped to the chart's width
    assert title.startswith("Open CAFs at the end of November 2017: 184 fewer")
    assert "614 in November 2017" in alt
    drawn = caf.xmr_chart(chapter, "closed", "CAFs closed in the month", "neutral")
    fig, alt = drawn.figure, drawn.alt
    assert "November 2017" in alt and fig.axes[0].get_ylabel() == "CAFs closed in the month"


def test_tables_show_counts_as_whole_numbers(chapter):
    from improvement_report.render import display

    locality = display.table(caf.locality_table(chapter), "t").data
    durations = display.table(caf.duration_table(chapter), "d").data
    assert '<th scope="row">South</th><td style="text-align: right">157</td>' in locality
    assert '<th scope="row">Open at month end</th><td style="text-align: right">798</td>' in durations
    assert '<td style="text-align: right">1,120</td>' in durations
    assert '<td style="text-align: right">13.0</td>' in durations  # percentages keep one decimal


def test_wilson_interval_matches_a_hand_worked_value():
    from improvement_report.stats.proportions import wilson_interval

    # 80 of 614: p = 0.1303, z = 1.96; centre (p + z^2/2n)/(1 + z^2/n) = 0.1326, half-width 0.0266
    low, high = wilson_interval(80, 614)
    assert round(low, 1) == 10.6 and round(high, 1) == 15.9
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10)
    assert low == 0 and 27 < high < 28  # Wilson stays sensible at 0%


def test_duration_sentence_gives_the_interval(chapter):
    assert "(80 of 614; 95% interval 10.6% to 15.9%)" in caf.duration_sentence(chapter)


def test_a_single_month_series_says_what_it_cannot_show():
    ch = caf.load(DEMO_DATA_DIR, "2015-04", "2015-04")
    assert "no count a year earlier" in caf.headline(ch)
    drawn = caf.xmr_chart(ch, "open_end", "Open CAFs", "neutral")
    result = drawn.spc
    assert drawn.figure is None and result is None
    assert "too few months" in caf.spc_reading(result, "open CAFs")


def test_short_series_warns_that_limits_are_unreliable():
    ch = caf.load(DEMO_DATA_DIR, "2015-09", "2015-04")
    result = caf.xmr_chart(ch, "closed", "CAFs closed", "neutral").spc
    assert "only 6 months" in caf.spc_reading(result, "closures")


def test_small_locality_counts_are_suppressed(make_folder):
    rows = [f"E{i},C{i},2016-06-01,,West" for i in range(30)] + [f"S{i},D{i},2016-06-01,,South" for i in range(3)]
    ch = caf.load(make_folder(early_help_episodes=rows), "2017-11", "2016-06", extract_date="2017-11-30")
    t = caf.locality_table(ch)
    assert t.loc["South", "Open Nov 2017"] == "c" and t.loc["South", "Change"] == "c"
    assert t.loc["West", "Open Nov 2017"] == "c"  # secondary: West = total - South would reveal South
    assert caf.locality_table(ch, suppress_small=False).loc["South", "Open Nov 2017"] == 3


def test_locality_chart_leaves_out_a_line_that_would_show_1_to_5(make_folder):
    rows = [f"E{i},C{i},2016-06-01,,West" for i in range(30)] + [f"S{i},D{i},2016-06-01,,South" for i in range(3)]
    ch = caf.load(make_folder(early_help_episodes=rows), "2017-11", "2016-06", extract_date="2017-11-30")
    drawn = caf.locality_chart(ch)
    fig, alt = drawn.figure, drawn.alt
    # One small chart per locality, titled with its name.
    panels = [ax.get_title(loc="left") for ax in fig.axes]
    assert any(t.startswith("West") for t in panels) and not any(t.startswith("South") for t in panels)
    assert "Not drawn" in alt and "South" in alt
    fig = caf.locality_chart(ch, suppress_small=False).figure
    assert any(ax.get_title(loc="left").startswith("South") for ax in fig.axes)


def _flows(opened_before, closed_before, opened_now, closed_now):
    """A decomposition table of two 12-month totals, as fall_decomposition gives it."""
    import pandas as pd

    prev, this = "Mar 2021 to Feb 2022", "Mar 2022 to Feb 2023"
    rows = {
        "Opened": (opened_before, opened_now),
        "Closed": (closed_before, closed_now),
        "Change in open CAFs (opened - closed)": (opened_before - closed_before, opened_now - closed_now),
    }
    t = pd.DataFrame(rows, index=[prev, this]).T
    t["Difference"] = t[this] - t[prev]
    return t


def test_parts_pulling_opposite_ways_are_named_by_what_each_did(chapter):
    # Openings -70 and closures -80: fewer openings lower the net flow, fewer closures raise it.
    text = caf.fall_sentence(chapter, _flows(6540, 6542, 6470, 6462))
    assert "the number open rose by 8" in text and "net flow is 10 higher" in text
    assert "70 fewer openings lowered it and 80 fewer closures raised it" in text
    assert "-70" not in text and "-80" not in text


def test_a_part_that_did_not_change_gets_no_share(chapter):
    text = caf.fall_sentence(chapter, _flows(1000, 1000, 1000, 1100))
    assert "all of it from more closures; openings were the same in both years" in text
    assert "0 from" not in text and "0%" not in text


def test_both_parts_the_same_way_are_shared(chapter):
    text = caf.fall_sentence(chapter, _flows(1000, 1000, 900, 1100))  # 100 fewer openings, 100 more closures
    assert "100 from fewer openings (50%) and 100 from more closures (50%)" in text


def test_monthly_flows_of_1_to_5_are_not_named_drawn_or_downloaded(make_folder):
    # 8 CAFs opened on the 1st of each month from June 2016 to October 2017 (17 months, 136), none
    # closed; in November 2017, 3 more open and 2 of the first close: 137 open at the end. The
    # month's 3 openings, 2 closures and net flow are hidden everywhere; the 137 is shown.
    months = [f"{y}-{m:02d}" for y, m in [(2016, m) for m in range(6, 13)] + [(2017, m) for m in range(1, 11)]]
    rows = [
        f"E{k}{i},C{k}{i},{month}-01,{'2017-11-10' if (k, i) in ((0, 0), (0, 1)) else ''},West"
        for k, month in enumerate(months)
        for i in range(8)
    ]
    rows += [f"N{i},D{i},2017-11-0{i + 1},,West" for i in range(3)]
    # 8 more open and close in June 2016, so the extract covers the series from then (its first end).
    rows += [f"J{i},F{i},2016-06-01,2016-06-20,West" for i in range(8)]
    ch = caf.load(make_folder(early_help_episodes=rows), "2017-11", "2016-06", extract_date="2017-11-30")
    text = caf.headline(ch)
    assert "**137**" in text and "1 to 5 CAFs were opened and 1 to 5 closed" in text
    table = caf.flow_table(ch)
    assert table.loc["2017-11", ["Opened", "Closed", "Net flow"]].tolist() == ["c", "c", "c"]
    assert table.loc["2017-11", "Open at month end"] == 137 and table.loc["2017-10", "Opened"] == 8
    drawn = caf.flow_chart(ch)
    assert "1 to 5 opened and 1 to 5 closed" in drawn.alt and "2 monthly values from 1 to 5 are not drawn" in drawn.alt
    closures = caf.xmr_chart(ch, "closed", "CAFs closed", "neutral")
    assert "The latest value, 1 to 5, in" in closures.alt
    assert "The latest value, 1 to 5," in caf.spc_sentence(closures.spc, "closures")
    assert caf.flow_table(ch, suppress_small=False).loc["2017-11", "Opened"] == 3


def test_a_long_locality_name_is_cut_and_draws_without_a_warning(make_folder):
    # The payload edition's locality names are long: seaborn's tight layout then warned on stderr,
    # which the page check (rightly) refuses. A panel title is cut to one short line instead.
    import warnings

    long_name = "Barnet EDT <script>alert(1301)</script> and a very long locality name indeed"
    rows = [f"E{i},C{i},2016-06-01,,{long_name}" for i in range(30)]
    rows += [f"W{i},D{i},2016-06-01,,West" for i in range(30)]
    ch = caf.load(make_folder(early_help_episodes=rows), "2017-11", "2016-06", extract_date="2017-11-30")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = caf.locality_chart(ch, suppress_small=False).figure
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert len(titles) == 2 and all(len(t) <= 32 + len(" (30)") for t in titles)
