"""The input data contract, rule by rule, on tiny hand-made extracts.

Each test writes its own CSV files to ``tmp_path``, so none depends on ``data/demo`` or on the
design folder. Row numbers are spreadsheet rows: the header is row 1.
"""

import pandas as pd
import pytest

from improvement_report.inputs.loading import (
    FILES,
    DataContractError,
    Problem,
    load_extracts,
    load_file,
)

CAF = "episode_id,child_id,start_date,end_date,locality\n"
STRATEGY = "discussion_id,held_at,team,children,csc,police,health,education,non_compliance_reason\n"
MISSING = "episode_id,child_id,start,end,looked_after,type,rhi_offered,rhi_completed_at\n"
INDICATORS = "indicator,month,value,numerator,denominator\n"

VALID = {
    "caf": CAF + "E1,C1,2017-01-05,2017-02-01,West\nE2,C2,2017-03-01,,\n",
    "strategy": STRATEGY + "S1,2017-11-06 10:00,MASH,2,Y,Y,Y,N,\n",
    "missing": MISSING + "M1,C1,2017-11-01 20:00,2017-11-02 08:00,N,,Y,2017-11-03 09:00\n",
    "indicators": INDICATORS + "CAF_OPEN,2017-11,614,,\n",
}


def write(folder, key, text, encoding="utf-8"):
    """Write one extract under its contract file name and return its path."""
    path = folder / FILES[key]
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def problems_of(path, key, **kwargs):
    """The problems ``load_file`` raises for one file."""
    with pytest.raises(DataContractError) as caught:
        load_file(path, key, **kwargs)
    return caught.value.problems


def only(problems, column):
    """The single problem reported for ``column``."""
    found = [p for p in problems if p.column == column]
    assert len(found) == 1, problems
    return found[0]


# --- valid files and their types -------------------------------------------------------------


def test_valid_extracts_are_typed(tmp_path):
    for key, text in VALID.items():
        write(tmp_path, key, text)
    x = load_extracts(tmp_path)

    assert list(x.caf.columns) == ["episode_id", "child_id", "start_date", "end_date", "locality"]
    assert x.caf["start_date"].dtype == "datetime64[ns]"
    assert x.caf["end_date"].tolist()[0] == pd.Timestamp("2017-02-01")
    assert pd.isna(x.caf["end_date"][1]) and pd.isna(x.caf["locality"][1])

    assert list(x.strategy.columns) == [
        "discussion_id",
        "held_at",
        "time_known",
        "team",
        "children",
        "csc",
        "police",
        "health",
        "education",
        "non_compliance_reason",
    ]
    s = x.strategy.iloc[0]
    assert s["held_at"] == pd.Timestamp("2017-11-06 10:00") and s["time_known"] == True  # noqa: E712
    assert x.strategy["children"].dtype == "int64" and x.strategy["csc"].dtype == bool
    assert x.strategy["education"].dtype == "boolean" and s["education"] == False  # noqa: E712

    m = x.missing.iloc[0]
    assert (m["start"], m["end"]) == (pd.Timestamp("2017-11-01 20:00"), pd.Timestamp("2017-11-02 08:00"))
    assert m["looked_after"] == False and m["type"] == "M"  # noqa: E712  empty type means M
    assert x.missing["rhi_offered"].dtype == "boolean"
    assert x.missing["rhi_completed_at"].dtype == "datetime64[ns]"

    i = x.indicators.iloc[0]
    assert i["month"] == pd.Timestamp("2017-11-01") and i["value"] == 614.0
    assert x.indicators["value"].dtype == "float64" and pd.isna(i["numerator"])

    assert [(f.file, f.rows) for f in x.files] == [
        ("early_help_episodes.csv", 2),
        ("strategy_discussions.csv", 1),
        ("missing_episodes.csv", 1),
        ("indicators.csv", 1),
    ]


