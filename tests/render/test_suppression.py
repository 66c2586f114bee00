"""Small-number suppression: primary 1-5, secondary so nothing can be recovered, derived values hidden."""

import pandas as pd

from improvement_report.render.suppression import SUPPRESSED, suppress, suppression_mask


def test_primary_suppression_hides_1_to_5_and_shows_zero_and_six():
    counts = pd.DataFrame({"n": [0, 1, 5, 6]}, index=list("abcd"))
    # one column: 1 and 5 are hidden; two hidden cells, so no secondary needed
    assert suppression_mask(counts).n.tolist() == [False, True, True, False]


def test_secondary_suppression_hides_the_next_smallest_in_row_and_column():
    counts = pd.DataFrame({"open": [3, 40, 25], "closed": [30, 12, 18]}, index=["A", "B", "C"])
    mask = suppression_mask(counts)
    # 3 is hidden; column "open" then needs a partner: the smallest other non-zero, 25 (row C);
    # row A needs a partner: 30; column "closed" now has one hidden (30): partner 12 (row B);
    # row B has one hidden (12): partner 40; row C has one hidden (25): partner 18.
    assert mask.all().all()  # worked through above: every cell ends up hidden in this small table
    for line in [*mask.itertuples(index=False)] + [mask[c] for c in mask]:
        assert sum(bool(x) for x in line) != 1  # never a single hidden cell in a line
    assert mask.loc["A", "open"]


def test_suppress_marks_cells_and_derived_columns():
    t = pd.DataFrame(
        {"now": [2, 50, 60], "before": [10, 40, 70], "change": [-8, 10, -10]}, index=["North", "South", "West"]
    )
    out = suppress(t, ["now", "before"], derived={"change": ["now", "before"]})
    assert out.loc["North", "now"] == SUPPRESSED and out.loc["North", "change"] == SUPPRESSED
    assert (out == SUPPRESSED).sum().sum() >= 4
    assert suppress(t, ["now", "before"], enabled=False) is t


def test_nothing_to_hide_leaves_values():
    t = pd.DataFrame({"n": [10, 20]}, index=["a", "b"])
    assert suppress(t, ["n"]).n.tolist() == [10, 20]
