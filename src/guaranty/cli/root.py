"""The root command: the Typer app, ``--debug`` and ``--version``, and :func:`main`, which turns
errors into messages and exit codes.

Commands are registered by name, module and one-line help in :data:`COMMANDS` and imported only
when run (or asked for ``--help``): ``guaranty --help`` lists them without importing NumPy,
pandas, SciPy or the engine. A new command is one line there; its module is a plain Typer
command function (or a Typer app for a group of commands).
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

try:  # Typer 0.2x vendors click; its classes are those of typer._click
    from typer import _click as click
except ImportError:  # pragma: no cover - an older Typer runs on click itself
    import click  # type: ignore[no-redef]

from guaranty._processes import terminate_on_sigterm
from guaranty._version import __version__
from guaranty.errors import GuarantyError, InputError, ScenarioError, one_line


@dataclass(frozen=True)
class Entry:
    """A command of the root app: its ``name``, where it lives (``module:attribute``, a command
    function or a Typer app) and the first paragraph of its help, shown by ``guaranty --help``
    (tests/test_lazy_cli.py checks it against the command's own)."""

    name: str
    target: str
    help: str
    hidden: bool = False


COMMANDS: tuple[Entry, ...] = (
    Entry("validate", "guaranty.cli.params:validate",
          "Check a scenario file and report every problem with its place."),
    Entry("run", "guaranty.cli.run:run",
          "Simulate packages of a scenario and compare them (model and outside view)."),
    Entry("lenses", "guaranty.cli.run:lenses",
          "Every package under the default assumptions and every expert lens, side by side."),
    Entry("compare", "guaranty.cli.compare:compare",
          "P(A beats B) for every pair of packages, regret and satisficing, and which wins are "
          "robust (common random numbers: every package meets the same worlds)."),
    Entry("sweep", "guaranty.cli.sweep:sweep",
          "Simulate packages under lenses chunk by chunk on an executor, each finished chunk "
          "committed to a store; the same command resumes a killed sweep."),
    Entry("negotiate", "guaranty.cli.negotiate:negotiate",
          "Who accepts which package, the zone of agreement, and the concessions that open "
          "one."),
    Entry("params", "guaranty.cli.params:params",
          "List every parameter with its distribution, unit, scope and source (or "
          "assumption)."),
    Entry("discover", "guaranty.cli.discover:discover",
          "Scenario discovery: boxes of assumptions where the package fails, with coverage and "
          "density (PRIM and CART, EMA Workbench)."),
    Entry("sensitivity", "guaranty.cli.sensitivity:sensitivity_command",
          "Global sensitivity (SALib): Sobol, Morris or RBD-FAST indices with intervals."),
    Entry("optimise", "guaranty.cli.optimise:optimise_command",
          "NSGA-II (pymoo) over the scenario's levers: the Pareto front, and who accepts each "
          "point."),
    Entry("optimize", "guaranty.cli.optimise:optimise_command",
          "NSGA-II (pymoo) over the scenario's levers: the Pareto front, and who accepts each "
          "point.", hidden=True),
    Entry("new-package", "guaranty.cli.authoring:new_package",
          "Write a commented scenario file that extends a built-in scenario with one new "
          "package, based on an existing one."),
    Entry("schema", "guaranty.cli.authoring:schema",
          "Print the JSON Schema of scenario files (for editors' completion and checks)."),
    Entry("durability", "guaranty.cli.durability:app",
          "Outside view: how long cease-fires held in history, and what helped."),
    Entry("calibrate", "guaranty.cli.calibrate:app",
          "Hold the model to the record: replays of past wars against what happened, and the "
          "base hazard's anchor to history."),
    Entry("runs", "guaranty.cli.sweep:runs", "Read a sweep store: list, show and export runs."),
    Entry("report", "guaranty.cli.report:report",
          "Simulate packages and write one self-contained HTML report (no network needed to "
          "open)."),
    Entry("serve", "guaranty.cli.serve:serve",
          "Serve the dashboard (http://HOST:PORT/) and the JSON API (/docs, /openapi.json)."),
    Entry("diff", "guaranty.cli.diff:diff",
          "What changed from run A to run B: per package, B − A with a 90 % interval, paired "
          "world by world when both runs met the same worlds (same seed and worlds)."),
)
"""Every command, in the order ``--help`` lists them."""


def load_command(entry: Entry) -> click.Command:
    """Import ``entry``'s module and build its click command (a group for a Typer app)."""
    module, _, attribute = entry.target.partition(":")
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(entry.name, hidden=entry.hidden)(target)
        command = typer.main.get_command(single)
    command.name = entry.name
    command.hidden = entry.hidden
    return command


class _Placeholder(TyperCommand):
    """A command's name and help for listings; :class:`_LazyGroup` swaps in the real one."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(entry.name, help=entry.help, short_help=entry.help,
                         hidden=entry.hidden)
        self.entry = entry


class _LazyGroup(TyperGroup):
    """The root group: lists :data:`COMMANDS` from their entries, imports one when it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for entry in COMMANDS:
            self.commands.setdefault(entry.name, _Placeholder(entry))

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Placeholder):
            entry = command.entry
            command = self.commands[entry.name] = load_command(entry)
        return name, command, rest


