"""The runner: sample worlds, run the kernel chunk by chunk, collect :class:`Results`.

Every random number comes from :mod:`guaranty.rng`, keyed by (seed, parameter name, world
index), so a chunk of worlds gives the same values whichever chunk size, worker or executor
runs it. :func:`run_range` is the unit of work: a pure, picklable function of a plan, a seed
and a range of worlds, which any :class:`concurrent.futures.Executor` can run (a process
pool, Dask's ``client.get_executor()``); :func:`simulate` builds one process pool itself when
given ``workers > 1`` and no executor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from guaranty import defaults, rng
from guaranty._processes import owned_pool
from guaranty.engine.anchoring import AnchorCache, anchored, stored_anchor
from guaranty.engine.batch import split, stack
from guaranty.engine.chain import ECONOMY_CHECKPOINTS, finish, run
from guaranty.engine.finite import check_outputs
from guaranty.engine.inputs import prepare
from guaranty.errors import InputError, LimitError, expect, kind_of
from guaranty.limits import MAX_MONTHS, MAX_WORKERS, MAX_WORLDS, check_memory, simulate_bytes
from guaranty.models._arrays import Array
from guaranty.models.outcomes import METRICS, WAR_CHECKPOINTS
from guaranty.outside import OutsideViews
from guaranty.params import ParamView, SampleMemo
from guaranty.results import Anchor, Results
from guaranty.scenario.compile import Plan, compile_plan, scenario_registry
from guaranty.scenario.schema import Scenario, scenario_digest

DEFAULT_CHUNK = 16_384
AnchorSpec = Anchor | bool | AnchorCache
"""``True``: the stored calibration of the behavioural model
(:func:`guaranty.engine.anchoring.stored_anchor`), whatever the scenario; ``False``:
unanchored (factor 1); an :class:`Anchor`: use it (one from
:func:`guaranty.engine.anchoring.calibrate`); an :class:`AnchorCache`: the stored one."""


@dataclass(frozen=True)
class RunSpec:
    """How many worlds, which seed, what horizon and lens, and how to split the work."""

    worlds: int = defaults.WORLDS
    seed: int = defaults.SEED
    months: int | None = None
    lens: str | None = None
    chunk_size: int = DEFAULT_CHUNK
    workers: int = 1

    def __post_init__(self) -> None:
        w, c, m, k = self.worlds, self.chunk_size, self.months, self.workers
        try:
            rng.check_seed(self.seed)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        if isinstance(w, bool) or not isinstance(w, Integral) or w < 1:
            raise InputError(f"worlds must be an integer in [1, {MAX_WORLDS:,}], got {w!r}")
        if w > MAX_WORLDS:
            raise LimitError(f"worlds must be at most {MAX_WORLDS:,} (guaranty.limits), got "
                             f"{w:,}")
        if isinstance(c, bool) or not isinstance(c, Integral) or c < 1:
            raise InputError(f"chunk_size must be an integer >= 1, got {c!r}")
        if m is not None and (isinstance(m, bool) or not isinstance(m, Integral)
                              or not 1 <= m <= MAX_MONTHS):
            raise InputError(f"months must be an integer in [1, {MAX_MONTHS}], got {m!r}")
        if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= k <= MAX_WORKERS:
            raise InputError(f"workers must be an integer in [1, {MAX_WORKERS}], got {k!r}")

    def check(self, scenario: object) -> Scenario:
        """``scenario`` if it is a :class:`Scenario` and this spec's lens a name or None;
        :class:`InputError` otherwise (API misuse)."""
        if self.lens is not None:
            expect(self.lens, str, "lens", "a lens name (text) or None")
        return Scenario.expect(scenario)

    def horizon(self, scenario: Scenario) -> int:
        return self.months or scenario.horizon_months

    def bounds(self) -> list[tuple[int, int]]:
        return chunk_bounds(self.worlds, self.chunk_size)


@dataclass(frozen=True)
class Chunk:
    """Per-world outcomes of worlds ``start..stop-1`` of one package."""

    package: str
    start: int
    stop: int
    outcomes: dict[str, Array]


def chunk_bounds(worlds: int, chunk_size: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk."""
    return [(a, min(a + chunk_size, worlds)) for a in range(0, worlds, chunk_size)]


