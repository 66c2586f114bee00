"""Refresh ``data/published/`` from DfE explore-education-statistics (EES) CSV files.

Each autumn DfE publishes a new year. A council downloads the release's underlying-data CSV
files into a folder and runs ``python -m improvement_report published-refresh --from FOLDER``:
every file whose name starts with an ``ees_file`` of ``measures.csv`` is schema checked, the
measure's column is read (filtered by ``ees_filter`` where the file is long), and its values
for the places already held replace the older release's values or add the new year. Nothing is
written unless every file passes: the folder is refused in one line naming the file, column,
rows and rule. Files no measure uses are listed as ignored.

The new year's first-publication date goes into ``releases.csv``: the date given with
``--published-on`` (the person refreshing read it on the release page), or otherwise an
estimate from the series' usual calendar, marked ``estimated`` with the rule used, and shown
only from a conservative later date (``published.conservative_date``).

What it updates: only the measures with an ``ees_file`` in ``measures.csv``. The others (DfE's
Local Authority Interactive Tool compilations, such as assessment and conference timeliness and
the section 47 rate, and the SFR-era counts) have no explore-education-statistics file the
command can read: their rows are kept exactly as they were, never dropped or zeroed, and the
report lists them with the latest year held so the person refreshing knows what is still old.
"""

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from improvement_report.inputs import published
from improvement_report.inputs.published import COLUMNS, SYMBOLS, PublishedDataError

SOURCE_REPO = "explore-education-statistics.service.gov.uk (file placed in the refresh folder)"
#: EES ``geographic_level`` -> (the book's level, code column, name column).
LEVELS = {
    "national": ("national", "country_code", "country_name"),
    "regional": ("region", "region_code", "region_name"),
    "local authority": ("local_authority", "new_la_code", "la_name"),
}
#: When each series usually publishes a year (used only when no date is given, and marked so).
CALENDAR = {
    "cin": ("the last Thursday of October after the year to 31 March", 10, 0),
    "cla": ("the last Thursday of November after the year to 31 March", 11, 0),
    "cla_outcomes": ("the last Thursday of November after the year to 31 March", 11, 0),
    "csww": ("the last Thursday of February after the census of 30 September", 2, 1),
}


class RefreshError(PublishedDataError):
    """A file in the refresh folder cannot be used (one line: file, column, rows, rule)."""


@dataclass
class RefreshReport:
    """What a refresh changed."""

    files_used: list = field(default_factory=list)
    files_ignored: list = field(default_factory=list)
    replaced: int = 0
    added: int = 0
    new_release_dates: list = field(default_factory=list)  # (series, year, date, status)
    measures_updated: list = field(default_factory=list)  # measures read from the folder's files
    #: (measure, latest year held): measures with no EES file (from LAIT or the SFR-era files),
    #: kept exactly as they were; they are updated by hand (data/published/README.md).
    measures_kept: list = field(default_factory=list)


def _year(text: str) -> int | None:
    """EES ``time_period``: ``YYYY`` or ``YYYYyy`` (a year to 31 March: the first year, then the last two digits of the year it ends)."""
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return int(text)
    if len(text) == 6 and text.isdigit() and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        return int(text[:4]) + 1
    return None


def _rows(mask: pd.Series, most: int = 5) -> str:
    rows = [int(i) + 2 for i in mask[mask].index[:most]]
    more = int(mask.sum()) - len(rows)
    return ", ".join(map(str, rows)) + (f" and {more} more" if more > 0 else "")


def _last_thursday(year: int, month: int) -> pd.Timestamp:
    end = pd.Period(f"{year}-{month:02d}", "M").end_time.normalize()
    return end - pd.Timedelta(days=(end.weekday() - 3) % 7)


def estimated_date(series: str, year: int) -> tuple[pd.Timestamp, str]:
    """The usual publication date of a series' year, and the rule that gave it."""
    rule, month, offset = CALENDAR[series]
    return _last_thursday(year + offset, month), f"rule: {rule}; estimated at refresh, check the release page"


