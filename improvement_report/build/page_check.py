"""Only report content on a page: an executed page that shows machinery fails the build.

A stream output (a warning, a print), an error, an object's repr (``<IPython.core.display.Markdown
object>``) or a path on the building machine is never something a reader should see; where a
model cannot be fitted the page says so in a sentence instead.
"""

import json
import re
import tempfile
from pathlib import Path

from improvement_report.core.paths import REPO_ROOT

_REPR = re.compile(r"<[A-Za-z_][\w.]* object(?: at 0x[0-9a-f]+)?>")


def _local_paths() -> list[str]:
    places = {str(REPO_ROOT), str(Path.home()), tempfile.gettempdir()}
    return sorted(p for p in places if len(p) > 4)  # never "/" or a short root that any text could hold


def page_problems(page: str, notebook_text: str) -> list[str]:
    """What on an executed page is not report content, one line each (empty: the page is clean).

    Parameters
    ----------
    page : str
        The page's name, for the message.
    notebook_text : str
        The executed notebook (JSON).
    """
    problems = []
    paths = _local_paths()
    for number, cell in enumerate(json.loads(notebook_text).get("cells", []), start=1):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                text = " ".join("".join(output.get("text", "")).split())[:160]
                problems.append(f"{page}, cell {number}: printed output ({output.get('name')}): {text}")
                continue
            if kind == "error":
                problems.append(f"{page}, cell {number}: an error ({output.get('ename')})")
                continue
            data = output.get("data", {})
            shown = {k: "".join(v) if isinstance(v, list) else str(v) for k, v in data.items() if k.startswith("text/")}
            if "text/plain" in shown and not set(shown) - {"text/plain"} and _REPR.search(shown["text/plain"]):
                problems.append(
                    f"{page}, cell {number}: an object's repr instead of content: {shown['text/plain'][:80]}"
                )
            for text in shown.values():
                for place in paths:
                    if place in text:
                        problems.append(f"{page}, cell {number}: shows a path on this machine ({place})")
    return problems
