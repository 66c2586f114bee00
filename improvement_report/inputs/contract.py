"""The input data contract (version 1), as data.

``/work/shared/design/data-contract.md`` is the contract between the CSV extracts an analyst
exports each month and this package; ``data/README.md`` restates it for users. This module
holds the same tables in a form the code can check: ``loading.py`` enforces every column here,
so a change to the contract is a change to this file (and to the README), not to the checks.

Column types
------------
text
    Any text, surrounding spaces trimmed. Identifiers are text: ``007`` and ``7`` differ.
date
    ``YYYY-MM-DD`` or ``DD/MM/YYYY``.
datetime
    ``YYYY-MM-DD HH:MM`` (seconds optional, ``T`` separator accepted) or ``DD/MM/YYYY HH:MM``;
    a date alone only when ``date_alone`` is set (the time is then unknown).
flag
    ``Y``/``N``, ``yes``/``no``, ``true``/``false``, ``1``/``0``, case-insensitive.
integer
    A whole number, optionally with a ``minimum``.
number
    A finite decimal number.
month
    ``YYYY-MM``.
choice
    One of ``choices``; an empty cell means ``default``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of an extract.

    Attributes
    ----------
    name : str
        Column name, lower case (headers are matched case-insensitively after trimming).
    type : str
        One of the types in the module docstring.
    required : bool
        The column must be present and no cell may be empty.
    rule : str
        The contract's rule or meaning, in plain words (for the README and the data page).
    unique : tuple of str
        If set, these columns together must not repeat between rows.
    date_alone : bool
        For a datetime: a date with no time is accepted (time unknown).
    not_before : str or None
        For a date or datetime: when both are present, must be on or after this column.
    minimum : int or None
        For an integer: the smallest value allowed.
    choices : tuple of str
        For a choice: the values allowed.
    default : str or None
        For a choice: the value an empty cell stands for.
    published : bool
        For text: values are shown on the pages (a team's or a locality's name), so a value may
        not hold an identifier from the extracts or a run of six or more digits.
    """

    name: str
    type: str
    required: bool = False
    rule: str = ""
    unique: tuple[str, ...] = ()
    date_alone: bool = False
    not_before: str | None = None
    minimum: int | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None
    published: bool = False


C = Column  # the tables below read like the contract's tables

CONTRACT: dict[str, tuple[Column, ...]] = {
    "early_help_episodes.csv": (
        C("episode_id", "text", True, "unique in the file", unique=("episode_id",)),
        C("child_id", "text", True),
        C("start_date", "date", True),
        C(
            "end_date",
            "date",
            False,
            "empty = still open; if present must be on or after start_date",
            not_before="start_date",
        ),
        C("locality", "text", False, "e.g. East/Central, West, South; shown on the pages", published=True),
    ),
    "strategy_discussions.csv": (
        C("discussion_id", "text", True, "unique", unique=("discussion_id",)),
        C("held_at", "datetime", True, "a date alone is allowed: time unknown", date_alone=True),
        C("team", "text", True, "shown on the pages", published=True),
        C("children", "integer", True, "number of children the discussion relates to, >= 1", minimum=1),
        C("csc", "flag", True, "children's social care took part"),
        C("police", "flag", True, "police took part"),
        C("health", "flag", True, "health took part"),
        C("education", "flag", False, "empty = not recorded"),
        C("non_compliance_reason", "text", False, "free text or a code from the local list"),
    ),
    "missing_episodes.csv": (
        C("episode_id", "text", True, "unique", unique=("episode_id",)),
        C("child_id", "text", True),
        C("start", "datetime", True),
        C(
            "end",
            "datetime",
            False,
            "empty = still missing when extracted; if present must be on or after start",
            not_before="start",
        ),
        C("looked_after", "flag", True, "Y = missing from care, N = missing from home"),
        C(
            "type",
            "choice",
            False,
            "SSDA903 coding: M = missing, A = away from placement without authorisation; empty = M",
            choices=("M", "A"),
            default="M",
        ),
        C("rhi_offered", "flag", False, "a return home interview was offered"),
        C("rhi_completed_at", "datetime", False, "when the return home interview took place"),
    ),
    "indicators.csv": (
        C("indicator", "text", True, "a code defined in the indicator catalogue"),
        C("month", "month", True, "one row per indicator and month", unique=("indicator", "month")),
        C("value", "number", True, "the published value (a percentage as 57.0, not 0.57)"),
        C("numerator", "number", False),
        C("denominator", "number", False),
    ),
}

# Columns holding identifiers of children, episodes and discussions: never published, and no
# published text may hold one of their values.
IDENTIFIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "early_help_episodes.csv": ("episode_id", "child_id"),
    "strategy_discussions.csv": ("discussion_id",),
    "missing_episodes.csv": ("episode_id", "child_id"),
}
