"""DfE's published statistics: vintage by the edition's date, neighbour model, comparators,
suppressed values, the catalogue's mapping and the refresh command on a fixture of DfE files."""

import csv
import shutil
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from improvement_report.__main__ import main
from improvement_report.build.config import ConfigError, load_config
from improvement_report.inputs import published
from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.loading import DataContractError
from improvement_report.measures import comparators as cm

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dfe_ees"
NOV_2017 = pd.Timestamp("2018-01-11")  # the default edition's date (config/default.yml)


def edition(date, model="nearest"):
    return cm.Edition(302, pd.Timestamp(date), model)


def raw_rows():
    """indicators.csv read with the csv module, independently of the package."""
    with open(published.INDICATORS_FILE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- vintage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, cin, cla, csww",
    [
        # CIN 2016-17: day not verified (2 Nov 2017 as recalled); Devon's FOI answer says November
        # 2017, so it is shown only from 30 November. CLA 2016-17: not verified (28 Sep as recalled);
        # the gov.uk page was updated with the underlying data on 7 December 2017.
        ("2017-11-01", 2016, 2016, 2016),
        ("2017-11-29", 2016, 2016, 2016),  # a recalled 2 November would have leaked CIN 2016-17 here
        ("2017-11-30", 2017, 2016, 2016),
        ("2017-12-07", 2017, 2017, 2016),
        ("2018-01-11", 2017, 2017, 2016),  # the default edition
        ("2018-02-14", 2017, 2017, 2016),
        ("2018-02-15", 2017, 2017, 2017),  # verified: SFR 09/2018 front page, 15 February 2018
        ("2017-02-27", 2016, 2015, 2015),  # CSWW Sept 2016 "published in February" 2017: from 28 Feb
        ("2017-02-28", 2016, 2016, 2016),
        ("2019-03-15", 2018, 2018, 2017),  # CSWW Sept 2018 not verified: shown from 31 March 2019
        ("2019-03-31", 2018, 2018, 2018),
    ],
)
def test_vintage_follows_the_release_dates(date, cin, cla, csww):
    pub = cm.load_published(edition(date))
    latest = pub.data.groupby("series").year.max()
    assert (latest["cin"], latest["cla"], latest["csww"]) == (cin, cla, csww)
    assert (pub.data.published <= pd.Timestamp(date)).all() and (pub.data.shown_from <= pd.Timestamp(date)).all()
    assert (pub.later.shown_from.isna() | (pub.later.shown_from > pd.Timestamp(date))).all()


def test_an_unverified_day_is_never_what_decides_the_vintage():
    releases = published.load_releases()
    verified = releases.date_status == "verified"
    assert (releases[verified].shown_from == releases[verified].published).all()
    # Every date that is not verified is shown from a later, conservative date, with its reason.
    loose = releases[~verified]
    assert (loose.shown_from >= loose.published).all() and loose.shown_from_reason.str.len().gt(10).all()
    assert (loose.shown_from > loose.published).all()
    # A verified date quotes its source with an address.
    assert releases[verified].date_source.str.contains("http").all()


def test_a_value_without_a_recorded_release_date_is_never_shown():
    data = pd.DataFrame({"published": [pd.Timestamp("2017-01-01"), pd.NaT], "year": [2016, 2017]})
    shown, later = cm.vintage(data, NOV_2017)
    assert shown.year.tolist() == [2016] and later.year.tolist() == [2017]


def test_the_november_2017_edition_shows_nothing_published_after_it():
    cfg = load_config("config/default.yml")
    assert cfg.edition_date == "2018-01-11" and cfg.dfe_la_code == 302
    pub = cm.load_published(cm.Edition(cfg.dfe_la_code, pd.Timestamp(cfg.edition_date), cfg.neighbour_model))
    table = cm.indicator_comparators(load_catalogue(), pub)
    shown = table.dropna(subset=["year"])
    assert (shown.published <= pd.Timestamp(cfg.edition_date)).all()
    workforce = shown.dfe_measure.str.startswith("sw_")
    assert set(shown[workforce].year) == {2016} and set(shown[~workforce].year) == {2017}
    # Every trend point is of the vintage too.
    for measure in shown.dfe_measure.unique():
        assert max(cm.compare(pub, measure).trend.index) <= (2016 if measure.startswith("sw_") else 2017)


