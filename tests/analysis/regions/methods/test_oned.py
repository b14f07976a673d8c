"""Exact 1-D region counting: the iterator and the streamed count against an independent
brute force (every activation pattern solved for its open interval), hand-worked degenerate
cases, the construction's closed-form count, executors, limits and bad input."""

from __future__ import annotations

import itertools
import types
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.methods.oned.breakpoints import count_regions_1d, iter_regions_1d

F = Fraction


# ----------------------------------------------------------------------------- brute force
def brute_force(net: ReLUNetwork, domain=None) -> tuple[int, int]:
    """(activation, linear) counts by trying every activation pattern (see brute_pieces)."""
    pieces = brute_pieces(net, domain)
    linear = sum(1 for i, pc in enumerate(pieces) if i == 0 or pc[2] != pieces[i - 1][2])
    return len(pieces), linear


def brute_pieces(net: ReLUNetwork, domain=None) -> list:
    """The activation regions as sorted ``(lo, hi, (A, c))`` (None for an infinite end).

    For a fixed pattern every pre-activation is an affine function p x + q of x. The set of
    inputs with that pattern is {active: p x + q > 0, inactive: p x + q <= 0}; its interior is
    the intersection of the open half-lines (an inactive unit with p = 0 needs q <= 0 and adds
    nothing). Patterns with a nonempty open interval are the activation regions; sorting them
    and merging neighbours with equal affine output maps gives the linear regions.
    """
    Ws = [[[F(v) for v in row] for row in W] for W in net.exact_weights]
    Bs = [[F(v) for v in B] for B in net.exact_biases]
    widths = net.hidden_widths
    lo0 = None if domain is None else F(domain[0][0])
    hi0 = None if domain is None else F(domain[0][1])
    pieces = []
    for bits in itertools.product([False, True], repeat=sum(widths)):
        pat, k = [], 0
        for n in widths:
            pat.append(bits[k : k + n])
            k += n
        lo, hi = lo0, hi0
        ok = True
        a, b = [F(1)], [F(0)]  # layer input = a x + b under the pattern
        for W, B, act in zip(Ws[:-1], Bs[:-1], pat, strict=True):
            p = [sum((w * ai for w, ai in zip(row, a, strict=True)), F(0)) for row in W]
            q = [
                sum((w * bi for w, bi in zip(row, b, strict=True)), bb)
                for row, bb in zip(W, B, strict=True)
            ]
            for pi, qi, on in zip(p, q, act, strict=True):
                s = 1 if on else -1  # need s (p x + q) > 0 in the interior
                sp, sq = s * pi, s * qi
                if sp == 0:
                    if sq < 0 or (on and sq == 0):
                        ok = False
                    continue
                r = -sq / sp
                if sp > 0:
                    lo = r if lo is None else max(lo, r)
                else:
                    hi = r if hi is None else min(hi, r)
            a = [pi if on else F(0) for pi, on in zip(p, act, strict=True)]
            b = [qi if on else F(0) for qi, on in zip(q, act, strict=True)]
        if not ok or (lo is not None and hi is not None and lo >= hi):
            continue
        A = tuple(sum((w * ai for w, ai in zip(row, a, strict=True)), F(0)) for row in Ws[-1])
        c = tuple(
            sum((w * bi for w, bi in zip(row, b, strict=True)), bb)
            for row, bb in zip(Ws[-1], Bs[-1], strict=True)
        )
        pieces.append((lo, hi, (A, c)))
    pieces.sort(key=lambda t: (t[0] is not None, t[0] if t[0] is not None else 0))
    return pieces


def net_of(weights, biases) -> ReLUNetwork:
    return ReLUNetwork(weights, biases)


