"""The sampling alternative is a lower bound on the exact count, and undercounts small regions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.regions.sampling import sampled_pattern_count


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([(1, 6, 1), (2, 5, 5, 1), (3, 4, 4, 1)]))
def test_sampling_never_exceeds_the_exact_count(seed, widths):
    net = ReLUNetwork.random(widths, seed=seed)
    box = [(-1, 1)] * widths[0]
    # bound: every sampled pattern is the pattern of a region of the box
    assert sampled_pattern_count(net, box, n_samples=2000, seed=seed) <= count_regions(net, box)


def test_sampling_misses_a_thin_region():
    # units relu(x) and relu(x - 1e-9): the region 0 < x < 1e-9 has width 1e-9 in [-1, 1]
    net = ReLUNetwork([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1e-9], [0.0]])
    assert count_regions(net, [(-1, 1)]) == 3  # equality: breakpoints 0 and 1e-9 inside
    assert sampled_pattern_count(net, [(-1, 1)], n_samples=10_000, seed=1) == 2  # undercount


@pytest.mark.parametrize(
    "domain, n, error",
    [(None, 10, ValueError), ([(0, 1)], 0, ValueError), ([(1, 0)], 5, ValueError)],
)
def test_bad_input(domain, n, error):
    net = ReLUNetwork([[[1.0]], [[1.0]]], [[0.0], [0.0]])
    with pytest.raises(error):
        sampled_pattern_count(net, domain, n_samples=n)
