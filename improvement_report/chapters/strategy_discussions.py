"""The strategy discussions chapter: Working Together compliance by month, team and time of day.

Each function returns what one part of ``notebooks/strategy_discussions.ipynb`` shows: a table,
a chart with its alt text, or sentences whose numbers are all computed here. Definitions
(compliant, out of hours, in the window) are the data contract's, from
:mod:`improvement_report.strategy_discussions`. Every output is an aggregate: no discussion
identifier ever leaves this module.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name
from improvement_report.inputs import coverage, edition_content
from improvement_report.measures import strategy_discussions as sd
from improvement_report.render import answers, style, suppression
from improvement_report.render import spc_charts as spc_plot
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.escape import chart_text, escape
from improvement_report.render.suppression import SHARE_HIDDEN_WORDS, count_words, share_hidden
from improvement_report.render.wording import count_of, number, percent
from improvement_report.stats import funnel, spc
from improvement_report.stats.proportions import wilson_interval
from improvement_report.stats.regression import FitFailed, logistic_odds_ratios

POLARITY = "higher_is_better"  # more compliant discussions is better
MIN_SPC_MONTHS = sd.MIN_SPC_MONTHS
RELIABLE_SPC_MONTHS = 12  # Making Data Count: fewer points make the limits unreliable
FUNNEL_METHOD = "exact"  # exact binomial limits with Spiegelhalter's interpolation
MIN_FUNNEL_TEAMS = 2
MIN_MODEL_DISCUSSIONS = 40  # fewer discussions with a known time: no regression
MIN_MODEL_TEAM = 15  # teams with fewer discussions in the window are pooled in the model
OTHER_TEAMS = "Other teams (pooled)"
SMALL_TEAM = 6  # teams with fewer discussions in the window are pooled (counts of 1-5 are never shown)
# Free text is never published: a recorded reason is counted under the configured category it
# names (``reason_categories``), or as "other reason recorded".
OTHER_REASONS = "Other reason recorded"
NO_REASON = "No reason recorded"
TIMES = (sd.IN_HOURS, sd.OUT_OF_HOURS, sd.TIME_UNKNOWN)


@dataclass
class StrategyChapter:
    """Every discussion with its derived columns, the window, and the months of the series."""

    discussions: pd.DataFrame  # adds ``compliant``, ``time_of_day``, ``month`` and ``absent``
    start: pd.Timestamp
    end: pd.Timestamp
    months: pd.PeriodIndex  # series_start to the window's last month (may be empty)
    gap: str | None = None  # the sentence naming days asked for that have no data
    suppress: bool = True  # small numbers (1 to 5) and values computed from them are not published

    @property
    def too_small(self) -> bool:
        """Whether the window holds 1 to 5 discussions: too few to publish any figure about them."""
        return self.suppress and suppression.is_small(len(self.window))

    @property
    def window(self) -> pd.DataFrame:
        """Discussions held in the window."""
        return sd.in_window(self.discussions, self.start, self.end)

    @property
    def label(self) -> str:
        """The window in words, e.g. "1 September YYYY to 31 December YYYY"."""
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts.strftime('%B %Y')}"


def prepare(discussions: pd.DataFrame) -> pd.DataFrame:
    """Add the contract's derived columns to the discussions file."""
    d = discussions.copy()
    d["compliant"] = sd.compliant(d)
    d["time_of_day"] = sd.time_of_day(d)
    d["month"] = d.held_at.dt.to_period("M")
    d["absent"] = sd.absent_combination(d)
    return d


def from_frame(
    discussions: pd.DataFrame, window_start, window_end, series_start, suppress_small: bool = True
) -> StrategyChapter:
    """Build the chapter from a typed discussions frame (as :func:`loading.load_file` returns).

    ``suppress_small`` (the edition's ``disclosure: suppress_small_numbers``): counts from 1 to 5,
    and every share, limit or change computed from one, are not published.
    """
    start, end = pd.Timestamp(window_start), pd.Timestamp(window_end)
    months = pd.period_range(pd.Period(series_start, "M"), pd.Period(end, "M"), freq="M", name="month")
    return StrategyChapter(prepare(discussions), start, end, months, suppress=suppress_small)


def load(
    data_dir, window_start, window_end, series_start, extract_date=None, suppress_small: bool = True
) -> StrategyChapter:
    """Read ``strategy_discussions.csv`` as it stood on the extract date and build the chapter.

    The window and the series are cut to the days the extract covers (the build refuses a
    window outside them unless the edition allows partial periods; ``gap`` then says so).
    """
    discussions, cover = coverage.load_cut(resolve(data_dir), "strategy", extract_date)
    start, end, gap = coverage.clamp_window(cover, window_start, window_end, "the window")
    first = coverage.clamp_series_start(cover, series_start)
    chapter = from_frame(discussions, start, end, first, suppress_small)
    chapter.gap = gap
    return chapter


def coverage_note(ch: StrategyChapter) -> str | None:
    """The page's note on days asked for that have no data (None when every day has data)."""
    return ch.gap


def _share(k: int, n: int, suppress: bool = True) -> str:
    """``"155 (69.2%; 95% interval 62.8% to 74.8%)"``, Wilson interval; no share from a count of 1 to 5."""
    if share_hidden(k, n, suppress):
        # Only 1 to 5 not counted: the count would give them away, so it is not shown either.
        shown = "all but 1 to 5" if suppression.is_small(n - k) and not suppression.is_small(k) else count_words(k)
        return f"{shown} ({SHARE_HIDDEN_WORDS})"
    low, high = wilson_interval(k, n)
    return f"{number(k)} ({percent(100 * k / n)}; 95% interval {percent(low)} to {percent(high)})"


NONE_IN_WINDOW = "There are no discussions in this window to break down."
TOO_SMALL = (
    "The window holds too few discussions to break down without risk of identifying a child, so none "
    "of its figures is shown."
)


def _too_small(ch: StrategyChapter) -> str:
    return (
        f"From {ch.label}, {suppression.SMALL_WORDS} strategy discussions were held: too few to publish any "
        f"figure about them, because a count from 1 to 5, or anything computed from one, could identify a "
        f"child (see the methods page). The chart of monthly compliance below covers the whole series."
    )


