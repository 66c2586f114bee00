"""Judgements on the default edition: what members read must hold for the published data.

Every expected number is worked from ``data/demo/indicators.csv`` directly (plain pandas
arithmetic in the test), never from the package's earlier output.
"""

import pandas as pd
import pytest

from improvement_report.build.config import load_config
from improvement_report.core.paths import REPO_ROOT
from improvement_report.measures import judgements
from improvement_report.measures.comparators import edition_comparators
from improvement_report.render import indicator_words
from improvement_report.stats import spc

NOT_INDEPENDENT = ("year_to_date", "cumulative")


@pytest.fixture(scope="module")
def edition():
    """Every indicator of the default edition, judged with the summary page's parameters."""
    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("summary")
    data = judgements.load(
        params["data_dir"],
        params["report_month"],
        params["series_start"],
        params["targets"],
        params["baseline_start"],
        params["baseline_end"],
        params["rebase"],
        extract_date=params.get("extract_date"),
        edition_content=params.get("edition_content"),
        indicator_overrides=params.get("indicator_overrides"),
        comparators=judgements.level_comparators(
            edition_comparators(params["dfe_la_code"], params["edition_date"], params["neighbour_model"])
        ),
    )
    return {a.code: a for a in judgements.analyse_all(data)}


@pytest.fixture(scope="module")
def dashboard():
    frame = pd.read_csv(REPO_ROOT / "data" / "demo" / "indicators.csv")
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


def _not_independent(a) -> bool:
    aggregation = a.info["aggregation"]
    return aggregation in NOT_INDEPENDENT or aggregation.startswith("rolling_")


def test_no_year_to_date_rolling_or_cumulative_indicator_has_a_special_cause_verdict(edition):
    shared = [a for a in edition.values() if _not_independent(a)]
    assert {a.code for a in shared} >= {
        "repeat_referrals_pct",
        "cp_second_subsequent_pct",
        "iha_in_time_pct",
        "members_trained_corporate_parenting",
    }
    for a in shared:
        assert a.variation in ("common_cause", "not_judged"), a.code
        # Limits only on in-month values worked out from the counts; otherwise none at all.
        assert a.method in ("run", "flat") or a.charted is not a.series, a.code
    assert edition["iha_in_time_pct"].method == "run" and edition["iha_in_time_pct"].chart is None
    members = edition["members_trained_corporate_parenting"]
    assert members.method == "flat" and not members.has_figure
    assert "0 in every month" in indicator_words.reading(members)


def test_year_to_date_counts_become_in_month_values(edition, dashboard):
    rows = dashboard[dashboard.indicator == "repeat_referrals_pct"].set_index("month")
    nov, oct_, apr = (pd.Period(m, "M") for m in ("2017-11", "2017-10", "2017-04"))
    # November's own repeat referrals over November's own referrals: year to date minus October's.
    by_hand = 100 * (rows.numerator[nov] - rows.numerator[oct_]) / (rows.denominator[nov] - rows.denominator[oct_])
    charted = edition["repeat_referrals_pct"].charted
    assert charted[nov] == pytest.approx(by_hand)
    # April starts the financial year: its year-to-date value is its own.
    assert charted[apr] == pytest.approx(100 * rows.numerator[apr] / rows.denominator[apr])
    # The published value (year to date) is still what the page reports and the level judges.
    assert edition["repeat_referrals_pct"].series[nov] == rows.value[nov] == 18.1


def test_counts_never_have_a_negative_limit_and_percentages_stay_within_0_to_100(edition):
    checked = 0
    for a in edition.values():
        for chart in (a.chart, a.recent):
            if chart is None:
                continue
            checked += 1
            limits = chart.data[["lcl", "ucl", "lower_2sigma", "upper_2sigma"]]
            assert (limits >= 0).all().all(), a.code
            if a.info["unit"] == "percent":
                assert (limits <= 100).all().all(), a.code
    assert checked >= 40
    # The audit's cases: vacancies and appointments were given negative lower limits.
    for code in ("clinical_practitioner_vacancies", "tm_vacancies", "permanent_appointments"):
        assert edition[code].current.lcl == 0


def test_small_or_varying_denominators_get_a_p_chart_and_the_page_says_why(edition, dashboard):
    a = edition["lac_review_participation_pct"]
    rows = dashboard[dashboard.indicator == "lac_review_participation_pct"].set_index("month")
    rows = rows.loc[:"2017-11"]
    assert rows.denominator.min() < judgements.SMALL_DENOMINATOR
    assert a.method == "p" and a.chart.kind == "p"
    assert "This is a p chart" in indicator_words.reading(a) and "as few as" in indicator_words.reading(a)
    # Steady denominators (agency cover: about 150 posts each month) keep the XmR chart.
    posts = dashboard[dashboard.indicator == "agency_cover_pct"].set_index("month").denominator.loc[:"2017-11"]
    assert ((posts - posts.mean()).abs() <= 0.25 * posts.mean()).all() and posts.min() >= 50
    assert edition["agency_cover_pct"].method == "xmr"


