"""Theme pages follow the edition: one page per theme, as many as it has (3, 7, 9)."""

import pytest

from improvement_report.build import toc
from improvement_report.build.config import load_config
from improvement_report.chapters import landing
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.edition_content import EditionContentError
from improvement_report.measures.indicators import RECORD_INDICATORS

CONFIG = (
    "local_authority: Test\ndata_dir: data/demo\nreport_month: 2017-11\n"
    "window: {start: 2017-09-01, end: 2017-12-31}\nedition_content: %s\n"
)


def _edition(tmp_path, names: dict, theme_of) -> "object":
    """An edition naming ``names`` and putting each indicator (shipped and record-level) in ``theme_of(i)``."""
    content = tmp_path / "content"
    content.mkdir()
    themes = "".join(f"  {n}: {title}\n" for n, title in names.items())
    (content / "edition.yml").write_text(f"themes:\n{themes}", encoding="utf-8")
    codes = [*load_catalogue().index, *RECORD_INDICATORS.index]
    rows = "".join(f"{code},{theme_of(i)}\n" for i, code in enumerate(codes))
    (content / "indicators.csv").write_text("code,theme\n" + rows, encoding="utf-8")
    path = tmp_path / "edition.yml"
    path.write_text(CONFIG % content, encoding="utf-8")
    return load_config(path)


def _themes(pages):
    return [p for p in pages if p.startswith("theme_")]


def test_the_default_edition_has_its_seven_theme_pages_where_toc_lists_them():
    pages = load_config("config/default.yml").pages()
    assert _themes(pages) == [f"theme_{n}" for n in range(1, 8)]
    assert pages.index("theme_1") == pages.index("missing_episodes") + 1 and pages[-1] == "data"


def test_an_edition_with_three_themes_has_three_theme_pages(tmp_path):
    cfg = _edition(tmp_path, {1: "One", 2: "Two", 3: "Three"}, lambda i: 1 + i % 3)
    assert _themes(cfg.pages()) == ["theme_1", "theme_2", "theme_3"]
    staged = cfg.toc()["chapters"]
    assert [c["file"] for c in staged if "theme" in c["file"]] == ["book/theme_1", "book/theme_2", "book/theme_3"]
    assert staged[-1] == {"file": "book/data"}  # the pages after the themes keep their place


def test_an_edition_with_nine_themes_has_nine_theme_pages(tmp_path):
    cfg = _edition(tmp_path, {n: f"Theme {n}" for n in range(1, 10)}, lambda i: 1 + i % 9)
    assert _themes(cfg.pages()) == [f"theme_{n}" for n in range(1, 10)]


def test_a_named_theme_without_indicators_and_an_unnamed_theme_with_them_both_get_a_page(tmp_path):
    # Every indicator in theme 2 or 5; the edition names 1 and 2. Theme 5's indicators are not
    # dropped (a neutral page), theme 1 has a page that says it has no indicators.
    cfg = _edition(tmp_path, {1: "One", 2: "Two"}, lambda i: 2 if i % 2 else 5)
    assert _themes(cfg.pages()) == ["theme_1", "theme_2", "theme_5"]


def test_a_theme_number_out_of_range_is_refused_in_one_line(tmp_path):
    cfg = _edition(tmp_path, {1: "One"}, lambda i: 100 if i == 0 else 1)
    with pytest.raises(EditionContentError, match="column theme, rows 2: must be a theme number, 1 to 99"):
        cfg.pages()


def test_edition_toc_replaces_the_theme_entries_where_the_first_stood(tmp_path):
    path = tmp_path / "_toc.yml"
    path.write_text(
        "format: jb-book\nroot: book/index\nchapters:\n- file: book/summary\n- file: book/theme_1\n"
        "- file: book/theme_2\n- file: book/methods\n",
        encoding="utf-8",
    )
    got = toc.edition_toc([2, 4, 9], path)
    assert toc.pages_of(got) == ["index", "summary", "theme_2", "theme_4", "theme_9", "methods"]


@pytest.mark.parametrize(
    "themes, words",
    [
        ([1, 2, 3, 4, 5, 6, 7], "Improvement themes 1 to 7"),
        ([1, 2, 4], "Improvement themes 1, 2 and 4"),
        ([3, 8], "Improvement themes 3 and 8"),
        ([5], "Improvement theme 5 <theme_5>"),
    ],
)
def test_landing_contents_names_the_editions_theme_pages(themes, words):
    text = landing.contents(themes, synthetic=False)
    assert words in text
    assert all(f"<theme_{n}>" in text for n in themes) and text.count("<theme_") == len(themes)
    assert "calibrated" not in text  # not a demo edition


def test_landing_contents_mentions_the_calibration_only_for_demo_data():
    assert "how the demo data were calibrated" in landing.contents([1], synthetic=True)