def test_bom_header_case_spaces_order_and_extra_columns(tmp_path):
    text = " Locality ,CHILD_ID,Notes, End_Date,start_date,EPISODE_ID\nWest,C1,hello,,2017-01-05,E1\n"
    path = write(tmp_path, "caf", text, encoding="utf-8-sig")  # Excel's "CSV UTF-8" adds a BOM
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    x = load_extracts(tmp_path, required=("caf",), optional=())
    assert list(x.caf.columns) == ["episode_id", "child_id", "start_date", "end_date", "locality"]
    assert x.caf.iloc[0].tolist()[:3] == ["E1", "C1", pd.Timestamp("2017-01-05")]
    assert x.files[0].ignored_columns == ["Notes"]
    assert x.strategy is None and x.indicators is None


def test_values_are_trimmed(tmp_path):
    path = write(tmp_path, "strategy", STRATEGY + " S1 , 2017-11-06 , MASH , 2 , y , N ,yes,, late \n")
    d = load_file(path, "strategy")
    assert d.iloc[0][["discussion_id", "team", "children", "non_compliance_reason"]].tolist() == [
        "S1",
        "MASH",
        2,
        "late",
    ]
    assert d.iloc[0]["held_at"] == pd.Timestamp("2017-11-06")


def test_identifiers_are_text_leading_zeros_kept(tmp_path):
    path = write(tmp_path, "caf", CAF + "007,007,2017-01-05,,\n7,7,2017-01-05,,\n")
    d = load_file(path, "caf")
    assert d["episode_id"].tolist() == ["007", "7"] and d["child_id"].tolist() == ["007", "7"]


# --- dates and date-times --------------------------------------------------------------------


def test_day_first_dates_are_accepted(tmp_path):
    path = write(tmp_path, "caf", CAF + "E1,C1,05/01/2017,28/02/2017,\nE2,C1,2017-01-05,2017-02-28,\n")
    d = load_file(path, "caf")
    assert d["start_date"].tolist() == [pd.Timestamp("2017-01-05")] * 2
    assert d["end_date"].tolist() == [pd.Timestamp("2017-02-28")] * 2


@pytest.mark.parametrize(
    "value",
    ["2017/01/05", "5/1/2017", "05-01-2017", "20170105", "2017-1-5", "05/01/17", "2017-01-05 10:00", "Jan 5 2017"],
)
def test_other_date_forms_are_errors(tmp_path, value):
    path = write(tmp_path, "caf", CAF + f"E1,C1,2017-01-05,,\nE2,C1,{value},,\n")
    p = only(problems_of(path, "caf"), "start_date")
    assert p.rows == [3] and p.rule == "must be a date, YYYY-MM-DD or DD/MM/YYYY"


@pytest.mark.parametrize("value", ["31/02/2017", "2017-02-30", "00/01/2017", "2017-13-01"])
def test_impossible_dates_are_errors(tmp_path, value):
    path = write(tmp_path, "caf", CAF + f"E1,C1,{value},,\n")
    p = only(problems_of(path, "caf"), "start_date")
    assert p.rows == [2] and p.rule.startswith("is not a real calendar date")


def test_held_at_date_alone_seconds_and_t_separator(tmp_path):
    rows = [
        "S1,2017-11-04,A,1,Y,Y,Y,,",
        "S2,2017-11-06T17:30:15,A,1,Y,Y,Y,,",
        "S3,06/11/2017 08:59,A,1,Y,Y,Y,,",
        "S4,06/11/2017,A,1,Y,Y,Y,,",
        "S5,2017-11-06 09:00,A,1,Y,Y,Y,,",
    ]
    d = load_file(write(tmp_path, "strategy", STRATEGY + "\n".join(rows) + "\n"), "strategy")
    assert d["held_at"].tolist() == [
        pd.Timestamp(t)
        for t in ("2017-11-04 00:00", "2017-11-06 17:30:15", "2017-11-06 08:59", "2017-11-06", "2017-11-06 09:00")
    ]
    assert d["time_known"].tolist() == [False, True, True, False, True]


