"""Theme pages and the summary: limits, icons, readings and the worried / working-well rules.

Every expected value is worked by hand from the small series in the test.
"""

import numpy as np
import pandas as pd
import pytest

from improvement_report.build.config import load_config
from improvement_report.chapters import summary, themes
from improvement_report.core.paths import CATALOGUE_PATH
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.loading import DataContractError
from improvement_report.measures import indicators, judgements
from improvement_report.render import icons, indicator_words
from improvement_report.render.escape import escape
from improvement_report.render.output import PageOutput

MONTHS = pd.period_range("2016-01", periods=30, freq="M")


def info(polarity="higher_is_better", target=np.nan, unit="count", watch="", published_list="", theme=4):
    return pd.Series(
        {
            "name": "Test indicator",
            "theme": theme,
            "unit": unit,
            "polarity": polarity,
            "target": target,
            "comparator_statistical_neighbours": np.nan,
            "comparator_england": np.nan,
            "comparator_previous_year": np.nan,
            "comparator_source": "",
            "watch": watch,
            "published_list": published_list,
        }
    )


def zigzag(n, low=10.0, high=12.0, start=MONTHS[0]):
    """low, high, low, ...: mean (low + high) / 2, every moving range high - low."""
    values = [low if i % 2 == 0 else high for i in range(n)]
    return pd.Series(values, index=pd.period_range(start, periods=n, freq="M"))


# --- limits: fixed baselines, rebasing, warnings ------------------------------------------------------


def test_fixed_baseline_judges_later_months_against_it():
    s = pd.concat([zigzag(24), pd.Series([20.0], index=[MONTHS[24]])])
    a = judgements.analyse(s, info(), MONTHS[24], judgements.Settings(baseline_end=str(MONTHS[23])))
    # mean 11, mean moving range 2: limits 11 +/- 2.66 * 2 = 5.68 to 16.32; 20 is above them.
    assert a.current.mean == pytest.approx(11) and a.current.ucl == pytest.approx(16.32)
    assert a.variation == "improvement_high" and a.current.baseline_points == 24
    assert a.notes == []  # 24 baseline points: no warning
    lower = judgements.analyse(
        s, info("lower_is_better"), MONTHS[24], judgements.Settings(baseline_end=str(MONTHS[23]))
    )
    assert lower.variation == "concern_high"


def test_short_baseline_warns_with_its_length():
    s = zigzag(20)
    a = judgements.analyse(s, info(), MONTHS[19], judgements.Settings(baseline_end=str(MONTHS[5])))
    assert a.current.baseline_points == 6
    assert any("only 6 months" in n and "fewer than 12" in n for n in a.notes)


def test_baseline_of_one_month_falls_back_to_every_month_and_says_so():
    s = zigzag(20)
    a = judgements.analyse(s, info(), MONTHS[19], judgements.Settings(baseline_start=str(MONTHS[19])))
    assert a.current.baseline_points == 20
    assert any("fewer than 2 months" in n for n in a.notes)


def test_rebase_recalculates_limits_and_assurance_uses_the_latest_phase():
    s = pd.concat([zigzag(12), zigzag(14, 20, 22, start=MONTHS[12])])
    settings = judgements.Settings(rebase={"x": str(MONTHS[12])})
    a = judgements.analyse(s, info(target=15), MONTHS[25], settings, code="x")
    # Latest phase: mean 21, limits 21 +/- 5.32 = 15.68 to 26.32: a target of 15 is always passed.
    assert a.rebased_at == MONTHS[12]
    assert a.current.mean == pytest.approx(21) and a.current.lcl == pytest.approx(15.68)
    assert a.assurance == "pass"
    # The chart keeps each phase's own limits: the first months still carry mean 11.
    assert a.chart.data.loc[MONTHS[0], "mean"] == pytest.approx(11)
    assert len(a.chart.data) == 26
    # The recalculated limits rest on the 12 months from the change (MONTHS[12] to MONTHS[23]), a fixed
    # number, so the month judged (MONTHS[25]) is never among them; 12 points give no warning.
    assert a.current.baseline_start == MONTHS[12] and a.current.baseline_end == MONTHS[23]
    assert not any("fewer than" in n for n in a.notes)
    # The same series without the rebase: one set of limits across both levels (mean 426 / 26 = 16.38),
    # and the 14 months from MONTHS[12] all above it reach the latest month: a shift with no change date.
    # Assurance is judged on limits from the 12 months from MONTHS[12]: 15.68 to 26.32, so pass.
    whole = judgements.analyse(s, info(target=15), MONTHS[25], judgements.Settings(), code="x")
    assert whole.current.mean == pytest.approx(426 / 26)
    assert whole.shift_since == MONTHS[12] and whole.recent.baseline_end == MONTHS[23]
    assert whole.recent.lcl == pytest.approx(15.68) and whole.assurance == "pass"
    assert any("appears to have changed since January 2017" in n for n in whole.notes)


