"""The demo dashboard reproduces the committee report's published figures, and the catalogue holds.

Every published number is written out here and recomputed from the monthly rows, so these
tests check the generator against the report, not against its own anchor table.
"""

import numpy as np
import pandas as pd
import pytest

from improvement_report.core import paths
from improvement_report.demo.dashboard import anchor_table, generate_indicators
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.loading import DataContractError

MONTHS = [str(p) for p in pd.period_range("2015-04", "2018-03", freq="M")]


@pytest.fixture(scope="module")
def frame():
    return generate_indicators(np.random.default_rng(20171130))


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def rows(frame, code, start, end=None):
    sel = frame[(frame["indicator"] == code) & frame["month"].between(start, end or start)]
    return sel.sort_values("month")


def value(frame, code, month):
    return rows(frame, code, month)["value"].item()


def values(frame, code, start, end):
    return rows(frame, code, start, end)["value"].to_numpy()


def pooled(frame, code, start, end):
    sel = rows(frame, code, start, end)
    return 100 * sel["numerator"].sum() / sel["denominator"].sum()


def rising(x):
    return bool(np.all(np.diff(x) > 0))


# --- figures marked "must" in published-figures.md: November 2017 unless stated -------------


@pytest.mark.parametrize(
    "code, month, expected",
    [
        ("assessments_45wd_pct", "2017-11", 57.0),
        ("assessments_completed", "2017-04", 223),
        ("assessments_completed", "2017-11", 499),
        ("contacts_to_referral_pct", "2017-03", 13.4),
        ("contacts_to_referral_pct", "2017-11", 33.0),
        ("open_cin_plans", "2016-06", 340),
        ("open_cin_plans", "2017-11", 676),
        ("cin_visits_6wk_pct", "2017-11", 68.7),
        ("cp_visits_10d_pct", "2017-11", 72.5),
        ("cic_visits_pct", "2017-11", 89.0),
        ("repeat_referrals_pct", "2017-11", 18.1),
        ("repeat_referrals_pct", "2017-03", 19.2),  # "our previous year's figure"
        ("s47_to_icpc_15wd_pct", "2017-11", 92.9),
        ("cp_second_subsequent_pct", "2017-11", 7.8),
        ("cp_second_subsequent_pct", "2016-11", 9.7),
        ("cp_plans_ceased", "2017-11", 12),
        ("cp_plans_ceased", "2017-10", 25),
        ("cp_plans_2yrs_plus", "2017-11", 2),
        ("cp_plans_2yrs_plus", "2017-04", 11),
        ("iha_in_time_pct", "2017-04", 31.0),
        ("iha_in_time_pct", "2017-11", 77.0),
        ("private_fostering_monitored", "2017-08", 6),
        ("private_fostering_monitored", "2017-11", 18),
        ("cp_under5_open", "2017-11", 53),
        ("cp_under5_seen_10d_pct", "2017-11", 83.0),
        ("cp_under5_seen_4wk_pct", "2017-11", 98.1),
        # workforce (1.16, 1.37, 1.25)
        ("sw_vacancies", "2017-09", 11),
        ("tm_vacancies", "2017-09", 4),
        ("ap_vacancies", "2017-09", 8),
        ("clinical_practitioner_vacancies", "2017-09", 2),
        ("tm_vacancies", "2017-12", 4),
        ("members_trained_corporate_parenting", "2017-12", 32),
    ],
)
def test_published_monthly_figures(frame, code, month, expected):
    assert value(frame, code, month) == expected


def test_cin_plans_opened_averages(frame):
    assert abs(values(frame, "cin_plans_opened", "2016-04", "2017-03").mean() - 73) <= 0.5
    assert abs(values(frame, "cin_plans_opened", "2017-04", "2017-11").mean() - 109) <= 0.5


def test_children_made_subject_to_cp_plans(frame):
    assert values(frame, "cp_plans_started", "2017-04", "2017-11").sum() == 154
    assert values(frame, "cp_plans_started", "2016-04", "2016-11").sum() == 145
    last3 = values(frame, "cp_plans_started", "2017-09", "2017-11")
    assert last3.mean() == 26 and values(frame, "cp_plans_started", "2016-09", "2016-11").mean() == 13
    assert last3[0] > last3[1] > last3[2]  # decreasing over the last three months
    assert round(pooled(frame, "cp_plans_started_under10_pct", "2017-04", "2017-11")) == 88


def test_second_plans_are_a_year_to_date_share_of_plans_started(frame):
    nov = rows(frame, "cp_second_subsequent_pct", "2017-11").iloc[0]
    assert nov["numerator"] == 12
    assert nov["denominator"] == values(frame, "cp_plans_started", "2017-04", "2017-11").sum()


