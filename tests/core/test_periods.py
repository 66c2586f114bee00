"""Dates parsed once at the edge, and day numbers without a leading zero on every platform."""

import pandas as pd
import pytest

from improvement_report.core.periods import ReportDates, long_date, report_dates, short_date


def test_dates_read_without_a_leading_zero():
    assert long_date(pd.Timestamp("2017-09-01")) == "1 September 2017"
    assert long_date("2017-12-31") == "31 December 2017"
    assert short_date(pd.Timestamp("2017-09-01 13:45")) == "1 Sep 2017"


def test_report_dates_parse_the_text_once():
    dates = report_dates("2017-11", "2017-09-01", "2017-12-31", "2015-04")
    assert dates == ReportDates(
        month=pd.Period("2017-11", "M"),
        window_start=pd.Timestamp(2017, 9, 1),
        window_end=pd.Timestamp(2017, 12, 31),
        series_start=pd.Period("2015-04", "M"),
    )
    # already parsed values pass through unchanged
    assert report_dates(dates.month, dates.window_start, dates.window_end, dates.series_start) == dates


def test_report_dates_name_the_bad_value():
    with pytest.raises(ValueError, match="window_end '2017-13-45' is not a date"):
        report_dates("2017-11", "2017-09-01", "2017-13-45", "2015-04")
    with pytest.raises(ValueError, match="report_month 'November' is not a month"):
        report_dates("November", "2017-09-01", "2017-12-31", "2015-04")
