"""Build reports: validate, execute the pages in parallel (or take them from the cache), build, publish.

Each report is assembled in a staging folder of its own beside its output (the same file
system). Only when every page executed, Jupyter Book built without a warning and no identifier
from the extracts is found in any output file are the report's ``book/`` and HTML replaced, both
together, by renames (:mod:`improvement_report.build.publish`); any failure, a full disk or a
kill leaves the previous edition as it was. One build publishes to an output at a time.
Pages of every report go to one pool of workers, one per core by default, or to an existing
Dask distributed cluster; a page whose template, parameters, input files and code are all
unchanged is taken from the execution cache (:mod:`improvement_report.cache`).
"""

import html
import logging
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import yaml
from tqdm import tqdm

from improvement_report.build import cache as page_cache
from improvement_report.build import page_check, periods_check
from improvement_report.build.config import ReportConfig, book_notebooks, page_template
from improvement_report.build.execution import PageResult, PageTask, execute_page
from improvement_report.build.pdf import PdfError, edition_pdf, pdf_name
from improvement_report.build.publish import Edition, PublishError, new_staging, output_lock, publish_pair, recover
from improvement_report.build.toc import pages_of
from improvement_report.build.workbook import edition_workbook, page_downloads, workbook_name
from improvement_report.core.errors import plain
from improvement_report.core.paths import (
    BOOK_DIR,
    BUILD_DIR,
    DOWNLOADS_DIRNAME,
    FIGURES_DIRNAME,
    HTML_DIR,
    NOTEBOOKS_DIR,
    REPO_ROOT,
    resolve,
)
from improvement_report.core.periods import month_name
from improvement_report.inputs import school_calendar
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.edition_content import EditionContentError
from improvement_report.inputs.loading import DataContractError, load_extracts
from improvement_report.render.disclosure import identifier_columns, scan_outputs
from improvement_report.render.escape import one_line
from improvement_report.render.small_number_scan import scan as scan_small_numbers

log = logging.getLogger("improvement_report")
REPORTS_DIR = BUILD_DIR / "reports"  # where each of several reports is published by default
# The execution cache; another folder can be named, e.g. for tests that must start cold.
CACHE_DIR = Path(os.environ.get("IMPROVEMENT_REPORT_CACHE_DIR") or BUILD_DIR / "cache")


class BuildError(Exception):
    """A build step failed; the message says which and why, in a line or two."""


DEFAULT_EDITION = Edition(BOOK_DIR, HTML_DIR)


def edition_for(cfg: ReportConfig, several: bool) -> Edition:
    """The configuration's ``output_dir``; else ``book/`` for a single report, or
    ``_build/reports/<config name>/`` when several are built at once."""
    if cfg.output_dir:
        root = resolve(cfg.output_dir).resolve()  # "..", links: compared and locked as the real folder
    elif several:
        root = REPORTS_DIR / cfg.path.stem
    else:
        return DEFAULT_EDITION
    return Edition(root / "book", root / "html")


@dataclass
class Report:
    """One report's progress through a build."""

    cfg: ReportConfig
    edition: Edition
    label: str
    staging: Path | None = None
    pending: dict = field(default_factory=dict)  # page -> (fingerprint, parameters, inputs)
    records: dict = field(default_factory=dict)
    page_keys: dict = field(default_factory=dict)
    notebooks: dict = field(default_factory=dict)  # page -> notebook text, for the edition check
    error: str | None = None
    bad_input: bool = False
    contract_error: DataContractError | None = None
    identifiers: dict = field(default_factory=dict)  # identifier -> "file, column" it came from
    pages: list = field(default_factory=list)  # the edition's executed pages, in the book's order
    index: Path | None = None
    unchanged: bool = False
    timings: dict = field(default_factory=lambda: {"pages": {}})

    def say(self, message: str) -> None:
        tqdm.write(f"{self.label}{message}", file=sys.stderr)

    def fail(self, message: str, bad_input: bool = False) -> None:
        if self.error is None:
            self.error, self.bad_input = message, bad_input


def validate_data(cfg: ReportConfig):
    """Load every extract with full validation (raises ``DataContractError``)."""
    codes = set(load_catalogue().index)
    return load_extracts(cfg.data_path, indicator_codes=codes)


