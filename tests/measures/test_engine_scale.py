"""The engine's fast paths against plain evaluations of the same definitions, on small random data."""

import numpy as np
import pandas as pd
import pytest

from improvement_report.core.periods import month_end
from improvement_report.inputs.loading import _D, _LAYOUTS, _read, _read_times
from improvement_report.measures import early_help, missing_episodes, strategy_discussions


def brute_flow(episodes, months):
    """The module docstring's definitions, evaluated episode by episode for each month."""
    rows = []
    for m in months:
        e = month_end(m)
        start, end = episodes.start_date, episodes.end_date
        is_open = (start <= e) & (end.isna() | (end > e))
        rows.append(
            {
                "open_end": int(is_open.sum()),
                "opened": int((start.dt.to_period("M") == m).sum()),
                "closed": int((end.dt.to_period("M") == m).sum()),
                "open_over_12m": int((is_open & ((e - start) > pd.Timedelta(days=365))).sum()),
            }
        )
    return pd.DataFrame(rows, index=pd.PeriodIndex(months, name="month"))


def random_episodes(rng, n):
    months = pd.period_range("2014-01", "2018-12", freq="M")
    ends = np.array([month_end(m) for m in months], dtype="datetime64[ns]")
    start = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D")
    # Starts exactly 365 and 366 days before a month end, where "more than 12 months" turns.
    edge = rng.random(n) < 0.3
    start = start.where(
        ~edge, pd.DatetimeIndex(rng.choice(ends, n)) - pd.to_timedelta(rng.choice([365, 366], n), unit="D")
    )
    length = pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    end = pd.Series(start + length)
    on_month_end = rng.random(n) < 0.2  # ends exactly on a month end
    end[on_month_end] = pd.DatetimeIndex(end[on_month_end]).to_period("M").to_timestamp(how="end").normalize()
    end = end.where(end >= pd.Series(start), pd.Series(start))
    end[rng.random(n) < 0.25] = pd.NaT  # still open
    return pd.DataFrame(
        {"start_date": pd.Series(start).astype("datetime64[ns]"), "end_date": end.astype("datetime64[ns]")}
    )


@pytest.mark.parametrize("seed", range(5))
def test_monthly_flow_matches_the_definitions(seed):
    rng = np.random.default_rng(seed)
    episodes = random_episodes(rng, 400)
    months = pd.period_range("2013-06", "2019-06", freq="M")
    got = early_help.monthly_flow(episodes, months)
    want = brute_flow(episodes, months)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False)
    assert (got.open_over_12m > 0).any() and (got.open_end > got.open_over_12m).any()
    # Months in any order, repeated, and no episodes at all.
    shuffled = pd.PeriodIndex(rng.permutation(np.r_[months, months[:3]]), freq="M", name="month")
    pd.testing.assert_frame_equal(early_help.monthly_flow(episodes, shuffled), got.reindex(shuffled))
    assert early_help.monthly_flow(episodes.iloc[:0], months).open_end.eq(0).all()


def old_times(s, layouts_type, alone):
    """The loader's former regex and pandas parse of dates, as the reference."""
    d = r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}"
    dt = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?|[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}"
    pattern = {"date": d, "datetime": dt, "month": r"[0-9]{4}-[0-9]{2}"}[layouts_type] + (f"|{d}" if alone else "")
    shape = s.str.fullmatch(pattern)
    uk, length = s.str.contains("/", regex=False), s.str.len()
    when = pd.to_datetime(s.where(shape & ~uk), format="ISO8601", errors="coerce")
    for size, fmt in ((10, "%d/%m/%Y"), (16, "%d/%m/%Y %H:%M")):
        rows = shape & uk & (length == size)
        if rows.any():
            when = when.where(~rows, pd.to_datetime(s.where(rows), format=fmt, errors="coerce"))
    unreal = when.isna() | (when < pd.Timestamp.min) | (when > pd.Timestamp.max)
    return shape.to_numpy(), when.mask(unreal).astype("datetime64[ns]").to_numpy()


