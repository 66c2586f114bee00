"""An edition whose free text is hostile: every free-text column and published configuration string
holds a script tag, an event handler, a ``javascript:`` link, a MyST role or directive (``{raw}``,
``{download}``), ``$$`` math, backticks, an HTML comment or a line break that could start a fence.

Each payload calls ``alert`` with its own number, so a page on which one came alive is named.
The demo extracts are copied with only the text columns replaced, so every chapter still has
the data it needs to draw its charts and name teams.
"""

import csv
from pathlib import Path

import yaml

from improvement_report.core.paths import DEMO_DATA_DIR

MARKER = "alert(13"  # every payload's call starts so: alert(1301), alert(1302), ...

PAYLOADS = [
    "EDT <script>alert(1301)</script>",
    "IPE <img src=x onerror=alert(1302)>",
    "```{raw} html\n<script>alert(1303)</script>\n```",
    ":::{raw} html\n<svg onload=alert(1304)></svg>\n:::",
    "{raw}`html <img src=x onerror=alert(1305)>` and {download}`passwd </etc/passwd>`",
    "[click me](javascript:alert(1306)) <a href='javascript:alert(1307)'>x</a>",
    "$$\\href{javascript:alert(1308)}{x}$$ and `code` <!-- <script>alert(1309)</script> -->",
    "Team\n# heading\n<details open ontoggle=alert(1310)>",
]


def _rewrite(source: Path, target: Path, column: str, values: dict) -> None:
    """Copy a CSV, replacing ``column``'s values through ``values`` (unmapped ones kept)."""
    with source.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row[column] = values.get(row[column], row[column])
    with target.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _values(source: Path, column: str) -> list[str]:
    with source.open(newline="", encoding="utf-8") as f:
        return sorted({row[column] for row in csv.DictReader(f)} - {""})


def _name_a_child_in_reasons(path: Path, child_id: str, times: int = 4) -> None:
    """Write "see child <id> case" as the reason of the first non-compliant discussions."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    named = 0
    for row in rows:
        if named < times and "N" in (row["police"], row["health"]):
            row["non_compliance_reason"] = f"see child {child_id} case"
            named += 1
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make_payload_edition(root: Path) -> tuple[Path, str]:
    """Write hostile extracts and a configuration under ``root``.

    The edition publishes to ``root / "site"`` (its own ``output_dir``).

    Returns
    -------
    (Path, str)
        The configuration file, and the child identifier written into free text.
    """
    data = root / "data"
    data.mkdir(parents=True)
    for path in DEMO_DATA_DIR.glob("*.csv"):
        (data / path.name).write_bytes(path.read_bytes())
    teams = _values(DEMO_DATA_DIR / "strategy_discussions.csv", "team")
    _rewrite(
        DEMO_DATA_DIR / "strategy_discussions.csv",
        data / "strategy_discussions.csv",
        "team",
        {team: PAYLOADS[i % len(PAYLOADS)] for i, team in enumerate(teams)},
    )
    reasons = _values(DEMO_DATA_DIR / "strategy_discussions.csv", "non_compliance_reason")
    _rewrite(
        data / "strategy_discussions.csv",
        data / "strategy_discussions.csv",
        "non_compliance_reason",
        # Two reasons name configured categories (so they are published as categories); the
        # third, multi-line, is none of them.
        dict(zip(reasons, [PAYLOADS[4], PAYLOADS[2], PAYLOADS[6]])),
    )
    child_id = _values(DEMO_DATA_DIR / "missing_episodes.csv", "child_id")[0]
    _name_a_child_in_reasons(data / "strategy_discussions.csv", child_id)
    localities = _values(DEMO_DATA_DIR / "early_help_episodes.csv", "locality")
    _rewrite(
        DEMO_DATA_DIR / "early_help_episodes.csv",
        data / "early_help_episodes.csv",
        "locality",
        {place: PAYLOADS[(i + 5) % len(PAYLOADS)] for i, place in enumerate(localities)},
    )
    config = yaml.safe_load((DEMO_DATA_DIR.parents[1] / "config" / "default.yml").read_text(encoding="utf-8"))
    config.update(
        local_authority="Barnet " + PAYLOADS[0],
        data_dir=str(data),
        output_dir=str(root / "site"),
        short_name=PAYLOADS[1],
        contact=PAYLOADS[6],
        # Configuration text is one line (a line break is refused): the one-line payloads.
        reason_categories=[PAYLOADS[4], PAYLOADS[6], "Agency not available"],
    )
    config["notebooks"]["strategy_discussions"] = {"comparison_label": PAYLOADS[5]}
    path = root / "payloads.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, child_id
