r"""The aggressor's own troops in the defender's territory: what they take from the warning.

A settlement may leave the aggressor's troops stationed inside the defender's territory —
"peacekeepers" in a mixed contingent, or bases (as in several post-Soviet conflicts). They are
already where an offensive would start, so the defender sees less of the build-up: of the
:math:`W` months of warning (:mod:`guaranty.models.intel`) it keeps

.. math:: W' = W\,(1 - \lambda),\qquad
          \lambda = \lambda_{\max}\,\big(1 - e^{-N_a / N_\mathrm{ref}}\big),

with :math:`N_a` the aggressor's soldiers stationed, :math:`\lambda_{\max}` the most warning such
positions can take away and :math:`N_\mathrm{ref}` the garrison at which they take
:math:`1 - 1/e` of it (``aggressor_positions.*``, assumptions). Less warning means a less
mobilised defender and more surprise (:func:`guaranty.models.intel.surprise`). The positions
veto nothing: a third party's treaty keeps its effect (the aggressor's membership of a mixed
contingent stops only that contingent's collective response,
:mod:`guaranty.models.response`).
"""

from __future__ import annotations

import numpy as np

from guaranty.models._arrays import Array

__all__ = ["warning_loss"]


def warning_loss(stationed: Array, *, max_loss: Array, reference: Array) -> Array:
    r""":math:`\lambda = \lambda_{\max}(1 - e^{-N_a/N_\mathrm{ref}})`, shape (n,), in [0, 1]."""
    out: Array = max_loss * -np.expm1(-stationed / np.maximum(reference, 1e-9))
    return np.asarray(np.clip(out, 0.0, 1.0), dtype=np.result_type(stationed, np.float32))