# ----------------------------------------------------------------------------- hand cases
X = [[1]]
HAND = [
    # (name, weights, biases, domain, activation, linear) -- worked out by hand
    ("one unit", [X, [[1]]], [[0], [0]], None, 2, 2),
    ("duplicate units", [[[1], [1]], [[1, 1]]], [[0, 0], [0]], None, 2, 2),
    ("scaled duplicate", [[[1], [3]], [[1, 1]]], [[-1, -3], [0]], None, 2, 2),
    ("negated duplicate (|x|)", [[[1], [-1]], [[1, 1]]], [[0, 0], [0]], None, 2, 2),
    ("relu(x) - relu(x) = 0 merges", [[[1], [1]], [[1, -1]]], [[0, 0], [0]], None, 2, 1),
    ("zero unit", [[[1], [0]], [[1, 1]]], [[0, 0], [0]], None, 2, 2),
    ("dead unit (constant -1)", [[[1], [0]], [[1, 1]]], [[0, -1], [0]], None, 2, 2),
    ("always-active unit (constant 1)", [[[1], [0]], [[1, 1]]], [[0, 1], [0]], None, 2, 2),
    ("unit dead on the domain", [[[1], [-1]], [[1, 1]]], [[0, -5], [0]], [(-1, 1)], 2, 2),
    ("unit active on the whole domain", [[[1]], [[1]]], [[5], [0]], [(-1, 1)], 1, 1),
    ("output ignores the unit", [X, [[0]]], [[-1], [0]], None, 2, 1),
    ("no breakpoint at all", [[[0]], [[2]]], [[1], [0]], None, 1, 1),
    ("affine network (no hidden layer)", [[[2]]], [[1]], None, 1, 1),
    ("joint on the domain end", [X, [[1]]], [[-1], [0]], [(1, 3)], 1, 1),
    # layer 2 unit relu(h) with h = relu(x): identically zero for x < 0 (inactive there)
    ("downstream unit identically zero", [X, X, [[1]]], [[0], [0], [0]], None, 2, 2),
    # layer 2 relu(h - 1), h = relu(x): constant -1 on x < 0, root at x = 1
    ("downstream unit constant on a piece", [X, X, [[1]]], [[0], [-1], [0]], None, 3, 2),
    # relu(x-1), relu(x+1); then relu(h0 + h1 - 2) has its root exactly at the joint x = 1
    (
        "two joints at the same x (across layers)",
        [[[1], [1]], [[1, 1]], [[1]]],
        [[-1, 1], [-2], [0]],
        None,
        3,
        2,
    ),
    ("two joints at the same x (one layer)", [[[1], [2]], [[1, -1]]], [[-1, -2], [0]], None, 2, 2),
    # h = relu(x) + relu(-x) = |x|; layer 2 unit relu(1 - |x|): roots at -1 and 1
    ("tent", [[[1], [-1]], [[-1, -1]], [[1]]], [[0, 0], [1], [0]], None, 4, 4),
    # output relu(x) - relu(x - 1) - relu(x - 2) + relu(x - 3): slopes 0 1 0 -1 0
    (
        "linear equals activation when slopes all change",
        [[[1], [1], [1], [1]], [[1, -1, -1, 1]]],
        [[0, -1, -2, -3], [0]],
        None,
        5,
        5,
    ),
    # relu(x) + relu(x - 1) - relu(x - 1) = relu(x): a joint at 1 without a bend
    (
        "merge in the middle",
        [[[1], [1], [1]], [[1, 1, -1]]],
        [[0, -1, -1], [0]],
        None,
        3,
        2,
    ),
    (
        "merge in the middle (two outputs)",
        [[[1], [1]], [[1, 1], [0, 0]]],
        [[0, 0], [0, 0]],
        None,
        2,
        2,
    ),
    (
        "rational weights",
        [[["1/3"], ["-2/7"]], [["1/5", "3/11"]]],
        [["1/2", "1/9"], [0]],
        None,
        3,
        3,
    ),
]


