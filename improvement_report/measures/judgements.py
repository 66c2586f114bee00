"""Every indicator judged the Making Data Count way, as of the report month.

One :class:`Analysis` per indicator per edition: the theme pages and the summary share it, so a
measure has the same chart, limits and words wherever it appears. For each indicator:

1. **What is charted.** Control limits need independent monthly values. In-month and
   month-end (snapshot) values are charted as they are. A year-to-date percentage with a
   numerator and a denominator is turned back into in-month values (this month's year-to-date
   counts minus last month's, the financial year starting in April). Rolling, cumulative and
   other year-to-date series share data between neighbouring months, so they are drawn as run
   charts, judged by no limits. A series with the same value every month has no variation to
   chart, and says so.
2. **Which chart.** A percentage with monthly numerators and denominators is a p chart (limits
   for each month's own denominator) when the denominators are small or vary widely, because
   an XmR chart assumes comparable months; otherwise an XmR chart. Limits never pass what the
   measure can take: 0 for counts, 0 and 100 for percentages.
3. **Which limits.** Fixed on a baseline (by default every month shown); for an indicator with
   a configured change date (``rebase``) recalculated from that month, on the
   :data:`RECALCULATION_MONTHS` months after it and never on the month being judged. With no
   change date, a run on one side of the mean that reaches the latest month is read as a
   change in the process since the run began: the page says so, and assurance is judged on
   the months since (when there are enough) or is "not yet judged".
4. **The level.** The latest value against the indicator's target, else its floor, else its
   comparators (:class:`Level`): DfE's published figures of the edition's vintage where the
   indicator is mapped to a like-for-like DfE measure, else the catalogue's. A level is *well
   below* its comparators when it is worse than England and worse than every statistical
   neighbour with a figure (the worse end of their range), in the indicator's better
   direction; the summary's lists use it.
"""

from dataclasses import dataclass, field

import pandas as pd

from improvement_report.core.periods import month_name
from improvement_report.inputs.catalogue import rolling_months
from improvement_report.measures import indicators
from improvement_report.stats import spc

#: Making Data Count: limits from fewer points than this are unreliable; the page says so.
MIN_BASELINE_POINTS = 12
#: A recalculation after a change fixes its limits on this many months (NHSRplotthedots'
#: ``fix_after_n_points``), fewer when fewer have passed, never counting the month judged.
RECALCULATION_MONTHS = 12
#: A p chart replaces the XmR chart when any month has fewer cases than this ...
SMALL_DENOMINATOR = 50
#: ... or when a month's denominator is more than this share away from their average: the
#: rule for using an average subgroup size (Provost and Murray, *The Health Care Data Guide*).
DENOMINATOR_SPREAD = 0.25
#: The financial year starts in April: year-to-date figures restart then.
YEAR_START_MONTH = 4
#: The bounds of each unit: limits never go beyond them.
BOUNDS = {"count": (0.0, None), "percent": (0.0, 100.0), "rate": (0.0, None), "days": (0.0, None)}
#: Benchmarks for the level, in the order they are used; the first the indicator has decides.
#: "comparators": England and the statistical neighbours together (see :func:`level_of`).
BENCHMARKS = ("target", "floor", "comparators")
#: DfE measures a level is judged against: the same definition, or the same thing measured
#: differently ("near"); a "context" figure is shown but never judges a level.
JUDGED_RELATIONS = ("same", "near")

VARIATION_NOT_JUDGED = "not_judged"
ASSURANCE_NOT_JUDGED = "not_judged"


@dataclass
class Settings:
    """How SPC limits are set: a fixed baseline and optional rebases (from the configuration).

    Attributes
    ----------
    baseline_start, baseline_end : str or None
        First and last month (``YYYY-MM``) whose points fix the mean and limits; None means
        the first, or the latest, month of the series.
    rebase : dict
        ``{indicator code: month}``: limits recalculated from that month on, for an
        indicator whose process changed then.
    min_points : int
        Fewer baseline points than this give a warning.
    """

    baseline_start: str | None = None
    baseline_end: str | None = None
    rebase: dict = field(default_factory=dict)
    min_points: int = MIN_BASELINE_POINTS


