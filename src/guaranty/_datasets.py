"""Where the shipped data sets and built-in scenarios live, installed or in a checkout."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("cdb90", "battles.csv")``."""
    relative = Path(*parts)
    return _first_existing(_PACKAGE / "_shipped_data" / relative, _CHECKOUT / "data" / relative)


def scenario_path(name: str) -> Path:
    """Path of a built-in scenario, by file name (``ukraine-2025.yaml``) or stem."""
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    return _first_existing(_PACKAGE / "_shipped_scenarios" / file, _CHECKOUT / "scenarios" / file)


def read_checked_csv(file: Path, *, sha256: str, columns: Sequence[str], what: str,
                     restore: str) -> pd.DataFrame:
    """Read a shipped CSV as text columns after checking its SHA-256 and its columns.

    Raises
    ------
    DataError
        Naming the file, what must hold and how to restore it, when the file cannot be read,
        was altered, or lacks a column.
    """
    from guaranty.errors import DataError

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise DataError(f"{file}: cannot read the {what} ({exc.strerror or exc}); restore "
                        f"{restore}") from exc
    digest = hashlib.sha256(content).hexdigest()
    if digest != sha256:
        raise DataError(f"{file}: SHA-256 must be {sha256}, got {digest}; the file was altered. "
                        f"Restore {restore}")
    raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataError(f"{file}: columns {missing} must be present, got {list(raw.columns)}")
    return raw


def frame_with_columns(frame: pd.DataFrame | None, needed: Sequence[str], *, load: Any,
                       what: str) -> pd.DataFrame:
    """``frame``, or the shipped data set from ``load()`` when it is None; its columns checked.

    Raises
    ------
    InputError
        When a column the caller needs is missing.
    """
    from guaranty.errors import InputError

    out: pd.DataFrame = load() if frame is None else frame
    missing = [c for c in needed if c not in out.columns]
    if missing:
        raise InputError(f"{what} must have columns {list(needed)}, missing {missing}; "
                         f"pass the frame from {load.__name__}() or None")
    return out
