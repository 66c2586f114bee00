"""Locations inside the repository, found from the package, never from the working directory.

nbval and papermill start kernels in the notebook's own folder, so every path the package
uses is anchored on this file.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_DIR.parent
DATA_DIR = REPO_ROOT / "data"
DEMO_DATA_DIR = DATA_DIR / "demo"
REFERENCE_DIR = DATA_DIR / "reference"
CATALOGUE_PATH = DATA_DIR / "indicator_catalogue.csv"
CONFIG_DIR = REPO_ROOT / "config"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
BUILD_DIR = REPO_ROOT / "_build"
HTML_DIR = BUILD_DIR / "html"
# Folders beside each executed page (papermill and nbval run kernels in the page's folder).
FIGURES_DIRNAME = "figures"
DOWNLOADS_DIRNAME = "downloads"


def resolve(path: str | Path) -> Path:
    """Return ``path`` as an absolute path, reading relative paths from the repository root.

    Parameters
    ----------
    path : str or Path
        A path from a configuration file or the command line.

    Returns
    -------
    Path
        The absolute path.
    """
    p = Path(path)
    return p if p.is_absolute() else (REPO_ROOT / p).resolve()