def test_a_recent_shift_with_too_few_months_leaves_assurance_not_yet_judged():
    # 20 months of 12/10 (mean 11, limits 5.68 to 16.32 fixed on them), then 8 months of 20/22: a run of 8
    # above the mean up to the latest month. Fewer than 12 months since: assurance is not yet judged, never
    # "consistently fails", and the page says the process appears to have changed.
    s = pd.concat([zigzag(20, 12, 10), zigzag(8, 20, 22, start=MONTHS[20])])  # the baseline ends on 10
    a = judgements.analyse(s, info(target=19), MONTHS[27], judgements.Settings(baseline_end=str(MONTHS[19])))
    assert a.current.ucl == pytest.approx(16.32)  # the target of 19 is above the upper limit: "fail" before
    assert a.shift_since == MONTHS[20] and a.assurance == "not_judged" and a.recent is None
    assert "not yet judged against the target of 19" in indicator_words.assurance_words(a)
    # The limits never rest on the month judged: 7 months before it, not "8 months ... too few".
    assert any("need 12 months since then before the latest, and there are 7" in n for n in a.notes), a.notes
    assert any("8 of the 8 months since then, the latest included, meet the target" in n for n in a.notes)
    # Twelve months since the shift, the latest among them, are still one short: said so, never
    # "the 12 months since then are too few for new limits" (which read as a contradiction).
    s12 = pd.concat([zigzag(16, 12, 10), zigzag(12, 20, 22, start=MONTHS[16])])
    a12 = judgements.analyse(s12, info(target=19), MONTHS[27], judgements.Settings(baseline_end=str(MONTHS[15])))
    assert a12.assurance == "not_judged" and any("there are 11" in n for n in a12.notes), a12.notes
    assert summary.classify(a) == ("working_well", "G1")  # improvement, and 22 meets the target of 19


def test_level_uses_target_then_floor_then_comparators():
    s = zigzag(14)  # latest 12
    assert judgements.analyse(s, info(target=13), MONTHS[13], judgements.Settings()).level.state == "short"
    floor = info()
    floor["floor"], floor["floor_source"] = 12.0, "statute"
    level = judgements.analyse(s, floor, MONTHS[13], judgements.Settings()).level
    assert (level.state, level.kind, level.benchmark) == ("meets", "floor", 12.0)
    neighbours = info("lower_is_better")
    neighbours["comparator_statistical_neighbours"], neighbours["comparator_england"] = 11.0, 20.0
    # 12 (lower is better) is worse than the neighbours' 11 but better than England's 20: between them.
    level = judgements.analyse(s, neighbours, MONTHS[13], judgements.Settings()).level
    assert (level.state, level.kind) == ("between", "comparators")
    neighbours["comparator_england"] = 11.5  # now worse than both figures: well below
    assert judgements.analyse(s, neighbours, MONTHS[13], judgements.Settings()).level.state == "short"
    # A published comparator given for the indicator replaces the catalogue's.
    given = judgements.analyse(
        s, neighbours, MONTHS[13], judgements.Settings(), comparators={"statistical neighbours": 12.5, "England": 13}
    ).level
    assert (given.state, given.benchmark, given.england) == ("meets", 12.5, 13)
    assert judgements.analyse(s, info("neutral", target=1), MONTHS[13], judgements.Settings()).level.state == "unknown"