def _stage(staging: Path, cfg: ReportConfig, toc: dict) -> None:
    """Copy the hand-written pages and the book configuration into a fresh staging root, with the
    edition's table of contents (``toc``: one theme page per theme of the edition)."""
    # Hand-written pages only: generated notebooks, charts and downloads come fresh from this run,
    # so nothing from an earlier period can linger in the new edition.
    shutil.copytree(
        BOOK_DIR,
        staging / "book",
        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", FIGURES_DIRNAME, DOWNLOADS_DIRNAME),
    )
    (staging / "_config.yml").write_text(_book_config(cfg), encoding="utf-8")
    (staging / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def _book_config(cfg: ReportConfig) -> str:
    book_cfg = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    # The themes put the title into HTML unescaped (the navbar) and escaped (the <title>): escaped
    # once here, it is inert in both and reads right where readers see it.
    title = f"{one_line(cfg.local_authority)}: children's services improvement report, {month_name(cfg.report_month)}"
    book_cfg["title"] = html.escape(title)
    # Every page links the edition's PDF and its workbook of every table.
    book_cfg["sphinx"]["config"]["report_pdf"] = pdf_name(cfg)
    book_cfg["sphinx"]["config"]["report_workbook"] = workbook_name(cfg)
    return yaml.safe_dump(book_cfg, sort_keys=False)


def _place(report: Report, result: PageResult) -> None:
    """Write an executed page and its files into the report's staging book."""
    book = report.staging / "book"
    (book / f"{result.page}.ipynb").write_text(result.notebook, encoding="utf-8")
    for name, data in result.files.items():
        target = book / name
        if target.exists() and target.read_bytes() != data:
            raise BuildError(f"pages write different files under the same name: {name} ({result.page})")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    report.notebooks[result.page] = result.notebook


def build_html(root: Path) -> Path:
    """Run Jupyter Book strictly (a warning is a failure) and return the HTML folder."""
    # The console script beside this interpreter: jupyter_book has no runnable __main__ module.
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(root),
        "-W",
        "-n",
        "--keep-going",
        "--quiet",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        problems = [
            line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line or "ERROR" in line
        ]
        detail = "\n".join(problems[:20]) or (result.stdout + result.stderr)[-2000:]
        raise BuildError(f"Jupyter Book build failed:\n{detail}")
    html = root / "_build" / "html"
    if not (html / "index.html").is_file():
        raise BuildError(f"Jupyter Book reported success but wrote no {html / 'index.html'}")
    return html


def publish(staging: Path, html: Path, edition: Edition = DEFAULT_EDITION) -> Path:
    """Publish the staged book and HTML together, all or nothing (:mod:`improvement_report.build.publish`)."""
    try:
        publish_pair(staging / "book", html, edition)
    except PublishError as err:
        raise BuildError(str(err)) from None
    return edition.html_dir / "index.html"


@contextmanager
def _pool(workers: int, scheduler: str | None):
    """Somewhere to execute pages: local processes, one per worker, or a Dask cluster's workers.

    Both give a ``concurrent.futures`` executor. Spawned processes start clean, with no state
    copied from this one; Dask workers need the package installed and the repository and data
    folders at the same paths as here.
    """
    if scheduler is None:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as executor:
            yield executor
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout="20s")
    except OSError as err:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    try:
        log.info(
            "executing on the Dask cluster at %s (%d workers)",
            scheduler,
            len(client.scheduler_info().get("workers", {})),
        )
        yield client.get_executor(pure=False)  # every execution is a new task, never deduplicated
    finally:
        client.close()


def _remove_old_style_staging() -> None:
    """Staging folders of builds before 0.2.0 (``_build/staging-<pid>-<name>``) whose build is gone."""
    for path in BUILD_DIR.glob("staging-*-*"):
        pid = path.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(path, ignore_errors=True)