def _no_discussions(ch: StrategyChapter) -> str:
    return f"No strategy discussions were recorded from {ch.label}, so there is nothing to count for this window."


# --------------------------------------------------------------------------------------
# The window's headline
# --------------------------------------------------------------------------------------


def headline(ch: StrategyChapter) -> str:
    """The window's discussions, children and compliance (Working Together: social care, police and health)."""
    w = ch.window
    if w.empty:
        return _no_discussions(ch)
    if ch.too_small:
        return _too_small(ch)
    fig = sd.headline(ch.discussions, ch.start, ch.end)
    n, k, on = fig["discussions"], fig["compliant"], ch.suppress
    by_agency = (fig["no_health"], fig["no_police"], fig["no_csc"])
    # One small agency count could be worked out from the others and the total: then the table
    # below (with its secondary suppression) gives the breakdown, not the sentence.
    breakdown = (
        f": {number(by_agency[0])} without health, {number(by_agency[1])} without police and "
        f"{number(by_agency[2])} without children's social care recorded."
        if not (on and any(suppression.is_small(a) for a in by_agency))
        else "; the table below shows which agencies were absent."
    )
    return (
        f"From {ch.label}, **{count_words(n, on)}** strategy discussions were held about "
        f"**{count_words(fig['children'], on)}** children. **{_share(k, n, on)}** were fully compliant with Working "
        f"Together: children's social care, police and health all took part. "
        f"{count_words(n - k, on)} were not{breakdown}"
    )


def absence_table(ch: StrategyChapter) -> pd.DataFrame:
    """Discussions by which statutory agencies were absent: every combination that occurs.

    The rows add up to all discussions in the window, so the parts make the whole even when
    a discussion missed more than one agency (which the per-agency counts would count twice).
    """
    w = ch.window
    if w.empty or ch.too_small:
        return pd.DataFrame(columns=["Discussions", "% of discussions"])
    counts = w.absent.value_counts()
    # Compliant first, then the combinations, largest first; ties by name so the order is stable.
    missing = counts.drop("none", errors="ignore")
    missing = missing.sort_index().sort_values(ascending=False, kind="stable")
    rows = {}
    if "none" in counts:
        rows["None: compliant (all three took part)"] = int(counts["none"])
    for combo, k in missing.items():
        rows[f"{combo[0].upper()}{combo[1:]} absent"] = int(k)
    rows["All discussions"] = len(w)
    t = pd.DataFrame({"Discussions": pd.Series(rows, dtype="int64")})
    t["% of discussions"] = (100 * t["Discussions"] / len(w)).round(1)
    t.index.name = "Statutory agencies absent"
    return suppression.suppress(t, ["Discussions"], {"% of discussions": ["Discussions"]}, enabled=ch.suppress)


def absence_sentence(ch: StrategyChapter) -> str:
    """Whether any discussion missed more than one agency, so the agency counts add up or not."""
    w = ch.window
    if w.empty or ch.too_small:
        return ""
    non = w[~w.compliant]
    if non.empty:
        return "Every discussion in the window was compliant."
    multiple = int(((~non[list(sd.AGENCIES)]).sum(axis=1) > 1).sum())
    by_agency = {name: int((~non[col]).sum()) for col, name in sd.AGENCIES.items()}
    total = sum(by_agency.values())
    hidden = ch.suppress and any(suppression.is_small(v) for v in (*by_agency.values(), multiple, len(non)))
    if hidden:  # the table's secondary suppression keeps the hidden counts from being worked out
        return (
            "Some of these counts are from 1 to 5, so the table shows them as c, with the next smallest, "
            "so that none can be worked out from the total."
        )
    if multiple == 0:
        csc = by_agency[sd.AGENCIES["csc"]]
        return (
            f"Each of the {number(len(non))} non-compliant discussions missed exactly one agency, so the "
            f"counts by agency ({number(by_agency['health'])} health, {number(by_agency['police'])} police, "
            f"{number(csc)} children's social care) add up to the total."
        )
    return (
        f"{number(multiple)} of the {number(len(non))} non-compliant discussions missed more than one agency, "
        f"so the counts by agency add up to {number(total)}, more than the number of non-compliant "
        f"discussions; the table counts each discussion once."
    )


def education_sentence(ch: StrategyChapter) -> str:
    """Education's involvement: not a statutory requirement, but reported."""
    w = ch.window
    if w.empty or ch.too_small:
        return ""
    took_part = int(w.education.fillna(False).sum())
    not_recorded = int(w.education.isna().sum())
    text = (
        f"Education is not required by Working Together but took part in {_share(took_part, len(w), ch.suppress)} "
        f"of the window's discussions."
    )
    if not_recorded:
        text += (
            f" Education's involvement was not recorded for {count_words(not_recorded, ch.suppress)}; they are counted as "
            f"not involved, so the share is a floor."
        )
    return text


def comparison_period(content_folder=None, start="", end="", label="") -> tuple[str, str, str]:
    """The earlier period to compare the window with: the page's own settings, else the edition's, else none."""
    if start and end:
        return str(start), str(end), label or ""
    found = edition_content.load(content_folder).comparison("strategy_discussions")
    return found if found else ("", "", "")