@pytest.mark.parametrize(
    "latest, polarity, expected",
    [
        # England 70, neighbours' average 75, neighbours from 62 to 90 (by hand):
        (60.0, "higher_is_better", "short"),  # below England and below the lowest neighbour (62)
        (62.0, "higher_is_better", "between"),  # equal to the lowest neighbour: not worse than every one
        (65.0, "higher_is_better", "between"),  # below England, but above the lowest neighbour
        (72.0, "higher_is_better", "between"),  # above England, below the neighbours' average
        (75.0, "higher_is_better", "meets"),  # at the average, above England
        (95.0, "lower_is_better", "short"),  # above England and above the highest neighbour (90)
        (89.0, "lower_is_better", "between"),
        (70.0, "lower_is_better", "meets"),  # at England, below the neighbours' average
    ],
)
def test_well_below_means_worse_than_england_and_every_neighbour(latest, polarity, expected):
    s = pd.concat([zigzag(13, 70, 72), pd.Series([latest], index=[MONTHS[13]])])
    published = {"England": 70.0, "statistical neighbours": 75.0, "neighbour_min": 62.0, "neighbour_max": 90.0}
    a = judgements.analyse(s, info(polarity, unit="percent"), MONTHS[13], judgements.Settings(), comparators=published)
    assert a.level.state == expected
    words = indicator_words.level_words(a)
    assert "England 70.0%" in words and "statistical neighbours 62.0% to 90.0%, average 75.0%" in words
    if expected == "short":
        assert "well below its comparators" in words
        assert summary.classify(a)[0] == "worried"


def test_published_comparators_judge_only_like_for_like_measures_in_the_same_unit():
    catalogue = pd.DataFrame({"unit": ["percent", "percent", "count", "percent"]}, index=["a", "b", "c", "d"])
    table = pd.DataFrame(
        {
            "dfe_relation": ["same", "context", "near", "near"],
            "unit": ["percent", "percent", "rate", "percent"],
            "england": [20.0, 30.0, 40.0, np.nan],
            "neighbour_mean": [18.0, 25.0, 35.0, np.nan],
            "neighbour_min": [10.0, 20.0, 30.0, np.nan],
            "neighbour_max": [25.0, 35.0, 45.0, np.nan],
            "source": ["DfE"] * 4,
        },
        index=["a", "b", "c", "d"],
    )
    # b is context only, c is in another unit, d has no published figure: only a is judged.
    assert list(judgements.published_comparators(table, catalogue)) == ["a"]
    assert judgements.published_comparators(pd.DataFrame(), catalogue) == {}


def test_a_statutory_standard_is_shown_with_its_source_and_gives_no_floor_unless_one_is_recorded():
    row = info(unit="percent")
    row["standard"] = "an interview within 72 hours of the return"
    row["standard_source"] = "Statutory guidance <on children who go missing>"
    a = judgements.analyse(zigzag(14, 40, 42), row, MONTHS[13], judgements.Settings())
    words = indicator_words.target_sentence(a)
    assert "Statutory standard: an interview within 72 hours of the return" in words
    assert "<on" not in words and escape("<on children who go missing>") in words  # catalogue text escaped
    assert "gives no floor and the level is not judged" in words and a.level.state == "unknown"


def test_a_standard_needs_its_source_in_the_catalogue(tmp_path):
    path = tmp_path / "catalogue.csv"
    frame = pd.read_csv(CATALOGUE_PATH, dtype=str, keep_default_na=False)
    frame.loc[0, "standard"] = "within 15 working days"
    frame.loc[0, "standard_source"] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(DataContractError, match="standard_source"):
        load_catalogue(path)


def test_the_catalogue_holds_statutory_standards_with_their_sources_and_no_invented_floor():
    catalogue = indicators.full_catalogue()
    with_standard = catalogue[catalogue.standard.ne("")]
    assert {"s47_to_icpc_15wd_pct", "assessments_45wd_pct", "rhi_within_72h_pct"} <= set(with_standard.index)
    assert with_standard.standard_source.ne("").all()
    assert "Working Together to Safeguard Children" in with_standard.loc["s47_to_icpc_15wd_pct", "standard_source"]
    # The guidance sets timescales, not a share of cases to reach: no floor is made up from them.
    assert with_standard.floor.isna().all()


