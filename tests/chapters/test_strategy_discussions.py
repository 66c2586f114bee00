"""The strategy discussions chapter: p chart and funnel limits, time of day, and the parts adding up.

Every expected number here is worked out by hand from the hand-made records, not copied from
the code's output.
"""

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from extracts import write_folder

from improvement_report.chapters import strategy_discussions as sc
from improvement_report.core.paths import DEMO_DATA_DIR
from improvement_report.inputs.loading import load_file
from improvement_report.measures import strategy_discussions as sd
from improvement_report.render import suppression
from improvement_report.stats import funnel

matplotlib.use("Agg")


def discussions(tmp_path, lines):
    """Load hand-made CSV lines as the loader types them."""
    folder = write_folder(tmp_path / "d", strategy_discussions=lines)
    return load_file(folder / "strategy_discussions.csv", "strategy")


def line(i, held_at, team="A", csc="Y", police="Y", health="Y", education="", reason=""):
    return f"SD{i:04d},{held_at},{team},1,{csc},{police},{health},{education},{reason}"


# ------------------------------------------------------------------ out of hours (contract)


def test_out_of_hours_on_the_hand_made_edge_cases(tmp_path):
    rows = [
        line(1, "2017-11-14 08:59"),  # Tuesday, a minute before nine: out of hours
        line(2, "2017-11-14 09:00"),  # nine exactly: in hours
        line(3, "2017-11-14 16:59"),  # in hours
        line(4, "2017-11-14 17:00"),  # five exactly: out of hours
        line(5, "2017-11-18 11:00"),  # Saturday, mid-morning: out of hours
        line(6, "2017-12-25 11:00"),  # Christmas Day 2017 was a Monday: bank holiday, out of hours
        line(7, "2017-08-28 10:30"),  # Summer bank holiday (Monday): out of hours
        line(8, "2017-11-14"),  # no time recorded: unknown, never in or out
    ]
    d = discussions(tmp_path, rows)
    labels = dict(zip(d.discussion_id, sd.time_of_day(d)))
    assert labels == {
        "SD0001": sd.OUT_OF_HOURS,
        "SD0002": sd.IN_HOURS,
        "SD0003": sd.IN_HOURS,
        "SD0004": sd.OUT_OF_HOURS,
        "SD0005": sd.OUT_OF_HOURS,
        "SD0006": sd.OUT_OF_HOURS,
        "SD0007": sd.OUT_OF_HOURS,
        "SD0008": sd.TIME_UNKNOWN,
    }


def test_time_of_day_table_counts_each_group_and_health(tmp_path):
    rows = [
        line(1, "2017-11-14 10:00"),
        line(2, "2017-11-14 11:00", health="N"),
        line(3, "2017-11-14 18:00", health="N"),
        line(4, "2017-11-18 12:00"),
        line(5, "2017-11-18 13:00", health="N"),
        line(6, "2017-11-15"),
    ]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-11", suppress_small=False)
    t = sc.time_of_day_table(ch)
    assert list(t.index) == [sd.IN_HOURS, sd.OUT_OF_HOURS, sd.TIME_UNKNOWN]
    assert list(t.Discussions) == [2, 3, 1]
    assert list(t["Health took part"]) == [1, 1, 1]
    assert t.loc[sd.OUT_OF_HOURS, "Health took part (%)"] == pytest.approx(100 / 3)
    text = sc.time_of_day_sentence(ch, t)
    assert "2 of the 3 discussions without health were out of hours" in text
    assert "1 discussion has no recorded time and is counted in neither group" in text


# ------------------------------------------------------------------ p chart limits


def test_p_chart_limits_vary_with_each_months_discussions(tmp_path):
    # October: 100 discussions, 50 compliant; November: 20, 10; December: none; January: 30, 15.
    # pbar = 75 / 150 = 0.5, so the 3-sigma limits are 0.5 ± 3 * sqrt(0.25 / n).
    rows, i = [], 0
    for month, n, k in (("2017-10", 100, 50), ("2017-11", 20, 10), ("2018-01", 30, 15)):
        for j in range(n):
            i += 1
            rows.append(line(i, f"{month}-1{j % 9} 10:00", police="Y" if j < k else "N"))
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-12-01", "2018-01-31", "2017-10", suppress_small=False)
    chart = sc.p_chart(ch)
    assert list(chart.denominator) == [100, 20, 0, 30]
    assert chart.pbar.iloc[0] == pytest.approx(0.5)
    assert chart.ucl.iloc[0] == pytest.approx(0.65) and chart.lcl.iloc[0] == pytest.approx(0.35)
    assert chart.ucl.iloc[1] == pytest.approx(0.5 + 3 * math.sqrt(0.25 / 20))  # 0.8354
    assert chart.lcl.iloc[3] == pytest.approx(0.5 - 3 * math.sqrt(0.25 / 30))  # 0.2261
    assert np.isnan(chart.p.iloc[2])  # December: no discussions, no point
    t = sc.monthly_table(chart)
    assert list(t.index) == ["2017-10", "2017-11", "2017-12", "2018-01"]
    assert t.loc["2017-11", "Upper limit (%)"] == 83.5


