"""Small-number scan: what was published, read back for counts from 1 to 5 and shares from them.

The pages route their counts through :mod:`improvement_report.render.suppression`; this scan
checks the result the way a reader meets it, so a page that bypasses the mechanism fails the
build (as the identifier scan does for identifiers). It reads the built HTML of the pages drawn
from children's records and the CSV downloads behind them, and finds:

- in sentences, a count from 1 to 5 of children, episodes, discussions, CAFs, returns or
  interviews ("2 children", "100.0% of 1 discussions"), and "x of y" about them where x, y or
  y - x is from 1 to 5 ("4 of the 6 discussions", "17 of 20 discussions");
- in tables, a whole number from 1 to 5 in a column or row whose heading counts such things;
- in downloads, the same in a count column (headed like that, or ``numerator``/``denominator``).

DfE's published statistics (already suppressed by DfE) are not read: tables whose caption names
DfE or its published figures, and the comparison downloads. A scan is a net, not a proof: a
page's own tests check its values by hand.
"""

import csv
import html as html_lib
import re
from dataclasses import dataclass
from pathlib import Path

# The pages built from children's records, and the prefixes of their downloads.
RECORD_PAGES = ("caf_decline", "strategy_discussions", "missing_episodes", "seasonal_effects")
RECORD_DOWNLOADS = ("caf_", "strategy_", "missing_", "seasonal_")
PUBLISHED_DOWNLOADS = ("missing_national", "missing_and_away_published")  # DfE's figures

UNITS = r"(?:children|child|episodes?|discussions?|CAFs?|returns?|interviews?|families|family)\b"
_SMALL = r"(?<![\w.,])([1-5])(?![\d.,%])"
# "2 children", "3 strategy discussions"; not a band ("2 to 4 episodes", "5 or more episodes",
# "with 1 episode", "1 episode 79%"), a threshold ("at least 5 children") or the words that
# replace a hidden count ("1 to 5 discussions").
COUNT = re.compile(
    r"(?<!at least )(?<!fewer than )(?<!more than )"
    + _SMALL
    + r"(?<!to [1-5])(?! or more)(?! to )(?<!with [1-5]) (?:[a-z][a-z'-]* |CAF |[A-Z]{2,} ){0,3}?"
    + UNITS
    + r"(?! \d+%)"
)
SHARE_OF_SMALL = re.compile(r"\d+(?:\.\d+)?% of (?:the |its )?" + _SMALL)
X_OF_Y = re.compile(r"(?<![\w.,])([\d,]+) of (?:the |its |all )?([\d,]+)(?![\d.,%]) (?:[A-Za-z'-]+ ){0,4}?" + UNITS)
COUNT_HEADING = re.compile(
    r"(?i)^(?!.*(?:%|per |rate|hours|limit|centre|median|quartile|ratio|interval|mean|signal))"
    r".*\b(children|child|episodes?|discussions?|returns?|interviews?|compliant|health took part|out of hours"
    r"|opened|closed|open|CAFs?|offer not recorded|recorded before|numerator|denominator|still missing)\b"
)
PUBLISHED_CAPTION = re.compile(r"DfE|published|statistical neighbours")
# Columns of groups (the measures are the rows): a row heading that counts applies to them.
GROUP_HEADING = re.compile(r"(?i)^(from home|from care|in hours|out of hours|time unknown)$")
# The columns of a tidy download after its row labels (render.downloads.TIDY_COLUMNS).
TIDY_COLUMNS = ("period", "measure_code", "measure", "unit", "value", "lower", "upper", "text", "suppressed")


@dataclass
class Finding:
    """One value that discloses a small number: where, and the text around it."""

    file: str
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.text!r}"


def _small(text: str) -> bool:
    return text.replace(",", "").isdigit() and 1 <= int(text.replace(",", "")) <= 5


def sentence_findings(text: str) -> list[str]:
    """Phrases of running text that state a count from 1 to 5, or a share or "x of y" from one."""
    found = [m.group(0) for m in COUNT.finditer(text)]
    found += [m.group(0) for m in SHARE_OF_SMALL.finditer(text)]
    for m in X_OF_Y.finditer(text):
        x, y = (int(v.replace(",", "")) for v in m.groups())
        if any(1 <= v <= 5 for v in (x, y, y - x)):
            found.append(m.group(0))
    return found


