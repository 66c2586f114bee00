"""The missing episodes chapter: from home and from care, side by side.

Each function returns what one part of ``notebooks/missing_episodes.ipynb`` shows: a table, a
chart with its alt text, or sentences whose numbers are all computed here. Definitions are the
data contract's (``missing_episodes``); the extensions (censoring, repeats, follow-up) are
there too, so tests pin them once. No child or episode identifier leaves this module: every
output is a count, a share or a summary statistic.
"""

import math
import textwrap
from dataclasses import dataclass, replace

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name
from improvement_report.inputs import coverage, published
from improvement_report.measures import missing_episodes as me
from improvement_report.render import answers, style
from improvement_report.render import spc_charts as spc_plot
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.spc_words import (  # the same Making Data Count reading as the CAF chapter
    MIN_SPC_POINTS,
    spc_reading,
)
from improvement_report.render.suppression import (
    SHARE_HIDDEN_WORDS,
    SMALL_WORDS,
    SUPPRESSED,
    count_words,
    is_small,
    published_p_chart,
    published_points,
    share_hidden,
    suppress,
)
from improvement_report.render.wording import count_of, number, percent
from improvement_report.stats import spc
from improvement_report.stats.count_models import GroupRateRatio, group_rate_ratio
from improvement_report.stats.proportions import wilson_interval
from improvement_report.stats.survival import KaplanMeier, LogRank, kaplan_meier, log_rank

GROUPS = ("home", "care")
_PLURAL = {"child": "children", "episode": "episodes"}
LABEL = {"home": "From home", "care": "From care"}
COLOUR = {"home": style.DARK_BLUE, "care": style.TURQUOISE}
MARKER = {"home": "o", "care": "s"}
# Duration bands: under 24 hours; 24 to 72 hours inclusive ("1 to 3 days"); over 72 hours.
BANDS = ("Under 24 hours", "1 to 3 days", "Over 3 days")
PER_CHILD_BANDS = ("1 episode", "2 to 4 episodes", "5 or more episodes")
TOP_SHARE = 0.10  # the most frequent tenth of children
FOLLOW_UP = pd.Timedelta(days=90)  # RHI association: repeat episodes in the 90 days after return
KM_HORIZON_HOURS = 14 * 24  # Kaplan-Meier curves drawn to 14 days: later returns are rare
MIN_MODEL_CHILDREN = 5  # per group, for the negative binomial model


@dataclass
class MissingChapter:
    """The validated episodes and the periods the chapter looks at.

    ``series`` holds episodes starting from ``series_start`` to the end of the window (trends);
    ``window`` those starting in the window (headline); ``year`` those starting in the 12
    months to the end of the window (frequency, bands, repeats: a year, as DfE counts).
    """

    episodes: pd.DataFrame
    as_at: pd.Timestamp | None
    start: pd.Timestamp
    end: pd.Timestamp
    series_start: pd.Timestamp
    series: pd.DataFrame
    window: pd.DataFrame
    year: pd.DataFrame
    gap: str | None = None  # the sentence naming days asked for that have no data
    year_floor: pd.Timestamp | None = None  # first day covered: "the year" never reaches before it
    suppress: bool = True  # counts of 1 to 5, and values computed from them, are not published

    @property
    def year_start(self) -> pd.Timestamp:
        """First day of the 12 months to the window end, or of the coverage if that is later."""
        full = self.end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        return full if self.year_floor is None else max(full, self.year_floor)

    @property
    def months(self) -> pd.PeriodIndex:
        if self.series_start > self.end:
            return pd.PeriodIndex([], freq="M", name="month")
        return pd.period_range(self.series_start.to_period("M"), self.end.to_period("M"), freq="M", name="month")


def load(
    data_dir, window_start, window_end, series_start, extract_date=None, suppress_small: bool = True
) -> MissingChapter:
    """Read ``missing_episodes.csv`` as it stood on the extract date and cut the series, the window
    and the year to the window end (and to the days the extract covers; ``gap`` says what was cut).

    ``suppress_small`` (the edition's ``disclosure: suppress_small_numbers``): counts from 1 to 5,
    and every share, median or limit computed from one, are not published."""
    episodes, cover = coverage.load_cut(resolve(data_dir), "missing", extract_date)
    start, end, gap = coverage.clamp_window(cover, window_start, window_end, "the window")
    first = coverage.clamp_series_start(cover, series_start)
    # Episodes still open on the extract date are censored at its end, when the extract was taken.
    as_at = None if extract_date is None else pd.Timestamp(extract_date).normalize() + pd.Timedelta(days=1)
    chapter = load_frames(episodes, start, end, first, as_at=as_at, year_floor=cover.first_day)
    chapter.gap = gap
    chapter.suppress = suppress_small
    return chapter


def coverage_note(ch: "MissingChapter") -> str | None:
    """The page's note on days asked for that have no data (None when every day has data)."""
    return ch.gap


def load_frames(
    episodes: pd.DataFrame,
    window_start,
    window_end,
    series_start,
    as_at=None,
    year_floor=None,
    suppress_small: bool = True,
) -> MissingChapter:
    """The chapter's periods cut from already validated episodes (see :func:`load`).

    ``year_floor``: the first day the extract covers; the 12 months to the window end never
    reach before it (a year that would is cut short and labelled by its dates).
    """
    start, end = pd.Timestamp(window_start), pd.Timestamp(window_end)
    first = pd.Period(series_start, "M").start_time
    year_start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    if year_floor is not None:
        year_start = max(year_start, pd.Timestamp(year_floor))
    return MissingChapter(
        episodes=episodes,
        as_at=me.extract_time(episodes) if as_at is None else as_at,
        start=start,
        end=end,
        series_start=first,
        series=me.in_window(episodes, first, end),
        window=me.in_window(episodes, start, end),
        year=me.in_window(episodes, year_start, end),
        year_floor=None if year_floor is None else pd.Timestamp(year_floor),
        suppress=suppress_small,
    )