@pytest.mark.parametrize(
    "value",
    [
        "2017-11-01",
        "01/11/2017",
        "2017-11-01 25:00",
        "01/11/2017 10:00:00",
        "2017-11-01 10",
        "2017-11-01 10:00+01:00",
        "31/11/2017 10:00",
    ],
)
def test_missing_episode_date_times_need_a_valid_time(tmp_path, value):
    path = write(tmp_path, "missing", MISSING + f"M1,C1,{value},,Y,,,\n")
    p = only(problems_of(path, "missing"), "start")
    assert p.rows == [2]


def test_missing_episode_date_time_forms(tmp_path):
    text = MISSING + ("M1,C1,2017-11-01 20:00,2017-11-02T08:00:30,Y,,,\nM2,C1,01/11/2017 20:00,,Y,,,02/11/2017 09:15\n")
    d = load_file(write(tmp_path, "missing", text), "missing")
    assert d["start"].tolist() == [pd.Timestamp("2017-11-01 20:00")] * 2
    assert d["end"][0] == pd.Timestamp("2017-11-02 08:00:30") and pd.isna(d["end"][1])
    assert d["rhi_completed_at"][1] == pd.Timestamp("2017-11-02 09:15")


def test_end_date_must_not_be_before_start_date(tmp_path):
    text = CAF + "E1,C1,2017-01-05,2017-01-05,\nE2,C1,2017-01-05,04/01/2017,\nE3,C1,2017-01-05,,\n"
    p = only(problems_of(write(tmp_path, "caf", text), "caf"), "end_date")
    assert (p.rows, p.rule) == ([3], "must be on or after start_date")


def test_missing_end_must_not_be_before_start(tmp_path):
    text = MISSING + "M1,C1,2017-11-01 20:00,2017-11-01 19:59,Y,,,\nM2,C1,2017-11-01 20:00,2017-11-01 20:00,Y,,,\n"
    p = only(problems_of(write(tmp_path, "missing", text), "missing"), "end")
    assert (p.rows, p.rule) == ([2], "must be on or after start")


# --- flags, integers, choices, numbers -------------------------------------------------------


def test_flag_spellings(tmp_path):
    rows = ["S1,2017-11-06,A,1,Y,yes,TRUE,1,", "S2,2017-11-06,A,1,n,No,false,0,", "S3,2017-11-06,A,1,y,N,1,,"]
    d = load_file(write(tmp_path, "strategy", STRATEGY + "\n".join(rows) + "\n"), "strategy")
    assert d["csc"].tolist() == [True, False, True]
    assert d["police"].tolist() == [True, False, False]
    assert d["health"].tolist() == [True, False, True]
    assert d["education"].tolist() == [True, False, pd.NA]


def test_bad_and_empty_flags(tmp_path):
    rows = ["S1,2017-11-06,A,1,Yes please,Y,Y,maybe,", "S2,2017-11-06,A,1,Y,,Y,,", "S3,2017-11-06,A,1,Y,Y,2,,"]
    problems = problems_of(write(tmp_path, "strategy", STRATEGY + "\n".join(rows) + "\n"), "strategy")
    flag_rule = "must be Y or N (also accepted: yes/no, true/false, 1/0)"
    assert (only(problems, "csc").rows, only(problems, "csc").rule) == ([2], flag_rule)
    assert (only(problems, "police").rows, only(problems, "police").rule) == ([3], "is required: the cell is empty")
    assert only(problems, "health").rows == [4]
    assert only(problems, "education").rows == [2]  # the empty education on rows 3-4 is allowed


def test_children_is_a_whole_number_at_least_one(tmp_path):
    rows = [f"S{i},2017-11-06,A,{n},Y,Y,Y,," for i, n in enumerate(["1", "0", "-2", "1.5", "two", "12"])]
    problems = problems_of(write(tmp_path, "strategy", STRATEGY + "\n".join(rows) + "\n"), "strategy")
    by_rule = {p.rule: p.rows for p in problems if p.column == "children"}
    assert by_rule == {"must be a whole number": [5, 6], "must be 1 or more": [3, 4]}


