"""Progress on standard error for the commands that can take more than a couple of seconds.

One helper, :func:`progress`, for every command: a bar when the amount of work is known (worlds
simulated, packages analysed), else a spinner with the time elapsed. It is transient (it leaves
nothing behind) and shown only on a terminal, so pipes, logs and ``--json`` see nothing of it::

    with progress("simulating", total=worlds * packages) as tick:
        results = simulate(..., progress=tick)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from guaranty.cli._format import err_console

Tick = Callable[[int], None]


def _ignore(done: int) -> None:
    pass


@contextmanager
def progress(description: str, total: int | None = None, *, unit: str = "worlds",
             show: bool = True, console: Console | None = None) -> Iterator[Tick]:
    """Show ``description`` with a bar over ``total`` units of work (a spinner when ``total``
    is ``None``) while the block runs; yields the function to call with the units done so far.

    Nothing is shown when ``show`` is false or standard error is not a terminal.
    """
    console = console or err_console()
    if not show or not console.is_terminal:
        yield _ignore
        return
    columns: list[ProgressColumn | str] = [SpinnerColumn(),
                                           TextColumn("[progress.description]{task.description}")]
    if total is not None:
        columns += [BarColumn(), TextColumn(f"{{task.completed:,}}/{{task.total:,}} {unit}"),
                    TimeRemainingColumn()]
    else:
        columns += [TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def tick(done: int) -> None:
            bar.update(task, completed=done)

        yield tick
