"""The landing page: what the report covers, and its headline figures."""

import json
from pathlib import Path

import pandas as pd

from .figures import headline_figures
from .narrative import number, percent
from .periods import month_name


def introduction(local_authority, report_month, window_start, window_end) -> str:
    """The opening paragraph for the period."""
    ws, we = pd.Timestamp(window_start), pd.Timestamp(window_end)
    return (
        f"This report covers **{local_authority}**'s children's services for **{month_name(report_month)}**. "
        f"Early help figures are for the month; strategy discussions and missing episodes are for the window "
        f"from {ws:%-d %B %Y} to {we:%-d %B %Y}. Every number is computed from the data extracts by the "
        f"`improvement_report` package; the methods page gives each definition and the data page lists the "
        f"files read and any rows left out, with the reason."
    )


def figures(extracts, report_month, window_start, window_end) -> dict:
    """The headline figures, exactly as the ``figures`` command prints them."""
    return headline_figures(extracts, report_month, window_start, window_end)


def save_figures(figs: dict, path="downloads/headline_figures.json") -> Path:
    """Write the headline figures JSON for download."""
    path = Path(path)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(figs, indent=2) + "\n", encoding="utf-8")
    return path


def figures_table(figs: dict) -> pd.DataFrame:
    """The headline figures as a table a member can read."""
    caf, sd, ms = figs["caf"], figs["strategy_discussions"], figs["missing"]
    month = month_name(figs["month"])
    window = f"{pd.Timestamp(figs['window']['start']):%-d %b %Y} to {pd.Timestamp(figs['window']['end']):%-d %b %Y}"

    def n(x):
        return "-" if x is None else number(x)

    rows = [
        ("Early help", f"Open CAFs at the end of {month}", n(caf["open_end_of_month"])),
        ("Early help", "Change on a year earlier", f"{caf['change_over_year']:+,} (from {n(caf['open_same_month_last_year'])})"),
        ("Early help", f"Opened / closed in {month}", f"{n(caf['opened_in_month'])} / {n(caf['closed_in_month'])}"),
        ("Early help", "Open more than 12 months", percent(caf["open_over_12_months_pct"])),
        ("Strategy discussions", f"Held, {window}", f"{n(sd['discussions'])} (about {n(sd['children'])} children)"),
        ("Strategy discussions", "Compliant (CSC, police and health)", f"{n(sd['compliant'])} ({percent(sd['compliant_pct'])})"),
        ("Strategy discussions", "Without health / police / CSC", f"{n(sd['no_health'])} / {n(sd['no_police'])} / {n(sd['no_csc'])}"),
        ("Strategy discussions", "Education involved", percent(sd["with_education_pct"])),
    ]
    for group, label in (("home", "from home"), ("care", "from care")):
        g = ms[group]
        hours = "-" if g["median_duration_hours"] is None else f"{g['median_duration_hours']:.1f}"
        per_child = "-" if g["episodes_per_child"] is None else f"{g['episodes_per_child']:.2f}"
        rows.append(("Missing episodes", f"Missing {label}, {window}",
                     f"{n(g['episodes'])} episodes, {n(g['children'])} children ({per_child} each); median {hours} hours"))
    rows.append(("Missing episodes", "Return home interviews within 72 hours", percent(ms["rhi_within_72h_pct"])))
    t = pd.DataFrame(rows, columns=["Area", "Measure", "Figure"]).set_index("Area")
    return t
