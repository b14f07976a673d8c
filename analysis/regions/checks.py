"""The lecture's region formulas beside an exact count: which hold with equality, as bounds.

For a network (or a family of them) :func:`lecture_check` counts the regions exactly and puts
every applicable formula of the lecture and the literature beside the count:

==========================================  ==============================  =================
formula                                     applies to                      claim
==========================================  ==============================  =================
``D + 1``                                   1 input, 1 hidden layer         upper bound [1]
``sum_{j<=D_i} C(D, j)``                    D_i inputs, 1 hidden layer      upper bound [2]
``(-1)^{D_i} chi(-1)``                      1 hidden layer, on R^{D_i}      exact [2]
``prod_l (n_l + 1)``, ``(D + 1)^K``         1 input, K hidden layers        upper bound [1, 3]
Serra et al., Theorem 1                     any widths and inputs           upper bound [3]
Montúfar et al.; Prince eq. 4.17            constructions only              lower bound [4, 1]
==========================================  ==============================  =================

The maxima are claims about the best weights, so for an arbitrary network they are upper
bounds; for a network built to reach them (``construction=True``, e.g.
:func:`analysis.constructions.max_regions_network`) they become exact claims (1 input: when
every ``n_l`` but the last is ``>= 3``; shallow: in general position), and the lower bounds on
the maximum apply.
Each row's status is ``"equality"``, ``"holds as bound"`` or ``"VIOLATED"``; none may be
violated.

References
----------
1. S. J. D. Prince, *Understanding Deep Learning* (2023), ch. 3-4, eq. 4.17.
2. T. Zaslavsky, *Facing up to arrangements*, Mem. AMS 154 (1975).
3. T. Serra, C. Tjandraatmadja, S. Ramalingam, *Bounding and counting linear regions of deep
   neural networks*, ICML 2018.
4. G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, *On the number of linear regions of deep neural
   networks*, NeurIPS 2014.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1], [1], [1]], [[1, -2, 1]]], [[0, -1, -2], [0]])
>>> for r in lecture_check(net):
...     print(r.formula, r.bound, r.count, r.kind, r.status, sep=" | ")
(-1)^{D_i} chi(-1) | 4 | 4 | exact | equality
D + 1 | 4 | 4 | upper bound | equality
sum_J prod_l C(n_l, j_l) | 4 | 4 | upper bound | equality
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from analysis.checks import STATUSES, Check
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.regions.methods.arrangement.zaslavsky import characteristic_polynomial
from theory import networks as tn

__all__ = ["CheckRow", "lecture_check", "lecture_check_family", "to_markdown", "STATUSES"]

#: the rows are :class:`analysis.checks.Check` records (``bound``, ``count``, ``status``)
CheckRow = Check


def _row(claim: str, formula: str, bound: Any, count: int, kind: str, label: str) -> Check:
    return Check.of_count(claim, formula, bound, count, kind, label)


def lecture_check(
    net: ReLUNetwork,
    domain: Sequence[Any] | None = None,
    *,
    kind: str = "activation",
    construction: bool = False,
    count: int | None = None,
    method: str = "auto",
    label: str | None = None,
) -> list[Check]:
    """The exact region count of ``net`` beside every applicable lecture formula.

    Parameters
    ----------
    net : ReLUNetwork
    domain : sequence of (lo, hi) or None
        Where to count (``None``: all of R^{D_i}). Upper bounds hold on any domain; the exact
        Zaslavsky row is given only on R^{D_i}.
    kind : {"activation", "linear"}
        What to count (both obey the upper bounds).
    construction : bool
        The network is a construction built to reach the maximum: the maxima are then exact
        claims where the construction attains them and the lower bounds apply.
    count : int, optional
        A count computed elsewhere (otherwise :func:`analysis.regions.count_regions`).
    method : str
        Counting method for :func:`analysis.regions.count_regions`.
    label : str, optional
        The network's name in the table (default: its widths).

    Returns
    -------
    list of Check

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    >>> for r in lecture_check(net)[:2]:       # three concurrent lines: 6 regions, not 7
    ...     print(r.formula, r.bound, r.count, r.kind, r.status, sep=" | ")
    (-1)^{D_i} chi(-1) | 6 | 6 | exact | equality
    sum_{j<=D_i} C(D, j) | 7 | 6 | upper bound | holds as bound
    """
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    if kind not in ("activation", "linear"):
        raise ValueError(f"kind must be 'activation' or 'linear', got {kind!r}")
    if count is None:
        count = int(count_regions(net, domain, kind=kind, method=method))
    elif not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    widths = list(net.hidden_widths)
    d = net.input_dim
    K = len(widths)
    name = label if label is not None else "-".join(str(w) for w in (d, *widths, net.output_dim))
    rows: list[Check] = []
    if K == 0:
        return [_row("an affine map has one region", "1", 1, count, "exact", name)]
    if K == 1:
        D = widths[0]
        if domain is None and kind == "activation":
            chi = characteristic_polynomial(net)
            rows.append(
                _row(
                    "Zaslavsky: regions of the units' hyperplane arrangement",
                    "(-1)^{D_i} chi(-1)",
                    (-1) ** d * chi.eval(-1),
                    count,
                    "exact",
                    name,
                )
            )
        gp = "general position (Zaslavsky)" if d > 1 else "D joints (lecture)"
        rows.append(
            _row(
                f"shallow network, at most {'D + 1' if d == 1 else 'sum C(D, j)'}: {gp}",
                "D + 1" if d == 1 else "sum_{j<=D_i} C(D, j)",
                tn.max_regions_shallow(D, d),
                count,
                "exact" if construction else "upper bound",
                name,
            )
        )
    if d == 1 and K > 1:
        same = len(set(widths)) == 1
        attained = construction and min(widths) >= 3
        rows.append(
            _row(
                "1-input deep network, at most prod (n_l + 1); attained when every n_l but the "
                "last is >= 3",
                "(D + 1)^K" if same else "prod_l (n_l + 1)",
                tn.max_regions_1d(widths),
                count,
                "exact" if attained else "upper bound",
                name,
            )
        )
    rows.append(
        _row(
            "Serra et al. (2018), Theorem 1",
            "sum_J prod_l C(n_l, j_l)",
            tn.serra_upper_bound(widths, d),
            count,
            "upper bound",
            name,
        )
    )
    if construction and K > 1:
        if min(widths) >= d:
            rows.append(
                _row(
                    "Montúfar et al. (2014): lower bound on the maximum",
                    "prod_{l<K} floor(n_l/D_i)^{D_i} sum_{j<=D_i} C(n_K, j)",
                    tn.montufar_lower_bound(widths, d),
                    count,
                    "lower bound",
                    name,
                )
            )
        if len(set(widths)) == 1 and widths[0] >= 3 * d and widths[0] % d == 0:
            rows.append(
                _row(
                    "Prince eq. 4.17 (Serra et al. Thm. 8): lower bound on the maximum",
                    "(D/D_i + 1)^{D_i (K-1)} sum_{j<=D_i} C(D, j)",
                    tn.prince_regions(widths[0], K, d),
                    count,
                    "lower bound",
                    name,
                )
            )
    return rows


def lecture_check_family(
    nets: Iterable[tuple[str, ReLUNetwork]] | Iterable[ReLUNetwork],
    domain: Sequence[Any] | None = None,
    **options: Any,
) -> list[Check]:
    """:func:`lecture_check` for every network of a family, rows labelled by network.

    Parameters
    ----------
    nets : iterable of ReLUNetwork or of (label, ReLUNetwork)
    domain : sequence of (lo, hi) or None
    **options
        Passed to :func:`lecture_check` (``kind``, ``construction``, ``method``).

    Examples
    --------
    >>> from analysis.constructions import max_regions_network
    >>> rows = lecture_check_family([max_regions_network([3] * k) for k in (1, 2)],
    ...                             construction=True)
    >>> [(r.network, r.formula, r.count, r.status) for r in rows if r.kind == "exact"][-1]
    ('1-3-3-1', '(D + 1)^K', 16, 'equality')
    """
    rows: list[Check] = []
    for item in nets:
        if isinstance(item, tuple):
            label, net = item
            rows += lecture_check(net, domain, label=label, **options)
        else:
            rows += lecture_check(item, domain, **options)
    return rows


def to_markdown(rows: Sequence[Check]) -> str:
    """The rows as a Markdown table (with a network column when labels differ).

    >>> print(to_markdown([Check.of_count("c", "D + 1", 4, 4, "upper bound", "1-3-1")]))
    | network | claim | formula | bound | count | kind | status |
    |---|---|---|---:|---:|---|---|
    | 1-3-1 | c | `D + 1` | 4 | 4 | upper bound | equality |
    """
    head = "| network | claim | formula | bound | count | kind | status |"
    lines = [head, "|---|---|---|---:|---:|---|---|"]
    for r in rows:
        status = f"**{r.status}**" if r.status == "VIOLATED" else r.status
        lines.append(
            f"| {r.network} | {r.claim} | `{r.formula}` | {r.bound} | {r.count} | {r.kind} "
            f"| {status} |"
        )
    return "\n".join(lines)