def comparison_sentence(ch: StrategyChapter, start, end, label: str = "") -> str | None:
    """Compliance in an earlier period (such as a review before an inspection) against the window.

    None without a period, or when the period does not end before the window starts (a
    comparison with a later period would not be "before").
    """
    if not start or not end:
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end >= ch.start:
        return (
            f"The edition's comparison period ({_day(start)} to {_day(end)}) does not end before the window "
            f"starts, so the window is not compared with it."
        )
    name = escape(label) if label else f"{_day(start)} to {_day(end)}"
    before = sd.in_window(ch.discussions, start, end)
    w = ch.window
    if before.empty:
        return f"There are no discussions in {name} ({_day(start)} to {_day(end)}) to compare the window with."
    on, k_before = ch.suppress, int(before.compliant.sum())
    text = (
        f"In {name} ({_day(start)} to {_day(end)}), {count_words(len(before), on)} discussions were held and "
        f"{_share(k_before, len(before), on)} were compliant."
    )
    if w.empty or ch.too_small or share_hidden(k_before, len(before), on):
        return text  # a change computed from a count of 1 to 5 is not published either
    if share_hidden(int(w.compliant.sum()), len(w), on):
        return text + " The window's share is not shown (a count from 1 to 5), so the two are not compared."
    p_before, p_now = before.compliant.mean(), w.compliant.mean()
    lo_b, hi_b = wilson_interval(int(before.compliant.sum()), len(before))
    lo_w, hi_w = wilson_interval(int(w.compliant.sum()), len(w))
    apart = hi_b < lo_w or hi_w < lo_b
    direction = "higher" if p_now > p_before else "lower"
    verdict = (
        "the intervals do not overlap, so the change is unlikely to be chance"
        if apart
        else "the intervals overlap, so the difference may be chance"
    )
    return (
        text + f" Compliance in the window is {abs(100 * (p_now - p_before)):.1f} percentage points "
        f"{direction}; {verdict}."
    )


# --------------------------------------------------------------------------------------
# Monthly compliance: a p chart over the whole series
# --------------------------------------------------------------------------------------


def monthly_counts(ch: StrategyChapter) -> pd.DataFrame:
    """Discussions and compliant discussions in each month of the series (zero-filled)."""
    return sd.monthly_compliance(ch.discussions, ch.months)


def p_chart(ch: StrategyChapter, baseline_start=None, baseline_end=None) -> pd.DataFrame | None:
    """The p chart of monthly compliance as published (one computation for every page:
    :func:`~improvement_report.measures.strategy_discussions.compliance_p_chart`); None when fewer than two months have discussions.

    ``baseline_start`` and ``baseline_end`` (``YYYY-MM``; None for the first or the latest month): the
    months whose pooled share is the centre line, as the theme pages fix it, so compliance has the
    same centre line and limits here and on its theme page. The limits and signals use every month;
    a month with 1 to 5 discussions (or 1 to 5 compliant) is not drawn or published
    (:func:`~improvement_report.render.suppression.published_p_chart`).
    """
    chart = sd.compliance_p_chart(monthly_counts(ch), baseline_start, baseline_end)
    return suppression.published_p_chart(chart, ch.suppress)


def monthly_table(chart: pd.DataFrame | None) -> pd.DataFrame:
    """The p chart's numbers with readable column names, for download (no columns lost when empty)."""
    columns = [
        "Discussions",
        "Compliant",
        "Compliant (%)",
        "Centre line (%)",
        "Lower limit (%)",
        "Upper limit (%)",
        "Signal",
    ]
    if chart is None:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="Month"))
    kinds = spc.point_variation(chart, POLARITY)
    t = pd.DataFrame(
        {
            "Discussions": chart.denominator,
            "Compliant": chart.numerator,
            "Compliant (%)": (100 * chart.p).round(1),
            "Centre line (%)": (100 * chart.pbar).round(1),
            "Lower limit (%)": (100 * chart.lcl).round(1),
            "Upper limit (%)": (100 * chart.ucl).round(1),
            "Signal": kinds.map(_kind_words),
        }
    )
    t.index = chart.index.strftime("%Y-%m")
    t.index.name = "Month"
    hidden = chart.index.isin(chart.attrs.get("hidden", []))
    return suppression.hide_rows(t, hidden, list(t.columns))


def _kind_words(kind: str) -> str:
    if kind == "common_cause":
        return "common cause"
    what, side = kind.split("_")
    return f"special cause {'variation' if what == 'neither' else what} ({side})"


def used_start(chart: pd.DataFrame) -> pd.Timestamp:
    """First day of the chart's first month, so shading never stretches the axis to the left."""
    return chart.index[0].start_time


def _latest_month(chart: pd.DataFrame) -> pd.Period:
    return chart.index[chart.p.notna()][-1]


def p_chart_figure(ch: StrategyChapter, chart: pd.DataFrame | None):
    """The p chart of monthly compliance with the window shaded; (None, "") without a chart."""
    if chart is None or chart.p.isna().all():
        return NO_CHART
    latest = _latest_month(chart)
    icon = spc.variation_icon(chart, POLARITY)
    fig, ax = style.subplots(figsize=(style.WIDTH, 5.4))
    spc_plot.plot_spc(
        chart,
        ax,
        title=f"Compliant strategy discussions: {_kind_words(icon)} in {month_name(latest)}",
        ylabel="Fully compliant\ndiscussions (%)",
        polarity=POLARITY,
        highlight=(max(ch.start, used_start(chart)), ch.end),
        limits_label="Process limits (vary with discussions)",
        legend_below=True,
    )
    fig.tight_layout()
    row = chart.loc[latest]
    used = chart[chart.p.notna()]
    shown = " shown" if latest != chart.index[chart.denominator > 0][-1] else ""
    alt = (
        f"p chart of the share of strategy discussions fully compliant with Working Together each month from "
        f"{month_name(used.index[0])} to {month_name(latest)}, with the report window shaded. The mean is "
        f"{100 * row.pbar:.1f}%, and the process limits move with each month's number of discussions, from "
        f"{100 * used.lcl.min():.0f}% to {100 * used.ucl.max():.0f}% at their widest. The latest month{shown}, "
        f"{month_name(latest)}, is {100 * row.p:.1f}% of {number(row.denominator)} discussions: "
        f"{_kind_words(icon)}."
    )
    return Chart(fig, alt)


