"""An indicator's judgement in words: values in their unit, changes, records, rules and icons."""

import pandas as pd

from improvement_report.core.periods import month_name
from improvement_report.inputs.coverage import months_words
from improvement_report.measures.judgements import Analysis
from improvement_report.render import wording as narrative
from improvement_report.render.escape import escape
from improvement_report.render.spc_words import CHART_NAMES, VARIATION_WORDS
from improvement_report.render.suppression import SMALL_WORDS
from improvement_report.render.wording import number

#: A record ("highest since ...") is worth a sentence only when it beats this many months.
MIN_RECORD_MONTHS = 3


def fmt(value, unit: str) -> str:
    """A value in its unit: ``57.0%``, ``499``, ``21.7``, ``12 days``; a dash when missing."""
    if value is None or pd.isna(value):
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count":
        return number(value) if float(value).is_integer() else f"{value:,.1f}"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.1f}"


#: Said in place of a value that rests on a count of 1 to 5 (see :mod:`improvement_report.render.suppression`).
NOT_SHOWN = "not shown"
NOT_SHOWN_WHY = f"it rests on {SMALL_WORDS} children or cases"


def published(a: Analysis, month=None) -> bool:
    """Whether the indicator's value for ``month`` (default: its latest) may be published."""
    if not len(a.series):
        return False
    return (a.series.index[-1] if month is None else month) not in a.hidden


def latest_text(a: Analysis) -> str:
    """The latest value in its unit, or ``not shown`` when it rests on a count of 1 to 5."""
    if not len(a.series):
        return "-"
    return fmt(a.series.iloc[-1], a.info["unit"]) if published(a) else NOT_SHOWN


def hidden_note(a: Analysis) -> str:
    """The sentence under an indicator with months not drawn (empty when every month is drawn)."""
    n = len(a.charted_hidden)
    if not n:
        return ""
    months = "1 month is" if n == 1 else f"{n} months are"
    return (
        f"{months} not drawn and not given in the download, because {'its value rests' if n == 1 else 'their values rest'} "
        f"on {SMALL_WORDS} children or cases; the limits, the signals and the icons are computed on every month."
    )


def change_words(now: float, before: float, unit: str) -> str:
    """``up 2.0 points``, ``down 12``, ``no change``: a percentage changes by points."""
    diff = now - before
    if round(diff, 1) == 0:
        return "no change"
    size = f"{abs(diff):.1f} points" if unit == "percent" else fmt(abs(diff), "count" if unit == "count" else unit)
    return f"{'up' if diff > 0 else 'down'} {size}"


def change_sentence(a: Analysis) -> str:
    """Latest value with its change on the month and on the year (where those months exist)."""
    unit, s = a.info["unit"], a.series
    last = s.index[-1]
    if not published(a):
        text = (
            f"The value for {month_name(last)} is {NOT_SHOWN}: {NOT_SHOWN_WHY}, so its change on the month and on "
            "the year is not given either"
        )
        if not a.has_latest:
            text += f". There is no value for {month_name(a.month)}, the report month"
        return text + "."
    text = f"**{fmt(s.iloc[-1], unit)}** in {month_name(last)}"
    parts = []
    for back, label in ((1, "the month before"), (12, "a year earlier")):
        then = last - back
        if then in s.index and not published(a, then):
            parts.append(f"no change on {label} is given ({month_name(then)}: {NOT_SHOWN}, {NOT_SHOWN_WHY})")
        elif then in s.index:
            parts.append(
                f"{change_words(s.iloc[-1], s[then], unit)} on {label} ({month_name(then)}: {fmt(s[then], unit)})"
            )
        else:
            parts.append(f"no value for {label} ({month_name(then)}) to compare with")
    text += "; " + " and ".join(parts)
    if not a.has_latest:
        text += f". There is no value for {month_name(a.month)}, the report month"
    return text + "."


def target_sentence(a: Analysis, published_follow: bool = False) -> str:
    """The target and the comparators the catalogue gives, with their source."""
    unit, info = a.info["unit"], a.info
    target = f"Target {fmt(a.target, unit)}" if a.target is not None else "No target is set"
    comparators = [
        (label, info[col])
        for col, label in (
            ("comparator_statistical_neighbours", "statistical neighbours"),
            ("comparator_england", "England"),
            ("comparator_previous_year", "previous year"),
        )
        if not pd.isna(info[col])
    ]
    standard = standard_sentence(a)
    if not comparators:
        # DfE's published figures, when they follow, are the comparators.
        return f"{target}.{standard}" if published_follow else f"{target}; no comparators are recorded.{standard}"
    listed = ", ".join(f"{label} {fmt(v, unit)}" for label, v in comparators)
    source = f" (source: {escape(info['comparator_source'])})" if info["comparator_source"] else ""
    return f"{target}. Comparators: {listed}{source}.{standard}"


