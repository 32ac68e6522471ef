"""The results store: a DuckDB catalogue beside one Parquet file per finished chunk.

A store is a DuckDB file (``runs.duckdb``) and a folder beside it (``runs.chunks/``). The
catalogue has three tables (schema version :data:`SCHEMA_VERSION`, kept in ``meta``):

``meta(key, value)``
    ``schema_version``, and ``fingerprint``: the scenario fingerprint the store belongs to
    (one store, one scenario: :func:`fingerprint`).
``runs``
    One row per sweep: ``run_id`` (a digest of everything the numbers depend on),
    ``scenario`` (name), ``fingerprint``, ``scenario_json`` (the scenario itself, so a run
    is read back without its file), ``seed``, ``worlds``, ``months``, ``chunk_size``,
    ``anchored``, ``anchor_json`` (the calibrated anchor, or null), ``packages_json`` and
    ``lenses_json`` (lists, ``"default"`` for no lens), ``parameters_read_json``,
    ``version`` (guaranty's) and ``created``.
``chunks``
    One row per finished chunk: ``run_id``, ``package``, ``lens``, ``chunk_index``,
    ``world_start``, ``world_stop`` (worlds ``start..stop-1``), ``status`` (always
    ``'done'``: an unfinished chunk has no row), ``path`` (of its Parquet file, relative
    to the chunk folder) and ``finished``. Primary key (run_id, package, lens, chunk_index):
    a chunk cannot be recorded twice.

A chunk's Parquet file holds one row per world: ``world`` (the global world index),
``package``, ``lens`` and every per-world outcome of :class:`~guaranty.results.Results`
(float32, as the engine returns them).

A chunk is committed in this order: its Parquet file is written under a temporary name,
synced and renamed into place; then its catalogue row is inserted in one transaction. So a
kill leaves either a committed chunk, or a file without a row (rewritten when the sweep
resumes), never a row without its file; a row whose file is missing or short is reported as
an error, not silently recomputed.

Each row also keeps the SHA-256 of its file (``sha256``, added to older stores when they are
opened; their earlier rows have none). When a sweep resumes, a file whose bytes no longer
match its digest (bit rot, a bad copy) is a corrupted chunk: its row and file are removed and
the chunk is computed again, with the same numbers. A write that fails (a full disk) removes
its temporary file and raises :class:`~guaranty.errors.StoreError`, leaving the store as it
was before that chunk: the same command resumes once there is room.

DuckDB and PyArrow (the ``dist`` extra) are imported only here, inside the functions that
use them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np

from guaranty._version import __version__
from guaranty.errors import InputError, StoreError
from guaranty.models._arrays import Array
from guaranty.results import Anchor
from guaranty.scenario.schema import Scenario

if TYPE_CHECKING:
    import duckdb

SCHEMA_VERSION = 1
DEFAULT_LENS = "default"
"""The lens name a store records for a run under the default assumptions (no lens)."""
_TMP = ".tmp-"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    seed UBIGINT NOT NULL,
    worlds BIGINT NOT NULL,
    months INTEGER NOT NULL,
    chunk_size BIGINT NOT NULL,
    anchored BOOLEAN NOT NULL,
    anchor_json TEXT,
    packages_json TEXT NOT NULL,
    lenses_json TEXT NOT NULL,
    parameters_read_json TEXT NOT NULL,
    version TEXT NOT NULL,
    created TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS chunks (
    run_id TEXT NOT NULL,
    package TEXT NOT NULL,
    lens TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    world_start BIGINT NOT NULL,
    world_stop BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status = 'done'),
    path TEXT NOT NULL,
    finished TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (run_id, package, lens, chunk_index)
);
ALTER TABLE chunks ADD COLUMN IF NOT EXISTS sha256 TEXT;
"""


def fingerprint(scenario: Scenario) -> str:
    """A digest of what a scenario's numbers depend on besides the run's settings: the
    scenario (every field), the built-in parameter registry and guaranty's version."""
    defaults = resources.files("guaranty").joinpath("data/parameters.yaml").read_text("utf-8")
    text = "\n".join((scenario.model_dump_json(), defaults, __version__))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RunRecord:
    """One row of ``runs``: a sweep's identity and settings."""

    run_id: str
    scenario: str
    fingerprint: str
    seed: int
    worlds: int
    months: int
    chunk_size: int
    anchored: bool
    anchor: Anchor | None
    packages: tuple[str, ...]
    lenses: tuple[str, ...]
    parameters_read: frozenset[str] = frozenset()
    version: str = __version__
    created: str = ""

    def bounds(self) -> list[tuple[int, int]]:
        """(start, stop) of each chunk of one (package, lens)."""
        return [(a, min(a + self.chunk_size, self.worlds))
                for a in range(0, self.worlds, self.chunk_size)]

    @property
    def total_chunks(self) -> int:
        return len(self.bounds()) * len(self.packages) * len(self.lenses)