def p_chart_reading(ch: StrategyChapter, chart: pd.DataFrame | None) -> str:
    """What the Making Data Count rules say about the whole series and the window's months."""
    if chart is None and not len(ch.months):
        return (
            "The window ends before the first month of the series, so there is no control chart of monthly compliance."
        )
    if chart is None:
        return (
            f"Fewer than {MIN_SPC_MONTHS} months from {month_name(ch.months[0])} to {month_name(ch.months[-1])} "
            f"have any discussions, so there is no control chart of monthly compliance."
        )
    hidden = chart.attrs.get("hidden", [])
    not_drawn = (
        f" {count_of(len(hidden), 'month')} with 1 to 5 discussions, or 1 to 5 of them compliant, "
        f"{'is' if len(hidden) == 1 else 'are'} not drawn, so that no child can be identified; "
        f"the limits still use {'it' if len(hidden) == 1 else 'them'}."
        if hidden
        else ""
    )
    if chart.p.isna().all():
        return (
            f"No month from {month_name(ch.months[0])} to {month_name(ch.months[-1])} has 6 or more discussions "
            f"with 6 or more of them compliant (or none), so no month of the control chart can be shown."
        )
    used = chart[chart.p.notna()]
    kinds = spc.point_variation(used, POLARITY)
    latest = _latest_month(chart)
    row = chart.loc[latest]
    held = chart[chart.denominator > 0]  # every month with discussions, drawn or not
    text = (
        f"Over the {number(len(held))} months with discussions from {month_name(held.index[0])} to "
        f"{month_name(held.index[-1])}, {100 * row.pbar:.1f}% of discussions were compliant (the centre line). "
    )
    improving = kinds[kinds.str.startswith("improvement")].index
    concern = kinds[kinds.str.startswith("concern")].index
    if len(improving):
        text += (
            f"{number(len(improving))} months show special cause improvement, the first "
            f"{month_name(improving[0])} and the last {month_name(improving[-1])}. "
        )
    if len(concern):
        text += (
            f"{number(len(concern))} months show special cause concern, the first "
            f"{month_name(concern[0])} and the last {month_name(concern[-1])}. "
        )
    if len(improving) and len(concern) and concern[-1] < improving[0]:
        text += (
            "Low months early and high months late are the signature of a lasting rise in compliance "
            "rather than noise. "
        )
    if not len(improving) and not len(concern):
        text += "No month shows special cause variation: the series is common cause throughout. "
    in_window = used[(used.index.end_time >= ch.start) & (used.index.start_time <= ch.end)]
    if len(in_window):
        k = kinds.loc[in_window.index]
        better = int(k.str.startswith("improvement").sum())
        text += (
            f"In the window, {number(better)} of its {number(len(in_window))} months "
            f"{'is' if better == 1 else 'are'} special cause improvement"
            f"{': compliance is better than the series as a whole, not just noise' if better else ''}. "
        )
    shown = " shown" if latest != held.index[-1] else ""  # a later month may be hidden (1 to 5)
    text += (
        f"The latest month{shown}, {month_name(latest)}, is {100 * row.p:.1f}% of {number(row.denominator)} "
        f"discussions (limits {100 * row.lcl:.1f}% to {100 * row.ucl:.1f}%)."
    )
    if len(held) < RELIABLE_SPC_MONTHS:
        text += f" The limits rest on only {len(held)} months, so read them with caution."
    return text + not_drawn


# --------------------------------------------------------------------------------------
# Teams: a funnel plot
# --------------------------------------------------------------------------------------


def team_table(ch: StrategyChapter) -> pd.DataFrame:
    """Each team's compliance in the window, its funnel limits and where it sits.

    Empty when there are fewer than :data:`MIN_FUNNEL_TEAMS` teams or the overall rate is 0% or
    100% (no funnel can be drawn around it).
    """
    w = ch.window
    columns = ["Discussions", "Compliant", "Compliant (%)", "95% limits (%)", "99.8% limits (%)", "Position"]
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name="Team"))
    if ch.too_small or w.team.nunique() < MIN_FUNNEL_TEAMS or w.compliant.all() or not w.compliant.any():
        return empty
    # Teams with fewer than SMALL_TEAM discussions are pooled, so no chart or table shows a
    # team count from 1 to 5 (disclosure control); the pooled group is shown like a team.
    size = w.team.map(w.team.value_counts())
    teams = w.team.where(size >= SMALL_TEAM, OTHER_TEAMS)
    g = w.assign(team=teams).groupby("team").compliant.agg(["size", "sum"])
    p0 = w.compliant.mean()
    lim = funnel.limits(p0, g["size"].to_numpy(), FUNNEL_METHOD)
    t = pd.DataFrame(
        {
            "Discussions": g["size"].astype("int64"),
            "Compliant": g["sum"].astype("int64"),
            "Compliant (%)": (100 * g["sum"] / g["size"]).round(1),
            "95% limits (%)": [f"{100 * a:.1f}-{100 * b:.1f}" for a, b in zip(lim.lower_95, lim.upper_95)],
            "99.8% limits (%)": [f"{100 * a:.1f}-{100 * b:.1f}" for a, b in zip(lim.lower_998, lim.upper_998)],
            "Position": funnel.position(g["sum"], g["size"], p0, FUNNEL_METHOD).to_numpy(),
        },
        index=g.index,
    )
    t.index.name = "Team"
    # A pooled group still under SMALL_TEAM would show a count of 1-5: leave it off, and say so.
    hidden = t.index.isin([OTHER_TEAMS]) & (t.Discussions < SMALL_TEAM)
    t = t[~hidden].sort_values(["Compliant (%)", "Discussions"], ascending=[True, False])
    t.attrs["discussions_not_shown"] = int(g.loc[g.index.isin([OTHER_TEAMS]) & (g["size"] < SMALL_TEAM), "size"].sum())
    if len(t) < MIN_FUNNEL_TEAMS:  # pooling left too few groups (one pooled "team" is not a comparison)
        return empty
    # Every team holds 6 or more discussions; a team with 1 to 5 of them compliant shows neither the
    # count nor its share (on the chart either), though its position against the limits is shown.
    small = [share_hidden(k, n, ch.suppress) for k, n in zip(t.Compliant, t.Discussions)]
    out = suppression.hide_rows(t, small, ["Compliant", "Compliant (%)"], ch.suppress)
    out.attrs = dict(t.attrs)
    out.attrs["few_not_compliant"] = [
        team for team, k, n, hide in zip(t.index, t.Compliant, t.Discussions, small) if hide and k > n - k
    ]
    return out


