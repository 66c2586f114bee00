"""The CAF decline chapter: is the fall in open CAFs real, and why.

Each function returns what one part of ``notebooks/caf_decline.ipynb`` shows: a table, a
chart with its alt text, or sentences whose numbers are all computed here.
"""

import textwrap
import warnings
from dataclasses import dataclass, replace

import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name
from improvement_report.inputs import coverage, school_calendar
from improvement_report.inputs.coverage import Coverage
from improvement_report.measures import early_help, seasonal
from improvement_report.render import answers, style, suppression
from improvement_report.render import spc_charts as spc_plot
from improvement_report.render import wording as narrative
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.escape import chart_text
from improvement_report.render.spc_words import MIN_SPC_POINTS, icon_words, spc_reading  # noqa: F401 (spc_reading: used by the page)
from improvement_report.render.wording import count_of, number, percent
from improvement_report.stats import count_models as models
from improvement_report.stats import spc
from improvement_report.stats.proportions import wilson_interval


@dataclass
class CafChapter:
    """The validated episodes (as at the extract date) and their monthly flow up to the report month."""

    episodes: pd.DataFrame
    month: pd.Period
    flow: pd.DataFrame  # early_help.monthly_flow over the covered months from series_start to ``month``
    coverage: Coverage | None = None
    gap: str | None = None  # the sentence naming months asked for that have no data

    @property
    def months(self) -> pd.PeriodIndex:
        return self.flow.index


def load(data_dir, report_month, series_start, extract_date=None) -> CafChapter:
    """Read ``early_help_episodes.csv`` as it stood on the extract date and compute the monthly flow.

    Only months the extract covers are counted: from ``series_start`` (or the first month
    covered, if later) to ``report_month`` (or the last whole month covered, if earlier; the
    build refuses that unless the edition allows partial periods, and the page then says so).
    """
    episodes, cover = coverage.load_cut(resolve(data_dir), "caf", extract_date)
    asked = pd.Period(report_month, "M")
    first = max(pd.Period(series_start, "M"), cover.first_month or asked)
    month = min(asked, cover.last_month)
    months = pd.period_range(first, month, freq="M", name="month")
    gap = coverage.gap_notice(cover, min(first, pd.Period(series_start, "M")), asked, "this chapter")
    if month < asked:
        gap = (gap or "") + f" The chapter reports {month_name(month)}, the last whole month with data."
    return CafChapter(episodes, month, early_help.monthly_flow(episodes, months), cover, gap)


def coverage_note(ch: CafChapter) -> str | None:
    """The page's note on months asked for that have no data (None when every month has data)."""
    return ch.gap


