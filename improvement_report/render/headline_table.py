"""The headline figures as a table a member can read (the landing page and the summary)."""

import pandas as pd

from improvement_report.core.periods import month_name, short_date
from improvement_report.render.wording import number, percent


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
