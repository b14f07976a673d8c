"""The ``physml`` command line: ``derive``, ``report``, ``regions``."""

from analysis.cli.main import (
    build_parser,
    main,
)

__all__ = [
    "main",
    "build_parser",
]
