"""The built default edition read as an inspector would: DfE comparators on the pages.

Reads the built HTML (``make book``; the browser group runs after it): at least 15 theme
indicators show a neighbour and an England figure, each with its year and source; nothing DfE
published after the edition's date appears on any page, in any comparison download or in the
workbook; a neighbour average counts only the neighbours DfE printed a number for; the
neighbour model named is the one in force nearest the edition's date. Expected values are
worked out here from the published files with the csv module, not with the package.
"""

import csv
import html
import re

import openpyxl
import pytest

from improvement_report.build.config import load_config
from improvement_report.core.paths import HTML_DIR, REPO_ROOT

pytestmark = pytest.mark.browser

PUBLISHED = REPO_ROOT / "data" / "published"
EDITION = load_config(REPO_ROOT / "config" / "default.yml")


def texts() -> dict[str, str]:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail("no built book: run `make book` first")
    out = {}
    for page in sorted((HTML_DIR / "book").glob("*.html")):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        text = text.split('id="main-content"', 1)[-1]
        out[page.stem] = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", text).split()))
    return out


def rows(name: str) -> list[dict]:
    with open(PUBLISHED / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def vintage_labels() -> tuple[set[str], set[str]]:
    """DfE year labels the edition may show, and later ones it must not (from releases.csv by hand)."""
    allowed, later = set(), set()
    for r in rows("releases.csv"):
        year = int(r["year"])
        label = f"30 September {year}" if r["series"] == "csww" else f"{year - 1}-{str(year)[2:]}"
        (allowed if r["shown_from"] <= EDITION.edition_date else later).add(label)
    return allowed, later - allowed


COMPARATOR = re.compile(
    r"Published comparators \(DfE, (?P<year>[^)]+)\): (?P<body>.*?) Source: (?P<source>DfE, [^;]+);"
)


def test_fifteen_theme_indicators_show_a_neighbour_and_an_england_figure_with_year_and_source():
    found = []
    for page, text in texts().items():
        if not page.startswith("theme_"):
            continue
        for m in COMPARATOR.finditer(text):
            body = m["body"]
            neighbours = re.search(
                r"statistical neighbours\W+ average ([\d.,]+)\S* .*?\((\d+) of (\d+) with a figure\)", body
            )
            england = re.search(r"England ([\d.,]+)", body)
            if neighbours and england and int(neighbours[2]) > 0 and m["year"] in m["source"]:
                found.append((page, body[:60]))
    assert len(found) >= 15, found


def test_the_edition_shows_no_dfe_figure_from_a_year_published_after_its_date():
    allowed, later = vintage_labels()
    assert "2017-18" in later and "30 September 2017" in later  # the check can fail
    pages = texts()
    for page, text in pages.items():
        if page == "data":
            # The data page's demo calibration lists the council's own figures the synthetic
            # extracts were tuned to (demo editions only); it is not a comparator.
            text = text.split("Demo calibration", 1)[0]
        if page == "missing_episodes":
            # The chapter's own local years (April to March, to the extract date) are not DfE's:
            # only its sentences and tables that name DfE are checked.
            text = " ".join(s for s in re.split(r"(?<=[.])\s", text) if "DfE" in s)
        shown = {label for label in later if label in text}
        assert not shown, (page, sorted(shown))
    for download in (HTML_DIR / "_downloads").rglob("compare_*.csv"):
        with open(download, encoding="utf-8", newline="") as f:
            years = {r["Year"] for r in csv.DictReader(f)}
        assert years and years <= allowed, (download.name, sorted(years - allowed))
    workbook = next(HTML_DIR.glob("*-tables.xlsx"))
    book = openpyxl.load_workbook(workbook, read_only=True)
    for sheet in book.worksheets:
        if sheet.title == "comparisons" or sheet.title.startswith("compare_"):
            cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
            assert not (cells & later), (sheet.title, sorted(cells & later))


def test_a_neighbour_average_counts_only_neighbours_with_a_published_number():
    """Children on a plan for two years or more, 2016-17: DfE printed symbols for some neighbours."""
    model = nearest_model()
    neighbours = {
        r["la_name"]
        for r in rows("statistical_neighbours.csv")
        if r["model"] == model and r["neighbours_of_la_code"] == "302"
    }
    values = [
        r for r in rows("indicators.csv")
        if r["measure"] == "cpp_open_31mar_2yrs_plus_pct" and r["year"] == "2017" and r["geography_name"] in neighbours
    ]  # fmt: skip
    numbers = [float(r["value"]) for r in values if r["value"]]
    assert len(numbers) < len(neighbours)  # some are symbols, so the check can fail
    mean = round(sum(numbers) / len(numbers), 1)
    expected = f"{mean:g}% ({len(numbers)} of {len(neighbours)} with a figure)"
    theme = texts()["theme_6"]
    assert expected in theme, expected
    assert f"{len(numbers)} of {len(neighbours)} with a figure" in texts()["comparisons"]


def nearest_model() -> str:
    """The neighbour model in force at the edition's date, else the one coming into force nearest it."""
    starts = {
        r["model"]: r["in_force_from"]
        for r in rows("statistical_neighbours.csv")
        if r["neighbours_of_la_code"] == "302"
    }
    in_force = {m: d for m, d in starts.items() if d <= EDITION.edition_date}
    if in_force:
        return max(in_force, key=in_force.get)
    from datetime import date

    when = date.fromisoformat(EDITION.edition_date)
    return min(starts, key=lambda m: abs((date.fromisoformat(starts[m]) - when).days))


def test_the_neighbour_model_named_is_the_one_in_force_nearest_the_edition_date():
    model = nearest_model()
    titles = {r["model"]: r["model_title"] for r in rows("statistical_neighbours.csv")}
    pages = texts()
    assert titles[model] in pages["comparisons"]
    for other, title in titles.items():
        if other != model:
            assert title not in pages["comparisons"] and title not in pages["theme_4"], title


def test_the_summary_table_has_dfe_columns_with_year_and_source():
    summary = texts()["summary"]
    assert "Neighbours' average (DfE)" in summary and "England (DfE)" in summary and "DfE source" in summary
    assert re.search(r"\d+ of \d+ with a figure\), 2016-17", summary)
    assert "no comparable DfE figure" in summary
