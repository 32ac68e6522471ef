"""Sweeps: every chunk of every (lens, package) as a pure task on an executor, each finished
chunk committed to a store (:mod:`guaranty.store.catalogue`) at once, so that a killed sweep
resumes where it stopped.

A task is :func:`guaranty.engine.run.run_range` on one chunk: a pure, picklable function of
a compiled plan, the seed and a range of worlds. Every random number is keyed by (seed,
parameter, world index), so a chunk's numbers are the same on any worker, in any order, on
any executor: in this process, in a :class:`~concurrent.futures.ProcessPoolExecutor`, or on
a Dask distributed cluster (:func:`executor`). The parent process alone writes the store
(DuckDB has one writer), as each task finishes; at most ``window`` tasks are in flight, so
memory stays bounded whatever the number of worlds.

Resuming: the run's identity (:func:`~guaranty.store.catalogue.run_id`) is a digest of the
scenario fingerprint and every setting the numbers depend on; the same command finds the
same run, checks each catalogued chunk's file, and runs only the chunks without a
catalogue row. A store belongs to one scenario fingerprint; another is refused.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guaranty import defaults
from guaranty._processes import stop_pool, worker_pool
from guaranty.engine.run import (
    DEFAULT_CHUNK,
    RunSpec,
    plans,
    resolve_anchor,
    run_range,
)
from guaranty.errors import InputError, StoreError, unknown
from guaranty.models._arrays import Array
from guaranty.outside import OutsideViews
from guaranty.results import Results
from guaranty.scenario.schema import Scenario, scenario_digest
from guaranty.store.catalogue import (
    DEFAULT_LENS,
    RunRecord,
    fingerprint,
    open_store,
    run_id,
)

Progress = Callable[[int, int], None]
"""Called after each committed chunk with (chunks done, chunks in the run)."""


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did: the run, and how many chunks it found committed and wrote."""

    store: Path
    run: RunRecord
    resumed: int
    written: int

    def results(self) -> dict[str, Results]:
        """The run's :class:`Results`, one per lens (read back from the store)."""
        return load_results(self.store, self.run.run_id)


def lens_names(scenario: Scenario, lenses: Sequence[str] | None) -> list[str]:
    """The lenses asked for: ``None`` → ``["default"]``; ``"all"`` → default and every lens
    of the scenario; unknown names are refused."""
    asked = list(lenses) if lenses else [DEFAULT_LENS]
    if "all" in asked:
        asked = [DEFAULT_LENS, *scenario.lenses]
    for name in asked:
        if name != DEFAULT_LENS and name not in scenario.lenses:
            raise InputError(unknown("lens", name, [DEFAULT_LENS, *scenario.lenses]))
    return list(dict.fromkeys(asked))


def plan_run(scenario: Scenario, packages: Sequence[str] | None, lenses: Sequence[str] | None,
             *, worlds: int, seed: int, months: int | None, chunk_size: int, anchor: bool
             ) -> RunRecord:
    """The run record a sweep with these settings has (its anchor not yet calibrated)."""
    spec = RunSpec(worlds=worlds, seed=seed, months=months, chunk_size=chunk_size)
    scenario = spec.check(scenario)
    if isinstance(packages, str):
        raise InputError(f"packages must be a list of package names, got {packages!r}")
    names = list(packages) if packages else list(scenario.packages)
    chosen = lens_names(scenario, lenses)
    for lens in chosen:
        scenario.check_names(names, None if lens == DEFAULT_LENS else lens)
    fp = fingerprint(scenario)
    horizon = spec.horizon(scenario)
    anchored = bool(anchor)  # the stored calibration, whatever the scenario names
    rid = run_id(fp, seed=int(seed), worlds=worlds, months=horizon, chunk_size=chunk_size,
                 anchored=anchored, packages=names, lenses=chosen)
    return RunRecord(run_id=rid, scenario=scenario.name, fingerprint=fp, seed=int(seed),
                     worlds=worlds, months=horizon, chunk_size=chunk_size, anchored=anchored,
                     anchor=None, packages=tuple(names), lenses=tuple(chosen))


