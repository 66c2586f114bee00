"""Count models: the two-group negative binomial and the season-only expectation, checked
against hand arithmetic and a direct maximum-likelihood fit with scipy."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from improvement_report.stats.count_models import HolidayModel, group_rate_ratio, season_only_expectation

HOME = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 5, 9]
CARE = [1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 22]


def nb2_by_scipy(reference, compared):
    """Maximise the NB2 likelihood directly: (rate ratio, alpha)."""
    y = np.r_[reference, compared].astype(float)
    x = np.r_[np.zeros(len(reference)), np.ones(len(compared))]

    def minus_loglik(theta):
        b0, b1, log_alpha = theta
        mu, alpha = np.exp(b0 + b1 * x), np.exp(log_alpha)
        size = 1 / alpha
        return -stats.nbinom.logpmf(y, size, size / (size + mu)).sum()

    best = optimize.minimize(
        minus_loglik, [0.0, 0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20000}
    )
    return math.exp(best.x[1]), math.exp(best.x[2])


def test_group_rate_ratio_is_the_ratio_of_means_and_alpha_the_likelihood_maximum():
    model = group_rate_ratio(pd.Series(HOME), pd.Series(CARE))
    assert model.rate_ratio == pytest.approx((sum(CARE) / 12) / (sum(HOME) / 12), rel=1e-4)
    ratio, alpha = nb2_by_scipy(HOME, CARE)
    assert model.rate_ratio == pytest.approx(ratio, rel=1e-3)
    assert model.alpha == pytest.approx(alpha, rel=1e-3)
    assert model.low < model.rate_ratio < model.high and 0 < model.p_value < 0.05
    assert (model.n_reference, model.n_compared) == (12, 12)


def test_group_rate_ratio_refuses_small_groups_and_constant_counts():
    assert group_rate_ratio(pd.Series(HOME[:4]), pd.Series(CARE)) is None
    assert group_rate_ratio(pd.Series(HOME[:4]), pd.Series(CARE), min_per_group=4) is not None
    assert group_rate_ratio(pd.Series([1] * 8), pd.Series([1] * 8)) is None


def holiday_model(ratio: float, alpha: float) -> HolidayModel:
    index = pd.period_range("2017-01", periods=12, freq="M")
    return HolidayModel(
        "negative binomial",
        12,
        "working days",
        alpha,
        0.01,
        (1.0, 1.0, 1.0),
        (ratio, ratio, ratio),
        0.0,
        1.0,
        pd.Series(1.0, index=index),
    )


def test_season_only_expectation_by_hand():
    model = holiday_model(ratio=0.5, alpha=0.1)
    # from a month with no holiday and 20 working days to a month wholly in holiday with 15
    expected, spread = season_only_expectation(model, 100.0, 0.0, 1.0, 20.0, 15.0)
    factor = 0.5 * 15 / 20
    assert expected == pytest.approx(100 * factor)
    sd_end, sd_start = math.sqrt(37.5 + 0.1 * 37.5**2), math.sqrt(100 + 0.1 * 100**2)
    assert spread == pytest.approx(math.hypot(sd_end, factor * sd_start))
