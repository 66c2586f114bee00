"""Build a report: validate, execute every template with papermill, build the book, publish.

Everything happens in a staging copy of the book. Only when every notebook executed and
Jupyter Book built without a warning are the executed notebooks copied into ``book/`` and
the HTML moved to ``_build/html``; any failure leaves the previous edition as it was.
"""

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import yaml
from tqdm import tqdm

from . import display
from .catalogue import load_catalogue
from .config import ReportConfig, book_notebooks, page_template
from .loading import load_extracts
from .paths import BOOK_DIR, BUILD_DIR, HTML_DIR, NOTEBOOKS_DIR, REPO_ROOT
from .periods import month_name

log = logging.getLogger("improvement_report")

# Cell and notebook metadata that changes from run to run and says nothing about the report.
VOLATILE_CELL_KEYS = ("execution", "papermill")
HIDDEN_TAGS = {"parameters", "injected-parameters"}


class BuildError(Exception):
    """A build step failed; the message says which and why, in a line or two."""


def validate_data(cfg: ReportConfig):
    """Load every extract with full validation (raises ``DataContractError``)."""
    codes = set(load_catalogue().index)
    return load_extracts(cfg.data_path, indicator_codes=codes)


def strip_volatile(path: Path) -> None:
    """Remove timestamps, durations and kernel details so a rebuild leaves git clean.

    Parameter cells are also tagged ``remove-cell`` so they are hidden in the HTML.
    """
    nb = nbformat.read(path, as_version=4)
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
    nbformat.write(nb, path)


def _stage(staging: Path, cfg: ReportConfig) -> None:
    """Copy the hand-written pages and the book configuration into a fresh staging root."""
    if staging.exists():
        shutil.rmtree(staging)
    # Hand-written pages only: generated notebooks, charts and downloads come fresh from this run,
    # so nothing from an earlier period can linger in the new edition.
    shutil.copytree(BOOK_DIR, staging / "book", ignore=shutil.ignore_patterns(
        "*.ipynb", ".ipynb_checkpoints", display.FIGURES.name, display.DOWNLOADS.name))
    book_cfg = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    book_cfg["title"] = f"{cfg.local_authority}: children's services improvement report, {month_name(cfg.report_month)}"
    (staging / "_config.yml").write_text(yaml.safe_dump(book_cfg, sort_keys=False), encoding="utf-8")
    shutil.copy2(REPO_ROOT / "_toc.yml", staging / "_toc.yml")


def _execute_one(cfg: ReportConfig, name: str, target: Path, out_dir: Path) -> None:
    """Execute one page with papermill; start again once if the kernel dies before it starts.

    A kernel can die at start-up when another process takes its loopback port first; that says
    nothing about the notebook, so one retry is made. A failing cell or a timeout is not retried.
    """
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(NOTEBOOKS_DIR / f"{page_template(name)[0]}.ipynb"),  # theme_4 runs theme.ipynb
                str(target),
                parameters=cfg.parameters(name),
                kernel_name="python3",
                cwd=str(out_dir),
                progress_bar=False,
                execution_timeout=cfg.timeout_seconds,
                log_output=False,
                # The kernel talks to papermill over loopback; its transport warning is noise here.
                extra_arguments=["--Application.log_level=ERROR"],
            )
            return
        except RuntimeError as err:
            if attempt == 2 or "Kernel died before replying to kernel_info" not in str(err):
                raise
            log.warning("notebook %s: the kernel died while starting; starting it again", name)


def execute_notebooks(cfg: ReportConfig, out_dir: Path, notebooks=None) -> None:
    """Run each page's template with papermill into ``out_dir``, one progress step per page.

    A template that makes several pages (``theme.ipynb`` for ``theme_1`` ... ``theme_7``) is
    executed once per page, with the page's parameter from :func:`ReportConfig.parameters`.
    """
    notebooks = book_notebooks() if notebooks is None else notebooks
    logging.getLogger("papermill").setLevel(logging.WARNING)  # the bar and one line per notebook suffice
    # disable=None: a bar on a terminal, none in a CI log (the per-notebook lines still print)
    bar = tqdm(notebooks, desc="Executing notebooks", unit="notebook", file=sys.stderr, disable=None)
    for name in bar:
        bar.set_postfix_str(name)
        started = time.perf_counter()
        target = out_dir / f"{name}.ipynb"
        try:
            _execute_one(cfg, name, target, out_dir)
        except papermill.PapermillExecutionError as err:
            raise BuildError(
                f"notebook {name} failed at cell {err.exec_count}: {err.ename}: {err.evalue}"
            ) from None
        except Exception as err:  # timeouts and dead kernels arrive as other exceptions
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise BuildError(f"notebook {name} did not finish: {type(err).__name__}: {first}") from None
        strip_volatile(target)
        tqdm.write(f"  {name}: executed in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def build_html(root: Path) -> Path:
    """Run Jupyter Book strictly (a warning is a failure) and return the HTML folder."""
    # The console script beside this interpreter: jupyter_book has no runnable __main__ module.
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "-W", "-n", "--keep-going", "--quiet"]
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        problems = [line for line in (result.stdout + result.stderr).splitlines()
                    if "WARNING" in line or "ERROR" in line]
        detail = "\n".join(problems[:20]) or (result.stdout + result.stderr)[-2000:]
        raise BuildError(f"Jupyter Book build failed:\n{detail}")
    html = root / "_build" / "html"
    if not (html / "index.html").is_file():
        raise BuildError(f"Jupyter Book reported success but wrote no {html / 'index.html'}")
    log.info("book built in %.1f s", time.perf_counter() - started)
    return html


def publish(staging: Path, html: Path) -> Path:
    """Copy executed notebooks and their files into ``book/`` and swap in the new HTML."""
    for item in (staging / "book").iterdir():
        dest = BOOK_DIR / item.name
        if item.is_dir():
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(item, dest)
        else:
            shutil.copy2(item, dest)
    old = BUILD_DIR / "html.previous"
    if old.exists():
        shutil.rmtree(old)
    if HTML_DIR.exists():
        HTML_DIR.rename(old)
    shutil.move(str(html), str(HTML_DIR))
    if old.exists():
        shutil.rmtree(old)
    return HTML_DIR / "index.html"


def build(cfg: ReportConfig) -> Path:
    """Validate, execute, build and publish one report; return the path of ``index.html``.

    Raises
    ------
    DataContractError
        When an extract breaks the data contract; nothing is executed or published.
    BuildError
        When a notebook or the book build fails; nothing is published.
    """
    started = time.perf_counter()
    log.info("configuration %s: %s, month %s, window %s to %s, data %s", cfg.path.name,
             cfg.local_authority, cfg.report_month, cfg.window_start, cfg.window_end, cfg.data_dir)
    extracts = validate_data(cfg)
    log.info("data valid: %s", ", ".join(f"{f.file} ({f.rows} rows)" for f in extracts.files))
    staging = BUILD_DIR / f"staging-{os.getpid()}"  # builds running side by side never share a folder
    try:
        _stage(staging, cfg)
        execute_notebooks(cfg, staging / "book")
        index = publish(staging, build_html(staging))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("report built in %.0f s", time.perf_counter() - started)
    return index
