"""Read the CSV extracts and enforce the input data contract.

Every rule of the contract (``contract.py``, restated for users in ``data/README.md``) is checked
here, over whole columns at once with no loop over rows: files are read by pandas' pyarrow engine
and dates are read from their digits with numpy (about 1 s a million rows). A file with
any problem is never returned half-read: every problem in every file is collected first, then
one :class:`DataContractError` lists them all, each with its file, column, spreadsheet rows and
the rule broken.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from improvement_report.inputs.contract import CONTRACT, IDENTIFIER_COLUMNS, Column

FILES = {
    "caf": "early_help_episodes.csv",
    "strategy": "strategy_discussions.csv",
    "missing": "missing_episodes.csv",
    "indicators": "indicators.csv",
}

# Shapes accepted: a parser on its own is more lenient than the contract (strptime takes
# "YYYY-M-D", ISO8601 takes time zones), and the contract says anything else is an error.
# In a layout Y, M, D, h, m and s stand for one ASCII digit of that field; any other
# character must be there as it is. A layout both checks a cell's shape and reads it.
_D = ("YYYY-MM-DD", "DD/MM/YYYY")
_DT = ("YYYY-MM-DD hh:mm", "YYYY-MM-DDThh:mm", "YYYY-MM-DD hh:mm:ss", "YYYY-MM-DDThh:mm:ss", "DD/MM/YYYY hh:mm")
_LAYOUTS = {"date": _D, "datetime": _DT, "month": ("YYYY-MM",)}
_INTEGER = r"-?[0-9]{1,18}"  # 18 digits always fit an int64
# Cells read as seconds since 1970 must fit pandas' nanosecond range (years 1678-2261).
_SECONDS = (-(-pd.Timestamp.min.value // 10**9), pd.Timestamp.max.value // 10**9)
_TRUE, _FALSE = ["y", "yes", "true", "1"], ["n", "no", "false", "0"]
_EXPECTED = {
    "date": "must be a date, YYYY-MM-DD or DD/MM/YYYY",
    "datetime": "must be a date and time, YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM",
    "month": "must be a month, YYYY-MM",
    "flag": "must be Y or N (also accepted: yes/no, true/false, 1/0)",
    "integer": "must be a whole number",
    "number": "must be a number",
}


@dataclass
class Problem:
    """One broken rule in one column of one file.

    Attributes
    ----------
    file : str
        File name, e.g. ``"early_help_episodes.csv"``.
    column : str or None
        Column name, or None for a problem with the whole file (missing, unreadable).
    rows : list of int
        Spreadsheet row numbers of every offending row (the header is row 1).
    rule : str
        The rule broken, in plain words.
    """

    file: str
    column: str | None
    rows: list[int]
    rule: str

    def __str__(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column {self.column}"
        if self.rows:
            more = f" (and {len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
            label = "row" if len(self.rows) == 1 else "rows"
            where += f", {label} {', '.join(map(str, self.rows[:5]))}{more}"
        # One line whatever the input: header names and parser messages may hold line breaks.
        return " ".join(f"{where}: {self.rule}".split())


class DataContractError(Exception):
    """The extracts break the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass
class FileReport:
    """What was read from one file, for the book's data page."""

    file: str
    path: Path
    rows: int
    ignored_columns: list[str]


@dataclass
class Extracts:
    """The validated, typed extracts; a file not asked for, or optional and absent, is None."""

    caf: pd.DataFrame | None
    strategy: pd.DataFrame | None
    missing: pd.DataFrame | None
    indicators: pd.DataFrame | None
    files: list[FileReport]


