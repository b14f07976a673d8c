"""The ``physml`` command line: ``derive``, ``report``, ``regions``."""

from analysis.cli.app import (
    build_parser,
    main,
)

__all__ = [
    "main",
    "build_parser",
]
