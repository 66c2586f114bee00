"""Engine benchmark: the indicator engine at 10^4 to 10^7 rows per file, against DuckDB.

Synthetic extracts are scaled from ``data/demo``: the demo rows are repeated with fresh ids
(each copy is a new population of children) and dates shifted by a random whole number of
days (months for indicators) so the data spans ten years. Generation is deterministic (fixed
seed) and the files are reused when already present with the right number of rows.

Four calculations are timed, each in a fresh subprocess so that peak memory (peak RSS of that
process) is its own:

1. ``load``: read and validate each extract (:func:`improvement_report.inputs.loading.load_file`).
2. ``monthly_flow``: month-end open CAFs and the other flow columns for every month of the
   ten years (:func:`improvement_report.measures.early_help.monthly_flow`).
3. ``compliance``: strategy-discussion compliance by month and team
   (:func:`improvement_report.measures.strategy_discussions.compliance_by_month_team`).
4. ``missing``: missing-episode summaries by month and group, and by child and group
   (:func:`improvement_report.measures.missing_episodes.summaries`: ``by_month`` and ``by_child`` sharing their codes).

For 2-4 the data is loaded first and only the calculation is timed. DuckDB (reference only)
does the same calculations in SQL with two threads; for 2-4 on tables created from the CSV
before the clock starts.

Run ``python -m benchmarks.engine --sizes 10000 100000 --workdir /tmp/x`` to try it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from improvement_report.inputs.loading import FILES

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SEED = 20171130
YEARS = 10
THREADS = os.cpu_count() or 1  # the machine's cores; DuckDB is set to the same
RATIO_TARGET, MEMORY_TARGET_MB = 1.5, 4096  # the targets at 10^7 rows
REPEATS = 3  # a calculation on loaded data is timed this often and the best time kept (less noise)
CALCULATIONS = ("load", "monthly_flow", "compliance", "missing")
DEFAULT_WORKDIR = Path(os.environ.get("ENGINE_BENCH_DIR", "/tmp/engine-benchmark"))

# Columns holding ids (made unique per copy), dates and date-times (shifted per copy).
_IDS = {
    "caf": ("episode_id", "child_id"),
    "strategy": ("discussion_id",),
    "missing": ("episode_id", "child_id"),
    "indicators": ("indicator",),
}
_DATES = {
    "caf": ("start_date", "end_date"),
    "strategy": ("held_at",),
    "missing": ("start", "end", "rhi_completed_at"),
    "indicators": ("month",),
}


# --------------------------------------------------------------------------------------
# Synthetic extracts
# --------------------------------------------------------------------------------------


def _count_rows(path: Path) -> int:
    """Data rows in a CSV written by :func:`_write` (one line per row, header first)."""
    lines = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
    return lines - 1


def _scaled(key: str, n: int, rng: np.random.Generator) -> pa.Table:
    """The demo extract ``key`` repeated to ``n`` rows, each copy with new ids and shifted dates."""
    names = pacsv.read_csv(DEMO / FILES[key]).column_names
    demo = pacsv.read_csv(
        DEMO / FILES[key],
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=True),
    )
    m = demo.num_rows
    copies = math.ceil(n / m)
    copy = np.repeat(np.arange(copies), m)[:n]
    row = np.tile(np.arange(m), copies)[:n]
    table = demo.take(pa.array(row))
    tag = pc.utf8_lpad(pc.cast(pa.array(copy), pa.string()), 6, "0")
    for col in _IDS[key]:
        # Indicator codes keep their name first ("caf_open_0000012"); record ids get the copy first.
        parts = (table[col], tag, "_") if key == "indicators" else (tag, table[col], "")
        table = table.set_column(table.column_names.index(col), col, pc.binary_join_element_wise(*parts))
    if key == "indicators":
        # Whole months, so (indicator, month) stays unique and the month stays a month.
        shift = rng.integers(0, YEARS * 12 - 36, copies)[copy]
        months = pd.PeriodIndex(table["month"].to_pandas(), freq="M")
        ordinal = months.asi8 + shift
        text = pd.PeriodIndex.from_ordinals(ordinal, freq="M").strftime("%Y-%m")
        table = table.set_column(table.column_names.index("month"), "month", pa.array(text, pa.string()))
        return table
    # Days, so times of day, weekdays' share and durations keep the demo's shape.
    times = {
        c: pc.strptime(table[c], "%Y-%m-%d %H:%M" if key != "caf" else "%Y-%m-%d", "s", error_is_null=True)
        for c in _DATES[key]
    }
    if key == "strategy":  # a date alone (time unknown) is kept as a date alone
        alone = pc.equal(pc.utf8_length(table["held_at"]), 10)
        times["held_at"] = pc.if_else(
            alone, pc.strptime(table["held_at"], "%Y-%m-%d", "s", error_is_null=True), times["held_at"]
        )
    lo = min(pc.min(t).as_py() for t in times.values())
    hi = max(pc.max(t).as_py() for t in times.values())
    room = max(YEARS * 365 - (hi - lo).days, 1)
    days = rng.integers(0, room, copies)[copy] - (lo - pd.Timestamp("2010-01-01")).days
    shift = pa.array(days.astype("timedelta64[D]").astype("timedelta64[s]"))
    for c, t in times.items():
        moved = pc.add(t, shift)
        fmt = "%Y-%m-%d" if key == "caf" else "%Y-%m-%d %H:%M"
        text = pc.strftime(moved, fmt)
        if key == "strategy":
            text = pc.if_else(alone, pc.strftime(moved, "%Y-%m-%d"), text)
        table = table.set_column(table.column_names.index(c), c, text)
    return table


def _write(table: pa.Table, path: Path) -> None:
    """Write unquoted CSV like the demo's (no value holds a comma or a quote); null is empty."""
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    tmp.replace(path)


