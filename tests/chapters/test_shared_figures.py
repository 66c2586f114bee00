"""One answer per measure: a figure shown on several pages is the same on each.

Each page's figure is built from that page's own source (its chapter's functions, with the
default edition's parameters), then compared across pages; the values themselves are checked
against independent calculations (plain pandas here, a statsmodels fit by hand).
"""

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial

from improvement_report.build.config import load_config
from improvement_report.chapters import early_help, seasonal_effects, summary, themes
from improvement_report.core.paths import REPO_ROOT
from improvement_report.inputs import school_calendar
from improvement_report.render import indicator_words

CONFIG = REPO_ROOT / "config" / "default.yml"


def _params(page: str) -> dict:
    return load_config(CONFIG).parameters(page)


@pytest.fixture(scope="module")
def caf_page():
    p = _params("caf_decline")
    ch = early_help.load(p["data_dir"], p["report_month"], p["series_start"], p.get("extract_date"))
    return ch, early_help.trend_model(ch, p.get("school_terms"))


@pytest.fixture(scope="module")
def seasonal_page():
    p = _params("seasonal_effects")
    return seasonal_effects.load(
        p["data_dir"], p["report_month"], p["series_start"], p.get("school_terms"), p.get("extract_date")
    )


@pytest.fixture(scope="module")
def theme_4():
    p = _params("theme_4")
    data = themes.load(
        p["data_dir"],
        p["report_month"],
        p["series_start"],
        p["targets"],
        p["baseline_start"],
        p["baseline_end"],
        p["rebase"],
        extract_date=p.get("extract_date"),
        edition_content=p.get("edition_content"),
        indicator_overrides=p.get("indicator_overrides"),
    )
    return {a.code: a for a in themes.theme_analyses(data, 4)}


def _seasonal_row(ch, label):
    return next(r for r in ch.results if r.series.label == label)


def test_the_holiday_effect_on_caf_openings_is_one_answer_on_both_pages(caf_page, seasonal_page):
    ch, model = caf_page
    seasonal_model = _seasonal_row(seasonal_page, "CAFs opened").model
    # The same fit: same months, same estimates.
    assert model.n_months == seasonal_model.n_months
    assert model.holiday_ratio == pytest.approx(seasonal_model.holiday_ratio)
    assert model.monthly_ratio == pytest.approx(seasonal_model.monthly_ratio)
    # The same text, at the same precision, in the early help table and the seasonal tables.
    caf_table = early_help.model_table(model)
    holiday = caf_table.loc["A month wholly in school holidays (rate ratio)"]
    caf_text = f"{holiday.iloc[0]} ({holiday.iloc[1]} to {holiday.iloc[2]})"
    assert (
        seasonal_effects.summary_table(seasonal_page).loc["CAFs opened", "Holiday rate ratio (95% interval)"]
        == caf_text
    )
    assert seasonal_effects.model_table(seasonal_page).loc["CAFs opened", "Holiday month (rate ratio)"] == caf_text
    trend = caf_table.loc["Change per month (rate ratio)"]
    assert seasonal_effects.model_table(seasonal_page).loc["CAFs opened", "Change per month (rate ratio)"] == (
        f"{trend.iloc[0]} ({trend.iloc[1]} to {trend.iloc[2]})"
    )
    # The sentences give the same rate ratio and percentage.
    caf_words = early_help.trend_sentence(ch, model)
    seasonal_words = seasonal_effects.detail(seasonal_page)
    found = re.search(r"about (\d+)% fewer CAFs opened than a month wholly in term \(rate ratio ([0-9.]+)", caf_words)
    assert found and found.group(0) in seasonal_words
    assert found.group(2) == holiday.iloc[0]


def test_the_holiday_effect_matches_an_independent_fit(caf_page):
    ch, model = caf_page
    p = _params("caf_decline")
    terms = school_calendar.load_terms(None if p.get("school_terms") is None else REPO_ROOT / p["school_terms"])
    months = school_calendar.covered(ch.months, terms)
    cal = school_calendar.monthly_calendar(months, terms)
    y = ch.flow.opened.loc[months].astype(float).to_numpy()
    X = np.column_stack([np.ones(len(y)), np.arange(len(y)), cal.holiday_share.to_numpy()])
    exposure = cal.working_days.to_numpy(dtype=float)
    if model.family == "negative binomial":
        fit = NegativeBinomial(y, X, loglike_method="nb2", exposure=exposure).fit(disp=0, maxiter=500)
    else:
        fit = sm.GLM(y, X, family=sm.families.Poisson(), exposure=exposure).fit()
    assert model.holiday_ratio[0] == pytest.approx(np.exp(fit.params[2]), rel=1e-4)


def test_open_cafs_are_the_same_count_and_the_same_since_on_every_page(caf_page, theme_4, seasonal_page):
    ch, _ = caf_page
    p = _params("summary")
    month = pd.Period(p["report_month"], "M")
    # Independently: episodes open at the end of the month, from the flow table's own columns.
    open_end = ch.flow.open_end
    theme = theme_4["caf_open"]
    assert (
        theme.series[month]
        == open_end[month]
        == _seasonal_row(seasonal_page, "Open CAFs at month end").series.values[month]
    )
    headline = summary.headline_table(
        p["data_dir"], month, pd.Timestamp(p["window_start"]), pd.Timestamp(p["window_end"]), p.get("extract_date")
    )
    assert f"{int(open_end[month]):,}" in headline.to_string()
    # One "since" convention: the most recent earlier month as low or lower, by a scan here.
    earlier = open_end.loc[: month - 1]
    as_low = earlier[earlier <= open_end[month]]
    since = as_low.index[-1].strftime("%B %Y")
    theme_words = indicator_words.record_words(theme)
    assert theme_words == f"at its lowest since {since} ({int(as_low.iloc[-1]):,})"
    assert f"at its lowest since {since} ({int(as_low.iloc[-1]):,};" in early_help.headline(ch)