def test_p_chart_plot_marks_special_causes_by_shape_and_colour(tmp_path):
    ch = sc.load(DEMO_DATA_DIR, "2017-09-01", "2017-12-31", "2015-04")
    chart = sc.p_chart(ch)
    drawn = sc.p_chart_figure(ch, chart)
    fig, alt = drawn.figure, drawn.alt
    ax = fig.axes[0]
    markers = {line.get_gid(): (line.get_marker(), line.get_color()) for line in ax.get_lines() if line.get_gid()}
    assert markers["spc-common-cause"][0] == "o"
    assert markers["spc-improvement"][0] in ("^", "v")
    assert markers["spc-improvement"][1] != markers["spc-common-cause"][1]
    assert "December 2017" in alt and "%" in alt


# ------------------------------------------------------------------ funnel limits


def test_exact_funnel_limit_by_hand():
    # Binomial(10, 0.5): P(X <= 7) = 968/1024, P(X <= 8) = 1013/1024, so the 97.5% point is 8 and
    # Spiegelhalter's interpolation moves it back by (1013/1024 - 0.975) / (45/1024) = 14.6/45.
    expected = (8 - 14.6 / 45) / 10
    assert funnel.exact_limit(0.5, 10, 0.975) == pytest.approx(expected)
    # Lower: P(X <= 1) = 11/1024, P(X <= 2) = 56/1024, so the 2.5% point is 2, moved back by
    # (56/1024 - 0.025) / (45/1024) = 30.4/45. (The interpolation is not symmetric about 0.5.)
    assert funnel.exact_limit(0.5, 10, 0.025) == pytest.approx((2 - 30.4 / 45) / 10)
    # A limit below zero is clipped: Binomial(2, 0.5) has P(X = 0) = 0.25 > 0.001.
    assert funnel.exact_limit(0.5, 2, 0.001) == 0.0


def test_normal_funnel_limits_by_hand_and_exact_ones_converge():
    lim = funnel.limits(0.5, [100], "normal").iloc[0]
    assert lim.upper_95 == pytest.approx(0.5 + 1.959964 * 0.05, abs=1e-6)
    assert lim.lower_998 == pytest.approx(0.5 - 3.090232 * 0.05, abs=1e-6)
    big_exact = funnel.limits(0.3, [20_000], "exact").iloc[0]
    big_normal = funnel.limits(0.3, [20_000], "normal").iloc[0]
    assert big_exact.lower_998 == pytest.approx(big_normal.lower_998, abs=0.001)
    with pytest.raises(ValueError):
        funnel.limits(1.0, [10])


def test_funnel_position_and_a_team_below_is_named(tmp_path):
    # Overall 0.5 with the normal limits at n = 100: 95% limits 0.402 to 0.598, 99.8% 0.345 to 0.655.
    positions = funnel.position([30, 38, 50, 62, 70], [100] * 5, 0.5, "normal")
    assert list(positions) == ["below 99.8%", "below 95%", "within", "above 95%", "above 99.8%"]
    # Team A: 40 discussions, all compliant; team B: 40, 4 compliant. Overall 44/80 = 0.55.
    rows = [line(i, "2017-11-14 10:00", team="A") for i in range(40)]
    rows += [line(100 + i, "2017-11-14 10:00", team="B", health="Y" if i < 4 else "N") for i in range(40)]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    teams = sc.team_table(ch)
    assert teams.loc["B", "Position"] == "below 99.8%" and teams.loc["A", "Position"] == "above 99.8%"
    assert "B (10.0% of 40) is below the 99.8% limit" in sc.funnel_sentence(ch, teams)
    fig = sc.funnel_figure(ch, teams).figure
    assert "B is below" in fig.axes[0].get_title(loc="left")


# ------------------------------------------------------------------ the parts add up