def test_release_dates_say_where_they_come_from():
    releases = published.load_releases()
    assert set(releases.date_status) <= {"verified", "unverified", "estimated"}
    assert releases.date_source.str.len().gt(10).all()
    estimated = releases[releases.date_status == "estimated"]
    assert estimated.date_source.str.startswith("rule:").all()
    # Each release comes after the end of the period it covers.
    end = np.where(
        releases.series == "csww", releases.year.astype(str) + "-09-30", releases.year.astype(str) + "-03-31"
    )
    assert (releases.published > pd.to_datetime(end)).all()


# --- neighbour model -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, model",
    [
        ("2018-01-02", "sn_groupings_april_2021"),  # no model in force yet: the nearest held
        ("2024-06-01", "sn_groupings_april_2021"),  # in force
        ("2025-05-01", "sn_model_2025"),
        ("2026-02-01", "sn_model_2025"),
    ],
)
def test_the_neighbour_model_is_the_one_in_force_nearest_the_date(date, model):
    assert cm.load_published(edition(date)).model == model


def test_a_named_model_is_used_and_an_unknown_one_refused():
    assert cm.load_published(edition("2018-01-02", "sn_model_2025")).model == "sn_model_2025"
    with pytest.raises(published.PublishedDataError, match="not held"):
        cm.load_published(edition("2018-01-02", "sn_model_2016"))
    with pytest.raises(published.PublishedDataError, match="no neighbours"):
        cm.load_published(cm.Edition(999, NOV_2017))


# --- comparator figures --------------------------------------------------------------------


def test_comparators_match_a_hand_computation_from_the_published_file():
    pub = cm.load_published(edition(NOV_2017))
    c = cm.compare(pub, "rereferrals_pct")
    neighbours = {"Merton", "Kingston upon Thames", "Reading", "Sutton", "Hillingdon", "Redbridge", "Hounslow"}
    neighbours |= {"Milton Keynes", "Ealing", "Bromley"}
    rows = [r for r in raw_rows() if r["measure"] == "rereferrals_pct" and r["year"] == "2017"]
    values = {r["geography_name"]: float(r["value"]) for r in rows if r["value"]}
    assert c.year == 2017 and c.year_label == "2016-17"
    assert c.council == values["Barnet"] and c.england == values["England"] and c.london == values["London"]
    assert c.neighbour_mean == pytest.approx(statistics.mean(values[n] for n in neighbours))
    assert c.neighbours_with_value == 10 and c.neighbours_total == 10
    assert c.position == 1 + sum(values[n] > values["Barnet"] for n in neighbours)
    assert c.source.startswith("DfE, Characteristics of children in need")


def test_fifteen_theme_indicators_have_a_neighbour_and_an_england_figure():
    pub = cm.load_published(edition(NOV_2017))
    table = cm.indicator_comparators(load_catalogue(), pub)
    both = table.dropna(subset=["neighbour_mean", "england"])
    assert len(both) >= 15
    assert both.year_label.ne("").all() and both.source.str.startswith("DfE, ").all()


def _with_symbols(tmp_path):
    """A copy of data/published where Barnet's and one neighbour's 2016-17 re-referral rate are symbols."""
    folder = tmp_path / "published"
    shutil.copytree(published.PUBLISHED_DIR, folder)
    d = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    hit = (d.measure == "rereferrals_pct") & (d.year == "2017")
    for place, symbol in (("Barnet", "x"), ("Sutton", "c")):
        at = hit & (d.geography_name == place)
        d.loc[at, "value"], d.loc[at, "value_text"] = "", symbol
    d.to_csv(folder / "indicators.csv", index=False)
    return folder, d


