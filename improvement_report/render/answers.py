"""Each chapter's answer: two or three computed sentences that open its page and the summary.

A chapter asks a question (is the fall in open CAFs real? did police and health take part?);
its answer comes first, in plain words, with the period of every figure named. Each function
here takes the result the chapter itself computes (the CAF monthly flow, the seasonal
analysis, the strategy p chart, the missing episodes, the indicators' analyses), so the page
and the summary say the same thing from the same numbers. :func:`edition_answers` computes them
for the summary from the data folder, through the measures, never through a chapter module.

Every answer says what it cannot answer (a series too short for a year-on-year comparison, no
June to start the seasonal comparison from, no month with discussions) instead of leaving it out.
"""

from dataclasses import dataclass

import pandas as pd

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name, short_date
from improvement_report.inputs import coverage
from improvement_report.measures import early_help, seasonal
from improvement_report.measures import missing_episodes as me
from improvement_report.measures import strategy_discussions as sd
from improvement_report.measures.judgements import Analysis
from improvement_report.render import suppression
from improvement_report.render.wording import number, percent
from improvement_report.stats import spc

#: The pages with an answer, in the book's order, and the short title the summary shows.
PAGES = {
    "caf_decline": "Early help",
    "seasonal_effects": "Seasonal effects",
    "strategy_discussions": "Strategy discussions",
    "missing_episodes": "Missing episodes",
    "themes": "The improvement themes",
}


#: The seasonal verdict of a movement, for a member.
PLAIN_VERDICTS = {
    "no fall": "no fall to explain",
    "seasonal": "the fall is seasonal, no larger than the school calendar predicts",
    "underlying": "the fall is not seasonal",
    "mostly seasonal": "the fall is mostly seasonal",
    "mostly underlying": "the fall is mostly not seasonal",
    "both": "the fall is partly seasonal and partly not",
}


def _plain_verdict(c) -> str:
    """The seasonal verdict for a member; a series that rose is said to have risen, not "no fall"."""
    v = seasonal.verdict(c)
    if v == "no fall" and round(c.change) > 0:
        return f"a rise of {number(c.change)}, so no fall to explain"
    if v == "no fall":
        return "no change, so no fall to explain"
    return PLAIN_VERDICTS[v]


@dataclass
class Answer:
    """A chapter's answer: the page it opens, its short title and its sentences (MyST Markdown)."""

    page: str
    title: str
    text: str


def _window(start, end) -> str:
    """``1 Sep YYYY to 31 Dec YYYY``: the window as the headline tables name it."""
    return f"{short_date(start)} to {short_date(end)}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{number(n)} {one if n == 1 else many}"


# ---------------------------------------------------------------------------------------------
# Early help
# ---------------------------------------------------------------------------------------------


def _open_change_sentence(flow: pd.DataFrame, month: pd.Period) -> str:
    """Open CAFs at the end of the month against a year earlier: rose, fell or no change."""
    now = int(flow.open_end.loc[month])
    before = month - 12
    if before not in flow.index:
        return (
            f"At the end of {month_name(month)} **{number(now)}** CAFs were open; the data do not reach back to "
            f"{month_name(before)}, so the change on a year earlier cannot be answered."
        )
    then = int(flow.open_end.loc[before])
    change = now - then
    moved = "no change" if change == 0 else f"{number(abs(change))} {'more' if change > 0 else 'fewer'}"
    return (
        f"At the end of {month_name(month)} **{number(now)}** CAFs were open, **{moved}** than at the end of "
        f"{month_name(before)} ({number(then)})."
    )


def _seasonal_sentence(result: "seasonal.SeriesResult | None") -> str:
    """How much of the movement in open CAFs since June the school calendar explains."""
    comparisons = {c.label: c for c in result.comparisons} if result is not None else {}
    c = comparisons.get("the report month") or comparisons.get("the summer")
    if c is None:
        return (
            "Whether the movement is seasonal cannot be answered for this period: there is no June in the "
            "series to start from, or no model of the school calendar could be fitted."
        )
    span = f"From {month_name(c.start)} to {month_name(c.end)}"
    seasonal_part = int(round(c.seasonal))
    season = (
        "the school calendar alone predicts no change"
        if seasonal_part == 0
        else f"the school calendar alone predicts {'a rise' if seasonal_part > 0 else 'a fall'} of about "
        f"{number(abs(seasonal_part))}"
    )
    chance = "within what chance alone would give" if c.within_chance else "more than chance alone would give"
    change = int(round(c.change))
    if change == 0:
        return f"{span} the number open did not change; {season}."
    v = seasonal.verdict(c)
    if change > 0:  # a rise: no fall to explain, only how much of the rise is not seasonal
        return (
            f"{span} open CAFs rose by {number(change)}; {season}, so {number(abs(round(c.underlying)))} of the "
            f"movement is not seasonal, {chance}."
        )
    if v == "seasonal":
        reading = "the fall is seasonal: no larger than the school calendar predicts"
    elif v == "underlying":
        reading = "none of the fall is seasonal"
    else:
        reading = (
            f"about {number(-c.seasonal)} of it ({c.seasonal / c.change:.0%}) is seasonal and "
            f"{number(-c.underlying)} is not"
        )
    real = "" if v == "seasonal" else f"; the part that is not seasonal is {chance}"
    return f"{span} open CAFs fell by {number(-change)}; {season}, so {reading}{real}."