def team_display(teams: pd.DataFrame) -> pd.DataFrame:
    """The team table for the page, without the compliant count (the percentage gives it), so it fits.

    Small teams are pooled, or left off, in :func:`team_table`, so no team count of 1 to 5 is shown.
    """
    return teams.drop(columns=["Compliant"])


def funnel_figure(ch: StrategyChapter, teams: pd.DataFrame):
    """Funnel plot of team compliance against number of discussions; (None, "") without teams."""
    if teams.empty:
        return NO_CHART
    w = ch.window
    p0 = w.compliant.mean()
    hidden_teams = list(teams.index[teams["Compliant (%)"].astype(object) == suppression.SUPPRESSED])
    teams = teams.drop(index=hidden_teams)  # a share from 1 to 5 compliant is not drawn
    teams = teams.astype({"Discussions": "int64", "Compliant (%)": "float64"})
    n_max = int(teams.Discussions.max())
    grid = np.arange(1, int(n_max * 1.15) + 2)
    lim = funnel.limits(p0, grid, FUNNEL_METHOD)
    fig, ax = style.subplots(figsize=(style.WIDTH, 5.6))
    ax.axhline(100 * p0, color=spc_plot.MEAN_COLOUR, linewidth=1.5, label=f"All teams ({100 * p0:.1f}%)")
    ax.plot(grid, 100 * lim.lower_95, color=style.GREY, linestyle="--", linewidth=1, label="95% limits")
    ax.plot(grid, 100 * lim.upper_95, color=style.GREY, linestyle="--", linewidth=1)
    ax.plot(grid, 100 * lim.lower_998, color=style.GREY, linestyle=":", linewidth=1.5, label="99.8% limits")
    ax.plot(grid, 100 * lim.upper_998, color=style.GREY, linestyle=":", linewidth=1.5)
    below = teams.Position.str.startswith("below")
    above = teams.Position.str.startswith("above")
    # Shape and colour both carry the meaning, as on the SPC charts.
    for mask, colour, marker, label in (
        (~below & ~above, style.COMMON_CAUSE, "o", "Within the 95% limits"),
        (below, style.CONCERN, "s", "Below the 95% limits"),
        (above, style.IMPROVEMENT, "^", "Above the 95% limits"),
    ):
        if mask.any():
            ax.plot(
                teams.Discussions[mask],
                teams["Compliant (%)"][mask],
                linestyle="none",
                marker=marker,
                markersize=9 if marker != "o" else 6,
                color=colour,
                markeredgecolor="white" if marker != "o" else colour,
                label=label,
                zorder=4,
            )
    for team, row in teams[below | above].iterrows():
        # Named beside its point, towards the middle of the chart, on a white ground so that a
        # limit line passing behind the name does not run through its letters.
        right = row.Discussions > grid[-1] / 2
        ax.annotate(
            chart_text(team),
            (row.Discussions, row["Compliant (%)"]),
            textcoords="offset points",
            xytext=(-9 if right else 9, 0),
            ha="right" if right else "left",
            va="center",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            zorder=5,
        )
    ax.set_xlim(0, grid[-1])
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_xlabel(f"Strategy discussions held by the team, {ch.label}")
    ax.set_xlabel(textwrap.fill(f"Strategy discussions held by the team, {ch.label}", 48))
    ax.set_ylabel("Fully compliant discussions (%)")
    outside = list(teams.index[below])
    ax.set_title(style.title(chart_text(_funnel_title(outside, list(teams.index[above])))), loc="left")
    style.legend_below(ax)
    fig.tight_layout()
    alt = (
        f"Funnel plot of {number(len(teams))} teams' compliance against the number of strategy discussions "
        f"they held from {ch.label}, around the overall rate of {100 * p0:.1f}%, with 95% and 99.8% "
        f"limits that narrow as the number grows. "
        + "; ".join(
            f"{t}: {row['Compliant (%)']:.1f}% of {number(row.Discussions)}, {row.Position}"
            for t, row in teams.iterrows()
        )
        + "."
        + (
            f" Not drawn, because 1 to 5 of their discussions were compliant, or 1 to 5 were not: "
            f"{', '.join(hidden_teams)}."
            if hidden_teams
            else ""
        )
    )
    return Chart(fig, alt)


def _funnel_title(below: list, above: list) -> str:
    if below:
        names = " and ".join(below) if len(below) <= 2 else f"{len(below)} teams"
        return f"{names} {'is' if len(below) == 1 else 'are'} below the funnel's lower limits"
    if above:
        return (
            "No team is below the limits; "
            + (" and ".join(above) if len(above) <= 2 else f"{len(above)} teams")
            + " above"
        )
    return "Every team is within the funnel's 95% limits"


def _team_share(team: str, row, teams: pd.DataFrame) -> str:
    """A team's compliance for a sentence, or the words for a share that is not shown."""
    if row["Compliant (%)"] == suppression.SUPPRESSED:
        return "all but 1 to 5 compliant" if team in teams.attrs.get("few_not_compliant", []) else "1 to 5 compliant"
    return f"{row['Compliant (%)']:.1f}%"


def funnel_sentence(ch: StrategyChapter, teams: pd.DataFrame) -> str:
    """The teams outside the limits, named, or why there is no funnel plot."""
    w = ch.window
    if w.empty:
        return NONE_IN_WINDOW
    if ch.too_small:
        return TOO_SMALL
    if teams.empty:
        if w.team.nunique() < MIN_FUNNEL_TEAMS:
            return "All the window's discussions were held by one team, so there is no comparison between teams."
        return "Every discussion in the window had the same outcome, so there is no funnel to compare teams against."
    parts = []
    for where, words in (
        ("below 99.8%", "below the 99.8% limit (very unlikely to be chance)"),
        ("below 95%", "below the 95% limit but within the 99.8% limit"),
        ("above 95%", "above the 95% limit"),
        ("above 99.8%", "above the 99.8% limit"),
    ):
        rows = teams[teams.Position == where]
        if len(rows):
            parts.append(
                "; ".join(
                    f"{escape(t)} ({_team_share(t, row, teams)} of {number(row.Discussions)})"
                    for t, row in rows.iterrows()
                )
                + f" {'is' if len(rows) == 1 else 'are'} {words}"
            )
    head = f"Against the overall {100 * w.compliant.mean():.1f}% for the window, "
    small = f' Teams with fewer than {SMALL_TEAM} discussions in the window are pooled as "{OTHER_TEAMS}"' + (
        ", and left off when the pool itself is that small, so that no count from 1 to 5 is shown."
        if teams.attrs.get("discussions_not_shown")
        else "."
    )
    if not parts:
        return head + (
            "every team is within the 95% limits: the differences between teams are what chance would give." + small
        )
    return head + ". ".join(parts) + ". The other teams are within the limits." + small