class Builder:
    """Build several reports at once; see :func:`build_many`."""

    def __init__(self, reports: list[Report], workers: int, scheduler: str | None, use_cache: bool):
        self.reports, self.workers, self.scheduler, self.use_cache = reports, workers, scheduler, use_cache
        self.cache = page_cache.PageCache(CACHE_DIR)
        self.code = page_cache.code_fingerprint()
        self.futures: dict[Future, tuple[Report, str]] = {}

    def run(self) -> None:
        # One build per output at a time: the lock is held from validation to publishing, and a
        # publish a killed build left half-done is finished before anything else happens.
        with output_lock([r.edition for r in self.reports], say=lambda m: tqdm.write(m, file=sys.stderr)):
            for report in self.reports:
                for line in recover(report.edition):
                    report.say(line)
            _remove_old_style_staging()
            self._run()

    def _run(self) -> None:
        books = ThreadPoolExecutor(max_workers=self.workers)  # Jupyter Book runs in a subprocess
        book_jobs = []
        try:
            with _pool(self.workers, self.scheduler) as executor:
                for report in self.reports:
                    try:
                        self._prepare(report, executor)
                    except BuildError as err:
                        report.fail(str(err))
                    except OSError as err:  # a full disk while staging: this report stops, in one line
                        report.fail(f"could not stage the edition: {err}")
                    if report.error is None and not report.pending:
                        book_jobs.append(books.submit(self._finish, report))
                bar = tqdm(
                    total=len(self.futures),
                    desc="Executing notebooks",
                    unit="notebook",
                    file=sys.stderr,
                    disable=None if self.futures else True,
                )
                while self.futures:
                    done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
                    for future in done:
                        report, page = self.futures.pop(future)
                        self._collect(report, page, future)
                        bar.update()
                        if not report.pending and report.error is None:
                            book_jobs.append(books.submit(self._finish, report))
                bar.close()
            for job in book_jobs:
                job.result()
        finally:
            books.shutdown(wait=True)
            for report in self.reports:
                if report.staging is not None:
                    shutil.rmtree(report.staging, ignore_errors=True)

    def _prepare(self, report: Report, executor) -> None:
        """Validate the data, decide page by page what re-runs, and submit those pages."""
        cfg = report.cfg
        report.say(
            f"configuration {cfg.path.name}: {cfg.local_authority}, month {cfg.report_month}, "
            f"window {cfg.window_start} to {cfg.window_end}, data {cfg.data_dir}"
        )
        started = time.perf_counter()
        try:
            extracts = validate_data(cfg)
        except DataContractError as err:
            report.contract_error = err
            report.fail(
                "The data do not follow the data contract (data/README.md):\n"
                + "\n".join(f"  {p}" for p in err.problems),
                bad_input=True,
            )
            return
        report.timings["validation"] = time.perf_counter() - started
        try:
            terms = school_calendar.load_terms(None if cfg.school_terms is None else resolve(cfg.school_terms))
        except DataContractError as err:
            report.contract_error = err
            report.fail(
                "The school term dates do not follow their contract (data/reference/README.md):\n"
                + "\n".join(f"  {p}" for p in err.problems),
                bad_input=True,
            )
            return
        cfg.extract_date = periods_check.resolve_extract_date(cfg, extracts)
        covers = periods_check.coverages(extracts, cfg.extract_date)
        if cfg.series_start is None:  # whole-series charts start where the extracts start
            cfg.series_start = periods_check.first_month(covers, cfg.report_month)
        outside = periods_check.period_problems(cfg, cfg.extract_date, covers)
        outside += periods_check.term_problems(cfg, terms)
        if outside and not cfg.allow_partial:
            report.fail(periods_check.refusal(cfg, outside), bad_input=True)
            return
        report.say(
            f"extract date {cfg.extract_date}"
            + (f"; published with months that have no data left out ({'; '.join(outside)})" if outside else "")
        )
        report.say("data valid: " + ", ".join(f"{f.file} ({f.rows} rows)" for f in extracts.files))
        try:
            toc = cfg.toc()  # one theme page per theme of the edition
        except (EditionContentError, DataContractError) as err:
            report.fail(f"The edition's content does not follow its contract: {plain(str(err))}", bad_input=True)
            return
        report.pages = book_notebooks(pages_of(toc))
        report.identifiers = identifier_columns(extracts)
        inputs = self.cache.input_digests(cfg.data_path)
        report.records = self.cache.records(cfg.path)
        report.staging = new_staging(report.edition)  # unique to this build, beside the output
        _stage(report.staging, cfg, toc)
        to_run = []
        for page in report.pages:
            template = NOTEBOOKS_DIR / f"{page_template(page)[0]}.ipynb"  # theme_4 runs theme.ipynb
            params = cfg.parameters(page)
            fp = page_cache.fingerprint(template, params, inputs, self.code)
            report.page_keys[page] = fp.key
            last = report.records["pages"].get(page)
            try:
                stored = self.cache.load(fp.key, page) if self.use_cache else None
            except page_cache.CorruptEntry as err:
                report.say(f"  {page}: {err}")
                stored = None
            if stored is not None:
                report.say(f"  {page}: from the cache (template, parameters, inputs and code unchanged)")
                _place(report, stored)
                report.timings["pages"][page] = {"seconds": 0.0, "cached": True}
                continue
            why = "--no-cache" if not self.use_cache else page_cache.reason_to_execute(fp, params, inputs, last)
            report.say(f"  {page}: executing ({why})")
            report.pending[page] = (fp, params, inputs)
            to_run.append(
                (last["seconds"] if last else 0.0, page, PageTask(page, template, params, cfg.timeout_seconds))
            )
        for _, page, task in sorted(to_run, key=lambda item: -item[0]):  # longest first: less idle at the end
            self.futures[executor.submit(execute_page, task)] = (report, page)

    def _collect(self, report: Report, page: str, future: Future) -> None:
        fp, params, inputs = report.pending.pop(page)
        try:
            result = future.result()
        except Exception as err:  # the worker itself failed (a lost worker, a broken pool)
            result = PageResult(page, error=f"notebook {page} could not be run: {type(err).__name__}: {err}")
        if result.error:
            report.fail(result.error)
            report.say(f"  {page}: FAILED: {plain(result.error)[:300]}")
            return
        shown = page_check.page_problems(page, result.notebook)
        if shown:
            report.fail(
                f"page {page} shows more than report content: {shown[0]}"
                + (f" (and {len(shown) - 1} more)" if len(shown) > 1 else "")
            )
            report.say(f"  {page}: FAILED: " + "; ".join(shown[:5]))
            return
        report.say(f"  {page}: executed in {result.seconds:.1f} s")
        report.timings["pages"][page] = {"seconds": result.seconds, "cached": False}
        self.cache.store(fp.key, result)
        report.records["pages"][page] = page_cache.page_record(fp, params, inputs, result.seconds)
        if report.error is None:
            try:
                _place(report, result)
            except BuildError as err:
                report.fail(str(err))
            except OSError as err:  # a full disk while staging: this report stops, in one line
                report.fail(f"could not stage page {page}: {err}")

    def _edition_key(self, report: Report) -> str:
        hand_written = sorted(
            p
            for p in report.staging.joinpath("book").rglob("*")
            if p.is_file() and p.suffix != ".ipynb" and p.parts[-2] not in ("figures", "downloads")
        )
        parts = [report.page_keys[p] for p in sorted(report.page_keys)]
        parts += [str(report.edition.html_dir), _book_config(report.cfg), (report.staging / "_toc.yml").read_text()]
        parts += [f"{p.relative_to(report.staging)}:{page_cache.digest(p.read_bytes())}" for p in hand_written]
        return page_cache.digest(*parts)

    def _published_is_current(self, report: Report, key: str) -> bool:
        if report.records.get("edition", {}).get("key") != key:
            return False
        if not (report.edition.html_dir / "index.html").is_file():
            return False
        for page, text in report.notebooks.items():
            published = report.edition.book_dir / f"{page}.ipynb"
            if not published.is_file() or published.read_text(encoding="utf-8") != text:
                return False
        return True

    def _finish(self, report: Report) -> None:
        """Build the report's book and publish it, unless the published edition is already this one."""
        try:
            key = self._edition_key(report)
            if self.use_cache and self._published_is_current(report, key):  # --no-cache rebuilds the book too
                report.unchanged, report.index = True, report.edition.html_dir / "index.html"
                report.say("book: nothing changed since the published edition, which is kept as it is")
            else:
                started = time.perf_counter()
                html = build_html(report.staging)
                report.timings["book"] = time.perf_counter() - started
                report.say(f"book built in {report.timings['book']:.1f} s")
                started = time.perf_counter()
                try:  # made inside the staged HTML, so they are published with it or not at all
                    pdf = edition_pdf(html, report.cfg)
                    tables = edition_workbook(page_downloads(report.staging / "book", report.pages), html, report.cfg)
                except PdfError as err:
                    raise BuildError(str(err)) from None
                report.timings["pdf"] = time.perf_counter() - started
                report.say(f"PDF and workbook made in {report.timings['pdf']:.1f} s: {pdf.name}, {tables.name}")
                started = time.perf_counter()
                # Every output file is searched for every identifier in the extracts; a hit stops the publish.
                hits, searched = scan_outputs([report.staging / "book", html], report.identifiers)
                report.timings["identifier_scan"] = time.perf_counter() - started
                if hits:
                    where, column = hits[0]
                    more = f" (and {len(hits) - 1} more file{'s' if len(hits) > 2 else ''})" if len(hits) > 1 else ""
                    raise BuildError(
                        f"identifier scan: {where.relative_to(report.staging)} holds a value of {column}{more}; "
                        "nothing was published"
                    )
                report.say(f"identifier scan: {searched} output files, no identifier from the extracts")
                if report.cfg.suppress_small_numbers:
                    # The pages from children's records and their downloads, read back for a count of
                    # 1 to 5 (or a share from one) that bypassed render.suppression; a hit stops the publish.
                    found, read = scan_small_numbers(html / "book", report.staging / "book" / "downloads")
                    if found:
                        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                        raise BuildError(f"small-number scan: {found[0]}{more}; nothing was published")
                    report.say(f"small-number scan: {read} pages and downloads, no count from 1 to 5")
                report.index = publish(report.staging, html, report.edition)
                report.records["edition"] = {"key": key, "html": str(report.edition.html_dir)}
        except BuildError as err:
            report.fail(str(err))
        except Exception as err:  # publishing can meet a full disk or a locked file: say so in a line
            report.fail(f"{type(err).__name__}: {err}")
        finally:
            self.cache.save_records(report.cfg.path, report.records)


