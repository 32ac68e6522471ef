"""Where the shipped data sets and built-in scenarios live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

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
