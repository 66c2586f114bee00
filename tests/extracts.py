"""Tiny hand-made extracts for the tests: every file valid unless a test changes it."""

from pathlib import Path

HEADERS = {
    "early_help_episodes.csv": "episode_id,child_id,start_date,end_date,locality",
    "strategy_discussions.csv": "discussion_id,held_at,team,children,csc,police,health,education,non_compliance_reason",
    "missing_episodes.csv": "episode_id,child_id,start,end,looked_after,type,rhi_offered,rhi_completed_at",
}


def write_folder(folder: Path, **rows) -> Path:
    """Write the three record-level files; keyword = file stem, value = list of CSV lines."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, header in HEADERS.items():
        lines = rows.get(name.removesuffix(".csv"), [])
        (folder / name).write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return folder
