"""Any council, any period: editions other than the default, built end to end.

One build command publishes four editions at once (the pages share the workers):

- a second council whose extracts are written here from scratch (not by the demo generator),
  using every allowance of the data contract: a byte-order mark, CRLF line ends, DD/MM/YYYY
  dates, reordered and odd-case headers, an extra column, names with apostrophes, accents and
  ampersands, a tiny file and a large one, and no ``indicators.csv``; with its own minimal
  configuration and content folder (April 2019 to March 2023);
- the demo for June 2016 and for February 2018, each with its extract date at the period's end;
- the demo with a window past the end of the data and ``allow_partial: true``.

A window past the end of the data without ``allow_partial`` is refused in one line with nothing
published: ``tests/test_coverage.py`` checks that (it needs no book build).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from improvement_report.core.paths import REPO_ROOT
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.measures.indicators import RECORD_INDICATORS

pytestmark = pytest.mark.build  # run by `make many-reports`, not by a plain `pytest tests`

# Phrases only the default (Barnet, November 2017) edition may print.
BARNET_ONLY = (
    "Barnet",
    "committee",
    "Committee",
    "paragraph 1.",
    "spring 2017",
    "2017 inspection",
    "These figures come from",  # the demo notice
    "Turnaround priority",
)
COUNCIL = "Royal Borough of Exampleton"
# Three themes (the shipped catalogue has seven): every indicator is put in one of them, and theme 3
# has no title, so its page has a neutral one.
THEMES = {1: "Children's voice & participation", 2: "Équipe d'accueil: front door"}
THEME_COUNT = 3
TEAMS = ["St Mary's Hub", "Équipe Nord & Sud", "Front door (MASH)"]
LOCALITIES = ["King's Cross & Rivière", "Hôtel de Ville", "South"]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV with a byte-order mark and CRLF line ends, as Excel's "CSV UTF-8" does."""
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_second_council(folder: Path) -> Path:
    """Extracts of an invented council, April 2019 to March 2023, written row by row here."""
    rng = np.random.default_rng(20230331)
    folder.mkdir(parents=True)
    first, last = pd.Timestamp("2019-04-01"), pd.Timestamp("2023-03-31")
    days = (last - first).days
    # Large file: about eight times the demo's CAF volume. Headers reordered, odd case, spaces,
    # an extra column; dates DD/MM/YYYY.
    n = 26_000
    starts = first + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    length = pd.to_timedelta(rng.gamma(2.0, 120.0, n).astype(int) + 1, unit="D")
    ends = starts + length
    rows = []
    for i in range(n):
        end = "" if ends[i] > last else ends[i].strftime("%d/%m/%Y")
        locality = LOCALITIES[i % 3] if i % 17 else ""
        rows.append(
            [
                end,
                _quoted(locality),
                f"C{rng.integers(0, 40_000):06d}",
                starts[i].strftime("%d/%m/%Y"),
                f"EH{i:07d}",
                "x",
            ]
        )
    _csv(
        folder / "early_help_episodes.csv",
        ["End_Date ", "LOCALITY", "Child_ID", " start_date", "Episode_ID", "worker_notes"],
        rows,
    )
    # Tiny file: a handful of strategy discussions, one team with a single discussion.
    rows = []
    for i in range(24):
        held = first + pd.Timedelta(days=int(i * days / 24), hours=9 + i % 10)
        team = TEAMS[0] if i == 5 else TEAMS[1 + i % 2]
        flags = ["Y", "Y" if i % 5 else "N", "y" if i % 3 else "no"]
        rows.append([f"SD{i:03d}", held.strftime("%d/%m/%Y %H:%M"), _quoted(team), str(1 + i % 3), *flags, "", ""])
    header = [
        "discussion_id",
        "held_at",
        "team",
        "children",
        "csc",
        "police",
        "health",
        "education",
        "non_compliance_reason",
    ]
    _csv(folder / "strategy_discussions.csv", header, rows)
    # Missing episodes, ISO dates with a T, headers in another order.
    rows = []
    for i in range(1_500):
        start = first + pd.Timedelta(days=int(rng.integers(0, days - 10)), hours=int(rng.integers(0, 24)))
        end = start + pd.Timedelta(hours=float(rng.gamma(1.5, 20.0)))
        rhi = end + pd.Timedelta(hours=float(rng.gamma(2.0, 30.0)))
        rows.append(
            [
                f"M{i:05d}",
                f"K{rng.integers(0, 600):04d}",
                "Y" if i % 3 == 0 else "N",
                start.strftime("%Y-%m-%dT%H:%M"),
                end.strftime("%Y-%m-%dT%H:%M") if end <= last else "",
                rhi.strftime("%Y-%m-%d %H:%M") if i % 2 and rhi <= last else "",
                "A" if i % 11 == 0 else "",
                "Y",
            ]
        )
    header = ["EPISODE_ID", "child_id", "Looked_After", "start", "end", "rhi_completed_at", "type", "rhi_offered"]
    _csv(folder / "missing_episodes.csv", header, rows)
    return folder


