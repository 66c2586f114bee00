"""``make bench``: time the book's build stages and the indicator engine; write benchmarks/RESULTS.md.

A measurement, not a test: it prints the previous run's figures beside the new ones, so
nothing gets slower unnoticed. The raw figures are kept in ``benchmarks/results.json``.

The book stages are measured on the demo data with the virtual environment installed:
a cold build (an empty execution cache), a rebuild with nothing changed, and a rebuild after
one template changed (``notebooks/data.ipynb`` is given a metadata mark, then restored and the
edition rebuilt from the cache). The published edition is the same before and after.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import nbformat
import psutil

from benchmarks import digests, engine
from improvement_report.core.paths import NOTEBOOKS_DIR, REPO_ROOT

HERE = Path(__file__).resolve().parent
RESULTS_JSON, RESULTS_MD = HERE / "results.json", HERE / "RESULTS.md"
CHANGED_TEMPLATE = NOTEBOOKS_DIR / "data.ipynb"


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")
    return took, result


def _build(cache: Path, label: str, *extra: str) -> dict:
    """Run the real command line once and return its stage timings, with the wall time."""
    timings = cache.parent / f"{label}.json"
    env = dict(os.environ, IMPROVEMENT_REPORT_CACHE_DIR=str(cache))
    wall, result = _timed([sys.executable, "-m", "improvement_report", "build", "--timings", str(timings), *extra], env)
    (report,) = json.loads(timings.read_text(encoding="utf-8")).values()
    report["wall"] = wall
    report["executed"] = sorted(p for p, t in report["pages"].items() if not t["cached"])
    print(f"  {label}: {wall:.1f} s, pages executed: {len(report['executed'])}", file=sys.stderr)
    return report


def book_stages() -> dict:
    """Setup check, validation, each notebook and the book build: cold, unchanged, one template changed."""
    print("Book stages on the demo data", file=sys.stderr)
    setup, _ = _timed(["make", "--no-print-directory", "setup"])
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as scratch:
        cache = Path(scratch) / "cache"
        cold = _build(cache, "cold")
        unchanged = _build(cache, "unchanged")
        original = CHANGED_TEMPLATE.read_bytes()
        try:
            nb = nbformat.read(CHANGED_TEMPLATE, as_version=4)
            nb.metadata["benchmark_mark"] = dt.datetime.now(dt.UTC).isoformat()
            nbformat.write(nb, CHANGED_TEMPLATE)
            one_changed = _build(cache, "one template changed")
        finally:
            CHANGED_TEMPLATE.write_bytes(original)
        _build(cache, "template restored")  # the edition goes back to the committed one, from the cache
    return {
        "setup_check": setup,
        "cold": cold,
        "unchanged": unchanged,
        "one_template_changed": one_changed,
        "workers": os.cpu_count(),
    }


def _fmt(value, digits=1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def book_markdown(now: dict, before: dict | None) -> str:
    """The book section of RESULTS.md, with the previous run's seconds beside this run's."""
    before = before or {}
    rows = [
        ("setup check (`make setup`, nothing to install)", now["setup_check"], None, before.get("setup_check"), None)
    ]

    def pair(key, *path):
        values = []
        for run in (now, before):
            value = run.get(key)
            for step in path:
                value = value.get(step) if isinstance(value, dict) else None
            values.append(value)
        return values

    for label, path in (("validation", ("validation",)), ("book build (Jupyter Book, strict)", ("book",))):
        (cold, cold_before), (unch, unch_before) = pair("cold", *path), pair("unchanged", *path)
        rows.append((label, cold, unch, cold_before, unch_before))
    for page in now["cold"]["pages"]:
        (cold, cold_before) = pair("cold", "pages", page, "seconds")
        (unch, unch_before) = pair("unchanged", "pages", page, "seconds")
        rows.append((f"notebook `{page}` (executed in parallel)", cold, unch, cold_before, unch_before))
    (cold, cold_before), (unch, unch_before) = pair("cold", "wall"), pair("unchanged", "wall")
    rows.append(("**whole command, wall clock**", cold, unch, cold_before, unch_before))
    changed = now["one_template_changed"]
    lines = [
        "## The demo book",
        "",
        f"Built with `python -m improvement_report build` on the demo data, {now['workers']} workers "
        "(one per core); the virtual environment already installed. *Cold*: an empty execution cache, "
        "every page executed. *Unchanged*: the same command again; every page comes from the cache and "
        "the published edition is kept, so the book is not rebuilt (0 s). A notebook's seconds are its own "
        "execution, including the kernel's start; the pages run two at a time, so they add up to more than "
        "the wall clock.",
        "",
        "| stage | cold (s) | unchanged (s) | previous cold (s) | previous unchanged (s) |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {_fmt(a)} | {_fmt(b)} | {_fmt(c)} | {_fmt(d)} |" for label, a, b, c, d in rows],
        "",
        f"One template changed (`notebooks/{CHANGED_TEMPLATE.name}`): {changed['wall']:.1f} s wall clock; "
        f"executed again: {', '.join(changed['executed']) or 'nothing'}; every other page from the cache.",
        "",
    ]
    return "\n".join(lines)


def machine() -> dict:
    return {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        **{name: version(name) for name in ("pandas", "numpy", "pyarrow", "duckdb")},
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10**4, 10**5, 10**6, 10**7],
        help="rows per file for the engine (default 10^4 to 10^7)",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        default=REPO_ROOT / "_build" / "bench",
        help="where the scaled extracts are written and kept between runs",
    )
    p.add_argument("--skip-book", action="store_true", help="measure the engine only")
    args = p.parse_args(argv)

    previous = json.loads(RESULTS_JSON.read_text(encoding="utf-8")) if RESULTS_JSON.is_file() else {}
    now = {"machine": machine()}
    now["book"] = previous.get("book") if args.skip_book else book_stages()
    print("Indicator engine (each measurement in a fresh process)", file=sys.stderr)
    now["engine"] = engine.run(sizes=tuple(args.sizes), workdir=args.workdir)
    print("Content digests of the inputs", file=sys.stderr)
    now["digests"] = digests.run(workdir=args.workdir, progress=lambda line: print(line, file=sys.stderr))

    m = now["machine"]
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `make bench` (`python -m benchmarks.run`); the figures of the run before are shown beside "
            "these. Raw figures: `benchmarks/results.json`.",
            "",
            f"Machine: {m['cores']} cores, {m['memory_gb']} GB memory; Python {m['python']}, pandas {m['pandas']}, "
            f"numpy {m['numpy']}, pyarrow {m['pyarrow']}, DuckDB {m['duckdb']}. Run on {m['date']}"
            + (
                f"; previous run on {previous['machine']['date']}." if previous.get("machine") else "; no previous run."
            ),
            "",
            book_markdown(now["book"], previous.get("book")) if now["book"] else "## The demo book\n\nNot measured.\n",
            engine.markdown(now["engine"], previous.get("engine")),
            digests.markdown(now["digests"]),
        ]
    )
    RESULTS_JSON.write_text(json.dumps(now, indent=1) + "\n", encoding="utf-8")
    RESULTS_MD.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(text)
    print(f"\nwrote {RESULTS_MD.relative_to(REPO_ROOT)} and {RESULTS_JSON.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