def test_missing_type_is_m_or_a(tmp_path):
    text = MISSING + "".join(f"M{i},C1,2017-11-01 20:00,,Y,{t},,\n" for i, t in enumerate(["M", "A", "", "X", "a"]))
    p = only(problems_of(write(tmp_path, "missing", text), "missing"), "type")
    assert (p.rows, p.rule) == ([5, 6], "must be M or A or empty")
    ok = load_file(
        write(tmp_path, "missing", MISSING + "M1,C1,2017-11-01 20:00,,Y,A,,\nM2,C1,2017-11-01 20:00,,Y,,,\n"), "missing"
    )
    assert ok["type"].tolist() == ["A", "M"]


def test_optional_flag_in_missing_episodes(tmp_path):
    text = MISSING + "M1,C1,2017-11-01 20:00,,Y,,N,\nM2,C1,2017-11-01 20:00,,Y,,,\nM3,C1,2017-11-01 20:00,,Y,,x,\n"
    p = only(problems_of(write(tmp_path, "missing", text), "missing"), "rhi_offered")
    assert p.rows == [4]


def test_indicator_values_months_and_duplicates(tmp_path):
    text = INDICATORS + (
        "A,2017-11,57.0,4,7\nA,2017-12,x,,\nA,2017-11,58,,\nB,2017-13,1,,\n"
        "B,Nov 2017,1,,\nB,2017-11,1,one,\nB,2017-10,inf,,\n"
    )
    problems = problems_of(write(tmp_path, "indicators", text), "indicators")
    by = {(p.column, p.rule): p.rows for p in problems}
    assert by == {
        ("month", "must be a month, YYYY-MM"): [6],
        ("month", "is not a real month"): [5],
        ("value", "must be a number"): [3, 8],
        ("numerator", "must be a number"): [7],
        ("month", "must be one row per indicator and month: repeated on these rows"): [2, 4],
    }


def test_indicator_codes_checked_against_the_catalogue(tmp_path):
    path = write(tmp_path, "indicators", INDICATORS + "A,2017-11,1,,\nZZ,2017-11,1,,\n")
    p = only(problems_of(path, "indicators", indicator_codes={"A", "B"}), "indicator")
    assert (p.rows, p.rule) == ([3], "not a code in the indicator catalogue")
    assert len(load_file(path, "indicators")) == 2  # no catalogue given: codes not checked


# --- required columns and values, uniqueness ---------------------------------------------------


def test_missing_required_columns_are_named(tmp_path):
    path = write(tmp_path, "caf", "episode_id,locality\nE1,West\n")
    (p,) = problems_of(path, "caf")
    assert p.column is None and p.rows == []
    assert p.rule.startswith("required columns missing: child_id, start_date ")


def test_missing_optional_column_is_allowed(tmp_path):
    d = load_file(write(tmp_path, "caf", "episode_id,child_id,start_date\nE1,C1,2017-01-05\n"), "caf")
    assert d["end_date"].isna().all() and d["locality"].isna().all()
    assert list(d.columns) == ["episode_id", "child_id", "start_date", "end_date", "locality"]


def test_required_values_must_not_be_empty(tmp_path):
    path = write(tmp_path, "caf", CAF + "E1,,2017-01-05,,\n ,C2,2017-01-05,,\nE3,C3,,,\n")
    problems = problems_of(path, "caf")
    assert {p.column: p.rows for p in problems} == {"child_id": [2], "episode_id": [3], "start_date": [4]}
    assert {p.rule for p in problems} == {"is required: the cell is empty"}


def test_duplicate_identifiers_report_every_row(tmp_path):
    path = write(
        tmp_path,
        "caf",
        CAF + "007,C1,2017-01-05,,\n7,C1,2017-01-05,,\n007,C2,2017-01-06,,\nE9,C1,2017-01-05,,\n007,C3,2017-01-07,,\n",
    )
    p = only(problems_of(path, "caf"), "episode_id")
    assert (p.rows, p.rule) == ([2, 4, 6], "must be unique: the same value is on more than one row")