# --------------------------------------------------------------------------------------
# Time of day
# --------------------------------------------------------------------------------------


def time_of_day_table(ch: StrategyChapter) -> pd.DataFrame:
    """Compliance and health involvement in hours, out of hours and with the time unknown."""
    w = ch.window
    rows = {}
    for tod in TIMES if not ch.too_small else ():
        g = w[w.time_of_day == tod]
        if g.empty:
            continue
        n, k, h = len(g), int(g.compliant.sum()), int(g.health.sum())
        c_lo, c_hi = wilson_interval(k, n)
        h_lo, h_hi = wilson_interval(h, n)
        rows[tod] = {
            "Discussions": n,
            "Compliant": k,
            "Compliant (%)": 100 * k / n,
            "Compliant: 95% interval": f"{c_lo:.1f}-{c_hi:.1f}",
            "Health took part": h,
            "Health took part (%)": 100 * h / n,
            "Health: 95% interval": f"{h_lo:.1f}-{h_hi:.1f}",
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "Time of day"
    if t.empty:
        return t
    # Each column adds up to a figure published in the headline, so each gets secondary suppression.
    derived = {
        "Compliant (%)": ["Discussions", "Compliant"],
        "Compliant: 95% interval": ["Discussions", "Compliant"],
        "Health took part (%)": ["Discussions", "Health took part"],
        "Health: 95% interval": ["Discussions", "Health took part"],
    }
    return suppression.suppress(
        t,
        ["Discussions", "Compliant", "Health took part"],
        derived,
        enabled=ch.suppress,
        rows_add_up=False,
        parts_of={"Compliant": "Discussions", "Health took part": "Discussions"},
    )


def time_of_day_display(t: pd.DataFrame) -> pd.DataFrame:
    """The time-of-day table turned on its side for the page: three narrow columns instead of seven wide ones."""
    if t.empty:
        return t
    # Objects keep each count a whole number beside the percentages.
    shown = t.astype(object).T
    shown.index.name = "Measure"
    shown.columns.name = None
    return shown


def time_of_day_sentence(ch: StrategyChapter, t: pd.DataFrame) -> str:
    """Health's absence in hours against out of hours, and where the discussions without health were."""
    w = ch.window
    if w.empty:
        return NONE_IN_WINDOW
    if ch.too_small:
        return TOO_SMALL
    text = ""
    on = ch.suppress
    if sd.IN_HOURS in t.index and sd.OUT_OF_HOURS in t.index and suppression.has_hidden(t):
        text = (
            "Some of the counts by time of day are from 1 to 5, so the table shows them (and the shares "
            "computed from them) as c, and they are not compared here. "
        )
    elif sd.IN_HOURS in t.index and sd.OUT_OF_HOURS in t.index:
        i, o = t.loc[sd.IN_HOURS], t.loc[sd.OUT_OF_HOURS]
        text = (
            f"Health took part in {o['Health took part (%)']:.1f}% of the {number(o.Discussions)} discussions "
            f"held out of hours, against {i['Health took part (%)']:.1f}% of the {number(i.Discussions)} held in "
            f"hours; {o['Compliant (%)']:.1f}% of out-of-hours discussions were compliant against "
            f"{i['Compliant (%)']:.1f}% in hours. "
        )
    no_health = w[~w.health]
    # With cells hidden, where the discussions without health were held would give them back.
    if len(no_health) and not suppression.has_hidden(t):
        ooh = int((no_health.time_of_day == sd.OUT_OF_HOURS).sum())
        share_all = (w.time_of_day == sd.OUT_OF_HOURS).mean()
        share_missing = ooh / len(no_health)
        # "although" only for a real contrast: more of those without health out of hours than of all.
        joint = (
            f", although only {share_all:.0%} of all discussions were."
            if share_missing > share_all
            else f"; {share_all:.0%} of all discussions were."
        )
        n_ooh = int((w.time_of_day == sd.OUT_OF_HOURS).sum())
        small = share_hidden(ooh, len(no_health), on) or share_hidden(n_ooh, len(w), on)
        if not small:  # else the counts are 1 to 5 (or their shares would give them): not published
            text += (
                f"{number(ooh)} of the {count_of(len(no_health), 'discussion')} without health "
                f"{'was' if ooh == 1 else 'were'} out of hours ({share_missing:.0%}){joint}"
            )
    unknown = int((w.time_of_day == sd.TIME_UNKNOWN).sum())
    if unknown:
        one = unknown == 1 and not (
            on and suppression.is_small(unknown)
        )  # "1 discussion has", "1 to 5 discussions have"
        noun, verb = ("discussion", "has") if one else ("discussions", "have")
        text += f" {count_words(unknown, on)} {noun} {verb} no recorded time and {'is' if one else 'are'} counted in neither group."
    return text.strip()


@dataclass
class HealthModel:
    """A logistic regression of health taking part on out of hours, team and month."""

    table: pd.DataFrame  # odds ratios with 95% intervals, by term
    ooh: tuple  # odds ratio, low, high for out of hours
    n: int
    reference_team: str
    pooled: list  # teams pooled into OTHER_TEAMS


def health_model(ch: StrategyChapter) -> tuple[HealthModel | None, str]:
    """Fit the logistic regression on the window's discussions with a known time.

    Returns
    -------
    (HealthModel or None, str)
        The model, and when there is none the reason in words.
    """
    w = ch.window
    if w.empty:
        return None, ""  # the section's other sentences already say the window is empty
    if ch.too_small:
        return None, TOO_SMALL
    d = w[w.time_of_day != sd.TIME_UNKNOWN]
    if len(d) < MIN_MODEL_DISCUSSIONS:
        return None, (
            f"Only {count_words(len(d), ch.suppress)} discussions in the window have a recorded time; a regression needs "
            f"at least {MIN_MODEL_DISCUSSIONS}, so none was fitted."
        )
    if d.health.all() or not d.health.any() or d.time_of_day.nunique() < 2:
        return None, (
            "Health took part in every discussion, or in none, or all were at one time of day, "
            "so there is nothing for a regression to explain."
        )
    sizes = d.team.value_counts()
    pooled = sorted(sizes.index[sizes < MIN_MODEL_TEAM])
    frame = pd.DataFrame(
        {
            "health": d.health.astype(int).to_numpy(),
            "out_of_hours": (d.time_of_day == sd.OUT_OF_HOURS).astype(int).to_numpy(),
            "team": d.team.where(~d.team.isin(pooled), OTHER_TEAMS).astype(str).to_numpy(),
            # Months since the window began: one odds ratio per month, the direction of change.
            "month": (d.month - pd.Period(ch.start, "M")).map(lambda off: off.n).astype(int).to_numpy(),
        }
    )
    reference = frame.team.value_counts().sort_index().idxmax()
    predictors = ["out_of_hours"]
    if frame.team.nunique() > 1:
        predictors.append("team")
    if frame.month.nunique() > 1:
        predictors.append("month")
    try:
        fit = logistic_odds_ratios(frame, "health", predictors, references={"team": reference})
    except FitFailed as err:
        return None, (
            f"The regression could not be fitted reliably on this window ({err.cause}): "
            f"some group of discussions has health present in all or none."
        )
    table = fit.table.rename(
        columns={"odds_ratio": "Odds ratio", "low": "95% interval: low", "high": "95% interval: high"}
    )
    table.index = [_term_name(variable, level, reference) for variable, level in table.index]
    first = [t for t in ("Out of hours (vs in hours)", "Each month later in the window") if t in table.index]
    table = table.loc[first + [t for t in table.index if t not in first]]
    table.index.name = "Compared with"
    ooh = tuple(table.loc["Out of hours (vs in hours)"])
    return HealthModel(table, ooh, len(frame), reference, pooled), ""


def model_table(model: HealthModel | None) -> pd.DataFrame:
    """The regression's odds ratios with their 95% intervals (empty without a model)."""
    return pd.DataFrame() if model is None else model.table


def _term_name(variable: str, level: str, reference: str) -> str:
    if variable == "out_of_hours":
        return "Out of hours (vs in hours)"
    if variable == "month":
        return "Each month later in the window"
    return f"Team: {level} (vs {reference})"


def model_sentence(model: HealthModel | None, reason: str) -> str:
    """The out-of-hours odds ratio in plain English."""
    if model is None:
        return reason
    ratio, low, high = model.ooh
    pooled = (
        f" Teams with fewer than {MIN_MODEL_TEAM} discussions ({', '.join(escape(t) for t in model.pooled)}) are pooled."
        if model.pooled
        else ""
    )
    text = (
        f"A logistic regression of whether health took part, on the {number(model.n)} discussions with a "
        f"recorded time, allowing for team (compared with {escape(model.reference_team)}) and month: the odds of health "
        f"taking part out of hours were **{ratio:.2f} times** those in hours (95% interval {low:.2f} to "
        f"{high:.2f}).{pooled} "
    )
    if high < 1:
        text += (
            "Health was less likely to take part out of hours even within the same team and month, so the time "
            "of day explains part of health's absence, not only which teams hold out-of-hours discussions."
        )
    elif low > 1:
        text += "Health was more likely to take part out of hours, within the same team and month."
    else:
        text += (
            "The interval includes 1, so once team and month are allowed for, the data cannot show a "
            "difference between in hours and out of hours."
        )
    return text


# --------------------------------------------------------------------------------------
# Recorded reasons
# --------------------------------------------------------------------------------------


def reasons_table(ch: StrategyChapter, categories=sd.DEFAULT_REASON_CATEGORIES) -> pd.DataFrame:
    """Recorded reasons for the window's non-compliant discussions, by category and time of day.

    The recorded text is never shown: each reason is counted under the configured category it
    names (compared without regard to case or spacing), anything else as "other reason recorded",
    and an empty cell as "no reason recorded".

    Parameters
    ----------
    ch : StrategyChapter
    categories : sequence of str
        The configuration's ``reason_categories``.
    """
    non = ch.window[~ch.window.compliant]
    columns = ["Discussions", "Out of hours", "% of non-compliant"]
    if non.empty or ch.too_small:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="Recorded reason"))
    reason = sd.reason_category(non.non_compliance_reason, categories, OTHER_REASONS, NO_REASON)
    ooh = non.time_of_day == sd.OUT_OF_HOURS
    t = pd.DataFrame({"Discussions": reason.value_counts(), "Out of hours": reason[ooh].value_counts()}).fillna(0)
    t = t.astype("int64")
    # Categories largest first, then the other and the blank rows at the foot.
    order = [
        r
        for r in t.sort_index().sort_values("Discussions", ascending=False, kind="stable").index
        if r not in (OTHER_REASONS, NO_REASON)
    ] + [r for r in (OTHER_REASONS, NO_REASON) if r in t.index]
    t = t.loc[order]
    t["% of non-compliant"] = (100 * t.Discussions / len(non)).round(1)
    t.index.name = "Recorded reason"
    # Each column adds up to a total (the non-compliant discussions, those out of hours); the out
    # of hours count is part of its row's, not a share of it, so rows get no secondary suppression.
    return suppression.suppress(
        t,
        ["Discussions", "Out of hours"],
        {"% of non-compliant": ["Discussions"]},
        enabled=ch.suppress,
        rows_add_up=False,
    )


