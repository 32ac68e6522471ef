"""A results store for sweeps at scale: a DuckDB catalogue and one Parquet file per chunk
(:mod:`~guaranty.store.catalogue`), filled by :func:`~guaranty.store.sweep.sweep` on any
executor and read back by :func:`~guaranty.store.sweep.load_results`. DuckDB, PyArrow and
Dask (the ``dist`` extra) are imported only when a store or a cluster is used."""

from guaranty.store.catalogue import (
    DEFAULT_LENS,
    SCHEMA_VERSION,
    ChunkRecord,
    RunRecord,
    Store,
    fingerprint,
    open_store,
)
from guaranty.store.sweep import (
    SweepReport,
    executor,
    lens_names,
    load_results,
    resumable_seed,
    sweep,
)

__all__ = [
    "DEFAULT_LENS",
    "SCHEMA_VERSION",
    "ChunkRecord",
    "RunRecord",
    "Store",
    "SweepReport",
    "executor",
    "fingerprint",
    "lens_names",
    "load_results",
    "open_store",
    "resumable_seed",
    "sweep",
]
