"""Where a page writes its files: a folder its caller passes, never the working directory.

A page's charts go in ``figures/`` and its downloads in ``downloads/`` inside that folder, and
the page links to them by those relative paths, so the folder can move with the page.
"""

from dataclasses import dataclass
from pathlib import Path

from improvement_report.core.paths import DOWNLOADS_DIRNAME, FIGURES_DIRNAME

# No software version or date inside a PNG: identical bytes on every rebuild.
PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class PageOutput:
    """The folder of one executed page; created once in the template and passed to every writer.

    Parameters
    ----------
    folder : str or Path
        The page's folder, which must exist (the template passes its own, ``"."``: papermill
        and nbval start the kernel beside the executed notebook).
    """

    folder: Path

    def __post_init__(self):
        object.__setattr__(self, "folder", Path(self.folder))

    def _file(self, subfolder: str, filename: str) -> tuple[Path, str]:
        where = self.folder / subfolder
        where.mkdir(exist_ok=True)
        return where / filename, f"{subfolder}/{filename}"

    def figure_file(self, name: str) -> tuple[Path, str]:
        """Where to write the PNG ``name``, and the page's link to it (``figures/<name>.png``)."""
        return self._file(FIGURES_DIRNAME, f"{name}.png")

    def download_file(self, filename: str) -> tuple[Path, str]:
        """Where to write the download ``filename``, and the page's link to it (``downloads/<filename>``)."""
        return self._file(DOWNLOADS_DIRNAME, filename)
