"""The missing episodes chapter on hand-made cases: duration, censoring, repeats, the 72-hour rule,
the chapter's tables on an empty window, and the published comparator table."""

import pandas as pd
import pytest

from improvement_report.chapters import missing_episodes as mc
from improvement_report.inputs import published
from improvement_report.inputs.loading import load_file
from improvement_report.measures import missing_episodes as me


def episodes(make_folder, rows):
    return load_file(make_folder(missing_episodes=rows) / "missing_episodes.csv", "missing")


def test_duration_bands_at_their_edges(make_folder):
    ms = episodes(
        make_folder,
        [
            "E1,1,2017-09-01 10:00,2017-09-02 09:59,N,,,",  # 23h59: under 24 hours
            "E2,2,2017-09-01 10:00,2017-09-02 10:00,N,,,",  # exactly 24 hours: 1 to 3 days
            "E3,3,2017-09-01 10:00,2017-09-04 10:00,N,,,",  # exactly 72 hours: still 1 to 3 days
            "E4,4,2017-09-01 10:00,2017-09-04 10:01,N,,,",  # 72h01: over 3 days
            "E5,5,2017-09-01 10:00,,N,,,",  # still missing: no band
        ],
    )
    hours = me.duration_hours(ms)
    assert hours.iloc[0] == pytest.approx(23 + 59 / 60)
    bands = mc.duration_band(hours)
    assert bands.iloc[:4].tolist() == ["Under 24 hours", "1 to 3 days", "1 to 3 days", "Over 3 days"]
    assert pd.isna(bands.iloc[4])


def test_open_episodes_are_censored_at_the_extract_not_dropped(make_folder):
    ms = episodes(
        make_folder,
        [
            "E1,1,2018-03-01 00:00,2018-03-01 10:00,N,,,",
            "E2,2,2018-03-02 00:00,,N,,,",  # open: censored at the extract
            "E3,3,2018-03-03 00:00,2018-03-04 00:00,N,,Y,2018-03-05 12:00",  # latest date-time in the file
        ],
    )
    as_at = me.extract_time(ms)
    assert as_at == pd.Timestamp("2018-03-05 12:00")
    ttr = me.time_to_return(ms, as_at)
    assert ttr.returned.tolist() == [True, False, True]
    assert ttr.hours.tolist() == [10, 3 * 24 + 12, 24]
    # Kaplan-Meier: the open episode (84 h) outlasts both returns, so the curve ends at 1/3, not 0
    sf = mc.survival(ms, as_at)
    assert sf.survival[-1] == pytest.approx(1 / 3)
    assert mc.km_median(sf) == 24


def test_repeat_within_28_days_rule(make_folder):
    ms = episodes(
        make_folder,
        [
            "A1,7,2017-01-01 10:00,2017-01-02 10:00,N,,,",
            "A2,7,2017-01-30 10:00,2017-01-30 12:00,Y,,,",  # exactly 28 days after A1's return: counts, even from care
            "B1,8,2017-01-01 10:00,2017-01-02 10:00,N,,,",
            "B2,8,2017-01-30 10:01,2017-01-30 12:00,N,,,",  # 28 days and a minute: does not count
            "C1,9,2017-01-01 10:00,2017-01-02 10:00,N,,,",
            "C2,009,2017-01-03 10:00,2017-01-03 12:00,N,,,",  # a different child ("009" is not "9")
            "D1,5,2017-06-20 10:00,2017-06-21 10:00,N,,,",  # returned 10 days before the extract: not followed up
            "D2,5,2017-06-25 10:00,2017-07-01 10:00,N,,,",
        ],
    )
    flags = me.repeat_within(ms, me.extract_time(ms)).set_index(ms.episode_id)
    assert flags.loc["A1", "repeat"] and not flags.loc["B1", "repeat"] and not flags.loc["C1", "repeat"]
    assert flags.loc["A1", "followed_up"] and flags.loc["C1", "followed_up"]
    assert not flags.loc["D1", "followed_up"] and not flags.loc["D1", "repeat"]
    assert flags.loc["A1", "gap"] == pd.Timedelta(days=28)