def test_cp_visits_three_month_average(frame):
    assert round(values(frame, "cp_visits_10d_pct", "2017-09", "2017-11").mean()) == 71


def test_icpcs_leading_to_a_plan_september_to_december(frame):
    assert round(pooled(frame, "icpc_to_cpp_pct", "2017-09", "2017-12"), 1) == 83.3


def test_under_fives_seen(frame):
    nov = rows(frame, "cp_under5_seen_10d_pct", "2017-11").iloc[0]
    assert (nov["numerator"], nov["denominator"]) == (44, 53)
    assert rows(frame, "cp_under5_seen_4wk_pct", "2017-11")["numerator"].item() == 52


@pytest.mark.parametrize(
    "code, expected",
    [
        ("referrals_to_assessment_pct", 93),
        ("assessments_nfa_pct", 48),
        ("assessments_s17_pct", 19),
        ("s47_to_cin_plan_pct", 17),
    ],
)
def test_context_figures_since_april_2017(frame, code, expected):
    assert round(pooled(frame, code, "2017-04", "2017-11")) == expected


def test_permanent_appointments_after_the_campaign(frame):
    assert values(frame, "permanent_appointments", "2017-09", "2017-12").sum() == 6 + 2


def test_cp_years_agree_with_dfe(frame):
    # DfE Characteristics of children in need, Barnet: cpp_started, cpp_subsequent_pct, cpp_open_31mar.
    for year, started, subsequent, open_ in ((2016, 309, 16.5, 267), (2017, 260, 10.8, 194), (2018, 243, 9.9, 162)):
        assert values(frame, "cp_plans_started", f"{year - 1}-04", f"{year}-03").sum() == started
        assert value(frame, "cp_second_subsequent_pct", f"{year}-03") == subsequent
        assert value(frame, "cp_plans_open", f"{year}-03") == open_
    open_ = values(frame, "cp_plans_open", "2015-04", "2018-03")
    started, ceased = (values(frame, code, "2015-05", "2018-03") for code in ("cp_plans_started", "cp_plans_ceased"))
    assert np.array_equal(np.diff(open_), started - ceased)


# --- shapes ------------------------------------------------------------------------------------


def test_rising_and_falling_runs(frame):
    assert rising(values(frame, "contacts_to_referral_pct", "2017-04", "2017-11"))
    assert rising(values(frame, "open_cin_plans", "2017-01", "2017-11"))
    assert values(frame, "open_cin_plans", "2015-04", "2017-10").max() < 676
    assert rising(values(frame, "cin_visits_6wk_pct", "2017-08", "2017-11"))
    assert rising(values(frame, "cp_visits_10d_pct", "2017-09", "2017-11"))
    assert rising(-values(frame, "repeat_referrals_pct", "2017-05", "2017-11"))
    assert rising(values(frame, "s47_completed", "2017-07", "2017-11"))
    assert rising(values(frame, "s47_to_icpc_15wd_pct", "2017-08", "2017-11"))
    assert rising(values(frame, "private_fostering_monitored", "2017-08", "2017-11"))
    assert np.all(np.diff(values(frame, "cp_plans_2yrs_plus", "2017-04", "2017-11")) <= 0)


def test_cic_visits_dip_in_september(frame):
    aug, sep, octo, nov = values(frame, "cic_visits_pct", "2017-08", "2017-11")
    assert sep < aug and sep < octo < nov


def test_iha_upward_since_april_2017(frame):
    iha = values(frame, "iha_in_time_pct", "2017-04", "2017-11")
    assert iha[-1] == iha.max() and iha[0] < iha[-1]


def test_lac_review_participation(frame):
    assert (values(frame, "lac_review_participation_pct", "2017-07", "2017-11") > 95).all()
    two_years = values(frame, "lac_review_participation_pct", "2015-12", "2017-11")
    assert (two_years > 90).all() and np.polyfit(np.arange(24), two_years, 1)[0] > 0


def test_health_checks_above_target_and_rising(frame):
    checks = values(frame, "cic_health_checks_pct", "2017-04", "2018-03")
    assert (checks > 95).all()
    assert checks[7] > checks[0] and np.polyfit(np.arange(12), checks, 1)[0] > 0


def test_fewer_contacts_in_august_and_december(frame):
    contacts = rows(frame, "contacts_to_referral_pct", "2015-04", "2018-03")
    holiday = contacts["month"].str[5:].isin(["08", "12"])
    assert contacts["denominator"][holiday].mean() < contacts["denominator"][~holiday].mean()