def _read_file(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise RefreshError(f"{path.name}: cannot be read as a CSV file ({str(error).splitlines()[0]})") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df


def _extract(path: Path, df: pd.DataFrame, measure: str, info: pd.Series, places: set) -> pd.DataFrame:
    """One measure's rows for the places held, as rows of ``indicators.csv`` (text)."""
    name = path.name
    column = info.ees_value_column.lower()
    needed = ["time_period", "geographic_level", column]
    filter_column, _, filter_value = info.ees_filter.partition("=")
    if filter_column:
        needed.append(filter_column.lower())
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise RefreshError(f"{name}: column {missing[0]} is missing (needed for {measure})")
    rows = df[df[filter_column.lower()] == filter_value] if filter_column else df
    level = rows.geographic_level.str.strip().str.lower()
    rows = rows[level.isin(LEVELS)]
    if rows.empty:
        raise RefreshError(f"{name}: no national, regional or local authority rows for {measure}")
    years = rows.time_period.map(_year)
    if years.isna().any():
        raise RefreshError(f"{name}: column time_period, rows {_rows(years.isna())}: must be a year, YYYY or YYYYyy")
    out = []
    for ees_level, (book_level, code_col, name_col) in LEVELS.items():
        part = rows[rows.geographic_level.str.strip().str.lower() == ees_level]
        if part.empty:
            continue
        for col in (code_col, name_col):
            if col not in part.columns:
                raise RefreshError(f"{name}: column {col} is missing (needed for {ees_level} rows)")
        # A joint return ("E09000021 / E09000027") is held under its first council, as DfE reports it.
        codes = part[code_col].str.split(" / ").str[0].str.strip()
        part = part.assign(_code=codes, _year=years[part.index])
        part = part[part._code.isin(places)]
        for _, r in part.iterrows():
            raw = r[column].strip()
            is_number = pd.notna(pd.to_numeric(raw, errors="coerce")) and raw != ""
            out.append(
                {
                    "source_file": name,
                    "source_repo": SOURCE_REPO,
                    "publication": "",
                    "measure": measure,
                    "geography_level": book_level,
                    "geography_code": r._code,
                    "geography_name": r[name_col].strip(),
                    "year": str(int(r._year)),
                    "value": raw if is_number else "",
                    "value_text": "" if is_number else raw,
                    "source_column": (f"{filter_column}={filter_value!r} -> " if filter_column else "") + column,
                    "release": "",
                    "source_commit": "",
                    "_row": int(r.name),
                }
            )
    got = pd.DataFrame(out, columns=[*COLUMNS, "_row"])
    bad = ~got.value_text.isin(["", *SYMBOLS])
    if bad.any():
        rows_bad = ", ".join(str(i + 2) for i in got._row[bad].head(5))
        raise RefreshError(
            f"{name}: column {column}, rows {rows_bad}: must be a number or a DfE symbol ({', '.join(SYMBOLS)})"
        )
    return got.drop(columns="_row")


def refresh(
    folder, target=published.PUBLISHED_DIR, published_on: str | None = None, dry_run: bool = False
) -> RefreshReport:
    """Update ``indicators.csv`` (and ``releases.csv``) in ``target`` from the EES files in ``folder``.

    Parameters
    ----------
    folder : str or Path
        A folder of DfE explore-education-statistics underlying-data CSV files.
    target : Path
        The published-statistics folder (default ``data/published``).
    published_on : str, optional
        ``YYYY-MM-DD``: the date the release was published, recorded for any year not yet in
        ``releases.csv``. Without it the date is estimated from the series' calendar and
        marked as estimated.
    dry_run : bool
        Check everything but write nothing.

    Returns
    -------
    RefreshReport

    Raises
    ------
    RefreshError
        One line naming the file, column, rows and rule; nothing is written.
    """
    folder, target = Path(folder), Path(target)
    if not folder.is_dir():
        raise RefreshError(f"{folder}: not a folder")
    if published_on is not None and pd.isna(pd.to_datetime(published_on, format="%Y-%m-%d", errors="coerce")):
        raise RefreshError(f"--published-on must be a date written YYYY-MM-DD, not {published_on!r}")
    measures = published.load_measures(target / published.MEASURES_FILE.name)
    held = pd.read_csv(target / published.INDICATORS_FILE.name, dtype=str, keep_default_na=False)
    releases = published.load_releases(target / published.RELEASES_FILE.name)
    places = set(held.geography_code)
    refreshable = measures[measures.ees_file.ne("")]
    report = RefreshReport()
    fresh = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise RefreshError(f"{folder}: no CSV files to refresh from")
    for path in files:
        uses = refreshable[[path.name.lower().startswith(f.lower()) for f in refreshable.ees_file]]
        if uses.empty:
            report.files_ignored.append(path.name)
            continue
        df = _read_file(path)
        digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        parts = [_extract(path, df, m, info, places) for m, info in uses.iterrows()]
        got = pd.concat(parts, ignore_index=True)
        if got.empty:
            raise RefreshError(f"{path.name}: holds none of the places the book compares")
        release_year = str(got.year.astype(int).max())
        got = got.assign(release=release_year, source_commit=digest)
        fresh.append(got)
        report.files_used.append(path.name)
    if not fresh:
        raise RefreshError(f"{folder}: none of its CSV files is a DfE file the book uses (see measures.csv)")
    new = pd.concat(fresh, ignore_index=True)
    key = ["measure", "geography_code", "year"]
    if new.duplicated(key).any():
        first = new[new.duplicated(key, keep=False)].iloc[0]
        raise RefreshError(
            f"{first.source_file}: {first.measure} for {first.geography_name} {first.year} is given more than once"
        )
    series = new.measure.map(measures.series)
    latest_name = releases.sort_values("year").groupby("series").publication.last()
    new["publication"] = series.map(latest_name).fillna("").to_numpy()
    old_keys = pd.MultiIndex.from_frame(held[key])
    new_keys = pd.MultiIndex.from_frame(new[key])
    report.measures_updated = sorted(new.measure.unique())
    untouched = held[~held.measure.isin(report.measures_updated)]
    latest = pd.to_numeric(untouched.year, errors="coerce").groupby(untouched.measure).max()
    report.measures_kept = [(m, int(y)) for m, y in latest.items()]
    report.replaced = int(new_keys.isin(old_keys).sum())
    report.added = len(new) - report.replaced
    merged = pd.concat([held[~old_keys.isin(new_keys)], new[COLUMNS]], ignore_index=True)
    merged = merged.sort_values(["measure", "geography_level", "geography_name", "year"], kind="stable")
    problems = published.check_indicators(merged.reset_index(drop=True), "indicators.csv after refresh", measures.index)
    if problems:
        raise RefreshError(problems[0])
    dated = set(zip(releases.series, releases.year))
    additions = []
    for s, y in sorted(set(zip(series, new.year.astype(int)))):
        if (s, y) in dated:
            continue
        if published_on is not None:
            date, status, source = published_on, "verified", "given with --published-on at refresh"
            shown_from, reason = published_on, "the verified publication date"
        else:
            when, source = estimated_date(s, y)
            date, status = str(when.date()), "estimated"
            bound, reason = published.conservative_date(s, y)
            shown_from = str(max(bound, when).date())
        additions.append(
            {
                "series": s,
                "publication": latest_name.get(s, ""),
                "year": y,
                "published": date,
                "date_status": status,
                "date_source": source,
                "shown_from": shown_from,
                "shown_from_reason": reason,
            }
        )
        report.new_release_dates.append((s, y, date, status))
    if not dry_run:
        raw_releases = pd.read_csv(target / published.RELEASES_FILE.name, dtype=str, keep_default_na=False)
        all_releases = pd.concat([raw_releases, pd.DataFrame(additions, dtype=str)], ignore_index=True)
        _write_all(
            {target / published.INDICATORS_FILE.name: merged, target / published.RELEASES_FILE.name: all_releases}
        )
    return report


def _write_all(frames: dict) -> None:
    """Write every file to a temporary name first, then swap them in: all or nothing."""
    temporary = {}
    try:
        for path, frame in frames.items():
            tmp = path.with_suffix(".csv.tmp")
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
            temporary[path] = tmp
        for path, tmp in temporary.items():
            os.replace(tmp, path)
    finally:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
