"""The physml command line: parser, derive, report options."""

import argparse

import pytest

from analysis import cli
from analysis.cli.app import build_parser, main


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("derive", "report", "regions"):
        assert name in out


def test_report_passes_seed_and_mode(monkeypatch, tmp_path, capsys):
    seen = {}

    class Result:
        path = tmp_path
        n_failed = 1
        n_failed_checks = 1
        n_errored_sections = 0

    def fake_build_report(out_dir, quick, **kwargs):
        seen.update(out_dir=out_dir, quick=quick, **kwargs)
        return Result()

    import analysis.report

    monkeypatch.setattr(analysis.report, "build_report", fake_build_report)
    assert cli.main(["report", "--quick", "--seed", "7", "--out", str(tmp_path)]) == 0
    assert seen == {"out_dir": str(tmp_path), "quick": True, "seed": 7}
    # --strict turns a failed check into exit status 1; no --seed keeps the builder's default
    seen.clear()
    assert cli.main(["report", "--strict", "--out", str(tmp_path)]) == 1
    assert seen == {"out_dir": str(tmp_path), "quick": False}


def test_unknown_derivation_exit_status(capsys):
    assert cli.main(["derive", "no_such_thing"]) == 2
    assert "no_such_thing" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["derive", "report", "regions", "train"])
def test_every_subcommand_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"physml {command}" in out.split("examples:")[1]
    assert "``" not in out and ":mod:" not in out and ":func:" not in out  # no raw reST
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.choices[command]
    assert p.description and len(p.description) > 80
    for action in p._actions:
        if action.default not in (None, False, argparse.SUPPRESS) and action.dest != "help":
            assert "default" in (action.help or ""), f"{command} {action.option_strings}"


def test_kind_is_explained_in_one_line(capsys):
    with pytest.raises(SystemExit):
        main(["regions", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "activation: regions of one on/off pattern" in out and "linear: the pieces" in out


def test_plot_writes_exactly_the_path_it_names(tmp_path, capsys):
    target = tmp_path / "picture"  # no format: refused, nothing written
    assert main(["regions", "--construct", "3", "--plot", str(target)]) == 2
    assert "--plot: the file must end in" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
    good = tmp_path / "f.svg"
    assert main(["regions", "--construct", "3", "--plot", str(good)]) == 0
    assert f"wrote {good}" in capsys.readouterr().out and good.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.svg"]


def test_train_progress_shows_a_bar_with_time_left(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--data", "sine", "--widths", "1,4,1", "--steps", "30", "--out", str(out)]
    assert main([*args, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "[####################] 30/30 steps" in err and "left" in err
