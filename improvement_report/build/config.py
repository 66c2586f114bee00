"""The report configuration: one YAML file holds everything a period needs.

It is validated before anything runs; every notebook gets the same parameters from it,
merged with the notebook's own section under ``notebooks:``.
"""

import copy
import difflib
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from improvement_report.build.toc import edition_toc, pages_of, toc_pages
from improvement_report.core.paths import CONFIG_DIR, DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT, resolve
from improvement_report.core.periods import ReportDates, report_dates
from improvement_report.measures.indicators import edition_theme_numbers
from improvement_report.measures.strategy_discussions import DEFAULT_REASON_CATEGORIES


def page_template(page: str) -> tuple[str, dict] | None:
    """The template a page of the book is executed from, and the parameters that pick the page.

    ``book/<name>`` is executed from ``notebooks/<name>.ipynb`` when that template exists.
    Otherwise a page named ``<template>_<N>`` is one run of ``notebooks/<template>.ipynb``
    with the parameter ``<template> = N``: ``book/theme_4`` is ``theme.ipynb`` with
    ``theme=4``. One template can so give several pages, each listed in ``_toc.yml``.

    Parameters
    ----------
    page : str
        The page's name, without ``book/``.

    Returns
    -------
    tuple of (str, dict) or None
        The template's name and its page parameters, or None when no template makes the page
        (a hand-written page).
    """
    if (NOTEBOOKS_DIR / f"{page}.ipynb").is_file():
        return page, {}
    repeated = re.fullmatch(r"([a-z][a-z0-9_]*)_([0-9]+)", page)
    if repeated and (NOTEBOOKS_DIR / f"{repeated[1]}.ipynb").is_file():
        return repeated[1], {repeated[1]: int(repeated[2])}
    return None


def book_notebooks(pages: list[str] | None = None) -> list[str]:
    """Names of the executed pages, in the book's order: the ``book/<name>`` entries of ``_toc.yml``
    (or of ``pages``, an edition's table of contents) that have a template (see
    :func:`page_template`). The table of contents is the one place a chapter is registered."""
    return [n for n in (toc_pages() if pages is None else pages) if page_template(n) is not None]


