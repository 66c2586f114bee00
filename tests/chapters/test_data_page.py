"""The data page counts every row left out of a figure, by reason."""

from improvement_report.chapters import data_page as data_report
from improvement_report.inputs.loading import load_extracts


def test_exclusions_are_counted_by_reason(make_folder):
    folder = make_folder(
        early_help_episodes=["1,1,2017-01-01,,", "2,2,2017-12-05,,West"],
        strategy_discussions=["S1,2017-09-04,MASH,1,Y,Y,Y,,", "S2,2017-08-01 10:00,MASH,1,Y,Y,Y,Y,"],
        missing_episodes=[
            "M1,1,2017-09-01 22:00,2017-09-02 08:00,N,,,",  # followed up for 28 days by the extract
            "M2,1,2017-12-20 22:00,2017-12-21 08:00,N,,,",  # returned 10 days before the extract
            "M3,2,2017-12-30 22:00,,Y,,,",  # still missing; the latest time in the file
        ],
    )
    t = data_report.exclusions_table(load_extracts(folder, optional=()), "2017-11", "2017-09-01", "2017-12-31")
    rows = dict(zip(t.Reason, t.Rows))
    assert rows["started after November 2017"] == 1 and rows["locality blank"] == 1
    assert rows["held outside the window"] == 1 and rows["no time recorded"] == 1 and rows["education blank"] == 1
    assert rows["no end: still missing at the extract"] == 1
    assert rows["returned less than 28 days before the extract"] == 1
    assert rows["started outside the window"] == 0