def run_range(plan: Plan, seed: int, start: int, stop: int, months: int
              ) -> tuple[dict[str, Array], frozenset[str]]:
    """Outcomes of worlds ``start..stop-1`` of ``plan``, and the parameter names read."""
    (out,), read = run_batch([(plan, start, stop)], seed, months)
    return out, read


Job = tuple[Plan, int, int]
"""A plan and a range of its worlds, ``(plan, start, stop)``."""


def run_batch(jobs: Sequence[Job], seed: int, months: int
              ) -> tuple[list[dict[str, Array]], frozenset[str]]:
    """Outcomes of several jobs stepped in one pass (:mod:`guaranty.engine.batch`).

    Each job's outcomes are bit for bit those of running it alone. A pure, picklable
    function: the unit of work any executor runs.
    """
    parts, read, drawn = [], set(), []
    memo = SampleMemo()
    for plan, a, b in jobs:
        values = plan.registry.sample(seed, a, b, memo=memo)
        view = ParamView(values)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            parts.append(prepare(plan, view, months))
        read |= view.read
        drawn.append(values)
    inputs = stack(parts)
    # Overflow or 0/0 inside the chain is not reported as a warning: the outputs are checked
    # below, and a non-finite one becomes an error naming its world (engine/finite.py).
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        outs = split(finish(inputs, run(inputs)), parts)
    for (plan, a, _), out, values, part in zip(jobs, outs, drawn, parts, strict=True):
        check_outputs(out, values, package=plan.package, registry=plan.registry, seed=seed,
                      start=a, needs=part.people.investment.needs_usd_bn)
    return outs, frozenset(read)


def pack(jobs: Sequence[Job], chunk_size: int) -> list[list[Job]]:
    """Consecutive jobs grouped into passes of at most ``chunk_size`` worlds (a job larger
    than that is a pass of its own)."""
    passes: list[list[Job]] = []
    size = chunk_size
    for job in jobs:
        n = job[2] - job[1]
        if not passes or size + n > chunk_size:
            passes.append([])
            size = 0
        passes[-1].append(job)
        size += n
    return passes


def resolve_anchor(scenario: Scenario, anchor: AnchorSpec, seed: int) -> Anchor | None:
    """The anchor a run uses (None: unanchored)."""
    if not isinstance(anchor, Anchor | AnchorCache | bool):
        raise InputError(
            f"anchor must be True, False, an Anchor or an AnchorCache, got {anchor!r}")
    if isinstance(anchor, Anchor):
        return anchor
    if anchor is False:
        return None
    if isinstance(anchor, AnchorCache):
        return anchor.get(scenario, seed=seed)
    return stored_anchor()


def plans(scenario: Scenario, names: Sequence[str], lens: str | None, anchor: Anchor | None
          ) -> dict[str, Plan]:
    """The anchored plan of each package."""
    registry = scenario_registry(scenario, lens)
    return {name: anchored(compile_plan(scenario, name, lens, registry=registry), anchor)
            for name in names}


def iter_chunks(
    scenario: Scenario,
    package: str,
    *,
    worlds: int,
    seed: int,
    months: int | None = None,
    lens: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    start: int = 0,
    anchor: AnchorSpec = True,
) -> Iterator[Chunk]:
    """Yield the outcomes of one package chunk by chunk, from world ``start`` on.

    Memory stays bounded by the chunk size whatever the number of worlds; a consumer that
    stores each chunk (a results store, a running summary) can stop and resume at any chunk
    boundary and get the same numbers.
    """
    spec = RunSpec(worlds=worlds, seed=seed, months=months, lens=lens, chunk_size=chunk_size)
    scenario = spec.check(scenario)
    seed = int(seed)
    expect(package, str, "package", "a package name (text)")
    expect(start, int, "start", "a world index (an integer >= 0)")
    if start < 0:
        raise InputError(f"start must be a world index (an integer >= 0), got {start}")
    scenario.check_names([package], lens)
    plan = plans(scenario, [package], lens, resolve_anchor(scenario, anchor, seed))[package]
    horizon = spec.horizon(scenario)
    for a, b in spec.bounds():
        if b <= start:
            continue
        a = max(a, start)
        out, _ = run_range(plan, seed, a, b, horizon)
        yield Chunk(package, a, b, out)


