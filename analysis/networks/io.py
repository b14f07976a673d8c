"""Building :class:`~analysis.networks.ReLUNetwork` objects: random, torch, flax, npz, JSON.

Every adapter keeps weights exact: a float32/float64 weight becomes its exact dyadic rational,
JSON stores rationals as ``"p/q"`` strings, ``.npz`` files are read with ``allow_pickle=False``.
torch is imported only inside :func:`from_torch`/:func:`to_torch`; JAX is never imported (a jax
array is read with ``np.asarray``).

>>> net = random_network((2, 3, 1), seed=0)
>>> from_json(to_json(net)) == net
True
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analysis.exact import to_fraction
from analysis.networks.network import ReLUNetwork

__all__ = [
    "random_network",
    "from_torch",
    "to_torch",
    "from_flax",
    "save_npz",
    "load_npz",
    "to_json",
    "from_json",
    "JSON_FORMAT",
    "MAX_NPZ_BYTES",
]

#: the ``"format"`` tag of physml's JSON and npz network files
JSON_FORMAT = "physml.ReLUNetwork/1"


def _check_widths(widths: Sequence[int]) -> tuple[int, ...]:
    try:
        ws = tuple(widths)
    except TypeError as exc:
        raise TypeError("widths must be a sequence of ints (D_i, n_1, ..., n_K, D_o)") from exc
    if len(ws) < 2:
        raise ValueError(f"widths needs at least (D_i, D_o), got {ws}")
    for i, w in enumerate(ws):
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)):
            raise TypeError(f"widths[{i}] must be an int, got {type(w).__name__}")
        if w < 1:
            raise ValueError(f"widths[{i}] must be >= 1, got {w}")
    return tuple(int(w) for w in ws)


def random_network(
    widths: Sequence[int],
    init: str = "he",
    seed: int | np.random.Generator | None = None,
    bias_scale: float = 0.1,
) -> ReLUNetwork:
    """A random ReLU network with He or Glorot (normal) initialisation.

    Parameters
    ----------
    widths : sequence of int
        ``(D_i, n_1, ..., n_K, D_o)``.
    init : {"he", "glorot"}
        He: weights ``N(0, 2/n_in)``; Glorot: ``N(0, 2/(n_in + n_out))``.
    seed : int, numpy Generator or None
        Seed of ``numpy.random.default_rng``.
    bias_scale : float
        Biases are ``N(0, bias_scale**2)``; 0 gives zero biases.

    Returns
    -------
    ReLUNetwork
        float64 weights (exact as rationals).

    >>> net = random_network((1, 4, 4, 1), init="glorot", seed=1)
    >>> net.hidden_widths, net == random_network((1, 4, 4, 1), init="glorot", seed=1)
    ((4, 4), True)
    """
    ws = _check_widths(widths)
    if init not in ("he", "glorot"):
        raise ValueError(f"init must be 'he' or 'glorot', got {init!r}")
    if not np.isfinite(bias_scale) or bias_scale < 0:
        raise ValueError(f"bias_scale must be finite and >= 0, got {bias_scale}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(ws[:-1], ws[1:]):
        var = 2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)
        weights.append(rng.normal(0.0, np.sqrt(var), size=(n_out, n_in)))
        biases.append(
            rng.normal(0.0, bias_scale, size=n_out) if bias_scale > 0 else np.zeros(n_out)
        )
    return ReLUNetwork(weights, biases)


# ---------------------------------------------------------------------------- torch
def _torch_layers(module: Any) -> list[Any]:
    import torch.nn as nn

    if not isinstance(module, nn.Sequential):
        raise TypeError(f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}")
    flat: list[Any] = []
    for m in module:
        flat.extend(_torch_layers(m) if isinstance(m, nn.Sequential) else [m])
    return flat


def from_torch(module: Any) -> ReLUNetwork:
    """A network from a ``torch.nn.Sequential`` of ``Linear`` and ``ReLU`` modules.

    The structure must be ``Linear (ReLU Linear)*``: two ``Linear`` modules in a row, two
    ``ReLU`` in a row, a leading or trailing ``ReLU`` or any other module type raise, naming
    the module's position. Weights are read exactly (float32/float64 are exact rationals).

    >>> import pytest; torch = pytest.importorskip("torch")
    >>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> from_torch(m).n_parameters == sum(p.numel() for p in m.parameters())
    True
    """
    import torch
    import torch.nn as nn

    layers = _torch_layers(module)
    if not layers:
        raise ValueError("from_torch: empty Sequential")
    weights, biases = [], []
    expect_linear = True
    for i, m in enumerate(layers):
        kind = type(m).__name__
        for base in (nn.Linear, nn.ReLU):
            if isinstance(m, base) and type(m).forward is not base.forward:
                raise ValueError(
                    f"module {i} ({kind}) subclasses {base.__name__} but overrides forward: "
                    f"its function is not a {base.__name__}'s, so it is refused"
                )
        if isinstance(m, nn.Linear):
            if not expect_linear:
                raise ValueError(
                    f"module {i} (Linear) follows a Linear without a ReLU between them; "
                    "not a ReLU network (merge the two affine maps first)"
                )
            w = m.weight.detach()
            if w.is_complex():
                raise TypeError(f"module {i} (Linear): complex weights")
            weights.append(w.to(device="cpu", dtype=torch.float64).numpy())
            if m.bias is None:
                biases.append(np.zeros(w.shape[0]))
            else:
                biases.append(m.bias.detach().to(device="cpu", dtype=torch.float64).numpy())
            expect_linear = False
        elif isinstance(m, nn.ReLU):
            if expect_linear:
                where = "starts the model" if i == 0 else "follows another ReLU"
                raise ValueError(f"module {i} (ReLU) {where}; expected a Linear")
            expect_linear = True
        else:
            raise ValueError(
                f"module {i} ({kind}) is not supported: only Linear and ReLU layers make a "
                "ReLU network"
            )
    if expect_linear:
        raise ValueError(
            f"module {len(layers) - 1} (ReLU) ends the model; the output must be affine"
        )
    return ReLUNetwork(weights, biases)


def to_torch(net: ReLUNetwork, dtype: Any = None) -> Any:
    """A ``torch.nn.Sequential`` computing ``net`` (default dtype float64).

    The torch weights are the float64 values of the exact weights, so a network whose weights
    are floats round-trips exactly; a rational such as 1/3 is rounded to the nearest float.

    >>> import pytest; _ = pytest.importorskip("torch")
    >>> net = random_network((1, 3, 1), seed=0)
    >>> from_torch(to_torch(net)) == net
    True
    """
    import torch
    import torch.nn as nn

    dtype = torch.float64 if dtype is None else dtype
    mods: list[Any] = []
    for l, (W, B) in enumerate(zip(net.weights, net.biases)):
        lin = nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(W, dtype=dtype))
            lin.bias.copy_(torch.as_tensor(B, dtype=dtype))
        mods.append(lin)
        if l < net.depth:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods)


# ---------------------------------------------------------------------------- flax
_SUFFIX = re.compile(r"_(\d+)$")


def _upcast(a: np.ndarray) -> np.ndarray:
    """float16/float32 and ml_dtypes' bfloat16/float8 (kind 'V') to float64: exact."""
    if (a.dtype.kind == "f" and a.dtype.itemsize < 8) or (
        a.dtype.kind == "V" and "float" in a.dtype.name
    ):
        return a.astype(np.float64)
    return a


