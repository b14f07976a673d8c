"""Network files: ``.npz`` (numpy, no pickle) and JSON (exact ``"p/q"`` strings).

Readers return ``(weights, biases, where)`` (``where`` names the file in error messages);
:class:`~analysis.networks.ReLUNetwork` builds the exact network. Every malformed file is a
``ValueError`` naming the file and the problem; nothing is expanded before it is checked.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from analysis.exact import to_fraction

__all__ = [
    "JSON_FORMAT",
    "MAX_NPZ_BYTES",
    "MAX_JSON_BYTES",
    "save_npz",
    "npz_layers",
    "to_json",
    "json_layers",
]

#: the ``"format"`` tag of physml's JSON and npz network files
JSON_FORMAT = "physml.ReLUNetwork/1"


def _npz_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with the ``.npz`` suffix that :func:`numpy.savez` adds when it is missing."""
    p = Path(path)
    return p if p.suffix == ".npz" else p.with_name(p.name + ".npz")


def save_npz(net: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``net`` to an ``.npz`` file (no pickle); return the path written.

    Float-exact networks store float64 arrays ``weight_l``/``bias_l``; otherwise every entry is
    also stored as a ``"p/q"`` string array ``weight_l_exact``/``bias_l_exact``. Like
    :func:`numpy.savez`, ``".npz"`` is appended to a path without it, and :func:`load_npz`
    finds the file under the same name.

    >>> import tempfile, pathlib
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork.random((2, 2, 1), seed=3)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "net"
    >>> save_npz(net, p).name, ReLUNetwork.load_npz(p) == net
    ('net.npz', True)
    """
    target = _npz_path(path)
    arrays: dict[str, np.ndarray] = {
        "format": np.array(JSON_FORMAT),
        "n_layers": np.array(len(net.weights)),
    }
    exact = net.is_float_exact
    for l in range(len(net.weights)):
        arrays[f"weight_{l}"] = net.weights[l]
        arrays[f"bias_{l}"] = net.biases[l]
        if not exact:
            arrays[f"weight_{l}_exact"] = np.vectorize(str, otypes=[str])(net.exact_weights[l])
            arrays[f"bias_{l}_exact"] = np.vectorize(str, otypes=[str])(net.exact_biases[l])
    np.savez(target, **arrays)  # type: ignore[arg-type]
    return target


#: The most bytes the arrays of one ``.npz`` network file may declare (checked before reading).
MAX_NPZ_BYTES = 1 << 30
_NPZ_KEY = re.compile(r"^(weight|bias)_(\d+)(_exact)?$")


def _npz_headers(path: Path) -> None:
    """Refuse a zip whose members are not ``.npy`` arrays or declare too many bytes in all."""
    import zipfile

    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"{path}: member {info.filename!r} is not a .npy array")
            with zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                else:
                    shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            total += int(np.prod(shape, dtype=object)) * max(dtype.itemsize, 1)
            if total > MAX_NPZ_BYTES:
                raise ValueError(
                    f"{path}: its arrays declare more than {MAX_NPZ_BYTES} bytes; refused "
                    "before reading"
                )


def npz_layers(path: str | os.PathLike[str]) -> tuple[list[Any], list[Any], str]:
    """The layers of a network file written by :func:`save_npz`, and its name; never unpickles.

    The file is checked before its arrays are expanded (every member a ``.npy`` array, at
    most :data:`MAX_NPZ_BYTES` declared in all), then its keys against ``n_layers``.

    Raises
    ------
    ValueError
        One line naming the file and the problem: not a (complete) ``.npz`` file, pickled
        (object) arrays, a missing, extra or malformed entry, an unknown format tag.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.npz"
    >>> np.savez(p, weight_0=np.array([None, 1], dtype=object))
    >>> npz_layers(p)
    Traceback (most recent call last):
    ...
    ValueError: ...pickle...
    """
    import zipfile

    p = Path(path)
    if not p.exists() and _npz_path(p).exists():
        p = _npz_path(p)
    if p.is_dir():
        raise ValueError(f"{p}: is a folder, not an .npz file")
    if not p.is_file():
        raise ValueError(f"{p}: no such file")
    try:
        _npz_headers(p)
        with np.load(p, allow_pickle=False) as data:
            arrays: dict[str, np.ndarray] = {}
            for key in data.files:
                try:
                    arrays[key] = data[key]
                except ValueError as exc:  # numpy refuses object arrays without pickle
                    if "pickle" not in str(exc):
                        raise
                    raise ValueError(
                        f"{p}: array {key!r} is a pickled object array, which is refused; "
                        "store numeric or 'p/q' string arrays"
                    ) from exc
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{p}: not an .npz (zip) file, or truncated: {exc}") from None
    except (EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise ValueError(f"{p}: cannot read the .npz file: {exc}") from None
    except ValueError as exc:
        msg = " ".join(str(exc).split())
        raise ValueError(msg if msg.startswith(str(p)) else f"{p}: {msg}") from None
    return (*_layers_from_arrays(arrays, str(p)), str(p))


def _layers_from_arrays(arrays: dict[str, np.ndarray], where: str) -> tuple[list[Any], list[Any]]:
    """The layers stored in an npz file's arrays, after checking their keys."""
    if "format" in arrays:
        fmt = arrays["format"]
        if fmt.shape != () or fmt.dtype.kind != "U" or str(fmt) != JSON_FORMAT:
            raise ValueError(f"{where}: unknown format tag {str(fmt)!r}, expected {JSON_FORMAT!r}")
    if "n_layers" not in arrays:
        raise ValueError(f"{where}: no 'n_layers' entry; not a physml network file")
    nl = arrays["n_layers"]
    if nl.shape != () or nl.dtype.kind not in "iu":
        raise ValueError(f"{where}: 'n_layers' must be one integer, got {nl!r}")
    n = int(nl)
    if n < 1:
        raise ValueError(f"{where}: 'n_layers' must be >= 1, got {n}")
    for key in arrays:
        mt = _NPZ_KEY.match(key)
        if key in ("format", "n_layers"):
            continue
        if mt is None:
            raise ValueError(f"{where}: unexpected array {key!r}")
        if int(mt.group(2)) >= n:
            raise ValueError(
                f"{where}: array {key!r} is beyond n_layers={n} (the file holds more layers "
                "than it declares)"
            )
    weights, biases = [], []
    for l in range(n):
        for key in (f"weight_{l}", f"bias_{l}"):
            if key not in arrays:
                raise ValueError(f"{where}: layer {l}: missing array {key!r}")
        suffix = "_exact" if f"weight_{l}_exact" in arrays else ""
        if suffix and f"bias_{l}_exact" not in arrays:
            raise ValueError(f"{where}: layer {l}: 'weight_{l}_exact' without 'bias_{l}_exact'")
        for key in (f"weight_{l}{suffix}", f"bias_{l}{suffix}"):
            if arrays[key].dtype.kind not in "iufU":
                raise ValueError(
                    f"{where}: array {key!r} has dtype {arrays[key].dtype}, not numbers or "
                    "'p/q' strings"
                )
        weights.append(arrays[f"weight_{l}{suffix}"])
        biases.append(arrays[f"bias_{l}{suffix}"])
    return weights, biases


def _rat(a: np.ndarray) -> Any:
    return np.vectorize(str, otypes=[object])(a).tolist()


def to_json(net: Any, indent: int | None = None) -> str:
    """JSON text of ``net`` with every weight as an exact ``"p/q"`` string.

    >>> from analysis.networks import ReLUNetwork
    >>> print(to_json(ReLUNetwork([[[0.5]], [[1]]], [[0], ["1/3"]])))
    {"format": "physml.ReLUNetwork/1", "weights": [[["1/2"]], [["1"]]], "biases": [["0"], ["1/3"]]}
    """
    doc = {
        "format": JSON_FORMAT,
        "weights": [_rat(W) for W in net.exact_weights],
        "biases": [_rat(B) for B in net.exact_biases],
    }
    return json.dumps(doc, indent=indent)


#: JSON network files may nest lists this deep at most (a weight matrix needs 2).
_MAX_DEPTH = 4
#: and be at most this long (bytes)
MAX_JSON_BYTES = 256 << 20


def _json_entry(v: Any, where: str, depth: int = 0) -> Any:
    if isinstance(v, list):
        if depth >= _MAX_DEPTH:
            raise ValueError(f"{where}: lists nested deeper than a weight matrix")
        return [_json_entry(u, where, depth + 1) for u in v]
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise TypeError(f"{where}: entry {v!r} is not a number or 'p/q' string")
    if isinstance(v, float):
        return to_fraction(v, where)  # a JSON 1e400 is read as inf: refused here
    if isinstance(v, str):
        return to_fraction(v, where)
    return v


def _json_doc(text: Any) -> Any:
    """Parse JSON text, or read and parse a file given as a path (``ValueError`` if bad)."""
    where = "from_json"
    if isinstance(text, os.PathLike) or (isinstance(text, str) and text.lstrip()[:1] not in "{["):
        p = Path(text)
        where = str(p)
        if p.is_dir():
            raise ValueError(f"{p}: is a folder, not a JSON file")
        if not p.is_file():
            raise ValueError(f"{p}: no such file (from_json takes JSON text or a path)")
        if p.stat().st_size > MAX_JSON_BYTES:
            raise ValueError(f"{p}: larger than {MAX_JSON_BYTES} bytes; refused")
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{p}: not a JSON (UTF-8 text) file") from None
    if isinstance(text, (str, bytes)):
        try:
            return json.loads(text), where
        except RecursionError:
            raise ValueError(f"{where}: JSON nested too deeply") from None
        except ValueError as exc:
            raise ValueError(f"{where}: not valid JSON: {exc}") from None
    return text, where


def json_layers(
    text: str | os.PathLike[str] | Mapping[str, Any],
) -> tuple[list[Any], list[Any], str]:
    """The layers of :func:`to_json` text, a path to such a file, or the parsed dict; and where.

    Entries may be ``"p/q"`` strings, ints or JSON floats (read as their float64 value).
    A string that does not start with ``{`` is read as a path.

    >>> json_layers('{"weights": [[["1/3"]]], "biases": [["-2"]]}')
    ([[[Fraction(1, 3)]]], [[Fraction(-2, 1)]], 'from_json')
    """
    doc, where = _json_doc(text)
    try:
        return (*_from_doc(doc), where)
    except (ValueError, TypeError) as exc:
        if where == "from_json":
            raise
        raise type(exc)(f"{where}: {exc}") from None


def _from_doc(doc: Any) -> tuple[list[Any], list[Any]]:
    if not isinstance(doc, Mapping) or "weights" not in doc or "biases" not in doc:
        raise ValueError("from_json: expected an object with 'weights' and 'biases'")
    fmt = doc.get("format", JSON_FORMAT)
    if fmt != JSON_FORMAT:
        raise ValueError(f"from_json: unknown format {fmt!r}, expected {JSON_FORMAT!r}")
    ws, bs = doc["weights"], doc["biases"]
    if not isinstance(ws, list) or not isinstance(bs, list):
        raise ValueError("from_json: 'weights' and 'biases' must be lists, one entry per layer")
    weights = [_json_entry(w, f"layer {l} weights") for l, w in enumerate(ws)]
    biases = [_json_entry(b, f"layer {l} biases") for l, b in enumerate(bs)]
    # np.asarray of ragged nested lists fails obscurely; check rectangularity per layer here
    for l, w in enumerate(weights):
        if not isinstance(w, list) or not w or not all(isinstance(r, list) for r in w):
            raise ValueError(f"layer {l}: weights must be a non-empty list of rows")
        if len({len(r) for r in w}) != 1:
            raise ValueError(f"layer {l}: weight rows have different lengths")
    return weights, biases