@pytest.mark.parametrize(
    "variation, level, unit, expected",
    [
        ("improvement_high", "short", "percent", ("worried", "W3")),  # improving but below its benchmark
        ("improvement_high", "meets", "percent", ("working_well", "G1")),
        ("improvement_high", "unknown", "percent", ("", "U1")),  # a low level never passes as fine
        ("improvement_high", "unknown", "count", ("working_well", "G1")),
        ("concern_low", "meets", "percent", ("worried", "W1")),
    ],
)
def test_level_rules(variation, level, unit, expected):
    a = judged(variation, "none", unit=unit)
    a.level = judgements.Level(level, "target" if level != "unknown" else "", 50.0)
    assert summary.classify(a) == expected


def test_a_stable_process_better_than_its_published_comparator_is_working_well():
    a = judged("common_cause", "none", unit="percent")
    a.level = judgements.Level("meets", "comparators", 15.7, england=18.7, neighbours=15.7)
    assert summary.classify(a) == ("working_well", "G3")
    a.level = judgements.Level("between", "comparators", 15.7, england=18.7, neighbours=15.7)
    assert summary.classify(a) == ("", "")
    a.level = judgements.Level("meets", "floor", 10.0)  # meeting a minimum is not enough
    assert summary.classify(a) == ("", "")


def test_rebase_with_one_month_after_it_is_ignored_with_a_note():
    s = zigzag(13)
    a = judgements.analyse(s, info(), MONTHS[12], judgements.Settings(rebase={"x": str(MONTHS[12])}), code="x")
    assert a.rebased_at is None and a.current.baseline_points == 13
    assert any("no month before the month judged" in n for n in a.notes)


def test_rebase_after_the_report_month_does_nothing():
    s = zigzag(13)
    a = judgements.analyse(s, info(), MONTHS[12], judgements.Settings(rebase={"x": "2030-01"}), code="x")
    assert a.rebased_at is None and a.notes == []


def test_target_exactly_on_a_limit_is_hit_and_miss_and_neutral_has_no_assurance():
    s = zigzag(14, 0, 2)
    on_limit = 1 + 2.66 * 2  # mean 1, mean moving range 2
    a = judgements.analyse(s, info(target=on_limit), MONTHS[13], judgements.Settings())
    assert a.assurance == "hit_and_miss"
    assert judgements.analyse(s, info(target=on_limit + 0.01), MONTHS[13], judgements.Settings()).assurance == "fail"
    assert (
        judgements.analyse(
            s, info("lower_is_better", target=on_limit + 0.01), MONTHS[13], judgements.Settings()
        ).assurance
        == "pass"
    )
    assert judgements.analyse(s, info("neutral", target=5), MONTHS[13], judgements.Settings()).assurance == "none"


def test_too_few_values_give_no_chart_and_a_sentence():
    s = pd.Series([5.0, np.nan], index=MONTHS[:2])
    a = judgements.analyse(s, info(), MONTHS[1], judgements.Settings())
    assert a.chart is None and a.variation == "none" and a.assurance == "none"
    assert not themes.chart(a).drawn
    assert "fewer than two months" in indicator_words.reading(a)
    assert summary.classify(a) == ("", "no_chart")


def test_missing_months_are_dropped_and_the_report_month_may_lack_a_value():
    s = zigzag(6)
    s.iloc[5] = np.nan
    a = judgements.analyse(s, info(), MONTHS[5], judgements.Settings())
    assert len(a.series) == 5 and not a.has_latest
    assert "no value for November" not in indicator_words.change_sentence(a)
    assert "There is no value for June 2016, the report month" in indicator_words.change_sentence(a)
    assert summary.classify(a) == ("", "no_latest")


# --- readings -----------------------------------------------------------------------------------------


def test_change_words_use_points_for_percentages():
    assert indicator_words.change_words(57.0, 55.7, "percent") == "up 1.3 points"
    assert indicator_words.change_words(499, 462, "count") == "up 37"
    assert indicator_words.change_words(2, 11, "count") == "down 9"
    assert indicator_words.change_words(18.1, 18.1, "percent") == "no change"


def test_change_sentence_compares_with_last_month_and_last_year():
    s = pd.Series(np.arange(13, dtype=float) + 100, index=MONTHS[:13])
    a = judgements.analyse(s, info(), MONTHS[12], judgements.Settings())
    text = indicator_words.change_sentence(a)
    assert "**112** in January 2017" in text
    assert "up 1 on the month before (December 2016: 111)" in text
    assert "up 12 on a year earlier (January 2016: 100)" in text


