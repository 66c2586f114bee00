"""How the council compares: DfE's published figures of the edition's vintage.

An edition shows only what DfE had published by its date (``edition_date``): each published
value belongs to a release series and a year, and ``releases.csv`` says when that year was
first published and from which date an edition may show it (``shown_from``: the publication
day when it is verified, else a conservative later date, so an unverified day can never let a
later release into an earlier edition). Later years are kept apart and shown only as labelled later context. The
statistical-neighbour model is the one in force at the edition's date among those held or,
when none was yet in force, the one that came into force nearest to it.

The figures are those of the latest release held for each year (DfE revises earlier years
slightly in later releases); the date that decides the vintage is the year's first
publication. A neighbour average uses only the neighbours with a published number, and says
how many that is; a suppressed or unavailable value (``c``, ``x``, ``u``, ``z``) stays a
symbol and is never counted as a number.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from improvement_report.inputs import published
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.published import PublishedDataError

NEAREST = "nearest"
TREND_YEARS = 5
LONDON, OUTER_LONDON, ENGLAND = "E12000007", "E13000002", "E92000001"


@dataclass(frozen=True)
class Edition:
    """What an edition says about DfE comparators: whose, how old, which neighbours."""

    la_code: int | None
    edition_date: pd.Timestamp
    neighbour_model: str = NEAREST
    later_context: bool = False


@dataclass
class Published:
    """The published figures one edition may show, with the council and its neighbours."""

    edition: Edition
    council_code: str  # the ONS code in the published files, e.g. E09000003
    council_name: str
    model: str
    model_title: str
    model_in_force: pd.Timestamp
    model_in_force_at_edition: bool
    neighbours: pd.DataFrame  # new_la_code, la_name, rank
    data: pd.DataFrame  # rows first published on or before the edition's date
    later: pd.DataFrame  # rows published after it (shown only as labelled later context)
    measures: pd.DataFrame
    notes: list = field(default_factory=list)

    @property
    def neighbour_codes(self) -> list[str]:
        return self.neighbours.new_la_code.tolist()


def choose_model(models: pd.DataFrame, edition_date: pd.Timestamp, requested: str = NEAREST) -> str:
    """The neighbour model an edition uses.

    Parameters
    ----------
    models : pandas.DataFrame
        One council's rows of ``statistical_neighbours.csv`` (``model``, ``in_force_from``).
    edition_date : Timestamp
    requested : str
        ``"nearest"``, or a model's name to use that model whatever the date.

    Returns
    -------
    str
        The latest model in force at ``edition_date``; when none was yet in force, the model
        that came into force nearest to it.

    Raises
    ------
    PublishedDataError
        When the council has no neighbours held, or the requested model is not held.
    """
    starts = models.groupby("model").in_force_from.first()
    if starts.empty:
        raise PublishedDataError("statistical_neighbours.csv: no neighbours are held for this council")
    if requested != NEAREST:
        if requested not in starts.index:
            raise PublishedDataError(
                f"neighbour_model {requested!r} is not held; held: {', '.join(sorted(starts.index))} or nearest"
            )
        return requested
    in_force = starts[starts <= edition_date]
    if not in_force.empty:
        return str(in_force.idxmax())
    return str((starts - edition_date).abs().idxmin())


def with_release_dates(data: pd.DataFrame, measures: pd.DataFrame, releases: pd.DataFrame) -> pd.DataFrame:
    """Each published value with the date its year was first published (NaT when not recorded)."""
    series = data.measure.map(measures.series)
    dated = releases.set_index(["series", "year"])
    key = pd.MultiIndex.from_arrays([series, data.year])
    found = dated.reindex(key)
    return data.assign(
        series=series.to_numpy(),
        published=found.published.to_numpy(),
        date_status=found.date_status.to_numpy(),
        shown_from=found.shown_from.to_numpy(),
        release_publication=found.publication.to_numpy(),
    )


def vintage(data: pd.DataFrame, edition_date: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split dated values into those an edition dated ``edition_date`` may show and the later ones.

    A value is shown when its year's ``shown_from`` date (the verified publication day, or a
    conservative later date when the day is not verified) is on or before the edition's date.
    A value whose date is not recorded is treated as later: the book never assumes a figure
    was available.
    """
    when = data.shown_from if "shown_from" in data else data.published
    shown = when.notna() & (when <= edition_date)
    return data[shown].reset_index(drop=True), data[~shown].reset_index(drop=True)