def test_unique_identifiers_in_other_files(tmp_path):
    s = problems_of(
        write(tmp_path, "strategy", STRATEGY + "S1,2017-11-06,A,1,Y,Y,Y,,\nS1,2017-11-07,A,1,Y,Y,Y,,\n"), "strategy"
    )
    m = problems_of(
        write(tmp_path, "missing", MISSING + "M1,C1,2017-11-01 20:00,,Y,,,\nM1,C2,2017-11-01 20:00,,Y,,,\n"), "missing"
    )
    assert only(s, "discussion_id").rows == [2, 3] and only(m, "episode_id").rows == [2, 3]


def test_repeated_column_in_header_is_a_problem(tmp_path):
    (p,) = problems_of(write(tmp_path, "caf", "episode_id,child_id,start_date,Child_ID\nE1,C1,2017-01-05,C2\n"), "caf")
    assert (p.column, p.rule) == ("child_id", "column appears more than once in the header")


# --- whole files -------------------------------------------------------------------------------


def test_header_only_file_is_valid_with_zero_rows(tmp_path):
    d = load_file(write(tmp_path, "strategy", STRATEGY), "strategy")
    assert len(d) == 0 and d["held_at"].dtype == "datetime64[ns]" and d["children"].dtype == "int64"


def test_required_file_absent_optional_absent(tmp_path):
    write(tmp_path, "caf", VALID["caf"])
    write(tmp_path, "strategy", VALID["strategy"])
    with pytest.raises(DataContractError) as caught:
        load_extracts(tmp_path)
    (p,) = caught.value.problems
    assert (p.file, p.column, p.rows) == ("missing_episodes.csv", None, [])
    assert str(p) == f"missing_episodes.csv: file not found in {tmp_path}"
    x = load_extracts(tmp_path, required=("caf", "strategy"), optional=("missing", "indicators"))
    assert x.missing is None and x.indicators is None and len(x.caf) == 2


@pytest.mark.parametrize(
    "content, rule",
    [
        (b"", "is empty: it needs a header row"),
        (
            b"episode_id,child_id,start_date\nE1,C1,2017-01-05,extra\n",
            "cannot be read as CSV: Expected 3 fields in line 2, saw 4",
        ),
        (
            "episode_id,child_id,start_date,locality\nE1,C1,2017-01-05,Société\n".encode("cp1252"),
            "cannot be read: it is not UTF-8 text",
        ),
    ],
)
def test_unreadable_files(tmp_path, content, rule):
    (p,) = problems_of(write(tmp_path, "caf", content), "caf")
    assert (p.column, p.rows, p.rule) == (None, [], rule)


def test_row_numbers_count_the_header_and_blank_lines(tmp_path):
    text = CAF + "E1,C1,2017-01-05,,\n\nE2,C1,bad,,\n,,,,\nE3,C1,2017-01-05,,\nE4,C1,bad,,\n"
    p = only(problems_of(write(tmp_path, "caf", text), "caf"), "start_date")
    assert p.rows == [4, 7]  # blank line is row 3 and the empty row 5: skipped, still counted


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    write(tmp_path, "caf", CAF + "E1,C1,2017-01-05,2016-01-01,\nE1,C1,31/02/2017,,\n")
    write(tmp_path, "strategy", STRATEGY + "S1,2017-11-06,A,0,Y,Y,Q,,\n")
    write(tmp_path, "missing", "episode_id,start\nM1,2017-11-01 20:00\n")
    write(tmp_path, "indicators", INDICATORS + "A,2017-11,x,,\n")
    with pytest.raises(DataContractError) as caught:
        load_extracts(tmp_path)
    found = {(p.file, p.column) for p in caught.value.problems}
    assert found == {
        ("early_help_episodes.csv", "end_date"),
        ("early_help_episodes.csv", "start_date"),
        ("early_help_episodes.csv", "episode_id"),
        ("strategy_discussions.csv", "children"),
        ("strategy_discussions.csv", "health"),
        ("missing_episodes.csv", None),
        ("indicators.csv", "value"),
    }
    lines = str(caught.value).split("\n")
    assert lines == [str(p) for p in caught.value.problems] and len(lines) == 7