@functools.cache
def declared_parameters(template: str) -> frozenset[str]:
    """The names a template's ``parameters`` cell assigns (``name = value`` lines)."""
    path = NOTEBOOKS_DIR / f"{template}.ipynb"
    if not path.is_file():
        return frozenset()
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    source = "".join(
        "".join(c.get("source", "")) for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])
    )
    return frozenset(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=", source, flags=re.MULTILINE))


class _DatesAsText(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so impossible dates get our own clear message."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ConfigError(Exception):
    """A configuration problem, described in one line."""


# ---------------------------------------------------------------------------------------------
# The schema: one declarative table of every setting, its kind and whether it is required.
# Whoever adds a setting adds a line here (SETTINGS for the top level, NOTEBOOK_SETTINGS for a
# section under ``notebooks:``); validation, defaults and the "did you mean" hints follow from it.
# Kinds: text (non-empty when required; no control characters), path (text naming a file or
# folder), int, positive_int, number, bool, date (YYYY-MM-DD), month (YYYY-MM), mapping (any
# mapping), list_of_text, targets (name -> number or null), months_by_name (name -> YYYY-MM),
# date_or_empty, section (a mapping checked against ``keys``) and notebooks (see below).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One configuration setting: its kind, whether it must be given, its default and, for a
    section, the settings inside it."""

    kind: str
    required: bool = False
    default: object = None
    keys: dict | None = None
    nullable: bool = True  # an explicit null means "use the default" (unless required)
    published: bool = False  # text shown on the pages: no run of six or more digits (an identifier?)


SETTINGS: dict[str, Setting] = {
    "local_authority": Setting("text", required=True, published=True),
    "data_dir": Setting("path", required=True),
    "report_month": Setting("month", required=True),
    "window": Setting(
        "section",
        required=True,
        keys={"start": Setting("date", required=True), "end": Setting("date", required=True)},
    ),
    # First month of whole-series charts; by default the first month the extracts cover.
    "series_start": Setting("month"),
    "synthetic_data": Setting("bool", default=False),
    "output_dir": Setting("path"),
    "execution": Setting("section", keys={"timeout_seconds": Setting("positive_int", default=600)}),
    "disclosure": Setting("section", keys={"suppress_small_numbers": Setting("bool", default=True)}),
    "targets": Setting("targets", default={}),
    "notebooks": Setting("notebooks", default={}),
    # Shared keys of the 0.2.0 editions (HELPERS.md); accepted and typed here, used by their issues.
    "short_name": Setting("text", published=True),
    "dfe_la_code": Setting("positive_int"),
    "neighbour_model": Setting("text", default="nearest"),
    "edition_date": Setting("date"),
    "dfe_later_context": Setting("bool", default=False),
    "contact": Setting("text"),
    "extract_date": Setting("date"),
    "allow_partial": Setting("bool", default=False),
    "school_terms": Setting("path"),
    "edition_content": Setting("path"),
    "indicators": Setting("mapping", default={}),
    # Non-compliance reasons are published only as counts of these categories; a recorded reason
    # that is none of them is counted as "other reason recorded" (issue 13).
    "reason_categories": Setting("list_of_text", default=list(DEFAULT_REASON_CATEGORIES), published=True),
}

# A section under ``notebooks:`` (for one page, or for every page of a template) may set these.
NOTEBOOK_SETTINGS: dict[str, Setting] = {
    "baseline_start": Setting("month"),
    "baseline_end": Setting("month"),
    "rebase": Setting("months_by_name"),
    "published_lists_month": Setting("month"),
    "comparison_start": Setting("date_or_empty"),
    "comparison_end": Setting("date_or_empty"),
    "comparison_label": Setting("text", published=True),
    "school_terms": Setting("path"),
    "suppress_small_numbers": Setting("bool"),
    "targets": Setting("targets"),
    "synthetic_data": Setting("bool"),
    "series_start": Setting("month"),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _shown(value) -> str:
    """A value as it is quoted in an error line: short, one line, no control characters."""
    text = repr(value)
    text = _CONTROL.sub("?", text)
    return text if len(text) <= 60 else text[:57] + "..."


def _nearest(key: str, valid) -> str:
    """The valid key nearest to a misspelt one."""
    close = difflib.get_close_matches(str(key), sorted(valid), n=1, cutoff=0.0)
    return close[0] if close else sorted(valid)[0]


def _check_text(value, where: str, required: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"{where} must be text, not {_shown(value)}")
    text = str(value)
    if _CONTROL.search(text):
        raise ConfigError(f"{where} contains a control character (line break, NUL or similar)")
    if required and not text.strip():
        raise ConfigError(f"{where} must not be empty")
    return text


def _check_month(value, where: str) -> str:
    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise ConfigError(f"{where} must be a month written YYYY-MM, not {_shown(value)}")
    return text


def _check_date(value, where: str) -> str:
    text = str(value)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        pd.Timestamp(text)
    except ValueError:
        raise ConfigError(f"{where} must be a date written YYYY-MM-DD, not {_shown(value)}") from None
    return text


def _check_mapping(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping of settings (key: value lines), not {_shown(value)}")
    for key in value:
        if not isinstance(key, str):
            raise ConfigError(f"{where} has a key that is not text: {_shown(key)}")
    return value


def _check_value(setting: Setting, value, where: str):
    """Check one value against its setting; return it in the form the report uses."""
    kind = setting.kind
    if setting.published:
        texts = value if isinstance(value, list) else [value]
        if any(re.search(r"[0-9]{6,}", str(t)) for t in texts):
            raise ConfigError(f"{where} is shown on the pages, so it may not hold a run of six or more digits")
    if kind in ("text", "path"):
        return _check_text(value, where, required=True)
    if kind in ("int", "positive_int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {_shown(value)}")
        if kind == "positive_int" and value <= 0:
            raise ConfigError(f"{where} must be more than 0, not {value}")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, not {_shown(value)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {_shown(value)}")
        return value
    if kind == "date":
        return _check_date(value, where)
    if kind == "date_or_empty":
        return "" if value == "" else _check_date(value, where)
    if kind == "month":
        return _check_month(value, where)
    if kind == "mapping":
        return dict(_check_mapping(value, where))
    if kind == "list_of_text":
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list of text, not {_shown(value)}")
        return [_check_text(item, f"{where}[{i}]", required=True) for i, item in enumerate(value)]
    if kind == "targets":
        for code, target in _check_mapping(value, where).items():
            if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))):
                raise ConfigError(f"{where}.{code} must be a number, not {_shown(target)}")
        return dict(value)
    if kind == "months_by_name":
        return {code: _check_month(month, f"{where}.{code}") for code, month in _check_mapping(value, where).items()}
    if kind == "section":
        return _check_section(setting.keys, value, where)
    if kind == "notebooks":
        return _check_notebooks(value, where)
    raise ValueError(f"unknown kind of setting {kind!r} for {where}")  # a mistake in the schema itself


def _check_section(schema: dict[str, Setting], raw, where: str) -> dict:
    """Check a mapping against a schema table: unknown keys, required keys, each value's kind."""
    raw = _check_mapping(raw, where)
    prefix = f"{where}." if where else ""
    for key in raw:
        if key not in schema:
            raise ConfigError(f"unknown setting {prefix}{key} (did you mean {prefix}{_nearest(key, schema)}?)")
    checked = {}
    for key, setting in schema.items():
        value = raw.get(key)
        if value is None:
            if setting.required:
                raise ConfigError(f"missing setting {prefix}{key}")
            if setting.kind == "section":  # an absent section is an empty one: its settings take defaults
                checked[key] = _check_section(setting.keys, {}, f"{prefix}{key}")
            else:
                checked[key] = copy.deepcopy(setting.default)
            continue
        checked[key] = _check_value(setting, value, f"{prefix}{key}")
    return checked


def _check_notebooks(raw, where: str) -> dict:
    """The ``notebooks:`` sections: each names a page or a template, and sets known parameters."""
    raw = _check_mapping(raw, where)
    pages = book_notebooks()
    names = set(pages) | {page_template(p)[0] for p in pages}
    sections = {}
    for name, section in raw.items():
        if name not in names and page_template(name) is None:  # theme_9: a page of an edition with nine themes
            raise ConfigError(f"{where} names an unknown notebook: {name} (did you mean {_nearest(name, names)}?)")
        given = _check_mapping(section or {}, f"{where}.{name}")
        checked = _check_section(NOTEBOOK_SETTINGS, given, f"{where}.{name}")
        sections[name] = {key: checked[key] for key in given if given[key] is not None or key in NOTEBOOK_NULLABLE}
    return sections


# Settings whose null is meaningful in a notebook section ("the first month", "the latest month").
NOTEBOOK_NULLABLE = {"baseline_start", "baseline_end"}


@dataclass
class ReportConfig:
    """A validated report configuration."""

    path: Path
    local_authority: str
    data_dir: str
    report_month: str
    window_start: str
    window_end: str
    series_start: str | None  # None until the build resolves it from the extracts' coverage
    synthetic_data: bool
    timeout_seconds: int
    suppress_small_numbers: bool = True
    targets: dict = field(default_factory=dict)
    notebooks: dict = field(default_factory=dict)
    output_dir: str | None = None
    # Every other setting of SETTINGS, validated, with its default where it was not given.
    settings: dict = field(default_factory=dict)
    # The edition's extract date; None until the build resolves it (default: the latest date in the data).
    extract_date: str | None = None

    @property
    def dates(self) -> ReportDates:
        """The report month, window and series start as Period and Timestamp values (validated text kept
        above for the pages' parameters)."""
        return report_dates(self.report_month, self.window_start, self.window_end, self.series_start)

    @property
    def short_name(self) -> str:
        """The council's name in titles and sentences (``short_name``, else ``local_authority``)."""
        return self.settings.get("short_name") or self.local_authority

    @property
    def allow_partial(self) -> bool:
        """Publish periods partly outside the data, saying which months have none (else refused)."""
        return bool(self.settings.get("allow_partial"))

    @property
    def school_terms(self) -> str | None:
        """The edition's school term dates file (None: the shipped one)."""
        return self.settings.get("school_terms")

    @property
    def edition_content(self) -> str | None:
        """The edition's folder of local narrative (None: neutral wording only)."""
        return self.settings.get("edition_content")

    @property
    def indicator_overrides(self) -> dict:
        """Per-indicator target and comparator overrides (``indicators``)."""
        return dict(self.settings.get("indicators") or {})

    def toc(self) -> dict:
        """The edition's table of contents: ``_toc.yml`` with one theme page per theme of the edition.

        Raises
        ------
        improvement_report.inputs.edition_content.EditionContentError
            When the edition's content folder breaks its contract.
        """
        return edition_toc(edition_theme_numbers(self.targets, self.edition_content, self.indicator_overrides))

    def pages(self) -> list[str]:
        """The edition's executed pages, in the book's order (see :meth:`toc`)."""
        return book_notebooks(pages_of(self.toc()))

    def page_settings(self) -> dict:
        """The settings beyond the shared parameters that a template may declare and receive."""
        # Whether the edition set its extract date (the pages are given the date either way).
        return {
            **self.settings,
            "reason_categories": self.reason_categories,
            "extract_date_set": self.settings.get("extract_date") is not None,
        }

    @property
    def reason_categories(self) -> list[str]:
        """The categories non-compliance reasons are counted in (the rest: "other reason recorded")."""
        return list(self.settings.get("reason_categories") or DEFAULT_REASON_CATEGORIES)

    # DfE comparators (data/published): whose, which neighbours, of which vintage (issue 17).
    @property
    def dfe_la_code(self) -> int | None:
        """DfE's three-digit code for the council, or None (then no DfE comparators are shown)."""
        return self.settings.get("dfe_la_code")

    @property
    def neighbour_model(self) -> str:
        """``nearest`` (the model in force nearest the edition's date) or a model's name."""
        return self.settings.get("neighbour_model") or "nearest"

    @property
    def edition_date(self) -> str:
        """The date the edition is published (YYYY-MM-DD): DfE figures published later are not shown."""
        return self.settings.get("edition_date") or default_edition_date(self.report_month)

    @property
    def dfe_later_context(self) -> bool:
        """Whether to chart DfE years published after the edition's date, labelled as later context."""
        return bool(self.settings.get("dfe_later_context"))

    @property
    def data_path(self) -> Path:
        """The data folder as an absolute path."""
        return resolve(self.data_dir)

    def parameters(self, notebook: str) -> dict:
        """Papermill parameters for one notebook: the shared values and its own section.

        The configuration's file name is not among them: two configurations with the same content
        give the same parameters, so they share the execution cache's entries.
        """
        params = {
            "local_authority": self.local_authority,
            "data_dir": self.data_dir,
            "report_month": self.report_month,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "series_start": self.series_start,
            "synthetic_data": self.synthetic_data,
            "targets": dict(self.targets),
            "suppress_small_numbers": self.suppress_small_numbers,
            "short_name": self.short_name,
            "extract_date": self.extract_date,
            "allow_partial": self.allow_partial,
            "school_terms": self.school_terms,
            "edition_content": self.edition_content,
            "indicator_overrides": self.indicator_overrides,
            "dfe_la_code": self.dfe_la_code,
            "neighbour_model": self.neighbour_model,
            "edition_date": self.edition_date,
            "dfe_later_context": self.dfe_later_context,
        }
        template, page_params = page_template(notebook) or (notebook, {})
        # Settings of the 0.2.0 editions reach only the templates that declare them as parameters.
        declared = declared_parameters(template)
        params.update({k: v for k, v in self.page_settings().items() if k in declared and k not in params})
        if declared:
            # Papermill warns on every parameter a template does not declare; those would only
            # reach the build log as noise, so a page gets the shared settings it asks for.
            params = {k: v for k, v in params.items() if k in declared}
        # A template's section applies to every page made from it; a page's own section wins.
        if template != notebook:
            params.update(self.notebooks.get(template) or {})
        params.update(self.notebooks.get(notebook) or {})
        params.update(page_params)
        return params


def default_edition_date(report_month: str) -> str:
    """The last day of the month after the report month: when a monthly report is published."""
    return str((pd.Period(report_month, "M") + 1).end_time.date())


def _forbidden_output(output: Path, data_path: Path | None = None) -> str | None:
    """Why ``output`` may not be an output folder, or None: publishing replaces its ``book`` and
    ``html`` folders and keeps its staging there."""
    repo = REPO_ROOT.resolve()
    data = DATA_DIR.resolve()
    if data_path is not None and (
        output.is_relative_to(data_path) or any(data_path.is_relative_to(output / n) for n in ("book", "html"))
    ):
        return "the data folder, inside it, or a folder whose book/ or html/ holds it"
    if output == Path(output.anchor):
        return "the root of the file system"
    if output == repo:
        return "the repository itself"
    if repo.is_relative_to(output):
        return "a folder that holds the repository"
    if output.is_relative_to(data):
        return "inside the data folder"
    for source in ("notebooks", "improvement_report", "config", "tests", ".git"):
        if output.is_relative_to(repo / source):
            return f"inside the repository's {source}/ folder"
    return None


def load_config(
    path, month: str | None = None, window_start: str | None = None, window_end: str | None = None
) -> ReportConfig:
    """Read and validate a report configuration, applying command-line overrides.

    Parameters
    ----------
    path : str or Path
        The YAML file; relative paths are read from the repository root.
    month, window_start, window_end : str, optional
        Overrides of ``report_month`` and the window.

    Returns
    -------
    ReportConfig

    Raises
    ------
    ConfigError
        With a one-line description of the first problem found.
    """
    path = resolve(path)
    if not path.is_file():
        raise ConfigError(f"configuration file not found: {path}")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ConfigError(f"{path.name}: not valid YAML ({_CONTROL.sub('?', first)[:160]})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    try:
        settings = _check_section(SETTINGS, raw, "")
        report_month = _check_month(month or settings["report_month"], "report_month")
        window_start = _check_date(window_start or settings["window"]["start"], "window.start")
        window_end = _check_date(window_end or settings["window"]["end"], "window.end")
    except ConfigError as err:
        raise ConfigError(f"{path.name}: {err}") from None
    named = {"local_authority", "data_dir", "report_month", "window", "series_start", "synthetic_data"}
    named |= {"output_dir", "execution", "disclosure", "targets", "notebooks"}
    cfg = ReportConfig(
        path=path,
        local_authority=settings["local_authority"],
        data_dir=settings["data_dir"],
        report_month=report_month,
        window_start=window_start,
        window_end=window_end,
        series_start=settings["series_start"],
        synthetic_data=settings["synthetic_data"],
        timeout_seconds=settings["execution"]["timeout_seconds"],
        suppress_small_numbers=settings["disclosure"]["suppress_small_numbers"],
        targets=settings["targets"],
        notebooks=settings["notebooks"],
        output_dir=settings["output_dir"],
        settings={k: v for k, v in settings.items() if k not in named},
        extract_date=settings.get("extract_date"),
    )
    # A month given on the command line is another edition: its date follows from the month.
    if month is not None:
        cfg.settings["edition_date"] = None
    code = cfg.dfe_la_code
    if code is not None and not 100 <= code <= 999:
        raise ConfigError(f"{path.name}: dfe_la_code must be DfE's three-digit local authority code, not {code}")
    if cfg.edition_date < cfg.report_month:
        raise ConfigError(f"{path.name}: edition_date {cfg.edition_date} is before report_month {cfg.report_month}")
    if cfg.window_start > cfg.window_end:
        raise ConfigError(f"{path.name}: window.start {cfg.window_start} is after window.end {cfg.window_end}")
    if cfg.series_start is not None and cfg.series_start > cfg.report_month:
        raise ConfigError(f"{path.name}: series_start {cfg.series_start} is after report_month {cfg.report_month}")
    if not cfg.data_path.is_dir():
        raise ConfigError(f"{path.name}: data_dir {cfg.data_dir} is not a folder")
    if cfg.school_terms is not None and not resolve(cfg.school_terms).is_file():
        raise ConfigError(f"{path.name}: school_terms {cfg.school_terms} is not a file")
    if cfg.edition_content is not None and not resolve(cfg.edition_content).is_dir():
        raise ConfigError(f"{path.name}: edition_content {cfg.edition_content} is not a folder")
    if cfg.output_dir is not None:
        why = _forbidden_output(resolve(cfg.output_dir).resolve(), cfg.data_path.resolve())
        if why:
            raise ConfigError(f"{path.name}: output_dir {cfg.output_dir} is {why}; name a folder of its own")
    return cfg


def default_parameters(page: str) -> dict:
    """The default edition's parameters for one page, for running a template by hand.

    The templates hold no council and no period: their parameters cell reads them from
    ``config/default.yml`` through this function, and papermill's injected values replace them.
    """
    return load_config(CONFIG_DIR / "default.yml").parameters(page)
