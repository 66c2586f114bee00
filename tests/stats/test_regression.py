"""Logistic regression odds ratios against the 2x2 table worked by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from improvement_report.stats.regression import FitFailed, logistic_odds_ratios


def frame_from_table(cells: dict) -> pd.DataFrame:
    """Rows from {(exposed, outcome): count}."""
    rows = [(x, y) for (x, y), n in cells.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["exposed", "outcome"])


def test_one_binary_predictor_gives_the_cross_product_ratio_and_woolf_interval():
    a, b, c, d = 30, 20, 10, 40  # exposed: 30 yes, 20 no; unexposed: 10 yes, 40 no
    frame = frame_from_table({(1, 1): a, (1, 0): b, (0, 1): c, (0, 0): d})
    fit = logistic_odds_ratios(frame, "outcome", ["exposed"])
    row = fit.table.loc[("exposed", "")]
    assert row.odds_ratio == pytest.approx((a * d) / (b * c), rel=1e-6)  # 6.0
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = 1.959963984540054
    assert row.low == pytest.approx(6.0 * math.exp(-z * se), rel=1e-5)
    assert row.high == pytest.approx(6.0 * math.exp(z * se), rel=1e-5)
    assert fit.n == 100


def test_categorical_levels_against_the_reference_by_hand():
    frame = pd.DataFrame(
        {
            "team": ["A"] * 40 + ["B"] * 40 + ["C"] * 40,
            "outcome": [1] * 20 + [0] * 20 + [1] * 30 + [0] * 10 + [1] * 8 + [0] * 32,
        }
    )
    fit = logistic_odds_ratios(frame, "outcome", ["team"], references={"team": "A"})
    assert list(fit.table.index) == [("team", "B"), ("team", "C")]
    assert fit.table.loc[("team", "B"), "odds_ratio"] == pytest.approx(3.0, rel=1e-6)  # (30/10) / (20/20)
    assert fit.table.loc[("team", "C"), "odds_ratio"] == pytest.approx(0.25, rel=1e-6)  # (8/32) / 1


def test_perfect_separation_fails_with_its_cause():
    frame = pd.DataFrame({"x": np.arange(20, dtype=float), "outcome": [0] * 10 + [1] * 10})
    with pytest.raises(FitFailed) as err:
        logistic_odds_ratios(frame, "outcome", ["x"])
    assert err.value.cause