def _dates(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    return index.to_timestamp()


def _cafs(n: int) -> str:
    return f"{number(n)} CAF{'' if n == 1 else 's'}"


def headline(ch: CafChapter, suppress_small: bool = True) -> str:
    """The chapter's opening sentences: the count, the year-on-year change, and the record.

    With ``suppress_small`` a count from 1 to 5 is "1 to 5", and no change is computed from one.
    """
    fig = early_help.headline(ch.episodes, ch.month)
    now, before = fig["open_end_of_month"], fig["open_same_month_last_year"]
    change = fig["change_over_year"]
    small = suppress_small and (suppression.is_small(now) or suppression.is_small(before))
    verb = "was" if now == 1 and not small else "were"
    shown_now = suppression.count_words(now, suppress_small)
    text = (
        f"At the end of {month_name(ch.month)} **{shown_now}** CAF{'' if now == 1 and not small else 's'} {verb} open"
    )
    year_ago = ch.month - 12
    if year_ago not in ch.flow.index:
        text += (
            f". The extract covers {ch.coverage.describe() if ch.coverage else 'too few months'}, so there is "
            f"no count a year earlier to compare with"
        )
    elif small:
        text += ", too few to compare with a year earlier without risk of identifying a family"
    elif change == 0:
        text += f", the same as at the end of {month_name(year_ago)}"
    else:
        rel = f" ({abs(change) / before:.1%})" if before else ""
        direction = "fewer" if change < 0 else "more"
        text += (
            f", **{number(abs(change))} {direction}**{rel} than at the end of {month_name(year_ago)} ({number(before)})"
        )
    if len(ch.flow) > 1 and not small:
        way = "lowest" if change < 0 else "highest"
        rec = narrative.record_since(ch.flow.open_end, ch.month, way)
        text += f". That is {narrative.record_sentence(rec, way, 'month-end count')}"
    opened, closed = fig["opened_in_month"], fig["closed_in_month"]
    if suppress_small and (suppression.is_small(opened) or suppression.is_small(closed)):
        return (
            text + f". In {month_name(ch.month)} {suppression.count_words(opened)} CAFs were opened and "
            f"{suppression.count_words(closed)} closed."
        )
    return (
        text
        + f". In {month_name(ch.month)} {_cafs(opened)} {'was' if opened == 1 else 'were'} opened and {number(closed)} closed."
    )


def flow_table(ch: CafChapter, suppress_small: bool = True) -> pd.DataFrame:
    """The monthly series behind the charts, with readable column names (downloadable).

    With ``suppress_small``, a count from 1 to 5 is ``c``, with the net flow and the long-open share
    computed from it (months are not parts of a published whole: no secondary suppression).
    """
    t = ch.flow.rename(
        columns={
            "open_end": "Open at month end",
            "opened": "Opened",
            "closed": "Closed",
            "net_flow": "Net flow",
            "open_over_12m": "Open over 12 months",
            "open_over_12m_pct": "Open over 12 months (%)",
        }
    )
    t.index = t.index.strftime("%Y-%m")
    t.index.name = "Month"
    derived = {
        "Net flow": ["Opened", "Closed"],
        "Open over 12 months (%)": ["Open over 12 months", "Open at month end"],
    }
    return suppression.suppress(
        t,
        ["Open at month end", "Opened", "Closed", "Open over 12 months"],
        derived,
        enabled=suppress_small,
        rows_add_up=False,
        parts_of={"Open over 12 months": "Open at month end"},
        secondary=False,
    )


def flow_chart(ch: CafChapter, suppress_small: bool = True):
    """Open CAFs at month end over the whole series, with openings and closures below.

    With ``suppress_small`` a month's count from 1 to 5 is not drawn (a gap) and not named.
    """
    fig, (top, bottom) = style.subplots(2, 1, figsize=(style.WIDTH, 7.4), sharex=True, height_ratios=[3, 2])
    x = _dates(ch.months)
    shown = {
        c: suppression.published_points(ch.flow[c].astype(float), ch.flow[c], enabled=suppress_small)
        for c in ("open_end", "opened", "closed")
    }
    hidden = int(sum(shown[c].isna().sum() - ch.flow[c].isna().sum() for c in shown))
    top.plot(x, shown["open_end"], color=style.DARK_BLUE, marker="o", markersize=3, label="Open at month end")
    style.value_axis(top, "Open CAFs\nat month end")
    peak = ch.flow.open_end.idxmax()
    # The peak named above its point, inside the plot (room made for it, so never under the
    # title); the latest value to its left.
    low, high = top.get_ylim()
    top.set_ylim(low, high + 0.15 * (high - low))
    top.annotate(
        f"{month_name(peak)}: {number(ch.flow.open_end[peak])}",
        (peak.to_timestamp(), ch.flow.open_end[peak]),
        textcoords="offset points",
        xytext=(4, 8),
        ha="right",
        va="bottom",
    )
    if peak != ch.month:
        top.annotate(
            f"{month_name(ch.month)}: {suppression.count_words(ch.flow.open_end.iloc[-1], suppress_small)}",
            (x[-1], ch.flow.open_end.iloc[-1]),
            textcoords="offset points",
            xytext=(-8, 0),
            ha="right",
            va="center",
        )
    width = 12
    bottom.bar(x - pd.Timedelta(days=7), shown["opened"], width=width, color=style.TURQUOISE, label="Opened")
    bottom.bar(
        x + pd.Timedelta(days=7),
        shown["closed"],
        width=width,
        color=style.DARK_PINK,
        hatch="//",
        edgecolor="white",
        label="Closed",
    )
    style.value_axis(bottom, "CAFs in\nthe month")
    style.legend_below(bottom)
    style.date_axis(bottom, x)
    change = ch.flow.open_end.iloc[-1] - ch.flow.open_end.iloc[-13] if len(ch.flow) > 12 else None
    if change is not None and suppress_small:
        if suppression.is_small(ch.flow.open_end.iloc[-1]) or suppression.is_small(ch.flow.open_end.iloc[-13]):
            change = None  # a change computed from a count of 1 to 5 is not published
    trend = (
        "" if change is None else (f": {number(abs(change))} {'fewer' if change < 0 else 'more'} than a year earlier")
    )
    top.set_title(style.title(f"Open CAFs at the end of {month_name(ch.month)}{trend}"))
    fig.tight_layout()
    alt = (
        f"Line chart of open CAFs at each month end from {month_name(ch.months[0])} to {month_name(ch.month)}, "
        f"peaking at {number(ch.flow.open_end[peak])} in {month_name(peak)} and "
        f"{suppression.count_words(ch.flow.open_end.iloc[-1], suppress_small)} "
        f"in {month_name(ch.month)}; below it, bars of CAFs opened and closed each month "
        f"({suppression.count_words(ch.flow.opened.iloc[-1], suppress_small)} opened and "
        f"{suppression.count_words(ch.flow.closed.iloc[-1], suppress_small)} closed in {month_name(ch.month)})."
        + (f" {hidden} monthly values from 1 to 5 are not drawn." if hidden else "")
    )
    return Chart(fig, alt)


def xmr_chart(
    ch: CafChapter,
    column: str,
    title_what: str,
    polarity: str,
    baseline_start=None,
    baseline_end=None,
    suppress_small: bool = True,
):
    """An XmR chart of one monthly series, its alt text and its reading (a month of 1 to 5 not drawn).

    ``baseline_start`` and ``baseline_end`` (``YYYY-MM``, None for the first or the latest month) fix
    the limits as the theme pages fix them (the edition's ``notebooks:`` settings), so open CAFs have
    the same limits here and on their theme page. Counts: no limit below zero.
    """
    series = ch.flow[column].astype(float)
    series.index = _dates(ch.months)
    if len(series) < MIN_SPC_POINTS:
        return Chart(None, "", None)  # spc_reading explains
    start = None if baseline_start in (None, "") else pd.Period(str(baseline_start), "M").to_timestamp()
    end = None if baseline_end in (None, "") else pd.Period(str(baseline_end), "M").to_timestamp()
    if len(series.loc[start:end]) < MIN_SPC_POINTS:
        start = end = None  # the baseline is outside the months shown: every month fixes the limits
    result = spc.xmr(series, baseline_start=start, baseline_end=end, floor=0)
    icon = spc.variation_icon(result, polarity)
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.8))
    reading = icon_words(icon)
    values = result.data.value
    drawn = replace(
        result, data=result.data.assign(value=suppression.published_points(values, values, enabled=suppress_small))
    )
    spc_plot.plot_spc(
        drawn, ax, title=f"{title_what}: {reading} in {month_name(ch.month)}", ylabel=title_what, polarity=polarity
    )
    fig.tight_layout()
    alt = spc_plot.describe_xmr(result, polarity, title_what)
    hidden = int(values.between(1, 5).sum()) if suppress_small else 0
    if hidden and suppression.is_small(values.iloc[-1]):
        alt = alt.replace(
            f"The latest value, {values.iloc[-1]:,.0f} in", f"The latest value, {suppression.SMALL_WORDS}, in"
        )
    if hidden:
        alt += f" {count_of(hidden, 'month')} of 1 to 5 {'is' if hidden == 1 else 'are'} not drawn."
    return Chart(fig, alt, result)