@pytest.mark.parametrize(
    "name, weights, biases, domain, n_act, n_lin", HAND, ids=[h[0] for h in HAND]
)
def test_hand_worked_counts(name, weights, biases, domain, n_act, n_lin):
    net = net_of(weights, biases)
    # equality: the exact counts worked out by hand
    assert count_regions_1d(net, domain) == n_act
    assert count_regions_1d(net, domain, kind="linear") == n_lin
    assert sum(1 for _ in iter_regions_1d(net, domain)) == n_act
    if net.hidden_widths and sum(net.hidden_widths) <= 10:
        assert brute_force(net, domain) == (n_act, n_lin)  # equality: independent method


def test_linear_merges_where_slope_is_unchanged():
    # relu(x) - relu(x - 1) + relu(x - 1) = relu(x): joint at 1 has no slope change
    net = net_of([[[1], [1], [1]], [[1, -1, 1]]], [[0, -1, -1], [0]])
    assert count_regions_1d(net) == 3  # equality: the two units at 1 tie (one joint)
    assert count_regions_1d(net, kind="linear") == 2  # equality: no bend at 1
    net = net_of([[[1], [1], [2]], [[1, -2, 1]]], [[0, -1, -2], [0]])
    # relu(x) - 2 relu(x - 1) + relu(2x - 2): joint at 1 with slope change 0 -> merge
    assert count_regions_1d(net) == 3  # equality: patterns on (-inf,0), (0,1), (1,inf)
    assert count_regions_1d(net, kind="linear") == 2  # equality: slope 1 continues past 1
    assert brute_force(net) == (3, 2)  # equality: independent method


# ----------------------------------------------------------------------------- random nets
def small_net(draw_ints, widths, denominators):
    Ws, Bs = [], []
    for i in range(len(widths) - 1):
        den = denominators[i]
        w = [F(v, den) for v in draw_ints[i][0]]
        Ws.append([w[r * widths[i] : (r + 1) * widths[i]] for r in range(widths[i + 1])])
        Bs.append([F(v, den) for v in draw_ints[i][1]])
    return ReLUNetwork(Ws, Bs)


@st.composite
def tiny_networks(draw, max_units=7):
    depth = draw(st.integers(1, 3))
    widths = [1] + [draw(st.integers(1, 3)) for _ in range(depth)] + [draw(st.integers(1, 2))]
    while sum(widths[1:-1]) > max_units:
        widths[1] -= 1 if widths[1] > 1 else 0
        if sum(widths[1:-1]) > max_units:
            widths.pop(1)
    vals = st.integers(-2, 2)
    layers = []
    for i in range(len(widths) - 1):
        w = draw(
            st.lists(vals, min_size=widths[i] * widths[i + 1], max_size=widths[i] * widths[i + 1])
        )
        b = draw(st.lists(vals, min_size=widths[i + 1], max_size=widths[i + 1]))
        layers.append((w, b))
    dens = [draw(st.sampled_from([1, 1, 2, 3])) for _ in layers]
    net = small_net(layers, widths, dens)
    domain = draw(
        st.one_of(
            st.none(),
            st.tuples(st.integers(-3, 1), st.integers(1, 3)).map(lambda t: [(t[0], t[0] + t[1])]),
        )
    )
    return net, domain


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_networks())
def test_count_equals_brute_force_on_small_integer_nets(case):
    net, domain = case
    expected = brute_force(net, domain)
    # equality: streamed count, iterator and brute force are independent routes
    assert (count_regions_1d(net, domain), count_regions_1d(net, domain, kind="linear")) == expected
    assert sum(1 for _ in iter_regions_1d(net, domain)) == expected[0]
    # equality: chunks of a single piece change nothing (seams between chunks)
    assert count_regions_1d(net, domain, kind="linear", chunk_size=1) == expected[1]


