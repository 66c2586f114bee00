"""The default edition as an auditor reads it: every SPC result the built pages publish.

These checks read the executed edition in ``book/`` (its chart alt texts and downloads), which
the landing rebuilds from the code before the tests run, and compare it with the catalogue and
with itself across pages. The numbers they compare were computed once by the package; the
assertions are the issue's "Done when": no special-cause verdict on a series whose months share
data, limits within what the measure can take, reviews above target never a consistent failure,
and the same measure with the same limits wherever it appears.
"""

import json
import re

import pandas as pd
import pytest

from improvement_report.build.config import load_config
from improvement_report.core.paths import REPO_ROOT
from improvement_report.measures import indicators

BOOK = REPO_ROOT / "book"
DOWNLOADS = BOOK / "downloads"
SPECIAL = ("improvement", "concern", "neither")
LIMITS = ("centre line (mean)", "lower process limit", "upper process limit")
ALT = re.compile(
    r"(?P<what>[^.']+?) each month from \w+ \d{4} to \w+ \d{4}; mean (?P<mean>[\d,.]+)%?, process limits "
    r"(?P<low>[\d,.]+)%? to (?P<high>[\d,.]+)%? \(fixed on the (?P<n>\d+) points from (?P<start>\w+ \d{4}) to "
    r"(?P<end>\w+ \d{4})\)"
)


def _catalogue() -> pd.DataFrame:
    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("summary")
    return indicators.full_catalogue(
        targets=params["targets"],
        edition_content=params.get("edition_content"),
        indicator_overrides=params.get("indicator_overrides"),
    )


def _theme_downloads():
    return sorted(DOWNLOADS.glob("theme_*.csv"))


def _alt_limits(page: str) -> dict:
    """``{series name: (mean, low, high, points, start, end)}`` from a page's chart alt texts."""
    text = json.dumps(json.loads((BOOK / f"{page}.ipynb").read_text(encoding="utf-8")))
    found = {}
    for match in ALT.finditer(text.replace("\\n", " ")):
        name = re.sub(r"^(XmR|P) chart\. ", "", match["what"].strip())
        found[name] = tuple(match[k] for k in ("mean", "low", "high", "n", "start", "end"))
    return found


def test_every_theme_indicator_has_its_download():
    catalogue = _catalogue()
    codes = {p.stem.removeprefix("theme_") for p in _theme_downloads()}
    assert len(codes) >= 40
    assert codes <= set(catalogue.index)


@pytest.mark.parametrize("path", _theme_downloads(), ids=lambda p: p.stem)
def test_published_limits_respect_the_measure_and_the_aggregation(path):
    code = path.stem.removeprefix("theme_")
    info = _catalogue().loc[code]
    rows = pd.read_csv(path, na_values=["c"])  # c: a month not published (a count of 1 to 5), no limit to check
    aggregation = info["aggregation"]
    shares_months = aggregation in ("cumulative", "year_to_date") or aggregation.startswith("rolling_")
    if "variation (Making Data Count)" in rows.columns:
        latest = str(rows["variation (Making Data Count)"].iloc[-1])
        if shares_months:
            assert not latest.startswith(SPECIAL), f"{code}: special cause on a {aggregation} series"
    if shares_months and not (aggregation == "year_to_date" and "numerator" in rows.columns):
        # A run chart: no process limits at all.
        assert not set(LIMITS[1:]) & set(rows.columns), code
    present = [c for c in LIMITS if c in rows.columns]
    if not present:
        return
    limits = rows[present].dropna()
    assert (limits >= 0).all().all(), f"{code}: a limit below zero"
    if info["unit"] == "percent":
        assert (limits <= 100).all().all(), f"{code}: a percentage limit above 100"


def test_reviews_above_target_are_never_called_a_consistent_failure():
    # The download shows most months as c (1 to 5 children not participating), so the premise is
    # read from the extract: above the target in each of the edition's last five months.
    params = load_config(REPO_ROOT / "config" / "default.yml").parameters("summary")
    extract = pd.read_csv(REPO_ROOT / params["data_dir"] / "indicators.csv")
    rows = extract[(extract.indicator == "lac_review_participation_pct") & (extract.month <= params["report_month"])]
    target = _catalogue().loc["lac_review_participation_pct", "target"]
    assert target == 95 and (rows["value"].iloc[-5:] > target).all()  # above it for five months
    for page in ("theme_6", "summary"):
        text = json.dumps(json.loads((BOOK / f"{page}.ipynb").read_text(encoding="utf-8")))
        at = text.find("participating in their reviews")
        assert at >= 0, page
        passage = text[at : text.find("###", at) if page == "theme_6" else text.find("\\n", at)]
        assert "consistently fail" not in passage, page


@pytest.mark.parametrize(
    "chapter, chapter_name, theme, theme_name",
    [
        ("caf_decline", "Open CAFs at month end", "theme_4", "Early help (CAF) episodes open at month end"),
        (
            "missing_episodes",
            "Missing episodes from home",
            "theme_6",
            "Missing episodes from home starting in the month",
        ),
        (
            "missing_episodes",
            "Missing episodes from care",
            "theme_6",
            "Missing episodes from care starting in the month",
        ),
    ],
)
def test_a_measure_on_a_chapter_and_its_theme_page_has_the_same_limits(chapter, chapter_name, theme, theme_name):
    on_chapter, on_theme = _alt_limits(chapter), _alt_limits(theme)
    assert chapter_name in on_chapter and theme_name in on_theme, (list(on_chapter), list(on_theme))
    assert on_chapter[chapter_name] == on_theme[theme_name]


def test_strategy_compliance_has_the_same_limits_month_by_month_on_both_pages():
    long = pd.read_csv(DOWNLOADS / "strategy_monthly.csv")
    chapter = long.pivot(index="period", columns="measure_code", values="value")
    theme = pd.read_csv(DOWNLOADS / "theme_strategy_compliant_pct.csv").set_index("period")
    shared = chapter.index.intersection(theme.index)
    assert len(shared) >= 24
    for chapter_column, theme_column in (
        ("centre_line_pct", "centre line (mean)"),
        ("lower_limit_pct", "lower process limit"),
        ("upper_limit_pct", "upper process limit"),
    ):
        # The chapter's download shows one decimal place, the theme's two.
        mine = chapter.loc[shared, chapter_column].astype(float).to_numpy()
        assert mine == pytest.approx(theme.loc[shared, theme_column].to_numpy(), abs=0.051), chapter_column
