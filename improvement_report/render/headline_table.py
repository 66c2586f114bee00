"""The headline figures as a table a member can read (the landing page and the summary)."""

import pandas as pd

from improvement_report.core.periods import month_name, short_date
from improvement_report.render.comparator_words import NOT_HELD, RELATION_WORDS, neighbour_text, value_text
from improvement_report.render.wording import number, percent

#: Said in the DfE columns of a headline figure DfE publishes nothing comparable with: early help
#: is not collected nationally, strategy discussions are not counted, and DfE's missing-from-care
#: figures cover a whole year, not the edition's window.
NO_DFE = "no comparable DfE figure"
DFE_COLUMNS = ["Neighbours' average (DfE)", "England (DfE)", "DfE source"]


def figures_table(figs: dict) -> pd.DataFrame:
    """The headline figures as a table a member can read."""
    caf, sd, ms = figs["caf"], figs["strategy_discussions"], figs["missing"]
    month = month_name(figs["month"])
    window = f"{short_date(figs['window']['start'])} to {short_date(figs['window']['end'])}"

    def n(x):
        return "-" if x is None else number(x)

    year_before = month_name(pd.Period(figs["month"], "M") - 12)
    # Every figure names its period in its own column: the month for early help, the window for
    # strategy discussions and missing episodes (never one beside the other without a label).
    rows = [
        ("Early help", "Open CAFs at month end", month, n(caf["open_end_of_month"])),
        (
            "Early help",
            "Change on a year earlier",
            f"{month} against {year_before}",
            "- (no data a year earlier)"
            if caf["change_over_year"] is None
            else f"{caf['change_over_year']:+,} (from {n(caf['open_same_month_last_year'])})",
        ),
        ("Early help", "Opened / closed", month, f"{n(caf['opened_in_month'])} / {n(caf['closed_in_month'])}"),
        ("Early help", "Open more than 12 months", f"end of {month}", percent(caf["open_over_12_months_pct"])),
        ("Strategy discussions", "Held", window, f"{n(sd['discussions'])} (about {n(sd['children'])} children)"),
        (
            "Strategy discussions",
            "Compliant (CSC, police and health)",
            window,
            f"{n(sd['compliant'])} ({percent(sd['compliant_pct'])})",
        ),
        (
            "Strategy discussions",
            "Without health / police / CSC",
            window,
            f"{n(sd['no_health'])} / {n(sd['no_police'])} / {n(sd['no_csc'])}",
        ),
        ("Strategy discussions", "Education involved", window, percent(sd["with_education_pct"])),
    ]
    for group, label in (("home", "from home"), ("care", "from care")):
        g = ms[group]
        hours = "-" if g["median_duration_hours"] is None else f"{g['median_duration_hours']:.1f}"
        per_child = "-" if g["episodes_per_child"] is None else f"{g['episodes_per_child']:.2f}"
        rows.append(
            (
                "Missing episodes",
                f"Missing {label}",
                window,
                f"{n(g['episodes'])} episodes, {n(g['children'])} children ({per_child} each); median {hours} hours",
            )
        )
    rows.append(
        ("Missing episodes", "Return home interviews within 72 hours", window, percent(ms["rhi_within_72h_pct"]))
    )
    t = pd.DataFrame(rows, columns=["Area", "Measure", "Period", "Figure"]).set_index("Area")
    return t


def dfe_cells(row) -> tuple[str, str, str]:
    """Neighbours' average and England, each with its year, and the source, for one indicator.

    Parameters
    ----------
    row : pandas.Series or None
        One row of :func:`improvement_report.measures.comparators.indicator_comparators`; None
        when the figure has no DfE measure. A symbol stays a symbol (``c: suppressed``), a year
        the edition's vintage does not hold says so: neither ever becomes 0.
    """
    if row is None:
        return NO_DFE, NO_DFE, ""
    relation = RELATION_WORDS.get(row["dfe_relation"], "")
    if row["year"] is None or pd.isna(row["year"]):
        return NOT_HELD, NOT_HELD, f"DfE, {row['measure_name']} ({relation})"
    year = row["year_label"]
    unit, measure = row["unit"], row["dfe_measure"]
    neighbours = f"{neighbour_text(row, unit, measure)}, {year}"
    england = f"{value_text(row['england'], row['england_symbol'], unit, measure)}, {year}"
    return neighbours, england, f"{row['source']}: {row['measure_name']} ({relation}); neighbours: {row['model_title']}"


def with_comparators(table: pd.DataFrame, indicators: list[tuple], comparators: pd.DataFrame | None) -> pd.DataFrame:
    """The headline table with DfE's neighbours' average and England beside every figure.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`figures_table` (indexed by area). Its figures have no comparable DfE measure.
    indicators : list of tuple
        ``(area, code, name, period, figure)`` for each catalogue indicator to add as a row; only
        those mapped to a DfE measure in ``comparators`` are added.
    comparators : pandas.DataFrame or None
        :func:`improvement_report.measures.comparators.indicator_comparators` of the edition
        (empty or None: the edition names no DfE code, and the table is returned unchanged).
    """
    if comparators is None or comparators.empty:
        return table
    out = table.copy()
    for column, value in zip(DFE_COLUMNS, dfe_cells(None)):
        out[column] = value
    rows = []
    for area, code, name, period, figure in indicators:
        if code in comparators.index:
            rows.append((area, name, period, figure, *dfe_cells(comparators.loc[code])))
    added = pd.DataFrame(rows, columns=["Area", "Measure", "Period", "Figure", *DFE_COLUMNS]).set_index("Area")
    return pd.concat([out, added]) if rows else out