@dataclass
class Level:
    """The latest value against a benchmark.

    Attributes
    ----------
    state : {"meets", "short", "between", "unknown"}
        Against a target or floor: ``"short"`` on the worse side, ``"meets"`` at it or better.
        Against comparators: ``"short"`` when *well below* (worse than England and than every
        statistical neighbour with a figure), ``"meets"`` when at or better than England and
        the neighbours' average, ``"between"`` otherwise. ``"unknown"``: no benchmark, no better
        direction, or no value for the report month.
    kind : str
        Which benchmark (one of :data:`BENCHMARKS`), ``""`` when there is none.
    benchmark : float or None
        The target or floor; for comparators, the neighbours' average (else England's).
    source : str
        Where the benchmark comes from (catalogue text: escape before publishing).
    england, neighbours, neighbour_low, neighbour_high : float or None
        The comparators: England, the neighbours' average, and the lowest and highest
        neighbour (None when not known).
    """

    state: str = "unknown"
    kind: str = ""
    benchmark: float | None = None
    source: str = ""
    england: float | None = None
    neighbours: float | None = None
    neighbour_low: float | None = None
    neighbour_high: float | None = None


@dataclass
class Analysis:
    """One indicator read as of the report month."""

    code: str
    info: pd.Series  # the catalogue row
    month: pd.Period  # the report month
    series: pd.Series  # the published values by month (Period index), missing months dropped
    charted: pd.Series | None = None  # the values on the chart (in-month for a year-to-date series)
    method: str = "none"  # "xmr", "p", "run" (no limits), "flat" (no variation) or "none" (too few)
    method_reason: str = ""  # why this chart, in words
    chart: spc.XmR | None = None  # every phase, for drawing
    current: spc.XmR | None = None  # the phase holding the latest point: the icons use it
    recent: spc.XmR | None = None  # limits on the months since a shift, when assurance uses them
    rebased_at: pd.Period | None = None
    shift_since: pd.Period | None = None  # a sustained shift up to the latest month began here
    variation: str = "none"
    assurance: str = "none"
    level: Level = field(default_factory=Level)
    notes: list = field(default_factory=list)  # warnings about the limits, in words
    # The counts behind a percentage, (numerators, denominators): ``counts`` indexed like
    # ``series``, ``charted_counts`` like ``charted`` (in-month for a year-to-date series).
    counts: tuple | None = None
    charted_counts: tuple | None = None
    # Months not published because their value rests on a count of 1 to 5; set by the render
    # layer's small-number rule (improvement_report.render.suppression.mark_hidden). The
    # judgement still uses every month.
    hidden: frozenset = frozenset()
    charted_hidden: frozenset = frozenset()
    # The counts of the parts a value adds up from, ((numerators, denominators), ...), when a page
    # publishes the parts apart (return interviews from home and from care); else empty.
    parts: tuple = ()

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def target(self):
        t = self.info["target"]
        return None if pd.isna(t) else float(t)

    @property
    def has_latest(self) -> bool:
        """Whether the report month itself has a value (a measure may stop earlier)."""
        return len(self.series) > 0 and self.series.index[-1] == self.month

    @property
    def judged_by_limits(self) -> bool:
        """Whether the icons come from control limits (not a run chart, nor a flat series)."""
        return self.current is not None

    @property
    def has_figure(self) -> bool:
        """Whether the theme page draws a chart for it (a run chart counts; a flat series has none)."""
        return self.chart is not None or self.method == "run"

    @property
    def figure_name(self) -> str:
        return f"theme_{self.code}"


@dataclass
class ThemeData:
    """Every indicator's monthly values, the catalogue and the settings for one report."""

    frame: pd.DataFrame
    catalogue: pd.DataFrame
    month: pd.Period
    settings: Settings
    comparators: dict = field(default_factory=dict)
    asked: pd.Period | None = None  # the report month the edition asked for (later than ``month`` when partial)

    @property
    def months_without_data(self) -> pd.PeriodIndex:
        """The months after the last with data up to the report month asked for (an edition allowed
        to be partial): none of them is reported, drawn or counted as zero."""
        if self.asked is None or self.asked <= self.month:
            return pd.PeriodIndex([], freq="M")
        return pd.period_range(self.month + 1, self.asked, freq="M")