# --- structure -------------------------------------------------------------------------------


def test_one_row_per_indicator_and_month(frame):
    assert list(frame.columns) == ["indicator", "month", "value", "numerator", "denominator"]
    assert not frame.duplicated(["indicator", "month"]).any()
    for _, months in frame.groupby("indicator")["month"]:
        assert sorted(months) == MONTHS


def test_codes_match_the_catalogue(frame, catalogue):
    assert set(frame["indicator"]) == set(catalogue.index)


def test_numbers_are_consistent_with_units(frame, catalogue):
    unit = frame["indicator"].map(catalogue["unit"])
    pct, count = frame[unit == "percent"], frame[unit == "count"]
    assert pct[["numerator", "denominator"]].notna().all().all()
    assert (pct["denominator"] > 0).all() and (pct["numerator"] <= pct["denominator"]).all()
    assert ((pct["value"] - 100 * pct["numerator"] / pct["denominator"]).abs() <= 0.05 + 1e-9).all()
    assert frame.loc[unit != "percent", ["numerator", "denominator"]].isna().all().all()
    assert (count["value"] % 1 == 0).all() and (frame["value"] >= 0).all()


def test_deterministic():
    a = generate_indicators(np.random.default_rng(20171130))
    b = generate_indicators(np.random.default_rng(20171130))
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("seed", [[20171130, 4], 1, 2, 3])
def test_anchors_hold_for_other_seeds(seed):
    table = anchor_table(generate_indicators(np.random.default_rng(seed)))
    assert table["matches"].all(), table[~table["matches"]]


# --- catalogue ---------------------------------------------------------------------------------


def test_catalogue_contents(catalogue):
    assert catalogue.index.name == "code" and catalogue.index.is_unique
    assert set(catalogue["theme"]) == set(range(1, 8))  # the shipped catalogue groups its indicators in seven themes
    assert all((catalogue["theme"] == t).sum() >= 2 for t in (1, 2, 3, 7))
    # Targets, comparators and report paragraphs are a council's: none is in the shared catalogue.
    assert catalogue["target"].isna().all() and catalogue["comparator_england"].isna().all()
    assert (catalogue["published_paragraph"] == "").all() and (catalogue["published_list"] == "").all()


def test_the_default_edition_brings_its_own_targets_and_comparators():
    from improvement_report.measures.indicators import full_catalogue

    edition = full_catalogue(edition_content="editions/barnet")
    rr = edition.loc["repeat_referrals_pct"]
    assert (rr["target"], rr["comparator_statistical_neighbours"], rr["comparator_previous_year"]) == (18, 18.2, 19.2)
    assert rr["comparator_england"] == 21.9
    assert edition.loc["assessments_45wd_pct", "target"] == 90
    assert edition.loc["repeat_referrals_pct", "published_paragraph"] == "1.80"  # text, not 1.8
    overridden = full_catalogue(
        edition_content="editions/barnet", indicator_overrides={"repeat_referrals_pct": {"target": 15}}
    )
    assert overridden.loc["repeat_referrals_pct", "target"] == 15  # the configuration's indicators win


def broken_catalogue(tmp_path, edit):
    path = tmp_path / "indicator_catalogue.csv"
    path.write_text(edit(paths.CATALOGUE_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def spreadsheet_row(code):
    lines = paths.CATALOGUE_PATH.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines) if line.startswith(code + ",")) + 1  # header is row 1


def test_catalogue_rejects_bad_polarity(tmp_path):
    path = broken_catalogue(
        tmp_path, lambda t: t.replace("5,percent,in_month,higher_is_better,", "5,percent,in_month,up,", 1)
    )
    with pytest.raises(DataContractError) as caught:
        load_catalogue(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == ("indicator_catalogue.csv", "polarity")
    assert problem.rows == [spreadsheet_row("assessments_45wd_pct")]


def test_catalogue_rejects_duplicate_code_and_bad_number(tmp_path):
    path = broken_catalogue(
        tmp_path,
        lambda t: t.replace("\nsw_vacancies,", "\naudits_completed,").replace(
            "5,percent,in_month,higher_is_better,,", "5,percent,in_month,higher_is_better,ninety,", 1
        ),
    )
    with pytest.raises(DataContractError) as caught:
        load_catalogue(path)
    problems = {p.column: p for p in caught.value.problems}
    assert set(problems) == {"code", "target"}
    assert problems["code"].rows == [spreadsheet_row("audits_completed"), spreadsheet_row("sw_vacancies")]
    assert problems["target"].rows == [spreadsheet_row("assessments_45wd_pct")]
