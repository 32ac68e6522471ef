"""schemathesis against the web API's own OpenAPI schema: generated requests (valid and not)
to every operation, asserting that none gets a 5xx; and hypothesis-generated valid requests
(packages, lenses, seeds, lever values within their bounds), each answered in full.

The app runs with small bounds (a few hundred worlds) and only the tiny scenario, whose name the
schema lists, so generated requests that pass every check simulate in well under a second; the
example budget keeps the whole file to a few seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import guaranty  # noqa: E402
from guaranty._datasets import scenario_path  # noqa: E402
from guaranty.web import Bounds, create_app  # noqa: E402

TINY = Path(guaranty.__file__).parent / "testing" / "tiny.yaml"
# The schema names the scenarios (an enum), so generated requests that pass every check run.
APP = create_app(scenarios={"tiny": TINY},
                 bounds=Bounds(max_worlds=400, max_packages=2, max_world_months=400 * 120,
                               max_body_bytes=64 * 1024, running=1, waiting=4))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:  # every refusal says why, in one JSON field
        assert response.json()["error"], response.text[:500]


# --- valid requests: generated within the bounds, each answered in full -----------------------

LEVERS_APP = create_app(scenarios={"tiny": TINY, "ukraine-2025": scenario_path("ukraine-2025")},
                        bounds=Bounds(max_worlds=400, max_world_months=400 * 120 * 2))
UKRAINE = guaranty.load_scenario("ukraine-2025")


def _lever_values() -> st.SearchStrategy[dict[str, Any]]:
    """Values of a random subset of the Ukraine scenario's levers, within their bounds."""
    from guaranty.analysis.levers import options

    choices: dict[str, st.SearchStrategy[Any]] = {}
    for name, lever in UKRAINE.levers.items.items():
        if lever.categorical:
            choices[name] = st.sampled_from(options(UKRAINE, lever))
        else:
            assert lever.low is not None and lever.high is not None
            choices[name] = st.floats(lever.low, lever.high, allow_nan=False)
    return st.fixed_dictionaries({}, optional=choices)


@given(body=st.one_of(
    st.fixed_dictionaries({
        "scenario": st.just("tiny"),
        "packages": st.lists(st.sampled_from(["ceasefire", "armed", "guaranteed"]), min_size=1,
                             max_size=3, unique=True),
        "worlds": st.integers(100, 400), "seed": st.integers(0, 2**32 - 1),
        "lens": st.sampled_from([None, "sceptic"])}),
    st.fixed_dictionaries({
        "scenario": st.just("ukraine-2025"), "packages": st.just(["ceasefire-only"]),
        "worlds": st.just(100), "levers": _lever_values(),
        "wording": st.sampled_from([None, "shall-armed-force", "consult"])}),
))
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_valid_requests_get_whole_answers(body: dict[str, Any]) -> None:
    with TestClient(LEVERS_APP) as client:
        response = client.post("/api/simulate", json=body)
    assert response.status_code == 200, response.text[:500]
    answer = response.json()
    assert len(answer["packages"]) == len(body["packages"])
    for row in answer["packages"]:
        curve = row["curve"]["mean"]
        assert all(0.0 <= p <= 1.0 for p in curve)
        assert curve == sorted(curve)  # P(war by month) never falls
