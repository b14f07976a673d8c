"""``physml regions`` end to end: counts printed, the check table, pictures, errors."""

from __future__ import annotations

import re

import matplotlib
import pytest

from analysis.cli import main
from analysis.networks import ReLUNetwork

matplotlib.use("Agg")


def printed_count(out: str) -> int:
    m = re.search(r"regions on .*: (\d+) \(exact", out)
    assert m, out
    return int(m.group(1))


@pytest.mark.parametrize("widths, K, D", [("3", 1, 3), ("3,3", 2, 3), ("4,4", 2, 4)])
def test_construction(capsys, widths, K, D):
    """Equality: the construction's count is (D + 1)^K, printed with the check table."""
    assert main(["regions", "--construct", widths]) == 0
    out = capsys.readouterr().out
    assert printed_count(out) == (D + 1) ** K  # equality
    assert "| network | claim | formula |" in out
    assert "VIOLATED" not in out


def test_random_2d_with_plot(capsys, tmp_path):
    """Equality with an independent count (the LP engine) and a picture written."""
    from analysis.regions import count_regions

    png = tmp_path / "regions.png"
    rc = main(
        [
            "regions",
            "--random",
            "2,5,4,1",
            "--seed",
            "3",
            "--domain=-1,1,-1,1",
            "--plot",
            str(png),
            "--progress",
        ]
    )
    assert rc == 0
    captured = capsys.readouterr()
    net = ReLUNetwork.random((2, 5, 4, 1), seed=3)
    expected = count_regions(net, [(-1, 1), (-1, 1)], method="lp")
    assert printed_count(captured.out) == expected  # equality
    assert png.stat().st_size > 1000
    assert "method edges" in captured.out


def test_files_npz_and_json(capsys, tmp_path):
    """Equality: a file network's count is the hand count (3 concurrent lines: 6)."""
    net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    npz = tmp_path / "net.npz"
    net.save_npz(npz)
    js = tmp_path / "net.json"
    js.write_text(net.to_json())
    for path in (npz, js):
        assert main(["regions", str(path)]) == 0
        assert printed_count(capsys.readouterr().out) == 6  # equality


def test_one_input_plot_and_linear_kind(capsys, tmp_path):
    png = tmp_path / "f.png"
    # relu(x) + 0 * relu(x - 1): 3 activation regions, 2 linear regions
    net = ReLUNetwork([[[1], [1]], [[1, 0]]], [[0, -1], [0]])
    js = tmp_path / "n.json"
    js.write_text(net.to_json())
    assert main(["regions", str(js), "--domain=-2,2", "--plot", str(png)]) == 0
    assert printed_count(capsys.readouterr().out) == 3  # equality
    assert png.stat().st_size > 1000
    assert main(["regions", str(js), "--kind", "linear"]) == 0
    assert printed_count(capsys.readouterr().out) == 2  # equality


@pytest.mark.parametrize(
    "argv, message",
    [
        (["regions"], "exactly one of"),
        (["regions", "--construct", "3", "--random", "1,3,1"], "exactly one of"),
        (["regions", "--random", "2,3,1", "--domain=0,1"], "--domain needs 4 numbers"),
        (["regions", "--random", "2,x,1"], "comma-separated integers"),
        (["regions", "--random", "3,4,1", "--plot", "out.png"], "1- or 2-input"),
        (["regions", "--random", "2,4,1", "--plot", "out.png"], "needs --domain"),
        (["regions", "--random", "2,6,1", "--max-regions", "3"], "max_regions"),
        (["regions", "no_such_file.npz"], "no such file"),
        (["regions", "--random", "2,3,1", "--domain=1,0,0,1"], "empty or degenerate"),
    ],
)
def test_errors(capsys, argv, message, tmp_path, monkeypatch):
    """Bad input: exit status 2 and a message that names the problem."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_plot_functions_return_their_axes(tmp_path):
    """The plots draw on the given axes: one polygon per region, the graph's edges, joints."""
    import matplotlib.pyplot as plt

    from analysis.plots.regions import plot_function_1d, plot_regions_2d
    from analysis.regions import count_regions, region_graph

    net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, -1], [0]])
    box = [(-2, 2), (-2, 2)]
    fig, ax = plt.subplots()
    assert plot_regions_2d(net, box, ax=ax, graph=True) is ax
    polys, edges = ax.collections[0], ax.collections[1]
    assert len(polys.get_paths()) == count_regions(net, box, method="lp")  # equality
    assert len(edges.get_segments()) == region_graph(net, box).number_of_edges()  # equality
    fig.savefig(tmp_path / "r.png")
    plt.close(fig)
    one = ReLUNetwork([[[1], [1], [1]], [[1, -2, 1]]], [[0, -1, -2], [0]])
    fig, ax = plt.subplots()
    assert plot_function_1d(one, ax=ax) is ax
    assert len(ax.lines[-1].get_xdata()) == 3  # equality: the three joints 0, 1, 2
    plt.close(fig)


def test_bound_is_compared_with_the_limit_before_counting(capsys):
    """A limit below the upper bound is announced before the count starts."""
    from theory.networks import serra_upper_bound

    assert main(["regions", "--construct", "4,4", "--max-regions", "10"]) == 2
    err = capsys.readouterr().err
    bound = serra_upper_bound([4, 4], 1)  # 25 for one input: (4 + 1)^2
    assert f"upper bound on the count (Serra et al. 2018) is {bound}" in err
    assert err.index("upper bound on the count") < err.index("more than max_regions")
    # no note when the bound is within the limit
    assert main(["regions", "--construct", "4,4", "--max-regions", "100"]) == 0
    assert "upper bound on the count" not in capsys.readouterr().err
