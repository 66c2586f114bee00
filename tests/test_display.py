"""Accessible tables: captions, header scopes, right-aligned numbers with each measure's precision."""

import pandas as pd

from improvement_report.render import display


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


def test_figure_shows_a_chart_with_its_alt_text_or_the_empty_note(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from improvement_report.render.chart import NO_CHART, Chart

    monkeypatch.chdir(tmp_path)
    assert display.figure(NO_CHART, "x", "Caption") is None
    assert display.figure(NO_CHART, "x", "Caption", when_empty="*No chart.*").data == "*No chart.*"
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    text = display.figure(Chart(fig, "Two points,\n rising."), "rising", "A caption").data
    assert (tmp_path / "figures" / "rising.png").read_bytes().startswith(b"\x89PNG")
    assert ":alt: Two points, rising.\n" in text and ":name: fig-rising" in text and "A caption" in text
