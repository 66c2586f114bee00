"""The small-number scan: hand-written page text, tables and downloads, with what it must find."""

from improvement_report.render import small_number_scan as scan


def test_sentences_with_a_count_from_1_to_5_or_a_share_from_one_are_found():
    found = scan.sentence_findings(
        "From May, 2 strategy discussions were held about 5 children. The latest month is 100.0% of 1 "
        "discussions. 4 of the 6 non-compliant discussions were out of hours; 17 of 20 discussions were compliant."
    )
    assert found == [
        "2 strategy discussions",
        "5 children",
        "1 discussions",
        "100.0% of 1",
        "4 of the 6 non-compliant discussions",
        "17 of 20 discussions",
    ]


def test_bands_thresholds_dates_and_the_suppression_words_are_not_findings():
    text = (
        "Children with 1 episode (%), 2 to 4 episodes and 5 or more episodes; 1 episode 79%. It needs at "
        "least 5 children in each group. From 1 September 2017, 1 to 5 strategy discussions were held; "
        "224 discussions about 400 children; 155 of 224 discussions; 1.23 episodes each; 3 of 3 years."
    )
    assert scan.sentence_findings(text) == []


def test_table_cells_under_counting_headings_are_found_and_dfe_tables_are_not():
    table = (
        "<table><caption>Returns in the window</caption><tr><th>Measure</th><th>From home</th><th>From care</th></tr>"
        "<tr><th>Offer not recorded</th><td>8</td><td>4</td></tr>"
        "<tr><th>Episodes per child</th><td>1.23</td><td>3</td></tr></table>"
    )
    assert scan.table_findings(table) == ["Offer not recorded / From care: 4"]
    published = table.replace("Returns in the window", "DfE published figures")
    assert scan.table_findings(published) == []


def test_download_count_columns_are_read(tmp_path):
    path = tmp_path / "strategy_monthly.csv"
    path.write_text("Month,Discussions,Compliant,Compliant (%)\n2017-10,8,6,75.0\n2017-11,c,c,c\n2017-12,3,2,66.7\n")
    found = [str(f) for f in scan.download_findings(path)]
    assert found == [
        "strategy_monthly.csv: 2017-12 / Discussions: '3'",
        "strategy_monthly.csv: 2017-12 / Compliant: '2'",
    ]


def test_words_that_start_a_heading_do_not_join_a_number_to_a_unit():
    # A navigation number before a page's contents list is not a count of episodes.
    assert scan.sentence_findings("1 Contents How many episodes and children") == []
    assert scan.sentence_findings("3 episodes in the series were still open") == ["3 episodes"]


def test_tidy_download_rows_are_read_by_their_measure_and_row_labels(tmp_path):
    path = tmp_path / "missing_rhi.csv"
    path.write_text(
        "breakdown,period,measure_code,measure,unit,value,lower,upper,text,suppressed\n"
        "Offer not recorded,window,from_home,From home,count,8,,,,False\n"
        "Offer not recorded,window,from_care,From care,count,4,,,,False\n"
        "Returned episodes,window,from_care,From care,count,,,,,True\n"
        ",2017-10,discussions,Discussions,count,3,,,,False\n"
        "CAFs opened,Jun to Aug,not_seasonal,Not seasonal,count,4,,,,False\n"
    )
    found = [str(f) for f in scan.download_findings(path)]
    assert found == [
        "missing_rhi.csv: Offer not recorded / From care: '4'",
        "missing_rhi.csv:  / Discussions: '3'",
    ]


def test_the_next_page_link_and_the_contents_are_not_the_pages_text(tmp_path):
    # An edition without theme titles links "next: Improvement theme 1", followed by the page's
    # contents ("How many episodes ..."): the scan read "1 Contents How many episodes" and stopped
    # every such edition.
    page = tmp_path / "missing_episodes.html"
    page.write_text(
        '<div id="main-content"><article><p>Episodes are counted by month.</p></article>'
        '<footer class="prev-next-footer d-print-none"><a><p class="prev-next-title">Improvement theme 1</p></a>'
        '</footer><div class="sidebar-secondary-items"><p>Contents</p><a>How many episodes</a></div></div>',
        encoding="utf-8",
    )
    assert scan.page_findings(page) == []
    page.write_text('<div id="main-content"><p>Only 2 episodes were recorded.</p></div>', encoding="utf-8")
    assert scan.page_findings(page)  # the page's own text is still read
