r"""Security terms of candidate packages, simulated by the engine and cached.

All uncached candidates go to one :func:`guaranty.simulate` call (the anchoring of the base
hazard runs once per call), on the same seed, so every package meets the same sampled worlds
(common random numbers: differences between packages are not sampling noise between worlds).
Results are cached by the package's JSON, the rest of the scenario, the seed, the number of
worlds and the lens, so that a second analysis with other positions simulates nothing.

Terms: every metric of :meth:`guaranty.Results.metrics` (its mean over worlds), plus the
aggressor's expected gain from a later attack,

.. math:: G = \frac{1}{W}\sum_w P_w(\text{war within 120 months})\,
          \big(1 - P_w(\text{hold} \mid \text{war})\big),

the probability that it attacks within ten years and breaks the defence (each world's
P(hold | war) weighted by its own risk of war; a world with no risk adds nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from guaranty.engine import simulate
from guaranty.scenario.negotiation import Negotiation
from guaranty.scenario.schema import Package, Scenario

GAIN = "aggressor_gain_120m"
_CACHE: dict[tuple[str, str, int, int, str | None], dict[str, float]] = {}
_CACHE_LIMIT = 200_000


def _context(scenario: Scenario) -> str:
    """A digest of everything but the negotiation section (which changes no outcome)."""
    text = scenario.model_dump_json(exclude={"negotiation"})
    return hashlib.sha256(text.encode()).hexdigest()


def terms(
    scenario: Scenario,
    packages: Sequence[Package],
    *,
    worlds: int,
    seed: int,
    lens: str | None,
    workers: int = 1,
) -> list[dict[str, float]]:
    """The mean of every simulated metric (and :data:`GAIN`) for each package, in order.

    With ``workers`` > 1 the uncached packages are split among that many processes (each
    anchors once); the numbers do not change.
    """
    context = _context(scenario)
    keys = [(context, p.model_dump_json(), seed, worlds, lens) for p in packages]
    todo = {key: pkg for key, pkg in zip(keys, packages, strict=True) if key not in _CACHE}
    if todo:
        names = {key: f"negotiation-candidate-{i}" for i, key in enumerate(todo)}
        trial = scenario.model_copy(update={
            "negotiation": Negotiation(),
            "packages": {**scenario.packages, **{names[k]: p for k, p in todo.items()}},
        })
        order = list(names.values())
        groups = [order[i::workers] for i in range(min(workers, len(order)))]
        if len(groups) > 1:
            with ProcessPoolExecutor(max_workers=len(groups)) as pool:
                parts = list(pool.map(_run, [trial] * len(groups), groups,
                                      [worlds] * len(groups), [seed] * len(groups),
                                      [lens] * len(groups)))
        else:
            parts = [_run(trial, order, worlds, seed, lens)]
        done = {name: values for part in parts for name, values in part.items()}
        if len(_CACHE) + len(todo) > _CACHE_LIMIT:
            _CACHE.clear()
        for key, name in names.items():
            _CACHE[key] = done[name]
    return [_CACHE[key] for key in keys]


def _run(scenario: Scenario, names: list[str], worlds: int, seed: int, lens: str | None
         ) -> dict[str, dict[str, float]]:
    results = simulate(scenario, names, worlds=worlds, seed=seed, lens=lens)
    out = {}
    for name in names:
        values = {m: results.metric(name, m).mean for m in results.metrics(name)
                  if not m.startswith("outside_")}
        data = results.outcomes[name]
        if "p_war_120m" in data and "p_hold_given_war" in data:
            hold = np.nan_to_num(data["p_hold_given_war"], nan=1.0)
            values[GAIN] = float(np.mean(data["p_war_120m"] * (1.0 - hold)))
        out[name] = values
    return out


def clear_cache() -> None:
    """Forget every cached simulation."""
    _CACHE.clear()