def test_rhi_within_72_hours_rule_and_table(make_folder):
    ms = episodes(
        make_folder,
        [
            "R1,1,2017-09-01 10:00,2017-09-01 20:00,N,,Y,2017-09-04 20:00",  # exactly 72 hours: within
            "R2,2,2017-09-01 10:00,2017-09-01 20:00,N,,Y,2017-09-04 20:01",  # one minute late
            "R3,3,2017-09-01 10:00,2017-09-01 20:00,N,,Y,2017-09-01 19:00",  # before the return: not valid
            "R4,4,2017-09-01 10:00,2017-09-01 20:00,N,,,",  # offer not recorded
            "R5,5,2017-09-01 10:00,,Y,A,,",  # still missing: not a return
        ],
    )
    assert me.rhi_within_72h(ms).tolist() == [True, False, False, False, False]
    ch = mc.load_frames(ms, "2017-09-01", "2017-09-30", "2017-09", suppress_small=False)  # the rule, not disclosure
    t = mc.rhi_table(ch)
    assert t.loc["Returned episodes", "From home"] == 4
    assert t.loc["Offer not recorded", "From home"] == 1
    assert t.loc["Interview offered", "From home"].startswith("75.0%")
    assert t.loc["Completed within 72 hours", "From home"].startswith("25.0%")
    assert t.loc["Returned episodes", "From care"] == 0
    assert mc.still_missing_children(ch) == {"home": 0, "care": 1}


def test_frequency_distribution_and_top_tenth():
    counts = pd.Series([1] * 8 + [3, 10])
    assert mc.per_child_band(counts).tolist() == [8, 1, 1]
    assert mc.top_share(counts) == pytest.approx(10 / 21)  # one child of ten is the top tenth
    assert mc.top_share(pd.Series([1] * 11 + [5, 5])) == pytest.approx(10 / 21)  # ceil(1.3) = 2 children
    assert mc.top_share(pd.Series([], dtype=int)) is None