def _gather(
    jobs: Sequence[Job], seed: int, months: int, chunk_size: int, executor: Executor | None,
    progress: Callable[[int], None] | None,
) -> tuple[list[dict[str, Array]], frozenset[str]]:
    """Run jobs packed into passes, in order, on ``executor`` if one is given."""
    passes = pack(jobs, chunk_size)
    outs: list[dict[str, Array]] = []
    read: set[str] = set()
    done = 0

    def collect(result: tuple[list[dict[str, Array]], frozenset[str]], batch: list[Job]
                ) -> None:
        nonlocal done
        outs.extend(result[0])
        read.update(result[1])
        done += sum(b - a for _, a, b in batch)
        if progress:
            progress(done)

    if executor is None:
        for batch in passes:
            collect(run_batch(batch, seed, months), batch)
    else:
        futures: list[Future[tuple[list[dict[str, Array]], frozenset[str]]]] = [
            executor.submit(run_batch, batch, seed, months) for batch in passes]
        for fut, batch in zip(futures, passes, strict=True):
            collect(fut.result(), batch)
    return outs, frozenset(read)


def simulate(
    scenario: Scenario,
    packages: Sequence[str] | None = None,
    *,
    worlds: int = defaults.WORLDS,
    seed: int = defaults.SEED,
    months: int | None = None,
    lens: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    anchor: AnchorSpec = True,
    executor: Executor | None = None,
) -> Results:
    """Simulate ``worlds`` sampled worlds of each package; same seed, same numbers.

    ``packages``: names (default: all, in file order); ``worlds``, ``seed``, ``months``
    (default: the scenario's horizon), ``lens``, ``chunk_size`` (worlds per pass: memory,
    never numbers) and ``workers`` (processes, when no ``executor``) as in :class:`RunSpec`.
    ``progress`` is called after each pass with the worlds finished, all packages together.
    ``anchor`` (:data:`AnchorSpec`): the base hazard's factor calibrated once for the
    behavioural model on history's survival curve (:mod:`guaranty.engine.anchoring`); on by
    default, ``False`` for the raw model. ``executor`` (a process pool, a Dask
    client's executor) runs the passes; the numbers do not change.
    """
    spec = RunSpec(worlds=worlds, seed=seed, months=months, lens=lens, chunk_size=chunk_size,
                   workers=workers)
    scenario = spec.check(scenario)
    seed = int(seed)
    names = _package_names(scenario, packages, progress, executor)
    scenario.check_names(names, lens)
    horizon = spec.horizon(scenario)
    bounds = spec.bounds()
    anchor_used = resolve_anchor(scenario, anchor, seed)
    plan_of = plans(scenario, names, lens, anchor_used)
    jobs = [(plan_of[name], a, b) for name in names for a, b in bounds]
    processes = min(workers, len(pack(jobs, chunk_size)))
    check_memory(estimate_bytes(spec, scenario, plan_of, processes), worlds=worlds,
                 packages=len(names))
    with owned_pool(processes if executor is None else 1) as own:
        outs, read = _gather(jobs, seed, horizon, chunk_size, executor or own, progress)
    per_package = {name: _joined(outs[i * len(bounds):(i + 1) * len(bounds)])
                   for i, name in enumerate(names)}
    return Results(
        scenario=scenario.name, seed=seed, worlds=worlds, months=horizon, lens=lens,
        scenario_sha256=scenario_digest(scenario), outcomes=per_package, parameters_read=read,
        anchor=anchor_used,
        registries={name: plan.registry for name, plan in plan_of.items()},
        outside=OutsideViews({name: plan.provisions for name, plan in plan_of.items()}),
        rejections={name: plan.rejected_by for name, plan in plan_of.items()},
    )


