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
