"""An indicator's judgement in words: values in their unit, changes, records, rules and icons."""

import pandas as pd

from improvement_report.core.periods import month_name
from improvement_report.measures.judgements import Analysis
from improvement_report.render import icons
from improvement_report.render import wording as narrative
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
    text = f"**{fmt(s.iloc[-1], unit)}** in {month_name(last)}"
    parts = []
    for back, label in ((1, "the month before"), (12, "a year earlier")):
        then = last - back
        if then in s.index:
            parts.append(
                f"{change_words(s.iloc[-1], s[then], unit)} on {label} ({month_name(then)}: {fmt(s[then], unit)})"
            )
        else:
            parts.append(f"no value for {label} ({month_name(then)}) to compare with")
    text += "; " + " and ".join(parts)
    if not a.has_latest:
        text += f". There is no value for {month_name(a.month)}, the report month"
    return text + "."


def target_sentence(a: Analysis) -> str:
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
    if not comparators:
        return f"{target}; no comparators are recorded."
    listed = ", ".join(f"{label} {fmt(v, unit)}" for label, v in comparators)
    source = f" (source: {info['comparator_source']})" if info["comparator_source"] else ""
    return f"{target}. Comparators: {listed}{source}."


def _streak(flags) -> int:
    """How many Trues in a row end the sequence."""
    n = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        n += 1
    return n


def record_words(a: Analysis) -> str:
    """``at its highest since April 2017 (31.0%)`` when the latest value beats at least
    ``MIN_RECORD_MONTHS`` earlier months; empty otherwise."""
    s, unit = a.series, a.info["unit"]
    if len(s) <= MIN_RECORD_MONTHS:
        return ""
    kind = "highest" if s.iloc[-1] >= s.iloc[:-1].mean() else "lowest"
    rec = narrative.record_since(s, s.index[-1], kind)
    if rec.since is None:
        return f"at its {kind} since the series began in {month_name(s.index[0])}"
    beaten = (s.index[-1] - rec.since).n
    if rec.since == rec.at or beaten < MIN_RECORD_MONTHS:
        return ""
    return f"at its {kind} since {month_name(rec.last_as_extreme)} ({fmt(rec.last_value, unit)})"


def signal_words(a: Analysis) -> str:
    """Which Making Data Count rule the latest point meets, and what it means, in one phrase.

    E.g. "a run of 9 months above the mean: special cause improvement".
    """
    d = a.current.data
    latest = d.iloc[-1]
    high = latest["direction"] == "high"
    side = "above" if high else "below"
    values = d["value"].to_numpy()
    if latest["beyond_limits"]:
        rule = f"{side} the {'upper' if high else 'lower'} process limit ({fmt(latest['ucl' if high else 'lcl'], a.info['unit'])})"
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
    return f"{rule}: {icons.VARIATION_WORDS[a.variation]}"


def assurance_words(a: Analysis) -> str:
    """What the assurance icon says, with the limits and the target."""
    unit = a.info["unit"]
    if a.assurance == "none":
        return (
            "no target is set, so there is no assurance icon"
            if a.target is None
            else "with no better direction there is no assurance icon"
        )
    limits = f"the process limits ({fmt(a.current.lcl, unit)} to {fmt(a.current.ucl, unit)})"
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


def reading(a: Analysis) -> str:
    """The one-line computed reading: record, rule and icons."""
    if a.current is None:
        return " ".join(a.notes)
    record = record_words(a)
    lead = f"The latest value is {record}; " if record else "The latest value is "
    text = f"{lead}{signal_words(a)}. Assurance: {assurance_words(a)}."
    if a.rebased_at is not None:
        text += f" Limits recalculated from {month_name(a.rebased_at)}."
    return text + "".join(f" {n}" for n in a.notes)
