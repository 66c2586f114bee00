"""The data page: which files were read, what they cover, and which rows each analysis left out and why.

Nothing is dropped silently: every row that a figure does not count is counted here, by reason.
"""

import pandas as pd

from improvement_report.core.paths import REPO_ROOT, resolve
from improvement_report.core.periods import in_date_window, month_end, month_name
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import missing_episodes


def load(data_dir):
    """Load and validate every extract in ``data_dir``, as the build does."""
    return load_extracts(resolve(data_dir), indicator_codes=set(load_catalogue().index))


def _shown_path(path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.name  # outside the repository: do not publish the machine's folder layout


def files_table(extracts) -> pd.DataFrame:
    """One row per file read: rows and ignored extra columns."""
    t = pd.DataFrame(
        [
            {
                "File": f.file,
                "Read from": _shown_path(f.path),
                "Rows": f.rows,
                "Columns ignored": ", ".join(f.ignored_columns) or "none",
            }
            for f in extracts.files
        ]
    ).set_index("File")
    return t


def coverage_table(extracts) -> pd.DataFrame:
    """The dates each file covers."""
    spans = {
        "early_help_episodes.csv": (extracts.caf, "start_date", "CAF start dates"),
        "strategy_discussions.csv": (extracts.strategy, "held_at", "dates held"),
        "missing_episodes.csv": (extracts.missing, "start", "dates gone missing"),
        "indicators.csv": (extracts.indicators, "month", "months"),
    }
    rows = {}
    for name, (df, col, what) in spans.items():
        if df is None or df.empty:
            rows[name] = {"Covers": what, "First": "-", "Last": "-"}
            continue
        fmt = "%b %Y" if col == "month" else "%d %b %Y"
        rows[name] = {"Covers": what, "First": df[col].min().strftime(fmt), "Last": df[col].max().strftime(fmt)}
    t = pd.DataFrame(rows).T
    t.index.name = "File"
    return t


def exclusions_table(extracts, report_month, window_start, window_end) -> pd.DataFrame:
    """Rows left out of some figures, by file and reason, with what happens to them."""
    e = month_end(report_month)
    month = month_name(report_month)
    caf, sd, me, ind = extracts.caf, extracts.strategy, extracts.missing, extracts.indicators
    rows = []

    def add(file, reason, n, treatment):
        rows.append({"File": file, "Reason": reason, "Rows": int(n), "What happens to them": treatment})

    add(
        "early_help_episodes.csv",
        f"started after {month}",
        (caf.start_date > e).sum(),
        "outside the period: not in any figure for this month",
    )
    add(
        "early_help_episodes.csv",
        "locality blank",
        caf.locality.isna().sum(),
        "counted everywhere; shown as 'Not recorded' by locality",
    )
    sd_in = in_date_window(sd.held_at, window_start, window_end)
    add("strategy_discussions.csv", "held outside the window", (~sd_in).sum(), "not in the window's figures")
    add(
        "strategy_discussions.csv",
        "no time recorded",
        (~sd.time_known).sum(),
        "'time unknown': never counted as in or out of hours, and left out of the health regression",
    )
    add("strategy_discussions.csv", "education blank", sd.education.isna().sum(), "counted as education not involved")
    me_in = in_date_window(me.start, window_start, window_end)
    add("missing_episodes.csv", "started outside the window", (~me_in).sum(), "not in the window's figures")
    add(
        "missing_episodes.csv",
        "no end: still missing at the extract",
        me.end.isna().sum(),
        "counted as episodes; no duration, so not in median hours or the 72-hour interview figure; "
        "censored (not dropped) in the time-to-return curves",
    )
    followed = missing_episodes.repeat_within(me, missing_episodes.extract_time(me)).followed_up
    add(
        "missing_episodes.csv",
        "returned less than 28 days before the extract",
        (me.end.notna() & ~followed).sum(),
        "cannot yet show a repeat within 28 days: left out of the repeat-missing share",
    )
    if ind is not None:
        add("indicators.csv", f"months after {month}", (ind.month > e).sum(), "not shown in this report")
    t = pd.DataFrame(rows).set_index("File")
    return t


def calibration_intro(synthetic: bool) -> str:
    """Heading and sentence for the demo calibration table; nothing for real data."""
    if not synthetic:
        return ""
    return (
        "## Demo calibration\n\nThe demo extracts are synthetic. The dashboard figures below were tuned to "
        "the values the committee report (or DfE) published; the methods page lists the record-level figures "
        "tuned the same way. Every other number in the demo is random, from a fixed seed."
    )


def calibration_table(extracts, synthetic: bool) -> pd.DataFrame:
    """For demo data: each dashboard figure tuned to a published one, and what the demo gives.

    Empty for real data, which nothing was tuned to.
    """
    if not synthetic or extracts.indicators is None:
        return pd.DataFrame()
    from improvement_report.demo.dashboard import anchor_table  # demo-only code, imported only for demo builds

    frame = extracts.indicators.assign(month=extracts.indicators.month.dt.strftime("%Y-%m"))
    names = load_catalogue()["name"]
    t = anchor_table(frame)
    months = [a if a == b else f"{a} to {b}" for a, b in zip(t.start, t.end)]
    out = pd.DataFrame(
        {
            "Indicator": [names.get(code, code) for code in t.indicator],
            "Months": months,
            "Figure": t.statistic.map(
                {
                    "value": "monthly value",
                    "sum": "sum over months",
                    "mean": "monthly average",
                    "pooled": "pooled percentage",
                }
            ).fillna(t.statistic),
            "Published": t.target,
            "Demo gives": t.demo,
            "Source": t.source,
        }
    ).set_index("Indicator")
    return out
