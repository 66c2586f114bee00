"""Fixtures shared by the tests: tiny hand-made extracts (``make_folder``, written by ``extracts.py``),
and a guard: the package and the tests write only to folders they are given (``tmp_path``), so
the session fails if anything new appears in the repository root or the working directory.
"""

import os
from pathlib import Path

import pytest
from extracts import write_folder

from improvement_report.core.errors import LOG_DIR_VARIABLE
from improvement_report.core.paths import REPO_ROOT

# Caches that test tools keep in the working directory (git ignores them); not written by our code.
TOOL_CACHES = {".hypothesis", ".pytest_cache", "__pycache__"}


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - TOOL_CACHES


@pytest.fixture(scope="session", autouse=True)
def nothing_written_to_the_repository_root_or_working_directory(tmp_path_factory):
    """Fail the session when a test, or the package under test, leaves a new file or folder behind.

    Error logs go to a temporary folder (the command line's subprocesses inherit the variable).
    """
    folders = {REPO_ROOT.resolve(), Path(os.getcwd()).resolve()}
    before = {folder: _entries(folder) for folder in folders}
    mp = pytest.MonkeyPatch()
    mp.setenv(LOG_DIR_VARIABLE, str(tmp_path_factory.mktemp("logs")))
    yield
    mp.undo()
    new = {folder: sorted(_entries(folder) - names) for folder, names in before.items()}
    new = {folder: names for folder, names in new.items() if names}
    assert not new, f"written outside tmp_path: {new}"


@pytest.fixture
def make_folder(tmp_path):
    """Return a function that writes a data folder of tiny extracts and returns its path."""

    def make(name="data", **rows):
        return write_folder(tmp_path / name, **rows)

    return make
