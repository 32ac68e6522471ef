"""schemathesis against the web API's own OpenAPI schema: generated requests (valid and not)
to every operation, asserting that none gets a 5xx.

The app runs with small bounds (a few hundred worlds) and the tiny scenario beside the Ukraine
one, so a generated request that passes every check simulates in well under a second; the
example budget keeps the whole file to a few seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, settings  # noqa: E402

import guaranty  # noqa: E402
from guaranty._datasets import scenario_path  # noqa: E402
from guaranty.web import Bounds, create_app  # noqa: E402

TINY = Path(guaranty.__file__).parent / "testing" / "tiny.yaml"
APP = create_app(scenarios={"ukraine-2025": scenario_path("ukraine-2025"), "tiny": TINY},
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
