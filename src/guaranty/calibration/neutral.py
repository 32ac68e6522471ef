r"""Theatre-neutral defaults for parameters first set on the Russia-Ukraine war of 2022-25.

Twelve defaults of the registry were calibrated on one war (``scope: ukraine-2022-25``); the
scenarios of that war now set them themselves, and the registry holds values that do not
presume the theatre. Where the shipped data identify one, it is fitted here or in
:mod:`guaranty.calibration.cdb90`; the rest are marked assumptions in the registry.

Misperception
-------------
The interstate case fit (``guaranty calibrate decision``, stored in ``data/fits/decision.json``)
profiles the bias added to the aggressor's log force ratio over a grid. Near the optimum
:math:`\hat b` the profile log-likelihood is taken quadratic on each side,
:math:`\ell(b) - \ell(\hat b) = -c_\pm (b - \hat b)^2`, with :math:`c_\pm` set by the nearest
grid point on that side that the likelihood ratio rejects at 95 % (a drop of more than
:math:`\chi^2_{1,0.95}/2 = 1.92`); the interval is where the drop stays under 1.92, and the
registry carries a normal of that mean and of the interval's half-width over 1.96 as its sd.

Surprise and force-to-space (CDB90)
-----------------------------------
:func:`guaranty.calibration.cdb90.surprise_effect` adds "the attacker achieved surprise"
(SURPA > 0) to the battle success curve, :math:`\operatorname{logit} P = a + b\ln R +
\beta_s s`; the engine's multiplier on the attacker's force acts on a breakthrough rate of
elasticity :math:`\kappa` to the log ratio, so the same effect is a multiplier
:math:`m = e^{\beta_s/\kappa}` (:func:`~guaranty.calibration.cdb90.surprise_multiplier_band`,
:math:`\kappa` over the registry range of ``campaign.breakthrough_exponent``).
:func:`~guaranty.calibration.cdb90.space_threshold_profile` puts the engine's rule, the
defender's strength times :math:`\min(1, \rho_d/T)`, into the same curve and profiles T; the
profile is nearly flat and bounds T only from below at battle scale, so the registry keeps an
assumption for the theatre-wide threshold.

:func:`neutral_fits` gathers the three fits the registry cites, for ``tests/`` and the docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from guaranty.errors import DataError

__all__ = ["misperception_interval", "neutral_fits"]

_HALF_CHI2_95 = float(stats.chi2.ppf(0.95, 1)) / 2  # 1.92


def misperception_interval(doc: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The misperception bias of the interstate case fit with its 95 % profile interval.

    Parameters
    ----------
    doc : mapping, optional
        The ``guaranty calibrate decision`` document; default the stored one
        (:func:`guaranty.calibration.decision.stored_fit`).

    Returns
    -------
    dict
        ``estimate``, ``lo95``, ``hi95`` and ``sd`` (the half-width over 1.96).

    Raises
    ------
    DataError
        When the document holds no bias estimate or profile, or the profile rejects no value
        on one side of the estimate (the interval would be open).
    """
    if doc is None:
        from guaranty.calibration.decision import stored_fit

        doc = stored_fit()
    try:
        estimate = float(doc["fit"]["parameters"]["bias"]["estimate"])
        prof = next(p for p in doc["profiles"] if p["name"] == "bias")
        grid, drop = np.asarray(prof["grid"], float), np.asarray(prof["drop"], float)
    except (KeyError, StopIteration, TypeError) as exc:
        raise DataError("the decision fit holds no profile of the misperception bias; rerun "
                        "`guaranty calibrate decision --write`") from exc

    def bound(side: int) -> float:
        beyond = (np.sign(grid - estimate) == side) & (drop < -_HALF_CHI2_95)
        if not beyond.any():
            raise DataError("the decision fit's bias profile rejects no value "
                            f"{'above' if side > 0 else 'below'} {estimate:.2f}: the interval "
                            "is open on that side")
        nearest = np.argmin(np.where(beyond, np.abs(grid - estimate), np.inf))
        curvature = -drop[nearest] / (grid[nearest] - estimate) ** 2
        return estimate + side * float(np.sqrt(_HALF_CHI2_95 / curvature))

    lo, hi = bound(-1), bound(1)
    return {"estimate": estimate, "lo95": lo, "hi95": hi, "sd": (hi - lo) / (2 * 1.959964)}


def neutral_fits() -> dict[str, dict[str, Any]]:
    """The fits behind the registry's theatre-neutral defaults, by parameter name."""
    from guaranty.calibration import cdb90

    profile = cdb90.space_threshold_profile()
    effect = cdb90.surprise_effect()
    return {
        "decision.misperception_bias": misperception_interval(),
        "campaign.surprise_multiplier": {
            **cdb90.surprise_multiplier_band(effect), "log_odds": effect.log_odds,
            "se": effect.se, "n": effect.n},
        "forces.space_density_threshold": {
            "best": profile.best, "accepted": list(profile.accepted),
            "log_likelihood_range": profile.range,
            "lr_against_no_threshold": 2 * (max(profile.log_likelihood) - profile.no_threshold),
            "n": profile.n},
    }
