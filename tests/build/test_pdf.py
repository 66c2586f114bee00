"""The edition's PDF document: its order, its cover and its links (the printed PDF itself is
checked in a real browser build by tests/browser/test_browser_committee.py)."""

import re

import pytest
from pypdf import PdfReader, PdfWriter

from improvement_report.build import pdf
from improvement_report.build.config import load_config

PAGE = """<html><body><nav>menu</nav><article class="bd-article"><p class="edition-pdf-link">PDF</p>
<section id="intro"><h1>Early help<a class="headerlink" href="#intro">#</a></h1>
<p>See <a href="#fig-a">the chart</a>, <a href="theme_3.html#fig-b">theme 3</a>, <a href="methods.html">methods</a>,
<a href="../_downloads/0abc/caf_monthly.csv">caf_monthly.csv</a> and <a href="https://www.gov.uk/x">GOV.UK</a>.</p>
<figure id="fig-a"><img src="../_images/a.png" alt="A chart"></figure></section></article></body></html>"""


def test_the_pdf_prints_the_pages_of_the_built_edition_not_the_projects(tmp_path):
    # An edition of three themes is built from a staged _toc.yml without theme_4..7: printing
    # (and reading page numbers for) the project's seven themes failed its build.
    toc = "format: jb-book\nroot: book/index\nchapters:\n" + "".join(
        f"  - file: book/{p}\n" for p in ["summary", "theme_1", "theme_2", "theme_3", "methods", "data"]
    )
    (tmp_path / "_toc.yml").write_text(toc, encoding="utf-8")
    html_dir = tmp_path / "_build" / "html"
    html_dir.mkdir(parents=True)
    assert pdf.edition_order(html_dir) == (["summary", "theme_1", "theme_2", "theme_3"], ["methods", "data"])


def test_summary_first_and_methods_glossary_data_as_appendices():
    chapters, appendices = pdf.book_order()
    assert chapters[0] == "summary" and "index" not in chapters
    assert appendices == ["methods", "glossary", "data"]
    assert chapters[1:6] == [
        "comparisons",
        "caf_decline",
        "seasonal_effects",
        "strategy_discussions",
        "missing_episodes",
    ]


def test_article_links_point_inside_the_document_and_files_become_text():
    body, title = pdf._article(PAGE, "caf_decline", "Appendix A")
    assert title == "Appendix A: Early help"
    assert 'id="caf_decline--intro"' in body and 'id="caf_decline--fig-a"' in body
    assert 'href="#caf_decline--fig-a"' in body and 'href="#theme_3--fig-b"' in body and 'href="#methods"' in body
    assert "caf_monthly.csv (a file in the online edition)" in body and "_downloads" not in body
    assert 'class="print-url"' in body and "menu" not in body and "edition-pdf-link" not in body
    assert "headerlink" not in body and 'src="../_images/a.png"' in body


def test_cover_escapes_configuration_text_and_says_when_data_are_synthetic(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text(
        "local_authority: A & <B>\ndata_dir: data/demo\nreport_month: 2017-11\n"
        "window: {start: 2017-09-01, end: 2017-12-31}\nsynthetic_data: true\n"
        "edition_date: 2018-01-11\ncontact: <script>x</script>\n",
        encoding="utf-8",
    )
    cfg = load_config(path)
    cover = pdf.cover_html(cfg)
    assert "A &amp; &lt;B&gt;" in cover and "<script>" not in cover and "&lt;script&gt;" in cover
    assert "11 January 2018" in cover and "November 2017" in cover and "Synthetic demo data" in cover
    cfg.synthetic_data = False
    assert "Synthetic" not in pdf.cover_html(cfg)
    assert pdf.pdf_name(cfg) == "a-b-2017-11-improvement-report.pdf"


def test_missing_chromium_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "CHROMIUM", tmp_path / "no-chromium")
    cfg = load_config("config/default.yml")
    with pytest.raises(pdf.PdfError) as err:
        pdf.edition_pdf(tmp_path, cfg)
    assert "make browser-deps" in str(err.value) and "\n" not in str(err.value)


def test_contents_give_page_numbers_once_known_and_a_same_width_placeholder_before():
    chapters, appendices = (
        [("summary", "Summary"), ("caf_decline", "Early <help>")],
        [("methods", "Appendix A: Methods")],
    )
    first = pdf.contents_html(chapters, appendices)
    assert first.count(">000</span>") == 3 and "Early &lt;help&gt;" in first
    second = pdf.contents_html(chapters, appendices, {"summary": 3, "caf_decline": 21, "methods": 89})
    assert "contents-unknown" not in second
    assert re.search(r"href='#caf_decline'>Early &lt;help&gt;</a>.*?>21</span>", second)
    assert re.search(r"href='#methods'>Appendix A: Methods</a>.*?>89</span>", second)


def _pdf_with_destinations(path, pages: int, destinations: dict):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    for name, page in destinations.items():
        writer.add_named_destination(name, page - 1)
    with path.open("wb") as out:
        writer.write(out)


def test_page_numbers_are_read_from_the_named_destinations(tmp_path):
    path = tmp_path / "e.pdf"
    _pdf_with_destinations(path, 5, {"summary": 3, "methods": 5})
    assert pdf.page_numbers(path, ["summary", "methods"]) == {"summary": 3, "methods": 5}
    with pytest.raises(pdf.PdfError, match="no destination for data"):
        pdf.page_numbers(path, ["summary", "data"])


def test_the_outline_has_one_bookmark_per_part_at_its_page(tmp_path):
    path = tmp_path / "e.pdf"
    _pdf_with_destinations(path, 4, {})
    pdf.add_outline(path, [("Cover", 1), ("Contents", 2), ("Summary", 3)])
    reader = PdfReader(path)
    assert [(o.title, reader.get_destination_page_number(o) + 1) for o in reader.outline] == [
        ("Cover", 1),
        ("Contents", 2),
        ("Summary", 3),
    ]
    assert len(reader.pages) == 4 and not list(tmp_path.glob("*.outline.pdf"))


def test_a_heading_stays_with_the_block_after_it_and_a_short_table_stays_whole():
    page = (
        '<html><body><article class="bd-article"><h1>Title</h1><section id="s"><h2>Part</h2><p>First</p>'
        "<p>Second</p><table><tr><td>1</td></tr></table></section></article></body></html>"
    )
    body, _title = pdf._article(page, "theme_1")
    assert re.search(r'<div class="print-keep"><h2>Part</h2><p>First</p></div><p>Second</p>', body)
    assert 'class="print-short-table"' in body
    rows = "".join("<tr><td>1</td></tr>" for _ in range(pdf.SHORT_TABLE_ROWS + 1))
    body, _title = pdf._article(page.replace("<tr><td>1</td></tr>", rows), "theme_1")
    assert "print-short-table" not in body
