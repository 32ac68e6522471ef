"""The record of Russia's war against Ukraine, as bands the war model must reproduce.

``data/war_record/record.yaml`` lists *record bands*. Each names a replay (a scenario file
``scenarios/replays/<replay>.yaml``), a metric that :func:`guaranty.engine.war.replay` returns
for it (one of :data:`WAR_METRICS`), and the range ``[low, high]`` the record allows, with its
unit and its source, or an assumption with the reasoning where the band is a judgement (a band
may give both). :func:`load_record` reads and checks the file; the sources are described in
``data/war_record/SOURCE.md``. :func:`guaranty.analysis.check_war` runs the replays and holds
the model to the bands (``docs/calibration.md``).

Example::

    >>> bands = load_record()
    >>> sorted({b.replay for b in bands})
    ['ukraine-2022', 'ukraine-2023-25']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from guaranty._datasets import data_path
from guaranty.errors import InputError, unknown

__all__ = ["WAR_METRICS", "RecordBand", "load_record", "record_path"]

WAR_METRICS: tuple[str, ...] = (
    "p_breakthrough_1m",
    "p_breakthrough_12m",
    "p_breakthrough_war",
    "ground_km2_per_month",
    "ground_km2_first_month",
    "aggressor_casualties_per_month",
    "defender_casualties_per_month",
    "aggressor_casualties_first_month",
    "defender_casualties_first_month",
    "casualties_per_km2",
    "exchange_ratio",
    "force_ratio",
    "war_months",
    "ground_lost_km2",
)
"""The per-world metrics of a war replay (:func:`guaranty.engine.war.replay`)."""

_FIELDS = ("name", "replay", "metric", "low", "high", "unit", "source", "assumption", "notes")
_REQUIRED = ("name", "replay", "metric", "low", "high", "unit")


@dataclass(frozen=True)
class RecordBand:
    """One band of the record: what the replay ``replay`` must give for ``metric``.

    Attributes
    ----------
    name : str
        A unique slug, e.g. ``"ground-per-month-2024-25"``.
    replay : str
        The replay scenario, by stem: ``scenarios/replays/<replay>.yaml``.
    metric : str
        One of :data:`WAR_METRICS`.
    low, high : float
        The range the record allows, ``low <= high``, in ``unit``.
    unit : str
        The unit of ``low`` and ``high``.
    source, assumption : str or None
        Where the band comes from; at least one is given.
    notes : str
        What the band means and where it is weak.
    """

    name: str
    replay: str
    metric: str
    low: float
    high: float
    unit: str
    source: str | None = None
    assumption: str | None = None
    notes: str = ""

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies in ``[low, high]`` (never for NaN)."""
        return bool(self.low <= value <= self.high)

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _FIELDS}


def record_path() -> Path:
    """The shipped record file, ``data/war_record/record.yaml``."""
    return data_path("war_record", "record.yaml")


def load_record(path: str | Path | None = None) -> list[RecordBand]:
    """Read and check a record file (default: the shipped one, :func:`record_path`).

    Raises
    ------
    InputError
        Naming the file and the band, when the file cannot be read or parsed, is not a mapping
        with a ``bands`` list, or a band lacks a field, has an unknown field or metric, a
        ``low`` above its ``high``, a duplicate name, or neither a source nor an assumption.
    """
    file = record_path() if path is None else Path(path)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{file}: cannot read the war record ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{file}: the war record is not valid YAML ({exc})") from exc
    if not isinstance(document, Mapping) or not isinstance(document.get("bands"), list):
        raise InputError(f"{file}: the war record must be a mapping with a 'bands' list")
    bands = [_band(file, i, entry) for i, entry in enumerate(document["bands"])]
    if not bands:
        raise InputError(f"{file}: the war record must have at least one band")
    seen: set[str] = set()
    for band in bands:
        if band.name in seen:
            raise InputError(f"{file}: band names must be unique, got {band.name!r} twice")
        seen.add(band.name)
    return bands


def _band(file: Path, index: int, entry: object) -> RecordBand:
    where = f"{file}: bands[{index}]"
    if not isinstance(entry, Mapping):
        raise InputError(f"{where} must be a mapping, got {entry!r}")
    if isinstance(entry.get("name"), str):
        where = f"{file}: band {entry['name']!r}"
    extra = sorted(set(map(str, entry)) - set(_FIELDS))
    if extra:
        raise InputError(f"{where}: unknown field {extra[0]!r} (known: {', '.join(_FIELDS)})")
    missing = [f for f in _REQUIRED if entry.get(f) is None]
    if missing:
        raise InputError(f"{where} must have {', '.join(missing)}")
    for f in ("name", "replay", "metric", "unit"):
        if not isinstance(entry[f], str) or not entry[f].strip():
            raise InputError(f"{where}: {f} must be a non-empty text, got {entry[f]!r}")
    if entry["metric"] not in WAR_METRICS:
        raise InputError(f"{where}: {unknown('metric', entry['metric'], WAR_METRICS)}")
    bounds = {}
    for f in ("low", "high"):
        value = entry[f]
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise InputError(f"{where}: {f} must be a number, got {value!r}")
        bounds[f] = float(value)
    if bounds["low"] > bounds["high"]:
        raise InputError(f"{where}: low must not exceed high, got {bounds['low']:g} > "
                         f"{bounds['high']:g}")
    texts = {}
    for f in ("source", "assumption", "notes"):
        value = entry.get(f)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {f} must be text, got {value!r}")
        texts[f] = value.strip() if isinstance(value, str) and value.strip() else None
    if texts["source"] is None and texts["assumption"] is None:
        raise InputError(f"{where} must give its source or an assumption with its reasoning")
    return RecordBand(
        name=entry["name"], replay=entry["replay"], metric=entry["metric"],
        low=bounds["low"], high=bounds["high"], unit=entry["unit"], source=texts["source"],
        assumption=texts["assumption"], notes=texts["notes"] or "",
    )
