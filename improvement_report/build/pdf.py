"""One PDF of the edition, for the members' agenda pack, printed offline by Debian's Chromium.

The built HTML pages are assembled into one print document inside the staged HTML: a cover
(council, period, edition date, version, contact and, for demo data, the synthetic-data
notice), contents, the summary first, then the chapters in the book's order, and the methods,
glossary and data pages as appendices. Each page's article is taken as built, so the PDF says
exactly what the site says; ids are prefixed with the page name so links between pages become
links inside the PDF. Chromium prints it with the print stylesheet (``book/_static/print.css``):
tables wrap, nothing breaks inside a heading, figure or table row, links to files are shown as
text. The PDF is written beside the HTML (never into ``book/``): printing is not byte-for-byte
reproducible, and the committed edition must be.

Chromium cannot print a page number for a link's target (CSS ``target-counter``), so the contents
get their page numbers in two passes: the document is printed once, each chapter's page is read
from the PDF's named destinations (Chromium writes one for every linked id), and the document is
printed again with those numbers in the contents. The contents take the same lines either way, so
the numbers cannot move; the second print is read again to prove it. The finished PDF also carries
bookmarks (an outline) to the cover, the contents and every chapter and appendix.
"""

import html
import logging
import re
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader, PdfWriter

from improvement_report.build.config import ReportConfig
from improvement_report.build.toc import toc_pages
from improvement_report.core.periods import long_date, month_name

CHROMIUM = Path("/usr/bin/chromium")
# The pages printed after the chapters, in this order, as appendices.
APPENDICES = ("methods", "glossary", "data")
PRINT_FILE = "_edition_print.html"  # written into the HTML's book/ folder while printing, then removed
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # Chromium refuses to run as root (as CI does) with its sandbox
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",  # page numbers come from the stylesheet's @page rules
    "--run-all-compositor-stages-before-draw",
)
PRINT_TIMEOUT_SECONDS = 300


class PdfError(Exception):
    """The PDF could not be made; the message says why in a line."""


def pdf_name(cfg: ReportConfig) -> str:
    """The PDF's file name, e.g. ``<council>-<YYYY-MM>-improvement-report.pdf``."""
    council = re.sub(r"[^a-z0-9]+", "-", cfg.local_authority.lower()).strip("-") or "report"
    return f"{council}-{cfg.report_month}-improvement-report.pdf"


def report_version() -> str:
    """The version of the package that computed the edition."""
    try:
        return metadata.version("improvement_report")
    except metadata.PackageNotFoundError:
        from improvement_report import __version__

        return __version__


def book_order(toc: Path | None = None) -> tuple[list[str], list[str]]:
    """The pages of the PDF: ``(chapters, appendices)``, the summary first, as named in the table of
    contents ``toc`` (the edition's: its theme pages are the edition's themes).

    The landing page is left out: the cover and the contents take its place.
    """
    pages = toc_pages(toc)[1:]  # without the root, the landing page
    appendices = [p for p in APPENDICES if p in pages]
    chapters = [p for p in pages if p not in appendices]
    if "summary" in chapters:
        chapters.remove("summary")
        chapters.insert(0, "summary")
    return chapters, appendices


def edition_order(html_dir: Path) -> tuple[list[str], list[str]]:
    """:func:`book_order` for the book built into ``html_dir``: from the table of contents it was
    built from (``<root>/_toc.yml`` for ``<root>/_build/html``), whose theme pages are the edition's,
    else the project's."""
    staged_toc = html_dir.parents[1] / "_toc.yml"
    return book_order(staged_toc if staged_toc.is_file() else None)


def _article(page_html: str, page: str, label: str = "") -> tuple[str, str]:
    """A built page's article, its ids and links rewritten for one document; and its title.

    ``label`` (e.g. "Appendix A") is put before the page's title.
    """
    soup = BeautifulSoup(page_html, "html.parser")
    article = soup.find("article", class_="bd-article")
    if article is None:
        raise PdfError(f"{page}.html has no article to print")
    heading = article.find("h1")
    if label and heading is not None:
        heading.insert(0, f"{label}: ")
    for junk in article.select("a.headerlink, p.edition-pdf-link, .toggle-details, script"):
        junk.decompose()
    _keep_together(soup, article)
    for tag in article.find_all(id=True):
        tag["id"] = f"{page}--{tag['id']}"
    for link in article.find_all("a", href=True):
        _relink(link, page, soup)
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True) if heading else page
    return "".join(str(child) for child in article.children), title


# A table this short is printed whole on one page rather than split after a row or two.
SHORT_TABLE_ROWS = 25