def test_absence_combinations_add_up_to_all_discussions(tmp_path):
    rows = [
        line(1, "2017-11-14 10:00"),
        line(2, "2017-11-14 10:00", health="N"),
        line(3, "2017-11-14 10:00", health="N"),
        line(4, "2017-11-14 10:00", police="N", health="N"),
        line(5, "2017-11-14 10:00", csc="N"),
    ]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    t = sc.absence_table(ch)
    assert t.loc["Health absent", "Discussions"] == 2
    assert t.loc["Police and health absent", "Discussions"] == 1
    assert t.loc["Children's social care absent", "Discussions"] == 1
    assert t.loc["None: compliant (all three took part)", "Discussions"] == 1
    assert t.Discussions.drop("All discussions").sum() == t.loc["All discussions", "Discussions"] == 5
    assert "1 of the 4 non-compliant discussions missed more than one agency" in sc.absence_sentence(ch)


def test_default_window_reproduces_the_published_figures():
    ch = sc.load(DEMO_DATA_DIR, "2017-09-01", "2017-12-31", "2015-04", suppress_small=False)
    t = sc.absence_table(ch)
    assert t.loc["All discussions", "Discussions"] == 224
    assert (t.loc["Health absent", "Discussions"], t.loc["Police absent", "Discussions"]) == (60, 6)
    assert "**224**" in sc.headline(ch) and "**400**" in sc.headline(ch) and "155 (69.2%" in sc.headline(ch)


def test_default_window_as_published_hides_the_small_absence_and_its_partner():
    # The report's 69 non-compliant discussions: 60 without health, 6 without police, 3 without
    # social care. 3 is hidden; 6 then too (else 69 - 60 - 6 gives it back); so are their shares.
    ch = sc.load(DEMO_DATA_DIR, "2017-09-01", "2017-12-31", "2015-04")
    t = sc.absence_table(ch)
    assert t.loc["Children's social care absent"].tolist() == ["c", "c"]
    assert t.loc["Police absent"].tolist() == ["c", "c"]
    assert t.loc["Health absent", "Discussions"] == 60 and t.loc["All discussions", "Discussions"] == 224
    head = sc.headline(ch)
    assert "69 were not; the table below" in head and "3 without" not in head and "6 without" not in head
    assert " 3 children's social care" not in sc.absence_sentence(ch)
    # Time of day: 12 discussions with no time, 7 compliant, so 5 were not: the 7 is hidden, and
    # its column's next smallest (out of hours, 15 of 42) with it; health likewise (7 and 15).
    # No sentence may then say how many of the 60 without health were out of hours (27 gives 15).
    times = sc.time_of_day_table(ch)
    assert times.loc[sd.TIME_UNKNOWN, "Compliant"] == "c" and times.loc[sd.OUT_OF_HOURS, "Compliant"] == "c"
    assert times.loc[sd.IN_HOURS, ["Discussions", "Compliant"]].tolist() == [170, 133]
    assert "27 of the 60" not in sc.time_of_day_sentence(ch, times)
    teams = sc.team_table(ch)
    # Intervention and Planning East: 21 of 23 compliant, 2 not: neither the 21 nor 91.3% is shown.
    assert teams.loc["Intervention and Planning East", "Compliant (%)"] == "c"
    assert "all but 1 to 5 compliant of 23" in sc.funnel_sentence(ch, teams)
    meaning = sc.what_this_means(ch, sc.p_chart(ch), teams, None, sc.reasons_table(ch))
    assert "27 of the 60" not in meaning and "64%" not in meaning


def _window(tmp_path, n, compliant, team="A", start="2017-11-01"):
    """``n`` discussions on weekday mornings in November 2017, the first ``compliant`` of them compliant."""
    days = pd.bdate_range(start, periods=n)
    rows = [line(i, f"{d:%Y-%m-%d} 10:00", team=team, health="Y" if i < compliant else "N") for i, d in enumerate(days)]
    return rows


def test_a_window_of_1_to_5_discussions_publishes_no_figure_about_them(tmp_path):
    rows = _window(tmp_path, 3, 2)  # 3 discussions, 2 compliant: 66.7% would give both away
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-11")
    head = sc.headline(ch)
    assert "1 to 5 strategy discussions" in head and "66.7" not in head and " 3 " not in head
    assert sc.absence_table(ch).empty and sc.time_of_day_table(ch).empty and sc.reasons_table(ch).empty
    assert sc.team_table(ch).empty and sc.education_sentence(ch) == ""
    for text in (sc.time_of_day_sentence(ch, sc.time_of_day_table(ch)), sc.reasons_sentence(ch, sc.reasons_table(ch))):
        assert "%" not in text and "too few" in text


