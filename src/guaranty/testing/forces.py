"""Scenarios with one side's forces scaled: for the must-shows of the war model (tests and
``scripts/war_must_shows.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from guaranty.scenario.schema import Quantity, Scenario

_SPREADS = ("sigma", "sd")  # a lognormal's or a normal's spread is not scaled with its level


def scaled_quantity(q: Quantity, factor: float) -> Quantity:
    """``q`` with every number of its distribution times ``factor`` (not its spread)."""
    dist = q.distribution
    numbers = {k: v * factor for k, v in dist.model_dump(exclude={"dist"}).items()
               if isinstance(v, int | float) and k not in _SPREADS}
    return q.model_copy(update={"distribution": dist.model_copy(update=numbers)})


def scaled(scenario: Scenario, side: str, factor: float, fields: Iterable[str] = (),
           stocks: bool | Iterable[str] = False) -> Scenario:
    """``scenario`` with ``side``'s ``fields`` (personnel, recruitment_per_month, ...) and its
    stocks (all with ``True``, or those named) times ``factor``."""
    force = getattr(scenario, side)
    update: dict[str, object] = {f: scaled_quantity(getattr(force, f), factor) for f in fields
                                 if getattr(force, f) is not None}
    if stocks:
        names = set(force.stocks) if stocks is True else set(stocks)
        update["stocks"] = {k: scaled_quantity(v, factor) if k in names else v
                            for k, v in force.stocks.items()}
    return scenario.model_copy(update={side: force.model_copy(update=update)})


__all__ = ["scaled", "scaled_quantity"]
