"""Before anything runs: the edition's extract date, and whether its periods lie inside the data.

A report month, window or comparison period that the extracts do not cover is refused in one
line naming the file and its coverage, unless the edition sets ``allow_partial: true``; then the
pages say which months have no data and leave them out (never counting them as zero).
"""

from pathlib import Path

import pandas as pd

from improvement_report.build.config import ReportConfig, book_notebooks
from improvement_report.inputs import coverage as cov
from improvement_report.inputs import edition_content, school_calendar
from improvement_report.inputs.loading import Extracts


def resolve_extract_date(cfg: ReportConfig, extracts: Extracts) -> str:
    """The edition's ``extract_date``, or the latest date in the data when it sets none."""
    if cfg.extract_date is not None:
        return cfg.extract_date
    latest = cov.latest_date(extracts)
    return (latest or pd.Timestamp(cfg.window_end)).strftime("%Y-%m-%d")


def coverages(extracts: Extracts, extract_date) -> dict[str, cov.Coverage]:
    """Each extract's coverage, keyed as in ``loading.FILES`` (absent optional files left out)."""
    out = {}
    for key in ("caf", "strategy", "missing", "indicators"):
        frame = getattr(extracts, key)
        if frame is not None:
            out[key] = cov.coverage(cov.cut(frame, key, extract_date), key, extract_date)
    return out


def first_month(covers: dict[str, cov.Coverage], report_month: str) -> str:
    """The earliest month any extract covers (``YYYY-MM``), the default start of whole-series charts."""
    firsts = [c.first_month for c in covers.values() if not c.empty]
    return (min(firsts) if firsts else pd.Period(report_month, "M")).strftime("%Y-%m")


def _comparison_periods(cfg: ReportConfig) -> list[tuple[str, str, str]]:
    """(setting, start, end) of every comparison period a page is given."""
    found = []
    content = edition_content.load(cfg.edition_content)
    for page in book_notebooks():
        params = cfg.parameters(page)
        start, end = params.get("comparison_start"), params.get("comparison_end")
        if not (start and end) and content.comparison(page):
            start, end, _ = content.comparison(page)
        if start and end and (start, end) not in [(s, e) for _, s, e in found]:
            found.append((f"notebooks.{page}.comparison_start/end", str(start), str(end)))
    return found


def period_problems(cfg: ReportConfig, extract_date: str, covers: dict[str, cov.Coverage]) -> list[str]:
    """Every period of the edition outside its extracts' coverage, one line each (empty: all inside)."""
    problems = []
    extract = pd.Timestamp(extract_date)
    if pd.Timestamp(cfg.window_start) > extract:
        problems.append(f"window starts {cfg.window_start}, after the extract date {extract_date}")
    month = pd.Period(cfg.report_month, "M")
    # One problem per period (the first file that does not cover it), so the line stays short.
    for key in ("caf", "indicators"):
        if key in covers and not covers[key].covers_month(month):
            c = covers[key]
            problems.append(f"report_month {cfg.report_month} is outside {c.file} (whole months {_months(c)})")
            break
    for key in ("strategy", "missing"):
        c = covers[key]
        if not c.covers_days(cfg.window_start, cfg.window_end):
            problems.append(f"window {cfg.window_start} to {cfg.window_end} is outside {c.file} ({c.describe()})")
            break
    for setting, start, end in _comparison_periods(cfg):
        c = covers["strategy"]
        if not c.covers_days(start, end):
            problems.append(f"{setting} {start} to {end} is outside {c.file}'s coverage ({c.describe()})")
    return problems


def term_problems(cfg: ReportConfig, terms: pd.DataFrame) -> list[str]:
    """The report month outside the school term dates (the seasonal chapter cannot read it), as one line."""
    first, last = school_calendar.coverage(terms)
    month = pd.Period(cfg.report_month, "M")
    if first <= month <= last:
        return []
    name = Path(cfg.school_terms).name if cfg.school_terms else school_calendar.TERMS_FILE
    return [
        f"report_month {cfg.report_month} is outside {name} (term dates {first.strftime('%Y-%m')} to {last.strftime('%Y-%m')})"
    ]


def _months(c: cov.Coverage) -> str:
    months = c.months()
    return "none" if len(months) == 0 else f"{months[0].strftime('%Y-%m')} to {months[-1].strftime('%Y-%m')}"


def refusal(cfg: ReportConfig, problems: list[str]) -> str:
    """The one line the build prints when it refuses the edition's periods."""
    return f"{cfg.path.name}: {'; '.join(problems)} (allow_partial: true publishes what has data)"
