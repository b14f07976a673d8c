"""``python -m analysis.cli``: the ``physml`` command."""

import sys

from analysis.cli.app import main

sys.exit(main())
