"""One Excel workbook of every table the edition offers for download, for members who work in Excel.

Each CSV the pages wrote under ``downloads/`` becomes one sheet, in the order of the book, after
a contents sheet that names each sheet's file and page. Values are read back as numbers where
they are numbers, so Excel can sum and chart them. Like the PDF, the workbook is written beside
the HTML and never into ``book/``: an .xlsx file carries the time it was written.
"""

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from improvement_report.build.config import ReportConfig
from improvement_report.core.paths import DOWNLOADS_DIRNAME
from improvement_report.core.periods import month_name
from improvement_report.render.suppression import TABLE_NOTE

SHEET_NAME_LIMIT = 31  # Excel's limit on the length of a sheet's name
ILLEGAL_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def workbook_name(cfg: ReportConfig) -> str:
    """The workbook's file name: ``<council>-<YYYY-MM>-tables.xlsx``."""
    council = re.sub(r"[^a-z0-9]+", "-", cfg.local_authority.lower()).strip("-") or "report"
    return f"{council}-{cfg.report_month}-tables.xlsx"


def sheet_names(files: list[str]) -> dict[str, str]:
    """A unique sheet name of at most 31 characters for each CSV file name."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for file in files:
        base = ILLEGAL_IN_SHEET_NAMES.sub("_", Path(file).stem)[:SHEET_NAME_LIMIT]
        name, n = base, 2
        while name.lower() in used:
            suffix = f"_{n}"
            name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        names[file] = name
    return names


def page_downloads(book_dir: Path, pages: list[str]) -> list[tuple[str, Path]]:
    """Every CSV under ``book_dir/downloads`` as ``(page, file)``: in the order of the pages that
    name it, then any no page names (with no page)."""
    folder = book_dir / DOWNLOADS_DIRNAME
    files = {p.name: p for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}
    out: list[tuple[str, Path]] = []
    for page in pages:
        notebook = book_dir / f"{page}.ipynb"
        text = notebook.read_text(encoding="utf-8") if notebook.is_file() else ""
        for name in dict.fromkeys(re.findall(rf"{DOWNLOADS_DIRNAME}/([\w.-]+\.csv)", text)):
            if name in files:
                out.append((page, files.pop(name)))
    return out + [("", path) for path in files.values()]


def _put(sheet, table: pd.DataFrame) -> None:
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        sheet.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    for i, column in enumerate(table.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in table.iloc[:, i - 1].head(200)])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"


def edition_workbook(downloads: list[tuple[str, Path]], html_dir: Path, cfg: ReportConfig) -> Path:
    """Write every downloadable table into one workbook in ``html_dir``; return its path.

    Parameters
    ----------
    downloads : list of (str, Path)
        ``(page, csv file)`` in the book's order.
    html_dir : Path
        The built HTML folder; the workbook is written at its root.
    cfg : ReportConfig
        The report, for the workbook's name and its contents sheet.
    """
    names = sheet_names([csv.name for _, csv in downloads])
    book = Workbook()
    contents = book.active
    contents.title = "Contents"
    contents.append([f"{cfg.local_authority}: children's services improvement report, {month_name(cfg.report_month)}"])
    contents["A1"].font = Font(bold=True)
    if cfg.synthetic_data:
        contents.append(["Every figure comes from synthetic demo data, not from any child's record."])
    if cfg.suppress_small_numbers:  # the sheets show hidden values as the pages do: say what the marker means
        contents.append([TABLE_NOTE])
    contents.append([])
    contents.append(["Sheet", "File", "Page of the report"])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    for page, csv in downloads:
        try:
            table = pd.read_csv(csv, keep_default_na=False, na_values=[""])
        except pd.errors.EmptyDataError:  # a table with nothing for this period (short or partial editions)
            table = pd.DataFrame({"Note": ["No rows for this edition's period."]})
        _put(book.create_sheet(names[csv.name]), table)
        contents.append([names[csv.name], csv.name, page])
    for column, width in (("A", 34), ("B", 48), ("C", 24)):
        contents.column_dimensions[column].width = width
    target = html_dir / workbook_name(cfg)
    book.save(target)
    return target
