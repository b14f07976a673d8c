"""The lecture's claims about shallow and deep networks, checked exactly."""

from __future__ import annotations

import itertools
from fractions import Fraction

from analysis.networks import ReLUNetwork
from analysis.regions import enumerate_regions
from analysis.regions.methods.polygon import iter_polygons
from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["sec_network_claims"]


def _three_slopes() -> tuple[int, int]:
    """Over every sign and joint order of the 10-parameter network, whether a slope depends."""
    ok = total = 0
    joints = [Fraction(-1), Fraction(0), Fraction(1)]
    for signs in itertools.product((1, -1), repeat=3):
        for order in itertools.permutations(joints):
            w = [[s] for s in signs]
            b = [-s * j for s, j in zip(signs, order, strict=True)]  # joint of unit d at order[d]
            phi = [Fraction(2), Fraction(-3), Fraction(5)]
            net = ReLUNetwork([w, [phi]], [b, [Fraction(1, 2)]])
            regions = enumerate_regions(net)
            active = [frozenset(d for d, on in enumerate(r.pattern[0]) if on) for r in regions]
            total += 1
            # a slope is 0 (no unit active) or the sum of others (its units, split among them)
            dep = frozenset() in active or any(
                any(
                    frozenset().union(*combo) == a and sum(len(c) for c in combo) == len(a)
                    for k in range(2, len(active))
                    for combo in itertools.combinations([x for x in active if x != a], k)
                )
                for a in active
            )
            ok += dep and len(regions) == 4
    return ok, total


def sec_network_claims(ctx: ReportContext) -> SectionResult:
    """Slopes, shared joints, identity layers and convex regions, checked exactly."""
    checks = []
    ok, total = _three_slopes()
    checks.append(
        Check(
            f"the 10-parameter network, all {total} sign and joint orders: only 3 of the 4 "
            "slopes are independent (the 4th is 0 or a sum of others)",
            "4 regions, slopes from 3 units",
            ok,
            "exact",
            expected=total,
            id="three_slopes",
            method="exact regions and their activation patterns",
        )
    )
    net = ReLUNetwork.random((1, 4, 2), seed=ctx.seed % 2**31)
    regions = sorted(enumerate_regions(net), key=lambda r: r.point)
    changes = [
        sum(left.A[o] != right.A[o] for left, right in zip(regions, regions[1:], strict=False))
        for o in range(2)
    ]
    slopes_differ = any(r.A[0] != r.A[1] for r in regions)
    checks.append(
        Check(
            "a shallow network with 2 outputs: both outputs bend at the same joints, with "
            "different slopes",
            "joints of $y_1$ = joints of $y_2$",
            f"{changes[0]} and {changes[1]} bends at {len(regions) - 1} joints",
            "exact",
            changes[0] == changes[1] == len(regions) - 1 and slopes_differ,
            expected=len(regions) - 1,
            id="shared_joints",
            method="exact regions and output maps (random output weights, nonzero)",
        )
    )
    shallow = ReLUNetwork.random((1, 4, 1), seed=2)
    W0, W1 = shallow.exact_weights
    b0, b1 = shallow.exact_biases
    eye = [[int(i == j) for j in range(4)] for i in range(4)]
    deep = ReLUNetwork([W0, eye, W1], [b0, [0] * 4, b1])
    xs = [Fraction(k, 7) for k in range(-21, 22)]
    same = sum(deep.exact_forward([x]) == shallow.exact_forward([x]) for x in xs)
    checks.append(
        Check(
            "a deep network whose extra layer is the identity reproduces the shallow one",
            "$\\mathrm{relu}(\\mathrm{relu}(z)) = \\mathrm{relu}(z)$",
            same,
            "exact",
            expected=len(xs),
            id="identity_embedding",
            method=f"exact outputs at {len(xs)} rational points",
        )
    )
    polys = list(iter_polygons(ReLUNetwork.random((2, 6, 6, 1), seed=3), [(-2, 2), (-2, 2)]))
    convex = 0
    for p in polys:
        v, n = p.vertices, len(p.vertices)
        turns = [
            (v[(i + 1) % n][0] - v[i][0]) * (v[(i + 2) % n][1] - v[(i + 1) % n][1])
            - (v[(i + 1) % n][1] - v[i][1]) * (v[(i + 2) % n][0] - v[(i + 1) % n][0])
            for i in range(n)
        ]
        convex += all(t >= 0 for t in turns) or all(t <= 0 for t in turns)
    checks.append(
        Check(
            "every activation region of a 2-input network is a convex polygon",
            "no reflex vertex",
            convex,
            "exact",
            expected=len(polys),
            id="convex_regions",
            method="exact polygons, the sign of every turn",
        )
    )
    md = (
        "The lecture's remarks on shallow and deep networks, each checked on exact regions: "
        "the 10-parameter network has 4 linear regions but only 3 independent slopes; the "
        "outputs of a shallow network share its joints; identity layers embed a shallow "
        "network in a deep one; the regions of a 2-input network are convex polygons."
    )
    return SectionResult(md, checks)
