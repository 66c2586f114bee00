"""An edition's local content: what is particular to one council and one period, kept out of the package.

The edition's ``edition_content`` setting names a folder holding, all optional:

``edition.yml``
    ``themes`` (number -> title of the council's improvement themes); ``pages`` (page name ->
    ``question``, the chapter's own question, and ``intro``, local narrative such as what an
    inspection found or councillors asked, with its own references); ``comparisons``
    (page name -> ``start``, ``end``, ``label``: an earlier period to compare the window with);
    ``published_lists`` (``month`` and ``source``: the published report whose lists
    ``indicators.csv`` records, compared with the rules only in an edition for that month).
``indicators.csv``
    ``code`` and any of :data:`OVERRIDABLE`: the council's targets, comparators, the paragraph
    of its report that discusses the indicator and the list that report put it in. They replace
    the catalogue's values for this edition only.

Without the folder the book uses neutral wording, no comparison period and the catalogue as it is.
Every text reaches a page escaped (``render.escape``): local narrative is data, never markup.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from improvement_report.inputs.catalogue import THEME_NUMBER

EDITION_FILE = "edition.yml"
INDICATORS_FILE = "indicators.csv"
NUMERIC = ("target", "comparator_statistical_neighbours", "comparator_england", "comparator_previous_year")
OVERRIDABLE = ("theme", *NUMERIC, "comparator_source", "published_paragraph", "published_list")
PAGE_TEXTS = ("question", "intro")
LISTS = ("worried", "working_well")


class EditionContentError(ValueError):
    """The edition's content folder breaks its contract; the message is one line."""


@dataclass
class EditionContent:
    """The validated local content of an edition (empty when the edition has none)."""

    themes: dict[int, str] = field(default_factory=dict)
    pages: dict[str, dict[str, str]] = field(default_factory=dict)
    comparisons: dict[str, dict[str, str]] = field(default_factory=dict)
    published_lists: dict[str, str] = field(default_factory=dict)
    indicators: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OVERRIDABLE))

    def theme_title(self, number: int) -> str:
        """The council's title for a theme, or a neutral one."""
        return self.themes.get(int(number)) or f"Improvement theme {int(number)}"

    def text(self, page: str, which: str) -> str | None:
        """A page's ``question`` or ``intro``, or None when the edition sets none."""
        return (self.pages.get(page) or {}).get(which) or None

    def comparison(self, page: str) -> tuple[str, str, str] | None:
        """(start, end, label) of the earlier period a page compares its window with, or None."""
        c = self.comparisons.get(page)
        return None if not c else (c["start"], c["end"], c["label"])


def _fail(folder: Path, name: str, message: str):
    raise EditionContentError(f"{folder.name}/{name}: {message}")


def _text(value, where, folder) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(folder, EDITION_FILE, f"{where} must be text")
    return " ".join(value.split())


