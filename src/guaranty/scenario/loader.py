"""Load a scenario file into a :class:`Scenario`, reporting every problem with its place.

Each problem reads ``FILE:LINE:COL: field.path: what must hold, got value``. The checks run
in layers: bytes (size, binary junk, encoding), YAML (syntax, tags, duplicate keys), the
schema (types, ranges, unknown keys with a "did you mean"), then references (packages, lenses,
categories, suppliers, parameter names). A later layer runs only when the earlier ones pass,
so one mistake does not cascade into many. The last layer checks the ``parameters:`` sections
(scenario, lenses, packages): names, units and the range each unit allows.

A file with ``extends:`` is merged onto its base first (:mod:`guaranty.scenario.extends`);
each problem is then reported in the file that wrote the part at fault.
"""

from __future__ import annotations

import os
import re
import stat
import types
import typing
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from guaranty.distributions import DISTRIBUTION_KINDS
from guaranty.errors import InputError, Problem, ScenarioError, closest, kind_of
from guaranty.limits import MAX_BYTES, MAX_LENSES, MAX_PACKAGES
from guaranty.scenario import schema
from guaranty.scenario._yamlpos import Path, Positions, YamlReadError, read_yaml
from guaranty.scenario.compile import check_references
from guaranty.scenario.extends import Layer, LayeredPositions, follow
from guaranty.scenario.schema import Scenario


def load_scenario(source: str | FsPath) -> Scenario:
    """Load and validate a scenario file (a path, or a built-in name such as ``ukraine-2025``).

    Raises
    ------
    ScenarioError
        With every problem found, each with file, line, column and field path.
    """
    from guaranty._datasets import scenario_path

    if not isinstance(source, str | os.PathLike):
        raise InputError("source must be a scenario file path or a built-in scenario name, got "
                         f"{kind_of(source)}")
    name = str(source)
    try:
        path = FsPath(source)
        if not _exists(path) and not name.endswith((".yaml", ".yml")) and "/" not in name:
            path = scenario_path(name)
    except OSError as exc:  # a name too long to look up as a built-in
        raise _file_problem(name, f"must be a readable file, got {exc.strerror or exc}"
                            ) from None
    except ValueError:  # a NUL character in the path
        raise _file_problem(name, "must be a file path, got a name with a NUL character"
                            ) from None
    return parse_scenario(_read(path, name), name=name, directory=path.parent)


