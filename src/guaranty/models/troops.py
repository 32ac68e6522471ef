r"""Allied ground troops: what they add to the fight, what they signal, whether they can be found.

**Combat power.** A deployment of :math:`N` soldiers adds, once it has arrived,

.. math:: P_{troops} = N\, \pi\, f_{mission}\, \ell_{location}\, e_{roe}

to the defender's power, with :math:`\pi` the power of an allied soldier with its brigade's
equipment (in tanks), :math:`f` the share of the force that fights in its mission (a
monitoring mission carries side arms; a deep-defence corps fights), :math:`\ell` how much of it
is where the attack falls (front, rear hubs, a neighbouring state) and :math:`e` its rules of
engagement (self-defence only, or defending a sector). CSIS (Jensen, Aug 2025) sizes the
missions: about 6,000 to monitor a ceasefire, a 10,000–25,000 corps as a low-end deterrent,
over 100,000 for defence in depth (PARAMETERS.md §4).

**Force generation.** Keeping :math:`N` soldiers deployed takes about :math:`\kappa N` in the
pool (rotation, training, recovery): :math:`\kappa \approx 4` from the allies' answer to the
UK's 64,000 plan, "256,000 over two years" (The Times, Apr 2025; PARAMETERS.md §4). In each
world every contributor deploys what its pool supports,
:math:`s_g = \min(1, P_g / (\kappa N_g))` of each of its deployments (:func:`supported_share`):
troops that cannot be found are neither in the fight, nor a tripwire, nor paid for, and the
share missing is reported (``troops_shortfall_share``) beside the share of worlds where the
whole request is met (``troops_feasible``).

**Missions.** Monitoring (side arms, watches the line), tripwire (a small combat force placed
to be hit), training (instructors in the rear: they add no power and bind their government
little), reassurance (brigades in hubs) and deep defence (corps that hold sectors).

**Signal.** Troops in harm's way are the tripwire: under hypothesis (a) (Schelling; Gorenburg
in the source article) their presence raises their government's probability of answering an
attack (a logit shift in :mod:`guaranty.models.guarantors`) and attacking through them costs
the aggressor politically; under hypothesis (b) (Reiter & Poast 2021; Miron in the source
article) the aggressor declares them legitimate targets and is deterred only by the combat
power they add. Both are registry parameters that lenses set.

**Cost.** :math:`N` × cost per deployed soldier-year, by contributor (a German brigade in
Lithuania: about €250,000 per soldier-year operating; US expeditionary forces $1–2M; §4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


def troop_power(
    size: float,
    *,
    power_per_soldier: Array,
    fight_share: Array,
    location_factor: Array,
    roe_factor: Array,
    present: Array,
) -> Array:
    """Power a deployment adds to the defender, shape (n,); ``present`` is 0 or 1 per world."""
    out: Array = size * power_per_soldier * fight_share * location_factor * roe_factor * present
    return out


def feasible(requested: Array, pool: Array, rotation: Array) -> NDArray[np.bool_]:
    """Whether ``rotation`` × ``requested`` soldiers fit in a contributor's ``pool``, per world."""
    out: NDArray[np.bool_] = requested * rotation <= pool
    return out


def supported_share(requested: Array, pool: Array, rotation: Array) -> Array:
    r"""Share of ``requested`` soldiers a contributor can keep deployed, in [0, 1], per world:
    :math:`\min(1, P / (\kappa N))` (1 when nothing is requested)."""
    need = requested * rotation
    out: Array = np.where(need > 0, np.minimum(1.0, pool / np.maximum(need, 1e-9)), 1.0)
    return np.asarray(out, dtype=np.result_type(pool, np.float32))


def cost_usd(size: float, cost_per_soldier_year: Array, present_months: Array) -> Array:
    """Cost of a deployment over ``present_months`` months, USD."""
    out: Array = size * cost_per_soldier_year * present_months / 12.0
    return out
