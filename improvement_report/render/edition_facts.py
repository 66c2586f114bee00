"""The edition's own settings, as the methods and data pages state them: one table, one answer.

Everything here comes from the edition (its configuration, its content folder, its extracts and
its term dates file), never from the package: another council's edition shows its own.
"""

import pandas as pd

from improvement_report.core.paths import resolve
from improvement_report.core.periods import long_date, month_name
from improvement_report.inputs import coverage, edition_content, school_calendar
from improvement_report.inputs.loading import FILES, load_extracts
from improvement_report.inputs.published import PublishedDataError
from improvement_report.measures import comparators
from improvement_report.measures.indicators import edition_theme_numbers
from improvement_report.render.term_words import terms_source_sentence


def terms_file_name(school_terms=None) -> str:
    """The name of the edition's term dates file (the shipped one when it names none)."""
    return school_calendar.TERMS_FILE if school_terms is None else resolve(school_terms).name


def terms_sentence(series_start, report_month, school_terms=None) -> str:
    """Which academic years of the term dates the edition uses, and where each year's dates come from."""
    terms = school_calendar.load_terms(None if school_terms is None else resolve(school_terms))
    months = pd.period_range(pd.Period(series_start, "M"), pd.Period(report_month, "M"), freq="M")
    used = school_calendar.covered(months, terms)
    return terms_source_sentence(school_calendar.sources_used(terms, used), terms_file_name(school_terms))


def themes_text(targets=None, content_folder=None, indicator_overrides=None) -> str:
    """``3: 1 Title; 2 Title; 3 Improvement theme 3``: the edition's themes, one page each."""
    numbers = edition_theme_numbers(targets, content_folder, indicator_overrides)
    content = edition_content.load(content_folder)
    return f"{len(numbers)}: " + "; ".join(f"{n}. {content.theme_title(n)}" for n in numbers)


def neighbours_text(dfe_la_code, edition_date, neighbour_model) -> str:
    """Which DfE figures the edition sits beside: the council's DfE code and its neighbour model."""
    if dfe_la_code is None:
        return "none: the edition names no DfE local authority code (dfe_la_code)"
    edition = comparators.Edition(int(dfe_la_code), pd.Timestamp(edition_date), neighbour_model or "nearest")
    try:
        chosen = comparators.load_published(edition)
    except PublishedDataError as err:
        return f"DfE code {dfe_la_code}; none shown: {err}"
    way = "in force at the edition's date" if chosen.model_in_force_at_edition else "the nearest held to its date"
    return (
        f"DfE code {dfe_la_code} ({chosen.council_name}); statistical neighbours: {chosen.model_title}, "
        f"in force from {long_date(chosen.model_in_force)} ({way})"
    )


def edition_table(
    local_authority,
    data_dir,
    report_month,
    window_start,
    window_end,
    series_start,
    extract_date=None,
    synthetic=False,
    school_terms=None,
    edition_content_folder=None,
    targets=None,
    indicator_overrides=None,
    dfe_la_code=None,
    edition_date=None,
    neighbour_model=None,
    extract_date_set=None,
) -> pd.DataFrame:
    """One row per setting of the edition, with its value for this edition.

    The council, the period, the extract date and what each extract covers on it, whether the
    data are synthetic, the term dates file, the improvement themes and the DfE comparators.
    """
    extracts = load_extracts(resolve(data_dir))
    day = extract_date or coverage.latest_date(extracts)
    cut, _ = coverage.cut_extracts(extracts, day)
    rows = {
        "Council": str(local_authority),
        "Report month": month_name(report_month),
        "Window (strategy discussions, missing episodes)": f"{long_date(window_start)} to {long_date(window_end)}",
        "Whole-series charts from": month_name(series_start),
        "Extract date": coverage.day_words(day)
        + (
            " (set by the edition)"
            if (extract_date_set if extract_date_set is not None else extract_date)
            else " (the latest date in the data)"
        ),
    }
    for key, name in FILES.items():
        frame = getattr(cut, key)
        if frame is not None:
            rows[f"Period {name} covers"] = coverage.coverage(frame, key, day).describe()
    rows["Data"] = (
        "synthetic demo data (synthetic_data: true), generated for the demo; the data page lists what it was tuned to"
        if synthetic
        else "the council's own extracts"
    )
    rows["School term dates"] = (
        f"{terms_file_name(school_terms)} ("
        + ("shipped with the package" if school_terms is None else "the edition's own file")
        + ")"
    )
    rows["Improvement themes"] = themes_text(targets, edition_content_folder, indicator_overrides)
    rows["DfE comparators"] = neighbours_text(dfe_la_code, edition_date or report_month, neighbour_model)
    if edition_date:
        rows["Edition date"] = long_date(edition_date)
    table = pd.DataFrame({"This edition": rows})
    table.index.name = "Setting"
    return table