def test_run_reading_counts_the_months_above_the_mean():
    # Baseline zigzag (mean 11, limits 5.68 to 16.32) ending on 12, then 8 months at 13: inside
    # the limits, above the mean, equal to each other (so no trend). With the baseline's last 12
    # the run is 9 months long.
    s = pd.concat([zigzag(20), pd.Series(13.0, index=MONTHS[20:28])])
    a = judgements.analyse(s, info(), MONTHS[27], judgements.Settings(baseline_end=str(MONTHS[19])))
    assert indicator_words.signal_words(a) == "a run of 9 months above the mean: special cause improvement (high)"


def test_trend_reading_and_record_since():
    # Zigzag baseline ending on 12 (mean 11, two-sigma lines 7.45 and 14.55), then seven rises from
    # 7 that cross the mean: no run of 7 on one side, one point beyond two sigma, a trend of 7.
    values = list(zigzag(20)) + [7.0, 8, 9, 10, 11.5, 12, 13]
    s = pd.Series(values, index=MONTHS[:27])
    a = judgements.analyse(s, info(), MONTHS[26], judgements.Settings(baseline_end=str(MONTHS[19])))
    assert indicator_words.signal_words(a) == (
        "a trend of 7 months each higher than the last: special cause improvement (high)"
    )
    assert indicator_words.record_words(a) == "at its highest since the series began in January 2016"
    # 8.5 beats the five months before it but not February's 9: the highest since February.
    high = pd.Series([5.0, 9, 3, 4, 5, 6, 8.5], index=MONTHS[:7])
    b = judgements.analyse(high, info(), MONTHS[6], judgements.Settings())
    assert indicator_words.record_words(b) == "at its highest since February 2016 (9)"
    # Beating only the two months before is not worth a sentence.
    assert (
        indicator_words.record_words(
            judgements.analyse(
                pd.Series([9.0, 1, 2, 3, 9, 5, 6, 8], index=MONTHS[:8]), info(), MONTHS[7], judgements.Settings()
            )
        )
        == ""
    )


def test_assurance_words_name_the_limits_and_the_side():
    s = zigzag(14, 0, 2)
    a = judgements.analyse(s, info(target=10, unit="percent"), MONTHS[13], judgements.Settings())
    # Limits 1 ± 5.32: the lower, -4.32, is below what a percentage can be, so it is 0.
    assert indicator_words.assurance_words(a) == (
        "the process limits (0.0% to 6.3%) lie below the target of 10.0%: "
        "it will consistently fail unless the process changes"
    )


# --- summary rules --------------------------------------------------------------------------------------


def judged(variation, assurance, **kw):
    """An analysis with given icons on a chartable series ending in the report month."""
    a = judgements.analyse(zigzag(14), info(**kw), MONTHS[13], judgements.Settings())
    a.variation, a.assurance = variation, assurance
    return a


@pytest.mark.parametrize(
    "variation, assurance, watch, expected",
    [
        ("concern_low", "pass", "", ("worried", "W1")),  # concern outranks passing
        ("neither_high", "none", "high", ("worried", "W2")),  # a volume rising the pressure way
        ("neither_low", "none", "high", ("", "")),  # the other way: no rule
        ("neither_low", "fail", "high", ("worried", "W4")),  # ... but assurance still counts
        ("improvement_high", "fail", "", ("working_well", "G1")),  # a count improving, with no benchmark
        ("common_cause", "fail", "", ("worried", "W4")),
        ("common_cause", "pass", "", ("working_well", "G2")),
        ("common_cause", "hit_and_miss", "", ("", "")),
        ("common_cause", "none", "", ("", "")),
    ],
)
def test_list_rules_in_order(variation, assurance, watch, expected):
    polarity = "neutral" if variation.startswith("neither") else "higher_is_better"
    assert summary.classify(judged(variation, assurance, watch=watch, polarity=polarity)) == expected


def test_items_carry_numbers_and_a_link_to_the_chart():
    s = pd.concat([zigzag(24), pd.Series([3.0], index=[MONTHS[24]])])
    a = judgements.analyse(
        s, info(target=20), MONTHS[24], judgements.Settings(baseline_end=str(MONTHS[23])), code="abc"
    )
    where, rule = summary.classify(a)
    assert (where, rule) == ("worried", "W1")
    text = summary.item(a, rule)
    assert text.startswith("- **Test indicator**: 3 in January 2018, target 20.")
    # Plain English first, then the technical reading.
    assert "target 20. Lower than usual, and worse: a real change, not month-to-month noise. Technically: below" in text
    assert "below the lower process limit (5.7): special cause concern (low)" in text
    assert "lie below the target of 20" in text
    assert "{ref}`chart <fig-theme_abc>`" in text


