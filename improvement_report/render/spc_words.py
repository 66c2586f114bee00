"""Making Data Count in words: the one source of the SPC sentences and point thresholds.

:data:`VARIATION_WORDS` and :data:`ASSURANCE_WORDS` name every state an icon can show; every
page (icons, alt text, readings, the summary) takes its words from here, so a plain-English
line written elsewhere can be put in front of them.
"""

from improvement_report.render.wording import number
from improvement_report.stats import spc

MIN_SPC_POINTS = 2
RELIABLE_SPC_POINTS = 12  # Making Data Count: fewer points than this make the limits unreliable

VARIATION_WORDS = {
    "common_cause": "common cause variation",
    "improvement_high": "special cause improvement (high)",
    "improvement_low": "special cause improvement (low)",
    "concern_high": "special cause concern (high)",
    "concern_low": "special cause concern (low)",
    "neither_high": "special cause variation, higher, no better direction",
    "neither_low": "special cause variation, lower, no better direction",
    "not_judged": "not judged by limits (a run chart, or no variation)",
    "none": "too few points to judge variation",
}
ASSURANCE_WORDS = {
    "pass": "consistently passes the target",
    "fail": "consistently fails the target",
    "hit_and_miss": "hit and miss against the target",
    "not_judged": "not yet judged against the target",
    "none": "no target to judge against",
}
#: What each chart is called on the page.
# Plain English first: what each icon means for a member, before the technical words above.
PLAIN_VARIATION = {
    "common_cause": "No real change: the ups and downs are month-to-month noise",
    "improvement_high": "Higher than usual, and better: a real change, not month-to-month noise",
    "improvement_low": "Lower than usual, and better: a real change, not month-to-month noise",
    "concern_high": "Higher than usual, and worse: a real change, not month-to-month noise",
    "concern_low": "Lower than usual, and worse: a real change, not month-to-month noise",
    "neither_high": "Higher than usual: a real change, not month-to-month noise",
    "neither_low": "Lower than usual: a real change, not month-to-month noise",
    "not_judged": "Not judged for change: this measure has no limits to test it against",
    "none": "Too few months to tell whether anything has changed",
}
PLAIN_ASSURANCE = {
    "pass": "On track: it will meet its target every month unless something changes",
    "fail": "Off track: it will miss its target every month unless something changes",
    "hit_and_miss": "Sometimes on target: it will meet the target in some months and miss it in others",
    "not_judged": "Not yet judged against its target",
    "none": "No target is set",
}


def plain_verdict(variation: str, assurance: str) -> str:
    """The two icons in plain English, as two sentences: what changed, and whether the target will be met."""
    return f"{PLAIN_VARIATION[variation]}. {PLAIN_ASSURANCE[assurance]}."


CHART_NAMES = {"xmr": "XmR chart", "p": "p chart", "run": "run chart"}


def icon_words(icon: str) -> str:
    """The variation icon's name in words, with its side."""
    return VARIATION_WORDS[icon]


def spc_reading(result: spc.XmR | None, what: str) -> str:
    """Which Making Data Count rules fire in the latest months, in words."""
    if result is None:
        return f"There are too few months of {what} for a control chart (at least {MIN_SPC_POINTS} are needed)."
    short = (
        f" The limits rest on only {len(result.data)} months, so read them with caution."
        if len(result.data) < RELIABLE_SPC_POINTS
        else ""
    )
    d = result.data
    recent = d.iloc[-6:]
    rules = {
        "beyond_limits": "a point beyond the process limits",
        "run": "a run of 7 or more on one side of the mean",
        "trend": "a trend of 7 or more rising or falling",
        "two_of_three": "two of three points beyond 2 sigma",
    }
    fired = [text for col, text in rules.items() if recent[col].any()]
    latest = d.iloc[-1]
    where = (
        f"The latest value, {number(latest.value)}, is "
        f"{'above' if latest.value > result.mean else 'below'} the mean of {number(result.mean)} "
        f"(process limits {number(result.lcl)} to {number(result.ucl)})."
    )
    if not fired:
        return (
            f"{where} No Making Data Count rule fires in the last six months of {what}: common cause variation.{short}"
        )
    return (
        f"{where} In the last six months of {what} the chart shows {', and '.join(fired)}: "
        f"special cause variation.{short}"
    )
