"""The engine as a kernel: pure steps, an explicit and cached anchor, designs and inputs."""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import guaranty
from guaranty.engine import (
    AnchorCache,
    calibrate,
    init,
    prepare,
    run_chunk,
    run_design,
    step,
)
from guaranty.engine.anchoring import stored_anchor
from guaranty.errors import InputError
from guaranty.scenario import compile_plan

WORLDS = 600


def _same(a: guaranty.Results, b: guaranty.Results, packages: list[str]) -> None:
    for name in packages:
        assert a.outcomes[name].keys() == b.outcomes[name].keys()
        for metric, values in a.outcomes[name].items():
            np.testing.assert_array_equal(values, b.outcomes[name][metric], err_msg=metric)


def test_step_returns_a_new_state_and_changes_nothing_it_is_given(
        ukraine: guaranty.Scenario) -> None:
    plan = compile_plan(ukraine, "deep-defence")
    inputs = prepare(plan, plan.registry.sample(1, 0, 50), 24)
    state = init(inputs)
    frozen = [np.array(a, copy=True) for a in _arrays(state)]
    new, month = step(inputs, state, 0)
    for before, after in zip(frozen, _arrays(state), strict=True):
        np.testing.assert_array_equal(before, after)
    assert new is not state and month.hazard.shape == (50,)
    assert not np.shares_memory(new.supply.stock, state.supply.stock)


