"""The exceptions guaranty raises; bad input is always a GuarantyError subclass."""

from __future__ import annotations

from dataclasses import dataclass


class GuarantyError(Exception):
    """Base class of every error guaranty raises on purpose."""


class InputError(GuarantyError, ValueError):
    """Bad input from the user (a value, an option, a file): the CLI exits with code 2."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, with its place."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class ScenarioError(InputError):
    """A scenario file that cannot be loaded; carries every problem found, each with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]


class DataError(GuarantyError):
    """A shipped data file that is missing or was altered."""
