"""Execute one page of the book with papermill, wherever the work runs.

:func:`execute_page` is the unit of work handed to a local process pool or to a Dask
worker. It reads only the template, the data folder and the package (the same paths on every
machine of a cluster) and returns everything it made as values, the executed notebook and the
charts and downloads, so nothing has to be written to a folder the caller can see.
"""

import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill

from improvement_report.core.paths import DOWNLOADS_DIRNAME, FIGURES_DIRNAME

log = logging.getLogger("improvement_report")

# Cell and notebook metadata that changes from run to run and says nothing about the report.
VOLATILE_CELL_KEYS = ("execution", "papermill")
HIDDEN_TAGS = {"parameters", "injected-parameters"}
# Folders a page writes into its own folder (see ``render.output.PageOutput``).
OUTPUT_FOLDERS = (FIGURES_DIRNAME, DOWNLOADS_DIRNAME)


@dataclass(frozen=True)
class PageTask:
    """One page to execute: which template, with which parameters, for which report."""

    page: str
    template: Path
    parameters: dict
    timeout_seconds: int


@dataclass
class PageResult:
    """What one execution gave: the notebook's JSON and the files it wrote, or an error line."""

    page: str
    notebook: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove timestamps, durations and kernel details so a rebuild leaves git clean.

    Parameter cells are also tagged ``remove-cell`` so they are hidden in the HTML.
    """
    nb.metadata.pop("papermill", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill gives it a random id on every run
        if HIDDEN_TAGS & set(tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
    return nb


def _papermill(task: PageTask, target: Path) -> None:
    """Run papermill once more if the kernel dies before it starts.

    A kernel can die at start-up when another process takes its loopback port first; that says
    nothing about the notebook, so one retry is made. A failing cell or a timeout is not retried.
    """
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(task.template),
                str(target),
                parameters=task.parameters,
                kernel_name="python3",
                progress_bar=False,
                execution_timeout=task.timeout_seconds,
                log_output=False,
                # The kernel starts in the scratch folder. Not papermill's ``cwd``: that changes this
                # whole process's folder, which pages running in threads beside it (Dask) would share.
                resources={"metadata": {"path": str(target.parent)}},
                # Transport warnings, and the interrupt that precedes every shutdown, are noise here;
                # a failing cell comes back in the notebook itself.
                extra_arguments=["--Application.log_level=CRITICAL"],
            )
            return
        except RuntimeError as err:
            if attempt == 2 or "Kernel died before replying to kernel_info" not in str(err):
                raise
            log.warning("notebook %s: the kernel died while starting; starting it again", task.page)


def execute_page(task: PageTask) -> PageResult:
    """Execute one page in a scratch folder and return the notebook and the files it wrote.

    Never raises for a problem in the notebook: a failing cell, a timeout or a dead kernel comes
    back as ``PageResult.error``, one line naming the page, so one page (or one report) failing
    does not stop the others running beside it.
    """
    logging.getLogger("papermill").setLevel(logging.WARNING)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"page-{task.page}-") as scratch:
        target = Path(scratch) / f"{task.page}.ipynb"
        try:
            _papermill(task, target)
        except papermill.PapermillExecutionError as err:
            return PageResult(
                task.page, error=f"notebook {task.page} failed at cell {err.exec_count}: {err.ename}: {err.evalue}"
            )
        except Exception as err:  # timeouts and dead kernels arrive as other exceptions
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return PageResult(task.page, error=f"notebook {task.page} did not finish: {type(err).__name__}: {first}")
        nb = strip_volatile(nbformat.read(target, as_version=4))
        files = {
            str(p.relative_to(scratch)): p.read_bytes()
            for folder in OUTPUT_FOLDERS
            for p in sorted((Path(scratch) / folder).rglob("*"))
            if p.is_file()
        }
    text = nbformat.writes(nb)
    text += "" if text.endswith("\n") else "\n"  # as nbformat.write leaves a file
    return PageResult(task.page, text, files, time.perf_counter() - started)
