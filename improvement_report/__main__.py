"""Command line: ``python -m improvement_report {build,figures,validate,demo-data,published-refresh}``.

Problems with the input or the configuration are reported in one line (no colour codes, a few
hundred characters at most, ending with the path of a log holding the full text), with a
non-zero exit status and no Python traceback.
"""

import argparse
import logging
import sys
import traceback

from improvement_report.build.config import ConfigError, load_config
from improvement_report.core.errors import error_line
from improvement_report.inputs.loading import DataContractError
from improvement_report.inputs.published import PublishedDataError

EXIT_BAD_INPUT = 2
EXIT_BUILD_FAILED = 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m improvement_report", description="Children's services improvement report book."
    )
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="validate the data, execute the notebooks and build the HTML book")
    b.add_argument(
        "--config",
        nargs="+",
        default=["config/default.yml"],
        metavar="CONFIG",
        help="report configuration(s) (YAML), or folders of them: several are built at once",
    )
    b.add_argument("--month", help="report month YYYY-MM, overriding the configuration")
    b.add_argument("--window-start", help="window start YYYY-MM-DD, overriding the configuration")
    b.add_argument("--window-end", help="window end YYYY-MM-DD, overriding the configuration")
    b.add_argument("--workers", type=int, default=None, help="pages executed at once (default: one per core)")
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="execute the pages on this Dask distributed scheduler, e.g. tcp://10.0.0.5:8786",
    )
    b.add_argument("--no-cache", action="store_true", help="execute every page, whatever the cache holds")
    b.add_argument("--timings", metavar="FILE", help="write each stage's seconds to FILE (JSON), for the benchmark")

    f = sub.add_parser("figures", help="print the headline figures as JSON")
    f.add_argument("--data", required=True, help="folder of CSV extracts")
    f.add_argument("--month", required=True, help="YYYY-MM")
    f.add_argument("--window-start", required=True, help="YYYY-MM-DD")
    f.add_argument("--window-end", required=True, help="YYYY-MM-DD")

    v = sub.add_parser("validate", help="check a data folder against the data contract")
    v.add_argument("--data", help="folder of CSV extracts (default: the configuration's)")
    v.add_argument("--config", default="config/default.yml")

    r = sub.add_parser(
        "published-refresh",
        help="update data/published from DfE explore-education-statistics CSV files placed in a folder",
    )
    r.add_argument("--from", dest="folder", required=True, metavar="FOLDER", help="folder of DfE CSV files")
    r.add_argument(
        "--published-on",
        metavar="YYYY-MM-DD",
        help="the release's publication date, recorded for new years (default: estimated and marked so)",
    )
    r.add_argument("--target", default=None, help="published-statistics folder (default data/published)")
    r.add_argument("--dry-run", action="store_true", help="check the files, write nothing")

    d = sub.add_parser("demo-data", help="regenerate the synthetic demo extracts in data/demo/")
    d.add_argument("--seed", type=int, default=None)
    d.add_argument("--out", default=None, help="folder to write (default data/demo)")
    return p