def spc_sentence(result, what: str, suppress_small: bool = True) -> str:
    """:func:`spc_reading` of a chart, a latest month of 1 to 5 not named."""
    text = spc_reading(result, what)
    if suppress_small and result is not None and suppression.is_small(result.data.value.iloc[-1]):
        latest = number(result.data.value.iloc[-1])
        text = text.replace(f"The latest value, {latest},", f"The latest value, {suppression.SMALL_WORDS},")
    return text


def fall_decomposition(ch: CafChapter) -> pd.DataFrame:
    """Openings and closures in the 12 months to the report month against the 12 before
    (:func:`improvement_report.measures.early_help.year_on_year`; empty when the series is shorter)."""
    return early_help.year_on_year(ch.flow, ch.month)


def fall_sentence(ch: CafChapter, t: pd.DataFrame) -> str:
    """How much of the year-on-year swing came from fewer openings and how much from more closures."""
    if t.empty:
        return (
            f"Comparing the last 12 months with the 12 before needs 24 months of data up to "
            f"{month_name(ch.month)}; the series here starts in {month_name(ch.months[0])}."
        )
    parts_of = early_help.swing_parts(t)
    opened_change, closed_change, swing = parts_of["opened_change"], parts_of["closed_change"], parts_of["swing"]
    this = t.columns[1]
    net = int(t.loc[early_help.NET_ROW, this])
    moved = "did not change" if net == 0 else f"{'rose' if net > 0 else 'fell'} by {number(abs(net))}"
    head = (
        f"In the 12 months {this}, {_cafs(int(t.loc['Opened', this]))} {'was' if t.loc['Opened', this] == 1 else 'were'} "
        f"opened and {number(t.loc['Closed', this])} closed, so the number open {moved}. "
    )
    if swing == 0:
        return head + "The net flow was the same as in the previous 12 months."
    lower = swing < 0
    parts = {
        "openings": (opened_change, "fewer" if opened_change < 0 else "more"),
        "closures": (closed_change, "more" if closed_change > 0 else "fewer"),
    }
    push = parts_of["push"]
    text = (
        head + f"Against the previous 12 months the net flow is {number(abs(swing))} {'lower' if lower else 'higher'}"
    )
    if parts_of["same_direction"]:
        main = max(push, key=push.get)
        shares = [f"{number(push[p])} from {parts[p][1]} {p} ({push[p] / abs(swing):.0%})" for p in push if push[p] > 0]
        if len(shares) == 1:  # the other part did not change
            other = "closures" if main == "openings" else "openings"
            text += f": all of it from {parts[main][1]} {main}; {other} were the same in both years."
        else:
            text += (
                f": {' and '.join(shares)}. Most of the change comes from {parts[main][1]} CAFs being "
                f"{'opened' if main == 'openings' else 'closed'}."
            )
    else:
        # Each part moved the net flow its own way: say which way each pushed, in counts.
        text += (
            f": {number(abs(opened_change))} {'more' if opened_change > 0 else 'fewer'} openings "
            f"{'raised' if opened_change > 0 else 'lowered'} it and {number(abs(closed_change))} "
            f"{'more' if closed_change > 0 else 'fewer'} closures {'lowered' if closed_change > 0 else 'raised'} it, "
            f"so the two pulled in opposite directions and the change cannot be shared between them."
        )
    return text