def test_reviews_above_target_are_not_called_a_consistent_failure(edition, dashboard):
    a = edition["lac_review_participation_pct"]
    rows = dashboard[dashboard.indicator == "lac_review_participation_pct"].set_index("month")
    # The committee report's figure, and five months above the 95% target (report 1.84).
    assert rows.value[pd.Period("2017-11", "M")] == 96.3
    assert (rows.value.loc["2017-07":"2017-11"] > 95).all()
    assert a.target == 95 and a.assurance != "fail"
    assert a.level.state == "meets"
    words = indicator_words.reading(a)
    assert "consistently fail" not in words and "appears to have changed since" in words


def test_recalculated_limits_never_include_the_month_judged(edition):
    a = edition["cic_health_checks_pct"]
    assert a.rebased_at == pd.Period("2017-01", "M")
    assert a.current.baseline_start == a.rebased_at
    assert a.current.baseline_end < a.month
    assert a.current.baseline_points == min(judgements.RECALCULATION_MONTHS, (a.month - a.rebased_at).n)


def test_every_two_of_three_signal_has_all_three_points_on_one_side(edition):
    for a in edition.values():
        if a.current is None:
            continue
        d = a.chart.data
        for i in range(len(d) - 2):
            window = d.iloc[i : i + 3]
            side = (window["value"] - window["mean"]).apply(lambda x: (x > 0) - (x < 0))
            close = ~window["beyond_limits"] & (
                (window["value"] > window["upper_2sigma"]) | (window["value"] < window["lower_2sigma"])
            )
            if abs(side.sum()) == 3 and close.sum() >= 2:
                assert window["two_of_three"][close].all(), a.code
        flagged = d[d["two_of_three"]]
        assert not flagged["beyond_limits"].any(), a.code


def test_xmr_limits_of_an_in_month_count_by_hand(edition, dashboard):
    # Section 47 enquiries: limits fixed on April 2015 to July 2017 (the configured baseline).
    rows = dashboard[dashboard.indicator == "s47_completed"].set_index("month").value.loc["2015-04":"2017-07"]
    mean, mr = rows.mean(), rows.diff().abs().mean()
    a = edition["s47_completed"]
    assert a.current.mean == pytest.approx(mean)
    assert a.current.ucl == pytest.approx(mean + spc.LIMIT_FACTOR * mr)
    assert a.current.lcl == pytest.approx(max(0.0, mean - spc.LIMIT_FACTOR * mr))


def test_return_interview_p_charts_step_at_the_configured_change(edition):
    from improvement_report.chapters import missing_episodes as mc
    from improvement_report.measures import missing_episodes as me

    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("missing_episodes")
    change = pd.Period(params["rebase"]["rhi_within_72h_pct"], "M")
    report = pd.Period(params["report_month"], "M")
    chapter = mc.load(params["data_dir"], params["window_start"], params["window_end"], params["series_start"])
    theme = edition["rhi_within_72h_pct"].current
    # The chapter's chart runs past the report month; theme 6's recalculated limits rest on the
    # months from the change to the month before the report month, and so do the chapter's.
    assert chapter.months[-1] > report
    assert (theme.baseline_start, theme.baseline_end) == (change, report - 1)
    for g in mc.GROUPS:
        frame = mc.rhi_monthly(chapter, g, change, report)
        returned = mc.group(chapter.series, g)
        returned = returned[returned.end.notna()]
        month = returned.start.dt.to_period("M")
        in_time = me.rhi_within_72h(returned)
        # By hand: before the change, every month before it; from it, the 12 months from the change
        # but never the latest month of the chart.
        last = frame.index[-1]
        before = month < change
        after = (month >= change) & (month <= min(change + 11, last - 1, report - 1))
        assert frame.pbar[frame.index < change].iloc[0] == pytest.approx(in_time[before].sum() / before.sum())
        assert frame.pbar[frame.index >= change].iloc[0] == pytest.approx(in_time[after].sum() / after.sum())
        assert frame.pbar[frame.index >= change].nunique() == 1