# --- messages ----------------------------------------------------------------------------------


def test_problem_message_format():
    p = Problem("early_help_episodes.csv", "end_date", [4, 9, 12, 13, 20, 21, 30, 31], "must be on or after start_date")
    assert str(p) == (
        "early_help_episodes.csv, column end_date, rows 4, 9, 12, 13, 20 (and 3 more): must be on or after start_date"
    )
    assert str(Problem("a.csv", "x", [4], "r")) == "a.csv, column x, row 4: r"
    assert str(Problem("a.csv", "x", [2, 3, 4, 5, 6], "r")) == "a.csv, column x, rows 2, 3, 4, 5, 6: r"
    assert str(Problem("a.csv", None, [], "file not found in data")) == "a.csv: file not found in data"


def test_every_message_is_one_line(tmp_path):
    header = '"episode\nid",child_id,start_date\n'  # a header name with a line break in it
    write(tmp_path, "caf", header + "E1,C1,2017-01-05\n")
    write(tmp_path, "strategy", b"")
    write(tmp_path, "missing", "a,b\n1,2,3\n")
    with pytest.raises(DataContractError) as caught:
        load_extracts(tmp_path)
    assert len(caught.value.problems) == 3
    assert all("\n" not in str(p) for p in caught.value.problems)
    assert len(str(caught.value).splitlines()) == 3


def test_control_characters_in_text_fields_are_errors_with_row_numbers(tmp_path):
    rows = [
        "S1,2017-11-06,MASH,1,Y,Y,Y,N,fine reason",
        "S2,2017-11-06,MA\x00SH,1,Y,Y,Y,N,",
        "S3,2017-11-06,MASH,1,Y,Y,Y,N,bell \x07 here",
        "S4,2017-11-06,MASH,1,Y,Y,Y,N,\x1b[31mred",
        'S5,2017-11-06,MASH,1,Y,Y,Y,N,"tab\tand\nline break are text"',
        "S6,2017-11-06,MASH,1,Y,Y,Y,N,c1 \x85 control",
    ]
    problems = problems_of(write(tmp_path, "strategy", STRATEGY + "\n".join(rows) + "\n"), "strategy")
    assert only(problems, "team").rows == [3]
    # A quoted line break stays inside its cell (one spreadsheet row): S6 is on row 7.
    assert only(problems, "non_compliance_reason").rows == [4, 5, 7]
    assert "control character" in only(problems, "team").rule


def test_published_names_may_not_hold_an_identifier_or_six_digits(tmp_path):
    write(tmp_path, "caf", CAF + "E1,C1667806,2017-01-05,,West\nE2,C2,2017-03-01,,Team C1667806\n")
    write(
        tmp_path, "strategy", STRATEGY + "S1,2017-11-06 10:00,MASH,2,Y,Y,Y,N,\nS2,2017-11-06,Team 123456,1,Y,Y,Y,N,\n"
    )
    write(tmp_path, "missing", MISSING + "M1,C1,2017-11-01 20:00,,N,,Y,\n")
    with pytest.raises(DataContractError) as caught:
        load_extracts(tmp_path)
    problems = caught.value.problems
    assert (only(problems, "locality").file, only(problems, "locality").rows) == ("early_help_episodes.csv", [3])
    assert (only(problems, "team").file, only(problems, "team").rows) == ("strategy_discussions.csv", [3])
    assert "identifier" in only(problems, "team").rule and "C1667806" not in str(caught.value)
    # The same six digits inside a reason are not published as text, so they pass the contract.
    write(tmp_path, "caf", CAF + "E1,C1,2017-01-05,,West\n")
    write(tmp_path, "strategy", STRATEGY + "S1,2017-11-06 10:00,MASH,2,Y,Y,N,N,see child 1667806 case\n")
    assert load_extracts(tmp_path).strategy.non_compliance_reason.iloc[0] == "see child 1667806 case"
