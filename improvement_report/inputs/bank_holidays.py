"""England bank holidays, from the govuk-bank-holidays package's bundled data.

The bundled copy is used so nothing is downloaded at build or run time.
"""

from functools import lru_cache

import pandas as pd
from govuk_bank_holidays.bank_holidays import BankHolidays


@lru_cache(maxsize=1)
def england_bank_holidays() -> frozenset:
    """Return the England and Wales bank holidays known to the package.

    Returns
    -------
    frozenset of datetime.date
    """
    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return frozenset(h["date"] for h in holidays)


def is_bank_holiday(dates: pd.Series) -> pd.Series:
    """Say, for each timestamp, whether its date is an England bank holiday.

    Parameters
    ----------
    dates : pandas.Series of datetime64

    Returns
    -------
    pandas.Series of bool, same index
    """
    holidays = pd.to_datetime(sorted(england_bank_holidays()))
    return dates.dt.normalize().isin(holidays)
