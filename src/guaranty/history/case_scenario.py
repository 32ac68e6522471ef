"""A coarse scenario file for one case of the library, which the engine can run.

A coarse case keeps only what the data code: each side's military personnel (COW NMC, as
``personnel``) and spending (as the stock of one weapon category, ``materiel``, one unit per
million current US dollars a year, weight 1), the defender's third-party defence pacts (ATOP)
as one guarantor ``pact-allies`` bound by a treaty, and how the war ended and any interstate
peace operation as the package's provisions (a neutral armed force as ``peacekeepers``, neutral
unarmed observers as ``monitors``; the forces of an ally of one side are not peacekeeping and
are left out: the schema has no place for them yet). Everything else a scenario needs (front,
territory, readiness, recruitment) is a stated placeholder: the decision fit does not read it
(:mod:`guaranty.calibration.decision`), and a user who runs a case should read the results as
the engine's answer for two generic armies of those sizes.

The aggressor is side 1 or side 2 of the pair (``aggressor``); by default the stronger side by
the capability composite (:mod:`guaranty.history.cases`), the side the fitted decision model
gives the larger hazard.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from guaranty.errors import InputError
from guaranty.history.cases import Case

__all__ = ["case_scenario", "write_case_scenario"]

_NMC = ("COW National Material Capabilities 7.0 (peacesciencer), year of the war's end or the "
        "last year with data within five")
_PLACEHOLDER = ("Coarse case: not coded in the case library; a placeholder the decision fit "
                "does not read.")


def _q(value: float, unit: str, *, source: str | None = None,
       assumption: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": float(value), "unit": unit}
    if source is not None:
        out["source"] = source
    else:
        out["assumption"] = assumption or _PLACEHOLDER
    return out


def _side(name: str, personnel_k: float, milex_k: float, *, aggressor: bool) -> dict[str, Any]:
    persons = max(personnel_k, 1.0) * 1000.0
    materiel = max(milex_k / 1000.0, 1.0)  # $ million a year
    side: dict[str, Any] = {
        "name": name,
        "personnel": _q(persons, "persons", source=f"{_NMC}: milper {personnel_k:g} thousand"),
        "readiness": _q(0.6, "share"),
        "stocks": {"materiel": _q(materiel, "units", source=(
            f"D: {_NMC}: milex {milex_k:g} thousand current USD, one unit per $1 million"))},
    }
    if aggressor:
        side["personnel_ceiling"] = _q(persons * 1.5, "persons")
        side["recruitment_per_month"] = _q(persons * 0.01, "persons/month")
        side["outflow_share_per_month"] = _q(0.01, "share/month")
    return side


def case_scenario(case: Case, *, aggressor: int | None = None) -> dict[str, Any]:
    """The scenario document (a plain mapping, as YAML would load it) for ``case``.

    Raises
    ------
    InputError
        When a side lacks personnel or spending, or ``aggressor`` is not 1 or 2.
    """
    if not case.complete:
        raise InputError(f"case {case.name!r} lacks personnel or spending for a side in COW NMC "
                         "and cannot be written as a scenario; pick a case whose `durability "
                         "cases` row shows both")
    if aggressor is None:
        ln_ratio = 0.5 * np.log(max(case.milper[0], 0.5) / max(case.milper[1], 0.5)) + (
            0.5 * np.log(max(case.milex[0], 1.0) / max(case.milex[1], 1.0)))
        aggressor = 1 if ln_ratio >= 0 else 2
    if aggressor not in (1, 2):
        raise InputError(f"aggressor must be 1 or 2 (side 1 or side 2 of the pair), got "
                         f"{aggressor}")
    a, d = (0, 1) if aggressor == 1 else (1, 0)
    names = (case.side1, case.side2)
    slug = case.name.replace("_", "-")
    provisions: dict[str, Any] = {"agreement": "agreement" if case.ending == "agreement"
                                  else "victory" if case.ending == "victory" else "ceasefire"}
    if case.peacekeepers_neutral:  # armed neutral troops, or unarmed observers
        provisions["peacekeepers" if case.peacekeepers_armed else "monitors"] = True
    package: dict[str, Any] = {
        "description": (f"As the war ended on {case.end}: {case.ending}"
                        + (f", {case.mission}" if case.mission else "")
                        + (f", {case.pacts[d]} third-party defence pact(s) of the defender"
                           if case.pacts[d] else "") + "."),
        "sources": ["guaranty case library (data/cases/episodes.csv, docs/cases.md)"],
        "provisions": provisions,
    }
    doc: dict[str, Any] = {
        "name": f"case-{slug}"[:60],
        "title": f"{names[d]} facing {names[a]} after the war that ended {case.end} (coarse case)",
        "description": (f"A coarse case of the guaranty case library: {case.name}. "
                        f"Renewed: {'yes' if case.renewed else 'no'} after {case.months:.0f} "
                        "months (or censored)."),
        "horizon_months": 120,
        "defender": _side(names[d], case.milper[d], case.milex[d], aggressor=False),
        "aggressor": _side(names[a], case.milper[a], case.milex[a], aggressor=True),
        "theatre": {
            "front_km": _q(300, "km"),
            "territory_km2": _q(100000, "km2"),
            "population": _q(10_000_000, "persons"),
        },
        "equipment": {"materiel": {
            "kind": "weapon",
            "weight": _q(1.0, "power/unit", assumption="The numeraire of a coarse case."),
            "crew": _q(1, "persons/unit"),
        }},
        "financing": {
            "weapons_usd_bn_per_year": _q(0, "USD bn/year", assumption=(
                "Coarse case: third-party arms and money are not coded; none.")),
            "budget_support_usd_bn_per_year": _q(0, "USD bn/year", assumption=(
                "Coarse case: not coded; none.")),
        },
        "anchor": "as-was",
        "packages": {"as-was": package},
    }
    if case.pacts[d]:
        doc["guarantors"] = {"pact-allies": {
            "name": f"Defence-pact allies of {names[d]} ({case.pacts[d]})",
            "troop_pool": _q(20000, "persons"),
            "cost_per_soldier_year_usd": _q(300000, "USD"),
            "will": {"dist": "beta", "a": 2, "b": 4, "unit": "share",
                     "assumption": "Allies honoured about a quarter to a half of wartime "
                                   "defence obligations (data/alliance_reliability); wide."},
            "response_delay_months": _q(1, "months"),
        }}
        package["treaties"] = [{
            "guarantor": "pact-allies", "rung": "ground-troops",
            "wording": "deems-necessary" if case.pact_unconditional[d] else "consult",
        }]
    return doc


def write_case_scenario(case: Case, path: Path, *, aggressor: int | None = None,
                        parameters: Mapping[str, Any] | None = None) -> Path:
    """Write :func:`case_scenario` to ``path`` as YAML; returns the path. ``parameters``, when
    given, is the scenario's ``parameters:`` section (registry values in place of the
    defaults)."""
    doc = case_scenario(case, aggressor=aggressor)
    if parameters:
        doc["parameters"] = dict(parameters)
    text = (f"# Coarse case '{case.name}' from the guaranty case library (docs/cases.md).\n"
            + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the scenario ({exc.strerror or exc})") from exc
    return path