def test_a_share_from_1_to_5_is_hidden_in_sentences_and_tables(tmp_path):
    # 20 discussions in hours, 17 compliant (health absent from 3): 17 of 20 gives the 3 away, so
    # neither the 17 nor 85.0% is shown; the absence row (3) and its partner (17) are hidden; the
    # education share (4 of 20) too.
    rows = _window(tmp_path, 20, 17)
    rows = [r.replace(",Y,Y,Y,,", ",Y,Y,Y,Y,") if i < 4 else r for i, r in enumerate(rows)]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-11")
    head = sc.headline(ch)
    assert "**20**" in head and "**all but 1 to 5 (share not shown" in head and "1 to 5 were not" in head
    assert " 17 " not in head and "85" not in head
    t = sc.absence_table(ch)
    compliant = "None: compliant (all three took part)"
    assert t.loc["Health absent"].tolist() == ["c", "c"] and t.loc[compliant].tolist() == ["c", "c"]
    assert "1 to 5 (share not shown" in sc.education_sentence(ch)
    times = sc.time_of_day_table(ch)
    assert times.loc[sd.IN_HOURS, "Discussions"] == 20
    assert times.loc[sd.IN_HOURS, ["Compliant", "Compliant (%)", "Health took part (%)"]].eq("c").all()


def test_p_chart_months_from_1_to_5_are_not_drawn_or_published(tmp_path):
    # October: 12 discussions, 6 compliant (50%, shown). November: 4 discussions (hidden).
    # December: 14 discussions, 7 compliant (shown). A month of 10 with 9 compliant would be
    # hidden too: its 90% gives away the 1 not compliant (see the last assertion).
    rows = _window(tmp_path, 12, 6, start="2017-10-02")
    rows += [r.replace("SD00", "SD10") for r in _window(tmp_path, 4, 4, start="2017-11-01")]
    rows += [r.replace("SD00", "SD20") for r in _window(tmp_path, 14, 7, start="2017-12-01")]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-12-01", "2017-12-31", "2017-10")
    chart = sc.p_chart(ch)
    assert chart.p.round(3).tolist()[0] == 0.5 and np.isnan(chart.p.iloc[1]) and np.isnan(chart.ucl.iloc[1])
    assert chart.pbar.iloc[1] == pytest.approx(17 / 30)  # the centre line still uses every month
    t = sc.monthly_table(chart)
    assert t.loc["2017-11"].eq("c").all() and t.loc["2017-10", "Discussions"] == 12
    reading = sc.p_chart_reading(ch, chart)
    assert "1 month with 1 to 5 discussions" in reading and "not drawn" in reading
    nine_of_ten = pd.DataFrame({"numerator": [9.0, 7.0], "denominator": [10.0, 14.0]})
    assert suppression.published_p_chart(nine_of_ten.assign(p=0.9, lcl=0.5, ucl=1.0)).p.isna().tolist() == [True, False]


# ------------------------------------------------------------------ reasons, model, empty windows


def test_reasons_are_counted_in_configured_categories_never_printed(tmp_path):
    rows = [line(i, "2017-11-14 10:00", health="N", reason="agency  NOT available") for i in range(3)]
    rows += [line(20 + i, "2017-11-14 19:00", health="N", reason="see child 1667806 case") for i in range(4)]
    rows += [
        line(10, "2017-11-14 10:00", health="N", reason="Police unavailable"),
        line(11, "2017-11-14 10:00", health="N"),
        line(12, "2017-11-14 10:00", reason="ignored: compliant"),
    ]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    t = sc.reasons_table(ch, ["Agency not available", "Police unavailable", "Out of hours cover"])
    # By hand: 3 match "Agency not available" (case and spaces aside), 1 the police category,
    # 4 free-text notes are "other", 1 is blank; the compliant discussion is not counted.
    assert t.Discussions.to_dict() == {
        "Agency not available": 3,
        "Police unavailable": 1,
        sc.OTHER_REASONS: 4,
        sc.NO_REASON: 1,
    }
    assert t.loc[sc.OTHER_REASONS, "Out of hours"] == 4
    shown = t.to_csv() + sc.reasons_sentence(ch, t) + sc.what_this_means(ch, None, sc.team_table(ch), None, t)
    assert "1667806" not in shown and "see child" not in shown and "ignored" not in shown
    assert "Other reason recorded" in t.index


def test_team_names_reach_sentences_escaped(tmp_path):
    rows = [line(i, "2017-11-14 10:00", team="<b>EDT</b>", health="N") for i in range(30)]
    rows += [line(100 + i, "2017-11-14 10:00", team="MASH") for i in range(30)]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    teams = sc.team_table(ch)
    sentence = sc.funnel_sentence(ch, teams)
    assert "<b>" not in sentence and "&#60;b&#62;EDT&#60;&#47;b&#62;" in sentence