def _cells(row_html: str) -> list[str]:
    return [
        " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
        for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row_html, flags=re.S)
    ]


def table_findings(table_html: str) -> list[str]:
    """Cells of one HTML table holding a whole number from 1 to 5 under a counting heading."""
    caption = re.search(r"<caption>(.*?)</caption>", table_html, flags=re.S)
    if caption and PUBLISHED_CAPTION.search(caption.group(1)):
        return []
    rows = [_cells(r) for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table_html, flags=re.S)]
    if not rows:
        return []
    head, found = rows[0], []
    for row in rows[1:]:
        for i, cell in enumerate(row[1:], start=1):
            column = head[i] if i < len(head) else ""
            counting = COUNT_HEADING.search(column) or (GROUP_HEADING.match(column) and COUNT_HEADING.search(row[0]))
            if _small(cell) and counting:
                found.append(f"{row[0]} / {column}: {cell}")
    return found


def page_findings(path: Path) -> list[Finding]:
    """Findings in one built HTML page (its main content; tables and running text apart)."""
    page = path.read_text(encoding="utf-8", errors="ignore")
    page = page.split('id="main-content"', 1)[-1]
    # The links to the previous and next pages are navigation, not this page's figures: "next
    # Improvement theme 1" read as "1 ... episodes" with the contents beside it.
    page = page.split('<footer class="prev-next-footer', 1)[0]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    found = []
    for table in re.findall(r"<table\b.*?</table>", page, flags=re.S):
        found += [Finding(path.name, "table", t) for t in table_findings(table)]
    text = re.sub(r"<table\b.*?</table>", " ", page, flags=re.S)
    text = re.sub(r'<span class="caption-number">.*?</span>', " ", text, flags=re.S)  # "Fig. 1"
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    found += [Finding(path.name, "text", t) for t in sentence_findings(text)]
    # Alt text is published too (screen readers read it).
    for alt in re.findall(r'alt="([^"]*)"', page):
        found += [Finding(path.name, "alt text", t) for t in sentence_findings(html_lib.unescape(alt))]
    return found


def download_findings(path: Path) -> list[Finding]:
    """Whole numbers from 1 to 5 in the count columns of one CSV download."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return []
    head, found = rows[0], []
    if "measure" in head and "value" in head:  # a tidy download: one row per row label and measure
        measure, value = head.index("measure"), head.index("value")
        labels = [i for i, h in enumerate(head) if h not in TIDY_COLUMNS]
        for row in rows[1:]:
            if len(row) <= max(measure, value) or not _small(row[value]):
                continue
            named = row[measure]
            if COUNT_HEADING.search(named) or (
                GROUP_HEADING.match(named) and any(COUNT_HEADING.search(row[i]) for i in labels)
            ):
                found.append(Finding(path.name, " / ".join([*(row[i] for i in labels), named]), row[value]))
        return found
    counting = [i for i, h in enumerate(head) if COUNT_HEADING.search(h)]
    for row in rows[1:]:
        for i in counting:
            if i < len(row) and _small(row[i]):
                found.append(Finding(path.name, f"{row[0]} / {head[i]}", row[i]))
    return found


def scan(html_dir: Path, downloads_dir: Path) -> tuple[list[Finding], int]:
    """Scan the record pages of a built book and their downloads.

    Parameters
    ----------
    html_dir : Path
        The built HTML pages (``<html>/book``).
    downloads_dir : Path
        The pages' CSV downloads (``<book>/downloads``).

    Returns
    -------
    (list of Finding, int)
        What discloses a small number, and how many files were read.
    """
    found, read = [], 0
    for name in RECORD_PAGES:
        page = Path(html_dir) / f"{name}.html"
        if page.exists():
            found += page_findings(page)
            read += 1
    for csv_path in sorted(Path(downloads_dir).glob("*.csv")):
        if csv_path.name.startswith(RECORD_DOWNLOADS) and not csv_path.name.startswith(PUBLISHED_DOWNLOADS):
            found += download_findings(csv_path)
            read += 1
    return found, read
