"""Writing scenarios: ``guaranty new-package`` (a commented template that extends a scenario)
and ``guaranty schema`` (the JSON Schema of scenario files, for editors).

The template and the schema are built from the schema models themselves
(:mod:`guaranty.scenario.schema`), so their choices (missions, rungs, wordings) and limits
cannot drift from what the loader accepts; the template is validated before it is written.
"""

from __future__ import annotations

import copy
import json
import os
import re
import typing
from pathlib import Path
from typing import Annotated, Any

import typer

from guaranty.errors import InputError

Output = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of printing (an existing file is kept).")]
Base = Annotated[str, typer.Option(
    "--base", "-b", help="The package to build on (its every field applies unless changed).")]
Extends = Annotated[str, typer.Option(
    "--extends", "-e", help="The scenario to extend: a built-in name or a .yaml file.")]

TEMPLATE = Path(__file__).with_name("package_template.yaml")
"""The text of ``new-package``'s file: :meth:`str.format` fields in braces (``{{`` for one)."""
CHOICES = (
    ("Provisions", "agreement"),
    ("Package", "sanctions"),
    ("TroopDeployment", "mission"),
    ("TroopDeployment", "location"),
    ("TroopDeployment", "rules_of_engagement"),
    ("AirDeployment", "basing"),
    ("AirDeployment", "mission"),
    ("Treaty", "wording"),
    ("Peacekeepers", "location"),
    ("AggressorPositions", "location"),
    ("Settlement", "territory"),
)
"""The (schema model, field) pairs whose choices the template lists."""
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def new_package(
    name: Annotated[str, typer.Argument(help="The new package's name (lowercase, digits, -).")],
    base: Base = "strong-army",
    extends: Extends = "ukraine-2025",
    output: Output = None,
) -> None:
    """Write a commented scenario file that extends a built-in scenario with one new package,
    based on an existing one.

    Every field a package may set is in the file, commented out, with its unit and meaning;
    remove the ``#`` of a line to set it. The file validates as written:
    ``guaranty run FILE --package NAME --package BASE`` compares the two at once.
    """
    text = package_template(name, base=base, extends=extends,
                            directory=None if output is None else output.parent)
    if output is None:
        typer.echo(text, nl=False)
        return
    _write(output, text)
    typer.echo(f"wrote {output}: check it with `guaranty validate {output}`", err=True)


def schema(output: Output = None) -> None:
    """Print the JSON Schema of scenario files (for editors' completion and checks).

    Point an editor at it, e.g. the YAML language server's first line
    ``# yaml-language-server: $schema=guaranty-scenario.schema.json``. The schema checks
    shapes, names and ranges; ``guaranty validate`` checks the rest (references, units).
    """
    text = json.dumps(scenario_json_schema(), indent=2, sort_keys=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    _write(output, text)
    typer.echo(f"wrote {output}", err=True)


def _write(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise InputError(f"--output must be a new file (nothing is overwritten), got {path}, "
                         "which exists") from None
    except OSError as exc:
        raise InputError(f"--output must be a writable file, got {path}: "
                         f"{exc.strerror or exc}") from None


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file as written.

    pydantic's schema of :class:`~guaranty.scenario.schema.Scenario`, with a quantity in its
    written forms (a number, or a mapping with ``value`` or ``dist`` and its parameters, plus
    ``unit``, ``source``, ``assumption``) and with ``extends``: a file that extends another
    needs none of the otherwise required sections.
    """
    from guaranty.scenario.schema import Scenario

    out = Scenario.model_json_schema()
    defs = out["$defs"]
    quantity = defs["Quantity"]
    meta = {k: {"type": "string", "description": d} for k, d in (
        ("unit", "The unit (e.g. persons, share, USD bn/year); checked against the field's."),
        ("source", "Where the number comes from (publication, date, address)."),
        ("assumption", "Why the number is what it is when no source gives it."))}
    forms: list[dict[str, Any]] = [{"type": "number"}]
    for option in quantity["properties"]["distribution"]["oneOf"]:
        kind = option["$ref"].rsplit("/", 1)[1]
        written = copy.deepcopy(defs[kind])
        written["properties"].update(meta)
        if kind == "Fixed":  # `dist: fixed` may be left out
            written["required"] = [r for r in written.get("required", []) if r != "dist"]
        else:
            written["required"] = sorted({*written.get("required", []), "dist"})
        defs[f"Written{kind}"] = written
        forms.append({"$ref": f"#/$defs/Written{kind}"})
    defs["Quantity"] = {"title": "Quantity", "description": quantity.get("description", ""),
                        "anyOf": forms}
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["properties"]["extends"] = {
        "type": "string",
        "description": "A built-in scenario's name (ukraine-2025) or a .yaml path relative to "
                       "this file; this file's sections are merged onto it.",
    }
    required = out.pop("required", [])
    out["if"] = {"required": ["extends"]}
    out["then"] = {}
    out["else"] = {"required": required}
    return out


def _choices(model: type[Any], field: str) -> str:
    """The values a Literal field of ``model`` allows, as ``a | b | c``."""
    annotation = model.model_fields[field].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return " | ".join(str(a) for a in typing.get_args(arg))
    raise TypeError(f"{model.__name__}.{field} is no Literal")


def package_template(name: str, *, base: str = "strong-army", extends: str = "ukraine-2025",
                     directory: Path | None = None) -> str:
    """The text of a scenario file that extends ``extends`` with package ``name`` built on
    ``base``, every package field commented with its unit and meaning; validated before it is
    returned.

    Raises
    ------
    InputError
        For a bad name, an unknown base package ("did you mean") or a name already taken.
    """
    from guaranty.limits import LEVERS
    from guaranty.scenario import load_scenario, parse_scenario
    from guaranty.scenario import schema as s

    if not isinstance(name, str) or not _SLUG.fullmatch(name):
        raise InputError("NAME must be lowercase letters, digits, '-' or '_' (starting with a "
                         f"letter or digit, at most 64), got {name!r}")
    scenario = load_scenario(extends)
    scenario.package(base)  # an unknown base: InputError with "did you mean"
    if name in scenario.packages:
        raise InputError(f"NAME must be a new package, got {name!r}, which {extends} already "
                         "has; choose another name")
    written = extends
    if extends.endswith((".yaml", ".yml")) or "/" in extends:
        written = os.path.relpath(Path(extends).resolve(), (directory or Path()).resolve())
    guarantors = ", ".join(scenario.guarantors) or "none defined"
    aircraft = ", ".join(scenario.aircraft_types) or "none defined"
    suppliers = ", ".join(scenario.suppliers) or "none defined"
    stocks = ", ".join(scenario.equipment)
    rungs = " | ".join(s.RUNG_NAMES)
    values = {
        "name": name, "base": base, "written": written, "written_repr": repr(written),
        "guarantors": guarantors, "aircraft": aircraft, "suppliers": suppliers,
        "stocks": stocks, "rungs": rungs,
        "troops_size": f"{LEVERS['troops.size']:,.0f}",
        "arrival_months": f"{LEVERS['troops.arrival_months']:.0f}",
        "aircraft_count": f"{LEVERS['aircraft.count']:,.0f}",
        "distance_km": f"{LEVERS['aircraft.distance_km']:,.0f}",
        "peacekeepers_size": f"{LEVERS['peacekeepers.size']:,.0f}",
    }
    for model, field in CHOICES:
        values[f"{model.lower()}_{field}"] = _choices(getattr(s, model), field)
    text = TEMPLATE.read_text(encoding="utf-8").format(**values)
    parse_scenario(text, name=f"<template of {name}>",
                   directory=(directory or Path()).resolve())
    return text
