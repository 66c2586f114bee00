"""The landing page's headline figures download."""

import json

from improvement_report.chapters import landing
from improvement_report.render.output import PageOutput


def test_save_figures_writes_the_json_in_the_page_folder(tmp_path):
    figures = {"early_help": {"open_end": 614}, "missing": {"rhi_within_72h_pct": 41.2}}
    path = landing.save_figures(figures, PageOutput(tmp_path))
    assert path == tmp_path / "downloads" / "headline_figures.json"
    assert json.loads(path.read_text(encoding="utf-8")) == figures
    assert path.read_text(encoding="utf-8").endswith("}\n")