def load_extracts(
    data_dir, required=("caf", "strategy", "missing"), optional=("indicators",), indicator_codes: set[str] | None = None
) -> Extracts:
    """Read and validate the extracts in a data folder.

    Parameters
    ----------
    data_dir : str or Path
        Folder holding the CSV files named in ``FILES``.
    required : iterable of str
        Keys of ``FILES`` that must be present; an absent one is a problem.
    optional : iterable of str
        Keys of ``FILES`` read when present; an absent one gives None.
    indicator_codes : set of str, optional
        The indicator catalogue's codes; if given, any other code in ``indicators.csv`` is a problem.

    Returns
    -------
    Extracts
        The typed frames and a report on each file read.

    Raises
    ------
    DataContractError
        Once, listing every problem in every file, if there is any.
    """
    data_dir, required = Path(data_dir), tuple(required)
    frames, reports, problems = {}, [], []
    for key in dict.fromkeys([*required, *optional]):  # keeps order, drops repeats
        path = data_dir / FILES[key]
        if not path.is_file() and key not in required:
            continue
        frame, report, found = _load(path, key, indicator_codes)
        frames[key] = frame
        reports += [report] if report else []
        problems += found
    if not problems:
        problems += _identifying_names(frames)
    if problems:
        raise DataContractError(problems)
    for frame in frames.values():
        if frame is not None:
            frame.attrs.pop("rows", None)
    return Extracts(**{key: frames.get(key) for key in FILES}, files=reports)


_TOKEN = re.compile(r"[A-Za-z0-9]+")
_SIX_DIGITS = re.compile(r"[0-9]{6,}")


def _identifying_names(frames: dict) -> list[Problem]:
    """Published text (team and locality names) that holds an identifier from any extract, or a
    run of six or more digits: such a name would put an identifier on a page, so it is refused."""
    ids: set[str] = set()
    for key, frame in frames.items():
        for column in IDENTIFIER_COLUMNS.get(FILES[key], ()):
            if frame is not None:
                ids.update(frame[column].astype(str))
    problems = []
    for key, frame in frames.items():
        for c in CONTRACT[FILES[key]]:
            if frame is None or not c.published or c.name not in frame:
                continue
            names = frame[c.name].fillna("").astype(str)
            bad = {
                name
                for name in names.unique()
                if _SIX_DIGITS.search(name) or ids.intersection(_TOKEN.findall(name)) or name in ids
            }
            if bad:
                rows = frame.attrs.get("rows", np.arange(len(frame)) + 2)
                problems.append(
                    Problem(
                        FILES[key],
                        c.name,
                        [int(r) for r in np.asarray(rows)[names.isin(bad).to_numpy()]],
                        "is shown on the pages, so it may not hold an identifier from the extracts "
                        "or a run of six or more digits",
                    )
                )
    return problems


def load_file(path, key, indicator_codes: set[str] | None = None) -> pd.DataFrame:
    """Read and validate one extract.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    key : str
        Which extract it is: a key of ``FILES`` (its contract is that file's).
    indicator_codes : set of str, optional
        As for :func:`load_extracts`.

    Returns
    -------
    pandas.DataFrame
        The typed frame.

    Raises
    ------
    DataContractError
        Listing every problem in the file.
    """
    frame, _, problems = _load(Path(path), key, indicator_codes)
    if not problems:
        problems = _identifying_names({key: frame})
    if problems:
        raise DataContractError(problems)
    frame.attrs.pop("rows", None)
    return frame


def _load(path: Path, key: str, codes) -> tuple[pd.DataFrame | None, FileReport | None, list[Problem]]:
    """Read one file and check it; the frame is None whenever there is a problem."""
    name = FILES[key]
    try:
        cells = _read(path)
    except FileNotFoundError:
        return None, None, [Problem(name, None, [], f"file not found in {path.parent}")]
    except UnicodeDecodeError:
        return None, None, [Problem(name, None, [], "cannot be read: it is not UTF-8 text")]
    except pd.errors.EmptyDataError:
        return None, None, [Problem(name, None, [], "is empty: it needs a header row")]
    except (pd.errors.ParserError, OSError) as error:
        detail = str(error).split("C error: ")[-1].strip()  # keep the part a user can act on
        return None, None, [Problem(name, None, [], f"cannot be read as CSV: {detail}")]
    header = cells.iloc[0].fillna("").astype(str)
    body = cells.iloc[1:].fillna("")  # a short row's missing cells are empty cells
    records = body.ne("").any(axis=1)
    if not records.all():  # wholly empty rows (blank lines, ",,,,") are not records
        body = body[records]
    body.index = body.index + 1  # header is row 1, so the data row at position i is row i + 1
    frame, ignored, problems = _check(name, header, body, codes)
    return frame, FileReport(name, path, len(body), ignored), problems


