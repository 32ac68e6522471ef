"""Fuzzing (issue 16, item 6): generated scenarios, valid and near-valid, through the loader,
``guaranty validate`` and a short run.

Every generated file must be refused with exit code 2 and positioned messages, or accepted
and run to outputs that are finite (NaN only where a metric is undefined), in range, with
P(war) non-decreasing over the months, and the same bits whatever the chunking. No
traceback, no "internal error", no hang.

The budget is the number of generated scenarios per test: ``GUARANTY_FUZZ_EXAMPLES``
(default 8, a few seconds in ``make test``); ``make fuzz`` runs a nightly-size budget and
prints the count. Every failure found becomes a regression test (the end of this file).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import pathlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import guaranty
from guaranty.cli import main
from guaranty.errors import NonFiniteError
from guaranty.models.outcomes import GIVEN_WAR, WAR_CHECKPOINTS
from guaranty.testing import strategies as gst

EXAMPLES = int(os.environ.get("GUARANTY_FUZZ_EXAMPLES", "8"))
SHRINK = os.environ.get("GUARANTY_FUZZ_SHRINK", "1") != "0"  # 0: report failures unshrunk
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 8,
                phases=list(Phase) if SHRINK else [Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])
POSITIONED = re.compile(r"^fuzz\.yaml:\d+:\d+: ", re.MULTILINE)
WORLDS = 6
TALLY: Counter[str] = Counter()


SLOWEST: list[float] = [0.0]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if TALLY:
        print(f"\nfuzz: {TALLY['accepted'] + TALLY['refused']} generated scenarios "
              f"({TALLY['accepted']} accepted and run, {TALLY['refused']} refused with exit "
              f"code 2 and a place; {TALLY['worlds']} worlds run) and {TALLY['texts']} edited "
              f"texts; {TALLY['tracebacks']} tracebacks, {TALLY['non-finite']} non-finite "
              f"outputs, {TALLY['failed']} other failed checks; slowest example "
              f"{SLOWEST[0]:.1f} s", flush=True)


@contextlib.contextmanager
def counted() -> Iterator[None]:
    """Count what an example ends in (the summary above); failures are re-raised."""
    start = time.perf_counter()
    try:
        yield
    except NonFiniteError:
        TALLY["non-finite"] += 1
        raise
    except AssertionError as exc:
        TALLY["tracebacks" if "Traceback" in str(exc) or "internal error" in str(exc)
              else "failed"] += 1
        raise
    except Exception:
        TALLY["tracebacks"] += 1
        raise
    finally:
        SLOWEST[0] = max(SLOWEST[0], time.perf_counter() - start)


def check_file(text: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> bool:
    """``guaranty validate`` on ``text``: exit 0, or exit 2 with positioned lines only.
    Returns whether the file was accepted."""
    path = tmp_path / "fuzz.yaml"
    path.write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["validate", str(path)])
    _, err = capsys.readouterr()
    code = info.value.code
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        lines = err.strip().splitlines()
        assert lines and all(POSITIONED.match(line.replace(str(tmp_path) + "/", ""))
                             for line in lines), err
    return code == 0


def check_run(scenario: guaranty.Scenario, seed: int) -> None:
    """A short run: finite, in range, P(war) non-decreasing, the same bits in chunks of 1, 4
    and all the worlds."""
    whole = guaranty.simulate(scenario, worlds=WORLDS, seed=seed, anchor=False)
    TALLY["worlds"] += WORLDS * len(whole.packages)
    months = whole.months
    for package in whole.packages:
        out = whole.outcomes[package]
        war = out["p_war_horizon"]
        for metric, values in out.items():
            undefined = np.isnan(values)
            if metric in GIVEN_WAR:
                assert not (undefined & (war > 0)).any(), (package, metric)
            elif not metric.startswith("reconstruction_needs_met_share_"):
                assert not undefined.any(), (package, metric)
            assert not np.isinf(values).any(), (package, metric)
            if metric.startswith(("p_war", "p_hold", "p_air", "p_blockade", "troops_feasible")):
                ok = values[~undefined]
                assert ((ok >= 0) & (ok <= 1)).all(), (package, metric, values)
        ladder = [out[f"p_war_{t}m"] for t in WAR_CHECKPOINTS if t <= months] + [war]
        for earlier, later in itertools.pairwise(ladder):
            assert (later >= earlier).all(), (package, earlier, later)
    for chunk in (1, 4):
        again = guaranty.simulate(scenario, worlds=WORLDS, seed=seed, anchor=False,
                                  chunk_size=chunk)
        for package in whole.packages:
            for metric, values in whole.outcomes[package].items():
                assert np.array_equal(values, again.outcomes[package][metric],
                                      equal_nan=True), (package, metric, chunk)


def check_json(text: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """``guaranty run --json``: exit 0, and no null where a metric is defined."""
    path = tmp_path / "fuzz.yaml"
    path.write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["run", str(path), "--worlds", str(WORLDS), "--no-anchor", "--json"])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    for package in json.loads(out)["packages"]:
        for metric, summary in package["metrics"].items():
            if metric in GIVEN_WAR or metric.startswith("reconstruction_needs_met_share_"):
                continue
            assert summary["mean"] is not None, (package["name"], metric)


def check_generated(text: str, seed: int, tmp: pathlib.Path,
                    capsys: pytest.CaptureFixture[str], *, with_json: bool) -> None:
    """A generated scenario text: refused with a place, or run sanely (and, when asked, its
    CLI JSON checked)."""
    with counted():
        if not check_file(text, tmp, capsys):
            TALLY["refused"] += 1
            return
        TALLY["accepted"] += 1
        check_run(guaranty.parse_scenario(text, name="fuzz.yaml"), seed)
        if with_json:
            check_json(text, tmp, capsys)


@FUZZ
@given(data=gst.scenario_data(), seed=gst.seeds(1000))
def test_generated_scenarios_load_and_run_sanely(
        data: dict[str, Any], seed: int, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI's JSON for a quarter of them.
    check_generated(gst.scenario_yaml(data), seed, tmp_path_factory.mktemp("fuzz"), capsys,
                    with_json=seed % 4 == 0)


@FUZZ
@given(data=gst.near_valid_scenario_data(), seed=gst.seeds(1000))
def test_near_valid_scenarios_are_refused_with_a_place_or_run_sanely(
        data: dict[str, Any], seed: int, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    check_generated(gst.scenario_yaml(data), seed, tmp_path_factory.mktemp("fuzz"), capsys,
                    with_json=False)


@FUZZ
@given(data=st.data())
def test_generated_text_never_crashes_the_loader(data: st.DataObject) -> None:
    """Random edits of a generated file's text (not of its data): the loader answers with a
    Scenario or a ScenarioError, nothing else."""
    text = gst.scenario_yaml(data.draw(gst.scenario_data(max_months=6)))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        junk = data.draw(st.sampled_from(["", ":", "- ", "{", "]", "&a ", "*a", "!!python/x ",
                                          "\t", "\n  ", "1e999", "0x", "'", '"', "\\u202e",
                                          "<<: ", "? ", "%YAML 1.1\n", "~", "010"]))
        text = text[:at] + junk + text[at + cut:]
    TALLY["texts"] += 1
    with counted():
        try:
            guaranty.parse_scenario(text, name="fuzz.yaml")
        except guaranty.ScenarioError as exc:
            assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)
            assert all("\n" not in str(p) for p in exc.problems)


# --------------------------------------------------------------------------------------------
# Regressions: each failure the fuzzer found, kept as a plain test.

REGRESSIONS = pathlib.Path(__file__).parent / "data" / "fuzz"


def test_regression_soldiers_beyond_any_army_overflowed_the_campaign_model() -> None:
    # 10^10 soldiers a side and no combat power: the aggressor's casualties came out NaN
    # (exp of the extreme battle ratio times the force overflows float32). Soldiers are now
    # capped at 10^8 (guaranty.units.FIELD_CEILINGS), with the place of the field.
    text = (REGRESSIONS / "casualties-overflow.yaml").read_text()
    with pytest.raises(guaranty.ScenarioError) as info:
        guaranty.parse_scenario(text, name="fuzz.yaml")
    shown = str(info.value)
    assert re.search(r"fuzz\.yaml:7:14: defender\.personnel: must be <= 1e\+08 in every "
                     r"world \(soldiers, in persons\)", shown), shown
    assert "aggressor.recruitment_per_month: must be <= 1e+07" in shown
    capped = text.replace("10000000000.0", "100000000.0").replace("88924879.88177839", "1e7")
    check_run(guaranty.parse_scenario(capped, name="fuzz.yaml"), 777)


def test_regression_a_given_war_mean_stays_within_its_values_at_a_tiny_risk() -> None:
    # A generated scenario with no combat power on either side gave P(war) ~ 1e-14 and
    # p_hold_given_war = 1.0019: a probability above 1. WarLedger.finish divided by 1 - S_T,
    # which cancels at such a risk; it now divides by the running sum of the monthly starts.
    from guaranty.models.outcomes import WarLedger

    for hazard in (4e-16, 1e-15, 3e-15, 1e-13):
        ledger = WarLedger.start(1, 24)
        for month in range(24):
            ledger = ledger.record(month, np.array([hazard]),
                                   {name: np.ones(1) for name in GIVEN_WAR})
        out = ledger.finish()
        assert out["p_war_horizon"][0] > 0
        for name in GIVEN_WAR:
            assert out[name][0] == pytest.approx(1.0, abs=1e-9), (hazard, name, out[name])


def test_regression_a_rout_many_times_over_overflowed_the_campaign_model() -> None:
    # The aggressor's combat power about 1e12 times the defender's: exp(4 x) in the
    # breakthrough rate overflowed float32 and 0/0 made the ground lost NaN in world 4 of
    # seed 462. The log force ratio is now held within +-20 (engine.chain.LN_RATIO_LIMIT).
    text = (REGRESSIONS / "ground-lost-overflow.yaml").read_text()
    check_run(guaranty.parse_scenario(text, name="fuzz.yaml"), 462)