def extracts(n: int, workdir: Path = DEFAULT_WORKDIR) -> Path:
    """Folder holding the four extracts at ``n`` rows each, written if not already there."""
    folder = Path(workdir) / f"rows_{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for i, (key, name) in enumerate(FILES.items()):
        path = folder / name
        if path.is_file() and _count_rows(path) == n:
            continue
        rng = np.random.default_rng([SEED, n, i])
        _write(_scaled(key, n, rng), path)
    return folder


# --------------------------------------------------------------------------------------
# The calculations, by the package and by DuckDB
# --------------------------------------------------------------------------------------


def _months(caf: pd.DataFrame) -> pd.PeriodIndex:
    """Every month of the series: first start to the last start or end."""
    last = max(caf.start_date.max(), caf.end_date.max())
    return pd.period_range(caf.start_date.min().to_period("M"), last.to_period("M"), freq="M", name="month")


def _package(calculation: str, folder: Path) -> float:
    """Seconds the package takes for one calculation (data loaded first, outside the clock)."""
    from improvement_report.inputs.loading import load_file
    from improvement_report.measures import early_help, missing_episodes, strategy_discussions

    if calculation == "load":
        t = time.perf_counter()
        for key, name in FILES.items():
            load_file(folder / name, key)
        return time.perf_counter() - t
    key = {"monthly_flow": "caf", "compliance": "strategy", "missing": "missing"}[calculation]
    frame = load_file(folder / FILES[key], key)
    months = _months(frame) if calculation == "monthly_flow" else None
    calculations = {
        "monthly_flow": lambda: early_help.monthly_flow(frame, months),
        "compliance": lambda: strategy_discussions.compliance_by_month_team(frame),
        "missing": lambda: missing_episodes.summaries(frame),
    }
    return _best(calculations[calculation])


def _best(calculation) -> float:
    """The shortest of ``REPEATS`` timings: the one least disturbed by anything else on the machine."""
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        calculation()
        times.append(time.perf_counter() - t)
    return min(times)


_SQL_SHAPE = {  # the loader's layouts as regular expressions and strptime formats
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}", ["%Y-%m-%d", "%d/%m/%Y"]),
    "datetime": (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?|[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}",
        ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
    ),
    "month": (r"[0-9]{4}-[0-9]{2}", ["%Y-%m"]),
}