def run_id(fingerprint: str, *, seed: int, worlds: int, months: int, chunk_size: int,
           anchored: bool, packages: Sequence[str], lenses: Sequence[str]) -> str:
    """The identity of a sweep: a digest of everything its chunks depend on."""
    body = json.dumps([fingerprint, seed, worlds, months, chunk_size, anchored,
                       list(packages), list(lenses)])
    return hashlib.sha256(body.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ChunkRecord:
    """One row of ``chunks``."""

    package: str
    lens: str
    index: int
    start: int
    stop: int
    path: str


class Store:
    """An open store (:func:`open_store`); one writer at a time (DuckDB locks the file)."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.folder = chunk_folder(path)
        self._con = connection

    # --- runs ------------------------------------------------------------------------------
    def fingerprint(self) -> str | None:
        """The scenario fingerprint this store belongs to (None while empty)."""
        row = self._con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        return None if row is None else str(row[0])

    def runs(self) -> list[RunRecord]:
        """Every run, oldest first."""
        rows = self._con.execute(
            "SELECT run_id, scenario, fingerprint, seed, worlds, months, chunk_size, anchored, "
            "anchor_json, packages_json, lenses_json, parameters_read_json, version, "
            "CAST(created AS TEXT) FROM runs ORDER BY created, run_id").fetchall()
        return [_record(row) for row in rows]

    def run(self, run_id: str | None = None) -> RunRecord:
        """A run by id (or a unique prefix of it); without an id, the only run."""
        runs = self.runs()
        if run_id is None:
            if len(runs) != 1:
                listed = ", ".join(r.run_id for r in runs) or "none"
                raise InputError(f"store {self.path} holds {len(runs)} runs ({listed}): "
                                 "name one")
            return runs[0]
        found = [r for r in runs if r.run_id.startswith(run_id)]
        if len(found) != 1:
            listed = ", ".join(r.run_id for r in runs) or "none"
            raise InputError(f"store {self.path} has no run {run_id!r} "
                             f"({'ambiguous' if found else 'runs: ' + listed})")
        return found[0]

    def scenario(self, run: RunRecord) -> Scenario:
        """The scenario a run was swept on, as recorded in the store."""
        row = self._con.execute("SELECT scenario_json FROM runs WHERE run_id = ?",
                                [run.run_id]).fetchone()
        assert row is not None
        return Scenario.model_validate_json(row[0])

    def add_run(self, record: RunRecord, scenario: Scenario) -> None:
        """Record a new run (and the store's fingerprint, when it is the first)."""
        self.check_fingerprint(record.fingerprint, record.scenario)
        anchor = None if record.anchor is None else json.dumps(
            dataclasses.asdict(record.anchor))
        with self._transaction():
            self._con.execute(
                "INSERT INTO meta VALUES ('fingerprint', ?) ON CONFLICT DO NOTHING",
                [record.fingerprint])
            self._con.execute(
                "INSERT INTO runs (run_id, scenario, fingerprint, scenario_json, seed, worlds, "
                "months, chunk_size, anchored, anchor_json, packages_json, lenses_json, "
                "parameters_read_json, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?)",
                [record.run_id, record.scenario, record.fingerprint,
                 scenario.model_dump_json(), record.seed, record.worlds, record.months,
                 record.chunk_size, record.anchored, anchor, json.dumps(record.packages),
                 json.dumps(record.lenses), json.dumps(sorted(record.parameters_read)),
                 record.version])

    def check_fingerprint(self, fp: str, name: str) -> None:
        """Refuse a scenario whose fingerprint is not the store's."""
        own = self.fingerprint()
        if own is not None and own != fp:
            raise InputError(
                f"store {self.path} belongs to another scenario (fingerprint {own}); "
                f"this sweep's scenario {name!r} has fingerprint {fp} (another scenario, or "
                "the scenario, the built-in parameters or guaranty's version changed since): "
                "sweep into a new --store")

    # --- chunks ----------------------------------------------------------------------------
    def chunks(self, run: RunRecord) -> list[ChunkRecord]:
        """The committed chunks of a run, by (lens, package, index) in run order."""
        rows = self._con.execute(
            "SELECT package, lens, chunk_index, world_start, world_stop, path FROM chunks "
            "WHERE run_id = ?", [run.run_id]).fetchall()
        order = {(lens, p): i for i, (lens, p) in enumerate(
            (lens, p) for lens in run.lenses for p in run.packages)}
        found = [ChunkRecord(*row) for row in rows]
        return sorted(found, key=lambda c: (order.get((c.lens, c.package), -1), c.index))

    def verify(self, run: RunRecord) -> list[ChunkRecord]:
        """The committed chunks, after checking each has its whole file; stray temporary
        files of the run are removed."""
        import pyarrow.parquet as pq

        chunks = [c for c in self.chunks(run) if not self._corrupted(run, c)]
        for c in chunks:
            path = self.folder / c.path
            if not path.is_file():
                raise InputError(f"store {self.path}: chunk {c.index} of {c.package} under "
                                 f"lens {c.lens} of run {run.run_id} is catalogued but its "
                                 f"file {path} is missing: restore it or use a new --store")
            rows = pq.ParquetFile(path).metadata.num_rows
            if rows != c.stop - c.start:
                raise InputError(f"store {self.path}: {path} has {rows} worlds, the "
                                 f"catalogue says {c.stop - c.start}")
        run_folder = self.folder / run.run_id
        if run_folder.is_dir():
            for stray in run_folder.rglob(f"*{_TMP}*"):
                stray.unlink()
        return chunks

    def _corrupted(self, run: RunRecord, c: ChunkRecord) -> bool:
        """Whether chunk ``c``'s file no longer matches its recorded digest; if so its row
        and file are removed, so that the sweep computes it again."""
        row = self._con.execute(
            "SELECT sha256 FROM chunks WHERE run_id = ? AND package = ? AND lens = ? AND "
            "chunk_index = ?", [run.run_id, c.package, c.lens, c.index]).fetchone()
        path = self.folder / c.path
        if row is None or row[0] is None or not path.is_file() or _digest(path) == row[0]:
            return False
        with self._transaction():
            self._con.execute(
                "DELETE FROM chunks WHERE run_id = ? AND package = ? AND lens = ? AND "
                "chunk_index = ?", [run.run_id, c.package, c.lens, c.index])
        path.unlink()
        return True

    def commit(self, run: RunRecord, package: str, lens: str, index: int, start: int,
               stop: int, outcomes: Mapping[str, Array], read: frozenset[str] = frozenset()
               ) -> None:
        """Write one chunk's file, then record it in one transaction (see the module);
        ``read``: parameter names to add to the run's ``parameters_read``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        relative = f"{run.run_id}/{quote(lens, safe='')}/{quote(package, safe='')}/" \
                   f"chunk-{index:06d}.parquet"
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        n = stop - start
        columns: dict[str, Any] = {
            "world": pa.array(np.arange(start, stop, dtype=np.int64)),
            "package": pa.DictionaryArray.from_arrays(np.zeros(n, np.int32), [package]),
            "lens": pa.DictionaryArray.from_arrays(np.zeros(n, np.int32), [lens]),
        }
        columns.update({k: pa.array(np.asarray(v)) for k, v in outcomes.items()})
        temporary = path.with_name(f"{path.name}{_TMP}{os.getpid()}")
        try:
            pq.write_table(pa.table(columns), temporary)
            with open(temporary, "rb") as f:
                os.fsync(f.fileno())
            digest = _digest(temporary)
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise StoreError(
                f"store {self.path}: cannot write chunk {index} of {package} under lens "
                f"{lens} of run {run.run_id}: {exc.strerror or exc}; the store is consistent "
                "(every chunk written so far is kept): free some space and run the same "
                "command again to resume") from None
        with self._transaction():
            self._con.execute(
                "INSERT INTO chunks (run_id, package, lens, chunk_index, world_start, "
                "world_stop, status, path, sha256) VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?)",
                [run.run_id, package, lens, index, start, stop, relative, digest])
            if read:
                known = self._con.execute(
                    "SELECT parameters_read_json FROM runs WHERE run_id = ?",
                    [run.run_id]).fetchone()
                names = set(json.loads(known[0])) if known else set()
                self._con.execute(
                    "UPDATE runs SET parameters_read_json = ? WHERE run_id = ?",
                    [json.dumps(sorted(names | read)), run.run_id])

    def parameters_read(self, run: RunRecord) -> frozenset[str]:
        row = self._con.execute("SELECT parameters_read_json FROM runs WHERE run_id = ?",
                                [run.run_id]).fetchone()
        return frozenset(json.loads(row[0])) if row else frozenset()

    def outcomes(self, run: RunRecord, lens: str) -> dict[str, dict[str, Array]]:
        """Each package's per-world outcomes under one lens, joined in world order."""
        import pyarrow.parquet as pq

        chunks = [c for c in self.verify(run) if c.lens == lens]
        out: dict[str, dict[str, Array]] = {}
        for package in run.packages:
            parts = [c for c in chunks if c.package == package]
            if len(parts) != len(run.bounds()):
                raise InputError(
                    f"run {run.run_id} is unfinished: {package} under lens {lens} has "
                    f"{len(parts)} of {len(run.bounds())} chunks; resume it with the same "
                    "guaranty sweep command")
            tables = [pq.read_table(self.folder / c.path) for c in parts]
            names = [n for n in tables[0].column_names if n not in ("world", "package", "lens")]
            out[package] = {n: np.concatenate([t.column(n).to_numpy() for t in tables])
                            for n in names}
        return out

    def files(self, run: RunRecord) -> list[Path]:
        """The Parquet files of a run's committed chunks, in run order."""
        return [self.folder / c.path for c in self.verify(run)]

    def export(self, run: RunRecord, target: Path) -> int:
        """Every committed world of a run to one CSV or Parquet file (by ``target``'s
        suffix); returns the number of rows. Columns as in the chunk files."""
        suffix = target.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise InputError(f"export to a .csv or .parquet file, got {target}")
        files = [str(p) for p in self.files(run)]
        if not files:
            raise InputError(f"run {run.run_id} has no finished chunk to export")
        fmt = "FORMAT CSV, HEADER" if suffix == ".csv" else "FORMAT PARQUET"
        listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
        query = (f"SELECT lens, package, world, * EXCLUDE (lens, package, world) "
                 f"FROM read_parquet({listed}, union_by_name = true) "
                 "ORDER BY lens, package, world")
        dest = str(target).replace("'", "''")
        try:
            self._con.execute(f"COPY ({query}) TO '{dest}' ({fmt})")
        except Exception as exc:  # duckdb.IOException and friends
            raise InputError(f"cannot write {target}: {exc}") from None
        return int(sum(c.stop - c.start for c in self.chunks(run)))

    # --- plumbing --------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def chunk_folder(path: Path) -> Path:
    """The folder of a store's Parquet files: ``runs.duckdb`` → ``runs.chunks``."""
    return path.with_suffix(".chunks")


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (or create) the store at ``path``; bad paths and a store in use are
    :class:`~guaranty.errors.InputError`."""
    import duckdb

    if not isinstance(path, str | os.PathLike):
        raise InputError(f"store must be a path, got {type(path).__name__}")
    path = Path(path)
    if not create and not path.is_file():
        raise InputError(f"no store at {path}")
    try:
        if create:
            chunk_folder(path).mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
    except (OSError, duckdb.Error) as exc:
        message = str(exc).splitlines()[0]
        why = ("it is in use by another process (one sweep at a time)"
               if "lock" in message.lower() else message)
        raise InputError(f"cannot open store {path}: {why}") from None
    try:
        con.execute(_SCHEMA)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif int(row[0]) != SCHEMA_VERSION:
            raise InputError(f"store {path} has schema version {row[0]}; this guaranty "
                             f"reads version {SCHEMA_VERSION}")
    except duckdb.Error as exc:
        con.close()
        raise InputError(f"cannot use store {path}: {str(exc).splitlines()[0]}") from None
    except InputError:
        con.close()
        raise
    return Store(path, con)


def _record(row: Sequence[Any]) -> RunRecord:
    (rid, scenario, fp, seed, worlds, months, chunk, anchored, anchor_json, packages, lenses,
     read, version, created) = row
    anchor = Anchor(**json.loads(anchor_json)) if anchor_json else None
    return RunRecord(
        run_id=rid, scenario=scenario, fingerprint=fp, seed=int(seed), worlds=int(worlds),
        months=int(months), chunk_size=int(chunk), anchored=bool(anchored), anchor=anchor,
        packages=tuple(json.loads(packages)), lenses=tuple(json.loads(lenses)),
        parameters_read=frozenset(json.loads(read)),
        version=version, created=created)