def group(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Episodes missing from home (``"home"``) or from care (``"care"``)."""
    return df[df.looked_after == me.GROUPS[name]]


# Shown by display.figure in place of a chart there are too few data to draw.
NO_CHART_NOTE = "*No chart for this period: there are too few data, as the text below explains.*"


def day(ts) -> str:
    """``1 September YYYY``."""
    return f"{ts.day} {ts.strftime('%B %Y')}"


def window_words(ch: MissingChapter) -> str:
    return f"{day(ch.start)} to {day(ch.end)}"


def year_words(ch: MissingChapter) -> str:
    return f"the 12 months to {day(ch.end)}"


def year_heading(ch: MissingChapter) -> str:
    return f"The 12 months to {day(ch.end)}"


def flat(t: pd.DataFrame) -> pd.DataFrame:
    """A (period, group) table with the group as a column, home before care, for display and download."""
    if t.empty:
        return t
    order = {LABEL[g]: i for i, g in enumerate(GROUPS)}
    t = t.reset_index(level="Group")
    t = t.assign(_o=t.Group.map(order)).sort_values([t.index.name, "_o"], kind="stable").drop(columns="_o")
    return t.drop(columns=[c for c in t.columns if c.startswith("_")])


def financial_year(ts: pd.Series) -> pd.Series:
    """``"YYYY-YY"``: DfE's year from April to the next March that a date falls in, by its two calendar years."""
    first = ts.dt.year - (ts.dt.month < 4).astype(int)
    return first.astype(str) + "-" + ((first + 1) % 100).astype(str).str.zfill(2)


def _interval_text(k: int, n: int, on: bool = False) -> str:
    """``41.2% (37.0% to 45.5%)`` with the Wilson 95% interval; a dash when ``n`` is 0; ``c`` when
    ``on`` and the count, the total or the rest is 1 to 5."""
    if share_hidden(k, n, on):
        return SUPPRESSED
    ci = wilson_interval(k, n)
    return "-" if ci is None else f"{100 * k / n:.1f}% ({ci[0]:.1f}% to {ci[1]:.1f}%)"


def _share(k, n, on: bool = False):
    """A percentage to 1 place; None without a total; ``c`` when ``on`` and it would disclose 1 to 5."""
    if share_hidden(k, n, on):
        return SUPPRESSED
    return None if not n else round(100 * k / n, 1)


def _pct_words(value) -> str:
    """A percentage for a sentence, or the words for one that is not shown."""
    return f"a share not shown ({SHARE_HIDDEN_WORDS.split(': ')[1]})" if value == SUPPRESSED else percent(value)


def _hide_lone_band(t: pd.DataFrame, rows: list) -> pd.DataFrame:
    """Bands that add up to 100%: where one is hidden in a column, hide the next smallest too."""
    for col in t.columns:
        values = t.loc[rows, col]
        hidden = values == SUPPRESSED
        if hidden.sum() == 1:
            shown = pd.to_numeric(values[~hidden], errors="coerce")
            shown = shown[shown > 0]
            if len(shown):
                t.loc[shown.idxmin(), col] = SUPPRESSED
    return t


def _grouped(t: pd.DataFrame, counts: list, derived: dict, on: bool) -> pd.DataFrame:
    """A table with groups as columns and measures as rows, small counts hidden in it.

    ``counts``: rows that are counts; ``derived``: row -> the count rows it is computed from.
    Home and care are not parts of a published whole, so only primary suppression applies.
    """
    if not on or t.empty:
        return t
    out = t.astype(object).copy()
    for col in out.columns:
        for row in counts:
            if row in out.index and is_small(out.loc[row, col]):
                out.loc[row, col] = SUPPRESSED
        for row, sources in derived.items():
            if row in out.index and any(out.loc[src, col] == SUPPRESSED for src in sources if src in out.index):
                out.loc[row, col] = SUPPRESSED
    return out


def _long(t: pd.DataFrame, counts: list, derived: dict, on: bool) -> pd.DataFrame:
    """A table with one row per period and group, small counts and what is computed from them hidden."""
    if not on or t.empty:
        return t
    return suppress(t, counts, derived, rows_add_up=False, secondary=False)


# --------------------------------------------------------------------------------------
# Headline for the window
# --------------------------------------------------------------------------------------


def still_missing_children(ch: MissingChapter) -> dict:
    """How many children were still missing at the end of the window, by group (a count only)."""
    moment = ch.end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if ch.as_at is not None:
        moment = min(moment, ch.as_at)  # nothing is known after the extract
    open_ = ch.episodes[me.still_missing_at(ch.episodes, moment)]
    return {g: int(group(open_, g).child_id.nunique()) for g in GROUPS}


def headline_table(ch: MissingChapter) -> pd.DataFrame:
    """The contract's headline figures for the window, home and care side by side."""
    fig = me.headline(ch.episodes, ch.start, ch.end)
    still = still_missing_children(ch)
    rows = {}
    for g in GROUPS:
        w = group(ch.window, g)
        returned = w[w.end.notna()]
        within = int(me.rhi_within_72h(returned).sum())
        rows[LABEL[g]] = {
            "Episodes": fig[g]["episodes"],
            "Children": fig[g]["children"],
            "Episodes per child": fig[g]["episodes_per_child"],
            "Median hours missing (returned)": fig[g]["median_duration_hours"],
            "Returned episodes": len(returned),
            "Return interview within 72 hours (%)": _share(within, len(returned), ch.suppress),
            "Children still missing at the end of the window": still[g],
        }
    t = pd.DataFrame.from_dict(rows, orient="index").astype(object).T
    t.index.name = f"{window_words(ch)}"
    counts = ["Episodes", "Children", "Returned episodes", "Children still missing at the end of the window"]
    derived = {
        "Episodes per child": ["Episodes", "Children"],
        "Median hours missing (returned)": ["Returned episodes"],
        "Return interview within 72 hours (%)": ["Returned episodes"],
    }
    return _grouped(t, counts, derived, ch.suppress)


# The contract's rounding: episodes per child to 2 places, hours to 1 (headline_table rows).
HEADLINE_ROW_FORMATS = {"Episodes per child": "{:.2f}", "Median hours missing (returned)": "{:.1f}"}


def headline(ch: MissingChapter) -> str:
    """The chapter's opening sentences for the window."""
    fig = me.headline(ch.episodes, ch.start, ch.end)
    home, care = fig["home"], fig["care"]
    if not home["episodes"] and not care["episodes"]:
        return (
            f"No missing episodes started from {window_words(ch)}, so this chapter has no figures for the "
            f"window; the sections below say what each needs."
        )
    on = ch.suppress

    def counted(n, word):
        return f"{SMALL_WORDS} {_PLURAL[word]}" if on and is_small(n) else count_of(n, word)

    text = (
        f"From {window_words(ch)}, **{counted(home['children'], 'child')}** went missing from home "
        f"({counted(home['episodes'], 'episode')}) and **{counted(care['children'], 'child')}** from care "
        f"({counted(care['episodes'], 'episode')})."
    )
    small = on and any(is_small(v) for v in (home["children"], home["episodes"], care["children"], care["episodes"]))
    if home["episodes_per_child"] and care["episodes_per_child"] and not small:
        more = "more" if care["episodes_per_child"] > home["episodes_per_child"] else "less"
        text += (
            f" A child missing from care went missing {more} often: {care['episodes_per_child']:.2f} episodes "
            f"each, against {home['episodes_per_child']:.2f} for a child missing from home."
        )
    returned = len(ch.window[ch.window.end.notna()])
    within = int(me.rhi_within_72h(ch.window[ch.window.end.notna()]).sum())
    if fig["rhi_within_72h_pct"] is not None and not share_hidden(within, returned, on):
        text += f" A return home interview was held within 72 hours of {percent(fig['rhi_within_72h_pct'])} of the window's returns."
    still = still_missing_children(ch)
    text += (
        f" At the end of the window {counted(still['home'], 'child')} {'was' if still['home'] == 1 else 'were'} "
        f"still missing from home and {count_words(still['care'], on)} from care."
    )
    return text


# --------------------------------------------------------------------------------------
# Volumes by month and quarter, with SPC
# --------------------------------------------------------------------------------------


def counts_by(ch: MissingChapter, freq: str) -> pd.DataFrame:
    """Episodes, distinct children and episodes per child per month (``"M"``) or quarter (``"Q"``)."""
    periods = ch.months if freq == "M" else pd.PeriodIndex(sorted(set(ch.months.asfreq("Q"))), freq="Q")
    cols = {}
    for g in GROUPS:
        s = group(ch.series, g)
        key = s.start.dt.to_period(freq)
        cols[f"Episodes {g}"] = s.groupby(key).size().reindex(periods, fill_value=0)
        cols[f"Children {g}"] = s.groupby(key).child_id.nunique().reindex(periods, fill_value=0)
    t = pd.DataFrame(cols, index=periods).astype(int)
    for g in GROUPS:
        # Unrounded: the table rounds it once, where it is shown.
        t[f"Episodes per child {g}"] = t[f"Episodes {g}"] / t[f"Children {g}"].where(t[f"Children {g}"] > 0)
    t.index = t.index.strftime("%Y-%m" if freq == "M" else "%Y Q%q")
    t.index.name = "Month" if freq == "M" else "Quarter"
    return t


def published_counts(ch: MissingChapter, freq: str) -> pd.DataFrame:
    """:func:`counts_by` as published: counts from 1 to 5, and episodes per child from them, shown as ``c``.

    Months are not parts of a published whole here, so only primary suppression applies.
    """
    t = counts_by(ch, freq)
    counts = [f"{m} {g}" for m in ("Episodes", "Children") for g in GROUPS]
    derived = {f"Episodes per child {g}": [f"Episodes {g}", f"Children {g}"] for g in GROUPS}
    return _long(t, counts, derived, ch.suppress)


def quarter_table(ch: MissingChapter) -> pd.DataFrame:
    """Quarterly episodes, children and episodes per child, home and care side by side."""
    t = published_counts(ch, "Q")
    return t.rename(columns=lambda c: c.replace(" home", " (home)").replace(" care", " (care)"))


def spc_chart(ch: MissingChapter, measure: str, baseline_start=None, baseline_end=None):
    """XmR charts of monthly episodes or children, home above care.

    ``baseline_start`` and ``baseline_end`` (``YYYY-MM``; None for the first or the latest month) fix
    the limits as the theme pages fix them, so a measure has the same limits on both pages; counts
    have no limit below zero.

    Returns
    -------
    fig, alt, results
        ``results`` maps each group to its XmR (None when there are too few months); fig is
        None when neither group can be charted.
    """
    monthly = counts_by(ch, "M")
    what = {"Episodes": "Missing episodes", "Children": "Children missing"}[measure]
    results = {}
    start = None if baseline_start in (None, "") else pd.Period(str(baseline_start), "M").to_timestamp()
    end = None if baseline_end in (None, "") else pd.Period(str(baseline_end), "M").to_timestamp()
    for g in GROUPS:
        series = monthly[f"{measure} {g}"].astype(float)
        series.index = pd.PeriodIndex(series.index, freq="M").to_timestamp()
        fixed = (start, end) if len(series.loc[start:end]) >= MIN_SPC_POINTS else (None, None)
        results[g] = (
            spc.xmr(series, baseline_start=fixed[0], baseline_end=fixed[1], floor=0)
            if len(series) >= MIN_SPC_POINTS
            else None
        )
    if all(r is None for r in results.values()):
        return Chart(None, "", results)
    fig, axes = style.subplots(2, 1, figsize=(style.WIDTH, 10), sharex=True)
    alts = []
    for ax, g in zip(axes, GROUPS):
        r = results[g]
        latest = r.data.value.iloc[-1]
        icon = spc.variation_icon(r, "neutral")
        reading = "common cause variation" if icon == "common_cause" else "special cause variation"
        # A month of 1 to 5 is not drawn (the limits still use it) and not named.
        shown = replace(r, data=r.data.assign(value=published_points(r.data.value, r.data.value, enabled=ch.suppress)))
        spc_plot.plot_spc(
            shown,
            ax,
            title=f"{what} {LABEL[g].lower()}: {count_words(latest, ch.suppress)} in "
            f"{month_name(r.data.index[-1])}, {reading}",
            ylabel=f"{measure} in the month",
            polarity="neutral",
        )
        alt = spc_plot.describe_xmr(r, "neutral", f"{what} {LABEL[g].lower()}")
        if ch.suppress and is_small(latest):
            alt = alt.replace(f"The latest value, {number(latest)} in", f"The latest value, {SMALL_WORDS}, in")
        hidden = int(r.data.value.between(1, 5).sum()) if ch.suppress else 0
        if hidden:
            alt += f" {count_of(hidden, 'month')} of 1 to 5 {'is' if hidden == 1 else 'are'} not drawn."
        alts.append(alt)
    fig.tight_layout()
    return Chart(fig, " ".join(alts), results)


def spc_sentences(results: dict, what: str, suppress: bool = True) -> str:
    """The Making Data Count reading of each group's chart; a latest month of 1 to 5 is not named."""
    parts = []
    for g in GROUPS:
        text = spc_reading(results[g], f"{what} {LABEL[g].lower()}")
        r = results[g]
        if suppress and r is not None and is_small(r.data.value.iloc[-1]):
            text = text.replace(
                f"The latest value, {number(r.data.value.iloc[-1])},", f"The latest value, {SMALL_WORDS},"
            )
        parts.append(f"**{LABEL[g]}.** " + text)
    return " ".join(parts)


# --------------------------------------------------------------------------------------
# Frequency: episodes per child
# --------------------------------------------------------------------------------------


def episodes_per_child(df: pd.DataFrame) -> pd.Series:
    """Episodes of each child in ``df`` (a count per child; the index is never shown)."""
    return df.groupby("child_id").size()


def top_share(counts: pd.Series, share: float = TOP_SHARE) -> float | None:
    """Share of all episodes that belong to the most frequent ``share`` of children.

    The top group is ``ceil(share * children)`` children, so with fewer than ten children it
    is the single most frequent child. Ties do not matter: the sum of the largest counts is
    the same whichever tied child is taken.
    """
    if counts.empty:
        return None
    k = math.ceil(share * len(counts))
    return float(counts.sort_values(ascending=False).iloc[:k].sum() / counts.sum())


def per_child_band(counts: pd.Series) -> pd.Series:
    """Children with 1, 2 to 4, and 5 or more episodes."""
    bands = pd.cut(counts, [0, 1, 4, np.inf], labels=list(PER_CHILD_BANDS))
    return bands.value_counts().reindex(list(PER_CHILD_BANDS), fill_value=0)


def frequency_table(ch: MissingChapter) -> pd.DataFrame:
    """Episodes per child, its distribution and the top 10% share, over the 12 months (empty if none)."""
    if ch.year.empty:
        return pd.DataFrame()
    rows = {}
    for g in GROUPS:
        counts = episodes_per_child(group(ch.year, g))
        n = len(counts)
        bands = per_child_band(counts)
        top = top_share(counts)
        row = {
            "Children": n,
            "Episodes": int(counts.sum()),
            # Unrounded: rounded once, where it is shown (a 5.447 rounded to 5.45 first would show as 5.5).
            "Episodes per child": counts.sum() / n if n else None,
        }
        for band, k in bands.items():
            row[f"Children with {band} (%)"] = _share(int(k), n, ch.suppress)
        row["Share of episodes from the most frequent 10% of children (%)"] = (
            None if top is None else round(100 * top, 1)
        )
        rows[LABEL[g]] = row
    t = pd.DataFrame.from_dict(rows, orient="index").astype(object).T
    t.index.name = year_heading(ch)
    t = _hide_lone_band(t, [f"Children with {b} (%)" for b in PER_CHILD_BANDS]) if ch.suppress else t
    top = "Share of episodes from the most frequent 10% of children (%)"
    return _grouped(
        t, ["Children", "Episodes"], {"Episodes per child": ["Children", "Episodes"], top: ["Children"]}, ch.suppress
    )


def frequency_model(ch: MissingChapter) -> GroupRateRatio | None:
    """Episodes per child, care against home, over the 12 months (zero-truncated negative binomial).

    Only children who went missing are in the data, so no count is zero: the model is the
    negative binomial conditioned on at least one episode. None without a model.
    """
    home, care = (episodes_per_child(group(ch.year, g)) for g in GROUPS)
    return group_rate_ratio(home, care, min_per_group=MIN_MODEL_CHILDREN, zero_truncated=True)


def frequency_sentence(ch: MissingChapter, model: GroupRateRatio | None, t: pd.DataFrame) -> str:
    """What the distribution and the model say about how often children go missing."""
    if t.empty:
        return f"No child went missing in {year_words(ch)}, so there is nothing to compare."
    home, care = t[LABEL["home"]], t[LABEL["care"]]
    text = ""
    for g, col in (("home", home), ("care", care)):
        if col["Children"] == SUPPRESSED:
            text += f"{LABEL[g]}: {SMALL_WORDS} children, too few to describe without risk of identifying them. "
        elif col["Children"]:
            per_child = col["Episodes per child"]
            each = "" if per_child == SUPPRESSED else f", {per_child:.2f} episodes each"
            text += (
                f"{LABEL[g]}: {number(col['Children'])} children{each}; "
                f"{_pct_words(col['Children with 1 episode (%)'])} went missing once and "
                f"{_pct_words(col['Children with 5 or more episodes (%)'])} five times or more, and the most "
                f"frequent tenth of children account for "
                f"{_pct_words(col['Share of episodes from the most frequent 10% of children (%)'])} of episodes. "
            )
    if model is None:
        return text + (
            f"No model comparing how often children go missing was fitted: it needs at least "
            f"{MIN_MODEL_CHILDREN} children in each group and counts that vary enough to estimate the "
            f"over-dispersion."
        )
    direction = "more" if model.rate_ratio > 1 else "fewer"
    sure = (
        "The interval excludes 1, so the difference is unlikely to be chance."
        if model.low > 1 or model.high < 1
        else "The interval includes 1, so the difference may be chance."
    )
    return text + (
        f"Allowing for the uneven spread and for only children who went missing being counted (a zero-truncated "
        f"negative binomial model; over-dispersion {model.alpha:.2f}), children missing from care went missing at "
        f"**{model.rate_ratio:.2f} times** the rate of children missing from home "
        f"(95% interval {model.low:.2f} to {model.high:.2f}): {direction} episodes per child. {sure}"
    )


def model_table(model: GroupRateRatio | None) -> pd.DataFrame:
    """The rate ratio and the over-dispersion with 95% intervals (empty without a model)."""
    if model is None:
        return pd.DataFrame()
    t = pd.DataFrame(
        [[model.rate_ratio, model.low, model.high], [model.alpha, model.alpha_low, model.alpha_high]],
        index=["Rate ratio: episodes per child, care against home", "Over-dispersion (alpha)"],
        columns=["Estimate", "95% interval: low", "95% interval: high"],
    )
    t.index.name = "Zero-truncated negative binomial model" if model.zero_truncated else "Negative binomial model"
    return t


def frequency_chart(ch: MissingChapter):
    """Share of children with 1, 2-4 and 5+ episodes, home and care side by side."""
    t = frequency_table(ch)
    if t.empty:
        return NO_CHART
    # The distribution of episodes per child as seaborn's grouped bars; care's bars hatched too, so
    # the groups differ by more than colour. A share that is not shown (c) is not drawn: no bar, and
    # "c" where its label would be.
    shares = pd.DataFrame(
        [
            {"band": b, "group": LABEL[g], "shown": t.loc[f"Children with {b} (%)", LABEL[g]]}
            for g in GROUPS
            for b in PER_CHILD_BANDS
        ]
    )
    shares["share"] = [np.nan if v == SUPPRESSED else float(v or 0) for v in shares.shown]
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.8))
    sns.barplot(
        data=shares.fillna({"share": 0}),
        x="band",
        y="share",
        hue="group",
        order=list(PER_CHILD_BANDS),
        hue_order=[LABEL[g] for g in GROUPS],
        palette=[COLOUR[g] for g in GROUPS],
        edgecolor="white",
        ax=ax,
    )
    for container, hatch, g in zip(ax.containers, ("", "//"), GROUPS):
        for bar in container:
            bar.set_hatch(hatch)
        values = shares[shares.group == LABEL[g]].set_index("band").share.reindex(list(PER_CHILD_BANDS))
        ax.bar_label(container, labels=[SUPPRESSED if np.isnan(v) else f"{v:.0f}%" for v in values])
    ax.set_xlabel("Episodes in the 12 months")
    ax.set_ylabel("Children who went missing (%)")
    ax.set_ylim(0, max(100, float(np.nanmax(shares.share.fillna(0))) * 1.15))
    style.legend_below(ax)
    home5, care5 = (t.loc["Children with 5 or more episodes (%)", LABEL[g]] or 0 for g in GROUPS)
    if SUPPRESSED in (home5, care5):
        ax.set_title(style.title("Children by number of missing episodes (c: not shown, from a count of 1 to 5)"))
    else:
        ax.set_title(
            style.title(
                f"{care5:.0f}% of children missing from care went missing 5 times or more, {home5:.0f}% from home"
            )
        )
    fig.tight_layout()

    def shown_pct(v) -> str:
        return "not shown (c)" if v == SUPPRESSED else f"{v or 0:.0f}%"

    alt = f"Bar chart of children who went missing in {year_words(ch)} by number of episodes. " + " ".join(
        f"{LABEL[g]}: "
        + ", ".join(f"{b} {shown_pct(t.loc[f'Children with {b} (%)', LABEL[g]])}" for b in PER_CHILD_BANDS)
        + "."
        for g in GROUPS
    )
    return Chart(fig, alt)


