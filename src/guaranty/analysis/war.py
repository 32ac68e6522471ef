"""Hold the war model to the record of Russia's war against Ukraine.

:func:`check_war` reads the record (:func:`guaranty.calibration.war_record.load_record`), runs
each replay scenario it names (``scenarios/replays/<replay>.yaml``, package ``war``) once
through :func:`guaranty.engine.war.replay`, on the same seed, and sets the model beside each
band: the mean of the metric over sampled worlds with its 5–95 % spread, the record's
``[low, high]``, and whether the mean lies inside. Worlds where a metric is undefined (NaN, e.g.
casualties per km² where no ground was taken) are left out of that metric's statistics; a
metric undefined in every world is reported as missing and outside.

The spread is that of the model's uncertain assumptions across worlds, not a confidence
interval of the mean; the band is the record's range. ``docs/calibration.md`` describes the
replays, the record and how to add to them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guaranty._datasets import scenario_path
from guaranty._version import __version__
from guaranty.calibration.war_record import RecordBand, load_record, record_path
from guaranty.engine import RunSpec
from guaranty.engine.war import replay as run_replay
from guaranty.errors import InputError
from guaranty.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PACKAGE", "WarCheck", "WarRow", "check_war", "replay_path"]

PACKAGE = "war"
"""The package every replay scenario runs: the war with no instruments."""


@dataclass(frozen=True)
class WarRow:
    """The model beside one band of the record.

    ``model_mean``, ``model_p05`` and ``model_p95`` are None when the metric is undefined in
    every world; ``worlds`` counts the worlds where it is defined.
    """

    band: str
    replay: str
    metric: str
    unit: str
    model_mean: float | None
    model_p05: float | None
    model_p95: float | None
    record_low: float
    record_high: float
    inside: bool
    worlds: int
    source: str | None = None
    assumption: str | None = None


@dataclass(frozen=True)
class WarCheck:
    """The war model against the record: one row per band, in the record's order."""

    rows: tuple[WarRow, ...]
    worlds: int
    seed: int
    record: str
    version: str = __version__

    @property
    def all_inside(self) -> bool:
        """Whether every band holds."""
        return all(r.inside for r in self.rows)

    @property
    def outside(self) -> list[str]:
        """The names of the bands that do not hold."""
        return [r.band for r in self.rows if not r.inside]

    def to_pandas(self) -> pd.DataFrame:
        """One row per band: its name, replay, metric, unit, the model's mean and 5–95 %
        spread, the record's band, whether the mean is inside, worlds, source and
        assumption."""
        import pandas as pd

        return pd.DataFrame([asdict(r) for r in self.rows])

    def to_dict(self) -> dict[str, Any]:
        return {
            "worlds": self.worlds,
            "seed": self.seed,
            "record": self.record,
            "version": self.version,
            "all_inside": self.all_inside,
            "rows": [asdict(r) for r in self.rows],
        }


def replay_path(replay: str) -> Path:
    """The file of a replay scenario, by stem: ``scenarios/replays/<replay>.yaml``."""
    return scenario_path(f"replays/{replay}")


def check_war(
    *,
    worlds: int,
    seed: int,
    record: str | Path | Sequence[RecordBand] | None = None,
) -> WarCheck:
    """Run every replay of the record and set the model beside each band.

    Parameters
    ----------
    worlds : int
        Sampled worlds per replay (at least 1).
    seed : int
        The random seed, the same for every replay (common random numbers).
    record : path or bands, optional
        A record file, or bands already loaded; default the shipped record
        (``data/war_record/record.yaml``).

    Raises
    ------
    InputError
        For fewer than one world, a bad record file, a replay scenario that cannot be loaded
        or has no ``war`` package, or a band whose metric the replay does not return.
    """
    RunSpec(worlds=worlds, seed=seed)  # the engine's one check of worlds and seed
    if isinstance(record, str | Path) or record is None:
        where = str(record_path() if record is None else record)
        bands = load_record(record)
    else:
        bands, where = list(record), "(given bands)"
        if not bands:
            raise InputError("record must hold at least one band")
    runs: dict[str, dict[str, np.ndarray]] = {}
    rows = []
    for band in bands:
        if band.replay not in runs:
            runs[band.replay] = run_replay(_scenario(band.replay), PACKAGE, worlds=worlds,
                                           seed=seed)
        rows.append(_row(band, runs[band.replay]))
    return WarCheck(rows=tuple(rows), worlds=worlds, seed=seed, record=where)


def _scenario(replay: str) -> Scenario:
    scenario = load_scenario(replay_path(replay))
    scenario.package(PACKAGE)  # InputError ("did you mean") when it has none
    return scenario


def _row(band: RecordBand, run: dict[str, np.ndarray]) -> WarRow:
    if band.metric not in run:
        raise InputError(f"band {band.name!r}: replay {band.replay!r} returns no metric "
                         f"{band.metric!r} (it returns: {', '.join(sorted(run))})")
    values = np.asarray(run[band.metric], dtype=float).ravel()
    finite = values[np.isfinite(values)]
    mean = p05 = p95 = None
    if finite.size:
        mean = float(finite.mean())
        p05, p95 = (float(v) for v in np.percentile(finite, [5, 95]))
    inside = mean is not None and math.isfinite(mean) and band.holds(mean)
    return WarRow(
        band=band.name, replay=band.replay, metric=band.metric, unit=band.unit,
        model_mean=mean, model_p05=p05, model_p95=p95, record_low=band.low,
        record_high=band.high, inside=inside, worlds=int(finite.size), source=band.source,
        assumption=band.assumption,
    )