def test_suppressed_values_never_become_numbers(tmp_path):
    folder, d = _with_symbols(tmp_path)
    pub = cm.load_published(edition(NOV_2017), folder)
    c = cm.compare(pub, "rereferrals_pct")
    assert np.isnan(c.council) and c.council_symbol == "x" and c.position is None
    assert c.neighbours_with_value == 9 and c.neighbours_total == 10
    rows = d[(d.measure == "rereferrals_pct") & (d.year == "2017") & d.value.ne("")]
    codes = set(pub.neighbour_codes) - {"E09000029"}  # Sutton suppressed
    expected = statistics.mean(float(v) for v in rows[rows.geography_code.isin(codes)].value)
    assert c.neighbour_mean == pytest.approx(expected)
    assert c.trend.loc[2017, "neighbours_with_value"] == 9 and np.isnan(c.trend.loc[2017, "council"])


# --- catalogue mapping and configuration ---------------------------------------------------


@pytest.mark.parametrize(
    "change, column",
    [
        ({"dfe_measure": "no_such_measure", "dfe_relation": "same"}, "dfe_measure"),
        ({"dfe_measure": "rereferrals_pct", "dfe_relation": "similar"}, "dfe_relation"),
        ({"dfe_measure": "rereferrals_pct", "dfe_relation": "near", "dfe_note": ""}, "dfe_note"),
        ({"dfe_measure": "", "dfe_relation": "same", "dfe_note": ""}, "dfe_relation"),
    ],
)
def test_the_catalogue_mapping_is_checked(tmp_path, change, column):
    cat = pd.read_csv("data/indicator_catalogue.csv", dtype=str, keep_default_na=False)
    for key, value in change.items():
        cat.loc[0, key] = value
    path = tmp_path / "catalogue.csv"
    cat.to_csv(path, index=False)
    with pytest.raises(DataContractError) as err:
        load_catalogue(path)
    assert any(p.column == column and p.rows == [2] for p in err.value.problems)


def test_every_mapping_other_than_same_says_what_differs():
    cat = load_catalogue()
    mapped = cat[cat.dfe_measure.ne("")]
    assert len(mapped) >= 15
    assert mapped[mapped.dfe_relation.ne("same")].dfe_note.str.len().gt(20).all()


