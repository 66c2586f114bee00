"""The headline figures interface: one JSON object for a month and a window (data contract)."""

import json

import pandas as pd

from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import early_help, missing_episodes, strategy_discussions


def headline_figures(extracts, month, window_start, window_end) -> dict:
    """Compute the headline figures from validated extracts.

    Parameters
    ----------
    extracts : improvement_report.inputs.loading.Extracts
    month : str
        Report month, ``YYYY-MM``; the ``caf`` block refers to it.
    window_start, window_end : str
        Window dates, ``YYYY-MM-DD``, both inclusive; the other blocks refer to it.

    Returns
    -------
    dict
        Keys and rounding exactly as the data contract's JSON.
    """
    start, end = pd.Timestamp(window_start), pd.Timestamp(window_end)
    return {
        "month": str(pd.Period(month, "M")),
        "window": {"start": start.strftime("%Y-%m-%d"), "end": end.strftime("%Y-%m-%d")},
        "caf": early_help.headline(extracts.caf, month),
        "strategy_discussions": strategy_discussions.headline(extracts.strategy, start, end),
        "missing": missing_episodes.headline(extracts.missing, start, end),
    }


def figures_json(data_dir, month, window_start, window_end) -> str:
    """Load the three record-level files from ``data_dir`` and return the figures as JSON text."""
    extracts = load_extracts(data_dir, required=("caf", "strategy", "missing"), optional=())
    return json.dumps(headline_figures(extracts, month, window_start, window_end), indent=2)
