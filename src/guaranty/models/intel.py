r"""Intelligence, surveillance and cyber: warning time, mobilisation, surprise, command and control.

**Warning.** The defender sees an attack coming :math:`W` months ahead: a base
:math:`W_0` from its own means, plus up to :math:`g` months from allied ISR at level
:math:`i \in [0, 1]` (0: none shared; 1: everything the guarantors see), plus up to
:math:`g_m` months from ceasefire monitors on the line, who see forces massing near it,
in proportion to the share :math:`\mu \in [0, 1]` of the line they watch:

.. math:: W = W_0 + g\,i + g_m\,\mu

**Mobilisation.** Bringing the army from its peacetime posture to war readiness (reserves called
up, units moved to positions, aircraft and air defence dispersed) takes :math:`T` months, done
at an even pace, so the share ready when the blow falls is

.. math:: m = \operatorname{clip}(W / T,\ 0,\ 1)

**Surprise.** The attacker's surprise multiplier :math:`\sigma_0 \ge 1`
(``campaign.surprise_multiplier``, applied in :mod:`guaranty.models.campaign`) holds in full
against an unready defender and vanishes against a mobilised one:

.. math:: \sigma = 1 + (\sigma_0 - 1)(1 - m)

**Command and control after a first-hour strike.** The 2022 invasion opened with a cyber attack
on the Viasat KA-SAT network an hour before the ground assault (EU/Five Eyes attribution; ~30,000
replacement modems shipped) and the Sandworm attack on Kyivstar in December 2023 cut service to
~24 million users (PARAMETERS.md §7, C and C-secondary). A strike of severity :math:`v` (the share
of effectiveness lost by a defender with no redundancy) against a defender with resilience
:math:`r \in [0, 1]` (redundant links, satellite terminals, hardened networks — a package lever)
leaves the share

.. math:: f = 1 - v\,(1 - r)

of its effectiveness in the opening phase.

All functions are pure, vectorised over worlds and keep the floating dtype of their inputs.
"""

from __future__ import annotations

import numpy as np

from guaranty.models._arrays import Array, Value, as_floats


def warning_months(
    isr_level: Value,
    monitors_share: Value = 0.0,
    *,
    base_warning_months: Value,
    gain: Value,
    monitor_gain: Value = 0.0,
) -> Array:
    """Months of warning before an attack: :math:`W_0 + g\\,i + g_m\\,\\mu`.

    Parameters
    ----------
    isr_level : array
        Allied ISR shared with the defender, in [0, 1].
    monitors_share : array, default 0
        Share of the line watched by ceasefire monitors, in [0, 1].
    base_warning_months : array
        Warning from the defender's own means (``intel.base_warning_months``).
    gain : array
        Months added by full allied ISR (``intel.isr_gain_months``).
    monitor_gain : array, default 0
        Months added by monitors on the whole line (``intel.monitor_gain_months``).

    Returns
    -------
    array
        Months, non-decreasing in ISR and in monitoring.
    """
    i, mu, w0, g, gm = as_floats(isr_level, monitors_share, base_warning_months, gain,
                               monitor_gain)
    out: Array = w0 + g * i + gm * mu
    return out


def mobilised_share(warning_months: Value, *, mobilisation_months: Value) -> Array:
    """Share of the defender ready when the attack comes: :math:`\\operatorname{clip}(W/T, 0, 1)`.

    Parameters
    ----------
    warning_months : array
        Warning time :math:`W` (:func:`warning_months`).
    mobilisation_months : array
        Months to full war readiness :math:`T` (``intel.mobilisation_months``); 0 means instant.

    Returns
    -------
    array
        In [0, 1], non-decreasing in warning.
    """
    w, t = as_floats(warning_months, mobilisation_months)
    with np.errstate(over="ignore"):
        out: Array = np.clip(w / np.maximum(t, np.finfo(t.dtype).tiny), 0.0, 1.0)
    return out


def surprise(base_multiplier: Value, mobilised: Value) -> Array:
    """The attacker's surprise multiplier after warning: :math:`1 + (\\sigma_0 - 1)(1 - m)`.

    Parameters
    ----------
    base_multiplier : array
        Surprise multiplier against an unready defender, :math:`\\sigma_0 \\ge 1`.
    mobilised : array
        Share of the defender mobilised (:func:`mobilised_share`), in [0, 1].

    Returns
    -------
    array
        Between 1 and :math:`\\sigma_0`, non-increasing in the mobilised share.
    """
    s0, m = as_floats(base_multiplier, mobilised)
    out: Array = 1.0 + (s0 - 1.0) * (1.0 - m)
    return out


def c2_factor(resilience: Value, *, strike_severity: Value) -> Array:
    """The defender's effectiveness after a first-hour cyber/EW strike: :math:`1 - v(1 - r)`.

    Parameters
    ----------
    resilience : array
        Resilience of command, control and communications, in [0, 1].
    strike_severity : array
        Share of effectiveness such a strike takes from a defender with no redundancy
        (``intel.strike_severity``), in [0, 1].

    Returns
    -------
    array
        In [1 - v, 1], non-decreasing in resilience.
    """
    r, v = as_floats(resilience, strike_severity)
    out: Array = 1.0 - v * (1.0 - r)
    return out
