"""The physml command line: parser, derive, report options."""

import pytest

from analysis import cli


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