def reasons_sentence(ch: StrategyChapter, t: pd.DataFrame) -> str:
    """The commonest recorded reason and how many have none."""
    if ch.window.empty:
        return NONE_IN_WINDOW
    if ch.too_small:
        return TOO_SMALL
    if t.empty:
        return "Every discussion in the window was compliant, so there are no reasons to show."
    named = t.drop(index=[OTHER_REASONS, NO_REASON], errors="ignore")
    total = int((~ch.window.compliant).sum())
    blank = t.Discussions.get(NO_REASON, 0)
    if blank == suppression.SUPPRESSED:  # how many had a reason would give the hidden count
        text = f"The table shows the recorded reasons for the {number(total)} non-compliant discussions."
    else:
        text = (
            f"A reason was recorded for {number(total - int(blank))} of the {number(total)} non-compliant discussions."
        )
    if len(named) and named.Discussions.iloc[0] != suppression.SUPPRESSED:
        top = escape(named.index[0])
        row = named.iloc[0]
        ooh = row["Out of hours"]
        of_which = f", of which {number(ooh)} out of hours" if ooh != suppression.SUPPRESSED else ""
        text += f' The commonest is "{top}" ({number(row.Discussions)}{of_which}).'
    return text


# --------------------------------------------------------------------------------------
# What this means
# --------------------------------------------------------------------------------------


