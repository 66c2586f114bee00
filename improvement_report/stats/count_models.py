"""Count models for monthly activity: a trend and the school holidays, and episodes per child.

Monthly counts (CAFs opened, discussions held) are modelled as Poisson with a log link,
``log E[y] = log(exposure) + b0 + b1 * month + b2 * holiday share`` (the holiday share from the
council's school term dates). When a likelihood-ratio test says the counts
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
from statsmodels.discrete.truncated_model import TruncatedLFNegativeBinomialP
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

#: Fewer months than this: trend and season are hard to separate, and the page says so.
SHORT_SERIES_MONTHS = 24


def _ratio(params, conf, name) -> tuple[float, float, float]:
    return float(np.exp(params[name])), float(np.exp(conf.loc[name, 0])), float(np.exp(conf.loc[name, 1]))


# ---------------------------------------------------------------------------------------------
# Trend and school holidays from the term dates (seasonal effects and CAF chapters: one model)
# ---------------------------------------------------------------------------------------------

MIN_HOLIDAY_MONTHS = 12  # a year, so every holiday has been seen at least once


@dataclass
class HolidayModel:
    """A fitted trend-and-school-holiday model of monthly counts.

    ``log E[y] = log(exposure) + b0 + b1 * month + b2 * holiday_share``, where
    ``holiday_share`` is the share of the month's working days in a school holiday and the
    exposure is the month's working days (or calendar days, for events on any day).
    """

    family: str  # "Poisson" or "negative binomial"
    n_months: int
    exposure: str  # what the exposure counts, e.g. "working days"
    alpha: float  # negative binomial dispersion as estimated, whichever family is used
    overdispersion_p: float  # likelihood-ratio test of alpha = 0 (boundary-corrected)
    monthly_ratio: tuple[float, float, float]  # rate ratio per month: estimate, 95% low, high
    holiday_ratio: tuple[float, float, float]  # rate ratio, whole month of school holiday vs none
    holiday_lr: float  # likelihood-ratio statistic against the model without the holiday term
    holiday_p: float
    fitted: pd.Series

    @property
    def short_series(self) -> bool:
        """Fewer than two years of months: the trend and the holidays are hard to separate."""
        return self.n_months < SHORT_SERIES_MONTHS

    @property
    def holiday_log_ratio(self) -> float:
        return float(np.log(self.holiday_ratio[0]))


def _fit_family(counts, X, exposure, family):
    """Fit one design in one family; statsmodels.discrete for the negative binomial, so alpha is estimated."""
    if family == "Poisson":
        return sm.GLM(counts, X, family=sm.families.Poisson(), exposure=exposure).fit()
    with warnings.catch_warnings():
        # When the counts are Poisson, alpha heads for 0 and the optimiser says so; the LR test decides.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)  # then bse is NaN and the NB is not used
        return NegativeBinomial(counts, X, loglike_method="nb2", exposure=exposure).fit(disp=0, maxiter=300)


def fit_holiday_model(
    counts: pd.Series, holiday_share: pd.Series, exposure: pd.Series | None = None, exposure_name: str = "working days"
) -> HolidayModel:
    """Fit the trend-and-school-holiday count model and test the holiday term.

    Parameters
    ----------
    counts : pandas.Series
        Monthly counts indexed by monthly Period, consecutive months.
    holiday_share : pandas.Series
        Share of each month's working days in a school holiday, same index.
    exposure : pandas.Series, optional
        Working days (or calendar days) in each month, same index; counts are modelled per day.
    exposure_name : str
        What the exposure counts, for the reader.

    Returns
    -------
    HolidayModel

    Raises
    ------
    ValueError
        With fewer than ``MIN_HOLIDAY_MONTHS`` months, or no month with any school holiday.

    Notes
    -----
    The negative binomial dispersion alpha is estimated by maximum likelihood
    (``statsmodels.discrete``), never GLM's fixed default. The family is negative binomial when
    a likelihood-ratio test of alpha = 0 gives p < 0.05 (the null sits on the boundary, so the
    statistic is referred to a 50:50 mix of 0 and chi-squared(1)). The holiday term is then
    tested by a likelihood-ratio test, chi-squared(1), against the same family without it.
    """
    counts = counts.astype(float)
    if len(counts) < MIN_HOLIDAY_MONTHS:
        raise ValueError(f"a holiday model needs at least {MIN_HOLIDAY_MONTHS} months of counts, not {len(counts)}")
    share = holiday_share.reindex(counts.index).astype(float)
    if not (share > 0).any():
        raise ValueError("no month has a school holiday, so the holiday effect cannot be estimated")
    X = pd.DataFrame(
        {"const": 1.0, "month": np.arange(len(counts), dtype=float), "holiday": share.to_numpy()}, index=counts.index
    )
    expo = None if exposure is None else exposure.reindex(counts.index).astype(float).to_numpy()
    poisson = _fit_family(counts, X, expo, "Poisson")
    nb = _fit_family(counts, X, expo, "negative binomial")
    alpha = float(nb.params["alpha"])
    p_disp = float(0.5 * stats.chi2.sf(max(0.0, 2 * (nb.llf - poisson.llf)), 1))
    use_nb = p_disp < 0.05 and nb.mle_retvals.get("converged", False) and bool(np.isfinite(nb.bse).all())
    family = "negative binomial" if use_nb else "Poisson"
    full = nb if use_nb else poisson
    reduced = _fit_family(counts, X.drop(columns="holiday"), expo, family)
    lr = max(0.0, 2 * (full.llf - reduced.llf))
    conf = full.conf_int()
    fitted = pd.Series(np.asarray(full.predict(X, exposure=expo) if use_nb else full.fittedvalues), index=counts.index)
    return HolidayModel(
        family,
        len(counts),
        exposure_name if exposure is not None else "none",
        alpha,
        p_disp,
        _ratio(full.params, conf, "month"),
        _ratio(full.params, conf, "holiday"),
        float(lr),
        float(stats.chi2.sf(lr, 1)),
        fitted,
    )


def seasonal_factor(
    model: HolidayModel, share_from: float, share_to: float, exposure_from: float = 1.0, exposure_to: float = 1.0
) -> float:
    """How much the school calendar alone multiplies the expected count between two months.

    The trend is left out on purpose: this is the movement season alone would make.
    """
    return float(np.exp(model.holiday_log_ratio * (share_to - share_from)) * exposure_to / exposure_from)


def seasonal_part(model: HolidayModel, holiday_share: pd.Series, exposure: pd.Series) -> pd.Series:
    """The model's expected count minus what it expects in a month with an average calendar.

    The trend is kept in both, so what is left is the school calendar's effect alone:
    negative in holiday months and months with few working days, positive otherwise. The
    average is of the calendar factor ``exp(b2 * share) * exposure`` itself, so over the
    series the seasonal parts sum to about zero.
    """
    b = model.holiday_log_ratio
    share = holiday_share.reindex(model.fitted.index).astype(float)
    expo = exposure.reindex(model.fitted.index).astype(float)
    per_unit = model.fitted / (np.exp(b * share) * expo)  # exp(b0 + b1 * month): the trend alone
    return model.fitted - per_unit * (np.exp(b * share) * expo).mean()


def expected_spread(model: HolidayModel, mean: float) -> float:
    """Standard deviation of a month's count around ``mean`` under the model's variance.

    The estimated alpha is used even when Poisson was kept, so the check is never too strict.
    """
    return float(np.sqrt(mean + max(model.alpha, 0.0) * mean**2))


def describe_holiday(model: HolidayModel, what: str) -> str:
    """Plain-English reading of the holiday rate ratio, its interval and its test."""
    est, lo, hi = model.holiday_ratio
    p = _p_text(model.holiday_p)
    if hi < 1:
        effect = (
            f"A month wholly in the school holidays has about {100 * (1 - est):.0f}% fewer {what} than a "
            f"month wholly in term (rate ratio {est:.2f}, 95% interval {lo:.2f} to {hi:.2f}; "
            f"likelihood-ratio test {p})."
        )
    elif lo > 1:
        effect = (
            f"A month wholly in the school holidays has about {100 * (est - 1):.0f}% more {what} than a "
            f"month wholly in term (rate ratio {est:.2f}, 95% interval {lo:.2f} to {hi:.2f}; "
            f"likelihood-ratio test {p})."
        )
    else:
        effect = (
            f"The school holidays make no clear difference to {what}: the rate ratio is {est:.2f}, and "
            f"anything from {lo:.2f} to {hi:.2f} fits the data (likelihood-ratio test {p})."
        )
    basis = (
        f" The model counts per {model.exposure.removesuffix('s')}, so a month with more {model.exposure} expects more."
        if model.exposure != "none"
        else ""
    )
    fam = (
        f" The counts vary more than chance alone would make them (dispersion {model.alpha:.3f}), so a "
        f"negative binomial model was used."
        if model.family == "negative binomial"
        else " The counts vary no more than chance would make them, so a Poisson model was used."
    )
    caveat = (
        f" With only {model.n_months} months, treat this with caution: trend and season are hard to separate."
        if model.short_series
        else ""
    )
    return effect + basis + fam + caveat


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# ---------------------------------------------------------------------------------------------
# Counts per person in two groups (episodes per missing child, care against home)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRateRatio:
    """Negative binomial (NB2) model of counts per person, one group against a reference group.

    With ``zero_truncated`` the model is the NB2 distribution conditioned on a count of at least
    one (only people with an event are in the data): ``rate_ratio`` and ``alpha`` are then those
    of the underlying, untruncated distribution.
    """

    rate_ratio: float  # mean count in the compared group over the reference group (untruncated means)
    low: float
    high: float
    p_value: float
    alpha: float  # over-dispersion: variance = mean + alpha * mean^2
    alpha_low: float
    alpha_high: float
    n_reference: int
    n_compared: int
    zero_truncated: bool = False


def group_rate_ratio(
    reference: pd.Series, compared: pd.Series, min_per_group: int = 5, zero_truncated: bool = False
) -> GroupRateRatio | None:
    """Fit counts ~ group with a negative binomial; None when the data cannot support it.

    Parameters
    ----------
    reference, compared : pandas.Series
        One count per person in each group.
    min_per_group : int
        Fewer people than this in either group: no model.
    zero_truncated : bool, default False
        The counts can never be zero (only people with at least one event were counted), so
        fit the zero-truncated NB2 (``statsmodels.discrete.truncated_model.
        TruncatedLFNegativeBinomialP``, truncation at 0): an ordinary negative binomial would
        read the missing zeros as under-dispersion and its alpha would mean nothing.

    Returns
    -------
    GroupRateRatio or None
        None also when every count is the same, a count is below 1 in a zero-truncated fit, or
        the fit fails or gives infinite intervals.

    Notes
    -----
    The dispersion is estimated with the mean, so the interval allows for a few people with
    many events. Without truncation, with one binary term the fitted means are the two group
    means; with it, they are the means of the underlying distributions, whose truncated means
    (mean / (1 - P(0))) match the groups' observed means.
    """
    counts = np.concatenate([np.asarray(reference, dtype=float), np.asarray(compared, dtype=float)])
    flag = np.concatenate([np.zeros(len(reference)), np.ones(len(compared))])
    if min(len(reference), len(compared)) < min_per_group or len(np.unique(counts)) < 2:
        return None
    if zero_truncated and (counts < 1).any():
        return None
    exog = np.column_stack([np.ones(len(counts)), flag])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a convergence note would otherwise print into the book
            if zero_truncated:
                fit = TruncatedLFNegativeBinomialP(counts, exog, truncation=0, p=2).fit(disp=0, maxiter=500)
            else:
                fit = NegativeBinomial(counts, exog, loglike_method="nb2").fit(disp=0, maxiter=200)
    except (ValueError, np.linalg.LinAlgError):
        return None
    params, ci = np.asarray(fit.params), np.asarray(fit.conf_int())
    if not (np.all(np.isfinite(ci)) and fit.mle_retvals.get("converged", True)):
        return None
    return GroupRateRatio(
        rate_ratio=float(np.exp(params[1])),
        low=float(np.exp(ci[1, 0])),
        high=float(np.exp(ci[1, 1])),
        p_value=float(np.asarray(fit.pvalues)[1]),
        alpha=float(params[2]),
        alpha_low=float(ci[2, 0]),
        alpha_high=float(ci[2, 1]),
        n_reference=len(reference),
        n_compared=len(compared),
        zero_truncated=zero_truncated,
    )


def season_only_expectation(
    model: HolidayModel,
    start_value: float,
    share_from: float,
    share_to: float,
    exposure_from: float = 1.0,
    exposure_to: float = 1.0,
) -> tuple[float, float]:
    """What the school calendar alone makes of ``start_value`` from one month to another.

    Returns
    -------
    (expected, spread)
        The start month's count scaled by :func:`seasonal_factor`, and the standard deviation of
        the difference between the two months under the model's variance (both vary by chance).
    """
    factor = seasonal_factor(model, share_from, share_to, exposure_from, exposure_to)
    expected = start_value * factor
    spread = float(np.hypot(expected_spread(model, expected), factor * expected_spread(model, start_value)))
    return expected, spread