def load(
    data_dir,
    report_month,
    series_start,
    targets=None,
    baseline_start=None,
    baseline_end=None,
    rebase=None,
    min_points=MIN_BASELINE_POINTS,
    extract_date=None,
    edition_content=None,
    indicator_overrides=None,
    comparators=None,
) -> ThemeData:
    """Read every indicator (dashboard and record-level) up to the report month.

    Parameters
    ----------
    data_dir, report_month, series_start, targets
        The report configuration's values.
    baseline_start, baseline_end, rebase, min_points
        See :class:`Settings`.
    extract_date : str, optional
        The edition's extract date (see :func:`improvement_report.measures.indicators.load`).
    edition_content, indicator_overrides : optional
        The edition's local catalogue values (see :func:`improvement_report.measures.indicators.full_catalogue`).
    comparators : dict, optional
        Published comparators by indicator code (:func:`level_comparators`); they take the
        place of the catalogue's comparator columns for the level (see :func:`level_of`).
    """
    frame, catalogue = indicators.load(
        data_dir, series_start, report_month, targets, extract_date, edition_content, indicator_overrides
    )
    settings = Settings(baseline_start, baseline_end, dict(rebase or {}), int(min_points))
    month = pd.Period(report_month, "M")
    if len(frame) and frame.month.max() < month:
        # Months after the last with data (an edition allowed to be partial) are not reported as
        # months: the report reads the latest month that has data.
        month = frame.month.max()
    return ThemeData(frame, catalogue, month, settings, dict(comparators or {}), pd.Period(report_month, "M"))


def _period(month) -> pd.Period | None:
    return None if month in (None, "") else pd.Period(str(month), "M")


def _bounds(info: pd.Series) -> tuple[float | None, float | None]:
    return BOUNDS.get(info["unit"], (None, None))


def _phase(values, counts, method, bounds, start, end, min_points: int, notes: list, label: str) -> spc.XmR:
    """A chart of ``values`` (or of ``counts``, a p chart) with limits fixed on the months ``start`` to ``end``.

    A baseline with fewer than two points cannot give limits; every point is used instead and
    a note says so. A baseline with fewer than ``min_points`` points gets a caution note.
    """
    if len(values.loc[start:end]) < 2:
        notes.append(f"The {label}baseline has fewer than 2 months, so the limits use every month shown.")
        start = end = None
    if method == "p":
        num, den = counts
        result = spc.proportion_chart(
            num.loc[values.index], den.loc[values.index], baseline_end=end, baseline_start=start
        )
    else:
        result = spc.xmr(values, baseline_start=start, baseline_end=end, floor=bounds[0], ceiling=bounds[1])
    if result.baseline_points < min_points:
        notes.append(
            f"The {label}limits rest on only {result.baseline_points} months "
            f"({month_name(result.baseline_start)} to {month_name(result.baseline_end)}), fewer than "
            f"{min_points}: read the icons with caution."
        )
    return result


def _combine(first: spc.XmR, second: spc.XmR) -> spc.XmR:
    """One chart from two phases: each point keeps its own phase's limits; the summary
    numbers are the latest phase's."""
    data = pd.concat([first.data, second.data])
    return spc.XmR(
        data,
        second.mean,
        second.mean_moving_range,
        second.sigma,
        second.baseline_points,
        second.baseline_start,
        second.baseline_end,
        second.kind,
    )


def in_month_from_year_to_date(numerators: pd.Series, denominators: pd.Series):
    """This month's counts from year-to-date counts: each month minus the month before in the same year.

    Parameters
    ----------
    numerators, denominators : pandas.Series
        Year-to-date counts by monthly Period; the year starts in :data:`YEAR_START_MONTH`.

    Returns
    -------
    numerators, denominators : pandas.Series
        In-month counts for the months that can be worked out: the first month of a year is
        its own count; a later month needs the month before it, and its counts must not fall
        (a fall is a revision, not activity) nor leave a numerator above its denominator.
    dropped : list of pandas.Period
        Months that could not be worked out.
    """
    months = numerators.index
    num_in, den_in, dropped = {}, {}, []
    for month in months:
        if month.month == YEAR_START_MONTH:
            n, d = numerators[month], denominators[month]
        elif month - 1 in months:
            n, d = numerators[month] - numerators[month - 1], denominators[month] - denominators[month - 1]
        else:
            dropped.append(month)
            continue
        if pd.isna(n) or pd.isna(d) or n < 0 or d <= 0 or n > d:
            dropped.append(month)
            continue
        num_in[month], den_in[month] = float(n), float(d)
    index = pd.PeriodIndex([m for m in months if m in num_in], freq="M")
    return pd.Series(num_in, index=index, dtype="float64"), pd.Series(den_in, index=index, dtype="float64"), dropped