def random_cells(rng, n):
    """Text in every layout, with digits anywhere in range (impossible days, hours, years) and junk."""
    layouts = [
        "YYYY-MM-DD",
        "DD/MM/YYYY",
        "YYYY-MM-DD hh:mm",
        "YYYY-MM-DDThh:mm",
        "YYYY-MM-DD hh:mm:ss",
        "DD/MM/YYYY hh:mm",
        "YYYY-MM",
        "YYYY-MM-DD hh:mm:ss",
        "DD/MM/YYYY hh:mm:ss",
    ]
    cells = []
    for _ in range(n):
        layout = layouts[rng.integers(len(layouts))]
        real = pd.Timestamp("1600-01-01") + pd.Timedelta(seconds=int(rng.integers(0, 800 * 365 * 86400)))
        values = {
            "YYYY": real.year,
            "MM": real.month,
            "DD": real.day,
            "hh": real.hour,
            "mm": real.minute,
            "ss": real.second,
        }
        if rng.random() < 0.3:  # any digits: 31/02, hour 24, month 13, day 00, year 0000
            values = {k: int(rng.integers(0, 10 ** len(k))) for k in values}
            values.update(
                {
                    k: int(rng.choice([0, 1, 12, 13, 23, 24, 28, 29, 30, 31, 59, 60]))
                    for k in ["MM", "DD", "hh", "mm", "ss"]
                    if rng.random() < 0.5
                }
            )
        text = layout
        for k, v in values.items():
            text = text.replace(k, f"{v:0{len(k)}d}"[-len(k) :])
        if rng.random() < 0.1:  # junk: a character changed, one cut off, a non-ASCII digit
            i = int(rng.integers(len(text)))
            text = text[:i] + str(rng.choice(["x", "", "٣", " ", "-", "/", ":", "T"])) + text[i + 1 :]
        cells.append(text)
    cells += [
        "",
        "1677-09-21 00:12",
        "1677-09-21 00:13",
        "2262-04-11 23:47",
        "2262-04-11 23:48",
        "2016-02-29",
        "2017-02-29",
        "29/02/2000",
        "29/02/1900",
        "0000-01-01",
        "2017-00",
        "2017-13",
    ]
    return pd.Series(cells, dtype="str")


@pytest.mark.parametrize("kind,alone", [("date", False), ("datetime", False), ("datetime", True), ("month", False)])
def test_dates_read_from_digits_match_pandas(kind, alone):
    s = random_cells(np.random.default_rng(7), 3000)
    shape, when = _read_times(s, _LAYOUTS[kind] + (_D if alone else ()))
    want_shape, want_when = old_times(s, kind, alone)
    np.testing.assert_array_equal(shape, want_shape)
    np.testing.assert_array_equal(when, want_when)
    assert shape.any() and (shape & np.isnat(when)).any()


@pytest.mark.parametrize("kind,alone", [("date", False), ("datetime", True), ("month", False)])
def test_real_dates_take_the_one_pass_parse(kind, alone, monkeypatch):
    """Only real dates in range: Arrow's single parse reads them all, never pandas' cell-by-cell one."""
    from improvement_report.inputs import loading

    cells = random_cells(np.random.default_rng(11), 3000)
    want_shape, want_when = old_times(cells, kind, alone)
    real = cells[want_shape & ~np.isnat(want_when)].reset_index(drop=True)
    expected = old_times(real, kind, alone)[1]
    monkeypatch.setattr(loading.pd, "to_datetime", lambda *a, **k: pytest.fail("fell back to pandas"))
    shape, when = _read_times(real, _LAYOUTS[kind] + (_D if alone else ()))
    assert shape.all() and len(real) > 100
    np.testing.assert_array_equal(when, expected)


def test_iso_columns_are_read_in_one_pass_and_near_misses_are_refused(monkeypatch):
    from improvement_report.inputs import loading

    good = pd.Series(["2017-01-31 10:00", "", "2016-02-29T23:59", "2017-12-31 00:00:00", "2017-01-01"], dtype="str")
    want = old_times(good, "datetime", True)
    calls = []
    exact = loading._read_times_exact
    monkeypatch.setattr(loading, "_read_times_exact", lambda *a: calls.append(a) or exact(*a))
    shape, when = _read_times(good, _LAYOUTS["datetime"] + _D)
    assert calls == []
    np.testing.assert_array_equal(shape, want[0])
    np.testing.assert_array_equal(when, want[1])
    # Strings of the ISO layouts' lengths that are not in them: the one-pass parse must not take them.
    near = [
        "2017-01-01T10+01",
        "2017-01-01 10:0Z",
        "2017-01-01t10:00",
        "2017-01-01_10:00",
        "2017-01-01 10:00:0Z",
        "2017-01-01T10:00+01",
        "+017-01-01",
        "2017/01/01",
        "2017-01-1 ",
        "2017-02-30",
        "2017-01-01 24:00",
    ]
    for cell in near:
        shape, when = _read_times(pd.Series(["2017-01-01", cell], dtype="str"), _LAYOUTS["datetime"] + _D)
        assert shape[0] and not (shape[1] and not np.isnat(when[1])), cell