# --------------------------------------------------------------------------------------
# Duration
# --------------------------------------------------------------------------------------


def duration_band(hours: pd.Series) -> pd.Series:
    """Under 24 hours; 1 to 3 days (24 to 72 hours, both included); over 3 days. Missing stays missing."""
    out = pd.Series(pd.NA, index=hours.index, dtype="object")
    out[hours < 24] = BANDS[0]
    out[(hours >= 24) & (hours <= 72)] = BANDS[1]
    out[hours > 72] = BANDS[2]
    return out


def band_table(ch: MissingChapter) -> pd.DataFrame:
    """Returned episodes by duration band over the 12 months, and those still open, by group (empty if none)."""
    if ch.year.empty:
        return pd.DataFrame()
    rows = {}
    for g in GROUPS:
        y = group(ch.year, g)
        bands = duration_band(me.duration_hours(y)).value_counts().reindex(list(BANDS), fill_value=0)
        n = int(bands.sum())
        row = {"Returned episodes": n}
        for b, k in bands.items():
            row[f"{b} (%)"] = _share(int(k), n, ch.suppress)
        row["Still missing at the extract"] = int(y.end.isna().sum())
        rows[LABEL[g]] = row
    t = pd.DataFrame.from_dict(rows, orient="index").astype(object).T
    t.index.name = year_heading(ch)
    t = _hide_lone_band(t, [f"{b} (%)" for b in BANDS]) if ch.suppress else t
    return _grouped(t, ["Returned episodes", "Still missing at the extract"], {}, ch.suppress)