def choose_chart(denominators: pd.Series) -> tuple[str, str]:
    """XmR or p chart for a percentage, and why, from its monthly denominators.

    Returns
    -------
    (str, str)
        ``("p", reason)`` when any denominator is below :data:`SMALL_DENOMINATOR` or more
        than :data:`DENOMINATOR_SPREAD` away from their average, else ``("xmr", reason)``.
    """
    low, high, mean = denominators.min(), denominators.max(), denominators.mean()
    spread = f"from {low:,.0f} to {high:,.0f} a month"
    if low < SMALL_DENOMINATOR:
        return "p", (
            f"some months have few cases (as few as {low:,.0f}; {spread}), so each month's limits are set by its "
            "own number of cases; an XmR chart would assume comparable months"
        )
    if ((denominators - mean).abs() > DENOMINATOR_SPREAD * mean).any():
        return "p", (
            f"the number of cases varies widely ({spread}), so each month's limits are set by its own number "
            "of cases; an XmR chart would assume comparable months"
        )
    return "xmr", f"the number of cases is much the same each month ({spread})"


def _what_to_chart(a: Analysis, numerators, denominators):
    """Set ``a.charted`` and ``a.method`` from the aggregation; return the counts for a p chart."""
    aggregation = a.info.get("aggregation", "") or "in_month"
    series = a.series
    has_counts = (
        a.info["unit"] == "percent"
        and numerators is not None
        and denominators is not None
        and numerators.reindex(series.index).notna().all()
        and denominators.reindex(series.index).notna().all()
    )
    counts = None
    if has_counts:
        counts = (
            numerators.reindex(series.index).astype("float64"),
            denominators.reindex(series.index).astype("float64"),
        )
    a.counts = a.charted_counts = counts
    n = rolling_months(aggregation)
    if aggregation == "year_to_date" and counts is not None:
        num, den, dropped = in_month_from_year_to_date(*counts)
        if dropped:
            a.notes.append(
                f"{len(dropped)} month(s) cannot be turned into in-month values (no month before in the same "
                f"year, or year-to-date counts that fall) and are left off the chart: "
                f"{', '.join(month_name(m) for m in dropped)}."
            )
        a.charted = (100 * num / den).rename(None)
        counts = a.charted_counts = (num, den)
        a.method_reason = (
            "The published figure is for the year to date, and neighbouring year-to-date values share "
            "most of their months, so the chart shows each month's own value, worked out from the "
            "year-to-date numerators and denominators (this month's minus last month's, the year starting "
            "in April)."
        )
    elif aggregation in ("year_to_date", "cumulative") or n is not None:
        a.charted, a.method = series, "run"
        if n is not None:
            why = f"each value covers {n} months, so neighbouring values share {n - 1} of them"
        elif aggregation == "cumulative":
            why = "a running total carries every earlier month in it and can only rise"
        else:
            why = (
                "a year-to-date figure shares most of its months with the month before, and the extract "
                "gives no counts from which to work out each month's own value"
            )
        a.method_reason = (
            f"This is a run chart with no control limits: {why}. Its points are not independent, so "
            "Making Data Count's limits and rules would signal change that is not there."
        )
        return None
    else:
        a.charted = series
    if counts is not None:
        a.method, reason = choose_chart(counts[1])
        chart_name = "a p chart" if a.method == "p" else "an XmR chart"
        a.method_reason = f"{a.method_reason} This is {chart_name}: {reason}.".strip()
    else:
        a.method = "xmr"
    return counts


def _run_since(result: spc.XmR) -> pd.Period | None:
    """Where a run on one side of the mean that reaches the latest point began, or None."""
    d = result.data
    if not d["run"].iloc[-1]:
        return None
    side = (d["value"] > d["mean"]).to_numpy() if d["value"].iloc[-1] > d["mean"].iloc[-1] else None
    if side is None:
        side = (d["value"] < d["mean"]).to_numpy()
    start = len(side) - 1
    while start > 0 and side[start - 1]:
        start -= 1
    return d.index[start]


