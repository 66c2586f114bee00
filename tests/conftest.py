"""Tiny hand-made extracts for the tests: every file valid unless a test changes it.

Also a guard: the package and the tests write only to folders they are given (``tmp_path``), so
the session fails if anything new appears in the repository root or the working directory.
"""

import os
from pathlib import Path

import pytest

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


HEADERS = {
    "early_help_episodes.csv": "episode_id,child_id,start_date,end_date,locality",
    "strategy_discussions.csv": "discussion_id,held_at,team,children,csc,police,health,education,non_compliance_reason",
    "missing_episodes.csv": "episode_id,child_id,start,end,looked_after,type,rhi_offered,rhi_completed_at",
}


def write_folder(folder: Path, **rows) -> Path:
    """Write the three record-level files; keyword = file stem, value = list of CSV lines."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, header in HEADERS.items():
        lines = rows.get(name.removesuffix(".csv"), [])
        (folder / name).write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def make_folder(tmp_path):
    """Return a function that writes a data folder of tiny extracts and returns its path."""

    def make(name="data", **rows):
        return write_folder(tmp_path / name, **rows)

    return make