def duration_by_quarter(ch: MissingChapter) -> pd.DataFrame:
    """Median and quartiles of hours missing for returned episodes, by quarter and group."""
    rows = []
    for g in GROUPS:
        s = group(ch.series, g)
        hours = me.duration_hours(s)
        for q, h in hours.groupby(s.start.dt.to_period("Q")):
            done = h.dropna()
            rows.append(
                {
                    "Quarter": q.strftime("%Y Q%q"),
                    "Group": LABEL[g],
                    "Returned episodes": len(done),
                    "Still missing at the extract": int(h.isna().sum()),
                    "Median hours": round(done.median(), 1) if len(done) else None,
                    "Lower quartile (hours)": round(done.quantile(0.25), 1) if len(done) else None,
                    "Upper quartile (hours)": round(done.quantile(0.75), 1) if len(done) else None,
                }
            )
    if not rows:
        return pd.DataFrame()
    t = pd.DataFrame(rows).set_index(["Quarter", "Group"]).sort_index()
    quartiles = ["Returned episodes"]
    derived = {c: quartiles for c in ("Median hours", "Lower quartile (hours)", "Upper quartile (hours)")}
    return _long(t, ["Returned episodes", "Still missing at the extract"], derived, ch.suppress)


def duration_chart(ch: MissingChapter):
    """Median hours missing by quarter with the middle half shaded, home and care side by side."""
    t = duration_by_quarter(ch)
    if t.empty:
        return NO_CHART
    fig, axes = style.subplots(2, 1, figsize=(style.WIDTH, 9), sharex=True, sharey=True)
    parts, changes = [], {}
    for ax, g in zip(axes, GROUPS):
        d = t.xs(LABEL[g], level="Group").dropna(subset=["Median hours"])
        if d.empty:
            ax.set_axis_off()
            continue
        x = pd.PeriodIndex(d.index.str.replace(" ", ""), freq="Q").to_timestamp()
        ax.fill_between(
            x,
            d["Lower quartile (hours)"].astype(float),
            d["Upper quartile (hours)"].astype(float),
            color=COLOUR[g],
            alpha=0.2,
            label="Middle half of episodes",
        )
        ax.plot(x, d["Median hours"].astype(float), color=COLOUR[g], marker=MARKER[g], label="Median")
        ax.set_title(LABEL[g])
        ax.set_ylabel("Hours missing\n(returned episodes)")
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[4], bymonthday=1))
        first, last = d.iloc[0], d.iloc[-1]
        changes[g] = (d.index[0], first["Median hours"], d.index[-1], last["Median hours"])
        parts.append(
            f"{LABEL[g]}: median {first['Median hours']:.0f} hours in {d.index[0]}, "
            f"{last['Median hours']:.0f} in {d.index[-1]}"
        )
    falling = [g for g, c in changes.items() if c[3] < c[1]]
    finding = (
        "Median time missing fell from home and from care"
        if len(falling) == 2
        else f"Median time missing fell {falling[0]}"
        if falling
        else "Median time missing did not fall"
    )
    fig.suptitle(
        style.title(f"{finding} between {t.index[0][0]} and {t.index[-1][0]}"), x=0.01, ha="left", fontweight="bold"
    )
    shown = [ax for ax in axes if ax.axison]
    if shown:
        style.legend_below(shown[-1])
    fig.tight_layout()
    alt = (
        "Two line charts of the median hours missing by quarter, with the middle half of episodes shaded. "
        + "; ".join(parts)
        + "."
    )
    return Chart(fig, alt)


def survival(df: pd.DataFrame, as_at) -> KaplanMeier | None:
    """Kaplan-Meier estimate of time to return, open episodes censored at the extract."""
    ttr = me.time_to_return(df, as_at)
    return kaplan_meier(ttr.hours, ttr.returned)


def km_median(sf: KaplanMeier | None) -> float | None:
    """Median hours to return from a Kaplan-Meier fit (None when it is not reached)."""
    return None if sf is None else sf.median


def km_by_year(ch: MissingChapter) -> pd.DataFrame:
    """Median time to return by financial year (Kaplan-Meier), with returned and censored counts."""
    rows = []
    for g in GROUPS:
        s = group(ch.series, g)
        for fy, d in s.groupby(financial_year(s.start)):
            sf = survival(d, ch.as_at)
            rows.append(
                {
                    "Year (April to March)": fy,
                    "Group": LABEL[g],
                    "Episodes": len(d),
                    "Still missing at the extract (censored)": int(d.end.isna().sum()),
                    "Median hours to return (Kaplan-Meier)": None if km_median(sf) is None else round(km_median(sf), 1),
                }
            )
    if not rows:
        return pd.DataFrame()
    t = pd.DataFrame(rows).set_index(["Year (April to March)", "Group"]).sort_index()
    censored = "Still missing at the extract (censored)"
    derived = {"Median hours to return (Kaplan-Meier)": ["Episodes"]}
    return _long(t, ["Episodes", censored], derived, ch.suppress)


def logrank(ch: MissingChapter, g: str) -> LogRank | None:
    """Log-rank test that time to return is the same in every financial year of the series."""
    s = group(ch.series, g)
    ttr = me.time_to_return(s, ch.as_at)
    return log_rank(ttr.hours, ttr.returned, financial_year(s.start))


def logrank_by_group(ch: MissingChapter) -> dict:
    """:func:`logrank` for home and for care, computed once for the chart and the sentences."""
    return {g: logrank(ch, g) for g in GROUPS}


