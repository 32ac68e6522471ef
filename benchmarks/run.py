"""Benchmarks of the engine: speed against the pure-Python reference, wall time, memory.

Run by ``make bench``. Every measurement runs in a fresh subprocess, so that imports, caches
and peak memory of one do not leak into another; single-core measurements pin the process to
one CPU with one BLAS/OpenMP thread. Prints a table and writes ``benchmarks/latest.json`` as
``{name: {"value": number, "unit": text}}``. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCENARIO = "ukraine-2025"
PACKAGE = "ceasefire-only"
MONTHS = 120
SEED = 2025
REFERENCE_WORLDS = 300
ENGINE_WORLDS = 50_000
BIG = 1_000_000
SWEEP_WORLDS = 200_000
SOBOL_GROUPS = 40
SOBOL_N = 2**14
EMA_ROWS = 100
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

Record = dict[str, dict[str, Any]]


# --- measurements, each run in its own subprocess -------------------------------------------


def measure_speed() -> Record:
    """Engine and reference on one core, on the same worlds (the reference's are a subset)."""
    import numpy as np

    import guaranty
    from guaranty.engine import (
        DEFAULT_CHUNK,
        chunk_bounds,
        iter_chunks,
        run_chunk,
    )
    from guaranty.params import ParamView
    from guaranty.scenario.compile import compile_plan
    from guaranty.testing.reference import run_reference

    scenario = guaranty.load_scenario(SCENARIO)
    plan = compile_plan(scenario, PACKAGE)
    params = plan.registry.sample(SEED, 0, ENGINE_WORLDS)
    bounds = chunk_bounds(ENGINE_WORLDS, DEFAULT_CHUNK)

    def engine() -> tuple[float, dict[str, np.ndarray]]:
        start = time.perf_counter()
        first: dict[str, np.ndarray] = {}
        for a, b in bounds:
            out = run_chunk(plan, ParamView({k: v[a:b] for k, v in params.items()}), MONTHS)
            first = first or out
        return time.perf_counter() - start, first

    few = {k: v[:REFERENCE_WORLDS] for k, v in params.items()}

    def reference() -> tuple[float, dict[str, np.ndarray]]:
        start = time.perf_counter()
        out = run_reference(plan, few, MONTHS)
        return time.perf_counter() - start, out

    # Alternate the two and keep the best of each, so that a burst of load from another
    # process on the machine does not land on one side of the ratio only.
    runs = [(engine(), reference()) for _ in range(3)]
    engine_s, first = min((e for e, _ in runs), key=lambda r: r[0])
    reference_s, ref = min((r for _, r in runs), key=lambda r: r[0])
    worst = 0.0
    for name, expected in ref.items():
        got = first[name][:REFERENCE_WORLDS]
        ok = ~np.isnan(expected)
        if not np.array_equal(ok, ~np.isnan(got)):
            worst = float("inf")
            continue
        diff = np.abs(got[ok] - expected[ok]) / np.maximum(np.abs(expected[ok]), 1e-300)
        worst = max(worst, float(diff.max(initial=0.0)))

    start = time.perf_counter()
    for _ in iter_chunks(scenario, PACKAGE, worlds=ENGINE_WORLDS, seed=SEED, months=MONTHS,
                         anchor=False):
        pass
    sampled_s = time.perf_counter() - start
    engine_rate = ENGINE_WORLDS * MONTHS / engine_s
    reference_rate = REFERENCE_WORLDS * MONTHS / reference_s
    return {
        "engine_world_months_per_s": {"value": engine_rate, "unit": "world-months/s, 1 core"},
        "engine_with_sampling_world_months_per_s": {
            "value": ENGINE_WORLDS * MONTHS / sampled_s,
            "unit": "world-months/s, 1 core, iter_chunks incl. sampling, no anchoring",
        },
        "reference_world_months_per_s": {"value": reference_rate, "unit": "world-months/s, 1 core"},
        "engine_speedup_vs_reference": {
            "value": engine_rate / reference_rate,
            "unit": f"x per world-month, 1 core ({ENGINE_WORLDS:,} vs {REFERENCE_WORLDS} worlds)",
        },
        "engine_vs_reference_max_rel_diff": {
            "value": worst, "unit": f"relative, first {REFERENCE_WORLDS} worlds"
        },
    }


def measure_anchor(worlds: int = 20_000, seeds: int = 5) -> Record:
    """The stored anchor's fit time, and the spread of the anchored p_war_120m of the anchor
    package across seeds at ``worlds`` worlds against the standard error each run reports
    (issue 15: within 1.5 times; it was 2.2 when each run calibrated on its own seed)."""
    import numpy as np

    import guaranty
    from guaranty.engine.anchoring import calibrate, reference_scenario

    scenario = guaranty.load_scenario(SCENARIO)
    start = time.perf_counter()
    calibrate(reference_scenario())
    fit_s = time.perf_counter() - start
    means, ses = [], []
    for seed in range(seeds):
        results = guaranty.simulate(scenario, [PACKAGE], worlds=worlds, seed=SEED + seed,
                                    months=MONTHS)
        s = results.metric(PACKAGE, "p_war_120m")
        means.append(s.mean)
        ses.append(s.se)
    spread = float(np.std(means, ddof=1))
    return {
        "anchor_calibration_s": {
            "value": fit_s, "unit": "s, the stored fit (4,000 worlds, 200 bootstrap replicates)"},
        "anchor_seed_spread_p_war_120m": {
            "value": spread, "unit": f"sd of the mean over {seeds} seeds, {worlds:,} worlds"},
        "anchor_reported_se_p_war_120m": {
            "value": float(np.mean(ses)), "unit": "mean reported se, same runs"},
        "anchor_seed_spread_ratio": {
            "value": spread / float(np.mean(ses)), "unit": "spread over reported se"},
    }


def measure_negotiation() -> Record:
    """The negotiation's 288 candidate packages (400 worlds each): one pass against one at a
    time, same anchor, same numbers."""
    import numpy as np

    import guaranty
    from guaranty.engine.anchoring import stored_anchor
    from guaranty.negotiation import space

    scenario = guaranty.load_scenario(SCENARIO)
    built = [space.build(scenario, c) for c in space.choices(scenario.negotiation)]
    names = {f"candidate-{i}": p for i, p in enumerate(built)}
    trial = scenario.model_copy(update={"packages": {**scenario.packages, **names}})
    anchor = stored_anchor()

    def together() -> Any:
        return guaranty.simulate(trial, list(names), worlds=400, seed=SEED, anchor=anchor)

    def apart() -> dict[str, Any]:
        return {n: guaranty.simulate(trial, [n], worlds=400, seed=SEED, anchor=anchor)
                for n in names}

    start = time.perf_counter()
    one = together()
    pass_s = time.perf_counter() - start
    start = time.perf_counter()
    each = apart()
    apart_s = time.perf_counter() - start
    same = all(np.array_equal(one.outcomes[n][k], each[n].outcomes[n][k], equal_nan=True)
               for n in names for k in one.outcomes[n])
    return {
        "negotiation_288_one_pass_s": {"value": pass_s, "unit": "s, 1 core, 288 x 400 worlds"},
        "negotiation_288_one_at_a_time_s": {
            "value": apart_s, "unit": "s, 1 core, the same packages one simulate call each"},
        "negotiation_one_pass_speedup": {"value": apart_s / pass_s, "unit": "x"},
        "negotiation_one_pass_identical": {"value": float(same),
                                           "unit": "1 if every world's numbers are equal"},
    }


def measure_sobol(workers: int) -> Record:
    """Sobol first and total indices of p_war_120m for ~40 groups of parameters at N = 2^14
    (N (G + 2) worlds; SALib's second-order bootstrap alone would take minutes at this size),
    on ``workers`` processes; beside it, the first rows of the same
    design through EMA Workbench's SequentialEvaluator on the per-world oracle
    (guaranty.testing.reference), one process, with their agreement."""
    import warnings

    import numpy as np

    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    from ema_workbench import Model, RealParameter, ScalarOutcome, Scenario
    from ema_workbench.em_framework.evaluators import SequentialEvaluator

    import guaranty
    from guaranty.analysis.factors import factors_of, package_plan, read_parameters
    from guaranty.analysis.sensitivity import (
        EPS,
        EngineModel,
        group_columns,
        saltelli_rows,
        sensitivity,
        sobol_base,
    )
    from guaranty.testing.reference import run_reference

    metric = "p_war_120m"
    scenario = guaranty.load_scenario(SCENARIO)
    start = time.perf_counter()
    result = sensitivity(scenario, PACKAGE, metric, groups=SOBOL_GROUPS, n=SOBOL_N, seed=SEED,
                         months=MONTHS, workers=workers, second_order=False)
    sobol_s = time.perf_counter() - start

    plan = package_plan(scenario, PACKAGE, lens=None, seed=SEED)
    factors = factors_of(plan.registry, read_parameters(plan, MONTHS), SOBOL_GROUPS)
    members = [m for f in factors for m in f.members]
    a, b = sobol_base(SOBOL_N, len(members), SEED)
    base_rows = -(-EMA_ROWS // (len(factors) + 2))
    rows = np.clip(saltelli_rows(a[:base_rows], b[:base_rows], group_columns(factors), False),
                   EPS, 1 - EPS)[:EMA_ROWS]
    engine = EngineModel(plan, tuple(members), metric, MONTHS, SEED)(rows)
    # Parameters outside the design (fixed, or not read by this package) as in world 0.
    rest = {k: v for k, v in plan.registry.sample(SEED, 0, 1).items() if k not in members}
    keys = [f"u{k}" for k in range(len(members))]

    def oracle(**u: float) -> dict[str, float]:
        values = dict(rest)
        values.update(plan.registry.ppf({m: np.array([u[k]]) for m, k in
                                         zip(members, keys, strict=True)}))
        return {metric: float(run_reference(plan, values, MONTHS)[metric][0])}

    model = Model("guaranty", function=oracle)
    model.uncertainties = [RealParameter(k, 0.0, 1.0) for k in keys]
    model.outcomes = [ScalarOutcome(metric)]
    scenarios = [Scenario(**dict(zip(keys, map(float, row), strict=True))) for row in rows]
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        _, outcomes = evaluator.perform_experiments(scenarios)
    ema_s = time.perf_counter() - start
    got = np.asarray(outcomes[metric], dtype=float)
    diff = float(np.max(np.abs(got - engine) / np.maximum(np.abs(got), 1e-12)))
    per_world = sobol_s / result.evaluations
    return {
        "sobol_40_groups_n16384_s": {
            "value": sobol_s,
            "unit": f"s wall, guaranty.analysis.sensitivity (Sobol, {len(result.indices)} groups, "
                    f"N = {SOBOL_N:,}, first and total order, {result.evaluations:,} worlds x "
                    f"{MONTHS} "
                    f"months, {workers} workers, SALib analysis included)"},
        "sobol_worlds_per_s": {"value": result.evaluations / sobol_s,
                               "unit": f"worlds/s of the design, {workers} workers"},
        "ema_oracle_worlds_per_s": {
            "value": EMA_ROWS / ema_s,
            "unit": f"worlds/s, EMA Workbench SequentialEvaluator on the per-world oracle, the "
                    f"first {EMA_ROWS} rows of the same design, 1 process"},
        "sobol_speedup_vs_ema_oracle": {
            "value": (ema_s / EMA_ROWS) / per_world,
            "unit": "x, time per world: EMA + oracle over the Sobol run (all included)"},
        "sobol_vs_ema_oracle_max_rel_diff": {
            "value": diff, "unit": f"relative, {metric} of the {EMA_ROWS} shared rows"},
    }


EAGER_HELP = """
import contextlib, io
from guaranty.cli.root import COMMANDS, app, load_command
import guaranty.engine, guaranty.scenario
for entry in COMMANDS:  # what the root command imported before commands were lazy
    load_command(entry)
with contextlib.redirect_stdout(io.StringIO()):
    app(args=["--help"], standalone_mode=False)
"""


def measure_imports() -> Record:
    """Start-up: ``python -c pass``, ``import numpy``, ``import guaranty``, ``guaranty --help``
    and the same help after importing every command (as before they were lazy), each in a
    fresh interpreter, best of 5."""
    cases = {
        "python_pass_s": [sys.executable, "-c", "pass"],
        "import_numpy_s": [sys.executable, "-c", "import numpy"],
        "import_guaranty_s": [sys.executable, "-c", "import guaranty"],
        "cli_help_s": [sys.executable, "-m", "guaranty.cli", "--help"],
        "cli_help_eager_s": [sys.executable, "-c", EAGER_HELP],
    }
    out: Record = {}
    for name, cmd in cases.items():
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            best = min(best, time.perf_counter() - start)
        out[name] = {"value": best, "unit": "s wall, fresh interpreter, best of 5"}
    heavy = subprocess.run(
        [sys.executable, "-c", "import guaranty, sys; print(sorted(m for m in sys.modules if "
         "m.split('.')[0] in {'lifelines', 'negmas', 'matplotlib'}))"],
        check=True, capture_output=True, text=True).stdout.strip()
    out["import_guaranty_over_numpy"] = {
        "value": out["import_guaranty_s"]["value"] / out["import_numpy_s"]["value"],
        "unit": f"x (heavy optional packages loaded: {heavy})"}
    out["cli_help_over_python"] = {
        "value": out["cli_help_s"]["value"] / out["python_pass_s"]["value"],
        "unit": "x, guaranty --help over python -c pass"}
    out["cli_help_speedup_vs_eager"] = {
        "value": out["cli_help_eager_s"]["value"] / out["cli_help_s"]["value"],
        "unit": "x, every command imported (the former root) over lazy --help"}
    return out


def measure_engine_on(cpu: int) -> Record:
    """Core-chain throughput of one process pinned to ``cpu`` (run two at once to compare)."""
    import guaranty
    from guaranty.engine import DEFAULT_CHUNK, run_chunk
    from guaranty.params import ParamView
    from guaranty.scenario.compile import compile_plan

    plan = compile_plan(guaranty.load_scenario(SCENARIO), PACKAGE)
    params = ParamView(plan.registry.sample(SEED, 0, DEFAULT_CHUNK))
    run_chunk(plan, params, MONTHS)
    reps = 6
    start = time.perf_counter()
    for _ in range(reps):
        run_chunk(plan, params, MONTHS)
    rate = reps * DEFAULT_CHUNK * MONTHS / (time.perf_counter() - start)
    return {f"cpu{cpu}": {"value": rate, "unit": "world-months/s"}}


def measure_simulate(workers: int) -> Record:
    """Wall time of guaranty.simulate for 10^6 worlds of one package, all outcomes kept.

    The core chain is timed without anchoring; the anchored run (the stored factor, sampled
    per world) is timed too, in the same process after it.
    """
    import guaranty

    scenario = guaranty.load_scenario(SCENARIO)
    start = time.perf_counter()
    guaranty.simulate(scenario, [PACKAGE], worlds=BIG, seed=SEED, months=MONTHS,
                      workers=workers, anchor=False)
    wall = time.perf_counter() - start
    start = time.perf_counter()
    guaranty.simulate(scenario, [PACKAGE], worlds=BIG, seed=SEED + 1, months=MONTHS,
                      workers=workers)
    anchored = time.perf_counter() - start
    return {
        "engine_1e6x120_s": {
            "value": wall,
            "unit": f"s wall, guaranty.simulate(workers={workers}), {PACKAGE}, core chain",
        },
        "simulate_anchored_1e6x120_s": {
            "value": anchored,
            "unit": "s wall, the same with anchoring (the stored factor, sampled per world)",
        },
    }


def all_instruments(scenario: Any) -> Any:
    """The built-in scenario with a package that switches every instrument on."""
    deep = scenario.packages["deep-defence"]
    article5 = scenario.packages["bilateral-article5"]
    everything = deep.model_validate({
        **deep.model_dump(),
        "treaties": [t.model_dump() for t in article5.treaties],
        "naval": {"naval_drones": 100, "anti_ship_missiles": 50, "patrol_boats": 10,
                  "patrol_aircraft": 4},
        "provisions": {"agreement": "agreement", "monitors": True,
                       "third_party_guarantee": True},
    })
    return scenario.with_package("all-instruments", everything)


def measure_simulate_all(workers: int) -> Record:
    """As measure_simulate, for a package with every instrument switched on."""
    import guaranty

    scenario = all_instruments(guaranty.load_scenario(SCENARIO))
    start = time.perf_counter()
    guaranty.simulate(scenario, ["all-instruments"], worlds=BIG, seed=SEED, months=MONTHS,
                      workers=workers, anchor=False)
    wall = time.perf_counter() - start
    return {
        "engine_all_instruments_1e6x120_s": {
            "value": wall,
            "unit": f"s wall, guaranty.simulate(workers={workers}), troops + aircraft + "
                    "treaties + naval + ISR, core chain",
        }
    }


def measure_sweep(worlds: int) -> Record:
    """``guaranty sweep`` of ``worlds`` worlds of one package into a fresh store: in this
    process, then on 2 local processes; the two stores must hold the same bits."""
    import tempfile

    import guaranty
    from guaranty.store import executor, load_results, sweep

    scenario = guaranty.load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as folder:
        walls = {}
        for workers in (1, 2):
            store = Path(folder) / f"w{workers}.duckdb"
            start = time.perf_counter()
            with executor(workers) as (pool, slots):
                sweep(scenario, store, [PACKAGE], worlds=worlds, seed=SEED, months=MONTHS,
                      executor=pool, window=2 * slots)
            walls[workers] = time.perf_counter() - start
        one, two = (load_results(Path(folder) / f"w{w}.duckdb")["default"] for w in (1, 2))
        same = all(one.outcomes[PACKAGE][k].tobytes() == two.outcomes[PACKAGE][k].tobytes()
                   for k in one.outcomes[PACKAGE])
    label = f"{worlds:,} worlds of {PACKAGE}, chunks of 16,384, into a DuckDB+Parquet store"
    return {
        "sweep_in_process_s": {"value": walls[1], "unit": f"s wall, in process, {label}"},
        "sweep_2_processes_s": {"value": walls[2], "unit": f"s wall, 2 local processes, {label}"},
        "sweep_2_processes_speedup": {"value": walls[1] / walls[2],
                                      "unit": "x, in process over 2 local processes"},
        "sweep_identical": {"value": float(same),
                            "unit": "1 if both stores hold the same bits"},
    }


def measure_rss(worlds: int, chunk_size: int | None) -> Record:
    """Peak RSS of streaming ``worlds`` worlds through iter_chunks, keeping running sums."""
    import resource

    import numpy as np

    import guaranty
    from guaranty.engine import DEFAULT_CHUNK, iter_chunks

    chunk = chunk_size or DEFAULT_CHUNK
    scenario = guaranty.load_scenario(SCENARIO)
    baseline = _peak_rss_mb()
    sums: dict[str, float] = {}
    count = 0
    for part in iter_chunks(scenario, PACKAGE, worlds=worlds, seed=SEED, months=MONTHS,
                            chunk_size=chunk):
        for name, values in part.outcomes.items():
            sums[name] = sums.get(name, 0.0) + float(np.nansum(values))
        count += part.stop - part.start
    if count != worlds:
        raise RuntimeError(f"streamed {count} worlds, expected {worlds}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    names: dict[tuple[int, int | None], str] = {(BIG, None): "", (BIG // 10, None): "_1e5"}
    suffix = names.get((worlds, chunk_size), f"_chunk_{chunk}")
    return {
        f"engine_peak_rss_mb{suffix}": {
            "value": peak, "unit": f"MiB peak RSS, {worlds:,} worlds, chunk {chunk:,}"
        },
        f"engine_rss_after_import_mb{suffix}": {
            "value": baseline, "unit": "MiB peak RSS before the first chunk"
        },
    }


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _worker(args: list[str]) -> None:
    kind = args[0]
    if kind == "speed":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        record = measure_speed()
    elif kind == "engine-on":
        os.sched_setaffinity(0, {int(args[1])})
        record = measure_engine_on(int(args[1]))
    elif kind == "simulate":
        record = measure_simulate(int(args[1]))
    elif kind == "simulate-all":
        record = measure_simulate_all(int(args[1]))
    elif kind == "negotiation":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        record = measure_negotiation()
    elif kind == "anchor":
        record = measure_anchor()
    elif kind == "imports":
        record = measure_imports()
    elif kind == "sweep":
        record = measure_sweep(int(args[1]))
    elif kind == "sobol":
        record = measure_sobol(int(args[1]))
    elif kind == "rss":
        record = measure_rss(int(args[1]), int(args[2]) or None)
    elif kind == "web":
        from web_load import measure_web

        record = measure_web()
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(record))


# --- the driver ------------------------------------------------------------------------------


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
        env={**os.environ, **ONE_THREAD}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> Record:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"benchmark {proc.args!r} failed with exit code {proc.returncode}")
    record: Record = json.loads(stdout.strip().splitlines()[-1])
    return record


def _run(*args: str) -> Record:
    return _finish(_start(*args))


def _two_at_once(cpus: list[int]) -> Record:
    """Throughput of two pinned engine processes running together, over one alone."""
    alone = _run("engine-on", str(cpus[0]))
    together: Record = {}
    for proc in [_start("engine-on", str(cpu)) for cpu in cpus[:2]]:
        together.update(_finish(proc))
    one = float(next(iter(alone.values()))["value"])
    both = sum(float(entry["value"]) for entry in together.values())
    return {"two_processes_vs_one": {
        "value": both / one,
        "unit": "x, total throughput of 2 pinned engine processes at once (ideal 2)",
    }}


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    cores = len(os.sched_getaffinity(0))
    steps: list[tuple[str, tuple[str, ...]]] = [
        ("engine and reference on one core", ("speed",)),
        ("start-up times", ("imports",)),
        ("anchor: the fit, and 5 seeds of 20,000 worlds", ("anchor",)),
        ("288 negotiation packages, one pass and one at a time", ("negotiation",)),
        (f"simulate 10^6 worlds, {min(cores, 2)} workers", ("simulate", str(min(cores, 2)))),
        (f"simulate 10^6 worlds, every instrument, {min(cores, 2)} workers",
         ("simulate-all", str(min(cores, 2)))),
        (f"sweep {SWEEP_WORLDS:,} worlds, in process and on 2 processes",
         ("sweep", str(SWEEP_WORLDS))),
        (f"Sobol, {SOBOL_GROUPS} groups, N = 2^14, {min(cores, 2)} workers, and EMA on the "
         "oracle", ("sobol", str(min(cores, 2)))),
        ("stream 10^5 worlds", ("rss", str(BIG // 10), "0")),
        ("stream 10^6 worlds", ("rss", str(BIG), "0")),
        ("stream 10^6 worlds, chunk 65,536", ("rss", str(BIG), "65536")),
        ("web API under load (50 clients, benchmarks/web_load.py)", ("web",)),
    ]
    results: Record = {}
    total = time.perf_counter()
    for label, args in steps:
        start = time.perf_counter()
        with console.status(f"{label} ..."):
            results.update(_run(*args))
        console.log(f"{label}: {time.perf_counter() - start:.1f} s")
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2:
        with console.status("two engine processes at once ..."):
            results.update(_two_at_once(cpus))
    results["cores"] = {"value": cores, "unit": "CPUs available"}

    def value(name: str) -> float:
        return float(results[name]["value"])

    results["rss_ratio_1e6_over_1e5"] = {
        "value": value("engine_peak_rss_mb") / value("engine_peak_rss_mb_1e5"),
        "unit": "ratio (about 1: memory does not grow with worlds)",
    }
    results["rss_ratio_chunk_65536_over_default"] = {
        "value": value("engine_peak_rss_mb_chunk_65536") / value("engine_peak_rss_mb"),
        "unit": "ratio (memory grows with the chunk size)",
    }
    results["simulate_speedup_vs_one_core"] = {
        "value": BIG * MONTHS / value("engine_1e6x120_s")
        / value("engine_with_sampling_world_months_per_s"),
        "unit": "x, simulate(workers) over 1-core iter_chunks throughput",
    }

    targets = {
        "engine_speedup_vs_reference": (">= 100", value("engine_speedup_vs_reference") >= 100),
        "engine_1e6x120_s": ("<= 20", value("engine_1e6x120_s") <= 20),
        "engine_all_instruments_1e6x120_s": (
            "<= 15", value("engine_all_instruments_1e6x120_s") <= 15),
        "anchor_seed_spread_ratio": ("<= 1.5", value("anchor_seed_spread_ratio") <= 1.5),
        "negotiation_one_pass_speedup": (">= 3", value("negotiation_one_pass_speedup") >= 3),
        "negotiation_one_pass_identical": ("= 1", value("negotiation_one_pass_identical") == 1),
        "sweep_identical": ("= 1", value("sweep_identical") == 1),
        "cli_help_s": ("<= 1", value("cli_help_s") <= 1),
        "cli_help_speedup_vs_eager": (">= 3", value("cli_help_speedup_vs_eager") >= 3),
        "sobol_40_groups_n16384_s": ("<= 60", value("sobol_40_groups_n16384_s") <= 60),
        "sobol_vs_ema_oracle_max_rel_diff": (
            "<= 1e-4", value("sobol_vs_ema_oracle_max_rel_diff") <= 1e-4),
        "web_5xx": ("= 0", value("web_5xx") == 0),
        "web_simulate_1e4_s": ("<= 1", value("web_simulate_1e4_s") <= 1),
    }
    table = Table(title=f"guaranty benchmarks ({SCENARIO}, {PACKAGE}, {MONTHS} months, "
                  f"{cores} CPUs)")
    table.add_column("measure", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("target")
    for name, entry in results.items():
        goal, met = targets.get(name, ("", True))
        mark = "" if not goal else (f"[green]{goal} met" if met else f"[red]{goal} missed")
        table.add_row(name, _format(float(entry["value"])), str(entry["unit"]), mark)
    console.print(table)
    out = HERE / "latest.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"wrote {out} in {time.perf_counter() - total:.0f} s")


def _format(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == 0 or 1e-3 <= abs(x) < 1e6:
        return f"{x:,.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x:.3g}"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--only":  # one measurement: --only imports
        print(json.dumps(_run(*sys.argv[2:]), indent=2))
    else:
        main()