def _flows_sentence(table: pd.DataFrame, month: pd.Period, months: pd.PeriodIndex) -> str:
    """Fewer openings against more closures, year on year; shares only when both point the same way."""
    if table.empty:
        first = month_name(months[0]) if len(months) else month_name(month)
        return (
            f"Whether fewer openings or more closures drove the change cannot be answered: it needs the 24 "
            f"months to {month_name(month)}, and the series starts in {first}."
        )
    p = early_help.swing_parts(table)
    this, prev = table.columns[1], table.columns[0]
    opened = (
        "as many openings"
        if p["opened_change"] == 0
        else f"{number(abs(p['opened_change']))} {'more' if p['opened_change'] > 0 else 'fewer'} openings"
    )
    closed = (
        "as many closures"
        if p["closed_change"] == 0
        else f"{number(abs(p['closed_change']))} {'more' if p['closed_change'] > 0 else 'fewer'} closures"
    )
    text = f"In {this} there were {opened} and {closed} than in {prev}"
    if p["swing"] == 0:
        return text + ", so the net flow did not change."
    if not p["same_direction"]:
        return text + ": the two point in opposite directions, so the change cannot be shared between them."
    push, swing = p["push"], abs(p["swing"])
    main = max(push, key=push.get)
    return (
        text + f": {push[main] / swing:.0%} of the change in the net flow came from "
        f"{'openings' if main == 'openings' else 'closures'}."
    )


def early_help_answer(
    flow: pd.DataFrame, month, open_cafs: "seasonal.SeriesResult | None", year_on_year: pd.DataFrame
) -> Answer:
    """Is the change in open CAFs real or seasonal, and is it fewer openings or more closures?

    Parameters
    ----------
    flow : pandas.DataFrame
        :func:`improvement_report.measures.early_help.monthly_flow` to the report month.
    month : str or Period
        The report month.
    open_cafs : SeriesResult or None
        The open CAFs result of :func:`improvement_report.measures.seasonal.load` (None without one).
    year_on_year : pandas.DataFrame
        :func:`improvement_report.measures.early_help.year_on_year` (empty when too short).
    """
    month = pd.Period(month, "M")
    if month not in flow.index:
        return Answer("caf_decline", PAGES["caf_decline"], f"There are no early help data for {month_name(month)}.")
    parts = [
        _open_change_sentence(flow, month),
        _seasonal_sentence(open_cafs),
        _flows_sentence(year_on_year, month, flow.index),
    ]
    return Answer("caf_decline", PAGES["caf_decline"], " ".join(parts))


def open_cafs_result(analysis: "seasonal.SeasonalChapter") -> "seasonal.SeriesResult | None":
    """The open CAFs series of the seasonal analysis (None when it has none)."""
    return next((r for r in analysis.results if r.series.key == "caf_open"), None)


# ---------------------------------------------------------------------------------------------
# Seasonal effects
# ---------------------------------------------------------------------------------------------


