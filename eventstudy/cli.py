"""Command line: ``eventstudy run | study | check | report``.

Each command calls the public API a user would call from Python and prints its result.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import fields
from typing import Any, Literal, get_args, get_origin

import pandas as pd

from eventstudy._json import to_jsonable
from eventstudy._typing import ColorConvention, Window
from eventstudy._version import __version__
from eventstudy.errors import EventStudyError
from eventstudy.models import MODELS
from eventstudy.spec import StudySpec, option_default, option_types

#: The options of a study that ``run`` and ``study`` take on the command line: those with a
#: help text.
STUDY_OPTIONS = tuple(f.name for f in fields(StudySpec) if "help" in f.metadata)
#: Those of ``report``, which studies one event with several models and measures.
REPORT_OPTIONS = ("market", "data", "estimation", "window")
#: The models the command line offers: those that need no factor table, which it cannot give.
CLI_MODELS = [name for name, model in MODELS.items() if not model.needs_factors]


def _add_spec_options(
    parser: argparse.ArgumentParser, names: Sequence[str], hints: dict[str, str] | None = None
) -> None:
    """Add the options ``names`` of :class:`StudySpec` with their help text, choices and
    defaults; ``hints`` adds words to some help texts."""
    types = option_types()
    for f in fields(StudySpec):
        if f.name not in names:
            continue
        default = option_default(f.name)
        text = f.metadata["help"]
        kind = types[f.name]
        extra: dict[str, Any] = {}
        if kind == Window:
            text += f" (default: {default[0]} {default[1]})"
            extra = {"nargs": 2, "type": int, "metavar": ("START", "END")}
        elif get_origin(kind) is Literal:
            extra = {"choices": CLI_MODELS if f.name == "model" else list(get_args(kind))}
        parser.add_argument(
            f"--{f.name}", default=default, help=text + (hints or {}).get(f.name, ""), **extra
        )


def _spec(args: argparse.Namespace, names: Sequence[str]) -> StudySpec:
    """The specification of the options ``names`` as given on the command line."""
    return StudySpec(**{name: getattr(args, name) for name in names})


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``eventstudy`` command."""
    parser = argparse.ArgumentParser(
        prog="eventstudy",
        description="Measure how a stock reacted to news, and check what the news said.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run_p = commands.add_parser("run", help="event study of one stock around one date")
    run_p.add_argument("ticker", help="Yahoo-style ticker, e.g. 000800.SZ")
    run_p.add_argument("date", help="news date, e.g. 2021-09-13")
    _add_spec_options(run_p, STUDY_OPTIONS)
    run_p.add_argument("--json", action="store_true", help="print every number as JSON")

    study_p = commands.add_parser("study", help="event study of many events (CSV: ticker,date)")
    study_p.add_argument("events", help="CSV file with columns ticker,date (optional market)")
    _add_spec_options(study_p, STUDY_OPTIONS)
    study_p.add_argument("--json", action="store_true", help="print every number as JSON")

    check_p = commands.add_parser("check", help="check the claims of a seed record")
    check_p.add_argument("seed", help="path of a seed record (TOML), e.g. seeds/....toml")
    check_p.add_argument(
        "--fx-rate",
        type=float,
        help="the stock's currency per USD, to judge a USD figure (default: the bundled FRED "
        "rate of the day, else Yahoo's CNY=X)",
    )
    _add_spec_options(check_p, ["data"])

    report_p = commands.add_parser(
        "report", help="write charts, Markdown, HTML and JSON of one event study into a folder"
    )
    report_p.add_argument("ticker", help="Yahoo-style ticker, e.g. 000800.SZ")
    report_p.add_argument("date", help="news date, e.g. 2021-09-13")
    report_p.add_argument(
        "--compare-market", help="second index for the robustness table (China: 000300.SS)"
    )
    report_p.add_argument("--claim-pct", help="claimed percent move, e.g. 10")
    report_p.add_argument("--claim-price", help="claimed price, e.g. 12.78")
    _add_spec_options(
        report_p,
        REPORT_OPTIONS,
        {"window": " (shorten it for news of the last few trading days)"},
    )
    report_p.add_argument(
        "--car-window",
        nargs=2,
        type=int,
        default=(-1, 1),
        metavar=("START", "END"),
        help="CAR window of the text and the abnormal-return chart (default: -1 1)",
    )
    report_p.add_argument(
        "--colors",
        default="us",
        choices=get_args(ColorConvention),
        help="colours of up and down days: 'us' green up, red down (default); 'cn' red up, "
        "green down",
    )
    report_p.add_argument("--out", default="report", help="output folder (default: report)")
    report_p.add_argument(
        "--notebook",
        nargs="?",
        const="",
        metavar="PATH",
        help="also execute a notebook (default: the FAW Jiefang research note) and write it "
        "as HTML into the folder",
    )
    return parser


def _emit(result: Any, as_json: bool) -> None:
    """Print a result's summary, or its numbers as JSON."""
    if as_json:
        print(json.dumps(to_jsonable(result.to_dict()), indent=2))
    else:
        print(result.summary().as_text())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or no data)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            from eventstudy.api import run

            _emit(run(args.ticker, args.date, spec=_spec(args, STUDY_OPTIONS)), args.json)
        elif args.command == "study":
            from eventstudy.api import study

            try:
                events = pd.read_csv(args.events, dtype={"ticker": str})
            except (OSError, ValueError) as exc:
                print(
                    f"eventstudy: error: cannot read the events file {args.events}: {exc}",
                    file=sys.stderr,
                )
                return 2
            _emit(study(events, spec=_spec(args, STUDY_OPTIONS)), args.json)
        elif args.command == "check":
            from eventstudy.api import check_seed

            print(check_seed(args.seed, fx_rate=args.fx_rate, data=args.data))
        elif args.command == "report":
            from eventstudy.report import notebook_to_render, render_notebook, write_report

            def progress(message: str) -> None:
                print(f"eventstudy: {message}", file=sys.stderr, flush=True)

            # Checked before anything is written: the notebook and the tools that run it.
            notebook = None if args.notebook is None else notebook_to_render(args.notebook or None)
            files = write_report(
                args.ticker,
                args.date,
                args.out,
                spec=_spec(args, REPORT_OPTIONS),
                compare_market=args.compare_market,
                claim_pct=args.claim_pct,
                claim_price=args.claim_price,
                car_window=tuple(args.car_window),
                colors=args.colors,
                progress=progress,
            )
            if notebook is not None:
                progress("executing the notebook")
                files.append(render_notebook(notebook, args.out))
            for path in files:
                print(path)
    except EventStudyError as exc:
        print(f"eventstudy: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"eventstudy: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