def closures_sentence(ch: CafChapter) -> str:
    """Closures in the report month as a record, computed the same way as the open count."""
    rec = narrative.record_since(ch.flow.closed, ch.month, "highest")
    last3 = ch.flow.closed.iloc[-4:]
    rising = bool((last3.diff().dropna() > 0).all())
    text = (
        f"{number(rec.value)} CAFs were closed in {month_name(ch.month)}, "
        f"{narrative.record_sentence(rec, 'highest', 'monthly number of closures')}."
    )
    if rising:
        text += f" Closures have risen every month since {month_name(last3.index[0])}."
    return text


def trend_model(ch: CafChapter, terms_path=None) -> models.HolidayModel | None:
    """The count model of monthly openings that the seasonal effects page fits; None when it cannot be fitted.

    One answer per measure: the same model (trend, the share of each month's working days in a
    school holiday from the term dates, working days as exposure) on the same months (those the
    term dates cover), so both pages give the same rate ratios.
    """
    terms = school_calendar.load_terms(None if terms_path is None else resolve(terms_path))
    months = school_calendar.covered(ch.months, terms)
    if len(months) == 0:
        return None
    calendar = school_calendar.monthly_calendar(months, terms)
    try:
        return models.fit_holiday_model(
            ch.flow.opened.loc[months], calendar.holiday_share, calendar.working_days, "working days"
        )
    except ValueError:
        return None


