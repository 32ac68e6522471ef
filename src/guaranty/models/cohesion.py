r"""Guarantors decide together: a latent cohesion factor shared by every guarantor in a world.

Guarantor :math:`g`'s response in a world is read off one uniform :math:`u_g`: it reaches rung
:math:`k` or more when :math:`u_g < P(R_g \ge k)`
(:func:`guaranty.models.guarantors.realised_rung`).
The uniforms are not independent. Each is :math:`u_g = \Phi(z_g)` with

.. math:: z_g = \sqrt{r}\, f + \sqrt{1 - r}\; e_g,\qquad f, e_g \sim N(0, 1)\ \text{independent},

a Gaussian copula with one common factor :math:`f` — the alliance's will, the West's cohesion,
in that world — and an equicorrelation :math:`r` estimated from multilateral alliances in war
(:mod:`guaranty.calibration.cohesion`: :math:`\hat r = 0.94`, n = 42). Each :math:`u_g` stays
uniform, so every guarantor's own response law is unchanged; only their joint law moves.

The aggressor's expectation of "at least one guarantor fights" uses the same copula:

.. math:: P\Big(\bigcup_g \{u_g < p_g\}\Big) = 1 - \int \phi(x) \prod_g
          \Big[1 - \Phi\Big(\frac{\Phi^{-1}(p_g) - \sqrt r\,x}{\sqrt{1-r}}\Big)\Big]\,dx,

by the midpoint rule in probability space: :math:`x_j = \Phi^{-1}((j + \tfrac12)/J)`,
:math:`j = 0..J-1` (:data:`NODES` = :math:`J`). Near :math:`r = 1` the integrand is a step in
:math:`x`, where Gauss–Hermite quadrature fails (it can return less than :math:`\max_g p_g`);
the midpoint rule's error stays below :math:`1/J` whatever :math:`r`. At :math:`r = 0` it is
:math:`1 - \prod_g (1 - p_g)`; as :math:`r \to 1` it tends to :math:`\max_g p_g`. So one
treaty naming five guarantors and five treaties with the same guarantors are the same thing,
and the number of rows no longer does the work of the evidence.

Vectorised over worlds; arrays of shape (n,), computed in the floating dtype of the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import ndtr, ndtri

from guaranty.models._arrays import Array

__all__ = ["NODES", "latent_uniform", "p_any"]

#: Points of the quadrature over the common factor (equal weights in probability).
NODES = 128
_X = ndtri((np.arange(NODES) + 0.5) / NODES)
_W = np.full(NODES, 1.0 / NODES)
_R_MAX = 0.999  # keeps sqrt(1 - r) away from 0


def _unit(x: Array) -> Array:
    eps = np.finfo(np.float32).eps
    out: Array = np.clip(x, eps, 1 - eps)
    return out


def latent_uniform(draw: Array, common: Array, correlation: Array) -> Array:
    r"""A guarantor's correlated uniform :math:`\Phi(\sqrt r\,\Phi^{-1}(c) + \sqrt{1-r}\,
    \Phi^{-1}(d))` from its own draw :math:`d` and the world's common draw :math:`c`.

    Parameters
    ----------
    draw, common : ndarray of shape (n,)
        Uniforms in (0, 1): the guarantor's own and the world's cohesion draw.
    correlation : ndarray of shape (n,) or float
        :math:`r` in [0, 1).
    """
    dtype = np.result_type(draw, 1.0)
    r = np.clip(np.asarray(correlation, dtype=np.float64), 0.0, _R_MAX)
    z = (np.sqrt(r) * ndtri(_unit(np.asarray(common, dtype=np.float64)))
         + np.sqrt(1.0 - r) * ndtri(_unit(np.asarray(draw, dtype=np.float64))))
    return np.asarray(ndtr(z), dtype=dtype)


def p_any(probabilities: Sequence[Array], correlation: Array) -> Array:
    """P(at least one event ``u_g < p_g``) under the one-factor Gaussian copula, shape (n,).

    Parameters
    ----------
    probabilities : sequence of ndarray of shape (n,)
        Each guarantor's marginal probability :math:`p_g`.
    correlation : ndarray of shape (n,) or float
        :math:`r` in [0, 1).
    """
    if not probabilities:
        return np.zeros(0)
    dtype = np.result_type(*probabilities, 1.0)
    r = np.clip(np.asarray(correlation, dtype=np.float64), 0.0, _R_MAX)
    sr, sq = np.sqrt(r), np.sqrt(1.0 - r)
    none = np.zeros(np.broadcast(*probabilities, r).shape)
    thresholds = [ndtri(np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0))
                  for p in probabilities]
    for x, w in zip(_X, _W, strict=True):
        stay_out = np.ones_like(none)
        for c in thresholds:
            stay_out = stay_out * ndtr(-(c - sr * x) / sq)
        none = none + w * stay_out
    return np.asarray(np.clip(1.0 - none, 0.0, 1.0), dtype=dtype)