@pytest.mark.parametrize(
    "text",
    [
        b"a,b,c\n1,,3\n",
        b'\xef\xbb\xbfa,b,c\n1,"",3\n',
        b"a,b,c\n\n1,2,3\n\n",
        b"a,b,c\n1,2\n",
        b"a,b,c",
        b"a,b,c\r\n1,2,3\r\n",
        b"a,b,c\r1,2,3\r",
        b'a,b,c\n"x\ny",2,3\n',
        b"\n",
        b"\n\na,b,c\n1,2,3\n",
        b"a,b,c\n   \n",
        b"a\n\nb\n",
        b",,\n1,2,3\n",
        b"a,b,c\n\xc3\xa9 ,2,3\n",
    ],
)
def test_pyarrow_read_gives_the_c_engines_cells(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_bytes(text)

    def outcome(read):
        try:
            return read()
        except Exception as error:  # the same exception, with the same message, as before
            return f"{type(error).__name__}: {error}"

    want = outcome(
        lambda: pd.read_csv(
            path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig", skip_blank_lines=False
        )
    )
    got = outcome(lambda: _read(path))
    if isinstance(want, str):
        assert got == want
    else:
        pd.testing.assert_frame_equal(got, want)


def test_summaries_add_up():
    rng = np.random.default_rng(3)
    n = 500
    start = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 700 * 24 * 60, n), unit="min")
    end = pd.Series(start + pd.to_timedelta(rng.integers(0, 200, n), unit="h")).where(rng.random(n) < 0.9)
    missing = pd.DataFrame(
        {
            "episode_id": [f"E{i}" for i in range(n)],
            "child_id": [f"C{i}" for i in rng.integers(0, 80, n)],
            "start": start,
            "end": end,
            "looked_after": rng.random(n) < 0.5,
            "rhi_completed_at": end + pd.to_timedelta(rng.integers(-10, 100, n), unit="h"),
        }
    )
    monthly, children = missing_episodes.by_month(missing), missing_episodes.by_child(missing)
    assert monthly.episodes.sum() == children.episodes.sum() == n
    assert monthly.returned.sum() == missing.end.notna().sum()
    assert monthly.rhi_within_72h.sum() == missing_episodes.rhi_within_72h(missing).sum()
    one = monthly.xs("care", level="group").iloc[0]
    first = missing[
        missing.looked_after & (missing.start.dt.to_period("M") == monthly.xs("care", level="group").index[0])
    ]
    assert one.children == first.child_id.nunique()
    assert one.median_duration_hours == pytest.approx(missing_episodes.duration_hours(first).median())

    d = pd.DataFrame(
        {
            "held_at": start,
            "team": rng.choice(["A", "B", "C"], n),
            "children": rng.integers(1, 4, n),
            "csc": rng.random(n) < 0.9,
            "police": rng.random(n) < 0.8,
            "health": rng.random(n) < 0.6,
        }
    )
    t = strategy_discussions.compliance_by_month_team(d)
    assert t.discussions.sum() == n and t.compliant.sum() == strategy_discussions.compliant(d).sum()
    assert t.index.names == ["month", "team"] and t.index.is_monotonic_increasing


@pytest.mark.parametrize("n", [0, 1, 1000, 600_000])  # 600,000 rows: counted in chunks, one thread per core
def test_counts_by_month_and_team_match_a_groupby(n, monkeypatch):
    from improvement_report.measures import histograms

    monkeypatch.setattr(histograms.os, "cpu_count", lambda: 3)
    rng = np.random.default_rng(n)
    # Times on every minute, midnights and the last minute of a month among them.
    held = pd.Timestamp("2015-12-31 23:59") + pd.to_timedelta(rng.integers(0, 3 * 365 * 1440, n), unit="min")
    teams = np.array(["Duty", "Children in Care", "Ärztliche Hilfe", "0-25", "Z"])
    d = pd.DataFrame(
        {
            "held_at": held.astype("datetime64[ns]"),
            "team": pd.Series(rng.choice(teams, n), dtype="str"),
            "csc": rng.random(n) < 0.9,
            "police": rng.random(n) < 0.8,
            "health": rng.random(n) < 0.6,
        }
    )
    got = strategy_discussions.compliance_by_month_team(d)
    ok = strategy_discussions.compliant(d)
    want = (
        d.assign(ok=ok)
        .groupby([d.held_at.dt.to_period("M").rename("month"), "team"], sort=True)
        .agg(discussions=("ok", "size"), compliant=("ok", "sum"))
        .astype("int64")
    )
    pd.testing.assert_frame_equal(got[["discussions", "compliant"]], want, check_index_type=False)


