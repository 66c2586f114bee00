"""The edition's workbook: one sheet per downloadable table, in the book's order, numbers as numbers."""

from openpyxl import load_workbook

from improvement_report.build import workbook
from improvement_report.build.config import load_config


def test_sheet_names_are_unique_short_and_legal():
    long = "theme_children_in_care_with_up_to_date_health_checks"
    names = workbook.sheet_names([f"{long}.csv", f"{long}_pct.csv", "a[1]:b.csv"])
    assert list(names.values()) == [long[:31], long[:29] + "_2", "a_1__b"]
    assert all(len(n) <= 31 for n in names.values())


def test_every_csv_becomes_a_sheet_in_page_order(tmp_path):
    book = tmp_path / "book"
    (book / "downloads").mkdir(parents=True)
    (book / "downloads" / "b_table.csv").write_text("month,value\n2017-10,12\n2017-11,\n", encoding="utf-8")
    (book / "downloads" / "a_table.csv").write_text("team,share\nMASH,78.3\n", encoding="utf-8")
    (book / "downloads" / "stray.csv").write_text("x\n1\n", encoding="utf-8")
    (book / "first.ipynb").write_text('{"source": "{download}`b <downloads/b_table.csv>`"}', encoding="utf-8")
    (book / "second.ipynb").write_text('"downloads/a_table.csv" and again downloads/b_table.csv', encoding="utf-8")
    found = workbook.page_downloads(book, ["first", "second"])
    assert [(page, path.name) for page, path in found] == [
        ("first", "b_table.csv"),
        ("second", "a_table.csv"),
        ("", "stray.csv"),
    ]
    cfg = load_config("config/default.yml")
    path = workbook.edition_workbook(found, tmp_path, cfg)
    assert path.name == "london-borough-of-barnet-2017-11-tables.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Contents", "b_table", "a_table", "stray"]
    rows = list(wb["b_table"].values)
    assert rows == [("month", "value"), ("2017-10", 12), ("2017-11", None)]  # a blank stays blank, not 0
    assert list(wb["a_table"].values)[1] == ("MASH", 78.3)
    contents = [r for r in wb["Contents"].values if r and r[0]]
    assert ("b_table", "b_table.csv", "first") in contents and "synthetic" in contents[1][0]
    assert contents[2][0].startswith("c: not shown, because it is a count from 1 to 5")  # the marker explained