def _zero_truncated_nb2_fit(home, care):
    """Maximum likelihood of the zero-truncated NB2 written out by hand, for an independent check.

    P(y) = Gamma(y + 1/a) / (Gamma(1/a) y!) (1 / (1 + a mu))^(1/a) (a mu / (1 + a mu))^y, and given
    y >= 1 it is P(y) / (1 - P(0)) with P(0) = (1 + a mu)^(-1/a); log mu = b0 + b1 (care).
    """
    import numpy as np
    from scipy import optimize, special

    y = np.array(home + care, dtype=float)
    x = np.r_[np.zeros(len(home)), np.ones(len(care))]

    def negative_loglik(theta):
        b0, b1, log_a = theta
        a, mu = np.exp(log_a), np.exp(b0 + b1 * x)
        r = 1 / a
        log_p = (
            special.gammaln(y + r)
            - special.gammaln(r)
            - special.gammaln(y + 1)
            + r * np.log(r / (r + mu))
            + y * np.log(mu / (r + mu))
        )
        log_p0 = r * np.log(r / (r + mu))
        return -(log_p - np.log1p(-np.exp(log_p0))).sum()

    best = optimize.minimize(
        negative_loglik,
        [0.5, 0.5, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    b0, b1, log_a = best.x
    return np.exp(b1), np.exp(log_a)


def test_zero_truncated_negative_binomial_matches_the_likelihood_written_out(make_folder):
    # over-dispersed counts, as real ones are: most children once, a few many times; never zero
    home = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 5, 9]
    care = [1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 22]
    rows, k = [], 0
    for prefix, flag, counts in (("H", "N", home), ("C", "Y", care)):
        for child, n in enumerate(counts):
            for _ in range(n):
                k += 1
                rows.append(f"E{k},{prefix}{child},2017-01-01 10:00,2017-01-01 12:00,{flag},,,")
    ch = mc.load_frames(episodes(make_folder, rows), "2017-01-01", "2017-12-31", "2017-01")
    model = mc.frequency_model(ch)
    rate_ratio, alpha = _zero_truncated_nb2_fit(home, care)
    assert model.zero_truncated
    assert model.rate_ratio == pytest.approx(rate_ratio, rel=1e-4)
    assert model.alpha == pytest.approx(alpha, rel=1e-3)
    assert model.low < model.rate_ratio < model.high
    assert (model.n_reference, model.n_compared) == (12, 12)
    # The untruncated fit reads the missing zeros as a different spread: its alpha is not the model's.
    plain = me_group_rate_ratio(home, care)
    assert abs(plain.alpha - model.alpha) > 0.1


def me_group_rate_ratio(home, care):
    from improvement_report.stats.count_models import group_rate_ratio

    return group_rate_ratio(pd.Series(home), pd.Series(care))


def test_empty_window_gives_sentences_and_no_charts(make_folder):
    ms = episodes(make_folder, ["E1,1,2017-09-01 10:00,2017-09-02 10:00,N,,,"])
    ch = mc.load_frames(ms, "2014-01-01", "2014-01-31", "2015-04")
    assert "No missing episodes" in mc.headline(ch)
    assert not mc.spc_chart(ch, "Episodes").drawn
    assert not mc.duration_chart(ch).drawn and not mc.km_chart(ch, mc.logrank_by_group(ch)).drawn
    assert not mc.rhi_chart(ch).drawn and mc.frequency_model(ch) is None
    assert mc.repeat_table(ch).empty and "cannot" in mc.repeat_sentence(ch)
    assert "association" in mc.rhi_association_sentence(mc.rhi_association(ch))


def test_no_identifier_in_any_table(make_folder):
    ms = episodes(
        make_folder,
        [
            "EPISODE99,CHILD42,2017-09-01 10:00,2017-09-02 10:00,Y,,Y,2017-09-02 12:00",
            "EPISODE98,CHILD42,2017-09-20 10:00,,Y,M,,",
            "EPISODE97,CHILD43,2017-10-01 10:00,2017-10-01 12:00,N,,N,",
        ],
    )
    ch = mc.load_frames(ms, "2017-09-01", "2017-12-31", "2017-01")
    tables = [
        mc.headline_table(ch),
        mc.counts_by(ch, "M"),
        mc.frequency_table(ch),
        mc.band_table(ch),
        mc.flat(mc.duration_by_quarter(ch)),
        mc.flat(mc.km_by_year(ch)),
        mc.flat(mc.repeat_table(ch)),
        mc.missing_away_table(ch),
        mc.rhi_table(ch),
        mc.flat(mc.rhi_delay_table(ch)),
        mc.association_display(mc.rhi_association(ch)),
    ]
    text = " ".join(t.to_csv() for t in tables) + mc.headline(ch) + mc.repeat_sentence(ch)
    assert "CHILD4" not in text and "EPISODE9" not in text


def test_published_table_loads_and_matches_the_publication():
    data = published.load_missing_from_care()
    barnet_2018 = data[(data.geography_name == "Barnet") & (data.year == 2018)].set_index("measure").value
    assert barnet_2018["cla_children_missing"] == 88
    assert barnet_2018["cla_missing_incidents"] == 579
    away = data[(data.geography_name == "Barnet") & (data.measure == "cla_away_incidents")].set_index("year").value
    assert away[2021] == 142 and (away.loc[2022:] == 0).all()  # the recording change DfE warns about
    assert {"Barnet", "England", "London", "Outer London"} <= set(data.geography_name)
    for model in ("sn_model_2025", "sn_groupings_april_2021"):
        assert set(published.load_neighbours(302, model).la_name) <= set(data.geography_name)
    assert (data.source_file != "").all() and (data.source_commit.str.len() == 40).all()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.drop(columns="source_file"), "missing columns"),
        (lambda d: d.assign(value=d.value.where(d.index != 0, "eighty")), "rows 2: value is not a number"),
        (lambda d: d.assign(measure=d.measure.where(d.index != 0, "cla_unknown")), "unknown measures"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), "more than one row"),
    ],
)
def test_published_schema_check_rejects_a_broken_file(tmp_path, change, message):
    d = pd.read_csv(published.INDICATORS_FILE, dtype=str, keep_default_na=False)
    path = tmp_path / "broken.csv"
    change(d).to_csv(path, index=False)
    with pytest.raises(published.PublishedDataError, match=message):
        published.load_missing_from_care(path)


def test_national_picture_of_a_2017_edition_stops_at_2016_17_with_the_2021_model():
    nat = mc.national("London Borough of Barnet", 302, "2018-01-02")
    assert nat.latest == 2017 and int(nat.data.year.max()) == 2017
    assert nat.neighbours[:2] == ["Merton", "Kingston upon Thames"]  # April 2021 groupings, not 2025
    t = mc.national_table(nat)
    assert t.loc["Barnet", "Children who went missing"] == 82  # SFR50/2017, Miss_Miss_DuringYear
    assert t.loc["Barnet", "Children looked after at 31 March"] == 344  # SFR50/2017, CLA_Mar2017
    # 82 of 344 in care at 31 March, and 493 incidents over 82 children, worked by hand:
    assert t.loc["Barnet", mc.PER_100] == 23.8 and t.loc["Barnet", mc.PER_CHILD] == 6.0
    sentence = mc.national_sentence(nat)
    assert "year to 31 March 2017" in sentence and "April 2021" in sentence and "2024" not in sentence


