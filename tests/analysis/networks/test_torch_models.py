"""torch models with the layers people use: outputs equal torch's, region counts are right."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.regions.exact.linalg import reference_interior_point

torch = pytest.importorskip("torch")
nn = torch.nn


def _seeded(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
    return model


def _bn(n, seed=1):
    bn = nn.BatchNorm1d(n, dtype=torch.float64)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(n, generator=g, dtype=torch.float64))
        bn.running_var.copy_(torch.rand(n, generator=g, dtype=torch.float64) + 0.5)
        bn.weight.copy_(torch.randn(n, generator=g, dtype=torch.float64))
        bn.bias.copy_(torch.randn(n, generator=g, dtype=torch.float64))
    return bn.eval()


def _models():
    d = torch.float64
    return {
        "linear_no_bias": (
            nn.Sequential(
                nn.Linear(3, 4, bias=False, dtype=d), nn.ReLU(), nn.Linear(4, 2, dtype=d)
            ),
            None,
            (3,),
        ),
        "nested_identity_dropout": (
            nn.Sequential(
                nn.Sequential(nn.Linear(3, 5, dtype=d), nn.Identity()),
                nn.ReLU(),
                nn.Dropout(0.5),
                nn.Linear(5, 1, dtype=d),
            ).eval(),
            None,
            (3,),
        ),
        "leaky": (
            nn.Sequential(
                nn.Linear(2, 4, dtype=d),
                nn.LeakyReLU(0.1),
                nn.Linear(4, 3, dtype=d),
                nn.LeakyReLU(0.3),
                nn.Linear(3, 1, dtype=d),
            ),
            None,
            (2,),
        ),
        "prelu_per_unit": (
            nn.Sequential(nn.Linear(2, 3, dtype=d), nn.PReLU(3, dtype=d), nn.Linear(3, 1, dtype=d)),
            None,
            (2,),
        ),
        "batchnorm": (
            nn.Sequential(nn.Linear(3, 4, dtype=d), _bn(4), nn.ReLU(), nn.Linear(4, 2, dtype=d)),
            None,
            (3,),
        ),
        "conv1d": (
            nn.Sequential(
                nn.Conv1d(2, 3, 3, padding=1, dtype=d),
                nn.ReLU(),
                nn.AvgPool1d(2),
                nn.Flatten(),
                nn.Linear(9, 2, dtype=d),
            ),
            (2, 6),
            (2, 6),
        ),
        "conv2d": (
            nn.Sequential(
                nn.Conv2d(1, 2, 3, stride=1, padding=1, dtype=d),
                nn.ReLU(),
                nn.AvgPool2d(2),
                nn.Flatten(),
                nn.Linear(8, 3, dtype=d),
                nn.ReLU(),
                nn.Linear(3, 1, dtype=d),
            ),
            (1, 4, 4),
            (1, 4, 4),
        ),
        "affine_in_a_row": (
            nn.Sequential(
                nn.Linear(2, 3, dtype=d),
                nn.Linear(3, 3, dtype=d),
                nn.ReLU(),
                nn.Linear(3, 1, dtype=d),
            ),
            None,
            (2,),
        ),
    }


@pytest.mark.parametrize("name", sorted(_models()))
def test_outputs_equal_torch(name):
    model, input_shape, shape = _models()[name]
    model = _seeded(model)
    if name == "batchnorm":
        model[1].load_state_dict(_bn(4).state_dict())
        model.eval()
    if name == "prelu_per_unit":
        with torch.no_grad():
            model[1].weight.copy_(torch.tensor([0.2, -0.5, 1.5], dtype=torch.float64))
    net = ReLUNetwork.from_torch(model, input_shape=input_shape)
    x = torch.randn(50, *shape, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    with torch.no_grad():
        want = model(x).reshape(50, -1).numpy()
    got = net.forward(x.reshape(50, -1).numpy())
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)  # equal to float rounding


@pytest.mark.parametrize(
    "model, input_shape, match",
    [
        (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)), None, r"module 1 \(Tanh\)"),
        (
            nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.ReLU(), nn.Linear(3, 1)),
            None,
            r"module 1 \(Dropout\) is in training mode",
        ),
        (nn.Sequential(nn.Conv2d(1, 1, 2), nn.ReLU(), nn.Linear(3, 1)), None, "input_shape"),
        (
            nn.Sequential(nn.Conv2d(1, 1, 2), nn.ReLU(), nn.Linear(3, 1)),
            (1, 4, 4),
            r"module 2 \(Linear\) on inputs of shape \(1, 3, 3\): add nn.Flatten",
        ),
        (nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU()), None, "ends the model"),
        (nn.Sequential(nn.LeakyReLU(), nn.Linear(2, 2)), None, "starts the model"),
    ],
)
def test_refused_with_the_module_named(model, input_shape, match):
    with pytest.raises(ValueError, match=match):
        ReLUNetwork.from_torch(model, input_shape=input_shape)


def _leaky_brute_count(Ws, bs, slopes):
    """Full-dimensional sign-pattern regions of a leaky network, every pattern tried exactly.

    With every unit's sign fixed, each layer is affine (slope 1 or a), so the pattern's set is
    a polyhedron: tested for an interior point by the reference exact LP (independent code).
    """
    d = len(Ws[0][0])
    units = [len(W) for W in Ws[:-1]]
    count = 0
    for signs in itertools.product([True, False], repeat=sum(units)):
        P = [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]  # x -> P x + q
        q = [Fraction(0)] * d
        rows, consts, k = [], [], 0
        for l, n in enumerate(units):
            Z = [
                [sum(Ws[l][u][i] * P[i][j] for i in range(len(P))) for j in range(d)]
                for u in range(n)
            ]
            z0 = [bs[l][u] + sum(Ws[l][u][i] * q[i] for i in range(len(q))) for u in range(n)]
            newP, newq = [], []
            for u in range(n):
                on = signs[k]
                k += 1
                s = 1 if on else -1
                rows.append([s * v for v in Z[u]])
                consts.append(s * z0[u])
                a = Fraction(1) if on else slopes[l]
                newP.append([a * v for v in Z[u]])
                newq.append(a * z0[u])
            P, q = newP, newq
        if reference_interior_point(rows, consts, d) is not None:
            count += 1
    return count


@pytest.mark.parametrize("seed", range(6))
def test_leaky_count_equals_its_sign_patterns_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    widths = [2, 3, 2, 1]
    Ws = [
        [[Fraction(int(v)) for v in row] for row in rng.integers(-2, 3, (b, a))]
        for a, b in zip(widths[:-1], widths[1:], strict=True)
    ]
    bs = [[Fraction(int(v)) for v in rng.integers(-2, 3, b)] for b in widths[1:]]
    slopes = [Fraction(1, 4), Fraction(1, 2)]
    model = nn.Sequential(
        nn.Linear(2, 3, dtype=torch.float64),
        nn.LeakyReLU(0.25),
        nn.Linear(3, 2, dtype=torch.float64),
        nn.LeakyReLU(0.5),
        nn.Linear(2, 1, dtype=torch.float64),
    )
    with torch.no_grad():
        for lin, W, b in zip(model[::2], Ws, bs, strict=True):
            lin.weight.copy_(torch.tensor([[float(v) for v in r] for r in W], dtype=torch.float64))
            lin.bias.copy_(torch.tensor([float(v) for v in b], dtype=torch.float64))
    net = ReLUNetwork.from_torch(model)
    assert count_regions(net) == _leaky_brute_count(Ws, bs, slopes)  # equality (exact)