def test_lists_split_by_rule_and_empty_list_says_so():
    worried = judged("concern_low", "none")
    working = judged("improvement_high", "none")
    chosen = summary.lists([worried, working, judged("common_cause", "none")])
    assert [a for a, _ in chosen["worried"]] == [worried] and [a for a, _ in chosen["working_well"]] == [working]
    assert "No indicator meets the rules" in summary.list_markdown([], "worried", "2017-11")


def test_reconciliation_explains_a_disagreement_from_the_numbers():
    agree = judged("concern_low", "fail", published_list="worried")
    differ = judged("improvement_high", "none", published_list="worried", unit="percent")
    differ.info["name"] = "Visits"
    table = summary.reconciliation([agree, differ, judged("common_cause", "none")])
    assert len(table) == 2
    assert table.loc["Test indicator", "Why they differ"] == ""
    why = table.loc["Visits", "Why they differ"]
    assert "no target, floor or comparator" in why and "12.0%" in why and "improvement" in why
    assert "the rules put 1 of them on the same side" in summary.agreement_sentence(table)


def test_matrix_places_each_indicator_in_its_cell(tmp_path):
    a = judged("concern_low", "fail")
    text = summary.matrix_markdown([a], "2017-11", PageOutput(tmp_path))
    concern_row = [line for line in text.splitlines() if "Special cause concern" in line][0]
    cells = concern_row.strip("|").split(" | ")
    assert "Test indicator" in cells[3] and cells[1] == "-"  # columns: pass, hit and miss, fail, none
    assert "Special cause improvement" not in text  # empty rows are left out


def test_matrix_list_groups_indicators_by_variation_for_phones_and_paper():
    a, b = judged("concern_low", "fail"), judged("common_cause", "none")
    b.info["name"] = "Visits"
    text = summary.matrix_list_markdown([b, a], "2017-11")
    lines = text.splitlines()
    assert lines[0] == "````{container} matrix-list" and lines[-1] == "````"
    concern = lines.index("- **Special cause concern** (1 indicator):")
    common = lines.index("- **Common cause** (1 indicator):")
    assert concern < common  # the matrix's row order, not the order given
    assert "Test indicator" in lines[concern + 1] and "consistently fails the target" in lines[concern + 1]
    assert "Visits" in lines[common + 1] and "no target to judge against" in lines[common + 1]


# --- icons ------------------------------------------------------------------------------------------------


def test_icons_differ_by_shape_and_letter_not_colour_alone():
    variation = {icon: (icons.variation_shape(icon), icons.variation_letter(icon)) for icon in icons.VARIATION_WORDS}
    assert len(set(variation.values())) == len(variation)
    assert variation["improvement_high"] == ("triangle_up", "H") and variation["concern_low"] == ("square", "L")
    assurance = {k: v[0::2] for k, v in icons._ASSURANCE_STYLE.items()}
    assert len(set(assurance.values())) == len(assurance)


def test_icon_markdown_writes_a_png_with_alt_text(tmp_path):
    page = PageOutput(tmp_path)
    text = icons.assurance_markdown("fail", page)
    assert text == "![Assurance: consistently fails the target](figures/mdc_assurance_fail.png)"
    first = (tmp_path / "figures" / "mdc_assurance_fail.png").read_bytes()
    assert first[:4] == b"\x89PNG"
    icons.assurance_markdown("fail", page)
    assert (tmp_path / "figures" / "mdc_assurance_fail.png").read_bytes() == first  # deterministic


# --- record-level indicators --------------------------------------------------------------------------------


def test_strategy_compliance_by_month_leaves_empty_months_without_a_value():
    d = pd.DataFrame(
        {
            "held_at": pd.to_datetime(["2017-01-05 10:00", "2017-01-20 11:00", "2017-03-02 09:30"]),
            "csc": [True, True, True],
            "police": [True, False, True],
            "health": [True, True, True],
        }
    )
    months = pd.period_range("2016-12", "2017-04", freq="M")
    out = indicators.strategy_measures(d, months).set_index("month")
    assert out.loc[pd.Period("2017-01", "M"), "value"] == 50.0
    assert out.loc[pd.Period("2017-03", "M"), "value"] == 100.0
    assert out["value"].isna().tolist() == [True, False, True, False, True]  # Dec, Feb, Apr: no discussions