def test_national_picture_of_a_later_edition_names_the_caveat():
    nat = mc.national("London Borough of Barnet", 302, "2025-12-01")
    assert nat.latest == 2024 and nat.neighbours[0] == "Waltham Forest"  # the 2025 model, in force
    assert "no away incidents since 2022" in mc.national_sentence(nat)
    assert mc.national_table(nat).loc["Barnet", "Children who went missing"] == 87  # year to 31 March 2024
    assert mc.national("Somewhere Else").la is None  # no DfE code: no national picture


def test_episodes_per_child_is_rounded_once_where_it_is_shown(make_folder):
    # 38 children from care with 207 episodes: 207 / 38 = 5.4474, so 5.4 to one decimal place. Rounded to
    # 2 places first (5.45) and then to one, it would read 5.5 (the audit's 621 / 114).
    from improvement_report.render import display

    rows, k = [], 0
    for child, n in enumerate([5] * 37 + [22]):
        for _ in range(n):
            k += 1
            rows.append(f"E{k},C{child},2017-03-01 10:00,2017-03-01 12:00,Y,,,")
    ch = mc.load_frames(episodes(make_folder, rows), "2017-01-01", "2017-12-31", "2017-01")
    table = mc.frequency_table(ch)
    value = table.loc["Episodes per child", mc.LABEL["care"]]
    assert value == 207 / 38
    shown = display.table(table, caption="Episodes per child").data
    assert ">5.4<" in shown and ">5.5<" not in shown


def _small_window(make_folder):
    """8 children missing from home once each (6 interviewed within 72 hours, 2 not) and 2 children
    in care missing 3 times, all in September 2017, each back after 10 hours."""
    rows = []
    for i in range(8):
        done = f"2017-09-0{i + 1} 21:00" if i < 6 else ""
        rows.append(f"H{i},{i + 1},2017-09-0{i + 1} 10:00,2017-09-0{i + 1} 20:00,N,,Y,{done}")
    for i, child in enumerate((20, 20, 21)):
        rows.append(f"C{i},{child},2017-09-1{i} 10:00,2017-09-1{i} 20:00,Y,,Y,")
    return episodes(make_folder, rows)


def test_counts_from_1_to_5_and_what_is_computed_from_them_are_not_published(make_folder):
    ch = mc.load_frames(_small_window(make_folder), "2017-09-01", "2017-09-30", "2017-09")
    t = mc.headline_table(ch)
    # From home: 8 episodes, 8 children, 8 returned are shown; 6 of 8 interviewed in time leaves 2
    # not, so the 75.0% is hidden. From care: 3 episodes, 2 children, 3 returned: all hidden, with
    # the episodes per child (1.5) and the median (10.0 hours) computed from them.
    assert t["From home"].tolist()[:2] == [8, 8] and t.loc["Returned episodes", "From home"] == 8
    assert t.loc["Return interview within 72 hours (%)", "From home"] == "c"
    assert t["From care"].tolist()[:5] == ["c"] * 5
    assert t.loc["Children still missing at the end of the window", "From care"] == 0
    head = mc.headline(ch)
    assert "**8 children** went missing from home (8 episodes)" in head
    assert "**1 to 5 children** from care (1 to 5 episodes)" in head and "1.50" not in head and "75" not in head
    rhi = mc.rhi_table(ch)
    assert rhi.loc["Completed within 72 hours", "From home"] == "c" and rhi.loc["Returned episodes", "From care"] == "c"
    monthly = mc.published_counts(ch, "M")
    assert monthly.loc["2017-09", "Episodes home"] == 8 and monthly.loc["2017-09", "Episodes care"] == "c"
    assert monthly.loc["2017-09", "Episodes per child care"] == "c"
    unsuppressed = mc.load_frames(
        _small_window(make_folder), "2017-09-01", "2017-09-30", "2017-09", suppress_small=False
    )
    assert mc.headline_table(unsuppressed).loc["Episodes", "From care"] == 3


def test_band_shares_hide_a_partner_so_none_is_worked_out_from_100(make_folder):
    # Children from home in the year: 8, each with 1 episode (100% in "1 episode", 0 elsewhere:
    # nothing small to hide). From care: 2 children, so every share is hidden.
    ch = mc.load_frames(_small_window(make_folder), "2017-09-01", "2017-09-30", "2017-09")
    t = mc.frequency_table(ch)
    assert t.loc["Children with 1 episode (%)", "From home"] == 100.0
    assert t.loc["Children", "From care"] == "c" and t.loc["Children with 2 to 4 episodes (%)", "From care"] == "c"
    drawn = mc.frequency_chart(ch)
    assert "not shown (c)" in drawn.alt


