"""All region-counting benchmarks: 1-D, 2-D and any dimension, each beside sampling.

Runs ``edge_subdivision.py`` (physml beside the edge-subdivision peer: count, graph and
linear count; ``--peer PATH``), ``regions_1d.py``, ``regions_2d.py`` and ``regions_nd.py`` one
after the other, each in its own process (so each one's peak memory is its own), and passes
``--quick`` through.

Run::

    python benchmarks/regions.py            # the issue's targets (a few minutes on 2 cores)
    python benchmarks/regions.py --quick    # small versions
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = ("edge_subdivision.py", "regions_1d.py", "regions_2d.py", "regions_nd.py")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small versions of every benchmark")
    ap.add_argument("--peer", help="a checkout of arturs-berzins/relu_edge_subdivision")
    args = ap.parse_args(argv)
    status = 0
    for part in PARTS:
        print(f"\n######## {part}", flush=True)
        cmd = [sys.executable, os.path.join(HERE, part)] + (["--quick"] if args.quick else [])
        if part == "edge_subdivision.py" and args.peer:
            cmd += ["--peer", args.peer]
        status |= subprocess.call(cmd)
    return status


if __name__ == "__main__":
    sys.exit(main())
