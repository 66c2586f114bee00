"""An edition allowed to be partial: the theme pages, the summary and the landing page name the
months that have no data, and never read them as zero.

The demo extracts end on 31 March 2018; the edition asks for May 2018 and a window to 31 May.
"""

import pytest

from improvement_report.chapters import landing, summary, themes
from improvement_report.core.paths import DEMO_DATA_DIR
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import judgements


@pytest.fixture(scope="module")
def partial():
    return judgements.load(DEMO_DATA_DIR, "2018-05", "2015-04", extract_date="2018-03-31")


def test_theme_data_knows_the_months_it_has_no_data_for(partial):
    assert str(partial.month) == "2018-03" and str(partial.asked) == "2018-05"
    assert [str(m) for m in partial.months_without_data] == ["2018-04", "2018-05"]
    assert not (partial.frame.month > partial.month).any()  # nothing after March is counted, as zero or otherwise


def test_a_theme_page_and_the_summary_name_the_months_without_data(partial):
    analyses = judgements.theme_analyses(partial, 4)
    intro = themes.theme_intro(partial, analyses, 4)
    note = summary.missing_months_note(partial)
    for text in (intro, note):
        assert "report month is May 2018" in text
        assert "April 2018 to May 2018 have no data" in text and "not drawn or counted as zero" in text
        assert "as of March 2018, the last month with data" in text


def test_a_whole_edition_has_no_such_note():
    whole = judgements.load(DEMO_DATA_DIR, "2018-03", "2015-04", extract_date="2018-03-31")
    assert summary.missing_months_note(whole) is None
    assert "no data" not in themes.theme_intro(whole, judgements.theme_analyses(whole, 4), 4)


def test_the_headline_figures_say_which_periods_have_no_data():
    extracts = load_extracts(DEMO_DATA_DIR)
    text = landing.partial_note(extracts, "2018-05", "2018-01-01", "2018-05-31", "2018-03-31")
    assert "April 2018 to May 2018 have no data" in text and "They are for March 2018" in text
    assert "reports 1 January 2018 to 31 March 2018, not the 1 January 2018 to 31 May 2018 asked for" in text
    assert landing.partial_note(extracts, "2018-03", "2018-01-01", "2018-03-31", "2018-03-31") == ""