def sweep(
    scenario: Scenario,
    store: str | Path,
    packages: Sequence[str] | None = None,
    *,
    lenses: Sequence[str] | None = None,
    worlds: int = defaults.WORLDS,
    seed: int = defaults.SEED,
    months: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    anchor: bool = True,
    executor: Executor | None = None,
    window: int = 4,
    progress: Progress | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``store``; same settings, same numbers as
    :func:`guaranty.simulate` for each lens.

    ``lenses``: names, ``"default"`` for no lens, ``"all"`` for default and every lens
    (default: ``["default"]``). ``executor`` runs the chunks (None: in this process);
    ``window`` bounds the chunks in flight. The other arguments are :func:`simulate`'s.
    """
    record = plan_run(scenario, packages, lenses, worlds=worlds, seed=seed, months=months,
                      chunk_size=chunk_size, anchor=anchor)
    if window < 1:
        raise InputError(f"window must be >= 1, got {window}")
    with open_store(store) as db:
        db.check_fingerprint(record.fingerprint, record.scenario)
        existing = {r.run_id: r for r in db.runs()}
        if record.run_id in existing:
            record = existing[record.run_id]
            if db.scenario(record).model_dump_json() != scenario.model_dump_json():
                raise InputError(f"store {store}: run {record.run_id} was swept on another "
                                 "scenario")
        else:
            found = resolve_anchor(scenario, record.anchored, record.seed)
            record = RunRecord(**{**record.__dict__, "anchor": found})
            db.add_run(record, scenario)
        done = {(c.lens, c.package, c.index) for c in db.verify(record)}
        total = record.total_chunks
        todo = [(lens, package, i, a, b)
                for lens in record.lenses for package in record.packages
                for i, (a, b) in enumerate(record.bounds())
                if (lens, package, i) not in done]
        plan_of = {lens: plans(scenario, record.packages,
                               None if lens == DEFAULT_LENS else lens, record.anchor)
                   for lens in record.lenses}
        read = set(db.parameters_read(record))
        finished = len(done)

        def commit(task: tuple[str, str, int, int, int],
                   result: tuple[dict[str, Array], frozenset[str]]) -> None:
            nonlocal finished
            lens, package, i, a, b = task
            new = result[1] - read
            db.commit(record, package, lens, i, a, b, result[0], frozenset(new))
            read.update(new)
            finished += 1
            if progress:
                progress(finished, total)

        def job(task: tuple[str, str, int, int, int]) -> tuple[Any, ...]:
            lens, package, _, a, b = task
            return (plan_of[lens][package], record.seed, a, b, record.months)

        if executor is None:
            for task in todo:
                commit(task, run_range(*job(task)))
        else:
            _run_windowed(executor, todo, job, commit, window)
    return SweepReport(Path(store), record, resumed=len(done), written=len(todo))


def _run_windowed(executor: Executor, todo: list[Any], job: Callable[[Any], tuple[Any, ...]],
                  commit: Callable[[Any, Any], None], window: int) -> None:
    """Submit tasks keeping at most ``window`` in flight; commit each as it finishes."""
    queue = iter(todo)
    flight: dict[Future[Any], Any] = {}
    try:
        while True:
            while len(flight) < window:
                task = next(queue, None)
                if task is None:
                    break
                flight[executor.submit(run_range, *job(task))] = task
            if not flight:
                return
            finished, _ = wait(flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                commit(flight.pop(fut), fut.result())
    except BrokenExecutor as lost:
        raise StoreError(
            "a worker process died (killed, or out of memory) and the pool cannot go on; "
            "every chunk finished before it is committed: run the same command again to "
            "resume") from lost
    finally:
        for fut in flight:
            fut.cancel()


def resumable_seed(scenario: Scenario, store: str | Path, packages: Sequence[str] | None,
                   *, lenses: Sequence[str] | None, worlds: int, months: int | None,
                   chunk_size: int, anchor: bool) -> int | None:
    """The seed of the newest run in ``store`` with these settings (any seed), so that the
    same command without ``--seed`` resumes it (or, finished, reads it back rather than
    sweeping again); None when there is none."""
    if not Path(store).is_file():
        return None
    wanted = plan_run(scenario, packages, lenses, worlds=worlds, seed=0, months=months,
                      chunk_size=chunk_size, anchor=anchor)
    with open_store(store, create=False) as db:
        for run in reversed(db.runs()):
            same = (run.fingerprint, run.worlds, run.months, run.chunk_size, run.anchored,
                    run.packages, run.lenses) == (
                wanted.fingerprint, wanted.worlds, wanted.months, wanted.chunk_size,
                wanted.anchored, wanted.packages, wanted.lenses)
            if same:
                return run.seed
    return None


def load_results(store: str | Path, run: str | None = None) -> dict[str, Results]:
    """A finished run's :class:`Results`, one per lens (``"default"``: no lens), read from
    ``store``; ``run`` is a run id or a unique prefix (default: the store's only run)."""
    with open_store(store, create=False) as db:
        record = db.run(run)
        scenario = db.scenario(record)
        read = db.parameters_read(record)
        out = {}
        for lens in record.lenses:
            name = None if lens == DEFAULT_LENS else lens
            plan_of = plans(scenario, record.packages, name, record.anchor)
            out[lens] = Results(
                scenario=record.scenario, seed=record.seed, worlds=record.worlds,
                months=record.months, lens=name, outcomes=db.outcomes(record, lens),
                parameters_read=read, anchor=record.anchor,
                registries={p: plan.registry for p, plan in plan_of.items()},
                outside=OutsideViews({p: plan.provisions for p, plan in plan_of.items()}),
                rejections={p: plan.rejected_by for p, plan in plan_of.items()},
                version=record.version, scenario_sha256=scenario_digest(scenario),
            )
    return out


@contextmanager
def executor(workers: int = 1, dask: str | None = None, *, processes: bool = True
             ) -> Iterator[tuple[Executor | None, int]]:
    """The executor a sweep runs on, and how many tasks it runs at once (its slots: a
    sweep keeps twice that many in flight).

    ``dask=None``: in this process when ``workers`` is 1, else a pool of ``workers``
    processes (started by a fork server, clean of the parent's open store). ``dask="local"``:
    a Dask ``LocalCluster`` of ``workers`` workers, one thread each (``processes=False``:
    threads of this process); any other ``dask`` is a scheduler address
    (``tcp://host:8786``) to connect to. Dask is imported only here.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 256:
        raise InputError(f"workers must be an integer in [1, 256], got {workers!r}")
    if dask is None:
        if workers == 1:
            yield None, 1
            return
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
        pool = worker_pool(workers, context)
        failed = True
        try:
            yield pool, workers
            failed = False
        finally:
            stop_pool(pool, failed=failed)
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask needs Dask distributed: pip install 'guaranty[dist]'"
                         ) from None
    cluster = None
    try:
        if dask == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                   processes=processes, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(dask, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise InputError(f"cannot reach the Dask scheduler at {dask}: {exc}") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        with client.get_executor() as pool:
            yield pool, slots
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
