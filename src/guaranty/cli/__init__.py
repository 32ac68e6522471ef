"""The ``guaranty`` command line: a thin client of the public API (no model logic here).

Exit codes: 0 success, 2 bad input (one line per problem, ``FILE:LINE:COL: ...``), 1 anything
else, 130 interrupted. No traceback is shown unless ``--debug`` is given.

Modules: :mod:`~guaranty.cli.root` (the app, global options, :func:`main`),
:mod:`~guaranty.cli.options` (options shared by commands, :class:`RunOptions`),
:mod:`~guaranty.cli._format` (tables and numbers), and one module per command group:
:mod:`~guaranty.cli.run` (run, lenses), :mod:`~guaranty.cli.params` (validate, params),
:mod:`~guaranty.cli.negotiate`, :mod:`~guaranty.cli.durability` (the outside view) and
:mod:`~guaranty.cli.calibrate` (the model against the record of past wars).
"""

from guaranty.cli.root import app, main

__all__ = ["app", "main"]