def _duckdb_load(con, key: str, path: Path) -> dict:
    """Read one extract into table ``key`` (typed) and count the rows breaking each contract rule."""
    from improvement_report.inputs.contract import CONTRACT

    spec = CONTRACT[FILES[key]]
    q = '"{}"'.format  # "end" is a keyword
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv('{path}', all_varchar=true, "
        "header=true, auto_detect=false, columns={" + ", ".join(f"'{c.name}': 'VARCHAR'" for c in spec) + "})"
    )
    typed, checks = [], []
    for c in spec:
        t = f"nullif(trim({q(c.name)}), '')"
        if c.required:
            checks.append(f"count_if({t} IS NULL)")
        if c.type in _SQL_SHAPE:
            regex, formats = _SQL_SHAPE[c.type]
            if c.date_alone:
                regex, formats = regex + "|" + _SQL_SHAPE["date"][0], formats + _SQL_SHAPE["date"][1]
            value = f"try_strptime({t}, {formats!r})"
            checks.append(f"count_if({t} IS NOT NULL AND NOT regexp_full_match({t}, '{regex}'))")
            checks.append(f"count_if({t} IS NOT NULL AND {value} IS NULL)")
            if c.date_alone:
                typed.append(f"length({t}) > 10 AS time_known")
        elif c.type == "flag":
            checks.append(
                f"count_if({t} IS NOT NULL AND lower({t}) NOT IN ('y','yes','true','1','n','no','false','0'))"
            )
            value = f"lower({t}) IN ('y','yes','true','1')"
        elif c.type == "choice":
            checks.append(f"count_if({t} NOT IN ({', '.join(map(repr, c.choices))}))")
            value = f"coalesce({t}, '{c.default}')"
        elif c.type == "integer":
            checks.append(f"count_if({t} IS NOT NULL AND NOT regexp_full_match({t}, '-?[0-9]{{1,18}}'))")
            value = f"try_cast({t} AS BIGINT)"
            if c.minimum is not None:
                checks.append(f"count_if({value} < {c.minimum})")
        elif c.type == "number":
            value = f"try_cast({t} AS DOUBLE)"
            checks.append(f"count_if({t} IS NOT NULL AND (NOT isfinite({value}) OR {value} IS NULL))")
        else:
            value = t
        typed.append(f"{value} AS {q(c.name)}")
    con.execute(f"CREATE OR REPLACE TABLE {key} AS SELECT {', '.join(typed)} FROM raw")
    counts = con.execute(f"SELECT {', '.join(checks)} FROM raw").fetchone()
    for c in spec:
        if c.not_before:
            counts += con.execute(f"SELECT count_if({q(c.name)} < {q(c.not_before)}) FROM {key}").fetchone()
        if c.unique:
            keys = ", ".join(map(q, c.unique))
            counts += con.execute(
                f"SELECT count(*) FROM (SELECT {keys} FROM raw WHERE "
                + " AND ".join(f"nullif(trim({q(k)}), '') IS NOT NULL" for k in c.unique)
                + f" GROUP BY {keys} HAVING count(*) > 1)"
            ).fetchone()
    return {"rows": con.execute(f"SELECT count(*) FROM {key}").fetchone()[0], "problems": sum(counts)}


_DUCKDB_SQL = {
    # Month-end counts as cumulative sums of monthly counts: a date is at or before the month
    # end E exactly when its month is at or before E's month (dates are midnight).
    "monthly_flow": """
        WITH months AS (
            SELECT range::DATE AS month FROM range(
                (SELECT date_trunc('month', min(start_date)) FROM caf)::TIMESTAMP,
                (SELECT date_trunc('month', greatest(max(start_date), max(end_date))) FROM caf) + INTERVAL 1 MONTH,
                INTERVAL 1 MONTH)),
        events AS (
            SELECT date_trunc('month', start_date) AS month, 1 AS started, 0 AS ended, 0 AS long_in, 0 AS long_out FROM caf
            UNION ALL SELECT date_trunc('month', end_date), 0, 1, 0, 0 FROM caf WHERE end_date IS NOT NULL
            UNION ALL SELECT date_trunc('month', start_date + INTERVAL 366 DAY), 0, 0, 1, 0 FROM caf
            UNION ALL SELECT date_trunc('month', greatest(start_date + INTERVAL 366 DAY, end_date)), 0, 0, 0, 1
                FROM caf WHERE end_date IS NOT NULL),
        counts AS (SELECT month, sum(started) AS opened, sum(ended) AS closed, sum(long_in) AS long_in,
                          sum(long_out) AS long_out FROM events GROUP BY month),
        series AS (
            SELECT m.month, coalesce(opened, 0) AS opened, coalesce(closed, 0) AS closed,
                   sum(coalesce(opened, 0) - coalesce(closed, 0)) OVER w AS open_end,
                   sum(coalesce(long_in, 0) - coalesce(long_out, 0)) OVER w AS open_over_12m
            FROM months m LEFT JOIN counts c ON c.month = m.month
            WINDOW w AS (ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
        SELECT *, opened - closed AS net_flow, round(100 * open_over_12m / nullif(open_end, 0), 1) AS pct
        FROM series ORDER BY month""",
    "compliance": """
        SELECT date_trunc('month', held_at) AS month, team, count(*) AS discussions,
               count_if(csc AND police AND health) AS compliant,
               100 * count_if(csc AND police AND health) / count(*) AS compliant_pct
        FROM strategy GROUP BY ALL ORDER BY ALL""",
    "missing": """
        CREATE OR REPLACE TEMP TABLE e AS SELECT *,
            CASE WHEN looked_after THEN 'care' ELSE 'home' END AS grp,
            epoch("end" - start) / 3600 AS hours,
            coalesce(rhi_completed_at - "end" BETWEEN INTERVAL 0 HOUR AND INTERVAL 72 HOUR, false) AS rhi_72h
        FROM missing;
        CREATE OR REPLACE TEMP TABLE monthly AS
        SELECT date_trunc('month', start) AS month, grp, count(*) AS episodes, count(DISTINCT child_id) AS children,
               count(*) / count(DISTINCT child_id) AS episodes_per_child, count(hours) AS returned,
               median(hours) AS median_duration_hours, count_if(rhi_72h) AS rhi_within_72h
        FROM e GROUP BY ALL ORDER BY ALL;
        CREATE OR REPLACE TEMP TABLE children AS
        SELECT child_id, grp, count(*) AS episodes, min(start) AS first_start, max(start) AS last_start,
               sum(hours) AS total_hours, count(DISTINCT date_trunc('month', start)) AS months
        FROM e GROUP BY ALL ORDER BY ALL""",
}


