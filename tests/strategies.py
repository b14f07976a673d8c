"""Shared hypothesis strategies: small ReLU networks with exact weights, and boxes.

Networks are drawn with small rational weights so that ties, parallel, concurrent and
coincident hyperplanes and dead units are common (the cases an exact engine must get right).
"""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import strategies as st

from analysis.networks import ReLUNetwork

__all__ = ["VALUES", "SCALES", "layer", "networks", "widths", "net_any", "small_nets", "boxes"]

#: weight values: small dyadic rationals with zero
VALUES = [F(-2), F(-1), F(-1, 2), F(0), F(1, 2), F(1), F(2)]
#: multiples of an earlier row (a coincident unit, same or opposite orientation)
SCALES = [F(-2), F(-1), F(-1, 2), F(1, 2), F(1), F(2)]


@st.composite
def layer(draw, n_in: int, n_out: int, values=VALUES):
    """Rows (w, b): fresh, all-zero, or a multiple of an earlier row (coincident units)."""
    rows: list[list[F]] = []
    value = st.sampled_from(values)
    for _ in range(n_out):
        how = draw(st.sampled_from(["fresh", "fresh", "fresh", "zero", "copy"]))
        if how == "zero":
            rows.append([F(0)] * (n_in + 1))
        elif how == "copy" and rows:
            src = draw(st.sampled_from(rows))
            c = draw(st.sampled_from(SCALES))
            rows.append([c * v for v in src])
        else:
            rows.append(draw(st.lists(value, min_size=n_in + 1, max_size=n_in + 1)))
    return [r[:-1] for r in rows], [r[-1] for r in rows]


@st.composite
def networks(draw, d: int, hidden: tuple[int, ...], values=VALUES, d_out: int = 1):
    """A network with ``d`` inputs, the given hidden widths and ``d_out`` outputs."""
    Ws, bs = [], []
    n = d
    for w in (*hidden, d_out):
        W, b = draw(layer(n, w, values))
        Ws.append(W)
        bs.append(b)
        n = w
    return ReLUNetwork(Ws, bs)


def widths(max_depth: int, max_width: int, max_units: int):
    """Hidden widths: 1..max_depth layers of 1..max_width units, at most max_units in all."""
    return st.lists(st.integers(1, max_width), min_size=1, max_size=max_depth).filter(
        lambda ws: sum(ws) <= max_units
    )


@st.composite
def net_any(draw, d: int, max_depth: int, max_width: int, max_units: int, values=VALUES):
    """A network with ``d`` inputs and hidden widths drawn by :func:`widths`."""
    ws = draw(widths(max_depth, max_width, max_units))
    return draw(networks(d, tuple(ws), values))


@st.composite
def small_nets(draw, d: int | None = None, max_d: int = 3, max_units: int = 6, values=VALUES):
    """A network of 1-3 inputs (or ``d``), 1-3 layers of 1-3 units, small rational weights."""
    d = d or draw(st.integers(1, max_d))
    return draw(net_any(d, 3, 3, max_units, values))


@st.composite
def boxes(draw, d: int):
    """An open box ``[(lo, hi)] * d`` with exact rational ends around the origin."""
    out = []
    for _ in range(d):
        lo = draw(st.sampled_from([F(-2), F(-1), F(-1, 2), F(0)]))
        hi = draw(st.sampled_from([F(1, 2), F(1), F(2)]))
        out.append((lo, hi))
    return out
