"""Command line: ``python -m improvement_report {build,figures,validate,demo-data}``.

Problems with the input or the configuration are reported in one line each, with a
non-zero exit status and no Python traceback.
"""

import argparse
import logging
import sys

from .config import ConfigError, load_config
from .loading import DataContractError

EXIT_BAD_INPUT = 2
EXIT_BUILD_FAILED = 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m improvement_report",
                                description="Children's services improvement report book.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="validate the data, execute the notebooks and build the HTML book")
    b.add_argument("--config", default="config/default.yml", help="report configuration (YAML)")
    b.add_argument("--month", help="report month YYYY-MM, overriding the configuration")
    b.add_argument("--window-start", help="window start YYYY-MM-DD, overriding the configuration")
    b.add_argument("--window-end", help="window end YYYY-MM-DD, overriding the configuration")

    f = sub.add_parser("figures", help="print the headline figures as JSON")
    f.add_argument("--data", required=True, help="folder of CSV extracts")
    f.add_argument("--month", required=True, help="YYYY-MM")
    f.add_argument("--window-start", required=True, help="YYYY-MM-DD")
    f.add_argument("--window-end", required=True, help="YYYY-MM-DD")

    v = sub.add_parser("validate", help="check a data folder against the data contract")
    v.add_argument("--data", help="folder of CSV extracts (default: the configuration's)")
    v.add_argument("--config", default="config/default.yml")

    d = sub.add_parser("demo-data", help="regenerate the synthetic demo extracts in data/demo/")
    d.add_argument("--seed", type=int, default=None)
    d.add_argument("--out", default=None, help="folder to write (default data/demo)")
    return p


def _figures(args) -> int:
    import pandas as pd

    from .figures import figures_json

    for name, value, fmt in (("--month", args.month, "%Y-%m"), ("--window-start", args.window_start, "%Y-%m-%d"),
                             ("--window-end", args.window_end, "%Y-%m-%d")):
        try:
            pd.to_datetime(value, format=fmt)
        except ValueError:
            print(f"error: {name} must be written {fmt.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')}, "
                  f"not {value!r}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.window_start > args.window_end:
        print("error: --window-start is after --window-end", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(figures_json(args.data, args.month, args.window_start, args.window_end))
    return 0


def _validate(args) -> int:
    from .catalogue import load_catalogue
    from .loading import load_extracts

    data = args.data or load_config(args.config).data_path
    extracts = load_extracts(data, indicator_codes=set(load_catalogue().index))
    for f in extracts.files:
        print(f"{f.file}: {f.rows} rows valid")
    return 0


def _build(args) -> int:
    from .runner import BuildError, build

    cfg = load_config(args.config, month=args.month, window_start=args.window_start, window_end=args.window_end)
    try:
        index = build(cfg)
    except BuildError as err:
        print(f"build failed, nothing published (the previous edition is unchanged): {err}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    print(f"The report is at {index}")
    return 0


def _demo(args) -> int:
    from . import demo

    kwargs = {k: v for k, v in (("seed", args.seed), ("out_dir", args.out)) if v is not None}
    for path in demo.generate(**kwargs):
        print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    commands = {"build": _build, "figures": _figures, "validate": _validate, "demo-data": _demo}
    try:
        return commands[args.command](args)
    except DataContractError as err:
        print("The data do not follow the data contract (data/README.md):", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        if args.command == "build":
            print("Nothing was built or published; the previous edition is unchanged.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
