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


def test_a_share_is_hidden_when_its_count_its_total_or_the_rest_is_1_to_5():
    from improvement_report.render.suppression import share_hidden

    assert share_hidden(2, 6) and share_hidden(0, 4) and share_hidden(17, 20)  # 2; total 4; rest 3
    assert not share_hidden(0, 40) and not share_hidden(40, 40) and not share_hidden(6, 12)
    assert not share_hidden(2, 6, enabled=False)


def test_parts_of_hides_a_part_whose_rest_is_1_to_5_and_partners_it():
    # In hours 20 discussions, 17 compliant (3 not: hidden, so 17 is hidden); out of hours 30, 20
    # compliant (10 not). The compliant column then has one hidden cell: its partner is 20.
    t = pd.DataFrame({"n": [20, 30], "k": [17, 20], "pct": [85.0, 66.7]}, index=["in", "out"])
    out = suppress(t, ["n", "k"], {"pct": ["n", "k"]}, rows_add_up=False, parts_of={"k": "n"})
    assert out.k.tolist() == ["c", "c"] and out.pct.tolist() == ["c", "c"] and out.n.tolist() == [20, 30]
