"""The report folder: what physml may write there, and how it replaces its own outputs.

``physml report --out DIR`` writes three things, and only these: ``REPORT.md``,
``report.json`` and ``figures/``. Anything else in ``DIR`` is the user's and is never touched.

* A target that is an existing file, or a non-empty folder without a ``report.json`` written by
  physml, is refused (:class:`ReportTargetError`, a ``ValueError``) before any work is done.
* The new report is written into a staging folder inside ``DIR`` (created with the user's
  umask), then moved into place by renames: every file a reader opens is complete, old or new.
  The renames run with SIGINT/SIGTERM held back and under an exclusive lock on ``DIR``, so an
  interrupted run leaves the previous report intact, and two runs at once end with one
  complete report.
* A staging folder left by a killed run (its process gone) is removed by the next run.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     (pathlib.Path(d) / "notes.txt").write_text("mine")
...     check_target(d)
Traceback (most recent call last):
...
analysis.report.output.ReportTargetError: refusing to write a report into ...
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "OUTPUTS",
    "GENERATOR",
    "ReportTargetError",
    "check_target",
    "is_physml_report",
    "staging_folder",
    "install",
]

#: the entries of a report folder that physml writes (and may replace)
OUTPUTS = ("REPORT.md", "report.json", "figures")
#: the marker in report.json that says physml wrote it
GENERATOR = "physml report"
_STAGE = ".physml-staging-"


class ReportTargetError(ValueError):
    """The output folder is not one physml may write its report into."""


def is_physml_report(path: Path) -> bool:
    """Whether ``path/report.json`` is a report.json that physml wrote.

    Reports from before the ``generator`` marker are recognised by their own keys.
    """
    f = path / "report.json"
    try:
        if not f.is_file() or f.stat().st_size > 64 << 20:
            return False
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(data, dict):
        return False
    if data.get("generator") == GENERATOR:
        return True
    return {"quick", "seed", "n_checks", "sections"} <= set(data)


def check_target(out_dir: str | os.PathLike[str]) -> Path:
    """Validate ``out_dir`` for a report; return it as a ``Path``.

    Raises :class:`ReportTargetError` for an existing file, or a non-empty folder that does
    not hold a physml report, or when one of physml's outputs there is of the wrong type.
    """
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise ReportTargetError(
            f"refusing to write a report to {target}: it is a file, not a folder"
        )
    if not target.is_dir():
        return target
    entries = [e for e in target.iterdir() if not e.name.startswith(_STAGE)]
    if entries and not is_physml_report(target):
        raise ReportTargetError(
            f"refusing to write a report into {target}: the folder is not empty and holds no "
            "report.json written by physml (choose an empty or new folder with --out)"
        )
    for name in OUTPUTS:
        p = target / name
        want_dir = name == "figures"
        if p.is_symlink() or (p.exists() and p.is_dir() != want_dir):
            kind = "a folder" if want_dir else "a file"
            raise ReportTargetError(
                f"refusing to write a report into {target}: {p.name} there is not {kind} "
                "written by physml"
            )
    return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale(target: Path) -> None:
    for e in target.glob(_STAGE + "*"):
        try:
            pid = int(e.name[len(_STAGE) :].split("-")[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid) and e.is_dir() and not e.is_symlink():
            shutil.rmtree(e, ignore_errors=True)


@contextlib.contextmanager
def _lock(target: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (no lock file is left behind)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    fd = os.open(target, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (main thread, POSIX) while the renames run."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` so that the staging folder is cleaned up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover - signals not available here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def staging_folder(out_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh staging folder inside the (checked, created) target; removed on the way out."""
    target = check_target(out_dir)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)  # the user's umask applies
    _remove_stale(target)
    stage = target / f"{_STAGE}{os.getpid()}-{secrets.token_hex(4)}"
    with _sigterm_as_exit():
        ok = False
        stage.mkdir()
        try:
            (stage / "figures").mkdir()
            yield stage
            ok = True
        finally:
            shutil.rmtree(stage, ignore_errors=True)
            if created and not ok:
                with contextlib.suppress(OSError):  # only if still empty: nothing of anyone's
                    target.rmdir()


def install(stage: Path, target: Path) -> None:
    """Move the report in ``stage`` into ``target``, replacing only physml's outputs.

    Under the folder lock, with signals held: the target is checked again, then
    ``figures/`` is swapped (old one into the staging folder, new one in), then
    ``report.json`` and ``REPORT.md`` are replaced atomically, the Markdown last.
    """
    with _lock(target), _signals_held():
        check_target(target)
        old = stage / "figures.old"
        fig = target / "figures"
        if fig.is_dir():
            os.rename(fig, old)
        try:
            os.rename(stage / "figures", fig)
        except BaseException:
            if old.is_dir():
                os.rename(old, fig)
            raise
        os.replace(stage / "report.json", target / "report.json")
        os.replace(stage / "REPORT.md", target / "REPORT.md")