def _keep_together(soup, article) -> None:
    """Keep each heading with what follows it, and each short table whole, on one page.

    Chromium honours ``break-after: avoid`` on a heading only loosely: a heading, or a heading
    and a table's caption and header row, can end a page with the rest on the next. Wrapping the
    heading and the first block after it in one ``print-keep`` box (``break-inside: avoid``)
    leaves no break between them; a box taller than a page is still split, so nothing is lost.
    """
    for table in article.find_all("table"):
        if len(table.find_all("tr")) <= SHORT_TABLE_ROWS:
            table["class"] = table.get("class", []) + ["print-short-table"]
    for heading in article.find_all(["h2", "h3", "h4"]):
        following = heading.find_next_sibling()
        if following is None or following.name in ("h2", "h3", "h4", "section"):
            continue
        box = soup.new_tag("div", attrs={"class": "print-keep"})
        heading.insert_before(box)
        box.append(heading.extract())
        box.append(following.extract())


def _relink(link, page: str, soup) -> None:
    """Links within the book point inside the PDF; a download says its file name as text."""
    href = link["href"]
    if href.startswith("#"):
        link["href"] = f"#{page}--{href[1:]}"
    elif re.fullmatch(r"[a-z0-9_]+\.html(#.*)?", href):
        target, _, anchor = href.partition("#")
        target = target.removesuffix(".html")
        link["href"] = f"#{target}--{anchor}" if anchor else f"#{target}"
    elif "_downloads/" in href or href.endswith((".csv", ".json", ".xlsx")):
        # A file link means nothing on paper: its name, and that it is in the online edition.
        span = soup.new_tag("span", attrs={"class": "print-file"})
        span.string = f"{link.get_text(strip=True)} (a file in the online edition)"
        link.replace_with(span)
    elif href.startswith("http"):
        link["class"] = link.get("class", []) + ["print-url"]


def cover_html(cfg: ReportConfig) -> str:
    """The cover: what the report is, for whom and when, which version, who to contact."""
    e = html.escape
    dates = cfg.dates
    edition_date, contact = cfg.settings.get("edition_date"), cfg.settings.get("contact")
    edition = long_date(edition_date) if edition_date else "not set"
    rows = [
        ("Council", cfg.local_authority),
        ("Report month", month_name(cfg.report_month)),
        (
            "Window",
            f"{long_date(dates.window_start)} to {long_date(dates.window_end)} (strategy discussions and missing episodes)",
        ),
        ("Edition date", edition),
        ("Version", f"improvement_report {report_version()}"),
        ("Contact", contact or "not set"),
    ]
    facts = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    notice = ""
    if cfg.synthetic_data:
        notice = (
            "<p class='cover-notice'><strong>Synthetic demo data.</strong> Every figure in this edition "
            "comes from synthetic demo data, not from any child's record. Figures tuned to the "
            "published figures are listed on the data page (appendix).</p>"
        )
    return (
        "<section class='cover' id='cover'>"
        f"<p class='cover-council'>{e(cfg.local_authority)}</p>"
        "<h1 class='cover-title'>Children's services improvement report</h1>"
        f"<p class='cover-period'>{e(month_name(cfg.report_month))}</p>"
        f"<table class='cover-facts'><caption>About this edition</caption>{facts}</table>{notice}"
        "</section>"
    )


def contents_html(
    chapters: list[tuple[str, str]], appendices: list[tuple[str, str]], pages: dict[str, int] | None = None
) -> str:
    """The contents: each chapter, numbered, then the appendices (their titles carry their letters),
    each with its page number from ``pages`` (a placeholder of the same width before they are known)."""
    e = html.escape

    def item(number: str, page: str, title: str) -> str:
        where = str(pages[page]) if pages and page in pages else "000"
        hidden = "" if pages and page in pages else " contents-unknown"
        return (
            f"<li><span class='contents-number'>{e(number)}</span><a href='#{page}'>{e(title)}</a>"
            f"<span class='contents-leader' aria-hidden='true'></span>"
            f"<span class='contents-page{hidden}'>{e(where)}</span></li>"
        )

    items = "".join(item(f"{i}.", p, t) for i, (p, t) in enumerate(chapters, start=1))
    apps = "".join(item("", p, t) for p, t in appendices)
    return (
        "<nav class='contents' id='contents' aria-labelledby='contents-title'>"
        f"<h1 id='contents-title'>Contents</h1><ol class='contents-chapters'>{items}</ol>"
        f"<ul class='contents-appendices'>{apps}</ul></nav>"
    )


