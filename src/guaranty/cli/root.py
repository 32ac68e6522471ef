"""The root command: the Typer app, ``--debug`` and ``--version``, and :func:`main`, which turns
errors into messages and exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer

from guaranty import __version__
from guaranty._processes import terminate_on_sigterm
from guaranty.cli.calibrate import app as calibrate_app
from guaranty.cli.compare import compare
from guaranty.cli.discover import discover
from guaranty.cli.durability import app as durability_app
from guaranty.cli.negotiate import negotiate
from guaranty.cli.optimise import optimise_command
from guaranty.cli.params import params, validate
from guaranty.cli.run import lenses, run
from guaranty.cli.sensitivity import sensitivity_command
from guaranty.cli.serve import serve
from guaranty.cli.sweep import runs, sweep
from guaranty.errors import GuarantyError, InputError, ScenarioError, one_line

app = typer.Typer(
    name="guaranty",
    help="Design and stress-test international security guarantees under uncertainty.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (validate, run, lenses, compare, sweep, negotiate, params, discover):
    app.command()(command)
app.command("sensitivity")(sensitivity_command)
app.command("serve")(serve)
app.command("optimise")(optimise_command)
app.command("optimize", hidden=True)(optimise_command)
app.add_typer(durability_app, name="durability")
app.add_typer(calibrate_app, name="calibrate")
app.add_typer(runs, name="runs")


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


def _report(exc: BaseException, debug: bool, lines: list[str]) -> None:
    if debug:
        traceback.print_exception(exc)
    for line in lines:
        for part in line.split("\n"):  # each line shown literally: no control, no bidi
            print(one_line(part), file=sys.stderr)