def _arrays(obj: object) -> list[np.ndarray]:
    """Every array inside a (nested) state record."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _arrays(v)]
    if isinstance(obj, tuple):
        return [a for v in obj for a in _arrays(v)]
    if hasattr(obj, "__dataclass_fields__"):
        return [a for k in obj.__dataclass_fields__ for a in _arrays(getattr(obj, k))]
    return []


def test_twenty_variants_share_the_stored_anchor(ukraine: guaranty.Scenario) -> None:
    cache = AnchorCache()
    anchors = set()
    for size in range(20):
        variant = ukraine.with_package("strong-army", financing={
            "weapons_usd_bn_per_year": 20.0 + size})
        results = guaranty.simulate(variant, ["strong-army"], worlds=200, seed=4, months=24,
                                    anchor=cache)
        assert results.anchor is not None
        anchors.add(results.anchor.scale)
    assert cache.calibrations == 0 and anchors == {stored_anchor().scale}


def test_the_anchor_depends_on_no_scenario_and_no_seed(ukraine: guaranty.Scenario) -> None:
    cache = AnchorCache()
    changed = ukraine.with_package("ceasefire-only", neutrality=True)
    assert cache.get(ukraine, seed=4) == cache.get(changed, seed=5) == stored_anchor()
    assert cache.calibrations == 0


def test_reordering_packages_changes_no_number(ukraine: guaranty.Scenario) -> None:
    names = list(ukraine.packages)
    reordered = ukraine.model_copy(update={
        "packages": {name: ukraine.packages[name] for name in reversed(names)}})
    chosen = ["strong-army", "ceasefire-only", "deep-defence"]
    a = guaranty.simulate(ukraine, chosen, worlds=WORLDS, seed=8, months=36)
    b = guaranty.simulate(reordered, list(reversed(chosen)), worlds=WORLDS, seed=8, months=36)
    assert a.anchor == b.anchor
    _same(a, b, chosen)


def test_a_scenario_without_an_anchor_is_anchored_all_the_same(
        ukraine: guaranty.Scenario) -> None:
    bare = ukraine.model_copy(update={"anchor": None})
    results = guaranty.simulate(bare, ["ceasefire-only"], worlds=200, seed=1, months=12)
    assert results.anchor == stored_anchor()
    assert not any("unanchored" in note for note in results.notes())
    off = guaranty.simulate(bare, ["ceasefire-only"], worlds=200, seed=1, months=12,
                            anchor=False)
    assert off.anchor is None and any("unanchored" in note for note in off.notes())
    assert off.registries["ceasefire-only"]["decision.base_hazard_scale"].distribution.mean \
        == 1.0


def test_a_given_anchor_is_used_as_is(ukraine: guaranty.Scenario) -> None:
    given = guaranty.simulate(ukraine, ["strong-army"], worlds=300, seed=2, months=24,
                              anchor=stored_anchor())
    computed = guaranty.simulate(ukraine, ["strong-army"], worlds=300, seed=2, months=24)
    assert given.anchor == computed.anchor == stored_anchor()
    _same(given, computed, ["strong-army"])
    fitted = calibrate(ukraine, seed=2, worlds=200, bootstrap=0)
    assert fitted.sd_log == 0.0
    other = guaranty.simulate(ukraine, ["strong-army"], worlds=300, seed=2, months=24,
                              anchor=fitted)
    assert other.anchor is fitted
    assert other.registries["strong-army"]["decision.base_hazard_scale"].distribution.mean \
        == pytest.approx(fitted.scale)


def test_an_injected_executor_changes_no_number(ukraine: guaranty.Scenario) -> None:
    alone = guaranty.simulate(ukraine, ["sky-shield"], worlds=900, seed=6, months=24,
                              chunk_size=250)
    with ThreadPoolExecutor(2) as pool:
        pooled = guaranty.simulate(ukraine, ["sky-shield"], worlds=900, seed=6, months=24,
                                   chunk_size=250, executor=pool)
    _same(alone, pooled, ["sky-shield"])


def test_inputs_are_the_values_the_engine_used(ukraine: guaranty.Scenario) -> None:
    results = guaranty.simulate(ukraine, ["deep-defence"], worlds=WORLDS, seed=12, months=36,
                                chunk_size=256)
    inputs = results.inputs("deep-defence")
    assert inputs.shape == (WORLDS, len(results.registries["deep-defence"]))
    plan = compile_plan(ukraine, "deep-defence")
    again = run_chunk(plan, {k: inputs[k].to_numpy() for k in inputs.columns}, 36)
    for metric, values in results.outcomes["deep-defence"].items():
        np.testing.assert_array_equal(values, again[metric], err_msg=metric)
    some = results.inputs("deep-defence", names=["decision.gain", "defender.personnel"])
    assert list(some.columns) == ["decision.gain", "defender.personnel"]


def test_run_design_evaluates_a_saltelli_design(ukraine: guaranty.Scenario) -> None:
    sobol = pytest.importorskip("SALib.sample.sobol")
    plan = compile_plan(ukraine, "strong-army")
    names = ["decision.value_sensitivity", "decision.failure_cost", "campaign.war_months"]
    assert set(names) <= set(plan.registry.uncertain())
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol.sample(problem, 16, calc_second_order=False, seed=3)
    u = np.clip(u, 1e-9, 1 - 1e-9)
    design = {name: u[:, i] for i, name in enumerate(names)}
    out = run_design(plan, design, months=24, seed=3, chunk_size=37)
    assert out["p_war_24m"].shape == (len(u),)
    # Each row is one world: the design's values, the seeded draws elsewhere.
    params = plan.registry.sample(3, 0, len(u))
    params.update(plan.registry.ppf(design))
    np.testing.assert_array_equal(out["p_war_24m"], run_chunk(plan, params, 24)["p_war_24m"])
    with pytest.raises(InputError):
        run_design(plan, {"decision.failure_cost": u[:, 0], "campaign.war_months": u[:5, 1]})


def test_registry_ppf_maps_uniforms_to_the_sampled_values(ukraine: guaranty.Scenario) -> None:
    registry = compile_plan(ukraine, "strong-army").registry
    uncertain = registry.uncertain()
    assert "decision.failure_cost" in uncertain and "decision.base_hazard_scale" in uncertain
    drawn = registry.sample(5, 10, 40)
    mapped = registry.ppf(registry.uniforms(5, 10, 40))
    for name in uncertain:
        np.testing.assert_array_equal(mapped[name], drawn[name])


def test_packages_stepped_together_equal_each_run_alone(ukraine: guaranty.Scenario) -> None:
    # Every built-in package (troops, treaties, aircraft, naval, ISR, caps, a P5 veto) in one
    # pass of the kernel, against each run on its own: the same numbers, bit for bit.
    names = list(ukraine.packages)
    together = guaranty.simulate(ukraine, names, worlds=300, seed=21, months=30,
                                 chunk_size=300 * len(names))
    for name in names:
        alone = guaranty.simulate(ukraine, [name], worlds=300, seed=21, months=30)
        _same(alone, together, [name])


ENGINE = Path(guaranty.__file__).parent / "engine"
MODELS = Path(guaranty.__file__).parent / "models"


def _functions(path: Path) -> list[tuple[str, int, int]]:
    tree = ast.parse(path.read_text())
    return [(n.name, n.lineno, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno]


def test_no_engine_function_is_longer_than_60_lines() -> None:
    long = [f"{p.name}:{line} {name} ({size} lines)" for p in sorted(ENGINE.glob("*.py"))
            for name, line, size in _functions(p) if size > 60]
    assert not long, long


def _strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a module (f-strings by their literal head), docstrings left out."""
    tree = ast.parse(path.read_text())
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            out.append((n.lineno, n.value))
        elif isinstance(n, ast.JoinedStr) and n.values and isinstance(n.values[0], ast.Constant):
            out.append((n.lineno, str(n.values[0].value)))
    return out


