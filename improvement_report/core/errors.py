"""Error output: one short, plain line for the person at the terminal; the whole story in a log.

A failing build can have a long message (every problem in an extract, Jupyter Book's warnings,
a notebook's coloured traceback). The terminal gets one line without colour codes, cut to a few
hundred characters, ending with the path of a log file that holds the full text.
"""

import os
import re
import tempfile
import time
from pathlib import Path

from improvement_report.core.paths import BUILD_DIR

LOG_DIR = BUILD_DIR / "logs"
# Set to write the logs elsewhere (the tests point it at a temporary folder).
LOG_DIR_VARIABLE = "IMPROVEMENT_REPORT_LOG_DIR"
MAX_LINE = 300
# ANSI/VT100 control sequences (colours, cursor moves) and the other C0/C1 control characters.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def plain(text: str) -> str:
    """``text`` without ANSI codes or control characters, as one line with single spaces."""
    return " ".join(_CONTROL.sub(" ", _ANSI.sub("", str(text))).split())


def write_log(text: str, name: str = "error") -> Path | None:
    """Write the full text of a problem to ``_build/logs/`` (or the folder named by the environment
    variable ``IMPROVEMENT_REPORT_LOG_DIR``; or the temporary folder when that cannot be written,
    e.g. a full disk); return the file, or None when no log could be written."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (Path(os.environ.get(LOG_DIR_VARIABLE) or LOG_DIR), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"improvement-report-{name}-{stamp}-{os.getpid()}.log"
            path.write_text(_ANSI.sub("", str(text)) + "\n", encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def error_line(message: str, full_text: str | None = None, name: str = "error") -> str:
    """One line for the terminal: the message made plain, cut to :data:`MAX_LINE` characters,
    and the path of the log holding ``full_text`` (default: the message itself).

    Parameters
    ----------
    message : str
        What went wrong; may be long, multi-line or coloured.
    full_text : str, optional
        Everything worth keeping (all problems, a traceback); written to the log.
    name : str
        A word for the log file's name (the command).

    Returns
    -------
    str
        E.g. ``"error: notebook summary failed at cell 4: KeyError: 'x' (full log: _build/logs/...)"``.
    """
    line = plain(message)
    log = write_log(full_text if full_text is not None else message, name)
    where = f" (full log: {log})" if log else ""
    room = max(MAX_LINE - len(where), 80)
    if len(line) > room:
        line = line[: room - 3].rstrip() + "..."
    return line + where
