"""The runner fails cleanly: a notebook error names the notebook, cell and error; a hung kernel times out."""

import time

import nbformat
import pytest

from improvement_report import config, runner
from improvement_report.config import load_config
from improvement_report.runner import BuildError


@pytest.fixture
def cfg():
    """The default configuration, loaded before the templates folder is swapped."""
    return load_config("config/default.yml")


@pytest.fixture
def templates(cfg, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", folder)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)

    def write(name, *sources):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell("x = 1")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return write


def test_failing_cell_is_named(cfg, templates, tmp_path):
    templates("broken", "y = 2", "1 / 0")
    with pytest.raises(BuildError, match=r"notebook broken failed at cell \d+: ZeroDivisionError"):
        runner.execute_notebooks(cfg, tmp_path, notebooks=["broken"])


def test_hung_kernel_hits_the_timeout(cfg, templates, tmp_path):
    templates("hang", "import time\ntime.sleep(300)")
    cfg.timeout_seconds = 3
    started = time.perf_counter()
    with pytest.raises(BuildError, match="notebook hang did not finish"):
        runner.execute_notebooks(cfg, tmp_path, notebooks=["hang"])
    assert time.perf_counter() - started < 90
