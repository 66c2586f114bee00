"""The report configuration: one YAML file holds everything a period needs.

It is validated before anything runs; every notebook gets the same parameters from it,
merged with the notebook's own section under ``notebooks:``.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from improvement_report.core.paths import NOTEBOOKS_DIR, REPO_ROOT, resolve


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


def book_notebooks() -> list[str]:
    """Names of the executed pages, in the book's order: the ``book/<name>`` entries of ``_toc.yml``
    that have a template (see :func:`page_template`). The table of contents is the one place a
    chapter is registered."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    files += [s["file"] for c in toc.get("chapters", []) for s in c.get("sections", [])]
    names = [f.removeprefix("book/") for f in files]
    return [n for n in names if page_template(n) is not None]


class _DatesAsText(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so impossible dates get our own clear message."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ConfigError(Exception):
    """A configuration problem, described in one line."""


@dataclass
class ReportConfig:
    """A validated report configuration."""

    path: Path
    local_authority: str
    data_dir: str
    report_month: str
    window_start: str
    window_end: str
    series_start: str
    synthetic_data: bool
    timeout_seconds: int
    suppress_small_numbers: bool = True
    targets: dict = field(default_factory=dict)
    notebooks: dict = field(default_factory=dict)
    output_dir: str | None = None

    @property
    def data_path(self) -> Path:
        """The data folder as an absolute path."""
        return resolve(self.data_dir)

    def parameters(self, notebook: str) -> dict:
        """Papermill parameters for one notebook: the shared values and its own section."""
        params = {
            "config_name": self.path.stem,
            "local_authority": self.local_authority,
            "data_dir": self.data_dir,
            "report_month": self.report_month,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "series_start": self.series_start,
            "synthetic_data": self.synthetic_data,
            "targets": dict(self.targets),
            "suppress_small_numbers": self.suppress_small_numbers,
        }
        template, page_params = page_template(notebook) or (notebook, {})
        # A template's section applies to every page made from it; a page's own section wins.
        if template != notebook:
            params.update(self.notebooks.get(template) or {})
        params.update(self.notebooks.get(notebook) or {})
        params.update(page_params)
        return params


def _month(value, key: str, path: Path) -> str:
    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise ConfigError(f"{path.name}: {key} must be a month written YYYY-MM, not {text!r}")
    return text


def _date(value, key: str, path: Path) -> str:
    text = str(value)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        pd.Timestamp(text)
    except ValueError:
        raise ConfigError(f"{path.name}: {key} must be a date written YYYY-MM-DD, not {text!r}") from None
    return text


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
    except yaml.YAMLError as err:
        raise ConfigError(f"{path.name}: not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    missing = [k for k in ("local_authority", "data_dir", "report_month", "window") if k not in raw]
    if missing:
        raise ConfigError(f"{path.name}: missing setting(s): {', '.join(missing)}")
    window = raw["window"] if isinstance(raw["window"], dict) else {}
    cfg = ReportConfig(
        path=path,
        local_authority=str(raw["local_authority"]),
        data_dir=str(raw["data_dir"]),
        report_month=_month(month or raw["report_month"], "report_month", path),
        window_start=_date(window_start or window.get("start"), "window.start", path),
        window_end=_date(window_end or window.get("end"), "window.end", path),
        series_start=_month(raw.get("series_start", "2015-04"), "series_start", path),
        synthetic_data=bool(raw.get("synthetic_data", False)),
        timeout_seconds=int((raw.get("execution") or {}).get("timeout_seconds", 600)),
        suppress_small_numbers=bool((raw.get("disclosure") or {}).get("suppress_small_numbers", True)),
        targets=dict(raw.get("targets") or {}),
        notebooks=dict(raw.get("notebooks") or {}),
        output_dir=None if raw.get("output_dir") is None else str(raw["output_dir"]),
    )
    for code, value in cfg.targets.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ConfigError(f"{path.name}: targets.{code} must be a number, not {value!r}")
    if cfg.window_start > cfg.window_end:
        raise ConfigError(f"{path.name}: window.start {cfg.window_start} is after window.end {cfg.window_end}")
    if cfg.series_start > cfg.report_month:
        raise ConfigError(f"{path.name}: series_start {cfg.series_start} is after report_month {cfg.report_month}")
    if not cfg.data_path.is_dir():
        raise ConfigError(f"{path.name}: data_dir {cfg.data_dir} is not a folder")
    pages = book_notebooks()
    unknown = set(cfg.notebooks) - set(pages) - {page_template(p)[0] for p in pages}
    if unknown:
        raise ConfigError(f"{path.name}: notebooks section names unknown notebook(s): {', '.join(sorted(unknown))}")
    return cfg