def load_published(edition: Edition, folder=published.PUBLISHED_DIR) -> Published:
    """Everything an edition needs from ``data/published/``, cut to its vintage.

    Raises
    ------
    PublishedDataError
        When the edition has no DfE code, the code is not in the published files, or a file
        fails its schema check.
    """
    if edition.la_code is None:
        raise PublishedDataError("the edition names no dfe_la_code, so DfE's figures cannot be matched to it")
    models = published.load_neighbour_models(folder / published.NEIGHBOURS_FILE.name)
    mine = models[models.neighbours_of_la_code == str(edition.la_code)]
    if mine.empty:
        raise PublishedDataError(
            f"statistical_neighbours.csv: no neighbours are held for DfE code {edition.la_code}; "
            "add the council's rows (data/published/README.md)"
        )
    model = choose_model(mine, edition.edition_date, edition.neighbour_model)
    chosen = mine[mine.model == model].sort_values("rank")
    measures = published.load_measures(folder / published.MEASURES_FILE.name)
    data = published.load_indicators(folder / published.INDICATORS_FILE.name, measures=measures.index)
    releases = published.load_releases(folder / published.RELEASES_FILE.name)
    shown, later = vintage(with_release_dates(data, measures, releases), edition.edition_date)
    council_code = chosen.neighbours_of_new_la_code.iloc[0]
    notes = []
    missing = sorted(set(chosen.new_la_code) - set(data.geography_code))
    if missing:
        notes.append(f"{len(missing)} neighbours have no published figures held")
    in_force = chosen.in_force_from.iloc[0]
    return Published(
        edition=edition,
        council_code=council_code,
        council_name=chosen.neighbours_of_la_name.iloc[0],
        model=model,
        model_title=chosen.model_title.iloc[0],
        model_in_force=in_force,
        model_in_force_at_edition=bool(in_force <= edition.edition_date),
        neighbours=chosen[["new_la_code", "la_name", "rank"]].reset_index(drop=True),
        data=shown,
        later=later,
        measures=measures,
        notes=notes,
    )


def _value(rows: pd.DataFrame, code: str):
    """(number or NaN, symbol or '') of one place in rows of a single measure and year."""
    one = rows[rows.geography_code == code]
    if one.empty:
        return np.nan, ""
    return one.value.iloc[0], one.value_text.iloc[0]


@dataclass
class Comparison:
    """One DfE measure for the council's latest published year in the edition's vintage."""

    measure: str
    name: str
    unit: str
    year: int | None
    year_label: str
    council: float
    council_symbol: str
    neighbour_mean: float
    neighbour_min: float
    neighbour_max: float
    neighbours_with_value: int
    neighbours_total: int
    london: float
    outer_london: float
    england: float
    england_symbol: str
    position: int | None  # 1 = highest value among the council and its neighbours with a value
    ranked: int
    published: pd.Timestamp | None
    date_status: str
    source: str
    trend: pd.DataFrame  # a row per year: council, neighbour mean, min, max, count, England


def year_label(year: int, basis: str) -> str:
    """``YYYY-YY`` for a year to 31 March, ``September YYYY`` for the workforce census."""
    if basis == "census_30_september":
        return f"30 September {year}"
    return f"{year - 1}-{str(year)[2:]}"


def _summary(rows: pd.DataFrame, pub: Published) -> dict:
    sn = rows[rows.geography_code.isin(pub.neighbour_codes)]
    numbers = sn.value.dropna()
    return {
        "council": _value(rows, pub.council_code)[0],
        "neighbour_mean": numbers.mean() if len(numbers) else np.nan,
        "neighbour_min": numbers.min() if len(numbers) else np.nan,
        "neighbour_max": numbers.max() if len(numbers) else np.nan,
        "neighbours_with_value": int(len(numbers)),
        "england": _value(rows, ENGLAND)[0],
    }


