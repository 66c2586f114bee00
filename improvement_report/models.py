"""Count models for monthly activity: a trend and a school-summer term.

Monthly counts (CAFs opened, discussions held) are modelled as Poisson with a log link,
``log E[y] = b0 + b1 * month + b2 * summer``. When a likelihood-ratio test says the counts
vary more than Poisson allows, the negative binomial model (NB2, its dispersion ``alpha``
estimated by ``statsmodels.discrete``) is used instead, so the intervals are not too narrow.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.tools.sm_exceptions import ConvergenceWarning

# Share of each month inside the school summer holiday: late July and all of August in
# England. An approximation until the council's term dates are used (seasonal chapter).
SUMMER_SHARE = {7: 0.3, 8: 1.0}
SHORT_SERIES_MONTHS = 24


@dataclass
class CountTrend:
    """A fitted trend-and-summer model of monthly counts."""

    family: str  # "Poisson" or "negative binomial"
    n_months: int
    alpha: float | None  # negative binomial dispersion; None for Poisson
    overdispersion_p: float  # likelihood-ratio test of alpha = 0
    monthly_ratio: tuple[float, float, float]  # rate ratio per month: estimate, 95% low, high
    summer_ratio: tuple[float, float, float]  # rate ratio for a whole month of summer holiday
    fitted: pd.Series

    @property
    def short_series(self) -> bool:
        """Fewer than two years of months: the trend and the summer effect are hard to separate."""
        return self.n_months < SHORT_SERIES_MONTHS


def summer_share(months: pd.PeriodIndex) -> np.ndarray:
    """Fraction of each month in the school summer holiday (approximate)."""
    return np.array([SUMMER_SHARE.get(m.month, 0.0) for m in months])


def _design(months: pd.PeriodIndex) -> pd.DataFrame:
    return pd.DataFrame(
        {"const": 1.0, "month": np.arange(len(months), dtype=float), "summer": summer_share(months)},
        index=months,
    )


def _ratio(params, conf, name) -> tuple[float, float, float]:
    return float(np.exp(params[name])), float(np.exp(conf.loc[name, 0])), float(np.exp(conf.loc[name, 1]))


def fit_count_trend(counts: pd.Series) -> CountTrend:
    """Fit the trend-and-summer count model.

    Parameters
    ----------
    counts : pandas.Series
        Monthly counts indexed by monthly Period, consecutive months.

    Returns
    -------
    CountTrend

    Raises
    ------
    ValueError
        With fewer than 6 months, or no summer month, the model cannot be estimated.
    """
    counts = counts.astype(float)
    if len(counts) < 6:
        raise ValueError(f"a trend needs at least 6 months of counts, not {len(counts)}")
    X = _design(counts.index)
    if X.summer.sum() == 0:
        raise ValueError("the series has no summer month, so the summer effect cannot be estimated")
    poisson = sm.GLM(counts, X, family=sm.families.Poisson()).fit()
    with warnings.catch_warnings():
        # When the counts are Poisson, alpha heads for 0 and the optimiser says so; the test below decides.
        warnings.simplefilter("ignore", ConvergenceWarning)
        nb = NegativeBinomial(counts, X, loglike_method="nb2").fit(disp=0, maxiter=200)
    # alpha = 0 lies on the boundary, so the LR statistic's null is a 50:50 mix of 0 and chi2(1).
    lr = max(0.0, 2 * (nb.llf - poisson.llf))
    p = 0.5 * stats.chi2.sf(lr, 1)
    if p < 0.05 and nb.mle_retvals.get("converged", False):
        params, conf = nb.params, nb.conf_int()
        fitted = pd.Series(nb.predict(X), index=counts.index)
        family, alpha = "negative binomial", float(nb.params["alpha"])
    else:
        params, conf = poisson.params, poisson.conf_int()
        fitted = pd.Series(poisson.fittedvalues, index=counts.index)
        family, alpha = "Poisson", None
    return CountTrend(family, len(counts), alpha, float(p), _ratio(params, conf, "month"),
                      _ratio(params, conf, "summer"), fitted)


def describe(model: CountTrend, what: str) -> str:
    """Plain-English reading of the trend and summer effect, with intervals."""
    # Round before choosing words and signs, so the text never says "-0.0%".
    est, lo, hi = (round(100 * (r - 1), 1) + 0.0 for r in model.monthly_ratio)
    direction = "falling" if hi < 0 else "rising" if lo > 0 else "with no clear trend"
    s_est, s_lo, s_hi = (100 * (1 - r) for r in model.summer_ratio)
    if direction == "with no clear trend":
        trend = (f"{what} show no clear trend once the summer holiday is allowed for: the estimated change is "
                 f"{est:+.1f}% a month, and anything from {lo:+.1f}% to {hi:+.1f}% fits the data (95% interval).")
    else:
        trend = (f"Once the summer holiday is allowed for, {what} have been {direction} by about "
                 f"{abs(est):.1f}% a month (95% interval {abs(hi if est < 0 else lo):.1f}% to "
                 f"{abs(lo if est < 0 else hi):.1f}%).")
    if s_lo > 0:
        summer = (f"A month wholly in the school summer holiday has about {s_est:.0f}% fewer "
                  f"(95% interval {s_hi:.0f}% to {s_lo:.0f}% fewer).")
    elif s_hi < 0:
        summer = f"A month of summer holiday has about {-s_est:.0f}% more (95% interval {-s_lo:.0f}% to {-s_hi:.0f}% more)."
    else:
        summer = "The data cannot tell whether the summer holiday changes the number."
    fam = (f"The counts vary more than chance alone would make them, so a negative binomial model was used "
           f"(dispersion {model.alpha:.3f})." if model.alpha is not None
           else "The counts vary no more than chance would make them, so a Poisson model was used.")
    caveat = (f" With only {model.n_months} months, treat this with caution: trend and season are hard to separate."
              if model.short_series else "")
    return f"{trend} {summer} {fam}{caveat}"
