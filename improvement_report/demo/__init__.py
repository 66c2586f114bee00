"""Deterministic synthetic demo data: a Barnet-like borough, April 2015 to March 2018.

``generate`` writes the four extracts of the data contract into a folder. Each file draws
from its own random stream (seed and file number), so changing one generator never shifts
another. Where a figure was tuned to the published committee report, the module says so.
"""

from pathlib import Path

import numpy as np

from improvement_report.core.paths import DEMO_DATA_DIR

from . import caf, missing, strategy

DEFAULT_SEED = 20171130


def generate_frames(seed: int = DEFAULT_SEED) -> dict:
    """Return the demo extracts as data frames, keyed by file name."""
    from .dashboard import generate_indicators

    frames = {
        "early_help_episodes.csv": caf.generate(np.random.default_rng([seed, 1])),
        "strategy_discussions.csv": strategy.generate(np.random.default_rng([seed, 2])),
        "missing_episodes.csv": missing.generate(np.random.default_rng([seed, 3])),
        "indicators.csv": generate_indicators(np.random.default_rng([seed, 4])),
    }
    return frames


def generate(out_dir: Path = DEMO_DATA_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo extracts as CSV into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder to write into; created if absent.
    seed : int
        Seed of every random stream.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_frames(seed).items():
        path = out_dir / name
        frame.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