def _meets(value: float, target: float, polarity: str) -> bool:
    return value >= target if polarity == "higher_is_better" else value <= target


def _judge_assurance(a: Analysis, values, counts, bounds, settings: Settings) -> None:
    """Assurance on the current limits, or on the months since a shift that reaches the latest month."""
    polarity, target = a.info["polarity"], a.target
    a.assurance = spc.assurance_icon(a.current, target, polarity)
    if a.rebased_at is None:
        a.shift_since = _run_since(a.current)
    if a.shift_since is not None:
        side = "above" if a.current.data["value"].iloc[-1] > a.current.data["mean"].iloc[-1] else "below"
        a.notes.append(
            f"Every month since {month_name(a.shift_since)} is {side} the mean: the process appears to have "
            f"changed since {month_name(a.shift_since)}, and no change date is recorded to recalculate the limits from."
        )
        if a.assurance == "none":
            return
        recent = values.loc[a.shift_since : a.month - 1].iloc[:RECALCULATION_MONTHS]
        if len(recent) >= settings.min_points:
            a.recent = _phase(
                values.loc[a.shift_since :],
                counts,
                a.method,
                bounds,
                recent.index[0],
                recent.index[-1],
                settings.min_points,
                [],
                "",
            )
            a.assurance = spc.assurance_icon(a.recent, target, polarity)
            a.notes.append(
                f"Assurance is judged on limits from the {len(recent)} months from {month_name(recent.index[0])} "
                f"to {month_name(recent.index[-1])}."
            )
        else:
            recent_values = values.loc[a.shift_since :]
            met = sum(_meets(v, target, polarity) for v in recent_values)
            a.assurance = ASSURANCE_NOT_JUDGED
            # The limits never rest on the month being judged, so count the months before it.
            a.notes.append(
                f"Assurance against the target is not yet judged: new limits need {settings.min_points} months "
                f"since then before the latest, and there {'is' if len(recent) == 1 else 'are'} {len(recent)} "
                f"({met} of the {len(recent_values)} months since then, the latest included, meet the target)."
            )
        return
    if a.assurance in ("pass", "fail"):
        recent_values = values.iloc[-3:]
        met = [_meets(v, target, polarity) for v in recent_values]
        if a.assurance == "fail" and all(met) or a.assurance == "pass" and not any(met):
            a.notes.append(
                f"The last {len(met)} months {'meet' if all(met) else 'miss'} the target although the limits say it "
                f"will {'consistently fail' if a.assurance == 'fail' else 'consistently pass'}: the limits describe "
                "the process over their baseline months, and these months have not (yet) changed them."
            )


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _comparator_level(value: float, polarity: str, given: dict, info: pd.Series) -> Level:
    """The level against England and the statistical neighbours (see :func:`level_of`)."""
    england = _number(given.get("England", info.get("comparator_england")))
    neighbours = _number(given.get("statistical neighbours", info.get("comparator_statistical_neighbours")))
    low, high = _number(given.get("neighbour_min")), _number(given.get("neighbour_max"))
    source = str(given.get("source", info.get("comparator_source", "")) or "")
    if england is None and neighbours is None:
        return Level()
    # The worst neighbour on the worse side: the range's end when known, else their figure.
    worst = (low if polarity == "higher_is_better" else high) if low is not None and high is not None else neighbours
    worse_than_all = all(not _meets(value, b, polarity) for b in (england, worst) if b is not None)
    meets_all = all(_meets(value, b, polarity) for b in (england, neighbours) if b is not None)
    state = "short" if worse_than_all else "meets" if meets_all else "between"
    benchmark = neighbours if neighbours is not None else england
    return Level(state, "comparators", benchmark, source, england, neighbours, low, high)


