"""DfE published comparator figures carried in ``data/published/``, read with a schema check.

The file is real published data (Open Government Licence v3.0), so it is checked on every read:
a renamed column, an unknown measure, a year outside the series or a value that is neither a
number nor a DfE symbol stops the run with a clear message instead of drawing a wrong chart.
"""

import pandas as pd

from improvement_report.core.paths import DATA_DIR

PUBLISHED_DIR = DATA_DIR / "published"
MISSING_FILE = PUBLISHED_DIR / "missing_from_care.csv"
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
NEIGHBOUR_COLUMNS = [
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
]
MEASURES = {
    "cla_children_looked_after_during_year": "Children looked after during the year",
    "cla_children_missing": "Children who went missing",
    "cla_missing_incidents": "Missing incidents",
    "cla_children_missing_more_than_once": "Children who went missing more than once",
    "cla_missing_pct": "Children who went missing (% of those looked after)",
    "cla_missing_incidents_per_missing_child": "Missing incidents per child who went missing",
    "cla_children_away": "Children away from placement without authorisation",
    "cla_away_incidents": "Away incidents",
    "cla_away_pct": "Children away without authorisation (% of those looked after)",
    "cla_away_incidents_per_away_child": "Away incidents per child who was away",
}
LEVELS = {"local_authority", "region", "national"}
SYMBOLS = {"c", "x", "u", "z", "k"}  # DfE symbols (see data/published/README.md)
YEARS = range(2015, 2025)


class PublishedDataError(ValueError):
    """The published comparator file does not have the expected shape."""


def _check(df: pd.DataFrame, name: str) -> list[str]:
    """Every schema problem in the comparator table, as sentences (empty when it is sound)."""
    problems = []
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [f"{name}: missing columns {', '.join(missing)}"]
    if df[["measure", "geography_name", "year", "source_file", "source_repo", "source_commit"]].eq("").any().any():
        problems.append(f"{name}: measure, place, year and source must always be filled in")
    unknown = sorted(set(df.measure) - set(MEASURES))
    if unknown:
        problems.append(f"{name}: unknown measures {', '.join(unknown)}")
    if not set(df.geography_level) <= LEVELS:
        problems.append(f"{name}: geography_level must be one of {', '.join(sorted(LEVELS))}")
    years = pd.to_numeric(df.year, errors="coerce")
    if years.isna().any() or not years.isin(YEARS).all():
        problems.append(f"{name}: year must be a collection year from {YEARS[0]} to {YEARS[-1]}")
    values = pd.to_numeric(df.value, errors="coerce")
    bad_number = df.value.ne("") & values.isna()
    if bad_number.any():
        problems.append(f"{name}: {int(bad_number.sum())} values are not numbers")
    no_value = df.value.eq("")
    if (no_value & ~df.value_text.isin(SYMBOLS)).any() or (~no_value & df.value_text.ne("")).any():
        problems.append(f"{name}: each row needs a number in value or a DfE symbol in value_text, not both")
    if df.duplicated(["measure", "geography_code", "geography_name", "year"]).any():
        problems.append(f"{name}: more than one row for a measure, place and year")
    return problems


def load_missing_from_care(path=MISSING_FILE) -> pd.DataFrame:
    """Read the published missing-and-away-from-care figures, checking the schema.

    Parameters
    ----------
    path : str or Path
        The long-format CSV (default ``data/published/missing_from_care.csv``).

    Returns
    -------
    pandas.DataFrame
        The file's columns, with ``year`` as int and ``value`` as float (NaN where DfE
        printed a symbol, kept in ``value_text``).

    Raises
    ------
    PublishedDataError
        Listing every problem found.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    problems = _check(df, getattr(path, "name", str(path)))
    if problems:
        raise PublishedDataError("\n".join(problems))
    return df.assign(year=df.year.astype(int), value=pd.to_numeric(df.value.replace("", None), errors="coerce"))


def load_neighbours(path=NEIGHBOURS_FILE, model: str = "sn_model_2025") -> pd.DataFrame:
    """Barnet's statistical neighbours under ``model``, in rank order (schema checked)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in NEIGHBOUR_COLUMNS if c not in df.columns]
    if missing:
        raise PublishedDataError(f"{path}: missing columns {', '.join(missing)}")
    df = df[df.model == model].assign(rank=lambda d: d["rank"].astype(int)).sort_values("rank")
    if df.empty:
        raise PublishedDataError(f"{path}: no neighbours for model {model}")
    return df.reset_index(drop=True)


def wide(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure as a table: a row per place, a column per year."""
    one = df[df.measure == measure]
    return one.pivot_table(index="geography_name", columns="year", values="value", aggfunc="first", dropna=False)