@settings(max_examples=60, deadline=None)
@given(tiny_networks(max_units=5))
def test_iterator_regions_are_consistent(case):
    net, domain = case
    regions = list(iter_regions_1d(net, domain))
    for r in regions:
        assert r.contains(r.point)  # the witness is interior
        assert net.activation_pattern([r.point[0]]) == r.pattern  # equality: exact pattern
        assert list(r.output(r.point)) == net.exact_forward([r.point[0]])  # equality: exact map
    xs = [r.point[0] for r in regions]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # left to right, disjoint
    for left, right in zip(regions, regions[1:], strict=False):
        assert left.pattern != right.pattern  # neighbours differ (maximal intervals)


@settings(max_examples=40, deadline=None)
@given(tiny_networks(max_units=6), st.integers(1, 5), st.data())
def test_invariant_under_unit_scaling_and_permutation(case, c, data):
    net, domain = case
    Ws = [W.copy() for W in net.exact_weights]
    Bs = [B.copy() for B in net.exact_biases]
    layer = data.draw(st.integers(0, net.depth - 1))
    unit = data.draw(st.integers(0, Ws[layer].shape[0] - 1))
    Ws[layer][unit] *= c  # relu(c z) = c relu(z) for c > 0 ...
    Bs[layer][unit] *= c
    Ws[layer + 1][:, unit] /= c  # ... undone by the next layer's column
    perm = data.draw(st.permutations(range(Ws[layer].shape[0])))
    Ws[layer], Bs[layer] = Ws[layer][list(perm)], Bs[layer][list(perm)]
    Ws[layer + 1] = Ws[layer + 1][:, list(perm)]
    other = ReLUNetwork(list(Ws), list(Bs))
    for kind in ("activation", "linear"):  # equality: invariance
        assert count_regions_1d(other, domain, kind) == count_regions_1d(net, domain, kind)


@pytest.mark.parametrize("seed", range(4))
def test_float_weights_match_the_iterator(seed):
    rng = np.random.default_rng(seed)
    widths = [1, 4, 4, 3, 1]
    Ws = [rng.normal(size=(widths[i + 1], widths[i])) for i in range(len(widths) - 1)]
    Bs = [rng.normal(size=widths[i + 1]) for i in range(len(widths) - 1)]
    net = ReLUNetwork(Ws, Bs)
    regions = list(iter_regions_1d(net))
    n = len(regions)
    assert count_regions_1d(net) == n  # equality: two exact methods
    assert n <= 5 * 5 * 4  # bound: prod(n_l + 1)
    # the iterator's exact maps (A, c), merged where neighbours agree
    maps = [(r.A, r.c) for r in regions]
    merged = 1 + sum(1 for u, v in zip(maps, maps[1:], strict=False) if u != v)
    lin = count_regions_1d(net, kind="linear")
    assert lin == merged <= n  # equality with the iterator's maps; bound by the activation count


@st.composite
def near_tie_networks(draw):
    """Small-integer nets with some weights moved by +-2^-40: exact ties and near-ties mixed,
    and weights that no longer scale to small integers (the certified float filter runs)."""
    net, domain = draw(tiny_networks(max_units=6))
    Ws = [W.copy() for W in net.exact_weights]
    Bs = [B.copy() for B in net.exact_biases]
    eps = F(1, 2**40)
    Ws[0][0, 0] += eps  # at least one: the scaled weights overflow int64
    for k, arr in enumerate(Ws + Bs):
        flat = arr.reshape(-1)
        for i in range(1 if k == 0 else 0, flat.size):
            flat[i] += eps * draw(st.sampled_from([0, 0, 0, 1, -1]))
    return ReLUNetwork(Ws, Bs), domain


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_tie_networks())
def test_float_filter_decides_near_ties_exactly(case):
    from analysis.regions.methods.oned.engine import Engine

    net, domain = case
    assert any(w is None for w in Engine.build(net, False).W_i64[:-1])  # the float path runs
    expected = brute_force(net, domain)
    assert count_regions_1d(net, domain) == expected[0]  # equality: independent method
    assert count_regions_1d(net, domain, chunk_size=1) == expected[0]  # equality
    assert count_regions_1d(net, domain, kind="linear") == expected[1]  # equality


