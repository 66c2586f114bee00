"""The identifier scan finds a planted identifier and ignores look-alikes."""

from improvement_report.inputs.loading import load_extracts
from improvement_report.render.disclosure import find_identifiers, identifiers


def test_scan_finds_a_planted_identifier_and_not_longer_numbers(tmp_path, make_folder):
    folder = make_folder(early_help_episodes=["0040001,0349948,2017-01-01,,West"])
    ids = identifiers(load_extracts(folder, optional=()))
    assert ids == {"0040001", "0349948"}
    site = tmp_path / "site"
    (site / "book").mkdir(parents=True)
    (site / "book" / "clean.html").write_text("<p>614 CAFs, 20349948 and 00400010 are other numbers</p>")
    (site / "book" / "leak.html").write_text("<td>child 0349948</td>")
    (site / "figure.png").write_bytes(b"\x890349948")  # binary files are not text output
    found = find_identifiers([site], ids)
    assert found == {site / "book" / "leak.html": {"0349948"}}


def test_scan_names_the_file_and_column_never_the_identifier(tmp_path):
    from improvement_report.render.disclosure import scan_outputs

    (tmp_path / "book" / "downloads").mkdir(parents=True)
    (tmp_path / "book" / "downloads" / "reasons.csv").write_text("reason\nsee child 1667806 case\n", encoding="utf-8")
    (tmp_path / "book" / "page.ipynb").write_text('{"text": "C-0042 was seen"}', encoding="utf-8")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "searchindex.js").write_text("Search.setIndex({terms: {x16678061: 1}})", encoding="utf-8")
    ids = {"1667806": "missing_episodes.csv, column child_id", "C-0042": "early_help_episodes.csv, column child_id"}
    hits, searched = scan_outputs([tmp_path / "book", tmp_path / "html"], ids)
    assert searched == 3
    assert sorted((p.relative_to(tmp_path).as_posix(), column) for p, column in hits) == [
        ("book/downloads/reasons.csv", "missing_episodes.csv, column child_id"),
        ("book/page.ipynb", "early_help_episodes.csv, column child_id"),
    ]  # "x16678061" holds the digits inside a longer token: not an identifier
