"""Where the school holidays a page uses come from, in words (the term dates' ``source`` column)."""

from improvement_report.render.escape import escape

#: A source beginning with one of these words is not a council's published calendar.
NOT_PUBLISHED = ("estimate", "approximate")


def years_words(years: list[str]) -> str:
    """``YYYY/YY``, ``YYYY/YY to YYYY/YY`` (a run of academic years) or a list of them."""
    if len(years) == 1:
        return years[0]
    starts = [int(y[:4]) for y in years]
    if starts == list(range(starts[0], starts[0] + len(starts))):
        return f"{years[0]} to {years[-1]}"
    return ", ".join(years)


def terms_source_sentence(groups: dict[str, list[str]], file_name: str) -> str:
    """Which academic years of the term dates a page uses, and where each year's dates come from.

    Parameters
    ----------
    groups : dict
        ``{source: [academic year, ...]}`` from
        :func:`improvement_report.inputs.school_calendar.sources_used`.
    file_name : str
        The term dates file's name (data: escaped).

    Returns
    -------
    str
        "" when no year is used. Years whose source is an estimate or an approximation are named
        as such, with how to replace them.
    """
    if not groups:
        return ""
    text = f"The school holidays come from {escape(file_name)}"
    sourced = [f"{years_words(years)} ({escape(source)})" for source, years in groups.items() if source]
    text += (": " + "; ".join(sourced) + ".") if sourced else "."
    if groups.get(""):
        text += f" The file does not say where the dates for {years_words(groups[''])} come from."
    estimated = [y for source, years in groups.items() if source.lower().startswith(NOT_PUBLISHED) for y in years]
    if estimated:
        text += (
            f" So the holidays of {years_words(estimated)} are not a council's published calendar: a holiday a "
            "week out moves the seasonal figures. An edition names the council's own term dates with "
            "`school_terms:` in its configuration."
        )
    return text
