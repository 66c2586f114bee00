"""The comparison page and the DfE figures on the theme pages: vintage, wording, symbols."""

import html
import shutil

import pandas as pd
import pytest

from improvement_report.chapters import comparisons as cp
from improvement_report.chapters import themes
from improvement_report.inputs import published
from improvement_report.measures import comparators as cm
from improvement_report.render import comparator_words as words
from improvement_report.render.output import PageOutput

EDITION = "2018-01-11"  # config/default.yml


@pytest.fixture(scope="module")
def page():
    return cp.load(302, EDITION, "nearest")


def test_the_page_is_titled_from_the_edition(page):
    assert cp.title(page, "Barnet") == "How Barnet compares"
    assert cp.title(page, None) == "How Barnet compares"  # DfE's name for code 302
    assert "no DfE local authority code" in cp.intro(cp.load(None, EDITION), None)


def test_overview_shows_fifteen_indicators_with_year_and_source(page):
    o = cp.overview(page, "Barnet")
    shown = o[o["England"].ne("") & o["Neighbours' average"].str.contains("with a figure")]
    assert len(shown) >= 15
    assert set(shown.Year) <= {"2016-17", "30 September 2016"}  # nothing published after the edition
    assert shown.Source.str.startswith("DfE, ").all()
    # The re-referral rate, checked by hand against data/published/indicators.csv (2016-17):
    row = o.loc["Referrals that are repeat referrals within 12 months (year to date)"]
    assert row.Barnet == "20.1%" and row.England == "21.9%" and row.London == "16.3%"
    assert row["Neighbours' average"] == "17.7% (10 of 10 with a figure)"  # 176.9 / 10, hand sum
    health = o.loc["Children in care with up-to-date health checks"]
    assert health.Year == words.NOT_HELD and health.Barnet == ""


def test_intro_names_the_vintage_and_the_model(page):
    text = cp.intro(page, "Barnet")
    assert "2016-17" in text and "30 September 2016" in text and "April 2021" in text
    assert "2024" not in text and "2025" not in text
    assert "not verified against a source, only from a later, conservative date" in text


def test_sentence_reads_the_comparison(page):
    c = cm.compare(page.pub, "assessments_within_45_days_pct")
    text = words.plain_sentence(c, "Barnet")
    text = html.unescape(text)
    assert text.startswith("In 2016-17, Barnet's assessments completed within 45 working days")
    assert "90.3%, above its statistical neighbours' average of 85%" in text and "above England (82.9%)" in text


def test_chart_has_the_council_band_and_england_with_alt_text(page, tmp_path):
    chart = cp.chart(page, "rereferrals_pct")
    assert chart.drawn and "2016-17: Barnet 20.1%" in chart.alt and "2017-18" not in chart.alt
    labels = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert labels == ["Neighbours' range", "Neighbours' average", "England", "Barnet"]
    sections = cp.measure_sections(page, PageOutput(tmp_path), "Barnet")
    assert (tmp_path / "downloads" / "compare_rereferrals_pct.csv").exists() and "```{figure}" in sections
    download = pd.read_csv(tmp_path / "downloads" / "compare_rereferrals_pct.csv", dtype=str)
    assert (
        download.columns[0] == "Year"
        and download.Year.tolist() == ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17"][-len(download) :]
    )
    last = download.iloc[-1]
    assert (last.Barnet, last.England, last["Neighbours' average"]) == ("20.1", "21.9", "17.7")  # hand sum 176.9 / 10
    assert cp.later_sections(page, PageOutput(tmp_path)) == ""  # the edition does not ask for later context


def test_later_context_is_labelled(tmp_path):
    later = cp.load(302, EDITION, "nearest", later_context=True)
    text = cp.later_sections(later, PageOutput(tmp_path))
    assert "published **after this edition's date**" in text
    chart = cp.chart(later, "rereferrals_pct", pd.concat([later.pub.data, later.pub.later]), later=True)
    assert chart.alt.startswith("Later context, published after this edition.")


def test_suppressed_values_are_shown_as_symbols_never_zero(tmp_path):
    folder = tmp_path / "published"
    shutil.copytree(published.PUBLISHED_DIR, folder)
    d = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    at = (d.measure == "rereferrals_pct") & (d.year == "2017") & d.geography_name.isin(["Barnet", "England"])
    d.loc[at, "value"], d.loc[at, "value_text"] = "", "c"
    d.to_csv(folder / "indicators.csv", index=False)
    page = cp.load(302, EDITION, folder=folder)
    row = cp.overview(page, "Barnet").loc["Referrals that are repeat referrals within 12 months (year to date)"]
    assert row.Barnet == "c: suppressed" and row.England == "c: suppressed" and row.Position == "not ranked"
    c = cm.compare(page.pub, "rereferrals_pct")
    assert "printed no number" in words.plain_sentence(c, "Barnet") and "0%" not in words.plain_sentence(c, "Barnet")


def test_theme_page_shows_the_same_figures_with_year_and_source():
    dfe = themes.dfe_comparators(302, EDITION, "nearest", "Barnet")
    text = html.unescape(words.comparator_sentence(dfe.loc["repeat_referrals_pct"], "Barnet"))
    assert "(DfE, 2016-17)" in text and "Barnet 20.1%" in text and "England 21.9%" in text
    assert "17.7% (10 of 10 with a figure)" in text and "first published 2 November 2017 (day not verified)" in text
    assert themes.dfe_comparators(None, EDITION).empty