def seasonal_answer(analysis: "seasonal.SeasonalChapter") -> Answer:
    """Which series have a real school-holiday effect (the rate ratio's 95% interval excludes 1)."""
    modelled = [r for r in analysis.results if r.model is not None]
    if not modelled:
        return Answer(
            "seasonal_effects",
            PAGES["seasonal_effects"],
            "Which series have a real summer effect cannot be answered for this period: no series has enough "
            "months, with some school holiday among them, for a model of the school calendar.",
        )
    span = f"{month_name(analysis.months[0])} to {month_name(analysis.months[-1])}"
    fewer = [r for r in modelled if r.model.holiday_ratio[2] < 1]
    more = [r for r in modelled if r.model.holiday_ratio[1] > 1]
    neither = [r for r in modelled if r not in fewer and r not in more]
    text = f"From {span}, "
    if fewer:
        text += "a month wholly in the school holidays has clearly fewer " + "; ".join(
            f"{r.series.lower} (about {1 - r.model.holiday_ratio[0]:.0%} fewer)" for r in fewer
        )
    else:
        text += "no series is clearly lower in the school holidays"
    if more:
        text += "; clearly more " + "; ".join(
            f"{r.series.lower} (about {r.model.holiday_ratio[0] - 1:.0%} more)" for r in more
        )
    text += ". "
    if neither:
        text += (
            "No clear holiday effect (the 95% interval includes no change): "
            + "; ".join(r.series.lower for r in neither)
            + ". "
        )
    open_cafs = open_cafs_result(analysis)
    comparisons = {c.label: c for c in open_cafs.comparisons} if open_cafs is not None else {}
    c = comparisons.get("the report month") or comparisons.get("the summer")
    if c is not None:
        text += (
            f"Open CAFs from {month_name(c.start)} to {month_name(c.end)}: {_plain_verdict(c)}"
            f"{' (the rest within chance)' if c.within_chance and seasonal.verdict(c) != 'seasonal' else ''}. "
        )
    left_out = [r.series.lower for r in analysis.results if r.model is None and r.series.kind == "flow"]
    if left_out:
        text += "Too few months to model: " + "; ".join(left_out) + ". "
    return Answer("seasonal_effects", PAGES["seasonal_effects"], text.strip())


# ---------------------------------------------------------------------------------------------
# Strategy discussions
# ---------------------------------------------------------------------------------------------


def strategy_answer(discussions: pd.DataFrame, start, end, chart: pd.DataFrame | None, suppress: bool = True) -> Answer:
    """Compliance in the window, its trend on the monthly p chart, and the agency most often missing.

    Parameters
    ----------
    discussions : pandas.DataFrame
        Validated ``strategy_discussions`` frame (as at the extract date).
    start, end : date-like
        The window.
    chart : pandas.DataFrame or None
        The p chart as the page publishes it (months of 1 to 5 not drawn).
    suppress : bool
        The edition's small-number rule: counts from 1 to 5, and shares they would give away, are
        not published (as on the chapter's page).
    """
    window = _window(start, end)
    fig = sd.headline(discussions, start, end)
    n, k = fig["discussions"], fig["compliant"]
    page, title = "strategy_discussions", PAGES["strategy_discussions"]
    if n == 0:
        return Answer(
            page, title, f"No strategy discussions were recorded from {window}, so compliance cannot be answered."
        )
    if suppress and suppression.is_small(n):
        return Answer(
            page,
            title,
            f"From {window}, {suppression.SMALL_WORDS} strategy discussions were held: too few to publish how many "
            f"were compliant.",
        )
    if suppression.share_hidden(k, n, suppress):
        text = f"Of the {number(n)} strategy discussions held from {window}, the share fully compliant is not shown ({suppression.SHARE_HIDDEN_WORDS}). "
    else:
        text = (
            f"**{percent(fig['compliant_pct'])}** of the {number(n)} strategy discussions held from {window} were fully "
            f"compliant ({number(k)}: children's social care, police and health all took part). "
        )
    text += _trend_sentence(chart, pd.Timestamp(start), pd.Timestamp(end)) + " "
    absent = {"health": fig["no_health"], "police": fig["no_police"], "children's social care": fig["no_csc"]}
    if n == k:
        text += "No agency was missing from any discussion."
    else:
        most = max(absent.values())
        names = " and ".join(a for a, v in absent.items() if v == most)
        if suppression.share_hidden(most, n - k, suppress):
            text += f"The agency most often missing in the window was {names}."
        else:
            text += (
                f"The agency most often missing in the window was {names}: absent from {number(most)} of the "
                f"{number(n - k)} discussions that were not compliant."
            )
    return Answer(page, title, text)


