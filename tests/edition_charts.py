"""Every chart of the default edition, drawn by the chapters' own chart functions on the demo data.

The pages call these same functions (see ``notebooks/``); drawing them here, without papermill,
lets the chart checks see each figure as matplotlib laid it out.
"""

from functools import cache

from improvement_report.build.config import default_parameters
from improvement_report.core.periods import report_dates


def _dates(p):
    return report_dates(p["report_month"], p["window_start"], p["window_end"], p["series_start"])


def _early_help():
    from improvement_report.chapters import early_help as caf

    p = default_parameters("caf_decline")
    d = _dates(p)
    ch = caf.load(p["data_dir"], d.month, d.series_start, p["extract_date"])
    start, end = p.get("baseline_start"), p.get("baseline_end")
    yield "caf_open_flow", caf.flow_chart(ch)
    yield "caf_open_spc", caf.xmr_chart(ch, "open_end", "Open CAFs at month end", "neutral", start, end)
    yield "caf_closed_spc", caf.xmr_chart(ch, "closed", "CAFs closed in the month", "neutral", start, end)
    yield "caf_openings_model", caf.model_chart(ch, caf.trend_model(ch, p["school_terms"]))
    yield "caf_localities", caf.locality_chart(ch, p["suppress_small_numbers"])


def _seasonal():
    from improvement_report.chapters import seasonal_effects as seasonal

    p = default_parameters("seasonal_effects")
    d = _dates(p)
    ch = seasonal.load(p["data_dir"], d.month, d.series_start, p["school_terms"], p["extract_date"])
    yield "seasonal_profiles", seasonal.profile_chart(ch)
    yield "seasonal_holiday_effect", seasonal.holiday_chart(ch)
    yield "seasonal_open_adjusted_spc", seasonal.adjusted_open_xmr(ch)
    yield "seasonal_stl", seasonal.stl_chart(ch)


def _strategy():
    from improvement_report.chapters import strategy_discussions as sdc

    p = default_parameters("strategy_discussions")
    d = _dates(p)
    ch = sdc.load(p["data_dir"], d.window_start, d.window_end, d.series_start, p["extract_date"])
    frame = sdc.p_chart(ch, p.get("baseline_start"), p.get("baseline_end"))
    yield "strategy_compliance_p_chart", sdc.p_chart_figure(ch, frame)
    yield "strategy_teams_funnel", sdc.funnel_figure(ch, sdc.team_table(ch))


def _missing():
    from improvement_report.chapters import missing_episodes as mc

    p = default_parameters("missing_episodes")
    d = _dates(p)
    ch = mc.load(p["data_dir"], d.window_start, d.window_end, d.series_start, p["extract_date"])
    start, end = p.get("baseline_start"), p.get("baseline_end")
    yield "missing_episodes_spc", mc.spc_chart(ch, "Episodes", start, end)
    yield "missing_children_spc", mc.spc_chart(ch, "Children", start, end)
    yield "missing_per_child", mc.frequency_chart(ch)
    yield "missing_duration", mc.duration_chart(ch)
    yield "missing_time_to_return", mc.km_chart(ch, mc.logrank_by_group(ch))
    yield "missing_rhi_pchart", mc.rhi_chart(ch, (p.get("rebase") or {}).get("rhi_within_72h_pct"))
    nat = mc.national(p["local_authority"], p["dfe_la_code"], p["edition_date"], p["neighbour_model"])
    yield "missing_national", mc.national_chart(nat)


def _themes():
    from improvement_report.chapters import landing, themes

    first = default_parameters("index")
    for theme in landing.theme_numbers(first["targets"], first["edition_content"], first["indicator_overrides"]):
        p = default_parameters(f"theme_{theme}")
        d = _dates(p)
        data = themes.load(
            p["data_dir"],
            d.month,
            d.series_start,
            p["targets"],
            p.get("baseline_start"),
            p.get("baseline_end"),
            p.get("rebase"),
            extract_date=p["extract_date"],
            edition_content=p["edition_content"],
            indicator_overrides=p["indicator_overrides"],
        )
        for a in themes.theme_analyses(data, theme):
            yield a.figure_name, themes.chart(a)


def _comparisons():
    from improvement_report.chapters import comparisons

    p = default_parameters("comparisons")
    page = comparisons.load(p["dfe_la_code"], p["edition_date"], p["neighbour_model"], p["dfe_later_context"])
    for measure in page.table["dfe_measure"].drop_duplicates():
        yield f"compare_{measure}", comparisons.chart(page, measure)


GROUPS = {
    "caf_decline": _early_help,
    "seasonal_effects": _seasonal,
    "strategy_discussions": _strategy,
    "missing_episodes": _missing,
    "themes": _themes,
    "comparisons": _comparisons,
}


@cache
def group_charts(group: str) -> dict:
    """``{figure name: Chart}`` of one page group, drawn once per test session."""
    return {name: chart for name, chart in GROUPS[group]() if chart.drawn}