def test_parameter_names_are_read_in_one_module(ukraine: guaranty.Scenario) -> None:
    # The engine and the models see arrays only; engine/inputs.py reads every name.
    sections = {name.split(".")[0] for name in compile_plan(ukraine, "deep-defence").registry}
    found = [f"{p.relative_to(ENGINE.parent)}:{line}: {text!r}"
             for p in sorted([*ENGINE.glob("*.py"), *MODELS.glob("*.py")])
             if p.name != "inputs.py"
             for line, text in _strings(p)
             if "." in text and text.split(".")[0] in sections and " " not in text]
    assert not found, "\n".join(found)


def test_a_hazard_only_step_keeps_the_same_survival(ukraine: guaranty.Scenario) -> None:
    plan = compile_plan(ukraine, "sky-shield")
    inputs = prepare(plan, plan.registry.sample(3, 0, 200), 36)
    full, lean = init(inputs), init(inputs)
    for t in range(36):
        full, _ = step(inputs, full, t)
        lean, month = step(inputs, lean, t, hazard_only=True)
        assert month.consequences == {}
    np.testing.assert_array_equal(full.ledger.survival, lean.ledger.survival)


def test_bad_analysis_inputs_are_input_errors(ukraine: guaranty.Scenario) -> None:
    from guaranty.errors import RegistryError
    from guaranty.outside import outside_estimate
    from guaranty.scenario import Provisions

    plan = compile_plan(ukraine, "strong-army")
    u = np.full(10, 0.5)
    for kwargs in ({"months": 0}, {"months": -1}, {"chunk_size": 0}):
        with pytest.raises(InputError):
            run_design(plan, {"decision.failure_cost": u}, **kwargs)
    with pytest.raises(InputError):
        run_design(plan, {"decision.failure_cost": np.zeros((2, 5))})
    with pytest.raises(InputError):
        run_design(plan, {})
    with pytest.raises(RegistryError, match=r"\[0, 1\]"):
        plan.registry.ppf({"decision.failure_cost": np.array([0.2, 1.5])})
    with pytest.raises(RegistryError, match=r"\[0, 1\]"):
        plan.registry.ppf({"decision.failure_cost": np.array([np.nan])})
    bare = ukraine.model_copy(update={"anchor": None})
    with pytest.raises(InputError, match="anchor must be"):
        guaranty.simulate(bare, ["ceasefire-only"], worlds=10, anchor="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="string"):
        guaranty.simulate(ukraine, "strong-army", worlds=10)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="did you mean 'strong-army'"):
        ukraine.with_package("strong-armi", neutrality=True)
    with pytest.raises(InputError, match="neutrallity"):
        ukraine.with_package("strong-army", neutrallity=True)
    r = guaranty.simulate(ukraine, ["strong-army"], worlds=20, months=12, seed=1)
    with pytest.raises(InputError, match="unknown package"):
        r.inputs("nope")
    estimate = outside_estimate(Provisions())
    with pytest.raises(TypeError):
        estimate.p_war[120] = (0.99, 0.0, 1.0)  # type: ignore[index]
