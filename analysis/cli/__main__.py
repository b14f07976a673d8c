"""``python -m analysis.cli``: the ``physml`` command."""

import sys

from analysis.cli.main import main

sys.exit(main())