def level_of(a: Analysis, comparators: dict | None = None) -> Level:
    """The latest published value against the first benchmark the indicator has.

    Parameters
    ----------
    a : Analysis
    comparators : dict, optional
        ``{"statistical neighbours": value, "England": value, "neighbour_min": value,
        "neighbour_max": value, "source": text}`` for this indicator (DfE's published figures,
        :func:`level_comparators`); without it the catalogue's comparator columns are used.

    Returns
    -------
    Level
        Against, in order, the target, the floor and the comparators (:data:`BENCHMARKS`). A
        target or floor: ``"short"`` on the worse side, ``"meets"`` at it or better. The
        comparators: ``"short"`` when the value is *well below* them (worse than England and
        than every neighbour with a figure, or than the neighbours' figure when no range is
        known), ``"meets"`` when at or better than both England and the neighbours' average,
        ``"between"`` otherwise. Unknown without a benchmark, for an indicator with no better
        direction, or when the report month has no value.
    """
    info, polarity = a.info, a.info["polarity"]
    if polarity == "neutral" or not a.has_latest:
        return Level()
    value = float(a.series.iloc[-1])
    for kind, benchmark, source in (
        ("target", info.get("target"), "the catalogue or the configuration"),
        ("floor", info.get("floor"), info.get("floor_source", "")),
    ):
        if benchmark is not None and not pd.isna(benchmark):
            state = "meets" if _meets(value, float(benchmark), polarity) else "short"
            return Level(state, kind, float(benchmark), str(source or ""))
    return _comparator_level(value, polarity, comparators or {}, info)


def published_comparators(table: pd.DataFrame, catalogue: pd.DataFrame) -> dict:
    """DfE's figures (``comparators.indicator_comparators``) as the level's comparators.

    Only an indicator mapped to a DfE measure with the same definition or the same thing
    measured differently (:data:`JUDGED_RELATIONS`), in the same unit, with a published
    England or neighbour figure; a "context" figure never judges a level.

    Returns
    -------
    dict
        ``{code: {"England", "statistical neighbours", "neighbour_min", "neighbour_max",
        "source"}}``.
    """
    out = {}
    if table is None or table.empty:
        return out
    for code, row in table.iterrows():
        if code not in catalogue.index or row["dfe_relation"] not in JUDGED_RELATIONS:
            continue
        if row["unit"] != catalogue.loc[code, "unit"]:
            continue
        if pd.isna(row["england"]) and pd.isna(row["neighbour_mean"]):
            continue
        out[code] = {
            "England": row["england"],
            "statistical neighbours": row["neighbour_mean"],
            "neighbour_min": row["neighbour_min"],
            "neighbour_max": row["neighbour_max"],
            "source": row["source"],
        }
    return out


def level_comparators(table: pd.DataFrame) -> dict:
    """The level's comparators from the edition's DfE table (``comparators.edition_comparators``).

    The same figures the theme pages and the summary show beside each indicator, so the level
    is judged on what the reader sees; see :func:`published_comparators` for which count.
    """
    from improvement_report.inputs.catalogue import load_catalogue

    if table is None or table.empty:
        return {}
    return published_comparators(table, load_catalogue())