def trend_sentence(ch: CafChapter, model: models.HolidayModel | None) -> str:
    """The model's reading (the trend, then the holidays), or why there is no model."""
    if model is None:
        return (
            f"The series from {month_name(ch.months[0])} to {month_name(ch.month)} is too short, or the school "
            f"term dates do not cover it, so no trend model was fitted."
        )
    est, lo, hi = (round(100 * (r - 1), 1) + 0.0 for r in model.monthly_ratio)
    if lo <= 0 <= hi:
        trend = (
            f"CAF openings show no clear trend once the school holidays are allowed for: the estimated change is "
            f"{est:+.1f}% a month, and anything from {lo:+.1f}% to {hi:+.1f}% fits the data (95% interval)."
        )
    else:
        way = "falling" if hi < 0 else "rising"
        trend = (
            f"Once the school holidays are allowed for, CAF openings have been {way} by about {abs(est):.1f}% a "
            f"month (95% interval {min(abs(lo), abs(hi)):.1f}% to {max(abs(lo), abs(hi)):.1f}%)."
        )
    return (
        f"{trend} {models.describe_holiday(model, 'CAFs opened')} This is the model of the seasonal effects page, "
        f"so the figures are the same there."
    )


def model_table(model: models.HolidayModel | None) -> pd.DataFrame:
    """The model's two rate ratios with their 95% intervals, as text rounded once (empty without a model)."""
    if model is None:
        return pd.DataFrame()
    t = pd.DataFrame(
        [
            narrative.ratio_row(model.monthly_ratio, narrative.TREND_RATIO_PLACES),
            narrative.ratio_row(model.holiday_ratio, narrative.HOLIDAY_RATIO_PLACES),
        ],
        index=["Change per month (rate ratio)", "A month wholly in school holidays (rate ratio)"],
        columns=["Estimate", "95% interval: low", "95% interval: high"],
    )
    t.index.name = f"{model.family} model of CAFs opened"
    return t


def model_chart(ch: CafChapter, model: models.HolidayModel):
    """Monthly openings with the model's fitted values; (None, "") without a model."""
    if model is None:
        return NO_CHART
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.8))
    x = _dates(ch.months)
    fitted = model.fitted.reindex(ch.months)
    ax.plot(x, ch.flow.opened, color=style.GREY, marker="o", markersize=3, linestyle="-", label="CAFs opened")
    ax.plot(x, fitted.to_numpy(), color=style.DARK_BLUE, linewidth=2, label="Model: trend and school holidays")
    style.value_axis(ax, "CAFs opened\nin the month")
    style.date_axis(ax, x)
    est = 100 * (model.monthly_ratio[0] - 1)
    holiday = narrative.holiday_effect_words(model.holiday_ratio[0])
    ax.set_title(style.title(f"CAFs opened: {est:+.1f}% a month, and {holiday} in a month of school holidays"))
    style.legend_below(ax, ncols=1)
    fig.tight_layout()
    alt = (
        f"CAFs opened each month from {month_name(ch.months[0])} to {month_name(ch.month)} "
        f"({number(ch.flow.opened.iloc[-1])} in {month_name(ch.month)}), with a fitted {model.family} "
        f"curve showing a change of {est:+.1f}% a month and {holiday} in a month wholly in school holidays."
    )
    return Chart(fig, alt)


