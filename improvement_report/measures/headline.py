"""The headline figures interface: one JSON object for a month and a window (data contract)."""

import json

import pandas as pd

from improvement_report.inputs import coverage
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


def edition_figures(extracts, month, window_start, window_end, extract_date=None) -> dict:
    """The headline figures of an edition: the extracts as they stood on the extract date.

    Unlike :func:`headline_figures` (the contract's interface), a month or window beyond what
    the extracts cover is cut to it (the build refuses that unless the edition allows partial
    periods), and the year-earlier count is None when that month lies before the coverage.
    """
    extracts, covered = coverage.cut_extracts(extracts, extract_date)
    month = pd.Period(month, "M")
    if len(covered["caf"]) and month > covered["caf"][-1]:
        month = covered["caf"][-1]
    last_day = extract_date or coverage.latest_date(extracts)
    end = min(pd.Timestamp(window_end), pd.Timestamp(last_day)) if last_day is not None else pd.Timestamp(window_end)
    start = min(pd.Timestamp(window_start), end)
    figs = headline_figures(extracts, str(month), start, end)
    if month - 12 not in covered["caf"]:
        figs["caf"].update(open_same_month_last_year=None, change_over_year=None)
    return figs


def partial_notes(extracts, month, window_start, window_end, extract_date=None) -> list[str]:
    """What the headline figures have no data for, one sentence per extract (empty when the
    extracts cover the whole report month and window).

    An edition allowed to be partial (``allow_partial``) reports the months and days that have
    data; these sentences name the rest, so a month without data is never read as zero.
    """
    day = extract_date or coverage.latest_date(extracts)
    if day is None:
        return []
    cut, _ = coverage.cut_extracts(extracts, day)
    notes = []
    caf = coverage.coverage(cut.caf, "caf", day)
    month = pd.Period(month, "M")
    if not caf.empty and month > caf.last_month:  # every month from the last with data to the one asked for
        note = coverage.gap_notice(caf, caf.last_month + 1, month, "the early help figures")
        notes.append(f"{note} They are for {caf.last_month.strftime('%B %Y')}, the last whole month with data.")
    for key, what in (("strategy", "the strategy discussion figures"), ("missing", "the missing episode figures")):
        frame = getattr(cut, key)
        if frame is not None:
            notes.append(coverage.clamp_window(coverage.coverage(frame, key, day), window_start, window_end, what)[2])
    return [n for n in notes if n]
