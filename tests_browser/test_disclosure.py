"""No identifier from the input data appears in the built site, the downloads or the executed notebooks."""

from improvement_report.config import load_config
from improvement_report.data_report import load
from improvement_report.disclosure import files_searched, find_identifiers, identifiers
from improvement_report.paths import BOOK_DIR, HTML_DIR

from conftest import REPORT


def test_no_identifier_is_published():
    cfg = load_config("config/default.yml")
    ids = identifiers(load(cfg.data_dir))
    roots = [HTML_DIR, BOOK_DIR]
    found = find_identifiers(roots, ids)
    assert not found, {str(k): sorted(v)[:5] for k, v in found.items()}
    REPORT["identifiers"].append(
        f"identifiers searched: {len(ids):,} from {cfg.data_dir}, in {files_searched(roots):,} files: none found")