def test_health_model_finds_the_out_of_hours_effect(tmp_path):
    rng = np.random.default_rng(4)
    rows = []
    for i in range(300):
        ooh = i % 3 == 0
        held = f"2017-11-{1 + i % 28:02d} {'19:00' if ooh else '11:00'}"
        health = "Y" if rng.random() < (0.3 if ooh else 0.85) else "N"
        rows.append(line(i, held, team="AB"[i % 2], health=health))
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    model, reason = sc.health_model(ch)
    assert reason == "" and model.n == 300
    ratio, low, high = model.ooh
    assert high < 1  # true odds ratio (0.3/0.7) / (0.85/0.15) = 0.076
    assert "less likely to take part out of hours" in sc.model_sentence(model, reason)


def test_a_window_with_no_discussions_says_so_and_draws_nothing(tmp_path):
    ch = sc.load(DEMO_DATA_DIR, "2014-01-01", "2014-01-31", "2015-04")
    assert "No strategy discussions were recorded" in sc.headline(ch)
    chart = sc.p_chart(ch)
    assert chart is None and not sc.p_chart_figure(ch, chart).drawn
    assert "ends before the first month of the series" in sc.p_chart_reading(ch, chart)
    teams = sc.team_table(ch)
    assert teams.empty and not sc.funnel_figure(ch, teams).drawn
    model, reason = sc.health_model(ch)
    assert model is None and sc.model_sentence(model, reason) == ""
    assert sc.funnel_sentence(ch, teams) == sc.reasons_sentence(ch, sc.reasons_table(ch)) == sc.NONE_IN_WINDOW
    assert sc.absence_table(ch).empty and sc.reasons_table(ch).empty and sc.time_of_day_table(ch).empty
    assert "No strategy discussions" in sc.what_this_means(ch, chart, teams, model, sc.reasons_table(ch))


def test_no_identifier_reaches_any_output():
    ch = sc.load(DEMO_DATA_DIR, "2017-09-01", "2017-12-31", "2015-04")
    chart = sc.p_chart(ch)
    teams = sc.team_table(ch)
    model, reason = sc.health_model(ch)
    frames = [
        sc.absence_table(ch),
        sc.monthly_table(chart),
        teams,
        sc.time_of_day_table(ch),
        sc.reasons_table(ch),
        model.table,
    ]
    text = " ".join(f.to_csv() for f in frames) + sc.what_this_means(ch, chart, teams, model, sc.reasons_table(ch))
    text += sc.p_chart_figure(ch, chart).alt + sc.funnel_figure(ch, teams).alt
    assert "SD0" not in text and not any(i in text for i in ch.discussions.discussion_id)


def test_page_tables_keep_whole_numbers_and_every_group(tmp_path):
    rows = [line(1, "2017-11-14 10:00"), line(2, "2017-11-14 18:00", health="N")]
    ch = sc.from_frame(discussions(tmp_path, rows), "2017-11-01", "2017-11-30", "2017-04", suppress_small=False)
    shown = sc.time_of_day_display(sc.time_of_day_table(ch))
    assert list(shown.columns) == [sd.IN_HOURS, sd.OUT_OF_HOURS]
    assert shown.loc["Discussions", sd.OUT_OF_HOURS] == 1 and isinstance(shown.loc["Discussions", sd.IN_HOURS], int)
    assert shown.loc["Health took part (%)", sd.OUT_OF_HOURS] == 0.0


def test_small_teams_are_pooled_or_left_off_so_no_count_of_1_to_5_shows():
    from improvement_report.chapters import strategy_discussions as sdc

    rows = []
    for team, n, ok in (("Big A", 30, 20), ("Big B", 25, 20), ("Tiny", 3, 1)):
        for i in range(n):
            rows.append(
                {
                    "discussion_id": f"{team}{i}",
                    "held_at": pd.Timestamp("2017-10-02 10:00"),
                    "time_known": True,
                    "team": team,
                    "children": 1,
                    "csc": True,
                    "police": True,
                    "health": i < ok,
                    "education": pd.NA,
                    "non_compliance_reason": None,
                }
            )
    frame = pd.DataFrame(rows).astype({"education": "boolean"})
    ch = sdc.from_frame(frame, "2017-09-01", "2017-12-31", "2017-09")
    teams = sdc.team_table(ch)
    assert set(teams.index) == {"Big A", "Big B"}
    assert teams.Discussions.min() >= 6 and teams.attrs["discussions_not_shown"] == 3
    assert "pooled" in sdc.funnel_sentence(ch, teams) and "left off" in sdc.funnel_sentence(ch, teams)