def duration_table(ch: CafChapter) -> pd.DataFrame:
    """Long-open share now and a year ago, and the length of episodes closed in each year."""
    rows = {}
    for label, m in (("A year earlier", ch.month - 12), ("Report month", ch.month)):
        if m not in ch.flow.index:
            continue
        d = early_help.closed_durations(ch.episodes, m - 11, m)
        rows[f"{label} ({month_name(m)})"] = {
            "Open at month end": int(ch.flow.open_end[m]),
            "Open over 12 months": int(ch.flow.open_over_12m[m]),
            "Open over 12 months (%)": ch.flow.open_over_12m_pct[m],
            "Closed in the 12 months": int(len(d)),
            "Median days open (closed)": float(d.median()) if len(d) else None,
            "Lower quartile (days)": float(d.quantile(0.25)) if len(d) else None,
            "Upper quartile (days)": float(d.quantile(0.75)) if len(d) else None,
        }
    # Build by period (typed columns), then turn on its side as objects so counts stay whole numbers.
    t = pd.DataFrame.from_dict(rows, orient="index").astype(object).T
    t.index.name = "Measure"
    return t


def duration_sentence(ch: CafChapter, target_pct=None) -> str:
    """The long-open share and how long closed episodes lasted, in words."""
    pct_now = ch.flow.open_over_12m_pct[ch.month]
    d = early_help.closed_durations(ch.episodes, ch.month - 11, ch.month)
    k, n = int(ch.flow.open_over_12m[ch.month]), int(ch.flow.open_end[ch.month])
    interval = wilson_interval(k, n)
    between = f"; 95% interval {interval[0]:.1f}% to {interval[1]:.1f}%" if interval else ""
    text = (
        f"{percent(pct_now)} of the CAFs open at the end of {month_name(ch.month)} "
        f"({number(k)} of {number(n)}{between}) had been open for more than 12 months, "
        f"so most close before a year."
    )
    if len(d):
        text += (
            f" The {number(len(d))} CAFs closed in the 12 months to {month_name(ch.month)} had been open for a "
            f"median of {d.median():.0f} days (half between {d.quantile(0.25):.0f} and {d.quantile(0.75):.0f} days)."
        )
    if target_pct is not None and pct_now is not None:
        text += f" The local target is below {target_pct}%: {'met' if pct_now < target_pct else 'not met'}."
    return text


def locality_table(ch: CafChapter, suppress_small: bool = True) -> pd.DataFrame:
    """Open CAFs now and a year ago, flows and long-open share, by locality (small counts suppressed)."""
    eps = early_help.with_locality(ch.episodes)
    m = ch.month
    rows, long_open = {}, {}
    for loc, g in eps.groupby("locality", sort=True):
        flow = early_help.monthly_flow(g, pd.period_range(m - 12, m, freq="M"))
        long_open[loc] = int(flow.open_over_12m[m])
        d = early_help.closed_durations(g, m - 11, m)
        rows[loc] = {
            f"Open {m.strftime('%b %Y')}": int(flow.open_end[m]),
            f"Open {(m - 12).strftime('%b %Y')}": int(flow.open_end[m - 12]),
            "Change": int(flow.open_end[m] - flow.open_end[m - 12]),
            "Opened in 12 months": int(flow.opened.loc[m - 11 :].sum()),
            "Closed in 12 months": int(flow.closed.loc[m - 11 :].sum()),
            "Open over 12 months (%)": flow.open_over_12m_pct[m],
            "Median days open (closed)": float(d.median()) if len(d) else None,
        }
    t = pd.DataFrame.from_dict(rows, orient="index")  # one row per locality keeps integer columns integer
    t.index.name = "Locality"
    now, before = f"Open {m.strftime('%b %Y')}", f"Open {(m - 12).strftime('%b %Y')}"
    counts = [now, before, "Opened in 12 months", "Closed in 12 months"]
    derived = {
        "Change": [now, before],
        "Open over 12 months (%)": [now],
        "Median days open (closed)": ["Closed in 12 months"],
    }
    if m - 12 not in ch.flow.index or len(t) == 0:
        # A year earlier, or part of the last 12 months, lies before the extract's coverage: not shown.
        dropped = [before, "Change", "Opened in 12 months", "Closed in 12 months", "Median days open (closed)"]
        t = t.drop(columns=[c for c in dropped if c in t.columns])
        counts = [c for c in counts if c in t.columns]
        derived = {k: v for k, v in derived.items() if k in t.columns}
    out = suppression.suppress(t, counts, derived, enabled=suppress_small)
    if suppress_small:
        # The long-open share also discloses its numerator: 2 of 6 shown as 33.3% reveals 2 children.
        out = suppression.suppress_derived(out, "Open over 12 months (%)", long_open)
    return out