def _read(path: FsPath, name: str) -> bytes:
    """The bytes of a scenario file, after checking it is a small regular file."""
    try:
        is_dir = path.is_dir()
        mode = path.stat().st_mode
        # A FIFO would block, a device never end, a socket not open: refuse before reading.
        special = not is_dir and not stat.S_ISREG(mode)
        size = 0 if is_dir else path.stat().st_size
        raw = b""
        if not is_dir and not special and size <= MAX_BYTES:
            with path.open("rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _file_problem(name, "must be an existing scenario file, got no such file") from None
    except PermissionError:
        raise _file_problem(name, "must be a readable file, got permission denied") from None
    except IsADirectoryError:
        raise _file_problem(name, "must be a YAML file, got a directory") from None
    except OSError as exc:
        raise _file_problem(name, f"must be a readable file, got {exc.strerror or exc}"
                            ) from None
    except ValueError:  # a NUL character in the path
        raise _file_problem(name, "must be a file path, got a name with a NUL character"
                            ) from None
    if is_dir:
        raise _file_problem(name, "must be a YAML file, got a directory")
    if special:
        raise _file_problem(name, f"must be a regular file, got {_special_file(mode)}")
    if size > MAX_BYTES:
        raise _file_problem(name, _too_large(size))
    return raw


def _special_file(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((what for test, what in kinds if test(mode)), "a special file")


def _exists(path: FsPath) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _file_problem(name: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(name, 1, 1, "", message)])


def _too_large(size: int) -> str:
    return (f"must be at most {MAX_BYTES} bytes (a scenario is a small text file), "
            f"got {size} bytes")


def parse_scenario(raw: bytes | str, *, name: str = "<scenario>",
                   directory: str | os.PathLike[str] | None = None) -> Scenario:
    """Validate scenario text or bytes; ``name`` is used in messages.

    ``directory`` is the folder an ``extends:`` path is relative to (the file's own, when
    :func:`load_scenario` calls); without it, text may extend built-in scenarios only.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if not isinstance(raw, bytes | bytearray):
        raise InputError(f"raw must be scenario text (str or bytes), got {kind_of(raw)}")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        raise _file_problem(name, _too_large(len(raw)))
    data, positions = _mapping(raw, name)
    if "extends" in data:
        folder = None if directory is None else FsPath(directory)
        data, positions = follow(Layer(data, positions, name), folder, read=_layer,
                                 describe=_kind)
    # Counted before the schema runs: validating 10,000 packages would take its time first.
    for section, cap in (("packages", MAX_PACKAGES), ("lenses", MAX_LENSES)):
        given = data.get(section)
        if isinstance(given, dict) and len(given) > cap:
            raise ScenarioError([_at(name, positions, (section,), f"must hold at most {cap} "
                                     f"{section} (guaranty.limits), got {len(given)}",
                                     key=True)])
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        raise ScenarioError(_schema_problems(exc, positions, name)) from None
    found = check_references(scenario)
    problems = [
        _at(name, positions, path, _suggest(message), key=_names_key(path, message))
        for path, message in found
    ]
    if problems:
        raise ScenarioError(_sorted(problems))
    return scenario


def _mapping(raw: bytes, name: str) -> tuple[dict[str, Any], Positions]:
    """The YAML mapping of a scenario file, with the place of every key and value."""
    text = _decode(raw, name)
    if not text.strip():
        raise _file_problem(name, "must hold a scenario mapping, got an empty file")
    try:
        data, positions = read_yaml(text)
    except YamlReadError as exc:
        raise ScenarioError(_sorted(
            [Problem(name, p.line, p.column, _dotted(p.path), p.message) for p in exc.problems]
        )) from None
    if not isinstance(data, dict):
        raise _file_problem(name, "must be a mapping of scenario sections (name, defender, "
                            f"aggressor, ...), got {_kind(data)}")
    return data, positions


_NAMED = re.compile(r"must name an? [^()]*\(([^()]*)\)(?: or '([^']*)')?, got '([^']*)'$")


def _suggest(message: str) -> str:
    """``message`` with a "did you mean" for a misspelt reference (``must name a guarantor
    (uk, us), got 'ukk'``), when it has none and a listed name is close."""
    match = _NAMED.search(message)
    if match is None or "did you mean" in message:
        return message
    known = [n.strip() for n in match.group(1).split(",")] + [match.group(2) or ""]
    close = closest(match.group(3), [k for k in known if k])
    return f"{message}; did you mean {close!r}?" if close else message


def _layer(path: FsPath, shown: str) -> Layer:
    """A base file of an ``extends:`` chain, read and parsed (problems name it ``shown``)."""
    data, positions = _mapping(_read(path, shown), shown)
    return Layer(data, positions, shown)


def _names_key(path: Path, message: str) -> bool:
    """Whether a reference problem is about a mapping key (placed at the key, not its value)."""
    return bool(path) and isinstance(path[-1], str) and f"got {path[-1]!r}" in message


def _decode(raw: bytes, name: str) -> str:
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        raise ScenarioError([Problem(name, line, col, "", "must be UTF-8 YAML text, got "
                                     "binary data (a NUL byte)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise ScenarioError([Problem(name, line, col, "", "must be UTF-8 text, got byte "
                                     f"0x{raw[exc.start]:02x} (not UTF-8)")]) from None
    for i, ch in enumerate(text):
        if (ord(ch) < 32 and ch not in "\t\n\r") or ch in "\x7f\ufffe\uffff":
            line = text.count("\n", 0, i) + 1
            col = i - (text.rfind("\n", 0, i) + 1) + 1
            raise ScenarioError([Problem(name, line, col, "", "must be YAML text, got control "
                                         f"character {ch!r}")])
    return text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({_short(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _data_path(loc: tuple[Any, ...], positions: Positions) -> Path:
    """Keep the parts of a pydantic location that exist in the file (drop union tags etc.)."""
    path: Path = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in positions.values or candidate in positions.keys:
            path = candidate
    return path


def _at(name: str, positions: Positions, path: Path, message: str, *, key: bool = False,
        shown: Path | None = None) -> Problem:
    """A problem at ``path`` (shown as ``shown``), in the file that wrote it."""
    line, col = positions.locate(path, key=key)
    if isinstance(positions, LayeredPositions):
        name = positions.file_of(path)
    return Problem(name, line, col, _dotted(path if shown is None else shown), message)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path))


def _schema_problems(exc: ValidationError, positions: Positions, name: str) -> list[Problem]:
    errors = exc.errors()
    # A misspelt key with a suggestion explains the "missing" error of the key it should be.
    suggested: set[Path] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            close = _close_key(str(loc[-1]), loc)
            if close is not None:
                suggested.add((*_data_path(loc[:-1], positions), close))
    problems: dict[tuple[int, int, str], Problem] = {}
    for err in errors:
        loc = tuple(err["loc"])
        path = _data_path(loc, positions)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = path[-1] if path else loc[-1]
            problem = _at(name, positions, path, _unknown_key(str(key), loc), key=True)
        elif kind == "missing":
            parent = _data_path(loc[:-1], positions)
            field = str(loc[-1])
            if (*parent, field) in suggested:
                continue
            problem = _at(name, positions, parent, _missing(loc), shown=(*parent, field))
        elif kind == "union_tag_invalid":
            given = err["input"].get("dist") if isinstance(err["input"], dict) else None
            where = (*path, "dist") if (*path, "dist") in positions.values else path
            close = closest(given, DISTRIBUTION_KINDS) if isinstance(given, str) else None
            hint = f"; did you mean {close!r}?" if close else ""
            problem = _at(name, positions, where, "must be one of "
                          f"{', '.join(DISTRIBUTION_KINDS)}, got {_show_value(given)}{hint}")
        elif kind in ("value_error", "assertion_error"):
            where, message = _field_message(path, _explain(err), positions)
            problem = _at(name, positions, where, message)
        else:
            problem = _at(name, positions, path, _explain(err), key=loc[-1] == "[key]")
        problems.setdefault((problem.line, problem.column, problem.path), problem)
    return _sorted(list(problems.values()))


def _field_message(path: Path, message: str, positions: Positions) -> tuple[Path, str]:
    """Move ``low must be <= high, ...`` from a quantity to its field ``low``, when written."""
    head, sep, rest = message.partition(" must ")
    if sep and head.isidentifier() and (*path, head) in positions.values:
        return (*path, head), "must " + rest
    return path, message


def _missing(loc: tuple[Any, ...]) -> str:
    kind = _dist_kind(loc)
    if kind == "fixed":
        return "must be given (a value, or a dist with its parameters), got nothing"
    if kind is not None:
        return f"must be given for a {kind} distribution, got nothing"
    return "must be given (a required field), got nothing"


def _dist_kind(loc: tuple[Any, ...]) -> str | None:
    for i, part in enumerate(loc[:-1]):
        if part == "distribution" and loc[i + 1] in DISTRIBUTION_KINDS:
            return str(loc[i + 1])
    return None


def _explain(err: Any) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _show_value(got)
    rules = {
        "greater_than_equal": lambda: f"must be >= {_num(ctx.get('ge'))}",
        "greater_than": lambda: f"must be > {_num(ctx.get('gt'))}",
        "less_than_equal": lambda: f"must be <= {_num(ctx.get('le'))}",
        "less_than": lambda: f"must be < {_num(ctx.get('lt'))}",
        "float_parsing": lambda: "must be a number",
        "float_type": lambda: "must be a number",
        "finite_number": lambda: "must be a finite number",
        "int_parsing": lambda: "must be a whole number",
        "int_type": lambda: "must be a whole number",
        "int_from_float": lambda: "must be a whole number",
        "bool_parsing": lambda: "must be true or false",
        "bool_type": lambda: "must be true or false",
        "string_type": lambda: "must be text",
        "dict_type": lambda: "must be a mapping",
        "model_type": lambda: "must be a mapping",
        "model_attributes_type": lambda: "must be a number or a mapping",
        "list_type": lambda: "must be a list",
        "too_short": lambda: "must not be empty",
        "too_long": lambda: f"must have at most {ctx.get('max_length')} items",
        "string_too_short": lambda: "must not be empty",
        "string_too_long": lambda: f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": lambda: "must be lowercase letters, digits, '-' or '_' "
        "(starting with a letter or digit)",
        "literal_error": lambda: f"must be one of {ctx.get('expected')}",
        "union_tag_not_found": lambda: f"must have a dist ({', '.join(DISTRIBUTION_KINDS)})",
    }
    if kind in ("value_error", "assertion_error"):
        msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return msg if ", got " in msg else f"{msg}, got {shown}"
    if kind == "model_type" and ctx.get("class_name") == "Quantity":
        return ("must be a number or a mapping with a value (or a dist) and its unit and "
                f"source, got {shown}")
    if kind == "literal_error" and isinstance(got, str):
        close = closest(got, re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        if close is not None:
            return f"{rules[kind]()}, got {shown}; did you mean {close!r}?"
    if kind in ("too_short", "too_long") and isinstance(got, dict):
        return f"{rules[kind]()}, got an empty mapping" if not got else f"{rules[kind]()}"
    if kind in rules:
        return f"{rules[kind]()}, got {shown}"
    return f"{err['msg']}, got {shown}"


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show_value(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _short(value)
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= 30 else f"{text[:12]}... ({len(text)} digits)"
    return _short(value)


def _unknown_key(key: str, loc: tuple[Any, ...]) -> str:
    allowed = _allowed_keys(loc)
    close = _close_key(key, loc)
    where = ""
    kind = _dist_kind(loc)
    if kind is not None:
        where = f" for a {kind} value" if kind == "fixed" else f" for a {kind} distribution"
    if close is not None:
        return f"unknown key {key!r}{where}; did you mean {close!r}?"
    if allowed:
        return f"unknown key {key!r}{where}; must be one of {', '.join(allowed)}"
    return f"unknown key {key!r}"


def _close_key(key: str, loc: tuple[Any, ...]) -> str | None:
    return closest(key, _allowed_keys(loc) or sorted(_vocabulary()))


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the mapping holding ``loc[-1]`` may have, from the schema ([] if unknown)."""
    tp: Any = Scenario
    in_quantity = False
    parts = list(loc[:-1])
    i = 0
    while i < len(parts):
        tp = _unwrap(tp)
        part = parts[i]
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp is schema.Quantity and part == "distribution" and i + 1 < len(parts):
                tp, in_quantity = _DISTRIBUTIONS.get(str(parts[i + 1])), True
                i += 2
                continue
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if part not in fields:
                return []
            tp = fields[part].annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        else:
            return []
        i += 1
    tp = _unwrap(tp)
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return []
    keys = [f.alias or n for n, f in tp.model_fields.items()]
    if in_quantity:
        keys += ["unit", "source", "assumption"]
    return keys


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``None`` from a type; keep the first model of a union."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin is typing.Union or origin is types.UnionType:
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = members[0] if len(members) == 1 else next(
                (m for m in members if isinstance(m, type) and issubclass(m, BaseModel)), tp)
            if typing.get_origin(tp) in (typing.Union, types.UnionType):
                return tp
            continue
        return tp


_DISTRIBUTIONS: dict[str, Any] = {
    str(cls.model_fields["dist"].default): cls
    for cls in typing.get_args(schema.Quantity.model_fields["distribution"].annotation)
}


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words: set[str] = {"dist", "value", "low", "high", "mode", "mean", "sd", "median", "sigma",
                       "a", "b", "values", "weights", "unit", "source", "assumption"}
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            words.update(obj.model_fields)
    words.discard("distribution")
    return frozenset(words)