def test_float_filter_on_exact_ties():
    # float weights, every unit through x = 0 (biases 0): the filter cannot separate the
    # roots and hands the piece to exact arithmetic; the iterator agrees
    rng = np.random.default_rng(3)
    net = ReLUNetwork(
        [rng.normal(size=(6, 1)), rng.normal(size=(6, 6)), rng.normal(size=(1, 6))],
        [np.zeros(6), np.zeros(6), [0.0]],
    )
    n = sum(1 for _ in iter_regions_1d(net))
    assert count_regions_1d(net) == n == 2  # equality: a cone-like net bends only at 0


def test_huge_domain_mixes_int64_and_big_integer_rows():
    net = net_of([[[1], [1], [-1]], [[1, 2, 3], [3, -1, 2]], [[1, 1]]], [[0, -1, 2], [1, -2], [0]])
    big = 2**70
    n = count_regions_1d(net, [(-big, big)])
    assert n == count_regions_1d(net) == sum(1 for _ in iter_regions_1d(net))  # equality
    assert n == brute_force(net)[0]  # equality: independent method


@pytest.mark.parametrize("domain", [None, [(0, 2)]])
def test_roots_closer_than_float_resolution(domain):
    # four joints within 2^-60 of x = 1 (two of them equal): floats cannot order them, so the
    # order comes from exact integer cross-multiplication
    e = F(1, 2**60)
    net = ReLUNetwork(
        [[[1], [1], [1], [1]], [[1, 2, -3, 5]], [[1]]],
        [[-(1 + e), -1, -(1 + e), -1 + e], [-1], [0]],
    )
    expected = brute_force(net, domain)
    assert count_regions_1d(net, domain) == expected[0]  # equality: independent method
    assert count_regions_1d(net, domain, kind="linear") == expected[1]  # equality


def test_values_beyond_the_float_range():
    # breakpoints at +-1e300 and a domain of +-10^400: exact integers, no float overflow
    net = ReLUNetwork([[[1e-300], [1e-300]], [[1, 1]]], [[1.0, -1.0], [0]])
    assert count_regions_1d(net) == 3 == sum(1 for _ in iter_regions_1d(net))  # equality
    big = F(10) ** 400
    rng = np.random.default_rng(0)
    net = ReLUNetwork(
        [rng.normal(size=(3, 1)), rng.normal(size=(3, 3)), rng.normal(size=(1, 3))],
        [rng.normal(size=3), rng.normal(size=3), [0.0]],
    )
    n = count_regions_1d(net)
    assert count_regions_1d(net, [(-big, big)]) == n  # equality: the box holds every joint
    assert count_regions_1d(net, [(-big, big)], kind="linear") == count_regions_1d(
        net, kind="linear"
    )


# ----------------------------------------------------------------------------- constructions
@pytest.mark.parametrize("widths", [[3], [1, 1], [2, 2, 2], [3, 4], [1, 3, 2], [5, 5, 5], [4] * 5])
def test_construction_reaches_its_closed_form(widths):
    constructions = pytest.importorskip("analysis.constructions")
    net = constructions.max_regions_network(widths)
    expected = constructions.construction_region_count(widths)  # recursion, not our engine
    assert count_regions_1d(net) == expected  # equality
    if all(n >= 3 for n in widths):
        assert expected == int(np.prod([n + 1 for n in widths]))  # equality: prod(n_l + 1)
        assert count_regions_1d(net, kind="linear") == expected  # equality: every joint bends
    else:
        assert count_regions_1d(net) < int(np.prod([n + 1 for n in widths]))  # strict bound