def _figures(args) -> int:
    import pandas as pd

    from improvement_report.measures.headline import figures_json

    for name, value, fmt in (
        ("--month", args.month, "%Y-%m"),
        ("--window-start", args.window_start, "%Y-%m-%d"),
        ("--window-end", args.window_end, "%Y-%m-%d"),
    ):
        try:
            pd.to_datetime(value, format=fmt)
        except ValueError:
            print(
                f"error: {name} must be written {fmt.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')}, "
                f"not {value!r}",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    if args.window_start > args.window_end:
        print("error: --window-start is after --window-end", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(figures_json(args.data, args.month, args.window_start, args.window_end))
    return 0


def _validate(args) -> int:
    from improvement_report.inputs.catalogue import load_catalogue
    from improvement_report.inputs.loading import load_extracts

    data = args.data or load_config(args.config).data_path
    extracts = load_extracts(data, indicator_codes=set(load_catalogue().index))
    for f in extracts.files:
        print(f"{f.file}: {f.rows} rows valid")
    return 0


def _config_files(names: list[str]) -> list:
    """Configuration files named, with each folder named standing for the YAML files in it."""
    from improvement_report.core.paths import resolve

    files = []
    for name in names:
        path = resolve(name)
        files += sorted([*path.glob("*.yml"), *path.glob("*.yaml")]) if path.is_dir() else [path]
    if not files:
        raise ConfigError(f"no configuration files (*.yml) in {', '.join(names)}")
    return files


def _build(args) -> int:
    import json

    from improvement_report.build.runner import BuildError, build_many

    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers must be 1 or more")
    configs = [
        load_config(path, month=args.month, window_start=args.window_start, window_end=args.window_end)
        for path in _config_files(args.config)
    ]
    try:
        reports = build_many(configs, workers=args.workers, scheduler=args.scheduler, use_cache=not args.no_cache)
    except BuildError as err:
        print(error_line(f"build failed, nothing published: {err}", name="build"), file=sys.stderr)
        return EXIT_BUILD_FAILED
    if args.timings:
        timings = {r.cfg.path.name: {**r.timings, "unchanged": r.unchanged, "error": r.error} for r in reports}
        with open(args.timings, "w", encoding="utf-8") as f:
            json.dump(timings, f, indent=1)
    for report in reports:
        name = f"{report.cfg.path.name}: " if len(reports) > 1 else ""
        if report.error is None:
            print(f"{name}The report is at {report.index}")
        elif report.bad_input:
            print(
                error_line(
                    f"{name}nothing published (the previous edition is unchanged): {report.error}", name="build"
                ),
                file=sys.stderr,
            )
        else:
            print(
                error_line(
                    f"{name}build failed, nothing published (the previous edition is unchanged): {report.error}",
                    name="build",
                ),
                file=sys.stderr,
            )
    failed = [r for r in reports if r.error]
    if len(reports) > 1:
        print(
            f"{len(reports) - len(failed)} of {len(reports)} reports built"
            + (f"; failed: {', '.join(r.cfg.path.name for r in failed)}" if failed else ""),
            file=sys.stderr if failed else sys.stdout,
        )
    if not failed:
        return 0
    return EXIT_BAD_INPUT if all(r.bad_input for r in failed) else EXIT_BUILD_FAILED


def _demo(args) -> int:
    from improvement_report import demo

    kwargs = {k: v for k, v in (("seed", args.seed), ("out_dir", args.out)) if v is not None}
    for path in demo.generate(**kwargs):
        print(f"wrote {path}")
    return 0


def _published_refresh(args) -> int:
    from improvement_report.inputs.published import PUBLISHED_DIR
    from improvement_report.inputs.published_refresh import refresh

    report = refresh(
        args.folder, target=args.target or PUBLISHED_DIR, published_on=args.published_on, dry_run=args.dry_run
    )
    for name in report.files_ignored:
        print(f"ignored {name}: no measure the book uses comes from it")
    print(
        f"{'checked' if args.dry_run else 'refreshed'} from {', '.join(report.files_used)}: "
        f"{report.replaced} values replaced, {report.added} added"
    )
    for series, year, date, status in report.new_release_dates:
        print(f"{series} {year}: first published {date} ({status})")
    print(f"updated: {', '.join(report.measures_updated)}")
    if report.measures_kept:
        kept = ", ".join(f"{m} (to {y})" for m, y in report.measures_kept)
        print(f"kept as they were (no explore-education-statistics file the command reads; update by hand): {kept}")
    return 0


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    commands = {
        "build": _build,
        "figures": _figures,
        "validate": _validate,
        "demo-data": _demo,
        "published-refresh": _published_refresh,
    }
    try:
        return commands[args.command](args)
    except DataContractError as err:
        print(
            error_line(contract_summary(err, args.command == "build"), contract_full_text(err), args.command),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except ConfigError as err:
        print(error_line(f"configuration error: {err}", name=args.command), file=sys.stderr)
        return EXIT_BAD_INPUT
    except PublishedDataError as err:  # RefreshError is one too
        print(error_line(f"published statistics: {err}", name=args.command), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as err:  # never a traceback on the terminal: one line, the traceback in the log
        print(
            error_line(f"internal error: {type(err).__name__}: {err}", traceback.format_exc(), args.command),
            file=sys.stderr,
        )
        return EXIT_BUILD_FAILED


def contract_full_text(err: DataContractError) -> str:
    """Every problem of a data contract error, one a line, for the log."""
    return "The data do not follow the data contract (data/README.md):\n" + "\n".join(f"  {p}" for p in err.problems)


def contract_summary(err: DataContractError, building: bool) -> str:
    """The first problem, how many more there are, and what was (not) published."""
    more = len(err.problems) - 1
    text = f"the data do not follow the data contract (data/README.md): {err.problems[0] if err.problems else err}"
    if more > 0:
        text += f" (and {more} more problem{'s' if more > 1 else ''})"
    if building:
        text += "; nothing was built or published, the previous edition is unchanged"
    return text


if __name__ == "__main__":
    sys.exit(main())
