"""DfE published statistics carried in ``data/published/``, read with a schema check.

The files are real published data (Open Government Licence v3.0), so they are checked on every
read: a renamed column, an unknown measure, an impossible year or a value that is neither a
number nor a DfE symbol stops the run with a clear message instead of drawing a wrong chart.

Four files work together (``data/published/README.md`` describes them):

- ``indicators.csv``: one row per measure, place and year, with the DfE file, repository,
  commit and column each value was copied from;
- ``measures.csv``: what each measure is, which DfE release series carries it and, where the
  book can refresh it from an explore-education-statistics file, which file and column;
- ``releases.csv``: the date each release series first published each year's figures, and
  where that date comes from (the vintage of an edition is chosen by it);
- ``statistical_neighbours.csv``: each council's neighbours under each DfE model held, with
  the date the model came into force.
"""

import pandas as pd

from improvement_report.core.paths import DATA_DIR

PUBLISHED_DIR = DATA_DIR / "published"
INDICATORS_FILE = PUBLISHED_DIR / "indicators.csv"
MEASURES_FILE = PUBLISHED_DIR / "measures.csv"
RELEASES_FILE = PUBLISHED_DIR / "releases.csv"
NEIGHBOURS_FILE = PUBLISHED_DIR / "statistical_neighbours.csv"

COLUMNS = [
    "source_file",
    "source_repo",
    "publication",
    "measure",
    "geography_level",
    "geography_code",
    "geography_name",
    "year",
    "value",
    "value_text",
    "source_column",
    "release",
    "source_commit",
]
MEASURE_COLUMNS = [
    "measure",
    "name",
    "series",
    "unit",
    "year_basis",
    "ees_file",
    "ees_value_column",
    "ees_filter",
    "definition",
]
RELEASE_COLUMNS = [
    "series",
    "publication",
    "year",
    "published",
    "date_status",
    "date_source",
    "shown_from",
    "shown_from_reason",
]
NEIGHBOUR_COLUMNS = [
    "neighbours_of_la_code",
    "neighbours_of_new_la_code",
    "neighbours_of_la_name",
    "model",
    "status",
    "rank",
    "old_la_code",
    "new_la_code",
    "la_name",
    "closeness",
    "source_repo",
    "source_file",
    "source_commit",
    "model_title",
    "in_force_from",
    "in_force_source",
]
#: The measures the missing-episodes chapter reads (DfE, children looked after: missing and away).
MISSING_MEASURES = [
    "cla_children_looked_after_during_year",
    "cla_children_missing",
    "cla_missing_incidents",
    "cla_children_missing_more_than_once",
    "cla_missing_pct",
    "cla_missing_incidents_per_missing_child",
    "cla_children_away",
    "cla_away_incidents",
    "cla_away_pct",
    "cla_away_incidents_per_away_child",
]
LEVELS = {"local_authority", "region", "national"}
UNITS = {"count", "percent", "rate"}
YEAR_BASES = {"year_to_31_march": "year to 31 March", "census_30_september": "at 30 September"}
#: ``verified``: the day is quoted from the release or its announcement (source named);
#: ``unverified``: the day is as recalled, not checked against a source reachable here;
#: ``estimated``: no source, a rule from the series' calendar.
DATE_STATUSES = {"verified", "unverified", "estimated"}
#: Where a date is not verified, an edition shows the year only from a conservative date: the
#: latest day the release can have appeared by. Every verified CIN and CLA date falls between 1
#: October and 10 December of the year the period ends, every verified workforce date in the
#: February after the census; the older outcomes release (health checks) came in March and has
#: its own dated rows, so new years follow the CLA release.
#: series -> (month, day, years after the period's year, the rule in words).
CONSERVATIVE_RULES = {
    "cin": (12, 31, 0, "31 December of the year the period ends"),
    "cla": (12, 31, 0, "31 December of the year the period ends"),
    "cla_outcomes": (12, 31, 0, "31 December of the year the period ends (health checks are now in the CLA release)"),
    "csww": (3, 31, 1, "31 March after the census of 30 September"),
}
#: DfE symbols, kept as text and never turned into numbers. ``:`` and ``low`` occur in some
#: explore-education-statistics files; in the older SFR files ``x`` meant suppressed; LAIT
#: prints ``-`` for "no figure".
SYMBOLS = {
    "c": "suppressed",
    "x": "not available",
    "u": "low reliability",
    "z": "not applicable",
    "k": "rounds to zero",
    ":": "not available",
    "low": "low reliability",
    "-": "no figure",  # LAIT: not available or suppressed
}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a year outside this is a typing error, not a DfE year