def _read(path: Path) -> pd.DataFrame:
    """Every cell of a CSV file as text, the header row included, one row per line.

    header=None reads the header as data, so repeated names are seen, not renamed;
    skip_blank_lines=False keeps row numbers equal to the spreadsheet's.
    """
    options = {"dtype": str, "keep_default_na": False, "header": None, "skip_blank_lines": False}
    try:
        # Arrow skips a UTF-8 byte order mark itself; "utf-8-sig" would send every byte through Python.
        cells = pd.read_csv(path, engine="pyarrow", encoding="utf-8", **options)
        if cells.empty or cells.iloc[0].ne("").any():
            return cells
    except FileNotFoundError:
        raise
    except Exception:  # noqa: BLE001
        pass
    # What pyarrow refuses (short rows, bad UTF-8, a header without a line end) or reads otherwise
    # (a blank first line) the C engine reads, or reports in its own words, exactly as before.
    return pd.read_csv(path, encoding="utf-8-sig", **options)


def _check(name: str, header: pd.Series, body: pd.DataFrame, codes) -> tuple:
    """Check the cells of one file against its contract and return the typed frame."""
    spec = CONTRACT[name]
    problems: list[Problem] = []

    def problem(column, mask, rule):
        if mask.any():
            problems.append(Problem(name, column, body.index[mask.to_numpy()].tolist(), rule))

    names = header.str.strip().str.lower()
    known = {c.name for c in spec}
    for n in names[names.isin(known) & names.duplicated()].unique():
        problems.append(Problem(name, n, [], "column appears more than once in the header"))
    absent = [c.name for c in spec if c.required and c.name not in set(names)]
    if absent:
        problems.append(
            Problem(
                name, None, [], f"required columns missing: {', '.join(absent)} (columns found: {', '.join(header)})"
            )
        )
    position = {n: i for i, n in reversed(list(enumerate(names)))}  # first of any repeats
    raw = {
        c.name: (
            _strip(body.iloc[:, position[c.name]])
            if c.name in position
            else pd.Series("", index=body.index, dtype="str")
        )
        for c in spec
    }

    typed = {}
    for c in spec:
        if c.name in absent:
            continue
        empty = raw[c.name].eq("")
        if c.required:
            problem(c.name, empty, "is required: the cell is empty")
        if c.type == "text":
            problem(
                c.name,
                _has_control_character(raw[c.name]),
                "contains a control character (NUL, escape or similar): text must be printable",
            )
        typed[c.name] = _parse(c, raw[c.name], empty, problem)
        if c.date_alone:
            typed["time_known"] = raw[c.name].str.len() > 10  # a date alone is 10 characters
    for c in spec:
        if c.not_before and {c.name, c.not_before} <= typed.keys():
            problem(c.name, typed[c.name] < typed[c.not_before], f"must be on or after {c.not_before}")
        if c.unique and not set(c.unique) & set(absent):
            keys = pd.DataFrame({k: raw[k] for k in c.unique})
            repeated = pd.Series(_repeated(keys), index=keys.index) & keys.ne("").all(axis=1)
            rule = (
                "must be unique: the same value is on more than one row"
                if len(c.unique) == 1
                else f"must be one row per {' and '.join(c.unique)}: repeated on these rows"
            )
            problem(c.name, repeated, rule)
    if codes is not None and "indicator" in typed:
        problem(
            "indicator",
            ~raw["indicator"].isin(list(codes)) & raw["indicator"].ne(""),
            "not a code in the indicator catalogue",
        )

    ignored = [h for h, n in zip(header, names) if n not in known]
    if problems:
        return None, ignored, problems
    frame = pd.DataFrame(typed).reset_index(drop=True)
    frame.attrs["rows"] = body.index.to_numpy()  # spreadsheet rows, for problems found across files
    return frame, ignored, problems


