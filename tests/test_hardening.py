"""Hardening (issue 16): the determinism contract at every chunk size, hostile text, files."""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import pickle
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import guaranty
from guaranty.cli import main
from guaranty.errors import LimitError, NonFiniteError, NonFiniteInputError
from guaranty.scenario._yamlpos import read_yaml
from guaranty.scenario.compile import resolve_package

TINY = pathlib.Path(guaranty.__file__).parent / "testing" / "tiny.yaml"


def test_a_one_world_chunk_gives_the_same_bits_as_one_big_chunk(
        ukraine: guaranty.Scenario) -> None:
    # NumPy sums a contiguous axis pairwise, so a (C, 1) chunk once differed by an ulp.
    one = guaranty.simulate(ukraine, None, worlds=11, seed=4, chunk_size=1, anchor=False,
                            months=12)
    big = guaranty.simulate(ukraine, None, worlds=11, seed=4, chunk_size=4_096, anchor=False,
                            months=12)
    for package in one.packages:
        for metric, values in one.outcomes[package].items():
            assert np.array_equal(values, big.outcomes[package][metric], equal_nan=True), (
                package, metric)



HOSTILE = r"[/] closes nothing [sic] \u001b[31m red \u202e flipped"


def test_scenario_text_is_shown_literally_never_as_markup_or_control(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TINY.read_text().replace("description: Northmark's will is weak.",
                                    f'description: "{HOSTILE}"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    outputs = {}
    for args in (["lenses", str(path), "--worlds", "40", "--months", "6", "--no-anchor"],
                 ["params", "--scenario", str(path)]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        out = outputs[args[0]] = capsys.readouterr().out
        assert exit_info.value.code == 0, args
        assert "\x1b" not in out and "\u202e" not in out, args
    shown = " ".join(outputs["lenses"].split())
    assert "[/] closes nothing [sic] \\u001b[31m red \\u202e flipped" in shown


def test_a_fifo_or_a_device_is_refused_before_reading(tmp_path: pathlib.Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # nobody writes: reading it would block for ever
    for path, kind in ((fifo, "a FIFO"), (pathlib.Path("/dev/zero"), "a character device")):
        with pytest.raises(guaranty.ScenarioError) as info:
            guaranty.load_scenario(str(path))
        assert f"must be a regular file, got {kind}" in str(info.value)


def _chain(depth: int) -> str:
    text = TINY.read_text()
    packages = "".join(f"  deep-{i}:\n    base: {'deep-' + str(i - 1) if i else 'armed'}\n"
                       for i in range(depth))
    return text.replace("packages:\n", "packages:\n" + packages, 1)


def test_a_thousand_deep_base_chain_is_refused_at_once_with_its_place(
        tmp_path: pathlib.Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_chain(1_000))
    start = time.perf_counter()
    with pytest.raises(guaranty.ScenarioError) as info:
        guaranty.load_scenario(str(path))
    assert time.perf_counter() - start < 10.0  # was cubic: hours for a 0.6 MB file
    assert "must be a chain of at most 64 packages" in str(info.value)
    assert "deep.yaml:" in str(info.value)


def test_a_base_chain_within_the_cap_resolves_without_recursion(
        tmp_path: pathlib.Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(_chain(60))
    scenario = guaranty.load_scenario(str(path))
    resolved = resolve_package(scenario, "deep-59")
    assert resolved.model_dump(exclude={"base", "description"}) == resolve_package(
        scenario, "armed").model_dump(exclude={"base", "description"})


@pytest.mark.parametrize(("text", "value"), [
    ("010", 10), ("1:30", "1:30"), ("yes", "yes"), ("1_000", "1_000"), ("1e6", 1e6),
    ("0o17", 15), ("0x1F", 31), ("-.inf", float("-inf")), ("true", True), ("~", None)])
def test_plain_scalars_are_read_by_yaml_1_2(text: str, value: object) -> None:
    data, _ = read_yaml(f"a: {text}\n")
    assert data["a"] == value and type(data["a"]) is type(value)


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not pathlib.Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_their_parent(sig: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "guaranty.cli", "run", str(TINY), "--worlds", "400000",
         "--chunk-size", "2000", "--workers", "2", "--months", "60", "--no-anchor", "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert len(workers) >= 2, "the run did not start its workers"
        process.send_signal(sig)
        process.wait(timeout=10)
        _assert_gone(workers, f"after {sig.name}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.skipif(not pathlib.Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_within_a_chunk(workers: int) -> None:
    # One chunk of 400,000 worlds takes tens of seconds: Ctrl-C (SIGINT to the whole process
    # group, as a terminal sends it) must stop the run inside it, with exit code 130 and no
    # worker left behind.
    process = subprocess.Popen(
        [sys.executable, "-m", "guaranty.cli", "run", str(TINY), "--worlds", "800000",
         "--chunk-size", "400000", "--workers", str(workers), "--months", "120",
         "--no-anchor", "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        # As a terminal starts a foreground command: SIGINT at its default (a suite run in the
        # background, `pytest &`, ignores it, and a child keeps that). One run also inherits a
        # mask that blocks both signals, which the command lifts.
        preexec_fn=_terminal_blocked if workers == 1 else _terminal)
    try:
        deadline = time.monotonic() + 120
        busy: set[int] = set()
        while time.monotonic() < deadline and not busy:  # a process deep inside a chunk
            time.sleep(0.2)
            busy = {p for p in _children(process.pid) | {process.pid}
                    if _rss_mb(p) > CHUNK_RSS_MB}
        assert busy, "the run never entered its chunk"
        assert process.poll() is None, "the run ended before Ctrl-C"
        started = _children(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)  # < 1 s at a load of 7 on 2 cores; the chunk takes far longer
        assert process.returncode == 130, process.stderr.read() if process.stderr else ""
        err = process.stderr.read().decode() if process.stderr else ""
        assert "Traceback" not in err, err
        _assert_gone(started, "after Ctrl-C")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _terminal_blocked() -> None:
    _terminal()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _assert_gone(workers: set[int], when: str, seconds: float = 5.0) -> None:
    """Every process of ``workers`` is gone (or a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    alive = workers
    while time.monotonic() < deadline and alive:
        time.sleep(0.2)
        alive = {w for w in alive if _alive(w)}
    assert not alive, f"orphan workers {when}: {sorted(alive)}"


CHUNK_RSS_MB = 300  # far above an idle interpreter with the engine imported (~150 MB)


def _rss_mb(pid: int) -> float:
    try:
        status = pathlib.Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def _alive(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --------------------------------------------------------------------------------------------
# Item 2: no silent non-finite output; bounds that make sense, checked at load with a place.

UKRAINE = pathlib.Path(__file__).resolve().parents[1] / "scenarios" / "ukraine-2025.yaml"
POSITIONED = r"\.yaml:\d+:\d+: "


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


EXTREME = {  # the probes: (file, what is replaced, by what, the field named)
    "personnel": (TINY, "personnel: {value: 40000,", "personnel: {value: 1e308,",
                  "defender.personnel: must be <= 1e+08 in every world (soldiers, in persons)"),
    "sigma": (TINY, "personnel: {value: 40000, unit: persons,",
              "personnel: {dist: lognormal, median: 40000, sigma: 1000, unit: persons,",
              "defender.personnel: must be <= 1e+08 in every world (soldiers, in persons), "
              "got draws up to inf"),
    "cost-per-soldier": (TINY, "cost_per_soldier_year_usd: {value: 300000",
                         "cost_per_soldier_year_usd: {value: 1e308",
                         "guarantors.northmark.cost_per_soldier_year_usd: must be <= 1e+12"),
    "naval-drones": (TINY, "  production:\n    shells: {value: 800",
                     "  naval:\n    naval_drones: {value: 1e308, unit: units, assumption: x}\n"
                     "  production:\n    shells: {value: 800",
                     "defender.naval.naval_drones: must be <= 1e+10"),
    "anchored-personnel": (UKRAINE, "  personnel:\n    value: 880000\n",
                           "  personnel:\n    value: 1e308\n",
                           "defender.personnel: must be <= 1e+08"),
    "anchored-sigma": (UKRAINE, "  personnel:\n    value: 880000\n",
                       "  personnel:\n    dist: lognormal\n    median: 880000\n"
                       "    sigma: 1000\n", "got draws up to inf"),
    "package-naval": (TINY, "    base: ceasefire\n", "    base: ceasefire\n"
                      "    naval: {naval_drones: 1e308}\n",
                      "packages.armed.naval.naval_drones: must be <= 1e+10"),
    "lens-override": (TINY, "      supplier.northmark.will: {dist: beta",
                      "      defender.personnel: {value: 1e308, unit: persons, assumption: x}\n"
                      "      supplier.northmark.will: {dist: beta",
                      "lenses.sceptic.parameters.defender.personnel: must be <= 1e+08"),
}


@pytest.mark.parametrize("probe", sorted(EXTREME))
def test_extreme_finite_input_is_refused_with_its_place(
        probe: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, old, new, message = EXTREME[probe]
    text = source.read_text()
    assert old in text
    path = tmp_path / f"{probe}.yaml"
    path.write_text(text.replace(old, new, 1))
    code, out, err = _cli(["run", str(path), "--worlds", "50", "--months", "6", "--json"],
                          capsys)
    assert code == 2, err
    assert out == "" and "internal error" not in err and "Traceback" not in err
    assert re.search(POSITIONED, err) and message in err, err


def test_a_troop_pool_of_zero_gives_finite_outputs(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = UKRAINE.read_text()
    old = "troop_pool: {value: 40000,"
    assert old in text
    path = tmp_path / "pool.yaml"
    path.write_text(text.replace(old, "troop_pool: {value: 0,"))
    code, out, err = _cli(["run", str(path), "--worlds", "200", "--months", "24", "--json",
                           "--no-anchor"], capsys)
    assert code == 0, err
    for package in json.loads(out)["packages"]:
        for metric, summary in package["metrics"].items():
            assert all(v is not None for v in summary.values()), (package["name"], metric)


def test_a_non_finite_output_names_package_metric_world_and_parameters(
        ) -> None:
    from dataclasses import replace

    from guaranty.distributions import Fixed
    from guaranty.engine.run import plans, run_range

    scenario = guaranty.load_scenario(str(TINY))
    plan = plans(scenario, ["armed"], None, None)["armed"]
    bad = replace(plan, registry=plan.registry.overridden(  # not through the schema
        "defender.personnel", Fixed(value=1e308), assumption="a test"))
    with pytest.raises(NonFiniteInputError) as info:
        run_range(bad, 3, 10, 20, 12)
    err = info.value
    assert isinstance(err, guaranty.InputError)  # exit code 2
    assert err.package == "armed" and 10 <= err.world < 20 and err.seed == 3
    assert ("defender.personnel", 1e308) in err.parameters
    assert "package 'armed': metric " in str(err) and "defender.personnel=1e+308" in str(err)
    again = pickle.loads(pickle.dumps(err))  # crosses a process pool intact
    assert type(again) is NonFiniteInputError and str(again) == str(err)
    with pytest.raises(NonFiniteInputError):  # with workers: the error comes back whole
        guaranty.simulate(scenario.model_copy(update={"parameters": {
            **scenario.parameters, "defender.personnel": guaranty.Quantity.model_construct(
                distribution=Fixed(value=1e308), unit="persons", assumption="x")}}),
            ["armed"], worlds=40, chunk_size=10, workers=2, months=6, anchor=False)


def test_the_anchoring_solver_never_sees_nan() -> None:
    from guaranty.distributions import Fixed

    scenario = guaranty.load_scenario(str(UKRAINE))
    huge = guaranty.Quantity.model_construct(distribution=Fixed(value=1e308), unit="persons",
                                             source=None, assumption="a test")
    bad = scenario.model_copy(update={"parameters": {**scenario.parameters,
                                                     "defender.personnel": huge}})
    with pytest.raises(NonFiniteInputError, match=r"defender\.personnel=1e\+308"):
        guaranty.calibrate(bad, seed=0)


def test_nan_is_allowed_only_where_a_metric_is_undefined() -> None:
    from guaranty.engine.finite import check_outputs

    registry = guaranty.default_registry()
    nan = np.nan
    ok = {"p_war_horizon": np.array([0.0, 0.2]), "p_hold_given_war": np.array([nan, 0.5]),
          "reconstruction_needs_met_share_12m": np.array([nan, nan])}
    none = np.zeros(2)  # no reconstruction needs: the share met is undefined
    check_outputs(ok, {}, package="p", registry=registry, seed=0, start=0, needs=none)
    for out, needs in (
            ({**ok, "p_hold_given_war": np.array([nan, nan])}, none),  # war possible: defined
            ({**ok, "p_war_horizon": np.array([0.0, np.inf])}, none),
            (ok, np.array([0.0, 5.0])),  # needs > 0: defined
            (ok, None),  # needs unknown: the share must be a number
            ({**ok, "cost_usd_bn_per_year": np.array([1.0, -np.inf])}, none)):
        with pytest.raises(NonFiniteError) as info:
            check_outputs(out, {}, package="p", registry=registry, seed=0, start=100,
                          needs=needs)
        assert info.value.world in (100, 101)
        assert not isinstance(info.value, guaranty.InputError)
        assert "model bug" in str(info.value)


def test_units_have_ceilings_the_shipped_values_respect(ukraine: guaranty.Scenario) -> None:
    from guaranty.scenario.compile import scenario_quantities
    from guaranty.units import UNIT_BOUNDS, UNIT_CEILINGS, ceiling_problem

    assert set(UNIT_CEILINGS) <= set(UNIT_BOUNDS)
    for unit, ceiling in UNIT_CEILINGS.items():
        assert UNIT_BOUNDS[unit][0] < ceiling <= UNIT_BOUNDS[unit][1], unit
    for registry in (guaranty.default_registry(),):
        for name, param in registry.items():
            assert ceiling_problem(param.unit, param.distribution) is None, name
    for name, (q, _) in scenario_quantities(ukraine).items():
        assert ceiling_problem(q.unit, q.distribution) is None, name


# --------------------------------------------------------------------------------------------
# Item 5: every typed section checked at load, per world where a mean would let nonsense in.


def test_financing_shares_must_fit_in_every_world_not_only_on_average(
        tmp_path: pathlib.Path) -> None:
    text = UKRAINE.read_text()
    old = "financing_share: {value: 0.2,"
    assert old in text
    path = tmp_path / "shares.yaml"
    # mean 0.2 as before (the means sum to 0.9), but half the worlds draw more than 0.2
    path.write_text(text.replace(old, "financing_share: {dist: uniform, low: 0.05, high: 0.35,"))
    with pytest.raises(guaranty.ScenarioError, match=POSITIONED + r"supply\.artillery-ammunition"
                       r"\.financing_share: must sum to <= 1 .* in every world"):
        guaranty.load_scenario(str(path))
    # a package's override is held to the same rule, at its own place
    at = text.index("    parameters:\n", text.index("\n  strong-army:\n")) + 16
    path.write_text(text[:at] + "      supply.tanks.financing_share: {value: 0.3, unit: share, "
                    "assumption: x}\n" + text[at:])
    with pytest.raises(guaranty.ScenarioError,
                       match=r"packages\.strong-army\.parameters\.supply\.tanks\.financing_share"):
        guaranty.load_scenario(str(path))


def test_discrete_weights_must_have_a_finite_sum(tmp_path: pathlib.Path) -> None:
    text = TINY.read_text().replace(
        "readiness: {value: 0.6, unit: share,",
        "readiness: {dist: discrete, values: [0.5, 0.7], weights: [1e308, 1e308], unit: share,")
    with pytest.raises(guaranty.ScenarioError, match=r"w\.yaml:\d+:\d+: aggressor\.readiness\."
                       r"weights: must have a finite sum"):
        guaranty.parse_scenario(text, name="w.yaml")


def test_negotiation_fragments_are_typed_strictly(tmp_path: pathlib.Path) -> None:
    text = UKRAINE.read_text()
    old = "package: {neutrality: true}"
    assert old in text
    with pytest.raises(guaranty.ScenarioError, match=POSITIONED + r"negotiation\.issues\."
                       r"neutrality\.options\.neutral\.package\.neutrality: must be true or "
                       r"false, got 'yes'"):
        guaranty.parse_scenario(text.replace(old, "package: {neutrality: 'yes'}"),
                                name="n.yaml")
    with pytest.raises(ValueError):  # the schema's models are strict when built directly too
        guaranty.Package(neutrality="yes")  # type: ignore[arg-type]
    s = guaranty.parse_scenario(text, name="n.yaml")
    with pytest.raises(guaranty.InputError, match="neutrality"):
        s.with_package("strong-army", neutrality="yes")


def test_negotiate_errors_carry_their_place(tmp_path: pathlib.Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    text = UKRAINE.read_text()
    path = tmp_path / "neg.yaml"
    for old, new, message in (
            ("\n  base: strong-army\n  issues:", "\n  base: strong-armyy\n  issues:",
             "negotiation.base: must name a package"),
            ("        p_war_120m: {weight: 0.45", "        p_war_12Om: {weight: 0.45",
             "terms.p_war_12Om: must name a simulated metric"),
            ("{guarantor: uk, size: 2000, mission: monitoring",
             "{guarantor: ukk, size: 2000, mission: monitoring",
             "options.monitoring.package.troops[0].guarantor: must name a guarantor")):
        at = text.index("\nnegotiation:")  # change the negotiation section only
        assert old in text[at:], old
        path.write_text(text[:at] + text[at:].replace(old, new, 1))
        code, _, err = _cli(["negotiate", str(path), "--worlds", "50"], capsys)
        assert code == 2 and re.search(POSITIONED, err) and message in err, err


def test_aggressor_gain_is_a_term_the_loader_knows() -> None:
    from guaranty.analysis.evaluate import GAIN
    from guaranty.scenario.compile import DERIVED_TERMS

    assert GAIN in DERIVED_TERMS


@pytest.mark.parametrize("name", ["cease\\nfire", "cease\\u202efire", "cease\\x1b[31mfire"])
def test_a_hostile_package_name_keeps_the_error_on_one_line(
        name: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "name.yaml"
    path.write_text(TINY.read_text().replace("  ceasefire:\n", f'  "{name}":\n', 1))
    code, _, err = _cli(["validate", str(path)], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err and "\u202e" not in err, err
    assert re.search(POSITIONED + r"packages\.cease\\u00[01][a-f0-9]", err) or (
        "cease\\u202efire" in err), err
    scenario = guaranty.load_scenario(str(TINY))
    with pytest.raises(guaranty.InputError, match="package name must be"):
        scenario.with_package(name.encode().decode("unicode_escape"),
                              scenario.package("armed"))


# --------------------------------------------------------------------------------------------
# Item 3: limits in one place.


def test_ten_thousand_packages_are_refused_within_seconds(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    packages = "".join(f"  p{i}:\n    base: armed\n" for i in range(10_000))
    path = tmp_path / "many.yaml"
    path.write_text(TINY.read_text().replace("packages:\n", "packages:\n" + packages, 1))
    start = time.perf_counter()
    code, _, err = _cli(["run", str(path), "--worlds", "100", "--months", "6"], capsys)
    assert time.perf_counter() - start < 15.0  # was: no answer in 15 minutes
    assert code == 2 and re.search(POSITIONED + "packages: must hold at most 2000 packages",
                                   err), err


def test_a_hundred_million_worlds_are_refused_up_front(
        capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    with pytest.raises(LimitError, match="worlds must be at most 50,000,000"):
        guaranty.simulate(guaranty.load_scenario(str(TINY)), worlds=100_000_000)
    code, _, err = _cli(["run", str(TINY), "--worlds", "100000000"], capsys)
    assert code == 2 and "worlds must be at most" in err
    assert time.perf_counter() - start < 10.0


def test_the_memory_of_simulate_is_estimated_before_the_run(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from guaranty.limits import MEMORY_ENV, simulate_bytes

    # 10^7 worlds of one package: the issue measured a 3.06 GB peak; the estimate is close
    estimate = simulate_bytes(worlds=10_000_000, packages=1, metrics=27, chunk_size=16_384,
                              parameters=340, categories=9)
    assert 2.0e9 < estimate < 3.5e9
    scenario = guaranty.load_scenario(str(TINY))
    monkeypatch.setenv(MEMORY_ENV, "0.05")
    start = time.perf_counter()
    with pytest.raises(LimitError, match=r"simulate would hold about .* GB for 100,000 worlds "
                       r"of 3 package\(s\), more than the cap of 0.05 GB"):
        guaranty.simulate(scenario, worlds=100_000, anchor=False)
    assert time.perf_counter() - start < 5.0  # refused before anything ran
    guaranty.simulate(scenario, worlds=1_000, months=6, anchor=False)  # fits
    code, _, err = _cli(["run", str(TINY), "--worlds", "100000", "--no-anchor"], capsys)
    assert code == 2 and "raise GUARANTY_MAX_MEMORY_GB" in err
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(LimitError, match="must be a number of gigabytes"):
        guaranty.simulate(scenario, worlds=10, anchor=False)


def test_the_caps_are_declared_once_and_used_where_they_bind() -> None:
    from guaranty import limits
    from guaranty.engine import run
    from guaranty.negotiation import space
    from guaranty.scenario import _yamlpos, compile, loader, schema

    assert loader.MAX_BYTES is limits.MAX_BYTES and run.MAX_WORLDS is limits.MAX_WORLDS
    assert _yamlpos.MAX_NODES is limits.MAX_NODES and _yamlpos.MAX_DEPTH is limits.MAX_DEPTH
    assert compile.MAX_BASE_DEPTH is limits.MAX_BASE_DEPTH
    assert space.MAX_PACKAGES is limits.MAX_SPACE
    size = schema.TroopDeployment.model_fields["size"].metadata
    assert any(getattr(m, "le", None) == limits.LEVERS["troops.size"] for m in size)
    with pytest.raises(guaranty.InputError, match=f"in \\[1, {limits.MAX_MONTHS}\\]"):
        guaranty.RunSpec(months=limits.MAX_MONTHS + 1)


# --------------------------------------------------------------------------------------------
# Item 5: every public function raises a GuarantyError on misuse, never KeyError/TypeError.


def _misuses() -> dict[str, Callable[[guaranty.Scenario], object]]:
    from guaranty.engine.run import plans

    def plan(s: guaranty.Scenario) -> Any:
        return plans(s, ["armed"], None, None)["armed"]

    def results(s: guaranty.Scenario) -> guaranty.Results:
        return guaranty.simulate(s, ["armed"], worlds=20, months=6, anchor=False)

    bad: Any = None
    return {
        "load_scenario(None)": lambda s: guaranty.load_scenario(bad),
        "load_scenario(123)": lambda s: guaranty.load_scenario(123),  # type: ignore[arg-type]
        "load_scenario(unknown)": lambda s: guaranty.load_scenario("no-such-scenario"),
        "parse_scenario(None)": lambda s: guaranty.parse_scenario(bad),
        "parse_scenario(list)": lambda s: guaranty.parse_scenario(["a"]),  # type: ignore[arg-type]
        "parse_scenario(surrogate)": lambda s: guaranty.parse_scenario("name: \ud800"),
        "simulate(None)": lambda s: guaranty.simulate(bad),
        "simulate(name)": lambda s: guaranty.simulate("eastmark"),  # type: ignore[arg-type]
        "simulate(unknown package)": lambda s: guaranty.simulate(s, ["nope"], worlds=10),
        "simulate(package 1)": lambda s: guaranty.simulate(s, [1], worlds=10),  # type: ignore[list-item]
        "simulate(packages str)": lambda s: guaranty.simulate(s, "armed", worlds=10),
        "simulate(packages dict)": lambda s: guaranty.simulate(s, {"armed": 1}, worlds=10),  # type: ignore[arg-type]
        "simulate(worlds str)": lambda s: guaranty.simulate(s, worlds="10"),  # type: ignore[arg-type]
        "simulate(worlds 0.5)": lambda s: guaranty.simulate(s, worlds=0.5),  # type: ignore[arg-type]
        "simulate(seed -1)": lambda s: guaranty.simulate(s, worlds=10, seed=-1),
        "simulate(unknown lens)": lambda s: guaranty.simulate(s, worlds=10, lens="x"),
        "simulate(lens 3)": lambda s: guaranty.simulate(s, worlds=10, lens=3),  # type: ignore[arg-type]
        "simulate(months 0)": lambda s: guaranty.simulate(s, worlds=10, months=0),
        "simulate(chunk 0)": lambda s: guaranty.simulate(s, worlds=10, chunk_size=0),
        "simulate(workers 0)": lambda s: guaranty.simulate(s, worlds=10, workers=0),
        "simulate(anchor 'yes')": lambda s: guaranty.simulate(s, worlds=10, anchor="yes"),  # type: ignore[arg-type]
        "simulate(progress 3)": lambda s: guaranty.simulate(s, worlds=10, progress=3),  # type: ignore[arg-type]
        "simulate(executor 3)": lambda s: guaranty.simulate(s, worlds=10, executor=3),  # type: ignore[arg-type]
        "iter_chunks(unknown)": lambda s: list(guaranty.iter_chunks(s, "x", worlds=9, seed=0)),
        "iter_chunks(None)": lambda s: list(guaranty.iter_chunks(s, bad, worlds=9, seed=0)),
        "iter_chunks(start -1)": lambda s: list(guaranty.iter_chunks(
            s, "armed", worlds=9, seed=0, start=-1)),
        "iter_chunks(start 'a')": lambda s: list(guaranty.iter_chunks(
            s, "armed", worlds=9, seed=0, start=bad or "a")),
        "calibrate(None)": lambda s: guaranty.calibrate(bad, seed=0),
        "calibrate(no anchor)": lambda s: guaranty.calibrate(s, seed=0),
        "calibrate(unknown package)": lambda s: guaranty.calibrate(s, seed=0, package="x"),
        "calibrate(unknown lens)": lambda s: guaranty.calibrate(s, seed=0, package="armed",
                                                                 lens="x"),
        "calibrate(reference)": lambda s: guaranty.calibrate(
            s, seed=0, package="armed", reference="x"),  # type: ignore[arg-type]
        "calibrate(seed 'a')": lambda s: guaranty.calibrate(s, seed="a", package="armed"),  # type: ignore[arg-type]
        "AnchorCache.get(None)": lambda s: guaranty.AnchorCache().get(bad, seed=0),
        "run_design(None)": lambda s: guaranty.run_design(bad, {}),
        "run_design(list)": lambda s: guaranty.run_design(plan(s), [1, 2]),  # type: ignore[arg-type]
        "run_design(unknown)": lambda s: guaranty.run_design(plan(s), {"x": np.array([0.5])}),
        "run_design(text)": lambda s: guaranty.run_design(plan(s), {"x": ["a"]}),  # type: ignore[dict-item]
        "metric_info(None)": lambda s: guaranty.metric_info(bad),
        "metric_info(3)": lambda s: guaranty.metric_info(3),  # type: ignore[arg-type]
        "sweep(None)": lambda s: guaranty.sweep(bad, "store.duckdb"),
        "sweep(store None)": lambda s: guaranty.sweep(s, bad, worlds=10),
        "sweep(unknown package)": lambda s: guaranty.sweep(s, "x.duckdb", ["x"], worlds=10),
        "registry.overridden(unknown)": lambda s: guaranty.default_registry().overridden(
            "x", {"dist": "fixed", "value": 1}),
        "registry.sample(seed -1)": lambda s: guaranty.default_registry().sample(-1, 0, 9),
        "registry.sample(stop < start)": lambda s: guaranty.default_registry().sample(0, 9, 0),
        "scenario.package(unknown)": lambda s: s.package("x"),
        "scenario.package(1)": lambda s: s.package(1),  # type: ignore[arg-type]
        "scenario.lens(unknown)": lambda s: s.lens("x"),
        "scenario.with_package(unknown field)": lambda s: s.with_package("armed", nope=1),
        "scenario.with_package(bad name)": lambda s: s.with_package("a b", s.package("armed")),
        "scenario.with_package(not a package)": lambda s: s.with_package("b", 3),  # type: ignore[arg-type]
        "results.metric(unknown package)": lambda s: results(s).metric("x", "p_war_horizon"),
        "results.metric(unknown metric)": lambda s: results(s).metric("armed", "x"),
        "results.mean(unknown metric)": lambda s: results(s).mean("armed", "x"),
        "results.metrics(unknown)": lambda s: results(s).metrics("x"),
        "results.inputs(unknown)": lambda s: results(s).inputs("x"),
        "RunSpec(worlds 0)": lambda s: guaranty.RunSpec(worlds=0),
    }


MISUSES = _misuses()


@pytest.mark.parametrize("misuse", sorted(MISUSES))
def test_api_misuse_raises_a_guaranty_error(misuse: str, tmp_path: pathlib.Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a sweep's store lands here
    scenario = guaranty.load_scenario(str(TINY))
    with pytest.raises(guaranty.GuarantyError) as info:
        MISUSES[misuse](scenario)
    assert str(info.value).strip(), misuse


# --------------------------------------------------------------------------------------------
# Item 7: faults on the store.


def _store_bits(report: Any) -> dict[tuple[str, str], bytes]:
    [results] = report.results().values()
    return {(p, k): v.tobytes() for p, out in results.outcomes.items() for k, v in out.items()}


def test_a_corrupted_chunk_is_detected_by_its_checksum_and_computed_again(
        tmp_path: pathlib.Path) -> None:
    pytest.importorskip("duckdb")
    import duckdb

    from guaranty.store import sweep

    scenario = guaranty.load_scenario(str(TINY))
    store = tmp_path / "runs.duckdb"
    args: dict[str, Any] = {"worlds": 40, "seed": 5, "chunk_size": 10, "months": 6,
                            "anchor": False}
    first = sweep(scenario, store, ["armed"], **args)
    want = _store_bits(first)
    con = duckdb.connect(str(store))
    [(path, digest)] = con.execute("SELECT path, sha256 FROM chunks WHERE chunk_index = 2"
                                   ).fetchall()
    con.close()
    assert len(digest) == 64
    target = store.with_suffix(".chunks") / path
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one flipped byte, same size: the row count would not see it
    target.write_bytes(bytes(data))
    again = sweep(scenario, store, ["armed"], **args)
    assert (again.resumed, again.written) == (3, 1)
    assert _store_bits(again) == want


def test_a_full_disk_gives_a_clear_error_and_leaves_the_store_consistent(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("duckdb")
    import errno

    import pyarrow.parquet as pq

    from guaranty.errors import StoreError
    from guaranty.store import sweep

    scenario = guaranty.load_scenario(str(TINY))
    store = tmp_path / "runs.duckdb"
    args: dict[str, Any] = {"worlds": 40, "seed": 5, "chunk_size": 10, "months": 6,
                            "anchor": False}
    real = pq.write_table
    calls = []

    def full_disk(table: Any, where: Any, *a: Any, **k: Any) -> None:
        calls.append(where)
        if len(calls) > 2:
            pathlib.Path(where).write_bytes(b"PAR1 half")  # a partial file, then ENOSPC
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(table, where, *a, **k)

    monkeypatch.setattr(pq, "write_table", full_disk)
    with pytest.raises(StoreError, match="No space left on device; the store is consistent"):
        sweep(scenario, store, ["armed"], **args)
    folder = store.with_suffix(".chunks")
    assert not [p for p in folder.rglob("*") if ".tmp-" in p.name]  # no partial file left
    assert len([p for p in folder.rglob("*.parquet")]) == 2
    code, _, err = _cli(["sweep", str(TINY), "-p", "armed", "--worlds", "40", "--seed", "5",
                         "--chunk-size", "10", "--months", "6", "--no-anchor", "--store",
                         str(store)], capsys)
    assert code == 1 and "No space left on device" in err and "Traceback" not in err, err
    monkeypatch.setattr(pq, "write_table", real)
    done = sweep(scenario, store, ["armed"], **args)
    assert (done.resumed, done.written) == (2, 2)
    fresh = sweep(scenario, tmp_path / "fresh.duckdb", ["armed"], **args)
    assert _store_bits(done) == _store_bits(fresh)


def test_a_vanishing_troop_request_has_a_finite_shortfall(tmp_path: pathlib.Path) -> None:
    # Found by the fuzzer: a size of 2e-313 soldiers is 0 in single precision, and the share
    # of the request that cannot be found was 0/0.
    text = TINY.read_text().replace("size: 3000, mission: reassurance",
                                    "size: 2.2250738585e-313, mission: reassurance")
    path = tmp_path / "tiny-troops.yaml"
    path.write_text(text)
    scenario = guaranty.load_scenario(str(path))
    out = guaranty.simulate(scenario, ["guaranteed"], worlds=20, seed=0, months=6, anchor=False)
    shortfall = out.outcomes["guaranteed"]["troops_shortfall_share"]
    assert np.all(np.isfinite(shortfall)) and np.all((shortfall >= 0) & (shortfall <= 1))
