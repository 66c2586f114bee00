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
"""

import html
import re
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from bs4 import BeautifulSoup

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
    for tag in article.find_all(id=True):
        tag["id"] = f"{page}--{tag['id']}"
    for link in article.find_all("a", href=True):
        _relink(link, page, soup)
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True) if heading else page
    return "".join(str(child) for child in article.children), title


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


def contents_html(chapters: list[tuple[str, str]], appendices: list[tuple[str, str]]) -> str:
    """The contents: each chapter, numbered, then the appendices (their titles carry their letters)."""
    e = html.escape
    items = "".join(f"<li><a href='#{p}'>{e(t)}</a></li>" for p, t in chapters)
    apps = "".join(f"<li><a href='#{p}'>{e(t)}</a></li>" for p, t in appendices)
    return (
        "<nav class='contents' id='contents' aria-labelledby='contents-title'>"
        f"<h1 id='contents-title'>Contents</h1><ol class='contents-chapters'>{items}</ol>"
        f"<ul class='contents-appendices'>{apps}</ul></nav>"
    )


def print_document(html_dir: Path, cfg: ReportConfig) -> str:
    """The whole edition as one HTML document, for Chromium to print."""
    book = html_dir / "book"
    staged_toc = html_dir.parents[1] / "_toc.yml"  # the book was built from <root>/_toc.yml into <root>/_build/html
    chapters, appendices = book_order(staged_toc if staged_toc.is_file() else None)
    bodies, titles = {}, {}
    labels = {p: f"Appendix {chr(65 + i)}" for i, p in enumerate(appendices)}
    for page in chapters + appendices:
        source = book / f"{page}.html"
        if not source.is_file():
            raise PdfError(f"the built book has no {page}.html to print")
        bodies[page], titles[page] = _article(source.read_text(encoding="utf-8"), page, labels.get(page, ""))
    parts = [cover_html(cfg), contents_html([(p, titles[p]) for p in chapters], [(p, titles[p]) for p in appendices])]
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


def edition_pdf(html_dir: Path, cfg: ReportConfig) -> Path:
    """Print the built book in ``html_dir`` to one PDF beside its pages; return the PDF's path.

    Raises
    ------
    PdfError
        When Chromium is missing, fails, or writes no PDF.
    """
    if not CHROMIUM.is_file():
        raise PdfError(f"{CHROMIUM} is missing, so the PDF cannot be printed: run `make browser-deps` (as root)")
    document = html_dir / "book" / PRINT_FILE
    target = html_dir / pdf_name(cfg)
    document.write_text(print_document(html_dir, cfg), encoding="utf-8")
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
        document.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)
    return target