def from_flax(params: Mapping[str, Any]) -> ReLUNetwork:
    """A network from a flax parameter tree of ``Dense`` layers with ReLU between them.

    Accepts ``{"params": {"Dense_0": {"kernel": ..., "bias": ...}, ...}}`` or the inner dict.
    Layers are ordered by the integer suffix of their names (``Dense_0``, ``layers_1``...).
    Flax kernels have shape ``(n_in, n_out)``, the transpose of ``weights[l]``. Arrays may be
    numpy or jax arrays (read with ``np.asarray``, so JAX is not imported here).

    >>> tree = {"params": {"Dense_0": {"kernel": [[1.0, -1.0]], "bias": [0.0, 0.0]},
    ...                    "Dense_1": {"kernel": [[1.0], [1.0]], "bias": [0.0]}}}
    >>> from_flax(tree).exact_forward([-3])
    [Fraction(3, 1)]
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"from_flax needs a mapping of layers, got {type(params).__name__}")
    tree = params["params"] if "params" in params else params
    if not isinstance(tree, Mapping) or not tree:
        raise ValueError("from_flax: no layers in the parameter tree")
    names = list(tree)
    if len(names) > 1:
        keyed = []
        for name in names:
            mt = _SUFFIX.search(str(name))
            if mt is None:
                raise ValueError(
                    f"from_flax: layer name {name!r} has no _<index> suffix to order by"
                )
            keyed.append((int(mt.group(1)), name))
        names = [n for _, n in sorted(keyed)]
    weights, biases = [], []
    for name in names:
        layer = tree[name]
        if not isinstance(layer, Mapping) or "kernel" not in layer:
            raise ValueError(f"from_flax: layer {name!r} has no 'kernel' (only Dense is supported)")
        k = np.asarray(layer["kernel"])
        if k.ndim != 2:
            raise ValueError(f"from_flax: layer {name!r} kernel must be 2-D, got shape {k.shape}")
        b = np.asarray(layer["bias"]) if "bias" in layer else np.zeros(k.shape[1])
        k, b = _upcast(k), _upcast(b)
        weights.append(k.T)
        biases.append(b)
    return ReLUNetwork(weights, biases)


# ---------------------------------------------------------------------------- npz
def _npz_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with the ``.npz`` suffix that :func:`numpy.savez` adds when it is missing."""
    p = Path(path)
    return p if p.suffix == ".npz" else p.with_name(p.name + ".npz")


