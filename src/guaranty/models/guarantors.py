r"""Guarantor response: will a guarantor climb to the rung it promised, and what does that cost?

A guarantor promises a response on a ladder of rungs, :class:`Rung`: 0 none, 1 consult,
2 condemn, 3 sanctions, 4 arms, 5 air/naval support, 6 ground troops. It commits to rung
:math:`K` in a wording whose *automaticity* :math:`a \in [0, 1]` says how little the text leaves
to the guarantor's later judgement (1: "shall ... including armed force"; NATO Article 5's
"such action as it deems necessary" lower; "shall consult" lowest). When the aggressor attacks,
the guarantor honours its commitment with probability

.. math:: \operatorname{logit} p = \operatorname{logit} \rho + b_a (a - a_\mathrm{ref})
          + b_w (w - \tfrac12) - b_d\, \delta + s

where :math:`\rho` is the base reliability of alliance commitments in war, :math:`w \in [0, 1]`
the guarantor's political will in that world, :math:`\delta` the months between the attack and
the guarantor's decision, and :math:`s` an extra logit shift (the engine uses it for the tripwire
hypothesis: troops on the ground make honour likelier). :math:`a_\mathrm{ref}` is the
automaticity typical of the treaties behind :math:`\rho`, so a treaty as automatic as those, of
average will and decided at once, is honoured with probability :math:`\rho`.

**Realised rung.** Honoured, the response is the rung the wording obliges, :math:`K_o`
(:math:`K` for a defence clause — "shall ... armed force", "as it deems necessary"; consultation
for a "shall consult" clause: ATOP's consultation obligation, Leeds et al. 2002, promises
nothing more). Not honoured, a guarantor still answers of its own accord, with a *shortfall*
rung :math:`S` on :math:`0, \dots, K-1` drawn from weights :math:`w_j`
(``guarantors.shortfall.*``). History puts the shortfall on condemnation, sanctions and arms,
rarely on air or naval war: the Budapest Memorandum's signatories answered 2014 with sanctions
and 2022 with sanctions and arms, never forces; "we'll condemn Russia, we'll impose sanctions,
or we'll send ammunition" (Miron, source article). The weights are an assumption shaped by
those cases. With :math:`Q_K(k) = P(S \ge k)`, for :math:`1 \le k \le K`

.. math:: P(R \ge k) = 1 - \big(1 - p\,\mathbb 1[k \le K_o]\big)\big(1 - Q_K(k)\big),

:math:`P(R \ge 0) = 1` and :math:`P(R \ge k) = 0` for :math:`k > K`. From one uniform
:math:`u` per world, :math:`R = \#\{k \ge 1 : u < P(R \ge k)\}`, which has exactly this law and
is monotone in :math:`u`; the guarantors' uniforms share a cohesion factor
(:mod:`guaranty.models.cohesion`), so their responses are one correlated decision.

**Expected cost to the aggressor.** With :math:`c_k` the aggressor's total cost when the
realised rung is :math:`k` (so :math:`c_k - c_{k-1}` is what rung :math:`k` adds),

.. math:: E[c_R] = c_0 + \sum_{k=1}^{K} P(R \ge k)\,(c_k - c_{k-1}) = \sum_{k=0}^{K} P(R = k)\,c_k.

Base reliability
----------------
:math:`\rho` is fitted in :mod:`guaranty.calibration.alliances` from the 576 alliance × war rows
of Berkemeier & Fuhrmann (2018): post-1945 defence pacts were honoured in 6 of 43 cases
(14.0 %, 95 % Jeffreys interval 6.0–26.5 %), against 36 of 59 (61.0 %) before 1945; all
commitments 73 of 146 (50 %), reproducing the published figures. Leeds, Long & Mitchell (2000)
found 74.5 % for 1816–1944 with their obligation-specific coding; Leeds (2003, IO) explains
violations by changes in power and in the policy process since the treaty was signed. The
cases are alliances whose deterrence failed, so :math:`\rho` is reliability *given war*. The
slopes :math:`b_a, b_w, b_d` are assumptions, not fits (``docs/models/guarantors.md``).

The functions are vectorised over worlds: arrays of shape (n,) or scalars, computed in the
floating dtype of the inputs (float32 in the engine).

References
----------
Leeds, B. A., Long, A. G. & Mitchell, S. M. (2000). "Reevaluating Alliance Reliability:
Specific Threats, Specific Promises". *Journal of Conflict Resolution* 44(5):686–699.

Leeds, B. A. (2003). "Alliance Reliability in Times of War: Explaining State Decisions to
Violate Treaties". *International Organization* 57(4):801–827.

Berkemeier, M. & Fuhrmann, M. (2018). "Reassessing the fulfillment of alliance commitments in
war". *Research & Politics*, April–June 2018 (abstract: vivo.library.tamu.edu; doaj.org)
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logit

from guaranty.errors import InputError, closest

__all__ = [
    "RUNGS",
    "Rung",
    "expected_cost",
    "honour_probability",
    "realised_rung",
    "rung_at_least",
    "rung_index",
    "shortfall_tail",
]

Array = NDArray[np.floating[Any]]
IntArray = NDArray[np.int64]

class Rung(IntEnum):
    """The response ladder, lowest first; a rung's value is its level.

    Each rung has two spellings: its model name (``air_naval``, :data:`RUNGS`) and the word
    a scenario uses (``air-naval-support``, :attr:`word`). :meth:`parse` reads either.

    >>> Rung.parse("air-naval-support"), Rung.AIR_NAVAL.word, Rung.ARMS >= Rung.SANCTIONS
    (<Rung.AIR_NAVAL: 5>, 'air-naval-support', True)
    """

    NONE = 0
    CONSULT = 1
    CONDEMN = 2
    SANCTIONS = 3
    ARMS = 4
    AIR_NAVAL = 5
    GROUND_TROOPS = 6

    @property
    def word(self) -> str:
        """The scenario's word for the rung (``treaties[].rung``), e.g. ``ground-troops``."""
        return _WORDS.get(self, self.name.lower().replace("_", "-"))

    @classmethod
    def parse(cls, name: str | int) -> Rung:
        """The rung of a level (0..6), a model name or a scenario word.

        Case and ``-``/``_``/space are ignored: ``"arms"``, ``"Air-Naval"``,
        ``"air-naval-support"`` and ``"ground troops"`` all parse.
        """
        if isinstance(name, int) and not isinstance(name, bool):
            if 0 <= name < len(cls):
                return cls(name)
            raise InputError(f"rung must be a level in 0..{len(cls) - 1}, got {name}")
        key = _key(str(name))
        if key in _BY_KEY:
            return _BY_KEY[key]
        close = closest(key, _BY_KEY)
        hint = f"; did you mean {_BY_KEY[close].word!r}?" if close else ""
        spelt = ", ".join(r.word if _key(r.word) == _key(r.name) else f"{r.word} ({r.name.lower()})"
                          for r in cls)
        raise InputError(f"rung must be one of {spelt}, got {name!r}{hint}")


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