def what_this_means(
    ch: StrategyChapter, chart, teams: pd.DataFrame, model: HealthModel | None, reasons: pd.DataFrame
) -> str:
    """A short paragraph drawing the chapter's findings together, every number computed."""
    w = ch.window
    if w.empty:
        return _no_discussions(ch) + " Choose a window that holds discussions to see the analysis."
    if ch.too_small:
        return TOO_SMALL
    on = ch.suppress
    non = w[~w.compliant]
    if non.empty:
        return f"Every one of the {number(len(w))} discussions from {ch.label} was compliant with Working Together."
    missing = {name: int((~non[col]).sum()) for col, name in sd.AGENCIES.items()}
    driver = max(missing, key=missing.get)
    small = share_hidden(missing[driver], len(non), on)
    parts = [
        (
            f"Most non-compliance is about one agency: {driver}."
            if small
            else f"Most non-compliance is about one agency: {driver} was absent from {number(missing[driver])} of the "
            f"{number(len(non))} non-compliant discussions ({missing[driver] / len(non):.0%})."
        )
        if missing[driver] / len(non) > 0.5
        else (
            f"Non-compliance is spread across agencies: {driver} is the commonest absence."
            if small
            else f"Non-compliance is spread across agencies: {driver}, the commonest absence, accounts for "
            f"{number(missing[driver])} of {number(len(non))}."
        )
    ]
    # Shares by time of day are published only where the time-of-day table shows their counts.
    times_hidden = on and suppression.has_hidden(time_of_day_table(ch))
    known = w[w.time_of_day != sd.TIME_UNKNOWN]
    column = {name: col for col, name in sd.AGENCIES.items()}[driver]
    absent = ~known[column]
    in_h, out_h = absent[known.time_of_day == sd.IN_HOURS], absent[known.time_of_day == sd.OUT_OF_HOURS]
    hidden = (
        times_hidden or share_hidden(int(in_h.sum()), len(in_h), on) or share_hidden(int(out_h.sum()), len(out_h), on)
    )
    if len(in_h) and len(out_h) and not hidden:
        lo_o, _ = wilson_interval(int(out_h.sum()), len(out_h))
        _, hi_i = wilson_interval(int(in_h.sum()), len(in_h))
        if lo_o > hi_i:
            parts.append(
                f"It is concentrated out of hours: {driver} was missing from {out_h.mean():.0%} of "
                f"out-of-hours discussions against {in_h.mean():.0%} in hours, and the intervals do not "
                f"overlap."
            )
        else:
            parts.append(
                f"It is not clearly concentrated out of hours ({out_h.mean():.0%} of out-of-hours "
                f"discussions against {in_h.mean():.0%} in hours)."
            )
    if model is not None and driver == "health":
        ratio, low, high = model.ooh
        if high < 1:
            no_health = w[~w.health]
            ooh = int((no_health.time_of_day == sd.OUT_OF_HOURS).sum())
            parts.append(
                f"The regression shows this is not only about which teams work out of hours (odds ratio "
                f"{ratio:.2f}, 95% interval {low:.2f} to {high:.2f}). Health cover for out-of-hours "
                f"discussions is one place the gap could close"
                + (
                    f": {number(ooh)} of the {number(len(no_health))} discussions without health were held out of hours."
                    if not (times_hidden or share_hidden(ooh, len(no_health), on))
                    else "."
                )
            )
    below = list(teams.index[teams.Position.str.startswith("below")]) if not teams.empty else []
    if below:
        parts.append(
            f"{' and '.join(escape(b) for b in below) if len(below) <= 3 else f'{len(below)} teams'} "
            f"{'is' if len(below) == 1 else 'are'} below the funnel limits and would repay a closer look."
        )
    if chart is not None:
        used = chart[chart.p.notna()]
        in_window = used[(used.index.end_time >= ch.start) & (used.index.start_time <= ch.end)]
        kinds = spc.point_variation(in_window, POLARITY) if len(in_window) else pd.Series(dtype="str")
        if len(kinds) and kinds.str.startswith("improvement").any():
            parts.append(
                "The monthly chart shows special cause improvement in the window: the rise in compliance "
                "is real, not noise."
            )
        elif len(kinds):
            parts.append(
                "The monthly chart shows no special cause improvement in the window, so the data do not "
                "yet show compliance rising beyond its usual variation."
            )
    recorded = reasons.drop(index=[OTHER_REASONS, NO_REASON], errors="ignore") if not reasons.empty else reasons
    if len(recorded):
        parts.append(f'The commonest recorded reason is "{escape(recorded.index[0])}".')
    return " ".join(parts)


def answer(ch: StrategyChapter, chart: pd.DataFrame | None) -> str:
    """The page's opening answer: compliance in the window, its trend (the p chart below), and the
    agency most often missing."""
    return answers.opening(answers.strategy_answer(ch.discussions, ch.start, ch.end, chart, ch.suppress))