def analyse(
    series: pd.Series,
    info: pd.Series,
    month,
    settings: Settings,
    code: str = "",
    numerators: pd.Series | None = None,
    denominators: pd.Series | None = None,
    comparators: dict | None = None,
) -> Analysis:
    """Chart one indicator and name its icons.

    Parameters
    ----------
    series : pandas.Series
        Monthly values indexed by Period; missing values are dropped.
    info : pandas.Series
        The indicator's catalogue row (unit, aggregation, polarity, target, ...).
    month : str or Period
        The report month.
    settings : Settings
    code : str
    numerators, denominators : pandas.Series, optional
        A percentage's monthly counts (indexed like ``series``): they turn a year-to-date
        series into in-month values and allow a p chart.
    comparators : dict, optional
        Published comparators for the level (see :func:`level_of`).

    Returns
    -------
    Analysis
        ``method`` says what was drawn; with no limits (a run chart, a flat series, fewer than
        two values) ``current`` is None and the variation icon is ``"not_judged"`` (or
        ``"none"`` for too few values).
    """
    month = pd.Period(month, "M")
    series = series.dropna().astype("float64").sort_index().loc[:month]
    out = Analysis(code, info, month, series)
    out.level = level_of(out, comparators)
    if len(series) < 2:
        out.notes.append("There are fewer than two months with a value, so no control chart can be drawn.")
        return out
    counts = _what_to_chart(out, numerators, denominators)
    values = out.charted
    if values.nunique() == 1:
        out.method = "flat"
        out.variation = VARIATION_NOT_JUDGED
        out.assurance = "none" if out.target is None or info["polarity"] == "neutral" else ASSURANCE_NOT_JUDGED
        out.method_reason = (
            f"The value is {values.iloc[0]:g} in every month from {month_name(values.index[0])} to "
            f"{month_name(values.index[-1])}: with no variation there is nothing for a chart to show."
        )
        return out
    if out.method == "run" or len(values) < 2:
        out.method = "run" if len(values) >= 2 else "none"
        out.variation = VARIATION_NOT_JUDGED
        out.assurance = "none" if out.target is None or info["polarity"] == "neutral" else ASSURANCE_NOT_JUDGED
        return out
    bounds = _bounds(info)
    first_month = values.index[0]
    start, end = _period(settings.baseline_start), _period(settings.baseline_end)
    rebase = _period(settings.rebase.get(code))
    if rebase is not None and not (first_month < rebase <= values.index[-1]):
        rebase = None  # outside the months shown: nothing to recalculate
    after = values.loc[rebase:] if rebase is not None else None
    # The recalculated limits rest on the months from the change, never the month judged.
    fixed = after.loc[: month - 1].iloc[:RECALCULATION_MONTHS] if after is not None else None
    if rebase is None:
        out.chart = out.current = _phase(
            values, counts, out.method, bounds, start, end, settings.min_points, out.notes, ""
        )
    elif len(fixed) < 2:
        since = "no month" if len(fixed) == 0 else "only 1 month"
        out.notes.append(
            f"Limits are to be recalculated from {month_name(rebase)}, but {since} before the month judged has a "
            "value since, so the earlier limits are used."
        )
        out.chart = out.current = _phase(
            values, counts, out.method, bounds, start, end, settings.min_points, out.notes, ""
        )
    else:
        out.rebased_at = rebase
        out.current = _phase(
            after,
            counts,
            out.method,
            bounds,
            fixed.index[0],
            fixed.index[-1],
            settings.min_points,
            out.notes,
            "recalculated ",
        )
        before = values.loc[: rebase - 1]
        out.chart = (
            _combine(
                _phase(
                    before,
                    counts,
                    out.method,
                    bounds,
                    start,
                    min(end, rebase - 1) if end else None,
                    settings.min_points,
                    [],
                    "",
                ),
                out.current,
            )
            if len(before) >= 2
            else out.current
        )
    out.variation = spc.variation_icon(out.current, info["polarity"])
    _judge_assurance(out, values, counts, bounds, settings)
    return out


def _counts_of(rows: pd.DataFrame, column: str) -> pd.Series | None:
    if column not in rows.columns or rows[column].isna().all():
        return None
    return pd.Series(rows[column].to_numpy(dtype="float64"), index=pd.PeriodIndex(rows.month, freq="M"))


def analyse_all(data: ThemeData, codes=None) -> list[Analysis]:
    """:func:`analyse` for ``codes`` (default: every indicator), in catalogue order by theme."""
    catalogue = data.catalogue.sort_values("theme", kind="stable")
    codes = list(catalogue.index) if codes is None else codes
    out = []
    for code in codes:
        rows = data.frame[data.frame.code == code]
        rows = rows[rows.value.notna()]
        series = pd.Series(rows.value.to_numpy(), index=pd.PeriodIndex(rows.month, freq="M"))
        out.append(
            analyse(
                series,
                catalogue.loc[code],
                data.month,
                data.settings,
                code,
                _counts_of(rows, "numerator"),
                _counts_of(rows, "denominator"),
                data.comparators.get(code),
            )
        )
        out[-1].parts = _parts_of(rows)
    return out


def _parts_of(rows: pd.DataFrame) -> tuple:
    """The parts' counts of an indicator (see :attr:`Analysis.parts`), as Series by month."""
    if "parts" not in rows.columns or not rows.parts.map(lambda p: isinstance(p, tuple)).all() or rows.empty:
        return ()
    index = pd.PeriodIndex(rows.month, freq="M")
    count = len(rows.parts.iloc[0])
    return tuple(
        (
            pd.Series([p[i][0] for p in rows.parts], index=index, dtype="float64"),
            pd.Series([p[i][1] for p in rows.parts], index=index, dtype="float64"),
        )
        for i in range(count)
    )


def theme_analyses(data: ThemeData, theme: int) -> list[Analysis]:
    """The analyses of one theme's indicators."""
    codes = [
        c for c in data.catalogue.sort_values("theme", kind="stable").index if data.catalogue.loc[c, "theme"] == theme
    ]
    return analyse_all(data, codes)