_WORDS = {Rung.AIR_NAVAL: "air-naval-support"}
_BY_KEY: dict[str, Rung] = {
    **{_key(r.name): r for r in Rung},
    **{_key(r.word): r for r in Rung},
}

#: The rungs' model names, lowest first; a rung's index is its level.
RUNGS = tuple(r.name.lower() for r in Rung)


def rung_index(name: str) -> int:
    """Level of a rung by name (``"arms"`` → 4); case and ``-``/``_``/space are ignored.

    A scenario's words parse too (``"air-naval-support"`` → 5); see :meth:`Rung.parse`.
    """
    return int(Rung.parse(name))


def _float_dtype(*values: ArrayLike) -> np.dtype[Any]:
    # Python scalars are "weak" under NumPy's promotion rules, so float32 arrays stay float32.
    return np.result_type(*values, 1.0)


def _check_rung(name: str, k: int) -> None:
    if not 0 <= k < len(Rung):
        raise InputError(f"{name} must be a rung level in 0..{len(Rung) - 1}, got {k}")


def honour_probability(
    rho: ArrayLike,
    automaticity: ArrayLike,
    will: ArrayLike,
    delay_months: ArrayLike,
    *,
    a_ref: ArrayLike,
    b_a: ArrayLike,
    b_w: ArrayLike,
    b_d: ArrayLike,
    shift: ArrayLike = 0.0,
) -> Array:
    r"""Probability that a guarantor honours its commitment, per world.

    :math:`\operatorname{logit} p = \operatorname{logit}\rho + b_a(a - a_\mathrm{ref})
    + b_w(w - 1/2) - b_d\,\delta + s`.

    Parameters
    ----------
    rho : float or ndarray of shape (n,)
        Base reliability, probability in [0, 1] (clipped a float epsilon inside it).
    automaticity : float or ndarray of shape (n,)
        a of the commitment's wording, in [0, 1].
    will : float or ndarray of shape (n,)
        The guarantor's political will, in [0, 1]; 1/2 is neutral.
    delay_months : float or ndarray of shape (n,)
        Months between the attack and the guarantor's decision, >= 0.
    a_ref : float or ndarray of shape (n,)
        Automaticity of the treaties behind ``rho``.
    b_a, b_w : float or ndarray of shape (n,)
        Log-odds per unit of automaticity and of will.
    b_d : float or ndarray of shape (n,)
        Log-odds lost per month of delay.
    shift : float or ndarray of shape (n,), default 0
        Extra log-odds (e.g. a tripwire).

    Returns
    -------
    ndarray of shape (n,) (or 0-d for all-scalar input)
        p in [0, 1], in the floating dtype the inputs promote to.
    """
    dtype = _float_dtype(rho, automaticity, will, delay_months, a_ref, b_a, b_w, b_d, shift)
    eps = np.finfo(dtype).eps
    base = np.clip(np.asarray(rho, dtype=dtype), eps, 1 - eps)

    def cast(x: ArrayLike) -> Array:
        return np.asarray(x, dtype=dtype)

    eta = (
        logit(base)
        + cast(b_a) * (cast(automaticity) - cast(a_ref))
        + cast(b_w) * (cast(will) - dtype.type(0.5))
        - cast(b_d) * cast(delay_months)
        + cast(shift)
    )
    return np.asarray(expit(eta), dtype=dtype)