def _duckdb(calculation: str, folder: Path) -> float:
    """Seconds DuckDB takes for one calculation (tables created from the CSV before the clock)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    if calculation == "load":
        t = time.perf_counter()
        for key, name in FILES.items():
            _duckdb_load(con, key, folder / name)
        return time.perf_counter() - t
    key = {"monthly_flow": "caf", "compliance": "strategy", "missing": "missing"}[calculation]
    _duckdb_load(con, key, folder / FILES[key])
    return _best(lambda: con.execute(_DUCKDB_SQL[calculation]).fetchall())


def _one(size: int, calculation: str, engine: str, workdir: Path) -> dict:
    """Time one calculation in this process and read its peak memory."""
    import resource

    folder = Path(workdir) / f"rows_{size}"
    seconds = (_package if engine == "package" else _duckdb)(calculation, folder)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "size": size,
        "calculation": calculation,
        "engine": engine,
        "seconds": round(seconds, 4),
        "peak_mb": round(peak_kb / 1024, 1),
    }


def run(sizes=(10**4, 10**5, 10**6, 10**7), workdir: Path = DEFAULT_WORKDIR, progress=print) -> list[dict]:
    """Measure every calculation at every size, package and DuckDB, each in a fresh process.

    Parameters
    ----------
    sizes : iterable of int
        Rows per file.
    workdir : Path
        Where the synthetic extracts are written (and reused).
    progress : callable or None
        Called with a line of text after each measurement.

    Returns
    -------
    list of dict
        One per size, calculation and engine: ``size``, ``calculation``, ``engine``
        (``"package"`` or ``"duckdb"``), ``seconds`` and ``peak_mb`` (peak RSS of the process,
        loaded data included).
    """
    rows = []
    for size in sizes:
        extracts(size, workdir)
        for calculation in CALCULATIONS:
            for engine in ("package", "duckdb"):
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.engine",
                        "--one",
                        str(size),
                        calculation,
                        engine,
                        "--workdir",
                        str(workdir),
                    ],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                if progress:
                    r = rows[-1]
                    progress(f"{size:>9,} {calculation:<13} {engine:<8} {r['seconds']:9.3f} s {r['peak_mb']:9.1f} MB")
    return rows


# --------------------------------------------------------------------------------------
# Results as markdown
# --------------------------------------------------------------------------------------

TITLES = {
    "load": "Load and validate the four extracts",
    "monthly_flow": "Month-end open CAFs and the other monthly flow columns, every month of ten years",
    "compliance": "Strategy-discussion compliance by month and team",
    "missing": "Missing-episode summaries by month and group, and by child and group",
}
TIMED = {
    "load": "reading each CSV and checking every contract rule, to typed frames (DuckDB: typed tables and a count "
    "of the rows breaking each rule)",
    "monthly_flow": "`early_help.monthly_flow` on the loaded episodes (loading not timed)",
    "compliance": "`strategy_discussions.compliance_by_month_team` on the loaded discussions (loading not timed)",
    "missing": "`missing_episodes.summaries` (by month and group, and by child and group, sharing their codes, as DuckDB shares its table `e`) on the loaded episodes (loading not timed)",
}


def _index(rows):
    return {(r["calculation"], r["size"], r["engine"]): r for r in rows or []}


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def markdown(rows: list[dict], previous: list[dict] | None = None) -> str:
    """The engine section of ``benchmarks/RESULTS.md``: one table per calculation.

    Parameters
    ----------
    rows : list of dict
        As :func:`run` returns.
    previous : list of dict, optional
        An earlier run's rows; its package seconds and ratio are shown beside the new ones.

    Returns
    -------
    str
        Markdown.
    """
    now, before = _index(rows), _index(previous)
    sizes = sorted({r["size"] for r in rows})
    lines = [
        "## Engine at scale",
        "",
        f"Synthetic extracts scaled from `data/demo` (ten years, fresh ids, fixed seed), one file of each "
        f"kind at each size. Each measurement runs in a fresh process; peak memory is that process's peak "
        f"RSS, the loaded data included. DuckDB {_duckdb_version()} is the reference only, run with "
        f"{THREADS} threads (the machine's cores) on the same files in the same run, its data loaded into "
        f"tables from the CSV before the clock starts. Ratio = package seconds / DuckDB seconds. "
        f"Growth = log(t2/t1) / log(n2/n1) between consecutive sizes (1 is linear). Loading is timed "
        f"once; each other calculation {REPEATS} times on the loaded data, keeping the best, for both engines.",
        "",
    ]
    top = sizes[-1] if sizes else None
    verdicts = []
    for calculation in CALCULATIONS:
        p, d = now.get((calculation, top, "package")), now.get((calculation, top, "duckdb"))
        if not (p and d and d["seconds"]):
            continue
        ratio = p["seconds"] / d["seconds"]
        verdicts.append(
            f"- {TITLES[calculation]}: {ratio:.2f}x DuckDB's time "
            f"({'within' if ratio <= RATIO_TARGET else '**not within**'} the {RATIO_TARGET}x target); "
            f"peak {p['peak_mb']:,.0f} MB ({'under' if p['peak_mb'] < MEMORY_TARGET_MB else '**over**'} "
            f"{MEMORY_TARGET_MB / 1024:.0f} GB)"
        )
    if verdicts:
        lines += [f"Against the targets, at {top:,} rows per file:", "", *verdicts, ""]
    for calculation in CALCULATIONS:
        if not any(k[0] == calculation for k in now):
            continue
        head = ["Rows per file", "Package s", "Peak MB", "DuckDB s", "DuckDB peak MB", "Ratio", "Growth"]
        if previous:
            head += ["Previous package s", "Previous ratio"]
        lines += [
            f"### {TITLES[calculation]}",
            "",
            f"Timed: {TIMED[calculation]}.",
            "",
            "| " + " | ".join(head) + " |",
            "|" + "---:|" * len(head),
        ]
        last = None
        for n in sizes:
            p, d = now.get((calculation, n, "package")), now.get((calculation, n, "duckdb"))
            if p is None:
                continue
            ratio = p["seconds"] / d["seconds"] if d and d["seconds"] else None
            growth = (
                math.log(p["seconds"] / last[1]) / math.log(n / last[0])
                if last and last[1] > 0 and p["seconds"] > 0
                else None
            )
            cells = [
                f"{n:,}",
                _fmt(p["seconds"], ".3f"),
                _fmt(p["peak_mb"], ",.0f"),
                _fmt(d and d["seconds"], ".3f"),
                _fmt(d and d["peak_mb"], ",.0f"),
                _fmt(ratio, ".2f"),
                _fmt(growth, ".2f"),
            ]
            if previous:
                bp, bd = before.get((calculation, n, "package")), before.get((calculation, n, "duckdb"))
                cells += [
                    _fmt(bp and bp["seconds"], ".3f"),
                    _fmt(bp["seconds"] / bd["seconds"] if bp and bd and bd["seconds"] else None, ".2f"),
                ]
            lines.append("| " + " | ".join(cells) + " |")
            last = (n, p["seconds"])
        lines.append("")
    return "\n".join(lines)


def _duckdb_version() -> str:
    try:
        import duckdb

        return duckdb.__version__
    except ImportError:
        return ""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6, 10**7])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument(
        "--one",
        nargs=3,
        metavar=("SIZE", "CALCULATION", "ENGINE"),
        help="measure one calculation in this process and print it as JSON (used by run)",
    )
    args = parser.parse_args(argv)
    if args.one:
        size, calculation, engine = args.one
        print(json.dumps(_one(int(size), calculation, engine, args.workdir)))
        return
    rows = run(args.sizes, args.workdir)
    print()
    print(markdown(rows))


if __name__ == "__main__":
    main()