app = typer.Typer(
    name="guaranty",
    help="Design and stress-test international security guarantees under uncertainty.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guaranty {__version__}")
        raise typer.Exit()


# The global options. main() reads --debug from the arguments itself: it must know it when
# parsing fails too. Nothing is kept in module state.
@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    pass


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning errors into messages and exit codes.

    Exit codes: 0 success; 2 bad input (one line per problem, ``FILE:LINE:COL: ...``, or a usage
    error); 1 anything else; 130 interrupted. No traceback is shown unless ``--debug`` is given.
    """
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    terminate_on_sigterm()
    try:
        code = app(args=args, standalone_mode=False)
    except ScenarioError as exc:
        _report(exc, debug, [str(p) for p in exc.problems])
        sys.exit(2)
    except InputError as exc:
        _report(exc, debug, [f"error: {exc}"])
        sys.exit(2)
    except GuarantyError as exc:
        _report(exc, debug, [f"error: {exc}"])
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ImportError as exc:  # an optional package of an extra that is not installed
        extra = next((e for e, names in EXTRAS.items() if _top(exc) in names), None)
        if extra is None:
            _report(exc, debug, [f"internal error: {type(exc).__name__}: {exc}",
                                 "(run again with --debug for the traceback)"])
        else:
            _report(exc, debug, [f"error: this command needs {_top(exc)}, which is not "
                                 f"installed: pip install 'guaranty[{extra}]' (make test "
                                 "installs every extra)"])
        sys.exit(1)
    except (KeyboardInterrupt, typer.Abort):
        print("aborted", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        # Leave at once: the interrupted pool's workers are already killed, and the exit
        # handlers would wait on its manager thread (seen to hang past 10 s under load).
        os._exit(130)
    except Exception as exc:
        exit_code = getattr(exc, "exit_code", None)
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(exit_code, int):
            show()  # a usage error of the command line parser: exit code 2
            sys.exit(exit_code)
        _report(exc, debug, [f"internal error: {type(exc).__name__}: {exc}",
                             "(run again with --debug for the traceback)"])
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


EXTRAS = {
    "analysis": {"ema_workbench", "sklearn", "pymoo", "negmas"},
    "dist": {"distributed", "dask", "duckdb", "pyarrow"},
}
"""The optional packages each extra of pyproject.toml installs, by import name."""


def _top(exc: ImportError) -> str:
    return (exc.name or str(exc).split()[0]).split(".")[0]


def _report(exc: BaseException, debug: bool, lines: list[str]) -> None:
    if debug:
        traceback.print_exception(exc)
    for line in lines:
        for part in line.split("\n"):  # each line shown literally: no control, no bidi
            print(one_line(part), file=sys.stderr)