def test_missing_counts_by_group_and_interviews_over_returns_only():
    m = pd.DataFrame(
        {
            "start": pd.to_datetime(["2017-01-02 10:00", "2017-01-03 10:00", "2017-01-10 10:00", "2017-02-01 10:00"]),
            "end": pd.to_datetime(["2017-01-02 20:00", "2017-01-04 10:00", None, "2017-02-02 10:00"]),
            "looked_after": [False, True, True, True],
            "rhi_completed_at": pd.to_datetime(["2017-01-04 10:00", "2017-01-09 10:00", None, None]),
        }
    )
    months = pd.period_range("2017-01", "2017-02", freq="M")
    out = indicators.missing_measures(m, months).pivot(index="month", columns="code", values="value")
    assert out.loc[pd.Period("2017-01", "M"), "missing_home_episodes"] == 1
    assert out.loc[pd.Period("2017-01", "M"), "missing_care_episodes"] == 2
    # January: two returns, one interview within 72 hours (the other after 5 days); the open episode is left out.
    assert out.loc[pd.Period("2017-01", "M"), "rhi_within_72h_pct"] == 50.0
    assert out.loc[pd.Period("2017-02", "M"), "rhi_within_72h_pct"] == 0.0


def test_record_indicators_join_the_catalogue_and_local_targets_apply():
    cat = indicators.full_catalogue(targets={"caf_open_over_12_months_pct": 15, "not_a_code": 1})
    assert cat.loc["caf_open_over_12_months_pct", "target"] == 15
    assert cat.loc["caf_open", "source"] == "records" and cat.loc["caf_open", "watch"] == "low"
    assert cat.index.is_unique and set(indicators.RECORD_INDICATORS.index) <= set(cat.index)


def test_demo_frame_reads_up_to_the_report_month_only():
    frame, _ = indicators.load("data/demo", "2017-01", "2017-11")
    assert frame.month.max() == pd.Period("2017-11", "M") and frame.month.min() == pd.Period("2017-01", "M")
    caf = frame[(frame.code == "caf_open") & (frame.month == pd.Period("2017-11", "M"))]
    assert caf.value.iloc[0] == 614  # the published month-end count, through early_help.monthly_flow


# --- catalogue extension and configuration ------------------------------------------------------------------


def test_catalogue_rejects_watch_on_an_indicator_with_a_better_direction(tmp_path):
    text = load_catalogue.__globals__["paths"].CATALOGUE_PATH.read_text(encoding="utf-8")
    bad = text.replace(
        "open_cin_plans,Child in need plans open at month end,6,count,snapshot,neutral",
        "open_cin_plans,Child in need plans open at month end,6,count,snapshot,lower_is_better",
    )
    path = tmp_path / "indicator_catalogue.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DataContractError) as err:
        load_catalogue(path)
    assert [p.column for p in err.value.problems] == ["watch"]


def test_catalogue_without_the_optional_columns_still_loads(tmp_path):
    full = pd.read_csv(load_catalogue.__globals__["paths"].CATALOGUE_PATH, dtype=str, keep_default_na=False)
    optional = ["watch", "published_list", "floor_source", "dfe_measure", "dfe_relation", "dfe_note"]
    path = tmp_path / "indicator_catalogue.csv"
    full.drop(columns=[*optional, "floor"]).to_csv(path, index=False)
    cat = load_catalogue(path)
    assert (cat[optional] == "").all().all() and cat["floor"].isna().all()


