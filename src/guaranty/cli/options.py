"""Options shared by the commands, declared once.

Each option is an ``Annotated`` alias (its flags and help live in one place). The options of
every simulating command form :class:`RunOptions`; a command takes them all with one
parameter::

    @with_run_options()
    def sweep(file: ScenarioFile, run: RunOptions, json_out: JsonFlag = False) -> None: ...

:func:`with_run_options` shows Typer one option per field of :class:`RunOptions`, in place of
that parameter, and hands the command the dataclass.
"""

from __future__ import annotations

import functools
import inspect
import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_type_hints

import typer

from guaranty import defaults
from guaranty.engine import DEFAULT_CHUNK

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
JsonDoc = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Packages = Annotated[list[str] | None, typer.Option(
    "--package", "-p", help="Package to run (repeatable; default all).")]
Worlds = Annotated[int, typer.Option("--worlds", "-n", help="Number of sampled worlds.")]


def parse_seed(text: str) -> int:
    """A ``--seed``: an integer, or ``random`` for a fresh one (printed on stderr at once, so
    the run can be repeated)."""
    if text.strip().lower() == "random":
        seed = secrets.randbits(32)
        typer.echo(f"seed {seed} (drawn at random; --seed {seed} repeats this run)", err=True)
        return seed
    try:
        return int(text)
    except ValueError:
        raise typer.BadParameter(f"must be an integer or 'random', got {text!r}") from None


Seed = Annotated[int | None, typer.Option(
    "--seed", "-s", parser=parse_seed, metavar="INT|random",
    help=f"Random seed, or 'random' for a fresh one (printed); default {defaults.SEED}.")]
Months = Annotated[int | None, typer.Option(
    "--months", "-m", help="Horizon in months (default: the scenario's).")]
LensName = Annotated[str | None, typer.Option("--lens", "-l", help="Expert lens to apply.")]
ChunkSize = Annotated[int, typer.Option(
    "--chunk-size", help="Worlds per chunk (memory, not numbers).")]
Workers = Annotated[int, typer.Option("--workers", "-w", help="Processes to use.")]
NoAnchor = Annotated[bool, typer.Option(
    "--no-anchor", help="Do not anchor the base hazard to the outside view.")]


@dataclass(frozen=True)
class RunOptions:
    """What to simulate and how: the options of ``run``, ``lenses`` and later commands.

    The field order is the order of the options in ``--help``.
    """

    package: Packages = None
    worlds: Worlds = defaults.WORLDS
    seed: Seed = None
    months: Months = None
    lens: LensName = None
    chunk_size: ChunkSize = DEFAULT_CHUNK
    workers: Workers = 1
    no_anchor: NoAnchor = False

    @property
    def packages(self) -> list[str] | None:
        """The packages asked for; ``None`` for all."""
        return list(self.package) if self.package else None

    def fixed_seed(self) -> int:
        """``--seed``, else the fixed default (:data:`guaranty.defaults.SEED`)."""
        return defaults.SEED if self.seed is None else self.seed


R = TypeVar("R")


def with_run_options(
    *, omit: tuple[str, ...] = ()
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give a command every :class:`RunOptions` option, except those in ``omit``.

    The command declares one parameter annotated ``RunOptions``; Typer sees that parameter's
    fields (as options, in field order, where the parameter stood) and the command receives the
    dataclass. Omitted fields keep their defaults.
    """
    hints = get_type_hints(RunOptions, include_extras=True)
    unknown = set(omit) - set(hints)
    if unknown:
        raise ValueError(f"RunOptions has no field {sorted(unknown)}")
    expanded = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                          annotation=hints[f.name])
        for f in fields(RunOptions) if f.name not in omit
    ]
    names = [p.name for p in expanded]

    def decorate(command: Callable[..., R]) -> Callable[..., R]:
        signature = inspect.signature(command, eval_str=True)
        slots = [p for p in signature.parameters.values() if p.annotation is RunOptions]
        if len(slots) != 1:
            raise TypeError(f"{command.__name__} must take exactly one RunOptions parameter")
        [slot] = slots
        clash = set(names) & (set(signature.parameters) - {slot.name})
        if clash:
            raise TypeError(f"{command.__name__}: parameters {sorted(clash)} clash with "
                            "RunOptions fields")
        parameters: list[inspect.Parameter] = []
        for p in signature.parameters.values():
            if p is slot:
                parameters.extend(expanded)
            else:
                parameters.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> R:
            options = RunOptions(**{name: kwargs.pop(name) for name in names})
            return command(**kwargs, **{slot.name: options})

        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters)
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper

    return decorate