def second_council_edition(tmp: Path) -> Path:
    data = write_second_council(tmp / "exampleton-data")
    content = tmp / "exampleton-content"
    content.mkdir()
    (content / "edition.yml").write_text(
        yaml.safe_dump(
            {
                "themes": THEMES,
                "pages": {"caf_decline": {"question": "Are more families getting early help?"}},
                "published_lists": {"month": "2023-02", "source": "the February 2023 scrutiny report"},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    own = {"caf_open": "worried,", "strategy_compliant_pct": "working_well,80"}
    codes = [*load_catalogue().index, *RECORD_INDICATORS.index]
    rows = "".join(f"{code},{1 + i % THEME_COUNT},{own.get(code, ',')}\n" for i, code in enumerate(codes))
    (content / "indicators.csv").write_text("code,theme,published_list,target\n" + rows, encoding="utf-8")
    config = tmp / "exampleton.yml"
    config.write_text(
        f"local_authority: {COUNCIL}\nshort_name: Exampleton\ndata_dir: {data}\nedition_content: {content}\n"
        "report_month: 2023-02\nwindow: {start: 2022-11-01, end: 2023-02-28}\n"
        f"output_dir: {tmp / 'out' / 'exampleton'}\n",
        encoding="utf-8",
    )
    return config


def demo_edition(tmp: Path, name: str, **settings) -> Path:
    base = yaml.safe_load((REPO_ROOT / "config" / "default.yml").read_text(encoding="utf-8"))
    for key in ("edition_content", "notebooks", "series_start"):  # the default edition's own
        base.pop(key, None)
    base.update(settings, output_dir=str(tmp / "out" / name))
    path = tmp / f"{name}.yml"
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("editions")
    configs = [
        second_council_edition(tmp),
        demo_edition(
            tmp,
            "june-2016",
            report_month="2016-06",
            window={"start": "2016-03-01", "end": "2016-06-30"},
            extract_date="2016-06-30",
            edition_date="2016-06-30",
        ),
        demo_edition(
            tmp,
            "february-2018",
            report_month="2018-02",
            window={"start": "2017-11-01", "end": "2018-02-28"},
            extract_date="2018-02-28",
            edition_date="2018-02-28",
        ),
        demo_edition(  # published in March 2019: a later DfE vintage than the default edition
            tmp,
            "march-2019",
            report_month="2018-03",
            window={"start": "2017-12-01", "end": "2018-03-31"},
            extract_date="2018-03-31",
            edition_date="2019-03-15",
        ),
        demo_edition(
            tmp,
            "partial",
            report_month="2018-05",
            window={"start": "2018-01-01", "end": "2018-05-31"},
            extract_date="2018-03-31",
            edition_date="2018-06-20",
            allow_partial=True,
        ),
    ]
    env = dict(os.environ, IMPROVEMENT_REPORT_CACHE_DIR=str(tmp / "cache"))
    out = subprocess.run(
        [sys.executable, "-m", "improvement_report", "build", "--config", *map(str, configs)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return tmp / "out"


def page_texts(root: Path) -> dict[str, str]:
    """Each published page's visible text (tags and scripts removed)."""
    texts = {}
    for page in sorted((root / "html" / "book").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        main = html.split('id="main-content"', 1)[-1]
        texts[page.stem] = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    return texts


def test_second_council_builds_with_its_own_title_themes_and_lists_and_no_barnet_phrase(built):
    texts = page_texts(built / "exampleton")
    everything = " ".join(texts.values())
    leaks = sorted({p for p in BARNET_ONLY if p in everything})
    assert not leaks, leaks
    assert COUNCIL in texts["index"]
    assert "Theme 2: Équipe d" in texts["theme_2"] and "accueil: front door" in texts["theme_2"]  # quote may curl
    assert "Improvement theme 3" in texts["theme_3"]  # a theme the edition does not name: neutral
    # Three themes, three theme pages: none of the default edition's seven beyond them.
    assert sorted(p for p in texts if p.startswith("theme_")) == ["theme_1", "theme_2", "theme_3"]
    assert "Improvement themes 1 to 3" in texts["index"] and "This page is one of 3," in texts["theme_2"]
    assert "Where the rules and the published lists differ" in texts["summary"]
    assert (
        "Are more families getting early help?" in texts["caf_decline"]
        or "Are more families getting early help" in texts["caf_decline"]
    )
    assert "King" in everything and "Rivi" in everything and "quipe" in everything  # apostrophes, accents, ampersands


# Phrases no page of any edition may print: a count of one with a plural noun, a range from a
# month to itself, a signed percentage with "fewer" or "more", machinery (object reprs, warnings,
# local paths).
NEVER = {
    "a singular count with a plural noun": re.compile(
        r"(?<![.,\d])(?<![Tt]heme )\b1 (children|months|discussions|episodes|CAFs|teams|returns|indicators|themes)\b"
    ),
    "a range from a month to itself": re.compile(
        r"from ((?:January|February|March|April|May|June|July|August|September|October|November|December) "
        r"20\d\d) to \1\b"
    ),
    "a signed percentage with fewer or more": re.compile(r"[-+]\d+(\.\d+)?% (fewer|more)\b"),
    "an object repr": re.compile(r"object at 0x|<IPython|<Figure size"),
    "a warning": re.compile(r"\b\w*Warning\b|Traceback"),
    "a local path": re.compile(r"/tmp/|/work/|/home/|\.venv"),
}


def test_no_page_of_any_edition_prints_a_phrase_that_cannot_be_right(built):
    found = []
    for edition in sorted(p.name for p in built.iterdir()):
        for page, text in page_texts(built / edition).items():
            for what, rule in NEVER.items():
                hit = rule.search(text)
                if hit:
                    found.append(f"{edition}/{page}: {what}: ...{text[max(0, hit.start() - 60) : hit.end() + 20]}...")
    assert not found, "\n".join(found)


def test_the_methods_and_data_pages_are_the_editions_own(built):
    texts = page_texts(built / "exampleton")
    for page in ("methods", "data"):
        assert COUNCIL in texts[page], page
        assert "calibrat" not in texts[page] and "tuned" not in texts[page], page  # not synthetic
        assert "April 2019" in texts[page], page  # its extracts' coverage
    assert "Demo editions" not in texts["methods"]
    assert (
        f"this edition’s {THEME_COUNT} themes" in texts["methods"]
        or f"this edition's {THEME_COUNT} themes" in (texts["methods"])
    )
    assert "school_terms.csv" in texts["methods"] and "estimate" in texts["methods"]  # the shipped file's rows
    demo = page_texts(built / "february-2018")
    assert "Demo editions" in demo["methods"] and "tuned" in demo["data"]


def test_second_council_reads_every_row_of_its_large_and_tiny_files(built):
    data = (built / "exampleton" / "html" / "book" / "data.html").read_text(encoding="utf-8")
    assert re.search(r"early_help_episodes\.csv.*?26,?000", data, flags=re.S)
    assert "worker_notes" in data  # the extra column is listed as ignored


def _years_after(text: str, year: int) -> set[str]:
    return {y for y in re.findall(r"\b(20[0-9]{2})\b", text) if int(y) > year}


def test_june_2016_edition_says_nothing_from_after_its_period(built):
    texts = page_texts(built / "june-2016")
    # The data page describes the files themselves (their last dates, what the demo was tuned to),
    # and says which rows after the extract date were left out; every other page reports the period.
    del texts["data"]
    for page, text in texts.items():
        # When DfE's neighbour model in force then is not held, the page names the later one it
        # uses and says so: a stated substitution, not a fact from after the period.
        text = " ".join(
            s for s in re.split(r"(?<=[.:])\s", text) if "are not held" not in s and "neighbour groupings" not in s
        )
        assert not _years_after(text, 2016), (page, sorted(_years_after(text, 2016)))
    assert "June 2016" in texts["caf_decline"]


def test_february_2018_edition_uses_no_month_after_its_extract_date(built):
    texts = page_texts(built / "february-2018")
    for page, text in texts.items():
        # "year to March 2018" is DfE's name for a collection year, not a month of data.
        later = re.findall(
            r"(?<!year to )\b(March|April|May|June|July|August|September|October|November|December) 2018\b", text
        )
        assert not later, (page, later[:5])


def test_a_later_edition_compares_with_the_later_dfe_vintage(built):
    """Published 15 March 2019: children in need 2017-18 (verified 25 October 2018) and children
    looked after 2017-18 (day not verified: shown from 31 December 2018) are in; the workforce at
    September 2018 is not (day not verified: shown from 31 March 2019), nor the health checks of
    2017-18 (outcomes release, shown from 30 April 2019)."""
    later = page_texts(built / "march-2019")["comparisons"]
    default = page_texts(built / "june-2016")["comparisons"]
    assert "2017-18" in later and "30 September 2017" in later
    assert "30 September 2018" not in later and "2018-19" not in later
    health = re.search(r"Children in care with up-to-date health checks.{0,200}", later)
    assert health and "not published by this edition" in health[0]
    assert "2017-18" not in default and "30 September 2017" not in default  # the vintage moved


def test_partial_window_names_the_months_without_data_and_never_shows_them_as_numbers(built):
    root = built / "partial"
    texts = page_texts(root)
    assert "have no data" in texts["caf_decline"] and "not counted as zero" in texts["caf_decline"]
    assert "31 March 2018" in texts["strategy_discussions"]
    for csv in (root / "book" / "downloads").glob("*.csv"):
        body = csv.read_text(encoding="utf-8")
        assert "2018-04" not in body and "2018-05" not in body, csv.name
    # The theme pages, the summary and the landing page name the months without data, as the chapters do.
    for page in ("index", "summary", "theme_1", "theme_4"):
        assert "April 2018 to May 2018 have no data" in texts[page], page
    for page, text in texts.items():
        # A month without data appears only where a note names it, never beside a count.
        assert not re.search(r"\b(April|May) 2018\D{0,3}\d", text), page


def test_second_council_publishes_no_count_from_1_to_5(built):
    from improvement_report.render.small_number_scan import scan

    root = built / "exampleton"
    found, read = scan(root / "html" / "book", root / "book" / "downloads")
    assert read >= 4 and not found, [str(f) for f in found[:5]]
    strategy = page_texts(root)["strategy_discussions"]
    # By hand: the fixture's 24 discussions fall every 1460/24 days from 1 April 2019; only numbers
    # 22 and 23 (days 1338 and 1399: 29 November 2022 and 29 January 2023) are in the window.
    assert "1 to 5 strategy discussions were held" in strategy
    assert "100.0%" not in strategy and "50.0%" not in strategy
    monthly = pd.read_csv(root / "book" / "downloads" / "strategy_monthly.csv", dtype=str, keep_default_na=False)
    hidden = monthly[
        monthly.period.isin(["2022-11", "2023-01"]) & monthly.measure.isin(["Discussions", "Compliant (%)"])
    ]
    assert len(hidden) == 4 and (hidden.suppressed == "True").all() and (hidden.value == "").all()
