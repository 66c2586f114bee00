"""The book's table of contents, ``_toc.yml``: the one place a page is registered.

The repository's ``_toc.yml`` lists the default edition's pages. The theme pages follow the
edition: :func:`edition_toc` puts one ``book/theme_<N>`` entry per theme of the edition where the
repository's theme entries stand, so an edition with three themes has three theme pages and one
with nine has nine.
"""

import re
from pathlib import Path

import yaml

from improvement_report.core.paths import REPO_ROOT

TOC_PATH = REPO_ROOT / "_toc.yml"
THEME_PAGE = re.compile(r"book/theme_[0-9]+")


def toc_pages(path: Path | None = None) -> list[str]:
    """Every page of the book in its order, named without ``book/``: the root, then each chapter
    followed by its sections as the table of contents at ``path`` lists them."""
    return pages_of(yaml.safe_load(Path(path or TOC_PATH).read_text(encoding="utf-8")))


def pages_of(toc: dict) -> list[str]:
    """The pages of a table of contents read from YAML (see :func:`toc_pages`)."""
    files = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    files += [s["file"] for c in toc.get("chapters", []) for s in c.get("sections", [])]
    return [f.removeprefix("book/") for f in files]


def edition_toc(themes: list[int], path: Path | None = None) -> dict:
    """The table of contents of an edition whose improvement themes are ``themes``.

    The theme entries of the table at ``path`` are replaced, where the first of them stood, by one
    entry per theme, in the order given; every other entry is kept as it is.
    """
    toc = yaml.safe_load(Path(path or TOC_PATH).read_text(encoding="utf-8"))
    chapters, placed = [], False
    for chapter in toc.get("chapters", []):
        if THEME_PAGE.fullmatch(chapter.get("file", "")):
            if not placed:
                chapters += [{"file": f"book/theme_{n}"} for n in themes]
                placed = True
            continue
        chapters.append(chapter)
    toc["chapters"] = chapters
    return toc