def test_open_cafs_have_the_same_limits_on_the_early_help_page_and_theme_4(edition):
    from improvement_report.chapters import early_help

    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("caf_decline")
    chapter = early_help.load(params["data_dir"], params["report_month"], params["series_start"])
    chart = early_help.xmr_chart(
        chapter, "open_end", "Open CAFs", "neutral", params["baseline_start"], params["baseline_end"]
    )
    theme = edition["caf_open"].current
    assert chart.spc.mean == pytest.approx(theme.mean)
    assert chart.spc.lcl == pytest.approx(theme.lcl) and chart.spc.ucl == pytest.approx(theme.ucl)
    assert chart.spc.baseline_points == theme.baseline_points
    # By hand: the limits rest on the months to the configured baseline end.
    open_end = chapter.flow.open_end.astype(float).loc[: pd.Period(params["baseline_end"], "M")]
    assert theme.mean == pytest.approx(open_end.mean())
    assert theme.ucl == pytest.approx(open_end.mean() + spc.LIMIT_FACTOR * open_end.diff().abs().mean())


def test_missing_episodes_have_the_same_limits_on_their_chapter_and_theme_6(edition):
    from improvement_report.chapters import missing_episodes as mc

    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("missing_episodes")
    chapter = mc.load(params["data_dir"], params["window_start"], params["window_end"], params["series_start"])
    chart = mc.spc_chart(chapter, "Episodes", params["baseline_start"], params["baseline_end"])
    for g in mc.GROUPS:
        theme = edition[f"missing_{g}_episodes"].current
        assert chart.spc[g].mean == pytest.approx(theme.mean), g
        assert (chart.spc[g].lcl, chart.spc[g].ucl) == pytest.approx((theme.lcl, theme.ucl)), g


def test_strategy_compliance_has_the_same_centre_line_and_limits_on_its_chapter_and_theme_4(edition):
    from improvement_report.chapters import strategy_discussions as sdc

    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("strategy_discussions")
    chapter = sdc.load(params["data_dir"], params["window_start"], params["window_end"], params["series_start"])
    frame = sdc.p_chart(chapter, params["baseline_start"], params["baseline_end"])
    theme = edition["strategy_compliant_pct"]
    assert theme.method == "p"
    assert 100 * frame.pbar.iloc[0] == pytest.approx(theme.current.mean)
    shared = theme.chart.data.index.intersection(frame.dropna(subset=["p"]).index)
    assert len(shared) >= 12
    assert (100 * frame.ucl[shared]).to_numpy() == pytest.approx(theme.chart.data.ucl[shared].to_numpy())
    assert (100 * frame.lcl[shared]).to_numpy() == pytest.approx(theme.chart.data.lcl[shared].to_numpy())
    # By hand: the centre line is the pooled share of the months up to the baseline end.
    counts = sdc.monthly_counts(chapter).loc[: pd.Period(params["baseline_end"], "M")]
    assert frame.pbar.iloc[0] == pytest.approx(counts.compliant.sum() / counts.discussions.sum())


def test_levels_are_judged_against_dfe_figures_of_the_editions_vintage(edition):
    """By hand from data/published: DfE's 2016-17 figures (published by the edition's date)."""
    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("summary")
    published = REPO_ROOT / "data" / "published"
    models = pd.read_csv(published / "statistical_neighbours.csv", dtype=str)
    mine = models[models.neighbours_of_la_code == str(params["dfe_la_code"])].copy()
    mine["in_force_from"] = pd.to_datetime(mine.in_force_from)
    when = pd.Timestamp(params["edition_date"])
    starts = mine.groupby("model").in_force_from.first()
    in_force = starts[starts <= when]
    model = in_force.idxmax() if len(in_force) else (starts - when).abs().idxmin()
    neighbours = set(mine[mine.model == model].new_la_code)
    figures = pd.read_csv(published / "indicators.csv", dtype={"year": str})
    # Second or subsequent child protection plans: DfE's same measure, year to 31 March 2017.
    rows = figures[(figures.measure == "cpp_subsequent_pct") & (figures.year == "2017")]
    england = float(rows[rows.geography_code == "E92000001"].value.iloc[0])
    values = pd.to_numeric(rows[rows.geography_code.isin(neighbours)].value, errors="coerce").dropna()
    a = edition["cp_second_subsequent_pct"]
    assert a.level.kind == "comparators"
    assert a.level.england == pytest.approx(england) == 18.7  # also the committee report's England figure (1.82)
    assert (a.level.neighbour_low, a.level.neighbour_high) == pytest.approx((values.min(), values.max()))
    assert a.level.neighbours == pytest.approx(values.mean())
    latest = a.series.iloc[-1]  # lower is better: at or below England and the average meets them
    expected = "meets" if latest <= england and latest <= values.mean() else "between"
    if latest > england and latest > values.max():
        expected = "short"
    assert a.level.state == expected
    # A "context" DfE figure never judges a level: open child in need plans are neutral anyway,
    # and vacancies (a count against DfE's rate) are not judged by DfE's figure.
    assert edition["sw_vacancies"].level.kind != "comparators"