def _parse(c: Column, s: pd.Series, empty: pd.Series, problem) -> pd.Series:
    """Convert one column of trimmed text to its contract type, reporting values that do not fit.

    Parameters
    ----------
    c : Column
        The column's contract.
    s : pandas.Series
        The cells, trimmed; an empty cell is "".
    empty : pandas.Series of bool
        Which cells are empty (already reported if the column is required).
    problem : callable
        ``problem(column, mask, rule)`` records the rows in ``mask`` as breaking ``rule``.

    Returns
    -------
    pandas.Series
        The typed values; an empty cell is missing (NaT, NaN or NA) unless the type has a default.
    """
    if c.type == "text":
        return s.where(~empty)
    if c.type == "flag":
        low = s.str.lower()
        yes, no = low.isin(_TRUE), low.isin(_FALSE)
        problem(c.name, ~(yes | no) & ~empty, _EXPECTED["flag"])
        # A required flag is never empty, so plain bool; an optional one keeps "not recorded".
        return yes if c.required else yes.astype("boolean").mask(empty)
    if c.type == "choice":
        problem(
            c.name,
            ~s.isin(list(c.choices)) & ~empty,
            f"must be {' or '.join(c.choices)}" + (" or empty" if c.default else ""),
        )
        return s.mask(empty, c.default)
    if c.type == "number":
        values = pd.to_numeric(s.where(~empty), errors="coerce").astype("float64")
        problem(c.name, ~np.isfinite(values) & ~empty, _EXPECTED["number"])
        return values
    if c.type == "integer":
        shape = s.str.fullmatch(_INTEGER)
        problem(c.name, ~shape & ~empty, _EXPECTED["integer"])
        # The shape is checked, so Arrow's plain cast from text reads every value exactly.
        text = pa.array(s.where(shape, "0"), type=pa.large_string())
        values = pd.Series(pa.chunked_array(text).cast(pa.int64()).to_numpy(), index=s.index)
        if c.minimum is not None:
            problem(c.name, shape & (values < c.minimum), f"must be {c.minimum} or more")
        return values
    alone = c.type == "datetime" and c.date_alone
    shape, when = _read_times(s, _LAYOUTS[c.type] + (_D if alone else ()))
    problem(
        c.name, pd.Series(~shape, index=s.index) & ~empty, _EXPECTED[c.type] + (", or a date alone" if alone else "")
    )
    # Out of pandas' nanosecond range (years 1678-2261) a date cannot be held, so it is refused.
    unreal = shape & np.isnat(when)
    problem(
        c.name,
        pd.Series(unreal, index=s.index),
        "is not a real month"
        if c.type == "month"
        else "is not a real calendar date (e.g. 31 February), or is out of range",
    )
    return pd.Series(when, index=s.index)


def _text(s: pd.Series) -> tuple[pa.LargeStringArray, np.ndarray, np.ndarray]:
    """A text column as Arrow holds it: the array, each cell's byte offsets and the UTF-8 bytes."""
    text = pa.chunked_array(pa.array(s, type=pa.large_string())).combine_chunks()
    return (text, *_buffers(text))


