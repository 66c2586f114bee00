"""No identifier from the input data appears in the built site, the downloads or the executed notebooks."""

import pytest
from browser_site import REPORT

from improvement_report.build.config import load_config
from improvement_report.chapters.data_page import load
from improvement_report.core.paths import BOOK_DIR, HTML_DIR
from improvement_report.render.disclosure import files_searched, find_identifiers, identifiers

pytestmark = pytest.mark.browser  # run by `make browser`, not by a plain `pytest tests`


def test_no_identifier_is_published():
    cfg = load_config("config/default.yml")
    ids = identifiers(load(cfg.data_dir))
    roots = [HTML_DIR, BOOK_DIR]
    found = find_identifiers(roots, ids)
    assert not found, {str(k): sorted(v)[:5] for k, v in found.items()}
    REPORT["identifiers"].append(
        f"identifiers searched: {len(ids):,} from {cfg.data_dir}, in {files_searched(roots):,} files: none found"
    )