def _date(value, where, folder) -> str:
    text = str(value)
    try:
        pd.Timestamp(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        _fail(folder, EDITION_FILE, f"{where} must be a date written YYYY-MM-DD, not {text!r}")
    return text


def load(folder) -> EditionContent:
    """Read and check an edition's content folder (None or "" gives empty content).

    Raises
    ------
    EditionContentError
        One line naming the file, the entry and the rule broken.
    """
    if not folder:
        return EditionContent()
    from improvement_report.core.paths import resolve

    folder = resolve(folder)
    if not folder.is_dir():
        raise EditionContentError(f"edition_content {folder.name} is not a folder")
    content = EditionContent()
    path = folder / EDITION_FILE
    if path.is_file():
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            _fail(folder, EDITION_FILE, f"not valid YAML ({str(err).splitlines()[0] if str(err) else err})")
        if not isinstance(raw, dict):
            _fail(folder, EDITION_FILE, "expected a mapping at the top level")
        unknown = set(raw) - {"themes", "pages", "comparisons", "published_lists"}
        if unknown:
            _fail(folder, EDITION_FILE, f"unknown entries: {', '.join(sorted(map(str, unknown)))}")
        for number, title in (raw.get("themes") or {}).items():
            if not re.fullmatch(THEME_NUMBER, str(number)):
                _fail(folder, EDITION_FILE, f"themes: {number!r} is not a theme number (1 to 99)")
            content.themes[int(number)] = _text(title, f"themes.{number}", folder)
        for page, texts in (raw.get("pages") or {}).items():
            if not isinstance(texts, dict) or set(texts) - set(PAGE_TEXTS):
                _fail(folder, EDITION_FILE, f"pages.{page} may hold only {', '.join(PAGE_TEXTS)}")
            content.pages[str(page)] = {k: _text(v, f"pages.{page}.{k}", folder) for k, v in texts.items()}
        for page, c in (raw.get("comparisons") or {}).items():
            if not isinstance(c, dict) or set(c) != {"start", "end", "label"}:
                _fail(folder, EDITION_FILE, f"comparisons.{page} needs start, end and label")
            start, end = (_date(c[k], f"comparisons.{page}.{k}", folder) for k in ("start", "end"))
            if start > end:
                _fail(folder, EDITION_FILE, f"comparisons.{page}: start {start} is after end {end}")
            content.comparisons[str(page)] = {"start": start, "end": end, "label": _text(c["label"], "label", folder)}
        lists = raw.get("published_lists")
        if lists is not None:
            if not isinstance(lists, dict) or set(lists) != {"month", "source"}:
                _fail(folder, EDITION_FILE, "published_lists needs month (YYYY-MM) and source")
            month = str(lists["month"])
            if len(month) != 7 or not month[:4].isdigit() or month[4] != "-":
                _fail(folder, EDITION_FILE, f"published_lists.month must be YYYY-MM, not {month!r}")
            content.published_lists = {"month": month, "source": _text(lists["source"], "source", folder)}
    if (folder / INDICATORS_FILE).is_file():
        content.indicators = _indicators(folder / INDICATORS_FILE, folder)
    return content


class _TextDates(yaml.SafeLoader):
    """Dates stay text, so a wrong date gets our message, not a YAML type."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _indicators(path: Path, folder: Path) -> pd.DataFrame:
    """The edition's per-indicator overrides, checked (codes against the catalogue happen on use)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        _fail(folder, INDICATORS_FILE, f"cannot be read: {str(err).splitlines()[0]}")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "code" not in frame.columns:
        _fail(folder, INDICATORS_FILE, "needs a code column")
    extra = set(frame.columns) - {"code", *OVERRIDABLE}
    if extra:
        _fail(
            folder, INDICATORS_FILE, f"unknown columns {', '.join(sorted(extra))} (allowed: {', '.join(OVERRIDABLE)})"
        )
    frame = frame.apply(lambda col: col.str.strip())
    rows = frame.index + 2
    for column in (c for c in NUMERIC if c in frame.columns):
        bad = frame[column].ne("") & pd.to_numeric(frame[column], errors="coerce").isna()
        if bad.any():
            _fail(
                folder, INDICATORS_FILE, f"column {column}, rows {', '.join(map(str, rows[bad][:5]))}: must be a number"
            )
    if "published_list" in frame.columns:
        bad = ~frame.published_list.isin(["", *LISTS])
        if bad.any():
            _fail(
                folder,
                INDICATORS_FILE,
                f"column published_list, rows {', '.join(map(str, rows[bad][:5]))}: must be empty or one of {', '.join(LISTS)}",
            )
    if "theme" in frame.columns:
        bad = frame.theme.ne("") & ~frame.theme.str.fullmatch(THEME_NUMBER)
        if bad.any():
            _fail(
                folder,
                INDICATORS_FILE,
                f"column theme, rows {', '.join(map(str, rows[bad][:5]))}: must be a theme number, 1 to 99",
            )
    if frame.code.duplicated().any():
        _fail(folder, INDICATORS_FILE, "each code may appear once")
    return frame.set_index("code")


def apply_overrides(
    catalogue: pd.DataFrame, content: EditionContent, config_overrides: dict | None = None
) -> pd.DataFrame:
    """The catalogue with the edition's values: its ``indicators.csv``, then the configuration's ``indicators``.

    An empty cell leaves the catalogue's value; a code the catalogue does not hold is an error.
    """
    out = catalogue.copy()
    table = content.indicators
    updates: dict[str, dict] = {}
    for code, row in table.iterrows():
        updates.setdefault(code, {}).update({k: v for k, v in row.items() if v != ""})
    for code, values in (config_overrides or {}).items():
        if not isinstance(values, dict) or set(values) - set(OVERRIDABLE):
            raise EditionContentError(f"indicators.{code}: may set only {', '.join(OVERRIDABLE)}")
        updates.setdefault(str(code), {}).update({k: v for k, v in values.items() if v is not None})
    unknown = sorted(set(updates) - set(out.index))
    if unknown:
        raise EditionContentError(f"indicators: not codes in the indicator catalogue: {', '.join(unknown[:5])}")
    for code, values in updates.items():
        for column, value in values.items():
            if column in NUMERIC:
                out.loc[code, column] = float(value)
            elif column == "theme":
                out.loc[code, column] = int(value)
            else:
                out.loc[code, column] = str(value)
    return out
