"""Accessible tables: captions, header scopes, right-aligned numbers with each measure's precision."""

import matplotlib.pyplot as plt
import pandas as pd

from improvement_report.render import display
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.output import PageOutput


def test_table_row_formats_keep_each_measure_precision():
    t = pd.DataFrame({"Home": [1.2345, 13.06], "Care": [3.0, 17.6]}, index=["Per child", "Hours"], dtype=object)
    html = display.table(t, "x", row_formats={"Per child": "{:.2f}", "Hours": "{:.1f}"}).data
    assert ">1.23<" in html and ">13.1<" in html and ">3.00<" in html and ">17.6<" in html


def test_table_has_caption_header_scopes_and_right_aligned_numbers():
    html = display.table(pd.DataFrame({"Open": [614]}, index=pd.Index(["West"], name="Locality")), "Open CAFs").data
    assert "<caption>Open CAFs</caption>" in html
    assert '<th scope="col">Locality</th>' in html and '<th scope="row">West</th>' in html
    assert '<td style="text-align: right">614</td>' in html


def test_empty_table_says_so_or_nothing():
    assert "nothing to show" in display.table(pd.DataFrame(), "Teams").data
    assert display.table(pd.DataFrame(), "Teams", when_empty="") is None  # nothing shown, not an object repr


def test_figure_shows_a_chart_with_its_alt_text_or_the_empty_note(tmp_path):
    page = PageOutput(tmp_path)
    assert display.figure(page, NO_CHART, "x", "Caption") is None
    assert display.figure(page, NO_CHART, "x", "Caption", when_empty="*No chart.*").data == "*No chart.*"
    assert not (tmp_path / "figures").exists()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    text = display.figure(page, Chart(fig, "Two points,\n rising."), "rising", "A caption").data
    assert (tmp_path / "figures" / "rising.png").read_bytes().startswith(b"\x89PNG")
    assert "```{figure} figures/rising.png\n" in text  # linked relative to the page
    assert ":alt: 'Two points, rising.'\n" in text and ":name: fig-rising" in text and "A caption" in text


def test_downloads_neutralise_formulas_but_keep_negative_numbers(tmp_path):
    import csv

    df = pd.DataFrame(
        {
            "team": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)"],
            "other": ["\tTAB", "\rCR", "-3.5", "plain - text"],
            "change": [-2, -1, 0, 3],
            "rate": [-2.5, 1.0, -0.25, 0.0],
        },
        index=pd.Index(["=1+1", "a", "b", "-7"], name="@where"),
    )
    path = display.download(PageOutput(tmp_path), df, "formulas")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["'@where", "team", "other", "change", "rate"]
    # Written out by hand: a quote before each text cell a spreadsheet would run; numbers untouched.
    assert [r[1] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x","y")',
        "'+cmd|' /C calc'!A0",
        "'-2+3+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
    ]
    assert [r[2] for r in rows[1:]] == ["'\tTAB", "'\nCR", "-3.5", "plain - text"]
    assert [r[3] for r in rows[1:]] == ["-2", "-1", "0", "3"]
    assert [r[4] for r in rows[1:]] == ["-2.5", "1.0", "-0.25", "0.0"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "a", "b", "-7"]


def test_download_writes_the_csv_in_the_page_folder(tmp_path):
    path = display.download(PageOutput(tmp_path), pd.DataFrame({"Open": [614]}, index=["West"]), "open")
    assert path == tmp_path / "downloads" / "open.csv"
    assert path.read_text() == ",Open\nWest,614\n"
