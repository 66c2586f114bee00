"""The methods page: every definition, rule and model, with the parts that belong to the edition.

The definitions and rules are the same for every edition and stay in the template's text; what
differs from edition to edition is computed here: the edition's settings (council, period,
extract date and coverage, data, term dates, themes, DfE comparators), the calendar paragraph
with the term dates file the edition uses and where each of its years comes from, the theme
pages it has, and the demo section, which only a demo edition carries.
"""

from improvement_report.inputs import edition_content
from improvement_report.measures.indicators import RECORD_INDICATORS, edition_theme_numbers, full_catalogue
from improvement_report.render.edition_facts import (  # noqa: F401 (edition_table: used by the page)
    edition_table,
    terms_file_name,
    terms_sentence,
)
from improvement_report.render.escape import escape


def demo_section(synthetic: bool) -> str:
    """The section on demo editions: only an edition built on the synthetic demo data has one."""
    if not synthetic:
        return ""
    return (
        "## Demo editions\n\nThis edition is built on the synthetic demo data (`synthetic_data: true`): every "
        "page says so, and the data page lists each dashboard figure the demo generator was tuned to, beside "
        "the value the demo gives. Every other number in the demo is random, from a fixed seed. An edition on "
        "a council's own extracts carries neither the notice nor the calibration."
    )


def calendar_paragraph(series_start, report_month, school_terms=None) -> str:
    """How the school calendar is built, naming the edition's term dates file and its sources."""
    shipped = school_terms is None
    where = (
        "the file shipped with the package, `data/reference/school_terms.csv`"
        if shipped
        else f"the edition's own file, {escape(terms_file_name(school_terms))} (`school_terms:` in its configuration)"
    )
    return (
        "**Calendar.** England bank holidays come from the `govuk-bank-holidays` package's bundled data "
        "(nothing is downloaded); when a bank holiday falls at a weekend, the substitute weekday it lists is "
        f"the holiday. School holidays come from {where} (first and last day of each holiday: autumn "
        "half-term, Christmas, spring half-term, Easter, summer half-term, summer), checked like every input; "
        "its optional `source` column says where each row's dates come from. "
        f"{terms_sentence(series_start, report_month, school_terms)} For each month: a *working day* is a "
        "Monday to Friday that is not a bank holiday; a *school-holiday day* is a working day inside a school "
        "holiday; a *school day* is any other working day; the *school-holiday share* is school-holiday days "
        "÷ working days (1 for August). Months outside the term dates are left out, and the chapter says so."
    )


def themes_paragraph(targets=None, content_folder=None, indicator_overrides=None) -> str:
    """Which theme pages the edition has, and which theme each measure computed from the records is in."""
    numbers = edition_theme_numbers(targets, content_folder, indicator_overrides)
    catalogue = full_catalogue(targets=targets, edition_content=content_folder, indicator_overrides=indicator_overrides)
    named = edition_content.load(content_folder).themes
    pages = ", ".join(f"`book/theme_{n}`" for n in numbers)
    records = "; ".join(
        f"{escape(catalogue.loc[code, 'name'])} (theme {int(catalogue.loc[code, 'theme'])})"
        for code in RECORD_INDICATORS.index
    )
    count = "one theme" if len(numbers) == 1 else f"{len(numbers)} themes"
    return (
        f"**One page per theme.** `notebooks/theme.ipynb` is executed once for each of this edition's "
        f"{count} ({pages}; the page name's number is the template's `theme` parameter): every theme an "
        f"indicator belongs to, and every theme the edition names ({len(named)} "
        f"{'is' if len(named) == 1 else 'are'} named in its content folder; a theme without a title has a neutral "
        "one). Each page charts every indicator of its theme in the indicator catalogue "
        "(`data/indicator_catalogue.csv`) together with the measures the package computes from the records with "
        f"the definitions above: {records}. Their catalogue entries (theme, unit, polarity) are in "
        "`improvement_report/measures/indicators.py`; the edition's `indicators.csv` and the configuration's "
        "`indicators` replace targets, comparators and themes for that edition only."
    )


def standards_paragraph(targets=None, content_folder=None, indicator_overrides=None) -> str:
    """The national statutory standards the catalogue records, each with its source, and what they judge."""
    catalogue = full_catalogue(targets=targets, edition_content=content_folder, indicator_overrides=indicator_overrides)
    held = catalogue[catalogue["standard"].ne("")]
    text = (
        "**Statutory standards.** Where national statutory guidance or regulations set an expectation for an "
        "indicator, the catalogue records it in words (`standard`) with the document it comes from "
        "(`standard_source`), and the theme page shows it beside the indicator."
    )
    if held.empty:
        return text + " This edition's catalogue records none."
    listed = "; ".join(
        f"{escape(row['name'])}: {escape(row['standard'])} ({escape(row['standard_source'])})"
        for _, row in held.iterrows()
    )
    with_floor = held["floor"].notna().sum()
    floors = (
        "None of them gives a floor: each sets a timescale for every child, not a share of cases to reach, so no "
        "percentage is made up from it, the level is not judged against it, and the page says so."
        if with_floor == 0
        else f"{with_floor} of them carry a floor the source itself sets, judged as the level's benchmark; the "
        "others set a timescale for every child, not a share of cases to reach, and give no floor."
    )
    return f"{text} The standards recorded: {listed}. {floors}"