def test_return_interview_p_chart_months_from_1_to_5_are_not_drawn_and_said(make_folder):
    # From home: 20 returns a month, July to December 2017; in August only 2 interviewed within
    # 72 hours (a count of 2: hidden), in October 16 of 20 (the 4 not interviewed: hidden too),
    # in the other months 10 of 20 (shown).
    rows, n = [], 0
    for month, within in ((7, 10), (8, 2), (9, 10), (10, 16), (11, 10), (12, 10)):
        for i in range(20):
            done = f"2017-{month:02d}-{i + 2:02d} 21:00" if i < within else ""
            rows.append(f"P{n},{n},2017-{month:02d}-{i + 1:02d} 10:00,2017-{month:02d}-{i + 1:02d} 20:00,N,,Y,{done}")
            n += 1
    ch = mc.load_frames(episodes(make_folder, rows), "2017-12-01", "2017-12-31", "2017-07")
    chart = mc.rhi_chart(ch)
    home = chart.spc["home"]
    assert [str(m) for m in home.attrs["hidden"]] == ["2017-08", "2017-10"]
    assert home.p.isna().tolist() == [False, True, False, True, False, False]
    assert home.pbar.iloc[0] == pytest.approx(58 / 120)  # the centre line uses every month
    assert "2 months with 1 to 5 returns" in chart.alt and "not drawn" in mc.rhi_chart_sentence(chart.spc)


def test_the_extract_against_dfe_note_calls_only_demo_data_synthetic():
    # Before, every edition read "With the demo data the extract's figures are synthetic ...", a
    # council's own included.
    import pandas as pd

    table = pd.DataFrame({"Year": ["2021-22"], "Extract": [90], "DfE": [92]})
    own = mc.against_published_note(table, synthetic=False)
    assert "demo" not in own and "should be close" in own
    assert "synthetic" in mc.against_published_note(table, synthetic=True)
    assert mc.against_published_note(table.iloc[0:0], synthetic=True) == ""


def test_sentences_about_one_child_or_one_episode_read_in_the_singular(make_folder):
    # One child missing from care, one episode with its interview recorded before the return, no
    # episode still open: before, "1 children", "1 interviews were" and "0 episodes ... were".
    ms = episodes(
        make_folder,
        [
            "E1,1,2017-10-02 10:00,2017-10-02 20:00,Y,M,Y,2017-10-02 09:00",
            "E2,2,2017-10-03 10:00,2017-10-03 12:00,N,,Y,2017-10-04 09:00",
            "E3,2,2017-10-09 10:00,2017-10-09 12:00,N,,N,",
        ],
    )
    ch = mc.load_frames(ms, "2017-10-01", "2017-10-31", "2017-10")
    text = " ".join(
        [
            mc.duration_sentence(ch, mc.logrank_by_group(ch)),
            mc.rhi_delay_sentence(ch, mc.rhi_delay_table(ch)),
        ]
    )
    assert "No episode in the series was still open" in text
    # A median of 1 to 5 episodes is hidden ("c" in the table): the sentence says so (it raised a
    # ValueError formatting "c" as a number before).
    assert "not shown (1 to 5 episodes)" in text
    assert "1 children" not in text


def test_episodes_still_open_at_the_extract_are_a_count_like_any_other(make_folder):
    # One episode still open: with suppression on (the default) the sentence says "1 to 5", never
    # "1 episode ... was still open" (the small-number scan stopped every demo edition on it).
    ms = episodes(
        make_folder,
        [
            "E1,1,2017-10-02 10:00,2017-10-02 20:00,N,,N,",
            "E2,2,2017-10-03 10:00,,N,,N,",
        ],
    )
    ch = mc.load_frames(ms, "2017-10-01", "2017-10-31", "2017-10")
    text = mc.duration_sentence(ch, mc.logrank_by_group(ch))
    assert "1 to 5 episodes in the series were still open" in text
    shown = mc.load_frames(ms, "2017-10-01", "2017-10-31", "2017-10", suppress_small=False)
    assert "1 episode in the series was still open" in mc.duration_sentence(shown, mc.logrank_by_group(shown))
