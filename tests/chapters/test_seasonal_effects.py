"""The school calendar, the holiday count model and the seasonal chapter."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from improvement_report.chapters import seasonal_effects as seasonal
from improvement_report.core.paths import DEMO_DATA_DIR
from improvement_report.inputs import school_calendar
from improvement_report.inputs.loading import DataContractError
from improvement_report.render.chart import Chart
from improvement_report.stats import count_models as models

matplotlib.use("Agg")

HEADER = "academic_year,holiday,start,end"


def terms(*rows) -> pd.DataFrame:
    """A hand-made term-dates frame: (academic_year, holiday, start, end) tuples."""
    t = pd.DataFrame(rows, columns=["academic_year", "holiday", "start", "end"])
    return t.assign(start=pd.to_datetime(t.start), end=pd.to_datetime(t.end))


# --- calendar arithmetic ---------------------------------------------------------------------


def test_a_month_straddling_the_end_of_term_splits_its_working_days():
    # July 2017: 1 July is a Saturday, so the weekdays are 3-7, 10-14, 17-21, 24-28 and 31 (21 days).
    # The summer holiday starts on Friday 21 July: 21, 24-28 and 31 are holiday, 7 days.
    t = terms(("2016/17", "Easter", "2017-04-03", "2017-04-17"), ("2016/17", "summer", "2017-07-21", "2017-09-05"))
    cal = school_calendar.monthly_calendar(pd.period_range("2017-07", "2017-09", freq="M"), t)
    july = cal.loc[pd.Period("2017-07", "M")]
    assert (july.calendar_days, july.working_days, july.school_holiday_days, july.school_days) == (31, 21, 7, 14)
    assert july.holiday_share == pytest.approx(7 / 21)
    # August 2017: 23 weekdays less the late summer bank holiday (28 August), all in the holiday.
    aug = cal.loc[pd.Period("2017-08", "M")]
    assert (aug.working_days, aug.school_days, aug.holiday_share) == (22, 0, 1.0)
    # September 2017: 21 weekdays; 1 and 4-5 September still holiday.
    sep = cal.loc[pd.Period("2017-09", "M")]
    assert (sep.working_days, sep.school_holiday_days, sep.school_days) == (21, 3, 18)


def test_a_bank_holiday_on_a_weekend_moves_to_a_weekday():
    # Christmas Day 2016 was a Sunday: Monday 26 (Boxing Day) and Tuesday 27 (substitute) are holidays.
    # December 2016 has 22 weekdays, so 20 working days.
    t = terms(("2016/17", "Christmas", "2016-12-19", "2017-01-02"))
    cal = school_calendar.monthly_calendar(pd.PeriodIndex([pd.Period("2016-12", "M")]), t)
    dec = cal.iloc[0]
    assert dec.working_days == 20
    # Holiday working days: 19-23 December and 28-30 December (26 and 27 are bank holidays): 8.
    assert dec.school_holiday_days == 8 and dec.school_days == 12
    days = school_calendar.daily_calendar("2016-12-24", "2016-12-28", t)
    assert days.working.tolist() == [False, False, False, False, True]


def test_months_outside_the_term_dates_are_refused_not_guessed():
    t = terms(("2016/17", "summer", "2017-07-21", "2017-09-05"))
    assert school_calendar.coverage(t) == (pd.Period("2017-07", "M"), pd.Period("2017-09", "M"))
    with pytest.raises(ValueError, match="cover July 2017 to September 2017"):
        school_calendar.monthly_calendar(pd.period_range("2017-06", "2017-08", freq="M"), t)


# --- term-dates file validation --------------------------------------------------------------


def test_the_shipped_term_dates_are_valid_and_cover_the_demo_period():
    t = school_calendar.load_terms()
    first, last = school_calendar.coverage(t)
    assert first <= pd.Period("2014-09", "M") and last >= pd.Period("2018-08", "M")
    assert set(t.holiday) == set(school_calendar.HOLIDAYS)


def test_a_bad_term_dates_file_lists_every_problem_with_spreadsheet_rows(tmp_path):
    path = tmp_path / "school_terms.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "2016/17,summer,2017-07-21,2017-09-05",  # row 2: fine
                "2016/17,Easter,2017-04-17,2017-04-03",  # row 3: ends before it starts
                "2016/17,half term,2017-05-29,2017-06-02",  # row 4: not one of the six holidays
                "2016-17,Christmas,2016-12-19,31/02/2017",  # row 5: bad year and a date that does not exist
                "2016/17,summer,2017-07-24,2017-09-01",  # row 6: summer twice in one year
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as info:
        school_calendar.load_terms(path)
    found = {(p.column, tuple(p.rows)) for p in info.value.problems}
    assert ("end", (3,)) in found
    assert ("holiday", (4,)) in found
    assert ("end", (5,)) in found and ("academic_year", (5,)) in found
    assert ("holiday", (2, 6)) in found
    assert all(p.file == "school_terms.csv" for p in info.value.problems)


def test_overlapping_holidays_and_missing_columns_are_problems(tmp_path):
    path = tmp_path / "school_terms.csv"
    path.write_text(f"{HEADER}\n2016/17,Easter,2017-04-03,2017-04-17\n2016/17,summer half-term,2017-04-10,2017-04-21\n")
    with pytest.raises(DataContractError, match="must not overlap") as info:
        school_calendar.load_terms(path)
    assert info.value.problems[0].rows == [2, 3]
    path.write_text("academic_year,holiday,start\n2016/17,Easter,2017-04-03\n")
    with pytest.raises(DataContractError, match="required columns missing: end"):
        school_calendar.load_terms(path)


# --- the holiday count model -----------------------------------------------------------------


def simulated(seed, ratio, months=48, dispersion=None):
    """Counts with a known holiday rate ratio over the shipped calendar, per working day."""
    months = pd.period_range("2014-09", periods=months, freq="M")
    cal = school_calendar.monthly_calendar(months, school_calendar.load_terms())
    mu = 4.0 * cal.working_days * 0.995 ** np.arange(len(months)) * ratio**cal.holiday_share
    rng = np.random.default_rng(seed)
    y = rng.poisson(mu) if dispersion is None else rng.negative_binomial(1 / dispersion, 1 / (1 + dispersion * mu))
    return pd.Series(y, index=months), cal


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_model_recovers_a_known_holiday_effect_within_its_interval(seed):
    counts, cal = simulated(seed, ratio=0.6)
    fit = models.fit_holiday_model(counts, cal.holiday_share, cal.working_days)
    assert fit.holiday_ratio[1] <= 0.6 <= fit.holiday_ratio[2]
    assert fit.monthly_ratio[1] <= 0.995 <= fit.monthly_ratio[2]
    assert fit.holiday_p < 0.001 and fit.family == "Poisson"
    assert "fewer" in models.describe_holiday(fit, "openings")


def test_overdispersed_counts_get_an_estimated_alpha_and_wider_intervals():
    counts, cal = simulated(21, ratio=0.6, dispersion=0.05)
    fit = models.fit_holiday_model(counts, cal.holiday_share, cal.working_days)
    assert fit.family == "negative binomial" and 0.01 < fit.alpha < 0.2
    assert fit.holiday_ratio[1] <= 0.6 <= fit.holiday_ratio[2]
    assert fit.overdispersion_p < 0.05 and "negative binomial" in models.describe_holiday(fit, "openings")


def test_no_holiday_effect_gives_an_interval_around_one_and_a_weak_test():
    counts, cal = simulated(31, ratio=1.0)
    fit = models.fit_holiday_model(counts, cal.holiday_share, cal.working_days)
    assert fit.holiday_ratio[1] <= 1.0 <= fit.holiday_ratio[2]
    assert fit.holiday_p > 0.05
    assert "no clear difference" in models.describe_holiday(fit, "openings")


def test_the_model_refuses_too_few_months_or_no_holiday():
    counts, cal = simulated(1, 0.6)
    with pytest.raises(ValueError, match="at least 12 months"):
        models.fit_holiday_model(counts.iloc[:6], cal.holiday_share, cal.working_days)
    with pytest.raises(ValueError, match="no month has a school holiday"):
        models.fit_holiday_model(counts, cal.holiday_share * 0, cal.working_days)


def test_seasonal_factor_and_seasonal_part():
    counts, cal = simulated(11, ratio=0.6)
    fit = models.fit_holiday_model(counts, cal.holiday_share, cal.working_days)
    # From a month wholly in term with 20 working days to a whole holiday month with 22:
    # the holiday rate ratio times 22/20.
    assert models.seasonal_factor(fit, 0.0, 1.0, 20, 22) == pytest.approx(fit.holiday_ratio[0] * 1.1)
    part = models.seasonal_part(fit, cal.holiday_share, cal.working_days)
    augusts = part[part.index.month == 8]
    novembers = part[part.index.month == 11]
    assert (augusts < 0).all() and (novembers > 0).all()
    assert abs(part.sum()) < 0.1 * fit.fitted.mean()  # centred: over four years, under a tenth of a month


# --- expected versus actual ------------------------------------------------------------------


def comparison(start_value, expected, actual, spread=1.0):
    return seasonal.Comparison(
        "the summer",
        pd.Period("2017-06", "M"),
        pd.Period("2017-08", "M"),
        start_value,
        actual,
        expected,
        spread,
        "count model",
    )


def test_verdicts_split_a_fall_into_seasonal_and_underlying():
    assert seasonal.verdict(comparison(100, 60, 70)) == "seasonal"  # fell less than season predicts
    assert seasonal.verdict(comparison(100, 105, 80)) == "underlying"  # season predicted a rise
    assert seasonal.verdict(comparison(100, 75, 70)) == "mostly seasonal"  # 25 of 30
    assert seasonal.verdict(comparison(100, 95, 70)) == "mostly underlying"  # 5 of 30
    assert seasonal.verdict(comparison(100, 85, 70)) == "both"  # 15 of 30
    assert seasonal.verdict(comparison(100, 60, 100)) == "no fall"
    # A rise is read as a rise (by hand: 100 -> 120, calendar alone 90, so +30 not seasonal).
    assert seasonal.reading(comparison(100, 90, 120)) == "rose"
    assert seasonal.reading(comparison(100, 90, 100)) == "no change"
    rise = seasonal.comparison_sentence(
        seasonal.Series("x", "CAFs opened", "flow", "working days", pd.Series()), comparison(100, 90, 120)
    )
    assert "it rose by 20 where the school calendar predicts a fall of 10, so +30 is not seasonal" in rise
    assert "no fall" not in rise
    assert seasonal.reading(comparison(100, 105, 98, spread=5)) == "underlying (within chance)"
    text = seasonal.comparison_sentence(
        seasonal.Series("x", "CAFs opened", "flow", "working days", pd.Series()), comparison(100, 85, 70, spread=2)
    )
    assert "from 100 to 70 (-30)" in text and "about 85 (-15)" in text and "both seasonal and underlying" in text
    assert "15 of the 30 (50%) seasonal and 15 underlying" in text and "more than chance" in text


# --- the chapter on the demo data ------------------------------------------------------------


@pytest.fixture(scope="module")
def chapter():
    return seasonal.load(DEMO_DATA_DIR, "2017-11", "2015-04")


def test_every_series_is_there_and_the_stock_moves_with_its_flows(chapter):
    keys = [r.series.key for r in chapter.results]
    assert keys == [
        "caf_opened",
        "caf_closed",
        "caf_open",
        "contacts",
        "referrals",
        "strategy",
        "missing_home",
        "missing_care",
    ]
    opened, closed, stock = chapter.results[:3]
    # Open CAFs change by openings minus closures, so the stock's seasonal part moves by the flows'.
    step = stock.seasonal_component.diff().iloc[1:]
    net = (opened.seasonal_component - closed.seasonal_component).iloc[1:]
    assert np.allclose(step, net)
    # Contacts and referrals come from the dashboard indicator's denominator and numerator.
    contacts = chapter.results[3].series.values
    assert contacts[pd.Period("2017-11", "M")] == 1749


def test_expected_versus_actual_adds_up(chapter):
    t = seasonal.comparison_table(chapter)
    assert ((t["Seasonal change"] + t["Not seasonal"]) - (t["Actual"] - t["At start"])).abs().max() <= 1
    assert set(t["Months"]) == {"Jun to Aug 2017", "Jun to Nov 2017"}
    assert "Open CAFs" in seasonal.headline(chapter) and "614" in seasonal.headline(chapter)


def test_tables_and_charts_are_built_with_alt_text(chapter):
    summary = seasonal.summary_table(chapter)
    assert len(summary) == 8 and summary.loc["Open CAFs at month end", "June to November"] == "mostly underlying"
    for make in (seasonal.profile_chart, seasonal.holiday_chart, seasonal.stl_chart):
        drawn = make(chapter)
        assert drawn.drawn and len(drawn.alt) > 100
    drawn = seasonal.adjusted_open_xmr(chapter)
    result = drawn.spc
    assert result is not None and "seasonally adjusted" in drawn.alt
    assert "raw chart" in seasonal.adjusted_sentence(chapter, result)


def test_short_series_give_sentences_not_errors():
    ch = seasonal.load(DEMO_DATA_DIR, "2016-01", "2015-04")  # 10 months: no model, no STL, no June-August pair
    opened = ch.results[0]
    assert opened.model is None and opened.stl is None
    assert "too short a series for an STL decomposition" in seasonal.stl_sentence(opened)
    assert "at least 12 months" in seasonal.detail(ch)
    assert seasonal.holiday_chart(ch) == Chart(None)
    assert seasonal.adjusted_open_xmr(ch) == Chart(None)
    assert "no seasonally adjusted chart" in seasonal.adjusted_sentence(ch, None)
    assert seasonal.model_table(ch).empty


def test_months_the_term_dates_do_not_cover_are_left_out_and_said(tmp_path):
    path = tmp_path / "school_terms.csv"
    path.write_text(f"{HEADER}\n2016/17,summer,2017-07-21,2017-09-05\n")
    ch = seasonal.load(DEMO_DATA_DIR, "2017-11", "2017-01", terms_path=path)
    assert "cover July 2017 to September 2017, so 8 of the 11 months" in seasonal.notes(ch)
    assert len(ch.months) == 3 and ch.results[0].model is None
    path.write_text(f"{HEADER}\n2019/20,summer,2020-07-21,2020-09-05\n")
    ch = seasonal.load(DEMO_DATA_DIR, "2017-11", "2017-01", terms_path=path)
    assert ch.results == [] and "nothing to analyse" in seasonal.headline(ch)
    assert seasonal.summary_table(ch).empty and seasonal.profile_chart(ch) == Chart(None)


def test_a_seasonal_pattern_that_rounds_to_nothing_is_not_signed_minus_zero():
    # A month 0.3 below the trend read "lowest in April (-0 against the trend)" before.
    from types import SimpleNamespace

    months = pd.period_range("2019-04", periods=24, freq="M")
    values = np.tile([-0.3, 0.1, 0.2] + [0.0] * 9, 2)
    r = SimpleNamespace(
        series=SimpleNamespace(values=pd.Series(values, index=months), lower="discussions", kind="flow"),
        stl=SimpleNamespace(seasonal=pd.Series(values, index=months)),
        seasonal_strength=0.0,
    )
    text = seasonal.stl_sentence(r)
    assert "lowest in April (+0 against the trend)" in text and "-0" not in text
