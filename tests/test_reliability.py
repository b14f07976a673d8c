"""Reliability: physml never loses a user's files, every limit holds, bad input is one clear error.

Each case of the reliability issue has a regression test here; the fuzz tests at the end feed
random malformed networks, domains, limits and files through the API and the CLI and accept
only right answers or clear errors (ValueError/TypeError in the API, exit 2 on the CLI).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cli
from analysis.networks import ReLUNetwork
from analysis.optimizers import gd, run
from analysis.quadratics import QuadraticProblem, divergence_threshold
from analysis.regions import (
    RegionLimitExceeded,
    RegionTimeBudgetExceeded,
    count_regions,
    enumerate_regions,
)
from analysis.regions.api import first_layer_lower_bound
from analysis.regions.limits import validate_limits
from analysis.report import Check, Section, SectionResult, build_report
from analysis.report.output import ReportTargetError

PHYSML = [sys.executable, "-m", "analysis.cli"]


def _good(ctx):
    return SectionResult("All good.", [Check("1 = 1", "$1$", 1, "exact", True, expected=1)])


def _build(out, sections=None):
    return build_report(out, sections=sections or [Section("good", "Good", _good)], progress=False)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ------------------------------------------------------------------ the report folder
def test_report_refuses_a_folder_of_someone_elses(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "run1.csv").write_text("1,2,3")
    before = _tree(tmp_path)
    with pytest.raises(ReportTargetError, match="not empty"):
        _build(tmp_path)
    assert _tree(tmp_path) == before  # equality: nothing touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "thesis.tex"]


def test_report_refuses_a_file(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("keep me")
    with pytest.raises(ReportTargetError, match="is a file"):
        _build(f)
    assert f.read_text() == "keep me"  # equality: the file is still a file, unchanged


def test_report_replaces_only_its_own_outputs(tmp_path):
    out = tmp_path / "reports"
    _build(out)
    (out / "my_notes.md").write_text("notes")
    (out / "figures" / "stale.png").write_bytes(b"old figure")
    old_json = json.loads((out / "report.json").read_text())
    assert old_json["generator"] == "physml report"
    _build(out)
    assert (out / "my_notes.md").read_text() == "notes"  # equality: the user's file survives
    assert not (out / "figures" / "stale.png").exists()  # figures/ is physml's: replaced whole
    assert sorted(p.name for p in out.iterdir()) == [
        "REPORT.md",
        "figures",
        "my_notes.md",
        "report.json",
    ]


def test_report_folder_made_with_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        res = _build(tmp_path / "new" / "reports")
    finally:
        os.umask(old)
    assert (res.path.stat().st_mode & 0o777) == 0o755  # equality: 0777 & ~umask, not 0700
    assert ((res.path / "figures").stat().st_mode & 0o777) == 0o755


def test_cli_report_into_a_file_exits_2_with_one_line(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("keep me")
    assert cli.main(["report", "--quick", "--out", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a file" in err[0]  # one line, naming the problem
    assert f.read_text() == "keep me"


def test_interrupted_report_leaves_the_previous_one_intact(tmp_path):
    out = tmp_path / "r"
    _build(out)
    before = _tree(out)

    def interrupt(ctx):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _build(out, [Section("good", "Good", _good), Section("x", "X", interrupt)])
    assert _tree(out) == before  # equality: the previous report, byte for byte
    assert sorted(p.name for p in out.iterdir()) == ["REPORT.md", "figures", "report.json"]


def test_sigterm_leaves_the_previous_report_and_no_staging_folder(tmp_path):
    out = tmp_path / "r"
    _build(out)
    before = _tree(out)
    code = (
        "import time, sys\n"
        "from analysis.report import Section, SectionResult, build_report\n"
        "def slow(ctx):\n"
        "    print('started', flush=True); time.sleep(60); return SectionResult('x')\n"
        f"build_report({str(out)!r}, sections=[Section('s', 'S', slow)], progress=False)\n"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert _tree(out) == before  # equality: untouched
    assert sorted(p.name for p in out.iterdir()) == ["REPORT.md", "figures", "report.json"]


def test_two_runs_at_once_end_with_one_complete_report(tmp_path):
    out = tmp_path / "r"

    def slowish(ctx):
        time.sleep(0.2)
        return _good(ctx)

    secs = [Section("good", "Good", slowish)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: _build(out, secs), range(2)))
    assert all(r.n_failed == 0 for r in results)
    assert sorted(p.name for p in out.iterdir()) == ["REPORT.md", "figures", "report.json"]
    data = json.loads((out / "report.json").read_text())
    assert data["n_checks"] == 1 and "Good" in (out / "REPORT.md").read_text()


def test_stale_staging_folder_of_a_killed_run_is_removed(tmp_path):
    out = tmp_path / "r"
    _build(out)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    stale = out / f".physml-staging-{dead}-abcd1234"
    stale.mkdir()
    (stale / "REPORT.md").write_text("half")
    _build(out)
    assert not stale.exists()


# ------------------------------------------------------------------ limits hold
def _elapsed(fn):
    t = time.monotonic()
    with pytest.raises((RegionTimeBudgetExceeded, RegionLimitExceeded)) as info:
        fn()
    return time.monotonic() - t, info.value


@pytest.mark.parametrize("kind", ["activation", "linear"])
def test_time_budget_holds_inside_one_large_lattice(kind):
    net = ReLUNetwork.random((6, 60, 1), seed=0)
    dt, err = _elapsed(lambda: count_regions(net, time_budget=1, kind=kind))
    assert isinstance(err, RegionTimeBudgetExceeded)
    assert dt < 1 + 3  # bound: stops within a few seconds of the budget
    assert err.lower_bound >= 1  # bound: a lower bound carried


def test_max_regions_holds_inside_one_large_split():
    net = ReLUNetwork.random((6, 64, 64, 64, 1), seed=0)
    dt, err = _elapsed(lambda: count_regions(net, max_regions=1000))
    assert isinstance(err, RegionLimitExceeded)
    assert err.lower_bound > 1000 and dt < 10  # bound: certain to exceed, stopped early


def test_time_budget_holds_in_a_huge_polygon_split():
    net = ReLUNetwork.random((2, 3000, 2, 1), seed=0)
    dt, err = _elapsed(lambda: count_regions(net, [(-1, 1), (-1, 1)], time_budget=1))
    assert isinstance(err, RegionTimeBudgetExceeded)
    first = first_layer_lower_bound(net, [(-1, 1), (-1, 1)])  # 1 + the lines crossing the box
    assert dt < 1 + 3 and err.lower_bound >= first > 2900  # bound: at least the first layer's


def test_limits_hold_for_enumeration_and_brute_force():
    net = ReLUNetwork.random((3, 12, 12, 1), seed=0)
    with pytest.raises(RegionLimitExceeded):
        enumerate_regions(net, max_regions=5)
    small = ReLUNetwork.random((2, 5, 5, 1), seed=1)
    n = count_regions(small, method="lp")
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions(small, method="brute", max_regions=n - 1)
    assert n - 1 < info.value.lower_bound <= n  # bound: a true lower bound past the limit


def test_a_limit_the_first_layer_exceeds_is_refused_up_front():
    net = ReLUNetwork.random((784, 128, 10), seed=0)
    t = time.monotonic()
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions(net, max_regions=100)
    assert time.monotonic() - t < 10
    assert info.value.lower_bound == 129  # equality: 128 distinct hyperplanes + 1 (lower bound)


def test_cli_mnist_mlp_stops_with_exit_2(capsys):
    rc = cli.main(
        ["regions", "--random", "784,128,10", "--time-budget", "2", "--max-regions", "100"]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "max_regions=100" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "opts, error",
    [
        ({"max_regions": 0}, ValueError),
        ({"max_regions": -3}, ValueError),
        ({"max_regions": True}, TypeError),
        ({"max_regions": 2.5}, TypeError),
        ({"max_regions": "10"}, TypeError),
        ({"time_budget": 0}, ValueError),
        ({"time_budget": float("nan")}, ValueError),
        ({"time_budget": float("inf")}, ValueError),
        ({"time_budget": -1}, ValueError),
        ({"time_budget": "5"}, TypeError),
        ({"progress": 3}, TypeError),
        ({"executor": "pool"}, TypeError),
    ],
)
@pytest.mark.parametrize("method", ["auto", "oned", "lp", "brute", "arrangement", "polygon"])
def test_one_validator_for_every_method(opts, error, method):
    net = ReLUNetwork.random((1 if method == "oned" else 2, 3, 1), seed=0)
    domain = [(-1, 1)] * net.input_dim
    with pytest.raises(error) as info:
        count_regions(net, domain, method=method, **opts)
    assert next(iter(opts)) in str(info.value)  # the message names the argument


def test_numpy_ints_are_limits_and_max_units_survives():
    assert validate_limits(np.int32(7), np.float32(0.5)) == (7, 0.5)
    net = ReLUNetwork.random((2, 3, 1), seed=0)
    assert count_regions(net, method="brute", max_regions=np.int64(100)) == count_regions(net)
    with pytest.raises(ValueError, match="max_units"):
        count_regions(net, method="brute", max_units=2, max_regions=100, time_budget=5)


def test_progress_is_told_each_phase():
    seen: list[object] = []

    class Recorder:
        def __call__(self, n):
            seen.append(n)

        def phase(self, name):
            seen.append(name)

    net = ReLUNetwork.random((2, 6, 6, 1), seed=0)
    count_regions(net, [(-1, 1), (-1, 1)], kind="linear", progress=Recorder())
    names = [s for s in seen if isinstance(s, str)]
    assert names == ["activation regions", "region graph"]  # equality: in this order
    assert any(isinstance(s, int) for s in seen)


# ------------------------------------------------------------------ extreme numbers
@pytest.mark.parametrize(
    "weights, biases, domain, kind, expected",
    [
        ([[[1e300]], [[0]], [[0]]], [[0], [0], [0]], None, "activation", 2),
        ([[[1e300]], [[0]], [[0]]], [[0], [0], [0]], None, "linear", 1),
        ([[[1], [2**63]], [[1, 0]], [[1]]], [[0, 0], [0], [0]], None, "activation", 2),
        ([[[0]], [[0]]], [[0], [0]], [(-(2**63), 2**63)], "activation", 1),
        (
            [[[-1.0]], [[-1e-150], [1.0]], [[0.0, 0.0]], [[0.0]]],
            [[0.0], [0.0, 0.0], [0.0], [0.0]],
            None,
            "linear",
            1,
        ),
    ],
)
def test_int64_and_float_overflow_fall_back_to_exact(weights, biases, domain, kind, expected):
    net = ReLUNetwork(weights, biases)
    assert count_regions(net, domain, kind=kind) == expected  # exact, hand-counted
    if kind == "activation":  # and the independent exact LP enumeration agrees
        assert count_regions(net, domain, method="brute") == expected


@pytest.mark.parametrize("b", [2**600, 2**1100, 10**400])
def test_boxes_beyond_the_float_range(b):
    net = ReLUNetwork(
        [[[1, 0], [0, 1], [1, 1]], [[1, 1, 0], [1, -1, 1]], [[1, 1]]], [[0, 0, 1], [0, 0], [0]]
    )
    dom = [(-b, b)] * 2
    ref = count_regions(net, dom, method="brute")  # exact LP over every pattern
    assert count_regions(net, dom, method="lp") == ref  # equality between methods
    assert count_regions(net, dom, method="polygon") == ref
    assert count_regions(net, dom, kind="linear") <= ref  # bound


@pytest.mark.parametrize("value", ["1e400", 10**400, -(10**309)])
def test_unrepresentable_weight_is_a_value_error(value):
    with pytest.raises(ValueError, match="layer 0 weights.*float64 range"):
        ReLUNetwork([[[value]], [[1]]], [[0], [0]])


def test_json_1e400_is_a_value_error():
    with pytest.raises(ValueError, match="layer 0 weights"):
        ReLUNetwork.from_json('{"weights": [[[1e400]], [[1]]], "biases": [[0], [0]]}')


# ------------------------------------------------------------------ files
def _malformed_files(folder: Path) -> dict[str, str]:
    """name -> text the error must contain."""
    good = ReLUNetwork.random((2, 3, 1), seed=0)
    good.save_npz(folder / "good.npz")
    raw = (folder / "good.npz").read_bytes()
    (folder / "empty.npz").write_bytes(b"")
    (folder / "truncated.npz").write_bytes(raw[: len(raw) // 2])
    bad = bytearray(raw)
    bad[200:260] = b"\0" * 60
    (folder / "corrupted.npz").write_bytes(bytes(bad))
    np.savez(folder / "nobias.npz", n_layers=np.array(1), weight_0=np.ones((1, 2)))
    np.savez(
        folder / "more_layers.npz",
        n_layers=np.array(1),
        weight_0=np.ones((1, 2)),
        bias_0=np.ones(1),
        weight_1=np.ones((1, 1)),
        bias_1=np.ones(1),
    )
    np.savez(
        folder / "nl_float.npz", n_layers=np.array(1.5), weight_0=np.ones((1, 2)), bias_0=np.ones(1)
    )
    np.savez(
        folder / "format.npz",
        format=np.array("other/2"),
        n_layers=np.array(1),
        weight_0=np.ones((1, 2)),
        bias_0=np.ones(1),
    )
    (folder / "json_inside.npz").write_text('{"weights": [[[1]]], "biases": [[0]]}')
    import io

    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": (100000, 100000)}
    )
    with zipfile.ZipFile(folder / "bomb.npz", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("weight_0.npy", head.getvalue() + b"\0" * 1000)
    (folder / "big.json").write_text('{"weights": [[[1e400]]], "biases": [[0]]}')
    (folder / "deep.json").write_text('{"weights": ' + "[" * 500 + "]" * 500 + ', "biases": [[0]]}')
    (folder / "pq.json").write_text('{"weights": [[["1/0"]]], "biases": [[0]]}')
    (folder / "binary.json").write_bytes(raw)
    (folder / "folder.npz").mkdir()
    return {
        "empty.npz": "not an .npz",
        "truncated.npz": "not an .npz",
        "corrupted.npz": "not an .npz",
        "nobias.npz": "missing array 'bias_0'",
        "more_layers.npz": "beyond n_layers=1",
        "nl_float.npz": "'n_layers' must be one integer",
        "format.npz": "unknown format tag",
        "json_inside.npz": "not an .npz",
        "bomb.npz": "refused before reading",
        "big.json": "non-finite",
        "deep.json": "nested deeper",
        "pq.json": "'1/0'",
        "binary.json": "not a JSON",
        "folder.npz": "is a folder",
    }


def test_every_malformed_file_is_one_clear_line(tmp_path, capsys):
    cases = _malformed_files(tmp_path)
    for name, text in cases.items():
        path = tmp_path / name
        with pytest.raises(ValueError) as info:
            if name.endswith(".npz"):
                ReLUNetwork.load_npz(path)
            else:
                ReLUNetwork.from_json(path)
        assert name in str(info.value) and text in str(info.value), (name, str(info.value))
        rc = cli.main(["regions", str(path)])
        err = capsys.readouterr().err.strip().splitlines()
        assert rc == 2 and len(err) == 1 and name in err[0], (name, err)


def test_npz_suffix_agrees_and_json_takes_a_path(tmp_path):
    net = ReLUNetwork.random((2, 3, 1), seed=4)
    written = net.save_npz(tmp_path / "x")
    assert written == tmp_path / "x.npz"
    assert ReLUNetwork.load_npz(tmp_path / "x") == net  # equality: same exact weights
    (tmp_path / "n.json").write_text(net.to_json())
    assert ReLUNetwork.from_json(tmp_path / "n.json") == net
    assert ReLUNetwork.from_json(str(tmp_path / "n.json")) == net


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_cli_save_writes_the_network_it_counted(tmp_path, capsys, suffix):
    out = tmp_path / f"net{suffix}"
    assert cli.main(["regions", "--random", "2,5,1", "--seed", "3", "--save", str(out)]) == 0
    loaded = ReLUNetwork.load_npz(out) if suffix == ".npz" else ReLUNetwork.from_json(out)
    assert loaded == ReLUNetwork.random((2, 5, 1), seed=3)  # equality: the network counted


# ------------------------------------------------------------------ the command line
def test_closed_pipe_is_quiet():
    r = subprocess.run(
        " ".join(PHYSML) + " derive heavy_ball | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert r.stdout.startswith("###") and "Traceback" not in r.stderr and r.stderr == ""


def test_ctrl_c_exits_130_without_a_traceback():
    def default_sigint() -> None:  # a background shell may have left SIGINT ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    with subprocess.Popen(
        [*PHYSML, "regions", "--random", "6,64,64,1", "--time-budget", "60"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    ) as proc:
        time.sleep(4)
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["report", "--seed", "-1"])
    assert info.value.code == 2
    assert cli.main(["report", "--quick", "--out", "/proc/physml-cannot-write"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("physml report:") and "Traceback" not in "".join(err)


def test_section_that_fails_to_build_exits_1(tmp_path, monkeypatch, capsys):
    import analysis.report

    def broken(ctx):
        raise RuntimeError("boom")

    real = analysis.report.build_report
    monkeypatch.setattr(
        analysis.report,
        "build_report",
        lambda out_dir, quick, **kw: real(
            out_dir, quick, sections=[Section("b", "B", broken)], progress=False
        ),
    )
    assert cli.main(["report", "--out", str(tmp_path / "r")]) == 1  # not 0, even without --strict
    assert "failed to build" in capsys.readouterr().err


def test_divergence_threshold_refuses_an_unreachable_rtol():
    p = QuadraticProblem(lambda_min=1.0, lambda_max=10.0, dim=3, seed=0)
    with pytest.raises(ValueError, match="rtol"):
        divergence_threshold(p, "gd", rtol=1e-17)
    r = divergence_threshold(p, "gd", rtol=1e-14)  # reachable: terminates
    assert r.lo <= r.hi


def test_a_large_finite_gradient_is_finite():
    res = run(gd(eta=1e-170), lambda th: np.full(2, 1e160), np.zeros(2), 3)
    assert not res.diverged  # 1e160 * sqrt(2) is finite: the old norm overflowed to inf
    assert np.all(np.isfinite(res.trajectory))


def test_from_torch_refuses_a_layer_that_overrides_forward():
    torch = pytest.importorskip("torch")

    class Doubled(torch.nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    class Named(torch.nn.Linear):  # a subclass that keeps Linear's function is fine
        pass

    with pytest.raises(ValueError, match="module 0 .*overrides forward"):
        ReLUNetwork.from_torch(
            torch.nn.Sequential(Doubled(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        )
    net = ReLUNetwork.from_torch(
        torch.nn.Sequential(Named(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    )
    assert net.n_parameters == 13


# ------------------------------------------------------------------ fuzzing
_entry = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1/2", "x", "1/0", "nan", "1e400", "", True, None, [1]]),
)
_matrix = st.lists(st.lists(_entry, min_size=0, max_size=3), min_size=0, max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weights=st.lists(_matrix, min_size=0, max_size=3),
    biases=st.lists(st.lists(_entry, max_size=3), max_size=3),
    domain=st.one_of(
        st.none(),
        st.lists(st.tuples(_entry, _entry), max_size=3),
        st.sampled_from([3, "box", [(0, 1, 2)]]),
    ),
    limits=st.dictionaries(
        st.sampled_from(["max_regions", "time_budget", "progress", "executor"]),
        st.one_of(_entry, st.integers(-3, 50)),
        max_size=2,
    ),
    kind=st.sampled_from(["activation", "linear", "bogus"]),
    method=st.sampled_from(["auto", "lp", "brute", "oned", "polygon", "arrangement", "x"]),
)
def test_fuzz_api_gives_a_count_or_a_clear_error(weights, biases, domain, limits, kind, method):
    try:
        net = ReLUNetwork(weights, biases)
    except (ValueError, TypeError):
        return
    try:
        n = count_regions(net, domain, kind=kind, method=method, time_budget=5, **limits)
    except (ValueError, TypeError):
        return
    assert isinstance(n, int) and n >= 1
    try:  # the same network and domain by the reference method agree
        ref = count_regions(net, domain, method="brute")
    except ValueError:
        return
    assert n == ref if kind == "activation" else n <= ref


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400),
    suffix=st.sampled_from([".npz", ".json"]),
    args=st.lists(
        st.sampled_from(
            [
                "--domain=-1,1,-1,1",
                "--domain=1,0",
                "--kind",
                "linear",
                "--max-regions",
                "0",
                "--time-budget",
                "-1",
                "--method",
                "oned",
                "--plot",
            ]
        ),
        max_size=3,
    ),
)
def test_fuzz_cli_files_exit_0_1_or_2_never_a_traceback(tmp_path, capsys, data, suffix, args):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    try:
        rc = cli.main(["regions", str(path), *args])
    except SystemExit as exc:  # argparse usage errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc in (0, 1, 2) and "Traceback" not in err
    if rc == 2:
        assert err.strip()  # a message, always