def save_npz(net: ReLUNetwork, path: str | os.PathLike[str]) -> Path:
    """Write ``net`` to an ``.npz`` file (no pickle); return the path written.

    Float-exact networks store float64 arrays ``weight_l``/``bias_l``; otherwise every entry is
    also stored as a ``"p/q"`` string array ``weight_l_exact``/``bias_l_exact``. Like
    :func:`numpy.savez`, ``".npz"`` is appended to a path without it, and :func:`load_npz`
    finds the file under the same name.

    >>> import tempfile, pathlib
    >>> net = random_network((2, 2, 1), seed=3)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "net"
    >>> save_npz(net, p).name, load_npz(p) == net
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


def load_npz(path: str | os.PathLike[str]) -> ReLUNetwork:
    """Read a network written by :func:`save_npz`; never unpickles.

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
    >>> load_npz(p)
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
    return _network_from_arrays(arrays, str(p))


def _network_from_arrays(arrays: dict[str, np.ndarray], where: str) -> ReLUNetwork:
    """The network stored in an npz file's arrays, after checking their keys."""
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
    try:
        return ReLUNetwork(weights, biases)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


# ---------------------------------------------------------------------------- JSON
def _rat(a: np.ndarray) -> Any:
    return np.vectorize(str, otypes=[object])(a).tolist()


def to_json(net: ReLUNetwork, indent: int | None = None) -> str:
    """JSON text of ``net`` with every weight as an exact ``"p/q"`` string.

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


def from_json(text: str | os.PathLike[str] | Mapping[str, Any]) -> ReLUNetwork:
    """A network from :func:`to_json` text, a path to such a file, or the parsed dict.

    Entries may be ``"p/q"`` strings, ints or JSON floats (read as their float64 value).
    A string that does not start with ``{`` is read as a path.

    >>> from_json('{"weights": [[["1/3"]]], "biases": [["-2"]]}').exact_forward([3])
    [Fraction(-1, 1)]
    """
    doc, where = _json_doc(text)
    try:
        return _from_doc(doc)
    except (ValueError, TypeError) as exc:
        if where == "from_json":
            raise
        raise type(exc)(f"{where}: {exc}") from None


def _from_doc(doc: Any) -> ReLUNetwork:
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
    return ReLUNetwork(weights, biases)