def locality_chart(ch: CafChapter, suppress_small: bool = True):
    """Month-end open CAFs by locality over the whole series: one small chart per locality on a
    shared scale (seaborn's faceted small multiples), so no line hides another.

    With suppression on, a locality whose line would show a month-end count from 1 to 5 is not
    drawn (a chart discloses as much as a table); the alt text says which were left out.
    """
    eps = early_help.with_locality(ch.episodes)
    latest, left_out, frames = {}, [], []
    for loc, g in eps.groupby("locality", sort=True):
        flow = early_help.monthly_flow(g, ch.months)
        if suppress_small and flow.open_end.between(1, 5).any():
            left_out.append(loc)
            continue
        latest[loc] = int(flow.open_end.iloc[-1])
        frames.append(
            pd.DataFrame(
                {
                    "month": _dates(ch.months),
                    "open": flow.open_end.to_numpy(),
                    # A panel title is one short line: a long name is cut, not allowed to squeeze the panels.
                    "locality": f"{textwrap.shorten(chart_text(loc), 32, placeholder='…')} ({latest[loc]})",
                }
            )
        )
    if not latest:
        return NO_CHART
    style.apply()
    columns = 2 if len(frames) > 1 else 1
    # seaborn tries a tight layout while the grid is drawn, before our titles exist, and warns when
    # it cannot; the figure is laid out once below, when everything is on it.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tight layout not applied")
        grid = sns.relplot(
            data=pd.concat(frames, ignore_index=True),
            x="month",
            y="open",
            col="locality",
            col_wrap=columns,
            kind="line",
            marker="o",
            markersize=4,
            color=style.DARK_BLUE,
            height=2.6,
            aspect=style.WIDTH / columns / 2.6,
            facet_kws={"sharey": True, "sharex": True},
        )
    grid.set_titles("{col_name}", loc="left", fontweight="normal")
    grid.set_axis_labels("", "Open CAFs\nat month end")
    for ax in grid.axes.flat:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        style.value_axis(ax, ax.get_ylabel())
    biggest = max(latest, key=latest.get)
    grid.figure.suptitle(
        style.title(
            f"Open CAFs by locality: {textwrap.shorten(chart_text(biggest), 32, placeholder='…')} holds the most ({latest[biggest]} at the end of "
            f"{month_name(ch.month)}; the number open then follows each name)"
        ),
        x=0.02,
        ha="left",
        fontweight="bold",
        fontsize=style.RC["axes.titlesize"],
    )
    with warnings.catch_warnings():  # the facets keep their size when a title is long; no log noise
        warnings.filterwarnings("ignore", message="Tight layout not applied")
        grid.figure.tight_layout()
    fig = grid.figure
    alt = (
        "Line chart of open CAFs at each month end by locality, "
        + "; ".join(f"{k}: {v} in {month_name(ch.month)}" for k, v in latest.items())
        + "."
        + (f" Not drawn, because a month-end count from 1 to 5 would show: {', '.join(left_out)}." if left_out else "")
    )
    return Chart(fig, alt)


def answer(ch: CafChapter, data_dir, series_start, terms_path=None, extract_date=None) -> str:
    """The page's opening answer: the change in open CAFs, how much of it is seasonal (the seasonal
    chapter's own analysis), and fewer openings against more closures (the table below)."""
    analysis = seasonal.load(data_dir, ch.month, series_start, terms_path, extract_date)
    result = answers.early_help_answer(
        ch.flow, ch.month, answers.open_cafs_result(analysis), early_help.year_on_year(ch.flow, ch.month)
    )
    return answers.opening(result)


def locality_period(ch: CafChapter) -> str:
    """The periods of the locality table, for its download: the month end and the 12 months to it."""
    return f"{month_name(ch.month)} (flows: the 12 months to {month_name(ch.month)})"