def compare(pub: Published, measure: str, data: pd.DataFrame | None = None) -> Comparison:
    """The council against its neighbours, London and England on one measure.

    The year is the latest in ``data`` (default: the edition's vintage) that holds a row for
    the council; with no such year every figure is missing and ``year`` is None.
    """
    info = pub.measures.loc[measure]
    data = pub.data if data is None else data
    rows = data[data.measure == measure]
    years = sorted(rows[rows.geography_code == pub.council_code].year.unique())
    trend = pd.DataFrame(
        [{"year": y, **_summary(rows[rows.year == y], pub)} for y in years[-TREND_YEARS:]],
        columns=[
            "year",
            "council",
            "neighbour_mean",
            "neighbour_min",
            "neighbour_max",
            "neighbours_with_value",
            "england",
        ],
    ).set_index("year")
    if not years:
        return Comparison(
            measure, info["name"], info.unit, None, "", np.nan, "", np.nan, np.nan, np.nan, 0,
            len(pub.neighbours), np.nan, np.nan, np.nan, "", None, 0, None, "", "", trend,
        )  # fmt: skip
    year = int(years[-1])
    latest = rows[rows.year == year]
    council, council_symbol = _value(latest, pub.council_code)
    england, england_symbol = _value(latest, ENGLAND)
    s = _summary(latest, pub)
    ranked = latest[latest.geography_code.isin([pub.council_code, *pub.neighbour_codes])].dropna(subset=["value"])
    position = None
    if not np.isnan(council):
        position = int((ranked.value > council).sum()) + 1
    mine = latest[latest.geography_code == pub.council_code].iloc[0]
    return Comparison(
        measure=measure,
        name=info["name"],
        unit=info.unit,
        year=year,
        year_label=year_label(year, info.year_basis),
        council=council,
        council_symbol=council_symbol,
        neighbour_mean=s["neighbour_mean"],
        neighbour_min=s["neighbour_min"],
        neighbour_max=s["neighbour_max"],
        neighbours_with_value=s["neighbours_with_value"],
        neighbours_total=len(pub.neighbours),
        london=_value(latest, LONDON)[0],
        outer_london=_value(latest, OUTER_LONDON)[0],
        england=england,
        england_symbol=england_symbol,
        position=position,
        ranked=len(ranked),
        published=mine.published,
        date_status=mine.date_status,
        source=f"DfE, {mine.release_publication} ({year_label(year, info.year_basis)})",
        trend=trend,
    )


def indicator_comparators(catalogue: pd.DataFrame, pub: Published) -> pd.DataFrame:
    """Per catalogue indicator mapped to a DfE measure: the comparator figures of the vintage.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        The indicator catalogue (``load_catalogue``), with ``dfe_measure`` and ``dfe_relation``.
    pub : Published
        The edition's published figures (``load_published``).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code: ``dfe_measure``, ``dfe_relation``, ``measure_name``,
        ``unit``, ``year``, ``year_label``, ``council``, ``council_symbol``, ``neighbour_mean``,
        ``neighbours_with_value``, ``neighbours_total``, ``neighbour_min``, ``neighbour_max``,
        ``london``, ``england``, ``england_symbol``, ``position``, ``ranked``, ``published``,
        ``date_status``, ``source`` and ``model_title``. Numbers are NaN where DfE printed a
        symbol (kept in the ``*_symbol`` columns) or nothing is held for the vintage.
    """
    rows = {}
    cache: dict[str, Comparison] = {}
    for code, info in catalogue[catalogue.dfe_measure.ne("")].iterrows():
        c = cache.setdefault(info.dfe_measure, compare(pub, info.dfe_measure))
        rows[code] = {
            "dfe_measure": info.dfe_measure,
            "dfe_relation": info.dfe_relation,
            "measure_name": c.name,
            "unit": c.unit,
            "year": c.year,
            "year_label": c.year_label,
            "council": c.council,
            "council_symbol": c.council_symbol,
            "neighbour_mean": c.neighbour_mean,
            "neighbours_with_value": c.neighbours_with_value,
            "neighbours_total": c.neighbours_total,
            "neighbour_min": c.neighbour_min,
            "neighbour_max": c.neighbour_max,
            "london": c.london,
            "england": c.england,
            "england_symbol": c.england_symbol,
            "position": c.position,
            "ranked": c.ranked,
            "published": c.published,
            "date_status": c.date_status,
            "source": c.source,
            "model_title": pub.model_title,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "code"
    return out


def edition_comparators(dfe_la_code, edition_date, neighbour_model: str = NEAREST, short_name=None) -> pd.DataFrame:
    """The edition's DfE comparators per mapped catalogue indicator (theme pages and summary).

    Parameters
    ----------
    dfe_la_code : int or None
        The edition's DfE local authority code.
    edition_date : str or Timestamp or None
        The edition's date (None: today).
    neighbour_model : str
        ``"nearest"`` or a model's name.
    short_name : str, optional
        The council's name for sentences (default: DfE's name for the code).

    Returns
    -------
    pandas.DataFrame
        :func:`indicator_comparators` joined with the catalogue's ``dfe_note``; empty when the
        edition names no DfE code or the published files cannot be matched to it (the
        comparison page says why). ``attrs["council"]`` holds the council's name.
    """
    if dfe_la_code is None:
        return pd.DataFrame()
    when = pd.Timestamp(edition_date) if edition_date else pd.Timestamp.today().normalize()
    try:
        pub = load_published(Edition(int(dfe_la_code), when, neighbour_model))
    except PublishedDataError:
        return pd.DataFrame()
    catalogue = load_catalogue()
    table = indicator_comparators(catalogue, pub).join(catalogue[["dfe_note"]])
    table.attrs["council"] = short_name or pub.council_name
    return table
