"""The ``physml`` command line.

Subcommands::

    physml derive NAME        print one derivation as Markdown with LaTeX
    physml derive --list      list the derivations
    physml report [--quick]   build reports/REPORT.md with its figures and check tables
    physml regions ...        count a network's linear regions exactly
    physml train ...          train a network and track its exact regions
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from analysis import report
from analysis.cli.regions import add_parser
from analysis.cli.train import add_parser as add_train_parser
from theory.derivation import derive, registered

__all__ = ["main", "build_parser"]


def _cmd_derive(args: argparse.Namespace) -> int:

    table = registered()
    if args.list or not args.name:
        width = max((len(n) for n in table), default=0)
        for name in sorted(table):
            doc = (table[name].__doc__ or "").strip().splitlines()
            print(f"{name:<{width}}  {doc[0] if doc else ''}")
        return 0
    try:
        d = derive(args.name)
    except ValueError as exc:
        print(f"physml derive: {exc}", file=sys.stderr)
        return 2
    print(d.to_markdown())
    return 0


def _cmd_report(args: argparse.Namespace) -> int:

    kwargs = {} if args.seed is None else {"seed": args.seed}
    result = report.build_report(out_dir=args.out, quick=args.quick, **kwargs)
    n_fig = len(list((result.path / "figures").glob("*.png")))
    print(
        f"wrote {result.path / 'REPORT.md'}, {result.path / 'report.json'} and "
        f"{result.path / 'figures'}/ ({n_fig} figures, PNG and SVG)"
    )
    if result.n_errored_sections:
        print(
            f"physml report: {result.n_errored_sections} section(s) failed to build "
            "(see REPORT.md)",
            file=sys.stderr,
        )
        return 1
    if args.strict and result.n_failed_checks:
        print(f"physml report: {result.n_failed_checks} check(s) failed", file=sys.stderr)
        return 1
    return 0


def _seed(text: str) -> int:
    """Argparse type of a seed: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def _add_subcommands(sub: argparse._SubParsersAction) -> None:
    add_parser(sub)
    add_train_parser(sub)


MAIN_EPILOG = """\
examples:
  physml report                       the whole report: reports/REPORT.md, figures, report.json
  physml derive --list                every derivation, one line each
  physml derive heavy_ball            one derivation as Markdown with LaTeX
  physml regions --construct 5,5,5    an exact count beside (D+1)^K
  physml train --data moons --epochs 300 --track-regions

'physml COMMAND --help' explains each command."""

REPORT_DESCRIPTION = """\
Build the report: every claim of the lecture derived (sympy), computed independently
(simulation, exact counts, a peer library) and checked, with its kind (exact, upper bound,
lower bound, asymptote, empirical), and the lecture's figures.

It writes only REPORT.md, report.json and figures/ in --out, and refuses a folder that holds
other files and no physml report. The full report takes a few minutes on 2 cores; --quick
uses smaller problems (about a minute)."""

REPORT_EPILOG = """\
examples:
  physml report
  physml report --quick --out /tmp/report --strict"""

DERIVE_DESCRIPTION = """\
Print a derivation as Markdown with LaTeX: its assumptions, each step as an equation, the
results with their kind of claim, and the references."""

DERIVE_EPILOG = """\
examples:
  physml derive --list
  physml derive gd_convergence_rate"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``physml`` (exposed for docs and tests)."""
    raw = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="physml",
        description="Derive, compute and check the theory of gradient descent and of the "
        "linear regions of ReLU networks.",
        epilog=MAIN_EPILOG,
        formatter_class=raw,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    d = sub.add_parser(
        "derive",
        help="print a derivation as Markdown with LaTeX",
        description=DERIVE_DESCRIPTION,
        epilog=DERIVE_EPILOG,
        formatter_class=raw,
    )
    d.add_argument("name", nargs="?", help="derivation name (see --list)")
    d.add_argument("--list", action="store_true", help="list the derivations")
    d.set_defaults(func=_cmd_derive)

    r = sub.add_parser(
        "report",
        help="build the report (REPORT.md, figures, report.json)",
        description=REPORT_DESCRIPTION,
        epilog=REPORT_EPILOG,
        formatter_class=raw,
    )
    r.add_argument("--out", default="reports", help="output folder (default: reports)")
    r.add_argument(
        "--quick", action="store_true", help="smaller problems, for CI and tests (default: off)"
    )
    r.add_argument(
        "--seed",
        type=_seed,
        default=None,
        help="seed of every random choice, an integer >= 0 (default: 20250206)",
    )
    r.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if any check fails or a section errors (default: off)",
    )
    r.set_defaults(func=_cmd_report)

    _add_subcommands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``physml`` console script.

    Exit status: 0 success; 1 a check failed (``--strict``, or a violated check of
    ``physml regions``) or a report section failed to build; 2 bad input or usage (one line
    on stderr, never a traceback); 130 interrupted (Ctrl-C). A closed output pipe
    (``physml derive heavy_ball | head -1``) ends the command quietly.
    """
    args = build_parser().parse_args(_joined_values(sys.argv[1:] if argv is None else argv))
    func: Callable[[argparse.Namespace], int] = args.func
    name = f"physml {args.command}"
    try:
        return func(args)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        print(f"\n{name}: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            f"{name}: out of memory; bound the work with --max-regions or --time-budget",
            file=sys.stderr,
        )
        return 2
    except (ValueError, TypeError, OSError, RecursionError) as exc:
        print(f"{name}: {_one_line(exc)}", file=sys.stderr)
        return 2


#: options whose value may start with a minus sign (a box such as ``-1,1``)
_SIGNED = ("--domain",)


def _joined_values(argv: Sequence[str]) -> list[str]:
    """``--domain -1,1`` as ``--domain=-1,1``: argparse would read ``-1,1`` as an option.

    >>> _joined_values(["regions", "--domain", "-1,1", "--kind", "linear"])
    ['regions', '--domain=-1,1', '--kind', 'linear']
    """
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in _SIGNED:
            nxt = next(it, None)
            out.append(a if nxt is None else f"{a}={nxt}")
        else:
            out.append(a)
    return out


def _one_line(exc: BaseException) -> str:
    """An exception as one line of text (OSError with its file name)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so that the exit flush stays quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real stdout
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