def standard_sentence(a: Analysis) -> str:
    """The national statutory standard the catalogue records, with its source, and what it judges.

    Empty when none is recorded. A standard sets a timescale for each child; where the catalogue
    holds no floor from it (the guidance sets no share of cases to reach) the sentence says that
    the level is not judged against it.
    """
    standard = str(a.info.get("standard", "") or "")
    if not standard:
        return ""
    source = escape(a.info.get("standard_source", ""))
    floor = a.info.get("floor")
    judged = (
        f" The floor of {fmt(floor, a.info['unit'])} is judged as the level's benchmark."
        if floor is not None and not pd.isna(floor)
        else " It sets a timescale for every child, not a share of cases to reach, so it gives no floor and the "
        "level is not judged against it."
    )
    return f" Statutory standard: {escape(standard)} ({source}).{judged}"


def _streak(flags) -> int:
    """How many Trues in a row end the sequence."""
    n = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        n += 1
    return n


def record_words(a: Analysis) -> str:
    """``at its highest since April YYYY (31.0%)`` when the latest value beats at least
    ``MIN_RECORD_MONTHS`` earlier months; empty otherwise."""
    s, unit = a.series, a.info["unit"]
    if len(s) <= MIN_RECORD_MONTHS or not published(a):
        return ""
    kind = "highest" if s.iloc[-1] >= s.iloc[:-1].mean() else "lowest"
    rec = narrative.record_since(s, s.index[-1], kind)
    if rec.months_beaten < MIN_RECORD_MONTHS or (rec.since is not None and not published(a, rec.since)):
        return ""
    return f"at its {narrative.since_words(rec, kind, lambda v: fmt(v, unit))}"


def signal_words(a: Analysis) -> str:
    """Which Making Data Count rule the latest point meets, and what it means, in one phrase.

    E.g. "a run of 9 months above the mean: special cause improvement".
    """
    d = a.current.data
    latest = d.iloc[-1]
    high = latest["direction"] == "high"
    side = "above" if high else "below"
    values = d["value"].to_numpy()
    limit = latest["ucl" if high else "lcl"]
    # Not given for a hidden month: the limit would bound the value (and a p chart's, its total).
    limit = "" if d.index[-1] in a.charted_hidden else f" ({fmt(limit, a.info['unit'])})"
    if latest["beyond_limits"]:
        rule = f"{side} the {'upper' if high else 'lower'} process limit{limit}"
    elif latest["run"]:
        rule = (
            f"a run of {_streak(values > a.current.mean if high else values < a.current.mean)} months {side} the mean"
        )
    elif latest["trend"]:
        steps = (values[1:] > values[:-1]) if high else (values[1:] < values[:-1])
        rule = f"a trend of {_streak(steps) + 1} months each {'higher' if high else 'lower'} than the last"
    elif latest["two_of_three"]:
        rule = f"two of the last three months more than two sigma {side} the mean"
    else:
        return "within the process limits with no run or trend: common cause variation"
    return f"{rule}: {VARIATION_WORDS[a.variation]}"


def assurance_words(a: Analysis) -> str:
    """What the assurance icon says, with the limits and the target."""
    unit = a.info["unit"]
    if a.assurance == "none":
        return (
            "no target is set, so there is no assurance icon"
            if a.target is None
            else "with no better direction there is no assurance icon"
        )
    if a.assurance == "not_judged":
        if a.current is None:
            return f"with no control limits, whether it will meet the target of {fmt(a.target, unit)} is not judged"
        return (
            f"not yet judged against the target of {fmt(a.target, unit)}: the process appears to have changed "
            f"since {month_name(a.shift_since)}, too recently for new limits"
        )
    judged = a.recent if a.recent is not None else a.current
    limits = f"the process limits ({fmt(judged.lcl, unit)} to {fmt(judged.ucl, unit)})"
    if a.recent is not None:
        limits = (
            f"the process limits since {month_name(a.shift_since)} ({fmt(judged.lcl, unit)} to {fmt(judged.ucl, unit)})"
        )
    target = fmt(a.target, unit)
    if a.assurance == "hit_and_miss":
        return (
            f"the target of {target} lies within {limits}: hit and miss, it will be met in some months and not others"
        )
    good = a.info["polarity"] == "higher_is_better"
    above = (a.assurance == "pass") == good
    return (
        f"{limits} lie {'above' if above else 'below'} the target of {target}: "
        f"it will {'consistently pass' if a.assurance == 'pass' else 'consistently fail'} unless the process changes"
    )


