"""Proportions with Wilson score intervals, which behave well for small counts and near 0% or 100%."""

from statsmodels.stats.proportion import proportion_confint


def wilson_interval(successes: int, total: int, level: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for ``successes / total``, as percentages; None when total is 0.

    Parameters
    ----------
    successes, total : int
    level : float
        Confidence level.

    Returns
    -------
    tuple of float or None
        Lower and upper bound, in percent.
    """
    if not total:
        return None
    low, high = proportion_confint(successes, total, alpha=1 - level, method="wilson")
    return 100 * low, 100 * high
