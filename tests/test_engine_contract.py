"""The seed contract: same seed, same numbers, whatever the chunking or the worker count."""

from __future__ import annotations

import json

import numpy as np
import pytest

import guaranty
from guaranty.cli import main
from guaranty.engine import iter_chunks
from guaranty.errors import InputError
from guaranty.rng import uniforms

SPAN = 3 * 4096 + 17  # worlds, across several chunks of 999


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main(["run", "scenarios/ukraine-2025.yaml", "--json", *args])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_same_seed_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    first = _run_json(capsys, "--worlds", "1500", "--seed", "11")
    second = _run_json(capsys, "--worlds", "1500", "--seed", "11")
    assert first == second
    document = json.loads(first)
    assert document["seed"] == 11 and document["worlds"] == 1500


def test_chunk_size_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # Every package and metric of the JSON (drivers included), chunks that divide the worlds
    # and chunks that do not.
    a = _run_json(capsys, "--worlds", "3000", "--seed", "5", "--chunk-size", "1000")
    b = _run_json(capsys, "--worlds", "3000", "--seed", "5", "--chunk-size", "777")
    assert a == b


def test_chunks_and_workers_give_identical_arrays(ukraine: guaranty.Scenario) -> None:
    base = guaranty.simulate(ukraine, ["strong-army"], worlds=5000, seed=3, chunk_size=5000)
    odd = guaranty.simulate(ukraine, ["strong-army"], worlds=5000, seed=3, chunk_size=333)
    pooled = guaranty.simulate(ukraine, ["strong-army"], worlds=5000, seed=3, chunk_size=1024,
                               workers=2)
    for other in (odd, pooled):
        for name, values in base.outcomes["strong-army"].items():
            np.testing.assert_array_equal(values, other.outcomes["strong-army"][name])


def test_chunk_iterator_resumes_where_it_stopped(ukraine: guaranty.Scenario) -> None:
    whole = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=3000, seed=9)
    resumed = list(iter_chunks(ukraine, "ceasefire-only", worlds=3000, seed=9, chunk_size=700,
                               start=1400))
    assert resumed[0].start == 1400 and resumed[-1].stop == 3000
    tail = np.concatenate([c.outcomes["p_war_120m"] for c in resumed])
    np.testing.assert_array_equal(tail, whole.outcomes["ceasefire-only"]["p_war_120m"][1400:])


def test_different_seeds_differ(ukraine: guaranty.Scenario) -> None:
    a = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=500, seed=1)
    b = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=500, seed=2)
    assert not np.array_equal(a.outcomes["ceasefire-only"]["p_war_120m"],
                              b.outcomes["ceasefire-only"]["p_war_120m"])


def test_uniform_stream_depends_only_on_world_index() -> None:
    whole = uniforms(4, "x", 0, SPAN)
    parts = np.concatenate([uniforms(4, "x", a, min(a + 999, SPAN))
                            for a in range(0, SPAN, 999)])
    np.testing.assert_array_equal(whole, parts)
    assert whole.min() > 0 and whole.max() < 1


@pytest.mark.parametrize("kwargs", [{"worlds": 0}, {"worlds": 10, "seed": -1},
                                    {"worlds": 10, "chunk_size": 0},
                                    {"worlds": 10, "months": 0},
                                    {"worlds": 10, "lens": "nobody"}])
def test_bad_options_are_input_errors(ukraine: guaranty.Scenario, kwargs: dict) -> None:
    with pytest.raises(InputError):
        guaranty.simulate(ukraine, ["ceasefire-only"], **kwargs)


def test_results_record_identity(ukraine: guaranty.Scenario) -> None:
    results = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=200, seed=8,
                                lens="miron", months=36)
    assert (results.scenario, results.seed, results.lens, results.months) == (
        "ukraine-2025", 8, "miron", 36)
    assert results.version == guaranty.__version__
    frame = results.to_pandas()
    assert len(frame) == 200 and {"package", "world", "p_war_12m", "p_war_24m"} <= set(frame)
    assert "p_war_60m" not in frame  # beyond the 36-month horizon
