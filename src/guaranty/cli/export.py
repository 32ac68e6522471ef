"""``guaranty run --out``: every world of a run in a file, and its summary beside it.

``FILE.npz`` is :meth:`guaranty.Results.save`: the run itself, loaded back with
:meth:`guaranty.Results.load` and compared with ``guaranty diff``.

``FILE.parquet`` or ``FILE.csv`` holds one row per (package, world): the columns ``package``
and ``world``, every outcome (the metrics of :data:`guaranty.METRICS`), and every input that
varies across worlds and that the model read, as ``param:NAME`` (regenerated from the seed by
:meth:`guaranty.Results.inputs`; a parameter a package lacks is empty). ``FILE.summary.json``
beside it is the ``guaranty run --json`` object: the run's identity (seed, version, the
scenario's SHA-256, the anchoring), each metric's unit, and every summary. Parquet needs
pyarrow (the ``analysis`` extra).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from guaranty.errors import InputError
from guaranty.results import Results

FORMATS = (".parquet", ".csv", ".npz")
PARAM = "param:"


def summary_path(path: Path) -> Path:
    """Where the summary of the worlds in ``path`` goes: ``FILE.summary.json``."""
    return path.with_name(f"{path.stem}.summary.json")


def inputs_read(results: Results) -> list[str]:
    """The inputs written: every parameter of any package that varies and that the model read,
    in name order."""
    return sorted({name for r in results.registries.values() for name in r.uncertain()
                   if name in results.parameters_read})


def outcomes(results: Results) -> list[str]:
    """The outcome columns: every package's metrics, in first-seen order."""
    return list(dict.fromkeys(k for data in results.outcomes.values() for k in data
                              if not k.startswith("_")))


def frame(results: Results, package: str, columns: list[str], inputs: list[str]
          ) -> pd.DataFrame:
    """One package's worlds: ``package``, ``world``, the outcome ``columns`` (double
    precision, exact; empty where the package has none), then the ``param:`` inputs."""
    data = results.outcomes[package]
    have = [n for n in inputs if n in results.registries.get(package, {})]
    values = results.inputs(package, have) if have else pd.DataFrame()
    nan = np.full(results.worlds, np.nan)
    return pd.DataFrame({
        "package": [package] * results.worlds, "world": np.arange(results.worlds),
        **{k: np.asarray(data[k], dtype=np.float64) if k in data else nan for k in columns},
        **{PARAM + n: values[n].to_numpy() if n in values else nan for n in inputs}})


def write_worlds(results: Results, path: Path) -> list[Path]:
    """Write ``results`` to ``path``: ``.parquet`` or ``.csv`` with its summary beside it (one
    package held in memory at a time), or ``.npz`` (:meth:`Results.save`); returns the paths
    written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--out must end in {' or '.join(FORMATS)}, got {str(path)!r}")
    if not path.parent.is_dir():
        raise InputError(f"--out: no such directory {str(path.parent)!r}")
    if suffix == ".npz":
        return [results.save(path)]
    inputs, columns = inputs_read(results), outcomes(results)
    if suffix == ".parquet":
        _parquet(results, path, columns, inputs)
    else:
        for i, package in enumerate(results.packages):
            frame(results, package, columns, inputs).to_csv(path, mode="w" if i == 0 else "a",
                                                   header=i == 0, index=False)
    summary = summary_path(path)
    summary.write_text(json.dumps(results.to_dict(), indent=2, default=_plain) + "\n")
    return [path, summary]


def _parquet(results: Results, path: Path, columns: list[str], inputs: list[str]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("--out FILE.parquet needs pyarrow: pip install 'guaranty[analysis]' "
                         "(or write FILE.csv)") from None
    writer = None
    try:
        for package in results.packages:
            table = pa.Table.from_pandas(frame(results, package, columns, inputs),
                                         preserve_index=False)
            if writer is None:
                meta = {b"guaranty": json.dumps(results.to_dict(), default=_plain).encode()}
                schema = table.schema.with_metadata({**(table.schema.metadata or {}), **meta})
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
