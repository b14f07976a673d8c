"""The ``physml`` command line.

Subcommands::

    physml derive NAME        print one derivation as Markdown with LaTeX
    physml derive --list      list the derivations
    physml report [--quick]   build reports/REPORT.md with its figures and check tables
    physml regions ...        count a network's linear regions exactly
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["main", "build_parser"]


def _cmd_derive(args: argparse.Namespace) -> int:
    from theory.derivation import derive, registered

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
    from analysis.report import build_report

    kwargs = {} if args.seed is None else {"seed": args.seed}
    result = build_report(out_dir=args.out, quick=args.quick, **kwargs)
    print(f"wrote {result.path / 'REPORT.md'}")
    if args.strict and result.n_failed:
        print(f"{result.n_failed} check(s) failed or section(s) errored", file=sys.stderr)
        return 1
    return 0


def _add_regions(sub: argparse._SubParsersAction) -> None:
    try:
        from analysis.regions.cli import add_parser
    except ImportError:  # pragma: no cover - regions CLI not available
        return
    add_parser(sub)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``physml`` (exposed for docs and tests)."""
    p = argparse.ArgumentParser(
        prog="physml",
        description="Derive, compute and check the theory of gradient descent and of the "
        "linear regions of ReLU networks.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    d = sub.add_parser("derive", help="print a derivation as Markdown with LaTeX")
    d.add_argument("name", nargs="?", help="derivation name (see --list)")
    d.add_argument("--list", action="store_true", help="list the derivations")
    d.set_defaults(func=_cmd_derive)

    r = sub.add_parser("report", help="build the report (REPORT.md, figures, report.json)")
    r.add_argument("--out", default="reports", help="output folder (default: reports)")
    r.add_argument("--quick", action="store_true", help="smaller problems, for CI and tests")
    r.add_argument("--seed", type=int, default=None, help="seed of every random choice")
    r.add_argument(
        "--strict", action="store_true", help="exit 1 if any check fails or a section errors"
    )
    r.set_defaults(func=_cmd_report)

    _add_regions(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``physml`` console script."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
