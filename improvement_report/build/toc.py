"""The book's table of contents, ``_toc.yml``: the one place a page is registered."""

import yaml

from improvement_report.core.paths import REPO_ROOT

TOC_PATH = REPO_ROOT / "_toc.yml"


def toc_pages() -> list[str]:
    """Every page of the book in its order, named without ``book/``: the root, then each chapter
    followed by its sections as ``_toc.yml`` lists them."""
    toc = yaml.safe_load(TOC_PATH.read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    files += [s["file"] for c in toc.get("chapters", []) for s in c.get("sections", [])]
    return [f.removeprefix("book/") for f in files]