def build_many(
    configs: list[ReportConfig], workers: int | None = None, scheduler: str | None = None, use_cache: bool = True
) -> list[Report]:
    """Build several reports at once; one failing does not stop or touch the others.

    Parameters
    ----------
    configs : list of ReportConfig
        One per report; each is published where :func:`edition_for` says.
    workers : int, optional
        Pages executed at once on this machine (default: one per core).
    scheduler : str, optional
        Address of a Dask distributed scheduler, e.g. ``tcp://10.0.0.5:8786``: the pages are
        executed as tasks on its workers instead of on this machine.
    use_cache : bool
        Take unchanged pages from the execution cache (default); False executes every page.

    Returns
    -------
    list of Report
        In the order given: ``index`` is the published ``index.html``, or ``error`` says what failed.
    """
    several = len(configs) > 1
    reports = [Report(cfg, edition_for(cfg, several), f"[{cfg.path.stem}] " if several else "") for cfg in configs]
    seen: dict[Path, Path] = {}
    for report in reports:
        for folder in (report.edition.book_dir, report.edition.html_dir):
            if folder in seen:
                raise BuildError(
                    f"{report.cfg.path.name} and {seen[folder].name} would both publish to {folder}: "
                    "give each configuration its own output_dir"
                )
            seen[folder] = report.cfg.path
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    Builder(reports, workers, scheduler, use_cache).run()
    for report in reports:
        report.timings["total"] = time.perf_counter() - started
    log.info("built in %.0f s", time.perf_counter() - started)
    return reports


def build(cfg: ReportConfig, workers: int | None = None, scheduler: str | None = None, use_cache: bool = True) -> Path:
    """Validate, execute, build and publish one report; return the path of ``index.html``.

    Raises
    ------
    DataContractError
        When an extract breaks the data contract; nothing is executed or published.
    BuildError
        When a notebook or the book build fails; nothing is published.
    """
    (report,) = build_many([cfg], workers, scheduler, use_cache)
    if report.contract_error is not None:
        raise report.contract_error
    if report.error:
        raise BuildError(report.error)
    return report.index
