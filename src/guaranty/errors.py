"""The exceptions guaranty raises (bad input is always a GuarantyError subclass), and the one
"unknown name; did you mean ...?" message (:func:`unknown`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DataError",
    "GuarantyError",
    "InputError",
    "LimitError",
    "NonFiniteError",
    "NonFiniteInputError",
    "Problem",
    "RegistryError",
    "ScenarioError",
    "StoreError",
    "closest",
    "expect",
    "kind_of",
    "one_line",
    "unknown",
]

LISTED = 30
"""At most this many known names are listed after an unknown one; beyond, only their count."""


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
        where = f"{one_line(self.path)}: " if self.path else ""
        return f"{one_line(self.file)}:{self.line}:{self.column}: {where}{one_line(self.message)}"


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks, control characters, bidirectional overrides and lone
    surrogates shown as ``\\uXXXX`` escapes: a problem stays one line that reads as written.

    >>> one_line("cease\\nfire \\u202e")
    'cease\\\\u000afire \\\\u202e'
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class ScenarioError(InputError):
    """A scenario file that cannot be loaded; carries every problem found, each with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]


class LimitError(InputError):
    """A request beyond one of the declared caps (:mod:`guaranty.limits`): too many worlds,
    packages, months, bytes, or more memory than the run may use."""


class NonFiniteError(GuarantyError):
    """A model output that is NaN or infinite where it must be a number.

    Raised per chunk by the engine (:mod:`guaranty.engine.finite`) instead of letting the
    value reach a summary as ``null``. Names the package, the metric, the first offending
    world (its index and the seed reproduce it) and the parameters that world drew which
    explain it. This base class means no input was out of range: a model bug (exit code 1).
    """

    def __init__(self, package: str, metric: str, world: int, seed: int,
                 parameters: tuple[tuple[str, float], ...], count: int = 1) -> None:
        self.package, self.metric, self.world, self.seed = package, metric, world, seed
        self.parameters, self.count = tuple(parameters), count
        super().__init__(self._message())

    def __reduce__(self) -> tuple[type[NonFiniteError], tuple[object, ...]]:
        # picklable across a process pool: rebuilt from its fields, not from its message
        return (type(self), (self.package, self.metric, self.world, self.seed,
                             self.parameters, self.count))

    def _what(self) -> str:
        shown = ", ".join(f"{name}={value:.6g}" for name, value in self.parameters)
        return (f"package {self.package!r}: metric {self.metric} must be a finite number, got "
                f"a non-finite value in {self.count} world(s); the first is world "
                f"{self.world} (seed {self.seed})" + (f", which drew {shown}" if shown else ""))

    def _message(self) -> str:
        return (self._what() + "; no input is out of its declared range, so this is a model "
                "bug: please report it with this message")


class NonFiniteInputError(NonFiniteError, InputError):
    """A non-finite output caused by an input: the offending world drew a value beyond the
    range its unit allows (:data:`guaranty.units.UNIT_CEILINGS`). Exit code 2."""

    def _message(self) -> str:
        return (self._what() + " (beyond the range its unit allows: narrow the distribution "
                "or lower the value)")


class StoreError(GuarantyError):
    """A results store that cannot be written (a full disk, a failing device): the store is
    left consistent, and the same command resumes once the cause is fixed (exit code 1)."""


class DataError(GuarantyError):
    """A shipped data file that is missing or was altered."""


class RegistryError(GuarantyError, ValueError):
    """A parameter name that is unknown, or an override that breaks a parameter's rules."""


def kind_of(value: object) -> str:
    """How a wrong argument is named in a message: its type, and its value when short."""
    text = repr(value)
    return type(value).__name__ + (f" {text}" if len(text) <= 40 else "")


def expect(value: object, types: type | tuple[type, ...], what: str, wanted: str) -> None:
    """Raise :class:`InputError` ``"{what} must be {wanted}, got {type}"`` unless ``value``
    is an instance of ``types`` (a bool is never taken for a number)."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,))):
        raise InputError(f"{what} must be {wanted}, got {kind_of(value)}")


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like ``name`` (difflib, ratio >= 0.6), or None; never ``name``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return close[0] if close and close[0] != name else None


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """The message for an unknown name: what it is, the closest known name, the known names.

    >>> unknown("lens", "sceptik", ["sceptic", "luzin"])
    "unknown lens 'sceptik'; did you mean 'sceptic'? (known: luzin, sceptic)"
    >>> unknown("package", "x", [])
    "unknown package 'x' (known: none defined)"

    More than :data:`LISTED` known names are counted, not listed.
    """
    options = sorted(set(known))
    close = closest(name, options)
    hint = f"; did you mean {close!r}?" if close else ""
    if len(options) > LISTED:
        listed = f"{len(options)} names"
    else:
        listed = ", ".join(options) or "none defined"
    return f"unknown {kind} {name!r}{hint} (known: {listed})"