def test_template_section_applies_to_each_theme_page_and_a_page_section_wins(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text(
        "local_authority: Test\ndata_dir: data/demo\nreport_month: 2017-11\n"
        "window: {start: 2017-09-01, end: 2017-12-31}\n"
        "notebooks:\n  theme: {baseline_end: 2017-07}\n  theme_3: {baseline_end: 2016-03}\n",
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.parameters("theme_2")["theme"] == 2 and cfg.parameters("theme_2")["baseline_end"] == "2017-07"
    assert cfg.parameters("theme_3")["baseline_end"] == "2016-03"
    assert "theme" not in cfg.parameters("caf_decline")


def test_catalogue_rejects_an_unknown_aggregation_and_a_floor_without_its_source(tmp_path):
    full = pd.read_csv(load_catalogue.__globals__["paths"].CATALOGUE_PATH, dtype=str, keep_default_na=False)
    bad = full.copy()
    bad.loc[0, "aggregation"] = "rolling_1"  # one month is not a rolling window
    bad.loc[1, "floor"] = "90"  # a floor with no source
    path = tmp_path / "indicator_catalogue.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataContractError) as err:
        load_catalogue(path)
    assert sorted(p.column for p in err.value.problems) == ["aggregation", "floor_source"]
    good = full.copy()
    good.loc[0, "aggregation"] = "rolling_12"
    good.loc[1, ["floor", "floor_source"]] = ["90", "a local standard"]
    good.to_csv(path, index=False)
    cat = load_catalogue(path)
    assert cat["aggregation"].iloc[0] == "rolling_12" and cat["floor"].iloc[1] == 90


def test_in_month_values_from_year_to_date_counts_by_hand():
    months = pd.period_range("2017-02", periods=5, freq="M")  # Feb, Mar | Apr, May, Jun (a new year)
    num = pd.Series([3.0, 5, 2, 6, 5], index=months)  # June's year to date falls: a revision
    den = pd.Series([10.0, 20, 8, 20, 30], index=months)
    n, d, dropped = judgements.in_month_from_year_to_date(num, den)
    # February has no January to subtract: dropped. March 5-3 of 20-10; April its own; May 6-2 of 20-8.
    assert list(n.index) == [months[1], months[2], months[3]]
    assert list(n) == [2, 2, 4] and list(d) == [10, 8, 12]
    assert dropped == [months[0], months[4]]


def test_choose_chart_by_the_denominators():
    assert judgements.choose_chart(pd.Series([100.0, 110, 95]))[0] == "xmr"
    assert judgements.choose_chart(pd.Series([100.0, 140, 95]))[0] == "p"  # 140 is 30% above the mean 111.7
    method, reason = judgements.choose_chart(pd.Series([60.0, 49, 55]))
    assert method == "p" and "as few as 49" in reason


def test_run_chart_for_a_rolling_series_has_no_limits_and_its_own_mark():
    a = judgements.analyse(
        zigzag(14),
        pd.concat([info(target=20), pd.Series({"aggregation": "rolling_3"})]),
        MONTHS[13],
        judgements.Settings(),
    )
    assert a.method == "run" and a.chart is None and a.has_figure
    assert a.variation == "not_judged" and a.assurance == "not_judged"
    assert "each value covers 3 months, so neighbouring values share 2 of them" in indicator_words.reading(a)
    drawn = themes.chart(a)
    fig, alt = drawn.figure, drawn.alt
    assert fig is not None and alt.startswith("Run chart of test indicator") and "no control limits" in alt
    assert icons.variation_shape("not_judged") == "dashed_square" and icons.variation_letter("not_judged") == "R"


def test_a_series_with_no_variation_says_so_without_a_chart():
    flat = pd.Series(0.0, index=MONTHS[:10])
    a = judgements.analyse(flat, info(), MONTHS[9], judgements.Settings())
    assert a.method == "flat" and a.chart is None and not themes.chart(a).drawn
    assert "The value is 0 in every month from January 2016 to October 2016" in indicator_words.reading(a)


def test_every_icon_has_a_plain_english_sentence_that_comes_first():
    from improvement_report.render import spc_words

    assert set(spc_words.PLAIN_VARIATION) == set(spc_words.VARIATION_WORDS)
    assert set(spc_words.PLAIN_ASSURANCE) == set(spc_words.ASSURANCE_WORDS)
    assert spc_words.plain_verdict("concern_high", "fail") == (
        "Higher than usual, and worse: a real change, not month-to-month noise. "
        "Off track: it will miss its target every month unless something changes."
    )
    # No jargon in the plain sentences: the technical names follow them.
    for sentence in [*spc_words.PLAIN_VARIATION.values(), *spc_words.PLAIN_ASSURANCE.values()]:
        assert "special cause" not in sentence and "common cause" not in sentence and "process limit" not in sentence