class PublishedDataError(ValueError):
    """A published-statistics file does not have the expected shape (one line per problem)."""


def _read(path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise PublishedDataError(f"{getattr(path, 'name', path)}: cannot be read ({error})") from None


def _need(df: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PublishedDataError(f"{name}: missing columns {', '.join(missing)}")


def check_indicators(df: pd.DataFrame, name: str, measures=None) -> list[str]:
    """Every schema problem in a long table of published values, as sentences (empty when sound).

    Parameters
    ----------
    df : pandas.DataFrame
        The table, every column as text.
    name : str
        The file's name, for the messages.
    measures : iterable of str, optional
        The known measures (default: those in ``measures.csv``).
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [f"{name}: missing columns {', '.join(missing)}"]
    known = set(load_measures().index) if measures is None else set(measures)
    problems = []
    required = ["measure", "geography_code", "geography_name", "year", "source_file", "source_repo", "source_commit"]
    empty = df[required].eq("").any(axis=1)
    if empty.any():
        problems.append(f"{name}: rows {_rows(empty)}: measure, place, year and source must always be filled in")
    unknown = sorted(set(df.measure) - known)
    if unknown:
        problems.append(f"{name}: unknown measures {', '.join(unknown)}")
    bad_level = ~df.geography_level.isin(LEVELS)
    if bad_level.any():
        problems.append(f"{name}: rows {_rows(bad_level)}: geography_level must be one of {', '.join(sorted(LEVELS))}")
    years = pd.to_numeric(df.year, errors="coerce")
    bad_year = years.isna() | ~years.between(FIRST_YEAR, LAST_YEAR) | (years % 1 != 0)
    if bad_year.any():
        problems.append(f"{name}: rows {_rows(bad_year)}: year must be a four-digit year")
    values = pd.to_numeric(df.value, errors="coerce")
    bad_number = df.value.ne("") & values.isna()
    if bad_number.any():
        problems.append(f"{name}: rows {_rows(bad_number)}: value is not a number")
    no_value = df.value.eq("")
    bad_symbol = (no_value & ~df.value_text.isin(SYMBOLS)) | (~no_value & df.value_text.ne(""))
    if bad_symbol.any():
        problems.append(
            f"{name}: rows {_rows(bad_symbol)}: each row needs a number in value or a DfE symbol "
            f"({', '.join(SYMBOLS)}) in value_text, not both"
        )
    repeated = df.duplicated(["measure", "geography_code", "year"], keep=False)
    if repeated.any():
        problems.append(f"{name}: rows {_rows(repeated)}: more than one row for a measure, place and year")
    return problems


def _rows(mask: pd.Series, most: int = 5) -> str:
    """Spreadsheet row numbers (header is row 1) of the first few flagged rows."""
    rows = [int(i) + 2 for i in mask[mask].index[:most]]
    more = int(mask.sum()) - len(rows)
    return ", ".join(map(str, rows)) + (f" and {more} more" if more > 0 else "")


def load_indicators(path=INDICATORS_FILE, measures=None) -> pd.DataFrame:
    """Read the published values, checking the schema.

    Parameters
    ----------
    path : str or Path
        The long-format CSV (default ``data/published/indicators.csv``).
    measures : iterable of str, optional
        The known measures (default: those in ``measures.csv``).

    Returns
    -------
    pandas.DataFrame
        The file's columns, with ``year`` as int and ``value`` as float (NaN where DfE
        printed a symbol, which stays in ``value_text``).

    Raises
    ------
    PublishedDataError
        Listing every problem found, one per line.
    """
    df = _read(path)
    problems = check_indicators(df, getattr(path, "name", str(path)), measures)
    if problems:
        raise PublishedDataError("\n".join(problems))
    return df.assign(year=df.year.astype(int), value=pd.to_numeric(df.value.replace("", None), errors="coerce"))


def load_missing_from_care(path=INDICATORS_FILE) -> pd.DataFrame:
    """The published missing-and-away-from-care figures (schema checked), all years held."""
    data = load_indicators(path)
    return data[data.measure.isin(MISSING_MEASURES)].reset_index(drop=True)


def load_measures(path=MEASURES_FILE) -> pd.DataFrame:
    """What each published measure is (``measures.csv``), indexed by measure."""
    df = _read(path)
    name = getattr(path, "name", str(path))
    _need(df, MEASURE_COLUMNS, name)
    problems = []
    if df.measure.duplicated().any() or df.measure.eq("").any():
        problems.append(f"{name}: each measure must be named once")
    if not set(df.unit) <= UNITS:
        problems.append(f"{name}: unit must be one of {', '.join(sorted(UNITS))}")
    if not set(df.year_basis) <= set(YEAR_BASES):
        problems.append(f"{name}: year_basis must be one of {', '.join(YEAR_BASES)}")
    if problems:
        raise PublishedDataError("\n".join(problems))
    return df.set_index("measure")


def conservative_date(series: str, year: int) -> tuple[pd.Timestamp, str]:
    """The date an unverified release year is shown from, and the rule that gives it."""
    month, day, offset, words = CONSERVATIVE_RULES[series]
    return pd.Timestamp(year + offset, month, day), f"rule: not verified, so shown only from {words}"


def load_releases(path=RELEASES_FILE) -> pd.DataFrame:
    """The date each release series first published each year (``releases.csv``).

    Returns
    -------
    pandas.DataFrame
        ``series``, ``publication``, ``year`` (int), ``published`` (Timestamp: the first
        publication as recorded), ``date_status`` (verified, unverified or estimated),
        ``date_source``, ``shown_from`` (Timestamp: the date an edition may show the year from,
        the published date when verified, else a conservative later date) and
        ``shown_from_reason``.
    """
    df = _read(path)
    name = getattr(path, "name", str(path))
    _need(df, RELEASE_COLUMNS, name)
    published = pd.to_datetime(df.published, format="%Y-%m-%d", errors="coerce")
    shown_from = pd.to_datetime(df.shown_from, format="%Y-%m-%d", errors="coerce")
    years = pd.to_numeric(df.year, errors="coerce")
    problems = []
    if published.isna().any():
        problems.append(f"{name}: rows {_rows(published.isna())}: published must be a date written YYYY-MM-DD")
    if shown_from.isna().any():
        problems.append(f"{name}: rows {_rows(shown_from.isna())}: shown_from must be a date written YYYY-MM-DD")
    early = shown_from < published
    if early.any():
        problems.append(f"{name}: rows {_rows(early)}: shown_from must not be before published")
    # Only a verified date may decide the vintage by itself (a later unverified day could leak).
    loose = df.date_status.eq("verified") & shown_from.ne(published) & shown_from.notna()
    if loose.any():
        problems.append(f"{name}: rows {_rows(loose)}: a verified date is shown from its own day")
    if years.isna().any():
        problems.append(f"{name}: rows {_rows(years.isna())}: year must be a four-digit year")
    if not set(df.date_status) <= DATE_STATUSES:
        problems.append(f"{name}: date_status must be one of {', '.join(sorted(DATE_STATUSES))}")
    if df.date_source.eq("").any():
        problems.append(f"{name}: rows {_rows(df.date_source.eq(''))}: every date must say where it came from")
    if df.duplicated(["series", "year"]).any():
        problems.append(f"{name}: more than one date for a series and year")
    if problems:
        raise PublishedDataError("\n".join(problems))
    return df.assign(year=years.astype(int), published=published, shown_from=shown_from)


def load_neighbour_models(path=NEIGHBOURS_FILE) -> pd.DataFrame:
    """Every council's statistical neighbours under every model held, schema checked."""
    df = _read(path)
    name = getattr(path, "name", str(path))
    _need(df, NEIGHBOUR_COLUMNS, name)
    in_force = pd.to_datetime(df.in_force_from, format="%Y-%m-%d", errors="coerce")
    if in_force.isna().any():
        raise PublishedDataError(f"{name}: in_force_from must be a date written YYYY-MM-DD")
    return df.assign(rank=df["rank"].astype(int), in_force_from=in_force)


def load_neighbours(la_code, model: str, path=NEIGHBOURS_FILE) -> pd.DataFrame:
    """A council's statistical neighbours under ``model``, in rank order."""
    df = load_neighbour_models(path)
    df = df[(df.neighbours_of_la_code == str(la_code)) & (df.model == model)].sort_values("rank")
    return df.reset_index(drop=True)


def wide(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure as a table: a row per place, a column per year."""
    one = df[df.measure == measure]
    return one.pivot_table(index="geography_name", columns="year", values="value", aggfunc="first", dropna=False)