def shortfall_tail(committed: int, k: int, shortfall: Sequence[ArrayLike] | None = None
                   ) -> Array:
    r""":math:`Q_K(k) = P(S \ge k)` for the rung :math:`S` a guarantor falls to below :math:`K`.

    :math:`S` takes the rungs :math:`0..K-1` with probabilities proportional to the weights
    ``shortfall[0..K-1]`` (uniform when ``None``). Returns 1 for ``k <= 0`` and 0 for
    ``k >= K``.
    """
    _check_rung("committed", committed)
    if k <= 0:
        return np.asarray(1.0)
    if k >= committed:
        return np.asarray(0.0)
    if shortfall is None:
        return np.asarray((committed - k) / committed)
    if len(shortfall) < committed:
        raise InputError(f"shortfall must give a weight for each rung 0..{committed - 1}, "
                         f"got {len(shortfall)} entries")
    weights = [np.asarray(w) for w in shortfall[:committed]]
    total = sum(weights[1:], weights[0])
    above = sum(weights[k + 1:committed], weights[k])
    out: Array = np.asarray(above / np.maximum(total, 1e-12))
    return out


def rung_at_least(
    p_honour: ArrayLike,
    committed: int,
    k: int,
    *,
    obliged: int | None = None,
    shortfall: Sequence[ArrayLike] | None = None,
    tilt: ArrayLike = 0.0,
) -> Array:
    r"""P(realised rung >= k) for a commitment to rung ``committed``.

    .. math:: P(R \ge k) = 1 - \big(1 - p\,\mathbb 1[k \le K_o]\big)\big(1 - \tilde Q_K(k)\big),
              \quad 1 \le k \le K,

    where :math:`K_o` (``obliged``, default :math:`K`) is the rung the wording obliges (a
    defence clause obliges the rung promised; a consultation clause obliges consultation
    only) and :math:`\tilde Q_K` the shortfall tail (:func:`shortfall_tail`) — the response a
    guarantor gives of its own accord when it does not honour — with every cumulative logit
    moved by the wording, :math:`\operatorname{logit}\tilde Q_K(k) = \operatorname{logit}
    Q_K(k) + \tau` (``tilt``; a proportional-odds shift, :math:`\tau = b_a (a - a_\mathrm{ref})`
    in the engine, the same log-odds the wording adds to honour). With :math:`K_o = K` and
    :math:`\tau = 0` this is :math:`p + (1 - p) Q_K(k)`.

    Parameters
    ----------
    p_honour : float or ndarray of shape (n,)
        Probability of honour, from :func:`honour_probability`.
    committed : int
        K, the rung promised, 0..6.
    k : int
        The rung asked about; any int (below 0 gives 1, above K gives 0).
    obliged : int, optional
        :math:`K_o \le K`, the rung the wording obliges (default ``committed``).
    shortfall : sequence of float or ndarray, optional
        Weights of rungs 0..K-1 for a guarantor that does not honour (default uniform).
    tilt : float or ndarray of shape (n,), default 0
        :math:`\tau`, log-odds added to every cumulative logit of the shortfall.
    """
    _check_rung("committed", committed)
    p = np.asarray(p_honour, dtype=_float_dtype(p_honour))
    if k <= 0:
        return np.ones_like(p)
    if k > committed:
        return np.zeros_like(p)
    top = committed if obliged is None else min(obliged, committed)
    honoured = p if k <= top else np.zeros_like(p)
    tail = np.asarray(shortfall_tail(committed, k, shortfall), dtype=np.float64)
    tau = np.asarray(tilt, dtype=np.float64)
    if np.any(tau != 0):
        with np.errstate(divide="ignore"):
            tail = expit(logit(tail) + tau)
    tail = np.asarray(tail, dtype=p.dtype)
    return np.asarray(1 - (1 - honoured) * (1 - tail), dtype=p.dtype)