def _trend_sentence(chart: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The trend in words from the p chart: special cause months in the window, and the latest month."""
    if chart is None:
        return "Whether compliance is improving cannot be answered: fewer than two months have discussions."
    used = chart[chart.p.notna()]  # months of 1 to 5 discussions are not published
    if used.empty:
        return "Whether compliance is improving cannot be shown: no month has enough discussions to publish."
    kinds = spc.point_variation(used, "higher_is_better")
    inside = used[(used.index.end_time >= start) & (used.index.start_time <= end)]
    k = kinds.loc[inside.index]
    better, worse = int(k.str.startswith("improvement").sum()), int(k.str.startswith("concern").sum())
    latest = used.index[-1]
    centre = 100 * used.pbar.iloc[-1]
    if better and not worse:
        trend = (
            f"compliance is improving: {number(better)} of the window's {len(inside)} months "
            f"{'shows' if better == 1 else 'show'} special cause improvement"
        )
    elif worse and not better:
        trend = (
            f"compliance is getting worse: {number(worse)} of the window's {len(inside)} months "
            f"{'shows' if worse == 1 else 'show'} special cause concern"
        )
    elif better and worse:
        trend = f"the window's months point both ways ({better} special cause improvement, {worse} concern)"
    else:
        trend = "no month of the window differs from the series by more than chance (common cause)"
    return (
        f"On the monthly chart ({month_name(used.index[0])} to {month_name(latest)}, centre line "
        f"{percent(centre)}), {trend}."
    )


# ---------------------------------------------------------------------------------------------
# Missing episodes
# ---------------------------------------------------------------------------------------------


def _compare(now, then, fewer: str, more: str) -> str:
    if now is None or then is None:
        return ""
    return "the same as" if now == then else (fewer if now < then else more)


def _rhi_hidden(episodes: pd.DataFrame, start, end, suppress: bool) -> bool:
    """Whether the window's return interview share would give away a count from 1 to 5."""
    window = me.in_window(episodes, start, end)
    returned = window[window.end.notna()]
    return suppression.share_hidden(int(me.rhi_within_72h(returned).sum()), len(returned), suppress)


def missing_answer(episodes: pd.DataFrame, start, end, first_day=None, suppress: bool = True) -> Answer:
    """From home and from care: fewer or more, shorter or longer than a year earlier, and RHI timeliness.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Validated ``missing_episodes`` frame (as at the extract date).
    start, end : date-like
        The window.
    first_day : date-like, optional
        The first day the extract covers; the same window a year earlier is compared only when
        it is covered.
    suppress : bool
        The edition's small-number rule: a count of children from 1 to 5 is not published.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    window = _window(start, end)
    now = me.headline(episodes, start, end)
    prev_start, prev_end = start - pd.DateOffset(years=1), end - pd.DateOffset(years=1)
    covered = first_day is None or pd.Timestamp(first_day) <= prev_start
    before = me.headline(episodes, prev_start, prev_end) if covered else None
    small = lambda *counts: suppress and any(suppression.is_small(c) for c in counts)  # noqa: E731
    sentences = []
    for group, label in (("home", "from home"), ("care", "from care")):
        g = now[group]
        episodes_words = suppression.count_words(g["episodes"], suppress)
        children_words = suppression.count_words(g["children"], suppress)
        text = (
            f"{episodes_words} {'episode' if g['episodes'] == 1 and not small(1) else 'episodes'} {label} "
            f"({children_words} {'child' if g['children'] == 1 and not small(1) else 'children'})"
        )
        if before is not None:
            b = before[group]
            diff = g["episodes"] - b["episodes"]
            if diff == 0:
                word = "as many as"
            elif small(g["episodes"], b["episodes"]):  # the difference would give a hidden count away
                word = "fewer than" if diff < 0 else "more than"
            else:
                word = f"{number(abs(diff))} {'fewer' if diff < 0 else 'more'} than"
            then = "" if small(b["episodes"]) else f" ({number(b['episodes'])})"
            text += f", {word} a year earlier{then}"
            hours, then_hours = g["median_duration_hours"], b["median_duration_hours"]
            if hours is not None and then_hours is not None and not small(g["episodes"], b["episodes"]):
                shorter = _compare(hours, then_hours, "shorter than", "longer than")
                text += f"; a median {hours:.1f} hours missing, {shorter} {then_hours:.1f}"
        sentences.append(text)
    head = f"From {window}: " + "; ".join(sentences) + "."
    if before is None:
        head += (
            f" The data do not cover {_window(prev_start, prev_end)}, so whether there are fewer or shorter "
            f"episodes than a year earlier cannot be answered."
        )
    else:
        head = head.replace(": ", f" (against {_window(prev_start, prev_end)}): ", 1)
    rhi = now["rhi_within_72h_pct"]
    if rhi is not None and _rhi_hidden(episodes, start, end, suppress):
        head += f" The share of the window's returns with a return home interview within 72 hours is not shown ({suppression.SHARE_HIDDEN_WORDS})."
        return Answer("missing_episodes", PAGES["missing_episodes"], head)
    if before is not None and _rhi_hidden(episodes, prev_start, prev_end, suppress):
        before = {**before, "rhi_within_72h_pct": None}
    if rhi is None:
        head += " No child returned in the window, so return home interview timeliness cannot be answered."
    else:
        head += f" A return home interview was held within 72 hours of **{percent(rhi)}** of the window's returns"
        if before is not None and before["rhi_within_72h_pct"] is not None:
            head += f" ({percent(before['rhi_within_72h_pct'])} a year earlier)"
        head += "."
    return Answer("missing_episodes", PAGES["missing_episodes"], head)


# ---------------------------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------------------------


def themes_answer(analyses: list[Analysis], month, page: str = "themes", title: str | None = None) -> Answer:
    """How many indicators show special cause improvement, concern, or neither in the report month."""
    month = pd.Period(month, "M")
    with_latest = [a for a in analyses if a.has_latest]
    kinds = pd.Series([a.variation.split("_")[0] for a in with_latest], dtype="str")
    improving, concerning = int((kinds == "improvement").sum()), int((kinds == "concern").sum())
    neither = int((kinds == "neither").sum())
    judged = int(kinds.isin(["improvement", "concern", "neither", "common"]).sum())
    if not with_latest:
        text = f"No indicator has a value for {month_name(month)}, so the themes cannot be answered for it."
    else:
        text = (
            f"In {month_name(month)}, of {_plural(len(with_latest), 'indicator', 'indicators')} with a value, "
            f"**{number(improving)}** {'shows' if improving == 1 else 'show'} special cause improvement and "
            f"**{number(concerning)}** special cause concern"
        )
        text += f"; {number(neither)} changed with no better direction" if neither else ""
        text += (
            f"; {number(judged - improving - concerning - neither)} {'is' if judged - improving - concerning - neither == 1 else 'are'} "
            f"common cause (no change beyond the month-to-month noise)"
        )
        unjudged = len(with_latest) - judged
        if unjudged:
            text += f"; {number(unjudged)} cannot be judged by control limits (too few months, or a run chart)"
        text += "."
        missing = len(analyses) - len(with_latest)
        if missing:
            text += f" {_plural(missing, 'indicator has', 'indicators have')} no value for {month_name(month)}."
    return Answer(page, title or PAGES["themes"], text)


# ---------------------------------------------------------------------------------------------
# For the summary: every answer from the data folder
# ---------------------------------------------------------------------------------------------


def edition_answers(
    data_dir,
    report_month,
    window_start,
    window_end,
    series_start,
    analyses: list[Analysis],
    extract_date=None,
    terms_path=None,
    baseline_start=None,
    baseline_end=None,
    suppress: bool = True,
) -> list[Answer]:
    """Every chapter's answer, computed through the measures as the chapters compute them."""
    data_dir = resolve(data_dir)
    month = pd.Period(report_month, "M")
    out = []
    season = seasonal.load(data_dir, month, series_start, terms_path, extract_date)
    episodes, cover = coverage.load_cut(data_dir, "caf", extract_date)
    caf_month = min(month, cover.last_month)
    first = max(pd.Period(series_start, "M"), cover.first_month or caf_month)
    flow = early_help.monthly_flow(episodes, pd.period_range(first, caf_month, freq="M", name="month"))
    out.append(early_help_answer(flow, caf_month, open_cafs_result(season), early_help.year_on_year(flow, caf_month)))
    out.append(seasonal_answer(season))
    discussions, cover = coverage.load_cut(data_dir, "strategy", extract_date)
    start, end, _ = coverage.clamp_window(cover, window_start, window_end, "the window")
    series_first = coverage.clamp_series_start(cover, series_start)
    months = pd.period_range(pd.Period(series_first, "M"), pd.Period(end, "M"), freq="M", name="month")
    chart = sd.compliance_p_chart(sd.monthly_compliance(discussions, months), baseline_start, baseline_end)
    out.append(strategy_answer(discussions, start, end, suppression.published_p_chart(chart, suppress), suppress))
    missing, cover = coverage.load_cut(data_dir, "missing", extract_date)
    start, end, _ = coverage.clamp_window(cover, window_start, window_end, "the window")
    out.append(missing_answer(missing, start, end, cover.first_day, suppress))
    out.append(themes_answer(analyses, month))
    return out


def opening(answer: Answer) -> str:
    """The answer as the page's first paragraph."""
    return f"**In short.** {answer.text}"
