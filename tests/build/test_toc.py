"""The table of contents: every page in the book's order."""

from improvement_report.build import toc


def test_toc_pages_lists_root_chapters_then_sections(tmp_path, monkeypatch):
    path = tmp_path / "_toc.yml"
    path.write_text(
        "format: jb-book\nroot: book/index\nchapters:\n"
        "- file: book/summary\n- file: book/theme\n  sections:\n  - file: book/theme_1\n  - file: book/theme_2\n"
        "- file: book/methods\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(toc, "TOC_PATH", path)
    assert toc.toc_pages() == ["index", "summary", "theme", "methods", "theme_1", "theme_2"]
