"""Each chapter opens with its answer, and the summary carries the same answers.

The built pages in ``book/`` are parsed: a chapter's first paragraph after the synthetic-data
notice is its answer, and its key figures are computed here independently from the demo CSV
files with plain pandas (not with the package). The summary's answer for each chapter is the
same text as the chapter's own.
"""

import json
import re

import pandas as pd
import pytest

from improvement_report.core.paths import BOOK_DIR, DEMO_DATA_DIR

EXTRACT_END = pd.Timestamp("2018-01-01")  # the default edition's extract date, 2017-12-31, whole day
WINDOW = (pd.Timestamp("2017-09-01"), pd.Timestamp("2018-01-01"))  # 1 Sep to 31 Dec 2017, end exclusive
CHAPTERS = ("caf_decline", "seasonal_effects", "strategy_discussions", "missing_episodes")


def markdown_outputs(page: str) -> list[str]:
    """The Markdown the page shows, in order: markdown cells and code cells' Markdown outputs."""
    nb = json.loads((BOOK_DIR / f"{page}.ipynb").read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            out.append("".join(cell["source"]))
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/markdown")
            if text:
                out.append("".join(text))
    return out


def first_paragraph(page: str) -> str:
    """The first paragraph after the title, skipping admonitions (the synthetic-data notice)."""
    for block in markdown_outputs(page):
        if block.startswith("#") or block.startswith("```"):
            continue
        return block
    raise AssertionError(f"{page} has no paragraph")


def summary_answers() -> dict[str, str]:
    """The summary's "What each chapter found" list, as {page: answer text}."""
    block = next(b for b in markdown_outputs("summary") if "`the chapter <" in b)
    found = re.findall(r"^- \*\*[^*]+\*\* \(\{doc\}`the chapter <([\w]+)>`\): (.*)$", block, flags=re.M)
    return dict(found)


def plain(text: str) -> str:
    return text.replace("**", "")


@pytest.fixture(scope="module")
def cafs():
    d = pd.read_csv(DEMO_DATA_DIR / "early_help_episodes.csv", parse_dates=["start_date", "end_date"])
    d = d[d.start_date < EXTRACT_END]
    d.loc[d.end_date >= EXTRACT_END, "end_date"] = pd.NaT
    return d


def open_at(d, day):
    return int(((d.start_date <= day) & (d.end_date.isna() | (d.end_date > day))).sum())


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_opens_with_its_answer(page):
    assert first_paragraph(page).startswith("**In short.**")


def test_early_help_answer_states_the_change_and_openings_against_closures(cafs):
    text = plain(first_paragraph("caf_decline"))
    now, before = open_at(cafs, pd.Timestamp("2017-11-30")), open_at(cafs, pd.Timestamp("2016-11-30"))
    assert f"At the end of November 2017 {now:,} CAFs were open, {before - now:,} fewer" in text
    assert f"November 2016 ({before:,})" in text
    opened = lambda a, b: int(cafs.start_date.between(a, b).sum())  # noqa: E731
    closed = lambda a, b: int(cafs.end_date.between(a, b).sum())  # noqa: E731
    this, prev = (
        (pd.Timestamp("2016-12-01"), pd.Timestamp("2017-11-30")),
        (
            pd.Timestamp("2015-12-01"),
            pd.Timestamp("2016-11-30"),
        ),
    )
    d_open, d_closed = opened(*this) - opened(*prev), closed(*this) - closed(*prev)
    assert d_open < 0 < d_closed  # both push the net flow down: shares are meaningful
    assert f"{-d_open:,} fewer openings and {d_closed:,} more closures" in text
    share = d_closed / (d_closed - d_open)
    assert f"{share:.0%} of the change in the net flow came from closures" in text
    # How much is seasonal: the seasonal chapter's own expected-versus-actual for open CAFs.
    june = open_at(cafs, pd.Timestamp("2017-06-30"))
    assert f"From June 2017 to November 2017 open CAFs fell by {june - now:,}" in text


def test_strategy_answer_states_compliance_and_the_missing_agency():
    d = pd.read_csv(DEMO_DATA_DIR / "strategy_discussions.csv")
    d["held_at"] = pd.to_datetime(d.held_at, format="mixed")  # some discussions have a date and no time
    w = d[(d.held_at >= WINDOW[0]) & (d.held_at < WINDOW[1])]
    yes = lambda c: w[c].astype(str).str.upper().isin(["Y", "TRUE", "1"])  # noqa: E731
    compliant = yes("csc") & yes("police") & yes("health")
    text = plain(first_paragraph("strategy_discussions"))
    assert (
        f"{100 * compliant.mean():.1f}% of the {len(w):,} strategy discussions held from 1 Sep 2017 to 31 Dec 2017"
        in text
    )
    absent = {"health": (~yes("health")).sum(), "police": (~yes("police")).sum()}
    assert absent["health"] > absent["police"]
    assert (
        f"most often missing in the window was health: absent from {absent['health']} of the {(~compliant).sum()}"
        in text
    )


def test_missing_answer_compares_home_and_care_with_a_year_earlier():
    m = pd.read_csv(DEMO_DATA_DIR / "missing_episodes.csv", parse_dates=["start", "end", "rhi_completed_at"])
    m = m[m.start < EXTRACT_END]
    m.loc[m.end >= EXTRACT_END, "end"] = pd.NaT
    m.loc[m.rhi_completed_at >= EXTRACT_END, "rhi_completed_at"] = pd.NaT
    text = plain(first_paragraph("missing_episodes"))
    year = pd.DateOffset(years=1)
    for flag, label in (("N", "from home"), ("Y", "from care")):
        g = m[m.looked_after == flag]
        now = g[(g.start >= WINDOW[0]) & (g.start < WINDOW[1])]
        then = g[(g.start >= WINDOW[0] - year) & (g.start < WINDOW[1] - year)]
        diff = len(now) - len(then)
        word = f"{abs(diff)} {'fewer' if diff < 0 else 'more'} than a year earlier ({len(then)})"
        assert f"{len(now)} episodes {label} ({now.child_id.nunique()} children), {word}" in text
    w = m[(m.start >= WINDOW[0]) & (m.start < WINDOW[1]) & m.end.notna()]
    gap = w.rhi_completed_at - w.end
    within = (gap >= pd.Timedelta(0)) & (gap <= pd.Timedelta(hours=72))
    assert f"within 72 hours of {100 * within.mean():.1f}% of the window's returns" in text


def test_seasonal_answer_agrees_with_the_pages_own_holiday_table():
    text = plain(first_paragraph("seasonal_effects"))
    table = next(
        b for b in markdown_outputs("seasonal_effects") if b.startswith("```{figure} figures/seasonal_holiday")
    )
    # The alt text lists every series' rate ratio and interval: "CAFs opened 0.57 (0.46 to 0.70)".
    ratios = re.findall(r"([A-Z][\w ]+?) (\d\.\d\d) \((\d\.\d\d) to (\d\.\d\d)\)", table)
    assert ratios
    clear, unclear = text.split("No clear holiday effect")
    for name, _, low, high in ratios:
        lower = name[0].lower() + name[1:] if not name[:2].isupper() else name
        if float(high) < 1:
            assert lower in clear, name
        elif float(low) <= 1 <= float(high):
            assert lower in unclear, name


def test_theme_pages_open_with_their_counts():
    for theme in range(1, 8):
        page = f"theme_{theme}"
        text = first_paragraph(page)
        assert text.startswith("**In short.**"), page
        glance = next(b for b in markdown_outputs(page) if b.startswith("```{table}"))
        rows = [line for line in glance.splitlines() if line.startswith("| {ref}")]
        improving = sum("special cause improvement" in row for row in rows)
        assert f"**{improving}** show" in text or f"**{improving}** shows" in text, page


def test_the_summary_carries_each_chapters_answer_word_for_word():
    found = summary_answers()
    for page in CHAPTERS:
        assert found[page] == first_paragraph(page).removeprefix("**In short.** ").strip(), page
    assert "special cause improvement" in found["theme_1"]


# ---------------------------------------------------------------------------------------------
# Demo data: which summary figures were published, and which exist only in the demo
# ---------------------------------------------------------------------------------------------

# By hand, from the committee report of January 2018 (paragraphs 1.45-1.50, 1.72-1.85): the
# figures it publishes for November 2017 and for September to December 2017.
PUBLISHED_HEADLINES = {
    "Open CAFs at month end",  # 614 (1.73)
    "Change on a year earlier",  # 184 fewer than 798 (1.73)
    "Open more than 12 months",  # 13% (1.73)
    "Held",  # 224 discussions about 400 children (1.47)
    "Compliant (CSC, police and health)",  # 155 (1.47)
    "Without health / police / CSC",  # 60 / 6 / 3 (1.47)
    # Indicator rows (those DfE has a comparable figure for) whose November 2017 value the report gives:
    "Contacts leading to a referral",  # 33% (1.74)
    "Child and family assessments completed within 45 working days",  # 57% (1.74)
    "Child in need plans open at month end",  # 676 (1.75)
    "Referrals that are repeat referrals within 12 months (year to date)",  # 18.1% (1.80)
    "Section 47 enquiries leading to an initial child protection conference within 15 working days",  # 92.9% (1.81)
    "Child protection plans starting that were a second or subsequent plan (year to date)",  # 7.8% (1.82)
    "Children on a child protection plan for two years or more",  # 2 (1.83)
}


def summary_html_table(caption_start: str) -> pd.DataFrame:
    nb = json.loads((BOOK_DIR / "summary.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            html = "".join(o.get("data", {}).get("text/html", ""))
            if f"<caption>{caption_start}" in html:
                rows = [
                    [
                        re.sub(r"<[^>]+>", "", cell).strip()
                        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                    ]
                    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
                ]
                return pd.DataFrame(rows[1:], columns=rows[0])
    raise AssertionError(f"no table {caption_start!r}")


def test_summary_marks_each_headline_figure_published_or_demo_only():
    table = summary_html_table("Headline figures")
    marks = dict(zip(table["Measure"], table["Origin of the figure"]))
    for measure, mark in marks.items():
        expected = "Published in the committee report" if measure in PUBLISHED_HEADLINES else "Demo only"
        assert mark.startswith(expected), (measure, mark)
    assert any("Key to the marks" in b and "Demo only: not a real figure" in b for b in markdown_outputs("summary"))


def test_summary_says_the_top_worries_are_demo_inventions():
    worried = next(b for b in markdown_outputs("summary") if b.startswith("**Demo data.**") and "worry" in b)
    lead, items = worried.split("\n\n", 1)
    first, second = items.splitlines()[:2]
    assert "Social work posts covered by agency staff" in first and "Average caseload per social worker" in second
    assert first.endswith("**[Demo only: not a real figure]**") and second.endswith(
        "**[Demo only: not a real figure]**"
    )
    assert "first, Social work posts covered by agency staff" in lead and "second, Average caseload" in lead
    # Open CAFs (614) was published: marked so, and not called an invention.
    caf = next(line for line in items.splitlines() if "CAF&#41; episodes open at month end" in line)
    assert caf.endswith("**[Published in the committee report]**")
    assert "episodes open at month end" not in lead


# A period in words: a month and year, a financial year or quarter, or the window the answer names.
PERIOD = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}|\d{4}-\d{2}|\d{4} Q[1-4]|the window|a year earlier"
)
NUMBER = re.compile(r"\d")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.])\s+(?=[A-Z*])", plain(text)) if s.strip()]


def test_every_figure_in_an_answer_or_a_summary_list_names_its_period():
    """69.2% (the window) beside 80.9% (one month) is read right only when each says its period."""
    blocks = [first_paragraph(page) for page in CHAPTERS] + [first_paragraph(f"theme_{t}") for t in range(1, 8)]
    blocks += list(summary_answers().values())
    summary = markdown_outputs("summary")
    blocks += [line for b in summary for line in b.splitlines() if line.startswith("- **") and "{ref}`chart" in line]
    unlabelled = []
    for block in blocks:
        for sentence in sentences(block):
            sentence = re.sub(r"\d+(\.\d+)?% interval", "interval", sentence)  # a confidence level is no figure
            if "%" in sentence or re.search(r"\d{2,}", sentence):
                if not PERIOD.search(sentence) and not sentence.startswith(("In short", "Technically")):
                    unlabelled.append(sentence)
    assert not unlabelled, unlabelled