def print_document(html_dir: Path, cfg: ReportConfig, pages: dict[str, int] | None = None) -> str:
    """The whole edition as one HTML document, for Chromium to print (``pages``: the contents' page
    numbers, by page name)."""
    book = html_dir / "book"
    chapters, appendices = edition_order(html_dir)
    bodies, titles = {}, {}
    labels = {p: f"Appendix {chr(65 + i)}" for i, p in enumerate(appendices)}
    for page in chapters + appendices:
        source = book / f"{page}.html"
        if not source.is_file():
            raise PdfError(f"the built book has no {page}.html to print")
        bodies[page], titles[page] = _article(source.read_text(encoding="utf-8"), page, labels.get(page, ""))
    parts = [
        cover_html(cfg),
        contents_html([(p, titles[p]) for p in chapters], [(p, titles[p]) for p in appendices], pages),
    ]
    # Each page's wrapper carries the page's name as its id: the target of the contents and of
    # links from other pages.
    parts += [f"<div class='print-chapter' id='{p}'>{bodies[p]}</div>" for p in chapters]
    parts += [f"<div class='print-chapter print-appendix' id='{p}'>{bodies[p]}</div>" for p in appendices]
    title = html.escape(
        f"{cfg.local_authority}: children's services improvement report, {month_name(cfg.report_month)}"
    )
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<link rel='stylesheet' href='../_static/report.css'>"
        "<link rel='stylesheet' href='../_static/print.css'>"
        f"</head><body class='edition-print'>{''.join(parts)}</body></html>"
    )


def _chromium_print(document: Path, target: Path) -> None:
    """Print one HTML document to ``target`` with headless Chromium."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-pdf-"))
    try:
        cmd = [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            document.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not finish printing the PDF within {PRINT_TIMEOUT_SECONDS} s") from None
        if result.returncode != 0 or not target.is_file() or target.stat().st_size < 1000:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PdfError(f"Chromium could not print the PDF (exit {result.returncode}): {detail[0]}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def page_numbers(pdf: Path, names: list[str]) -> dict[str, int]:
    """The page (from 1) each named part starts on, read from the PDF's named destinations.

    Raises
    ------
    PdfError
        When a part has no destination (nothing links to it, so Chromium wrote none).
    """
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailers draw harmless warnings
    reader = PdfReader(pdf)
    destinations = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    missing = [n for n in names if n not in destinations]
    if missing:
        raise PdfError(f"the printed PDF has no destination for {', '.join(missing)}, so its contents has no page")
    return {n: reader.get_destination_page_number(destinations[n]) + 1 for n in names}


def add_outline(pdf: Path, entries: list[tuple[str, int]]) -> None:
    """Bookmarks: one per ``(title, page from 1)``, shown when the PDF opens."""
    writer = PdfWriter(clone_from=PdfReader(pdf))
    for title, page in entries:
        writer.add_outline_item(title, page - 1)
    writer.page_mode = "/UseOutlines"
    staged = pdf.with_suffix(".outline.pdf")
    with staged.open("wb") as out:
        writer.write(out)
    staged.replace(pdf)


def edition_pdf(html_dir: Path, cfg: ReportConfig) -> Path:
    """Print the built book in ``html_dir`` to one PDF beside its pages; return the PDF's path.

    Printed twice: the second time with the contents' page numbers read from the first (see the
    module's note), then given bookmarks.

    Raises
    ------
    PdfError
        When Chromium is missing, fails, or writes no PDF, or the page numbers do not settle.
    """
    if not CHROMIUM.is_file():
        raise PdfError(f"{CHROMIUM} is missing, so the PDF cannot be printed: run `make browser-deps` (as root)")
    document = html_dir / "book" / PRINT_FILE
    target = html_dir / pdf_name(cfg)
    chapters, appendices = edition_order(html_dir)  # the edition's pages (3 or 9 themes), not the project's
    names = chapters + appendices
    try:
        pages = None
        for _ in range(3):
            document.write_text(print_document(html_dir, cfg, pages), encoding="utf-8")
            _chromium_print(document, target)
            found = page_numbers(target, names)
            if found == pages:
                break
            pages = found
        else:
            raise PdfError("the contents' page numbers did not settle after three prints")
    finally:
        document.unlink(missing_ok=True)
    titles = _titles(html_dir, names)
    add_outline(target, [("Cover", 1), ("Contents", 2)] + [(titles[n], pages[n]) for n in names])
    return target


def _titles(html_dir: Path, names: list[str]) -> dict[str, str]:
    """Each printed page's title as the PDF shows it (appendices with their letters)."""
    _chapters, appendices = book_order()
    labels = {p: f"Appendix {chr(65 + i)}" for i, p in enumerate(appendices)}
    book = html_dir / "book"
    return {n: _article((book / f"{n}.html").read_text(encoding="utf-8"), n, labels.get(n, ""))[1] for n in names}
