"""STL decomposition, seasonal strength and the season-only expectation, against values worked by hand."""

import numpy as np
import pandas as pd
import pytest

from improvement_report.stats.seasonality import MIN_MONTHS, seasonal_strength, stl_decompose, stl_expected


def monthly(values, start="2015-04") -> pd.Series:
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_stl_recovers_a_pure_seasonal_pattern_and_a_trend():
    pattern = np.array([5, 3, 0, -2, -8, -10, -4, 0, 2, 4, 6, 4], dtype=float)
    pattern -= pattern.mean()
    months = 48
    values = monthly(100 + 0.5 * np.arange(months) + np.tile(pattern, months // 12))
    parts = stl_decompose(values)
    assert list(parts.index) == list(values.index)
    assert (parts.observed == values).all()
    assert parts.seasonal.to_numpy()[12:24] == pytest.approx(np.roll(pattern, 0), abs=0.5)
    assert (parts.trend + parts.seasonal + parts.resid).to_numpy() == pytest.approx(values.to_numpy())
    assert seasonal_strength(parts) > 0.95


def test_too_short_a_series_is_not_decomposed():
    assert stl_decompose(monthly(np.ones(MIN_MONTHS - 1))) is None
    assert seasonal_strength(None) is None


def test_seasonal_strength_by_hand():
    parts = pd.DataFrame({"seasonal": [1.0, -1.0, 1.0, -1.0], "resid": [0.5, 0.5, -0.5, -0.5]})
    # var(resid) = 1/3, var(seasonal + resid) = var([1.5, -0.5, 0.5, -1.5]) = 5/3: strength 1 - 1/5
    assert seasonal_strength(parts) == pytest.approx(0.8)
    flat = pd.DataFrame({"seasonal": [0.0, 0.0, 0.0], "resid": [0.0, 0.0, 0.0]})
    assert seasonal_strength(flat) == 0.0


def test_stl_expected_moves_by_the_seasonal_difference():
    index = pd.period_range("2017-06", periods=3, freq="M")
    parts = pd.DataFrame({"seasonal": [2.0, -1.0, -5.0], "resid": [1.0, -1.0, 0.0]}, index=index)
    expected, spread = stl_expected(parts, index[0], index[2], 50.0)
    assert expected == 50 - 5 - 2
    assert spread == pytest.approx(np.sqrt(2) * 1.0)  # resid sd is 1
