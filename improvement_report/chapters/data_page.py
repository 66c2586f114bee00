"""The data page: which files were read, what they cover, and which rows each analysis left out and why.

Nothing is dropped silently: every row that a figure does not count is counted here, by reason.
"""

import pandas as pd

from improvement_report.core.paths import REPO_ROOT, resolve
from improvement_report.core.periods import in_date_window, month_end, month_name
from improvement_report.inputs import coverage
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.loading import FILES, load_extracts
from improvement_report.measures import missing_episodes
from improvement_report.render.edition_facts import edition_table, terms_sentence  # noqa: F401 (used by the page)


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


def coverage_table(extracts, extract_date=None) -> pd.DataFrame:
    """The dates each file holds, and the period it covers on the edition's extract date."""
    cut, _ = coverage.cut_extracts(extracts, extract_date)
    extract_date = extract_date or coverage.latest_date(extracts)
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
        key = next(k for k, f in FILES.items() if f == name)
        covered = coverage.coverage(getattr(cut, key), key, extract_date)
        rows[name] = {
            "Covers": what,
            "First": df[col].min().strftime(fmt),
            "Last": df[col].max().strftime(fmt),
            "Period used (to the extract date)": covered.describe(),
        }
    t = pd.DataFrame(rows).T
    t.index.name = "File"
    return t


def extract_date_sentence(extracts, extract_date=None, set_by_edition=None) -> str:
    """What the extract date is and what it does to the data.

    ``set_by_edition`` says whether the edition set the date (the build passes the date either
    way); None: it did when a date is given.
    """
    given = extract_date is not None if set_by_edition is None else bool(set_by_edition)
    day = pd.Timestamp(extract_date or coverage.latest_date(extracts))
    return (
        f"The extract date is **{coverage.day_words(day)}**"
        + (" (set by the edition)" if given else " (the latest date in the data)")
        + ". Every page reads the data as they stood at the end of that day: a record dated later is left out, "
        "and an episode that ended later is counted as still open. A month or window outside the period a "
        "file covers is refused by the build, unless the edition allows partial periods; then the page says "
        "which months have no data."
    )


def exclusions_table(extracts, report_month, window_start, window_end, extract_date=None) -> pd.DataFrame:
    """Rows left out of some figures, by file and reason, with what happens to them."""
    if extract_date is not None:
        rows_after = _after_extract(extracts, extract_date)
        extracts, covered = coverage.cut_extracts(extracts, extract_date)
        if len(covered.get("caf", [])) and pd.Period(report_month, "M") > covered["caf"][-1]:
            report_month = str(covered["caf"][-1])  # a partial edition reports its last month with data
    else:
        rows_after = []
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
    rows += rows_after
    t = pd.DataFrame(rows).set_index("File")
    return t


def _after_extract(extracts, extract_date) -> list[dict]:
    """Rows dated after the extract date, and ends after it, per file."""
    last = pd.Timestamp(extract_date).normalize() + pd.Timedelta(days=1)
    rows = []
    for key, dated, ended in (
        ("caf", "start_date", "end_date"),
        ("strategy", "held_at", None),
        ("missing", "start", "end"),
        ("indicators", "month", None),
    ):
        frame = getattr(extracts, key)
        if frame is None:
            continue
        rows.append(
            {
                "File": FILES[key],
                "Reason": f"dated after the extract date ({coverage.day_words(extract_date)})",
                "Rows": int((frame[dated] >= last).sum()),
                "What happens to them": "not in this edition: the report could not have known them",
            }
        )
        if ended:
            rows.append(
                {
                    "File": FILES[key],
                    "Reason": "ended after the extract date",
                    "Rows": int(((frame[dated] < last) & (frame[ended] >= last)).sum()),
                    "What happens to them": "counted as still open on the extract date",
                }
            )
    return rows


def calibration_intro(synthetic: bool) -> str:
    """Heading and text on what the demo was tuned to; nothing for a council's own data.

    The text is the demo generator's own documentation (``improvement_report/demo/calibration.md``):
    it names the council and the report the demo imitates, so it appears only in demo editions.
    """
    if not synthetic:
        return ""
    from pathlib import Path

    from improvement_report import demo  # demo-only text, read only for demo editions

    text = (Path(demo.__file__).parent / "calibration.md").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1].strip()  # below its own title
    return (
        "## Demo calibration\n\nThe demo extracts are synthetic. Every other number in the demo is random, "
        "from a fixed seed; the table below lists each dashboard figure tuned to a published value beside "
        "the value the demo gives.\n\n" + body
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