def _buffers(text: pa.LargeStringArray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's byte offsets and the UTF-8 bytes, as numpy views of the Arrow buffers."""
    offsets = np.frombuffer(text.buffers()[1], dtype="int64")[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype="uint8") if text.buffers()[2] else np.zeros(0, "uint8")
    return offsets, data


_PRIME = np.uint64(1099511628211)  # FNV's 64-bit prime: each byte stirred into the fingerprint
_LONGEST_ID = 64  # longer text is left to pandas (one pass per character would cost more than hashing)


def _repeated(keys: pd.DataFrame) -> np.ndarray:
    """Which rows have the same key as another row (every copy marked, as ``duplicated(keep=False)``).

    Hashing ten million distinct ids in a table is slow (its cache misses grow with the table),
    so a single-column key is first given a 64-bit fingerprint, computed over its bytes for the
    whole column at once, and the fingerprints are sorted. Rows whose fingerprint no other row
    has are unique; only those that share one (true repeats, or a rare collision) are compared
    as text.
    """
    if keys.shape[1] != 1:
        return keys.duplicated(keep=False).to_numpy()
    column = keys.iloc[:, 0]
    text, offsets, _ = _text(column)
    lengths = np.diff(offsets)
    longest = int(lengths.max(initial=0))
    if longest > _LONGEST_ID:
        return column.duplicated(keep=False).to_numpy()
    if (lengths == longest).all():
        data = _buffers(text)[1][offsets[0] : offsets[-1]]
    else:  # padded to one length (the true length goes into the fingerprint)
        padded_offsets, data = _buffers(pc.utf8_lpad(text, width=longest, padding=" "))
        data = data[padded_offsets[0] : padded_offsets[-1]]
        if len(data) != len(lengths) * longest:  # non-ASCII text pads by characters, not bytes
            return column.duplicated(keep=False).to_numpy()
    # The bytes as a matrix, widened to whole 64-bit words, stirred in one word at a time.
    wide = np.zeros((len(lengths), -(-longest // 8) * 8), dtype=np.uint8)
    wide[:, :longest] = data.reshape(len(lengths), longest)
    fingerprint = lengths.astype(np.uint64)
    for word in wide.view(np.uint64).T:
        fingerprint *= _PRIME
        fingerprint ^= word
    ordered = np.sort(fingerprint)
    shared = ordered[1:][ordered[1:] == ordered[:-1]]
    out = np.zeros(len(column), dtype=bool)
    if len(shared):
        rows = np.isin(fingerprint, shared)
        out[rows] = column[rows].duplicated(keep=False).to_numpy()
    return out


# C0 controls other than tab, line feed and carriage return; DEL; C1 controls (U+0080-U+009F).
_CONTROL_CHARACTER = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x{80}-\\x{9f}]"


def _has_control_character(s: pd.Series) -> pd.Series:
    """Which cells hold a control character. The bytes are scanned once for anything that could
    be one (a C0 byte, DEL, or 0xC2, the lead byte of C1); only then is each cell matched."""
    text, offsets, data = _text(s)
    data = data[offsets[0] : offsets[-1]]
    suspect = (data < 0x20) & (data != 0x09) & (data != 0x0A) & (data != 0x0D)
    if not (suspect.any() or (data == 0x7F).any() or (data == 0xC2).any()):
        return pd.Series(False, index=s.index)
    found = pc.match_substring_regex(text, _CONTROL_CHARACTER).to_numpy(zero_copy_only=False)
    return pd.Series(found.astype(bool), index=s.index)


def _strip(s: pd.Series) -> pd.Series:
    """Trim surrounding spaces, skipping the work when no cell starts or ends with a byte that could be one.

    Whitespace is ASCII (at most 0x20) or non-ASCII (bytes 0x80 and up), so a column whose
    every cell starts and ends with a byte from 0x21 to 0x7E is already trimmed.
    """
    _, offsets, data = _text(s)
    start, end = offsets[:-1], offsets[1:]
    filled = end > start
    edges = np.concatenate([data[start[filled]], data[end[filled] - 1]])
    if ((edges <= 0x20) | (edges >= 0x7F)).any():
        return s.str.strip()
    return s


def _read_times(s: pd.Series, layouts: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Check each cell against the layouts and read the date-time it holds.

    Most extracts write dates one ISO way. Arrow's ISO 8601 parser, given only cells of the
    lengths of the ISO layouts allowed (10, 16 or 19 characters), accepts exactly those layouts
    and real dates, so when it reads a whole column without complaint that is the answer, in
    one pass. Anything else (day-first dates, months, an impossible date) goes to
    :func:`_read_times_exact`, which says cell by cell.

    Parameters
    ----------
    s : pandas.Series
        Trimmed text; no cell is missing.
    layouts : tuple of str
        The shapes accepted, as in ``_LAYOUTS``.

    Returns
    -------
    shape : numpy.ndarray of bool
        Which cells fit one of the layouts.
    when : numpy.ndarray of datetime64[ns]
        The date-time of each cell that fits and is a real one in pandas' range; NaT otherwise.
    """
    text = _text(s)[0]
    lengths = pc.binary_length(text).to_numpy(zero_copy_only=False)
    iso_lengths = [len(layout) for layout in layouts if layout.startswith("YYYY-MM-DD")]
    filled = lengths > 0
    allowed = np.zeros(max(iso_lengths, default=0) + 1, dtype=bool)  # by length; np.isin sorts, this looks up
    allowed[[0, *iso_lengths]] = True
    if iso_lengths and lengths.max(initial=0) < len(allowed) and allowed[lengths].all():
        try:
            seconds = text.filter(pa.array(filled)).cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            pass
        else:
            seconds = seconds.view("int64")
            real = (seconds >= _SECONDS[0]) & (seconds <= _SECONDS[1])
            # Nanoseconds by integer arithmetic: numpy's unit conversion of datetimes is slow.
            when = np.full(len(s), np.datetime64("NaT", "ns").view("int64"))
            when[np.flatnonzero(filled)[real]] = seconds[real] * 10**9
            return filled, when.view("datetime64[ns]")
    return _read_times_exact(text, lengths, layouts)


def _read_times_exact(
    text: pa.LargeStringArray, lengths: np.ndarray, layouts: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_read_times` for any column, cell by cell, from the bytes of its text.

    The cells of one length are a matrix of UTF-8 bytes, one row per cell, checked against each
    layout of that length a column at a time. The cells that fit are rewritten, by moving their
    bytes, in the one layout ``YYYY-MM-DD hh:mm:ss``, which Arrow's strict parser then reads
    in a single pass (it refuses 31/02 or hour 24). Only when a column holds such an impossible
    value is it read again with pandas, cell by cell in C, to find which.
    """
    shape = np.zeros(len(text), dtype=bool)
    rows_found, rewritten = [], []
    for size in sorted({len(layout) for layout in layouts}):
        rows = np.flatnonzero(lengths == size)
        if not len(rows):
            continue
        cells = text.take(pa.array(rows))  # contiguous bytes: a plain view as a matrix
        matrix = np.frombuffer(cells.buffers()[2], dtype="uint8", count=len(rows) * size).reshape(-1, size)
        digit = (matrix - ord("0")) <= 9
        for layout in (x for x in layouts if len(x) == size):
            number = np.array([char in _FIELDS for char in layout])
            literal = np.frombuffer(layout.encode(), dtype="uint8")[~number]
            fits = digit[:, number].all(axis=1) & (matrix[:, ~number] == literal).all(axis=1)
            if fits.any():
                shape[rows[fits]] = True
                rows_found.append(rows[fits])
                rewritten.append(_as_iso(matrix[fits], layout))
    when = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if rows_found:
        rows, iso = np.concatenate(rows_found), np.concatenate(rewritten)
        seconds = _parse_iso(iso).astype("int64")
        real = (seconds >= _SECONDS[0]) & (seconds <= _SECONDS[1])  # NaT is the least int64: not real
        when[rows[real]] = seconds[real].astype("datetime64[s]")
    return shape, when


_FIELDS = "YMDhms"
_ISO = "YYYY-MM-DD hh:mm:ss"


def _as_iso(matrix: np.ndarray, layout: str) -> np.ndarray:
    """Cells in ``layout`` (a byte matrix) rewritten as ``YYYY-MM-DD hh:mm:ss``; a field the
    layout lacks is the first day, or midnight."""
    out = np.empty((len(matrix), len(_ISO)), dtype="uint8")
    out[:] = np.frombuffer(b"0000-01-01 00:00:00", dtype="uint8")
    for i, char in enumerate(_ISO):
        if char in _FIELDS:
            nth = _ISO[:i].count(char)  # the nth digit of this field
            where = [k for k, c in enumerate(layout) if c == char]
            if nth < len(where):
                out[:, i] = matrix[:, where[nth]]
    return out


def _parse_iso(iso: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD hh:mm:ss`` byte rows to datetime64[s]; NaT where the date or time is impossible."""
    width = len(_ISO)
    offsets = np.arange(0, width * (len(iso) + 1), width, dtype="int64")
    strings = pa.Array.from_buffers(pa.large_string(), len(iso), [None, pa.py_buffer(offsets), pa.py_buffer(iso)])
    try:
        return strings.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # an impossible date somewhere: find which, each cell on its own
        parsed = pd.to_datetime(
            pd.Series(strings.to_numpy(zero_copy_only=False), dtype=object), format="%Y-%m-%d %H:%M:%S", errors="coerce"
        )
        return parsed.to_numpy().astype("datetime64[s]")