# ----------------------------------------------------------------------------- executors
def _mixed_net() -> ReLUNetwork:
    rng = np.random.default_rng(0)
    widths = [1, 6, 6, 6, 2]
    Ws = [rng.integers(-3, 4, size=(widths[i + 1], widths[i])) for i in range(4)]
    Bs = [rng.integers(-3, 4, size=widths[i + 1]) for i in range(4)]
    Ws[-1][:, :4] = 0  # output ignores four units: many merges in kind="linear"
    return ReLUNetwork(Ws, Bs)


@pytest.mark.parametrize("n_tasks", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize("kind", ["activation", "linear"])
def test_any_split_into_tasks_gives_the_same_count(n_tasks, kind):
    from analysis.regions.methods.oned.breakpoints import count_in_tasks

    net = _mixed_net()
    maps = [(r.A, r.c) for r in iter_regions_1d(net)]
    expected = (len(maps), 1 + sum(1 for u, v in zip(maps, maps[1:], strict=False) if u != v))
    serial = count_regions_1d(net, kind=kind)
    assert count_regions_1d(net, kind="linear") < count_regions_1d(net)  # strict: merges exist
    with ThreadPoolExecutor(2) as ex:
        split = count_in_tasks(net, None, kind, executor=ex, n_tasks=n_tasks, chunk_size=3)
    assert split == serial  # equality: seams between tasks merge exactly
    assert serial == expected[kind == "linear"]  # equality: the iterator's exact maps


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_executors_give_identical_counts(pool):
    nets = [_mixed_net()]
    constructions = pytest.importorskip("analysis.constructions")
    nets.append(constructions.max_regions_network([4, 4, 4]))
    nets.append(net_of([[[1], [1]], [[1, -1]]], [[0, 0], [0]]))
    rng = np.random.default_rng(1)
    widths = [1, 5, 5, 1]
    nets.append(  # float weights: the certified float filter, split at layer-1 breakpoints
        ReLUNetwork(
            [rng.normal(size=(widths[i + 1], widths[i])) for i in range(3)],
            [rng.normal(size=widths[i + 1]) for i in range(3)],
        )
    )
    with pool(max_workers=2) as ex:
        for net in nets:
            for kind in ("activation", "linear"):
                for domain in (None, [(-1, "7/3")]):
                    serial = count_regions_1d(net, domain, kind)
                    # equality: counts do not depend on how the work is split
                    assert count_regions_1d(net, domain, kind, executor=ex) == serial


def test_dask_executor_gives_identical_counts():
    distributed = pytest.importorskip("distributed")
    net = _mixed_net()
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2) as client:
        ex = client.get_executor()
        for kind in ("activation", "linear"):  # equality: independent of the executor
            assert count_regions_1d(net, kind=kind, executor=ex) == count_regions_1d(net, kind=kind)


# ----------------------------------------------------------------------------- limits
def test_max_regions_raises_with_a_lower_bound():
    constructions = pytest.importorskip("analysis.constructions")
    net = constructions.max_regions_network([4, 4, 4])  # 125 regions
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions_1d(net, max_regions=50, chunk_size=4)
    err = info.value
    assert isinstance(err, ValueError)
    assert 50 < err.lower_bound <= 125  # bound: a lower bound on the true count, above the limit
    assert "125" in str(err) and "lower bound" in str(err)
    assert count_regions_1d(net, max_regions=125) == 125  # equality: the limit is inclusive
    with ThreadPoolExecutor(2) as ex, pytest.raises(RegionLimitExceeded) as info:
        count_regions_1d(net, max_regions=50, executor=ex, chunk_size=4)
    assert 50 < info.value.lower_bound <= 125  # bound


def test_time_budget_raises_with_a_lower_bound():
    constructions = pytest.importorskip("analysis.constructions")
    net = constructions.max_regions_network([5] * 6)
    with pytest.raises(RegionTimeBudgetExceeded) as info:
        count_regions_1d(net, time_budget=1e-9, chunk_size=2)
    assert 0 <= info.value.lower_bound <= 6**6  # bound: a lower bound on the true count
    assert "time budget" in str(info.value)


