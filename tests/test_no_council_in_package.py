"""Nothing about a particular council or period is in the package or the templates.

An edition is its configuration and its content folder (``editions/<name>/``); the package and
``notebooks/`` must read the same for any council and any period. Only the demo generator
(``improvement_report/demo/``, which is calibrated to one council's published figures) and
the documented defaults outside the package (``config/``, ``editions/``, ``data/``) may name them.
"""

import csv
import json
import re

import pytest

from improvement_report.core.paths import DATA_DIR, NOTEBOOKS_DIR, PACKAGE_DIR

# Council names: the first user and the councils of the shipped comparator files. "Reading" is
# left out: as a word it starts too many sentences to tell apart from the borough.
with open(DATA_DIR / "published" / "statistical_neighbours.csv", encoding="utf-8") as f:
    COUNCILS = sorted({row["la_name"] for row in csv.DictReader(f)} - {"Reading"} | {"Barnet"})

# A year an edition could report on (2010-2035), unless it is an author's citation ("Spiegelhalter
# 2005", "Hyndman 2006)"); epochs (1970) and pandas' date range (1678-2261) are not report years.
YEAR = re.compile(r"\b20(1[0-9]|2[0-9]|3[0-5])\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS += "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
CITATION = re.compile(r"(?!(?:" + MONTHS + r")\b)[A-Z][a-z]+\)?,? \(?20[0-9][0-9]\)?")
RULES = {
    "a council's name": re.compile(r"\b(" + "|".join(map(re.escape, COUNCILS)) + r")\b"),
    "the committee": re.compile(r"committee", re.IGNORECASE),
    "the inspectorate": re.compile(r"ofsted", re.IGNORECASE),
    "a paragraph reference": re.compile(r"\bparagraphs?\s+[0-9]+\.[0-9]+|[\"'][0-9]\.[0-9]{2}(-[0-9]\.[0-9]{2})?[\"']"),
}


def sources():
    """(where, text) for every package module outside the demo generator and every template cell."""
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "demo" in path.relative_to(PACKAGE_DIR).parts:
            continue
        yield str(path.relative_to(PACKAGE_DIR.parent)), path.read_text(encoding="utf-8")
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
            yield f"{path.relative_to(NOTEBOOKS_DIR.parent)} cell {number}", "".join(cell["source"])


def findings(where: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for what, rule in RULES.items():
            if rule.search(line):
                found.append(f"{where}:{number}: {what}: {line.strip()[:100]}")
        if YEAR.search(CITATION.sub("", line)):
            found.append(f"{where}:{number}: a calendar year: {line.strip()[:100]}")
    return found


def test_package_and_templates_name_no_council_year_committee_or_paragraph():
    found = [f for where, text in sources() for f in findings(where, text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        'title = "Barnet: the fall in CAFs"',
        "# as the committee asked",
        "the Ofsted judgement",
        "report_month = '2017-11'",
        "(paragraph 1.50)",
        '"published_paragraph": "1.73",',
        "Harrow and Merton",
        "only from the year to March 2018",
    ],
)
def test_the_check_would_catch_each_kind(line):
    assert findings("x", line)


@pytest.mark.parametrize("line", ["(Spiegelhalter 2005)", "Wang, Smith & Hyndman 2006", "int(n * 1.15)", "1970-01-01"])
def test_citations_and_numbers_are_not_years_or_paragraphs(line):
    assert not findings("x", line)