def _with_group(episodes):
    return episodes.assign(
        group=np.where(episodes.looked_after, "care", "home"),
        hours=missing_episodes.duration_hours(episodes),
        rhi_72h=missing_episodes.rhi_within_72h(episodes),
    )


def plain_by_month(episodes):
    """The summaries as plain pandas group-bys on text, the reference for the integer-key versions."""
    e = _with_group(episodes)
    out = e.groupby([e.start.dt.to_period("M").rename("month"), "group"], sort=True).agg(
        episodes=("child_id", "size"),
        children=("child_id", "nunique"),
        returned=("hours", "count"),
        median_duration_hours=("hours", "median"),
        rhi_within_72h=("rhi_72h", "sum"),
    )
    out["episodes_per_child"] = out.episodes / out.children
    return out[["episodes", "children", "episodes_per_child", "returned", "median_duration_hours", "rhi_within_72h"]]


def plain_by_child(episodes):
    e = _with_group(episodes).assign(month=episodes.start.dt.to_period("M"))
    return e.groupby(["child_id", "group"], sort=True).agg(
        episodes=("start", "size"),
        first_start=("start", "min"),
        last_start=("start", "max"),
        total_hours=("hours", "sum"),
        months=("month", "nunique"),
    )


@pytest.mark.parametrize("n", [0, 1, 50, 5000])
def test_missing_summaries_match_plain_group_bys(n):
    rng = np.random.default_rng(n)
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 1440, n), unit="min")
    end = pd.Series(start + pd.to_timedelta(rng.integers(0, 10 * 1440, n), unit="min"))
    end[rng.random(n) < 0.1] = pd.NaT  # still missing
    rhi = end + pd.to_timedelta(rng.integers(0, 200, n), unit="h")
    rhi[rng.random(n) < 0.3] = pd.NaT
    children = np.array([f"C{k:05d}" for k in rng.integers(0, max(n // 4, 1), n)] if n else [], dtype=object)
    missing = pd.DataFrame(
        {
            "child_id": pd.Series(children, dtype="str"),
            "start": pd.Series(start).astype("datetime64[ns]"),
            "end": end.astype("datetime64[ns]"),
            "looked_after": rng.random(n) < 0.4,
            "rhi_completed_at": rhi.astype("datetime64[ns]"),
        }
    )
    pd.testing.assert_frame_equal(
        missing_episodes.by_month(missing), plain_by_month(missing), check_dtype=False, check_index_type=False
    )
    pd.testing.assert_frame_equal(
        missing_episodes.by_child(missing), plain_by_child(missing), check_dtype=False, check_index_type=False
    )
    both = missing_episodes.summaries(missing)
    pd.testing.assert_frame_equal(both[0], missing_episodes.by_month(missing))
    pd.testing.assert_frame_equal(both[1], missing_episodes.by_child(missing))


@pytest.mark.parametrize("weak", [False, True])  # weak: a fingerprint of the last byte only, so most rows collide
def test_repeated_keys_match_pandas(weak, monkeypatch):
    from improvement_report.inputs import loading

    if weak:
        monkeypatch.setattr(loading, "_PRIME", np.uint64(0))
    rng = np.random.default_rng(3)
    for ids in (
        rng.integers(0, 5000, 4000).astype(str),  # different lengths, repeats
        np.char.zfill(rng.integers(0, 10**6, 4000).astype(str), 8),  # one length
        np.array([f"SD{k}" for k in range(3000)] + ["", "", "x" * 70, "x" * 70]),
    ):
        keys = pd.DataFrame({"id": pd.Series(ids, dtype="str")})
        np.testing.assert_array_equal(loading._repeated(keys), keys.duplicated(keep=False).to_numpy())