def level_words(a: Analysis, markup: bool = True) -> str:
    """The latest value against its target, floor or comparators: ``"18.1% is worse than the target of 18.0%"``.

    ``markup=False`` leaves the comparators' source unescaped, for a table cell (the table
    escapes its cells); otherwise it is escaped for a page's Markdown.
    """
    level, unit = a.level, a.info["unit"]
    if level.state == "unknown":
        if a.info["polarity"] == "neutral":
            return "with no better direction, its level is not judged"
        if not a.has_latest:
            return "with no value for the report month, its level is not judged"
        return "no target, floor or published comparator is recorded, so its level is not judged"
    if not published(a):
        what = f"the {level.kind}" if level.kind in ("target", "floor") else "its comparators"
        return f"the latest value is {NOT_SHOWN} ({NOT_SHOWN_WHY}), so how it compares with {what} is not stated"
    value = fmt(a.series.iloc[-1], unit)
    if level.kind in ("target", "floor"):
        verdict = "meets or betters" if level.state == "meets" else "is worse than"
        return f"{value} {verdict} the {level.kind} of {fmt(level.benchmark, unit)}"
    return f"{value} {comparator_verdict(level, unit, markup)}"


def comparator_verdict(level, unit: str, markup: bool = True) -> str:
    """How a value stands against England and the statistical neighbours, with the figures and their source."""
    ranged = level.neighbour_low is not None and level.neighbour_high is not None
    figures, names = [], []
    if level.england is not None:
        figures.append(f"England {fmt(level.england, unit)}")
        names.append("England")
    if level.neighbours is not None:
        spread = f"{fmt(level.neighbour_low, unit)} to {fmt(level.neighbour_high, unit)}, " if ranged else ""
        figures.append(f"statistical neighbours {spread}average {fmt(level.neighbours, unit)}")
        names.append("every statistical neighbour" if ranged else "the statistical neighbours' figure")
    source = f"; {escape(level.source) if markup else level.source}" if level.source else ""
    listed = f"({'; '.join(figures)}{source})"
    if level.state == "short":
        return f"is well below its comparators: worse than {' and than '.join(names)} {listed}"
    if level.state == "meets":
        both = " and ".join(n if n == "England" else "the neighbours' average" for n in names)
        return f"is at or better than {both} {listed}"
    return f"lies among its comparators, neither well below them nor better than both {listed}"


def chart_words(a: Analysis) -> str:
    """Which chart is drawn and why, in a sentence or two."""
    name = CHART_NAMES.get(a.method)
    if a.method in ("p", "xmr") and a.method_reason:
        return a.method_reason
    if a.method in ("p", "xmr"):
        return f"This is an {name}." if a.method == "xmr" else f"This is a {name}."
    return a.method_reason


def reading(a: Analysis) -> str:
    """The computed reading: which chart and why, record, rule, icons, level and notes."""
    level = f" Level: {level_words(a)}." if a.info["polarity"] != "neutral" else ""
    if a.current is None:
        parts = [chart_words(a)] if a.method in ("run", "flat") else []
        if a.method in ("run", "flat") and a.assurance != "none":
            parts.append(f"Assurance: {assurance_words(a)}.")
        return " ".join([*parts, *a.notes]).strip() + level
    record = record_words(a)
    lead = f"The latest value is {record}; " if record else "The latest value is "
    text = f"{chart_words(a)} {lead}{signal_words(a)}. Assurance: {assurance_words(a)}.{level}"
    if a.rebased_at is not None:
        text += f" Limits recalculated from {month_name(a.rebased_at)}."
    return text + "".join(f" {n}" for n in a.notes)


def missing_months_note(data) -> str | None:
    """The sentence a theme page or the summary shows when the report month asked for is after the
    last month with data (an edition allowed to be partial); None otherwise.

    Parameters
    ----------
    data : improvement_report.measures.judgements.ThemeData
    """
    gap = data.months_without_data
    if len(gap) == 0:
        return None
    one = len(gap) == 1
    return (
        f"This edition's report month is {month_name(data.asked)}, but no indicator has data after "
        f"{month_name(data.month)}: {months_words(gap)} {'has' if one else 'have'} no data, so "
        f"{'it is' if one else 'they are'} not drawn or counted as zero, and this page reads every indicator "
        f"as of {month_name(data.month)}, the last month with data."
    )