def realised_rung(
    p_honour: ArrayLike,
    committed: int,
    u: ArrayLike,
    *,
    obliged: int | None = None,
    shortfall: Sequence[ArrayLike] | None = None,
    tilt: ArrayLike = 0.0,
) -> IntArray:
    r"""The rung each world's guarantor actually climbs to, from one uniform per world.

    Parameters
    ----------
    p_honour : float or ndarray of shape (n,)
        Probability of honour.
    committed : int
        K, the rung promised, 0..6.
    u : ndarray of shape (n,)
        Uniforms in (0, 1), one per world (correlated across guarantors by
        :func:`guaranty.models.cohesion.latent_uniform`).
    obliged, shortfall, tilt
        As in :func:`rung_at_least`.

    Returns
    -------
    ndarray of int64, shape (n,)
        :math:`R = \#\{k \ge 1 : u < P(R \ge k)\}`: the rung reached is monotone in ``u``
        (a low draw is a resolute government) and its law is that of :func:`rung_at_least`.
    """
    _check_rung("committed", committed)
    dtype = _float_dtype(p_honour, u)
    p = np.asarray(p_honour, dtype=dtype)
    draws = np.asarray(u, dtype=dtype)
    rung = np.zeros(np.broadcast(p, draws).shape, dtype=np.int64)
    for k in range(1, committed + 1):
        rung += draws < rung_at_least(p, committed, k, obliged=obliged, shortfall=shortfall,
                                      tilt=tilt)
    return rung


def expected_cost(
    p_honour: ArrayLike,
    committed: int,
    costs_by_rung: Sequence[float | Array],
    *,
    obliged: int | None = None,
    shortfall: Sequence[ArrayLike] | None = None,
    tilt: ArrayLike = 0.0,
) -> Array:
    """The aggressor's expected cost of the guarantor's response, per world.

    ``E[c_R] = c_0 + sum_{k=1..K} P(R >= k) (c_k - c_{k-1})``.

    Parameters
    ----------
    p_honour : float or ndarray of shape (n,)
        Probability of honour.
    committed : int
        K, the rung promised, 0..6.
    costs_by_rung : sequence of float or ndarray of shape (n,)
        ``c_k``: the aggressor's total cost when the realised rung is k, for k = 0..K at
        least (entries beyond K are not used); any cost unit, the same for all.

    Returns
    -------
    ndarray of shape (n,)
        Expected cost, in the unit of ``costs_by_rung``.
    """
    _check_rung("committed", committed)
    if len(costs_by_rung) < committed + 1:
        raise InputError(
            f"costs_by_rung must give a cost for each rung 0..{committed}, "
            f"got {len(costs_by_rung)} entries"
        )
    dtype = _float_dtype(p_honour, *costs_by_rung[: committed + 1])
    p = np.asarray(p_honour, dtype=dtype)
    costs = [np.asarray(c, dtype=dtype) for c in costs_by_rung[: committed + 1]]
    total = costs[0] + np.zeros_like(p)
    for k in range(1, committed + 1):
        total = total + (rung_at_least(p, committed, k, obliged=obliged, shortfall=shortfall,
                                       tilt=tilt) * (costs[k] - costs[k - 1]))
    return np.asarray(total, dtype=dtype)