def km_chart(ch: MissingChapter, tests: dict):
    """Share still missing against hours since going missing, one curve per year, home and care.

    ``tests`` is :func:`logrank_by_group`: the title states its finding, the chart runs no test.
    """
    if ch.series.empty:
        return NO_CHART
    fig, axes = style.subplots(2, 1, figsize=(style.WIDTH, 9), sharey=True)
    styles = ["-", "--", ":", "-."]
    parts = []
    for ax, g in zip(axes, GROUPS):
        s = group(ch.series, g)
        years = financial_year(s.start)
        for i, (fy, d) in enumerate(s.groupby(years)):
            sf = survival(d, ch.as_at)
            t = np.concatenate([[0], sf.times])
            p = np.concatenate([[1], sf.survival])
            keep = t <= KM_HORIZON_HOURS
            colour = (style.PALETTE + [style.GREY])[i % 5]
            ax.step(t[keep], 100 * p[keep], where="post", color=colour, linestyle=styles[i % 4], label=f"{fy}")
            med = km_median(sf)
            parts.append(
                f"{LABEL[g].lower()} {fy}: median {med:.0f} hours"
                if med is not None
                else f"{LABEL[g].lower()} {fy}: median not reached"
            )
        ax.set_title(LABEL[g])
        ax.set_xlabel("Hours since going missing")
        ax.set_ylabel("Still missing (%)")
        ax.set_xticks(range(0, KM_HORIZON_HOURS + 1, 48))
        ax.legend(title="Year (April to March)", loc="upper right")
    differ = [g for g, r in tests.items() if r is not None and r.p_value < 0.05]
    finding = (
        "Time to return differs between years from home and from care"
        if len(differ) == 2
        else f"Time to return differs between years {differ[0]} only"
        if differ
        else "No clear difference in time to return between years"
    )
    fig.suptitle(style.title(f"{finding} (log-rank test)"), x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    alt = (
        "Kaplan-Meier curves of the share of episodes still missing against hours since going missing, "
        "one line per year, episodes still open censored. " + "; ".join(parts) + "."
    )
    return Chart(fig, alt)


def _median_words(year, median) -> str:
    """``YYYY-YY 24 hours``; a median hidden because it rests on 1 to 5 episodes (``c``) is said so,
    and one the curve never reached is "not reached"."""
    if isinstance(median, str):
        return f"{year} not shown (1 to 5 episodes)"
    if median is None or pd.isna(median):
        return f"{year} not reached"
    return f"{year} {median:.0f} hours"


def duration_sentence(ch: MissingChapter, tests: dict) -> str:
    """Is time missing really falling: Kaplan-Meier medians by year and the log-rank tests (:func:`logrank_by_group`)."""
    t = km_by_year(ch)
    if t.empty:
        return "There are no episodes in the series, so there is nothing to say about how long children are missing."
    text = []
    for g in GROUPS:
        if LABEL[g] not in t.index.get_level_values("Group"):
            continue
        d = t.xs(LABEL[g], level="Group")
        med = d["Median hours to return (Kaplan-Meier)"]
        bits = ", ".join(_median_words(fy, m) for fy, m in med.items())
        test = tests[g]
        verdict = (
            ""
            if test is None
            else f" A log-rank test across the {test.groups} years gives p "
            f"{'< 0.001' if test.p_value < 0.001 else f'= {test.p_value:.3f}'}: "
            + (
                "the time to return differs between years more than chance would explain."
                if test.p_value < 0.05
                else "the years could differ by chance alone."
            )
        )
        text.append(f"**{LABEL[g]}**, median time to return: {bits}.{verdict}")
    censored = int(ch.series.end.isna().sum())
    if ch.suppress and is_small(censored):
        censored = 2  # "1 to 5" is plural: the words are, and the count is not, published
        shown = SMALL_WORDS
    else:
        shown = number(censored)
    text.append(
        "No episode in the series was still open when the data were extracted, so none is censored."
        if censored == 0
        else f"{shown} episode{'s' if censored != 1 else ''} in the series {'were' if censored != 1 else 'was'} "
        f"still open when the data were extracted; {'they are' if censored != 1 else 'it is'} counted as missing "
        f"up to the extract (censored), not dropped, so long episodes are not lost from the recent years."
    )
    return " ".join(text)


# --------------------------------------------------------------------------------------
# Repeat missing within 28 days
# --------------------------------------------------------------------------------------


def repeat_table(ch: MissingChapter) -> pd.DataFrame:
    """Children (and returns) followed by another episode within 28 days, by year and group."""
    if ch.series.empty:
        return pd.DataFrame()
    flags = me.repeat_within(ch.episodes, ch.as_at)
    rows = []
    for g in GROUPS:
        s = group(ch.series, g)
        f = flags.loc[s.index]
        for fy, idx in s.groupby(financial_year(s.start)).groups.items():
            ok = f.loc[idx][f.loc[idx].followed_up]
            children = s.loc[ok.index].assign(repeat=ok.repeat).groupby("child_id").repeat.any()
            rows.append(
                {
                    "Year (April to March)": fy,
                    "Group": LABEL[g],
                    "Returns followed up 28 days": len(ok),
                    "Returns followed by another episode within 28 days (%)": _share(
                        int(ok.repeat.sum()), len(ok), ch.suppress
                    ),
                    "Children": len(children),
                    "Children missing again within 28 days": _interval_text(
                        int(children.sum()), len(children), ch.suppress
                    ),
                }
            )
    t = pd.DataFrame(rows).set_index(["Year (April to March)", "Group"]).sort_index()
    return _long(t, ["Returns followed up 28 days", "Children"], {}, ch.suppress)


def repeat_sentence(ch: MissingChapter) -> str:
    """The share of children missing again within 28 days, over the 12 months, by group."""
    flags = me.repeat_within(ch.episodes, ch.as_at)
    parts = []
    for g in GROUPS:
        y = group(ch.year, g)
        ok = flags.loc[y.index][flags.loc[y.index].followed_up]
        children = y.loc[ok.index].assign(repeat=ok.repeat).groupby("child_id").repeat.any()
        if len(children) and share_hidden(int(children.sum()), len(children), ch.suppress):
            parts.append(
                f"of the {count_words(len(children), ch.suppress)} children who returned "
                f"{g.replace('care', 'to care')}, the number who went missing again within 28 days is not shown "
                f"(it, or those who did not, is from 1 to 5)"
            )
        elif len(children):
            parts.append(
                f"{number(children.sum())} of the {count_of(len(children), 'child')} who returned {g.replace('home', 'home').replace('care', 'to care')} "
                f"({percent(100 * children.mean())}, 95% interval {wilson_interval(int(children.sum()), len(children))[0]:.1f}% to "
                f"{wilson_interval(int(children.sum()), len(children))[1]:.1f}%) went missing again within 28 days"
            )
    if not parts:
        return (
            f"No return in {year_words(ch)} has yet been followed for 28 days before the extract, so repeat "
            f"missing cannot be measured."
        )
    return (
        f"In {year_words(ch)}, "
        + "; ".join(parts)
        + (". Returns in the last 28 days before the extract are left out: they cannot yet show a repeat.")
    )


# --------------------------------------------------------------------------------------
# Missing (M) and away (A) for children in care
# --------------------------------------------------------------------------------------


def missing_away_table(ch: MissingChapter) -> pd.DataFrame:
    """Care episodes coded missing (M) and away without authorisation (A), kept apart, by year."""
    care = group(ch.series, "care")
    if care.empty:
        return pd.DataFrame()
    kind = me.missing_type(care)
    fy = financial_year(care.start)
    rows = {}
    for year in sorted(fy.unique()):
        row = {}
        for code, name in (("M", "Missing (M)"), ("A", "Away without authorisation (A)")):
            d = care[(fy == year) & (kind == code)]
            row[f"{name}: episodes"] = len(d)
            row[f"{name}: children"] = int(d.child_id.nunique())
        rows[year] = row
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "Year (April to March)"
    # Missing and away episodes add up to the year's episodes from care (published): a row with one
    # hidden episode count hides the other too.
    episodes = ["Missing (M): episodes", "Away without authorisation (A): episodes"]
    children = ["Missing (M): children", "Away without authorisation (A): children"]
    if not ch.suppress:
        return t
    out = suppress(t, episodes, {}, rows_add_up=True)
    for col in children:
        out.loc[t[col].between(1, 5), col] = SUPPRESSED
    return out


def missing_away_sentence(ch: MissingChapter, t: pd.DataFrame) -> str:
    if t.empty:
        return "No child went missing from care in the series, so there is no split between missing and away."
    last = t.iloc[-1]

    def n(v) -> str:
        return SMALL_WORDS if v == SUPPRESSED else number(v)

    return (
        f"In {t.index[-1]} (to {day(ch.end)}), children in care had {n(last['Missing (M): episodes'])} episodes "
        f"coded missing ({n(last['Missing (M): children'])} children) and "
        f"{n(last['Away without authorisation (A): episodes'])} coded away without authorisation "
        f"({n(last['Away without authorisation (A): children'])} children). The two are kept apart, as in "
        f"the SSDA903 return; the rest of this chapter counts both as missing from care."
    )


# --------------------------------------------------------------------------------------
# Return home interviews
# --------------------------------------------------------------------------------------


def rhi_table(ch: MissingChapter) -> pd.DataFrame:
    """Interviews offered, completed and completed within 72 hours of return, window, by group."""
    rows = {}
    for g in GROUPS:
        r = group(ch.window, g)
        r = r[r.end.notna()]
        n = len(r)
        on = ch.suppress
        rows[LABEL[g]] = {
            "Returned episodes": n,
            "Interview offered": _interval_text(int(r.rhi_offered.fillna(False).sum()), n, on),
            "Offer not recorded": int(r.rhi_offered.isna().sum()),
            "Interview completed": _interval_text(int(r.rhi_completed_at.notna().sum()), n, on),
            "Completed within 72 hours": _interval_text(int(me.rhi_within_72h(r).sum()), n, on),
        }
    t = pd.DataFrame.from_dict(rows, orient="index").astype(object).T
    t.index.name = f"Returns, {window_words(ch)} (95% Wilson interval)"
    return _grouped(t, ["Returned episodes", "Offer not recorded"], {}, ch.suppress)


#: After a configured change, the p chart's new centre line rests on at most this many months from
#: it, never the month judged (as the theme pages recalculate limits).
RECALCULATION_MONTHS = 12


def rhi_monthly(ch: MissingChapter, g: str, change=None, report_month=None) -> pd.DataFrame | None:
    """p chart of the share of returns with an interview within 72 hours, by month of going missing.

    With ``change`` (a month, ``YYYY-MM``: a designed change to return interviews took effect) the
    chart has two phases, each with its own centre line: before the change, every month before it;
    from the change, the first :data:`RECALCULATION_MONTHS` months from it, never the latest month
    and never the edition's ``report_month`` or later, so the recalculated limits rest on the same
    months as theme 6's (which judges the report month) although this chart runs to the window's end.
    """
    s = group(ch.series, g)
    s = s[s.end.notna()]
    if s.empty:
        return None
    key = s.start.dt.to_period("M")
    num = me.rhi_within_72h(s).groupby(key).sum().reindex(ch.months, fill_value=0).astype(float)
    den = s.groupby(key).size().reindex(ch.months, fill_value=0).astype(float)
    if (den > 0).sum() < MIN_SPC_POINTS:
        return None
    change = None if change in (None, "") else pd.Period(str(change), "M")
    if change is None or not (ch.months[0] < change <= ch.months[-1]):
        return spc.p_chart(num, den)
    before, after = num.index < change, num.index >= change
    used_after = den[after][den[after] > 0]
    last_fixed = used_after.index[-1] - 1 if len(used_after) else None
    if last_fixed is not None and report_month not in (None, ""):
        last_fixed = min(last_fixed, pd.Period(str(report_month), "M") - 1)
    fixed = used_after.loc[:last_fixed].iloc[:RECALCULATION_MONTHS] if len(used_after) else used_after
    if (den[before] > 0).sum() < MIN_SPC_POINTS or len(fixed) < MIN_SPC_POINTS:
        return spc.p_chart(num, den)
    return pd.concat(
        [
            spc.p_chart(num[before], den[before]),
            spc.p_chart(num[after], den[after], baseline_start=fixed.index[0], baseline_end=fixed.index[-1]),
        ]
    )


def rhi_chart(ch: MissingChapter, change=None, report_month=None):
    """p charts of interviews within 72 hours each month, home above care; (None, "", {}) if too short.

    ``change``: the month a designed change took effect; each chart then steps there, with limits
    fixed on months before ``report_month`` (see :func:`rhi_monthly`).
    """
    # A month with 1 to 5 returns, or 1 to 5 interviewed in time (or not), is not drawn.
    frames = {g: published_p_chart(rhi_monthly(ch, g, change, report_month), ch.suppress) for g in GROUPS}
    frames = {g: None if f is None or f.p.isna().all() else f for g, f in frames.items()}
    if all(f is None for f in frames.values()):
        return Chart(None, "", frames)
    fig, axes = style.subplots(2, 1, figsize=(style.WIDTH, 11), sharex=True)
    alts = []
    for ax, g in zip(axes, GROUPS):
        f = frames[g]
        if f is None:
            ax.set_axis_off()
            continue
        last = f.dropna(subset=["p"]).iloc[-1]
        when = month_name(f.dropna(subset=["p"]).index[-1])
        first = f.dropna(subset=["p"]).iloc[0]
        ax_title = (
            f"Returns {g.replace('care', 'to care')}: {100 * last.p:.0f}% interviewed within 72 hours in {when} "
            f"({100 * first.p:.0f}% in {month_name(f.dropna(subset=['p']).index[0])})"
        )
        spc_plot.plot_spc(
            f,
            ax,
            title=ax_title,
            ylabel="Returns interviewed\nwithin 72 hours (%)",
            polarity="higher_is_better",
            limits_label="Process limits (vary with returns)",
        )
        icon = spc.variation_icon(f, "higher_is_better")
        alts.append(
            f"{LABEL[g]}: share of returns with an interview within 72 hours each month from "
            f"{month_name(f.index[0])} to {when}, mean {_centre_words(f)}; latest {100 * last.p:.0f}% "
            f"of {number(last.denominator)} {'return' if last.denominator == 1 else 'returns'}, "
            f"{icon.replace('_', ' ')}." + _not_drawn_words(f)
        )
    fig.tight_layout()
    return Chart(fig, " ".join(alts), frames)


def _not_drawn_words(f: pd.DataFrame) -> str:
    """Which months of a published p chart are not drawn, in words ("" when none)."""
    hidden = len(f.attrs.get("hidden", []))
    if not hidden:
        return ""
    return (
        f" {count_of(hidden, 'month')} with 1 to 5 returns, or 1 to 5 of them interviewed within 72 hours "
        f"(or not), {'is' if hidden == 1 else 'are'} not drawn, so that no child can be identified; the centre "
        f"line and limits still use {'it' if hidden == 1 else 'them'}."
    )


def _centre_words(f: pd.DataFrame) -> str:
    """The centre line in words: one share, or the share before and from a change."""
    levels = f.pbar.drop_duplicates()
    if len(levels) == 1:
        return f"{100 * levels.iloc[0]:.1f}%"
    change = f.index[f.pbar.ne(f.pbar.shift()).to_numpy()][-1]
    return f"{100 * levels.iloc[0]:.1f}% before {month_name(change)} and {100 * levels.iloc[-1]:.1f}% from it"


def rhi_chart_sentence(frames: dict) -> str:
    """Each chart's centre line and recent signals, and why theme 6's chart of the same interviews differs."""
    parts = []
    for g in GROUPS:
        f = frames.get(g)
        if f is None:
            parts.append(f"{LABEL[g]}: too few months with returns for a p chart (at least {MIN_SPC_POINTS} needed).")
            continue
        recent = f[f.denominator > 0].iloc[-6:]  # the signals use every month, drawn or not
        fired = recent.special_cause.any()
        direction = "improvement" if (recent.direction == "high").any() else "concern"
        parts.append(
            f"{LABEL[g]}: the centre line is {_centre_words(f)}; "
            + (
                f"the last six months show special cause {direction}."
                if fired
                else "the last six months show common cause variation only."
            )
            + _not_drawn_words(f)
        )
    if any(frames.get(g) is not None for g in GROUPS):
        parts.append(
            "Theme 6 charts the same interviews for returns from home and from care together, to the report "
            "month, so its centre line and limits are those of all returns and differ from these two; where a "
            "change is configured, both recalculate on the same months from it."
        )
    return " ".join(parts)


def rhi_delay_table(ch: MissingChapter) -> pd.DataFrame:
    """Hours from return to interview by quarter and group, for completed interviews."""
    rows = []
    for g in GROUPS:
        s = group(ch.series, g)
        s = s[s.rhi_completed_at.notna() & s.end.notna()]
        gap = (s.rhi_completed_at - s.end).dt.total_seconds() / 3600
        for q, h in gap.groupby(s.start.dt.to_period("Q")):
            valid = h[h >= 0]
            rows.append(
                {
                    "Quarter": q.strftime("%Y Q%q"),
                    "Group": LABEL[g],
                    "Interviews": len(valid),
                    "Recorded before the return": int((h < 0).sum()),
                    "Median hours after return": round(valid.median(), 1) if len(valid) else None,
                    "Lower quartile": round(valid.quantile(0.25), 1) if len(valid) else None,
                    "Upper quartile": round(valid.quantile(0.75), 1) if len(valid) else None,
                }
            )
    if not rows:
        return pd.DataFrame()
    t = pd.DataFrame(rows).set_index(["Quarter", "Group"]).sort_index()
    derived = {c: ["Interviews"] for c in ("Median hours after return", "Lower quartile", "Upper quartile")}
    return _long(t, ["Interviews", "Recorded before the return"], derived, ch.suppress)


def rhi_delay_sentence(ch: MissingChapter, t: pd.DataFrame) -> str:
    if t.empty:
        return "No return home interview was recorded in the series."
    parts = []
    for g in GROUPS:
        if LABEL[g] not in t.index.get_level_values("Group"):
            continue
        d = t.xs(LABEL[g], level="Group").dropna(subset=["Median hours after return"])
        d = d[d["Median hours after return"] != SUPPRESSED]
        if d.empty:
            continue
        parts.append(
            f"{LABEL[g].lower()}, the median wait fell from {d.iloc[0]['Median hours after return']:.0f} hours "
            f"in {d.index[0]} to {d.iloc[-1]['Median hours after return']:.0f} in {d.index[-1]}"
            if d.iloc[-1]["Median hours after return"] < d.iloc[0]["Median hours after return"]
            else f"{LABEL[g].lower()}, the median wait was {d.iloc[0]['Median hours after return']:.0f} hours in "
            f"{d.index[0]} and {d.iloc[-1]['Median hours after return']:.0f} in {d.index[-1]}"
        )
    recorded_before = t["Recorded before the return"]
    before = int(recorded_before[recorded_before != SUPPRESSED].sum())
    if (recorded_before == SUPPRESSED).any():
        before = SMALL_WORDS if before == 0 else f"at least {number(before)}"
    note = (
        f" {before if isinstance(before, str) else number(before)} interviews were recorded before the return, "
        f"a recording error; they are left out."
        if before
        else ""
    )
    return ("Time from return to interview: " + "; ".join(parts) + "." + note) if parts else note.strip()


def rhi_association(ch: MissingChapter) -> pd.DataFrame:
    """Repeat episodes in the 90 days after a return, with and without an interview within 72 hours.

    A landmark at 72 hours: only returns followed up for 90 days and with no new episode in the
    first 72 hours are compared (a child missing again at once had no chance of an interview in
    time), and a repeat is a new episode from 72 hours to 90 days after the return.
    """
    if ch.series.empty:
        return pd.DataFrame()
    flags = me.repeat_within(ch.episodes, ch.as_at, limit=FOLLOW_UP, after=me.RHI_LIMIT)
    rows = []
    for g in GROUPS:
        s = group(ch.series, g)
        f = flags.loc[s.index]
        at_risk = f.followed_up & ~(f.gap.notna() & (f.gap < me.RHI_LIMIT))
        s, f = s[at_risk], f[at_risk]
        interviewed = me.rhi_within_72h(s)
        for label, mask in (("Interview within 72 hours", interviewed), ("No interview within 72 hours", ~interviewed)):
            n, k = int(mask.sum()), int(f.repeat[mask].sum())
            rows.append(
                {
                    "Group": LABEL[g],
                    "Returns": label,
                    "Returns followed up 90 days": SUPPRESSED if ch.suppress and is_small(n) else n,
                    "Missing again within 90 days": _interval_text(k, n, ch.suppress),
                    "_k": k,
                    "_n": n,
                }
            )
    return pd.DataFrame(rows).set_index(["Group", "Returns"])


def association_display(t: pd.DataFrame) -> pd.DataFrame:
    """The association table without its working columns, the returns as a column."""
    if t.empty:
        return t
    return t.drop(columns=["_k", "_n"]).reset_index(level="Returns")


def rhi_association_sentence(t: pd.DataFrame) -> str:
    """The association in words, said plainly as an association."""
    if t.empty or (t["_n"] == 0).all():
        return "No return in the series has yet been followed for 90 days, so the association cannot be looked at."
    parts = []
    for g in GROUPS:
        if LABEL[g] not in t.index.get_level_values("Group"):
            continue
        d = t.xs(LABEL[g], level="Group")
        yes, no = d.loc["Interview within 72 hours"], d.loc["No interview within 72 hours"]
        if not yes["_n"] or not no["_n"]:
            parts.append(f"{LABEL[g].lower()} there are no returns in one of the two groups to compare")
            continue
        if SUPPRESSED in (yes["Missing again within 90 days"], no["Missing again within 90 days"]):
            parts.append(f"{LABEL[g].lower()}, the two groups are not compared: a count is from 1 to 5")
            continue
        a, b = yes["_k"] / yes["_n"], no["_k"] / no["_n"]
        parts.append(
            f"{LABEL[g].lower()}, {100 * a:.0f}% of returns with an interview within 72 hours were followed "
            f"by another episode between 72 hours and 90 days later, against {100 * b:.0f}% of returns without one"
        )
    return (
        "Over the series, " + "; ".join(parts) + ". **This is an association, not an effect**: children who are "
        "interviewed quickly may differ from those who are not (how easy they are to reach, their placement, "
        "the year, since interviews and durations both changed over time), so the difference cannot be read as "
        "what the interview achieved. The intervals overlap where the difference could be chance."
    )


# --------------------------------------------------------------------------------------
# The national picture: real published DfE figures
# --------------------------------------------------------------------------------------

#: The published counts the chapter reads, and the rates it derives from them. DfE publishes
#: the share of children who went missing and the incidents per missing child only from a
#: recent year (found in the data); for earlier years (and to keep one series) the book calculates them
#: from DfE's own counts, and says so.
NATIONAL_COUNTS = {
    "cla_children_missing": "Children who went missing",
    "cla_missing_incidents": "Missing incidents",
    "cla_31mar": "Children looked after at 31 March",
}
PER_100 = "Children who went missing per 100 looked after at 31 March (calculated)"
PER_CHILD = "Missing incidents per child who went missing (calculated)"


@dataclass
class National:
    data: pd.DataFrame  # the edition's vintage only
    la: str | None  # the council's name in the published table (None: no DfE code given)
    la_code: str | None
    neighbours: list  # names, in the model's rank order
    neighbour_codes: list
    latest: int | None
    model_title: str = ""
    model_in_force: bool = True
    edition_date: pd.Timestamp | None = None


def national(
    local_authority: str, dfe_la_code=None, edition_date: str | None = None, neighbour_model: str = "nearest"
) -> National:
    """The published missing-from-care figures of the edition's vintage, its council and neighbours.

    Only years DfE had published by ``edition_date`` are kept, and the neighbours are those of
    the model in force nearest that date (the same as on every other page).
    """
    from improvement_report.measures import comparators as cm

    if dfe_la_code is None:
        return National(pd.DataFrame(), None, None, [], [], None)
    when = pd.Timestamp(edition_date) if edition_date else pd.Timestamp.today().normalize()
    pub = cm.load_published(cm.Edition(int(dfe_la_code), when, neighbour_model))
    data = pub.data[pub.data.measure.isin([*published.MISSING_MEASURES, "cla_31mar"])]
    years = data[(data.geography_code == pub.council_code) & (data.measure == "cla_children_missing")].year
    return National(
        data=data,
        la=pub.council_name,
        la_code=pub.council_code,
        neighbours=pub.neighbours.la_name.tolist(),
        neighbour_codes=pub.neighbour_codes,
        latest=int(years.max()) if len(years) else None,
        model_title=pub.model_title,
        model_in_force=pub.model_in_force_at_edition,
        edition_date=when,
    )


def _own_pct_from(nat: National) -> str:
    """``from the year to March YYYY``: the first year DfE's own percentage is in the edition's figures."""
    own = nat.data[(nat.data.measure == "cla_missing_pct") & nat.data.value.notna()]
    return (
        f"from the year to March {int(own.year.min())}"
        if len(own)
        else "in later years, not yet in this edition's figures"
    )


def _year_label(year: int) -> str:
    return f"year to 31 March {year}"


def _by_place(nat: National, measure: str) -> pd.DataFrame:
    """One measure as a table: a row per place code, a column per year (NaN where DfE printed a symbol)."""
    one = nat.data[nat.data.measure == measure]
    return one.pivot_table(index="geography_code", columns="year", values="value", aggfunc="first", dropna=False)


def national_rates(nat: National) -> dict[str, pd.DataFrame]:
    """The two rates the chapter compares, per place and year, calculated from DfE's counts.

    A rate is missing (NaN) wherever a count it needs was suppressed or not published.
    """
    missing = _by_place(nat, "cla_children_missing")
    incidents = _by_place(nat, "cla_missing_incidents").reindex_like(missing)
    in_care = _by_place(nat, "cla_31mar").reindex_like(missing)
    per_100 = (100 * missing / in_care.where(in_care > 0)).round(1)
    per_child = (incidents / missing.where(missing > 0)).round(1)
    return {PER_100: per_100, PER_CHILD: per_child}


def _names(nat: National) -> dict:
    places = nat.data.drop_duplicates("geography_code").set_index("geography_code").geography_name
    return places.to_dict()


def model_words(nat: National) -> str:
    """Which neighbour model, and why that one (named on the page)."""
    if nat.model_in_force:
        return f"Statistical neighbours are {nat.model_title}, the model in force at this edition's date."
    return (
        f"Statistical neighbours are {nat.model_title}: the groupings in force at this edition's date "
        f"({nat.edition_date:%B %Y}) are not held, and this is the model held nearest to it."
    )


def national_table(nat: National) -> pd.DataFrame:
    """The latest year of the vintage: the council, each neighbour, their mean, Outer London, London, England."""
    if nat.la is None or nat.latest is None:
        return pd.DataFrame()
    y = nat.latest
    cols = {label: _by_place(nat, m).get(y) for m, label in NATIONAL_COUNTS.items()}
    cols.update({label: table.get(y) for label, table in national_rates(nat).items()})
    wide = pd.DataFrame(cols)
    names = _names(nat)
    order = [nat.la_code, *nat.neighbour_codes]
    t = wide.reindex(order)
    t.index = [names.get(c, c) for c in order]
    sn = wide.reindex(nat.neighbour_codes)
    with_value = sn.notna().sum()
    counted = (
        f"{int(with_value.iloc[0])} of {len(nat.neighbour_codes)} with a figure"
        if with_value.nunique() == 1
        else "of those with a figure"
    )
    t.loc[f"Neighbours' mean ({counted})"] = sn.mean().round(1)
    for code, place in (("E13000002", "Outer London"), ("E12000007", "London"), ("E92000001", "England")):
        if code in wide.index:
            t.loc[place] = wide.loc[code]
    t.index.name = f"Year to 31 March {y}"
    out = pd.DataFrame(index=t.index, columns=t.columns, dtype=object)
    for c in t.columns:
        out[c] = pd.Series(
            [None if pd.isna(v) else (int(v) if float(v).is_integer() else float(v)) for v in t[c]],
            index=t.index,
            dtype=object,
        )
    out.index.name = t.index.name
    return out


def national_chart(nat: National):
    """Trend of the two rates: the council, its neighbours' range and mean, England."""
    if nat.la is None or nat.latest is None:
        return NO_CHART
    fig, axes = style.subplots(2, 1, figsize=(style.WIDTH, 9))
    parts = []
    rates = national_rates(nat)
    for ax, (label, table) in zip(axes, rates.items(), strict=True):
        years = [y for y in table.columns if table[y].notna().any()]
        w = table[years]
        sn = w.reindex(nat.neighbour_codes)
        if len(nat.neighbour_codes):
            ax.fill_between(years, sn.min(), sn.max(), color=style.LIGHT_GREY, label="Neighbours' range")
            ax.plot(years, sn.mean(), color=style.GREY, linestyle="--", marker="^", label="Neighbours' mean")
        if "E92000001" in w.index:
            ax.plot(years, w.loc["E92000001"], color=style.ORANGE, linestyle=":", marker="s", label="England")
        ax.plot(years, w.loc[nat.la_code], color=style.DARK_BLUE, marker="o", linewidth=2, label=nat.la)
        ax.set_ylabel(textwrap.fill(label.replace(" (calculated)", ""), 26))
        ax.set_xlabel("Year to 31 March")
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years])
        ax.set_ylim(bottom=0)
        last = years[-1]
        parts.append(
            f"{label}: {nat.la} {_g(w.loc[nat.la_code, last])} in {last}, England {_g(w.get(last, {}).get('E92000001'))}, "
            f"neighbours' mean {_g(round(sn[last].mean(), 1))} ({int(sn[last].notna().sum())} of {len(nat.neighbour_codes)} with a figure)"
        )
    handles, labels = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", ncols=2, bbox_to_anchor=(0.5, 0))
    per_100 = rates[PER_100]
    la_v, eng_v = per_100.loc[nat.la_code, nat.latest], per_100.get(nat.latest, {}).get("E92000001")
    fig.suptitle(
        style.title(
            f"{nat.la}: {_g(la_v)} children went missing per 100 looked after in the year to March {nat.latest}, "
            f"England {_g(eng_v)}"
        ),
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    fig.tight_layout()
    alt = (
        "Two line charts calculated from DfE published counts, years to 31 March, as published by this "
        "edition's date. " + "; ".join(parts) + "."
    )
    return Chart(fig, alt)


def _g(value) -> str:
    return "not available" if value is None or pd.isna(value) else f"{value:g}"


def missing_and_away_table(nat: National) -> pd.DataFrame:
    """The council's missing and away counts by year, read together (DfE's recording caveat)."""
    if nat.la is None or nat.latest is None:
        return pd.DataFrame()
    measures = {
        "cla_children_missing": "Children missing",
        "cla_missing_incidents": "Missing incidents",
        "cla_children_away": "Children away",
        "cla_away_incidents": "Away incidents",
    }
    d = nat.data[(nat.data.geography_code == nat.la_code) & nat.data.measure.isin(measures)]
    t = d.pivot_table(index="year", columns="measure", values="value", aggfunc="first", dropna=False)
    t = t.reindex(columns=list(measures)).rename(columns=measures)
    t.columns.name = None
    t["Missing and away incidents"] = t["Missing incidents"] + t["Away incidents"]
    t.index.name = "Year to 31 March"
    return t.astype("Int64")


def national_sentence(nat: National) -> str:
    """The council against its neighbours and England, with the vintage and DfE's caveat about "away"."""
    if nat.la is None:
        return (
            "This edition names no DfE local authority code (`dfe_la_code`), so its published figures cannot be "
            "found and there is no national picture here."
        )
    if nat.latest is None:
        return f"DfE had published no missing-from-care figures for {nat.la} by this edition's date."
    y = nat.latest
    rates = national_rates(nat)
    per_100, per_child = rates[PER_100], rates[PER_CHILD]
    sn100 = per_100.reindex(nat.neighbour_codes)[y]
    snc = per_child.reindex(nat.neighbour_codes)[y]
    n = len(nat.neighbour_codes)
    text = (
        f"In the {_year_label(y)}, the latest year DfE had published by this edition's date, "
        f"{_g(per_100.loc[nat.la_code, y])} children went missing for every 100 {nat.la} looked after at 31 March, "
        f"against a mean of {_g(round(sn100.mean(), 1))} for its statistical neighbours ({int(sn100.notna().sum())} "
        f"of {n} with a figure) and {_g(per_100[y].get('E92000001'))} in England; each child who went missing had "
        f"{_g(per_child.loc[nat.la_code, y])} missing incidents on average (neighbours {_g(round(snc.mean(), 1))}, "
        f"England {_g(per_child[y].get('E92000001'))}). These rates are calculated from DfE's published counts: DfE "
        f"published its own percentage (of children looked after during the year) only {_own_pct_from(nat)}. "
        + model_words(nat)
    )
    away = _by_place(nat, "cla_away_incidents")
    if nat.la_code in away.index:
        a = away.loc[nat.la_code].dropna()
        zero_from = next((yr for yr in a.index if (a.loc[yr:] == 0).all()), None)
        if zero_from is not None and zero_from > a.index.min():
            text += (
                f" DfE warns that a growing number of councils record every incident as missing rather than away from "
                f"placement; {nat.la} has reported no away incidents since {zero_from} "
                f"({number(a.loc[zero_from - 1])} in {zero_from - 1}), so its missing figures from then are not "
                "comparable with earlier years; the table below shows the two together."
            )
    return text


def against_published_note(table, synthetic: bool) -> str:
    """What the extract-against-DfE table shows and why the two may differ ("" when there is no table).

    Only a demo edition says its extract is synthetic; a council's own extract should be close
    to DfE's count.
    """
    if table is None or len(table) == 0:
        return ""
    why = (
        "With the demo data the extract's figures are synthetic, generated to be of the scale DfE publishes "
        "for the council the demo imitates, so they are not expected to match."
        if synthetic
        else "The two should be close, though DfE's figures exclude children in short-term placements and "
        "councils amend returns after publication."
    )
    return (
        "Where the extract covers whole years to 31 March, this table sets its count of children missing from "
        f"care beside DfE's. {why}"
    )


def demo_against_published(ch: MissingChapter, nat: National) -> pd.DataFrame:
    """Children in care and their episodes per year in the extract beside DfE's published counts.

    Only full years to 31 March inside the extract and the edition's vintage are shown. DfE
    counts missing (M) and away (A) separately, so the extract's care episodes are split the
    same way.
    """
    if nat.la is None or ch.as_at is None or nat.latest is None:
        return pd.DataFrame()
    care = group(ch.episodes, "care")
    kind = me.missing_type(care)
    rows = {}
    first = care.start.min().normalize()
    mine = nat.data[nat.data.geography_code == nat.la_code]
    for year in sorted(mine.year.unique()):
        start, end = pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")
        if first > start or ch.as_at < end:
            continue
        m = me.in_window(care[kind == "M"], start, end)
        pub = mine[mine.year == year].set_index("measure").value
        rows[year] = {
            "Children missing (extract)": int(m.child_id.nunique()),
            "Children missing (DfE)": pub.get("cla_children_missing"),
            "Missing incidents (extract)": len(m),
            "Missing incidents (DfE)": pub.get("cla_missing_incidents"),
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "Year to 31 March"
    return t.astype("Int64") if not t.empty else t


def answer(ch: MissingChapter) -> str:
    """The page's opening answer: from home and from care, fewer or shorter than a year earlier, and
    return home interview timeliness (the headline table's definitions)."""
    return answers.opening(answers.missing_answer(ch.episodes, ch.start, ch.end, ch.year_floor))