def _package_names(scenario: Scenario, packages: object, progress: object, executor: object
                   ) -> list[str]:
    """The packages :func:`simulate` runs, its other arguments checked (API misuse is an
    :class:`InputError`)."""
    if isinstance(packages, str):
        raise InputError(f"packages must be a list of package names, got the string {packages!r}")
    if packages is not None and not isinstance(packages, list | tuple):
        raise InputError(f"packages must be a list of package names, got {kind_of(packages)}")
    names = list(scenario.packages) if not packages else list(packages)
    for name in names:
        expect(name, str, "each package", "a package name (text)")
    if progress is not None and not callable(progress):
        raise InputError(f"progress must be a function of the worlds done, got "
                         f"{kind_of(progress)}")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputError(f"executor must be a concurrent.futures.Executor, got "
                         f"{kind_of(executor)}")
    return names


def estimate_bytes(spec: RunSpec, scenario: Scenario, plan_of: Mapping[str, Plan],
                   processes: int = 1) -> int:
    """Peak bytes :func:`simulate` would hold for ``spec`` (:func:`guaranty.limits.simulate_bytes`):
    checked before the run, so a run that cannot fit stops at once with its estimate."""
    horizon = spec.horizon(scenario)
    metrics = (len(METRICS) + sum(t <= horizon for t in WAR_CHECKPOINTS)
               + 2 * sum(t <= horizon for t in ECONOMY_CHECKPOINTS))
    return simulate_bytes(
        worlds=spec.worlds, packages=len(plan_of), metrics=metrics, chunk_size=spec.chunk_size,
        parameters=max((len(p.registry) for p in plan_of.values()), default=0),
        categories=len(scenario.equipment), processes=processes)


def _joined(parts: Sequence[dict[str, Array]]) -> dict[str, Array]:
    """One package's chunks, joined in world order."""
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def run_design(
    plan: Plan,
    design: Mapping[str, Array],
    *,
    months: int | None = None,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
) -> dict[str, Array]:
    """Evaluate a given design: each row of ``design`` is one world.

    ``design`` maps uncertain parameter names (:meth:`Registry.uncertain`) to arrays of
    uniforms in (0, 1), all of one length N (a Saltelli or Latin-hypercube matrix, say);
    each is mapped through its parameter's inverse CDF (:meth:`Registry.ppf`). Uncertain
    parameters the design leaves out take their seeded draws for worlds 0..N-1, so a design
    over a few groups of parameters holds the rest at the run's sampled values.
    """
    if not isinstance(plan, Plan):
        raise InputError(f"plan must be a Plan (guaranty.scenario.compile.compile_plan), got "
                         f"{kind_of(plan)}")
    if not isinstance(design, Mapping):
        raise InputError(f"design must map parameter names to columns, got {kind_of(design)}")
    try:
        columns = {name: np.asarray(v, dtype=np.float64) for name, v in design.items()}
    except (TypeError, ValueError):
        raise InputError("design must map parameter names to columns of numbers") from None
    if not columns or any(c.ndim != 1 for c in columns.values()):
        raise InputError("design must map parameter names to one-dimensional columns")
    lengths = {len(c) for c in columns.values()}
    if len(lengths) != 1:
        raise InputError(f"design columns must all have one length, got {sorted(lengths)}")
    total = lengths.pop()
    RunSpec(worlds=total, seed=seed, months=months, chunk_size=chunk_size)
    horizon = months if months is not None else plan.months
    parts = []
    for a, b in chunk_bounds(total, chunk_size):
        values = plan.registry.sample(seed, a, b)
        values.update(plan.registry.ppf({k: v[a:b] for k, v in columns.items()}))
        inputs = prepare(plan, values, horizon)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            parts.append(finish(inputs, run(inputs)))  # chain.run_chunk, then checked
        check_outputs(parts[-1], values, package=plan.package, registry=plan.registry,
                      seed=seed, start=a, needs=inputs.people.investment.needs_usd_bn)
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def default_workers() -> int:
    """Cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)
