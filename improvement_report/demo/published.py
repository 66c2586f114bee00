"""Which figures of a demo edition reproduce a published figure, and which exist only in the demo.

The demo imitates the Children, Education, Libraries and Safeguarding Committee report of
January 2018 (reporting November 2017): a few figures were tuned to the values it publishes
(see ``calibration.md``); every other figure is random. A reader of a demo edition must be able
to tell the two apart, so the summary marks each headline figure and each listed indicator with
:data:`PUBLISHED` or :data:`DEMO_ONLY`. Only demo editions use this module.
"""

import pandas as pd

from . import caf, strategy
from .dashboard import ANCHORS

PUBLISHED = "Published in the committee report"
DEMO_ONLY = "Demo only: not a real figure"
KEY = (
    f"*{PUBLISHED}*: the demo data were tuned to reproduce the figure the committee report "
    f"published for this period. *{DEMO_ONLY}*: the demo generated it at random; no council published it, "
    f"so it says nothing about any real service."
)
SINGLE_MONTH = ("value", "numerator")  # anchors that fix one month's published figure


def indicator_published(code: str, month) -> bool:
    """Whether the dashboard indicator's value for ``month`` was tuned to the committee report's."""
    month = str(pd.Period(month, "M"))
    # The record-level indicators the CAF extract was tuned to (the dashboard's are in ANCHORS).
    if code == "caf_open":
        return month in caf.PUBLISHED_STOCK
    if code == "caf_open_over_12_months_pct":
        return month == caf.LONG_OPEN_MONTH
    return any(
        a.indicator == code and a.start == a.end == month and a.statistic == "value" and a.source.startswith("report")
        for a in ANCHORS
    )


def headline_published(month, window_start, window_end) -> dict[str, bool]:
    """For each measure of the headline figures table, whether its demo figure for this period is published.

    Keys are the table's ``Measure`` labels; a label not listed here is demo only.
    """
    month = pd.Period(month, "M")
    stock = {pd.Period(k, "M") for k in caf.PUBLISHED_STOCK}
    window = (pd.Timestamp(window_start), pd.Timestamp(window_end)) == strategy.WINDOW
    return {
        "Open CAFs at month end": month in stock,
        "Change on a year earlier": month in stock and month - 12 in stock,
        "Opened / closed": False,  # the report gives no monthly openings or closures
        "Open more than 12 months": month == pd.Period(caf.LONG_OPEN_MONTH, "M"),
        "Held": window,
        "Compliant (CSC, police and health)": window,
        "Without health / police / CSC": window,
        "Education involved": False,  # not tuned: the report gives no figure
        # Missing episodes were tuned only to DfE's yearly counts of children missing from care.
        "Missing from home": False,
        "Missing from care": False,
        "Return home interviews within 72 hours": False,
    }