def _config(tmp_path, extra: str) -> Path:
    text = Path("config/default.yml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("edition_date", "dfe_la_code")))
    path = tmp_path / "edition.yml"
    path.write_text(text.replace("data/demo", str(Path("data/demo").resolve())) + "\n" + extra, encoding="utf-8")
    return path


def test_edition_keys_are_validated(tmp_path):
    cfg = load_config(_config(tmp_path, ""))
    assert cfg.edition_date == "2017-12-31" and cfg.dfe_la_code is None  # defaults: month after, no code
    for extra, message in (
        ("edition_date: 2017-02-30", "edition_date must be a date"),
        ("edition_date: 2017-10-01", "before report_month"),
        ("dfe_la_code: Barnet", "dfe_la_code"),
        ("dfe_la_code: 3020", "three-digit"),
        ("dfe_later_context: maybe", "dfe_later_context"),
    ):
        with pytest.raises(ConfigError, match=message):
            load_config(_config(tmp_path, extra))


# --- the refresh command -------------------------------------------------------------------


@pytest.fixture
def target(tmp_path):
    folder = tmp_path / "published"
    shutil.copytree(published.PUBLISHED_DIR, folder)
    return folder


def test_refresh_adds_the_new_year_and_replaces_revised_values(target, capsys):
    assert main(["published-refresh", "--from", str(FIXTURES / "good"), "--target", str(target)]) == 0
    out = capsys.readouterr().out
    assert "ignored data_guidance_index.csv" in out
    d = pd.read_csv(target / "indicators.csv", dtype=str, keep_default_na=False)

    def cell(measure, place, year):
        row = d[(d.measure == measure) & (d.geography_name.str.startswith(place)) & (d.year == year)]
        assert len(row) == 1
        return row.iloc[0]

    assert cell("rereferrals_pct", "Barnet", "2026").value == "18.1"
    assert cell("rereferrals_pct", "Barnet", "2017").value == "20.2"  # revised in the new release
    assert cell("rereferrals_pct", "Barnet", "2017").release == "2026"
    nfa = cell("referrals_nfa_pct", "Barnet", "2026")
    assert nfa.value == "" and nfa.value_text == "c"  # suppressed stays a symbol
    assert cell("referrals_rate_per_10k", "Merton", "2026").value_text == "x"
    assert cell("sw_agency_rate_pct", "Kingston", "2026").value_text == "u"  # joint return held under Kingston
    assert not (d.geography_name == "County Durham").any()  # only the places the book compares
    assert cell("rereferrals_pct", "England", "2026").source_commit.startswith("sha256:")
    releases = published.load_releases(target / "releases.csv")
    new = releases[(releases.series == "cin") & (releases.year == 2026)].iloc[0]
    assert new.date_status == "estimated" and new.published == pd.Timestamp("2026-10-29")  # last Thursday
    assert new.shown_from == pd.Timestamp("2026-12-31")  # not verified: the conservative date
    workforce = releases[(releases.series == "csww") & (releases.year == 2026)].iloc[0]
    assert workforce.published == pd.Timestamp("2027-02-25")
    published.load_indicators(target / "indicators.csv")  # the refreshed file passes the schema check
    assert "updated: " in out and "rereferrals_pct" in out.split("updated: ")[1].splitlines()[0]


def test_refresh_keeps_the_measures_it_cannot_read_exactly_as_they_were(target, capsys):
    """LAIT-only measures (no EES file) are neither dropped nor zeroed, and the command names them."""
    before = pd.read_csv(target / "indicators.csv", dtype=str, keep_default_na=False)
    lait = before[before.publication.str.startswith("Local Authority Interactive Tool")]
    kept_measures = {"assessments_within_45_days_pct", "icpc_within_15_days_pct", "s47_enquiries_rate_per_10k"}
    assert kept_measures <= set(lait.measure)
    assert main(["published-refresh", "--from", str(FIXTURES / "good"), "--target", str(target)]) == 0
    out = capsys.readouterr().out
    after = pd.read_csv(target / "indicators.csv", dtype=str, keep_default_na=False)
    for measure in kept_measures:
        old = before[before.measure == measure].sort_values(["geography_code", "year"]).reset_index(drop=True)
        new = after[after.measure == measure].sort_values(["geography_code", "year"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(old, new)
        assert f"{measure} (to " in out.split("kept as they were")[1]


def test_refresh_records_a_given_publication_date(target):
    args = ["published-refresh", "--from", str(FIXTURES / "good"), "--target", str(target)]
    assert main([*args, "--published-on", "2026-11-05"]) == 0
    releases = published.load_releases(target / "releases.csv")
    new = releases[(releases.series == "cin") & (releases.year == 2026)].iloc[0]
    assert new.published == pd.Timestamp("2026-11-05") and new.date_status == "verified"
    assert new.shown_from == new.published


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda f: None, "d3_cpps_subsequent_plan_2013_to_2026.csv: column cpp_subsequent_percent, rows 3"),
        (
            lambda f: (f / "d3_cpps_subsequent_plan_2013_to_2026.csv").write_text(
                "time_period,geographic_level\n2026,National\n"
            ),
            "column cpp_subsequent_percent is missing",
        ),
        (
            lambda f: (f / "d3_cpps_subsequent_plan_2013_to_2026.csv").write_bytes(b"\xff\xfe\x00bad"),
            "cannot be read as a CSV file",
        ),
    ],
)
def test_a_malformed_file_is_refused_in_one_line_and_nothing_changes(tmp_path, target, capsys, make, message):
    folder = tmp_path / "release"
    shutil.copytree(FIXTURES / "malformed", folder)
    make(folder)
    before = _snapshot(target)
    assert main(["published-refresh", "--from", str(folder), "--target", str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _snapshot(target) == before


def test_a_folder_without_dfe_files_is_refused(tmp_path, target, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["published-refresh", "--from", str(tmp_path / "empty"), "--target", str(target)]) == 2
    assert "no CSV files" in capsys.readouterr().err
