"""Logistic regression reported as odds ratios with 95% intervals."""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf


class FitFailed(Exception):
    """The model could not be fitted reliably; ``cause`` names what statsmodels raised or warned."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True)
class OddsRatios:
    """Odds ratios of a fitted logistic regression.

    ``table`` is indexed by (variable, level): level is ``""`` for a numeric variable (the odds
    ratio per unit) and the category for a categorical one (against its reference level).
    Columns: ``odds_ratio``, ``low``, ``high`` (95% interval). The intercept is left out.
    """

    table: pd.DataFrame
    n: int


def logistic_odds_ratios(
    frame: pd.DataFrame, outcome: str, predictors: list[str], references: dict[str, str] | None = None
) -> OddsRatios:
    """Fit ``outcome ~ predictors`` by maximum likelihood and give the odds ratios.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per observation; ``outcome`` is 0 or 1.
    outcome : str
    predictors : list of str
        Columns of ``frame``, in this order; numeric unless named in ``references``.
    references : dict, optional
        Categorical predictor name to its reference level (treatment coding).

    Raises
    ------
    FitFailed
        On any error or warning of the fit (perfect separation, no convergence): such a model
        cannot be trusted.
    """
    references = references or {}
    coded = {f"C({name}, Treatment(reference={ref!r}))": name for name, ref in references.items()}
    terms = [
        f"C({name}, Treatment(reference={references[name]!r}))" if name in references else name for name in predictors
    ]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a separation or convergence warning means no trustworthy model
            fit = smf.logit(f"{outcome} ~ " + " + ".join(terms), frame).fit(disp=False, maxiter=200)
    except Exception as err:  # statsmodels raises several kinds; all mean the model cannot be used
        raise FitFailed(type(err).__name__) from err
    ci = fit.conf_int()
    table = pd.DataFrame({"odds_ratio": np.exp(fit.params), "low": np.exp(ci[0]), "high": np.exp(ci[1])}).drop(
        index="Intercept"
    )
    table.index = pd.MultiIndex.from_tuples(
        [_variable_and_level(t, coded) for t in table.index], names=["variable", "level"]
    )
    return OddsRatios(table, int(fit.nobs))


def _variable_and_level(term: str, coded: dict[str, str]) -> tuple[str, str]:
    """``("team", "B")`` for ``C(team, Treatment(reference='A'))[T.B]``; ``("month", "")`` for ``month``."""
    for prefix, name in coded.items():
        if term.startswith(prefix + "[T."):
            return name, term[len(prefix) + 3 : -1]
    return term, ""
