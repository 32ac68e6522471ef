"""``guaranty validate`` and ``guaranty params``: look at a scenario without simulating it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from guaranty.cli._format import emit_json, out_console, styled
from guaranty.cli.options import JsonDoc, JsonFlag, LensName, ScenarioFile
from guaranty.errors import InputError, ScenarioError
from guaranty.params import UKRAINE_SCOPE, Registry, default_registry, scoped_in_force
from guaranty.scenario import compile_plan, load_scenario
from guaranty.scenario.compile import base_registry, scenario_registry  # no public route yet


def validate(
    file: ScenarioFile,
    json_out: JsonDoc = False,
) -> None:
    """Check a scenario file and report every problem with its place."""
    try:
        scenario = load_scenario(file)
    except ScenarioError as exc:
        if json_out:
            emit_json({"valid": False, "problems": [
                {"file": p.file, "line": p.line, "column": p.column, "path": p.path,
                 "message": p.message} for p in exc.problems]})
            raise typer.Exit(2) from None
        raise
    registry = base_registry(scenario)
    scoped = [p.name for p in scoped_in_force(scenario_registry(scenario),
                                               scenario.defender.name, scenario.aggressor.name)]
    if scoped:  # a warning, not an error: the scenario runs, on another theatre's numbers
        typer.echo(
            f"{file}: warning: {scenario.defender.name} facing {scenario.aggressor.name} "
            f"leaves {len(scoped)} default(s) calibrated on {UKRAINE_SCOPE} alone in force: "
            f"{', '.join(scoped)}; set them under parameters: (guaranty params --scenario "
            f"{file} shows each with its scope)", err=True)
    if json_out:
        emit_json({"valid": True, "scenario": scenario.name, "packages": list(scenario.packages),
                   "lenses": list(scenario.lenses), "parameters": len(registry),
                   "warnings": [f"default calibrated on {UKRAINE_SCOPE} in force: {name}"
                                for name in scoped]})
        return
    typer.echo(
        f"{file}: ok — scenario {scenario.name!r}, {len(scenario.packages)} packages "
        f"({', '.join(scenario.packages)}), {len(scenario.lenses)} lenses, "
        f"{len(registry)} parameters"
    )


def params(
    scenario_file: Annotated[Path | None, typer.Option(
        "--scenario", help="Scenario YAML file.")] = None,
    package: Annotated[str | None, typer.Option(
        "--package", "-p", help="Show the registry as this package sets it.")] = None,
    lens: LensName = None,
    json_out: JsonFlag = False,
) -> None:
    """List every parameter with its distribution, unit, scope and source (or assumption).

    With --scenario: the registry the scenario's packages start from (its quantities and its
    ``parameters:``). ``scope`` marks a default calibrated on one theatre alone
    (ukraine-2022-25); a scenario that sets the parameter itself clears it.
    """
    registry: Registry
    if scenario_file is None:
        if package or lens:
            raise InputError("--package and --lens need --scenario")
        registry = default_registry()
    else:
        scenario = load_scenario(scenario_file)
        if package is None:
            scenario.check_names((), lens)
            registry = scenario_registry(scenario, lens)
        else:
            scenario.check_names([package], lens)
            registry = compile_plan(scenario, package, lens).registry
    if json_out:
        emit_json([p.as_dict() for p in registry.values()])
        return
    table = Table(title=f"{len(registry)} parameters", title_justify="left", show_lines=False)
    for col in ("name", "distribution", "unit", "scope", "source / assumption"):
        table.add_column(col, overflow="fold")
    for p in registry.values():
        origin = (styled(p.source, "") if p.source
                  else Text.assemble(("assumption:", "yellow"), " ",
                                     styled(p.assumption or "", "")))
        table.add_row(p.name, p.distribution.describe(), p.unit,
                      styled(p.scope, "yellow") if p.scope else "", origin)
    out_console().print(table)
