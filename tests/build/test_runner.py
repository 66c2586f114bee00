"""The runner fails cleanly: a notebook error names the notebook, cell and error; a hung kernel times out."""

import re
import time

import nbformat
import pytest

from improvement_report.build import config
from improvement_report.build.config import load_config
from improvement_report.build.execution import PageTask, execute_page


@pytest.fixture
def cfg():
    """The default configuration, loaded before the templates folder is swapped."""
    return load_config("config/default.yml")


@pytest.fixture
def templates(cfg, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)

    def write(name, *sources):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell("x = 1")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
        nbformat.write(nb, folder / f"{name}.ipynb")
        return folder / f"{name}.ipynb"

    return write


def test_failing_cell_is_named(cfg, templates):
    result = execute_page(PageTask("broken", templates("broken", "y = 2", "1 / 0"), {}, 60))
    assert re.fullmatch(r"notebook broken failed at cell \d+: ZeroDivisionError: division by zero", result.error)


def test_page_returns_the_files_it_wrote(cfg, templates):
    made = templates(
        "writes", "from pathlib import Path\nPath('figures').mkdir()\nPath('figures/a.png').write_bytes(b'png')"
    )
    result = execute_page(PageTask("writes", made, {"x": 2}, 60))
    assert result.error is None and result.files == {"figures/a.png": b"png"}
    assert "x = 2" in result.notebook and '"injected-parameters"' in result.notebook


def test_hung_kernel_hits_the_timeout(cfg, templates):
    made = templates("hang", "import time\ntime.sleep(300)")
    started = time.perf_counter()
    result = execute_page(PageTask("hang", made, {}, 3))
    assert result.error.startswith("notebook hang did not finish")
    assert time.perf_counter() - started < 90