def test_progress_reports_a_growing_count():
    constructions = pytest.importorskip("analysis.constructions")
    net = constructions.max_regions_network([3, 3, 3])
    seen: list[int] = []
    total = count_regions_1d(net, progress=seen.append, chunk_size=2)
    assert seen == sorted(seen) and seen[-1] == total == 64  # equality: final report is the count


@settings(max_examples=60, deadline=None)
@given(tiny_networks(max_units=6))
def test_outer_breakpoints_match_brute_force(case):
    from analysis.regions.methods.oned.engine import outer_breakpoints

    net, _ = case
    pieces = brute_pieces(net)
    outer = outer_breakpoints(net)
    if len(pieces) == 1:
        assert outer is None  # equality: no breakpoint at all
    else:
        assert outer == (pieces[0][1], pieces[-1][0])  # equality: ends of the outer regions


def test_outputs_agree_with_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    widths = [1, 5, 4, 2]
    Ws = [rng.normal(size=(widths[i + 1], widths[i])) for i in range(3)]
    Bs = [rng.normal(size=widths[i + 1]) for i in range(3)]
    net = ReLUNetwork(Ws, Bs)
    layers = []
    for i, (W, B) in enumerate(zip(Ws, Bs, strict=True)):
        lin = torch.nn.Linear(widths[i], widths[i + 1]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W))
            lin.bias.copy_(torch.tensor(B))
        layers += [lin, torch.nn.ReLU()] if i < 2 else [lin]
    model = torch.nn.Sequential(*layers)
    for r in iter_regions_1d(net):
        x = float(r.point[0])
        with torch.no_grad():
            y = model(torch.tensor([[x]], dtype=torch.float64)).numpy()[0]
        exact = [float(v) for v in r.output((F(x),))]
        assert np.allclose(y, exact, rtol=1e-9, atol=1e-9)  # equality up to float rounding


def test_iterator_is_lazy():
    net = net_of([[[1]] * 3, [[1, 1, 1]]], [[0, -1, -2], [0]])
    gen = iter_regions_1d(net)
    assert isinstance(gen, types.GeneratorType)
    first = next(gen)
    assert first.pattern == ((False, False, False),) and first.point == (F(-1),)  # equality


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"domain": [(1, 1)]}, ValueError, "empty or degenerate"),
        ({"domain": [(0, 1), (0, 1)]}, ValueError, "2 (lo, hi) pairs"),
        ({"domain": [(0, float("inf"))]}, ValueError, "non-finite"),
        ({"kind": "pieces"}, ValueError, "kind"),
        ({"max_regions": 0}, ValueError, "max_regions"),
        ({"max_regions": 2.5}, TypeError, "max_regions"),
        ({"time_budget": -1}, ValueError, "time_budget"),
        ({"chunk_size": 0}, ValueError, "chunk_size"),
        ({"executor": "pool"}, TypeError, "executor"),
    ],
)
def test_bad_arguments(kwargs, error, text):
    net = net_of([X, [[1]]], [[0], [0]])
    with pytest.raises(error, match=text.replace("(", r"\(").replace(")", r"\)")):
        count_regions_1d(net, **kwargs)


def test_bad_networks():
    two_inputs = net_of([[[1, 2]], [[1]]], [[0], [0]])
    with pytest.raises(ValueError, match="one input.*input_dim=2"):
        count_regions_1d(two_inputs)
    with pytest.raises(ValueError, match="input_dim=2"):
        next(iter_regions_1d(two_inputs))
    with pytest.raises(TypeError, match="ReLUNetwork"):
        count_regions_1d([[1.0]])
    with pytest.raises(ValueError, match="empty or degenerate"):
        iter_regions_1d(net_of([X, [[1]]], [[0], [0]]), [(2, 1)])
