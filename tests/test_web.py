"""The web API (guaranty.web): each endpoint through Starlette's TestClient, the numbers against
guaranty.simulate, the staged answer's seed contract, and the bounds (4xx with a clear message,
never 5xx). The browser test is tests/test_web_browser.py, the fuzzing tests/test_web_schema.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient
from typer.testing import CliRunner

import guaranty
from guaranty._datasets import scenario_path
from guaranty.cli.root import app as cli_app
from guaranty.scenario.compile import resolve_package
from guaranty.web import Bounds, create_app, service
from guaranty.web.app import Busy, Gate

TINY = Path(guaranty.__file__).parent / "testing" / "tiny.yaml"
DATA = Path(__file__).parent / "data"
BOUNDS = Bounds(max_worlds=3_000, max_packages=3, max_world_months=3_000 * 120 * 2,
                max_body_bytes=200_000, running=1, waiting=2)
UKRAINE = "ukraine-2025"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(scenarios={UKRAINE: scenario_path(UKRAINE), "tiny": TINY}, bounds=BOUNDS)
    with TestClient(app) as c:
        yield c


def post(client: TestClient, body: dict[str, object], url: str = "/api/simulate"
         ) -> tuple[int, dict[str, object]]:
    r = client.post(url, json=body)
    return r.status_code, r.json()


# --- endpoints --------------------------------------------------------------------------------


def test_scenarios_are_listed_by_name_with_their_packages(client: TestClient) -> None:
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()}
    assert set(listed) == {UKRAINE, "tiny"}
    assert "strong-army" in listed[UKRAINE]["packages"]


def test_builtin_names_are_the_shipped_scenarios() -> None:
    assert UKRAINE in service.builtin_scenarios()


def test_a_scenario_describes_its_packages_lenses_and_levers(client: TestClient) -> None:
    info = client.get(f"/api/scenarios/{UKRAINE}").json()
    levers = {lever["name"]: lever for lever in info["levers"]}
    assert levers["uk-troops"]["kind"] == "number"
    assert (levers["uk-troops"]["low"], levers["uk-troops"]["high"]) == (0, 10_000)
    assert "europe" in levers["treaties"]["options"]
    assert info["anchor"] == "ceasefire-only" and "luzin" in info["lenses"]


def test_simulate_gives_the_numbers_of_guaranty_simulate(client: TestClient) -> None:
    status, body = post(client, {"scenario": "tiny", "packages": ["armed", "ceasefire"],
                                 "worlds": 400, "seed": 7})
    assert status == 200
    direct = guaranty.simulate(guaranty.load_scenario(TINY), ["armed", "ceasefire"],
                               worlds=400, seed=7)
    rows = {row["package"]: row for row in body["packages"]}  # type: ignore[union-attr]
    for name in ("armed", "ceasefire"):
        curve = rows[name]["curve"]
        assert curve["months"] == [0, 12, 24]
        assert curve["mean"][-1] == direct.metric(name, "p_war_24m").mean
        assert curve["p95"][1] == direct.metric(name, "p_war_12m").p95
        assert rows[name]["rejected_by"] == list(direct.rejections.get(name, ()))
    assert body["worlds"] == 400 and body["seed"] == 7


def test_the_anchor_package_gives_a_paired_change(client: TestClient) -> None:
    status, body = post(client, {"scenario": UKRAINE, "packages": ["strong-army",
                                                                   "ceasefire-only"],
                                 "worlds": 300})
    assert status == 200
    rows = {row["package"]: row for row in body["packages"]}  # type: ignore[union-attr]
    change = rows["strong-army"]["change_vs_anchor"]
    assert rows["ceasefire-only"]["change_vs_anchor"] is None
    expected = (rows["strong-army"]["metrics"]["p_war_120m"]["mean"]
                - rows["ceasefire-only"]["metrics"]["p_war_120m"]["mean"])
    assert change["mean"] == pytest.approx(expected, abs=1e-6)
    assert change["low"] < change["mean"] < change["high"]
    # Sorted by risk, lowest first; the historical view rides along.
    risks = [row["metrics"]["p_war_120m"]["mean"] for row in body["packages"]]  # type: ignore
    assert risks == sorted(risks)
    assert rows["strong-army"]["outside_view"]["p_war"]["120"][0] > 0


def test_the_stream_refines_in_stages_and_ends_on_the_full_run(client: TestClient) -> None:
    r = client.post("/api/simulate/stream", json={"scenario": "tiny", "packages": ["armed"],
                                                  "worlds": 2_500, "seed": 3})
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    parts = [json.loads(line) for line in r.iter_lines() if line]
    assert [p["worlds"] for p in parts] == [2_000, 2_500]
    assert [p["done"] for p in parts] == [False, True]
    refused = client.post("/api/simulate/stream", json={"scenario": "tiny",
                                                        "packages": ["nope"]})
    assert refused.status_code == 422
    assert client.app.state.gate._inside == 0  # type: ignore[attr-defined]  # slots given back
    full = guaranty.simulate(guaranty.load_scenario(TINY), ["armed"], worlds=2_500, seed=3)
    last = parts[-1]["packages"][0]
    assert last["curve"]["mean"][-1] == full.metric("armed", "p_war_24m").mean
    assert last["curve"]["p05"][-1] == full.metric("armed", "p_war_24m").p05


def test_a_process_pool_gives_the_same_bits_and_outlives_a_dead_worker() -> None:
    app = create_app(scenarios={"tiny": TINY}, bounds=Bounds(max_worlds=3_000, processes=1))
    body = {"scenario": "tiny", "packages": ["armed"], "worlds": 2_300, "seed": 9}
    with TestClient(app) as c:
        one = c.post("/api/simulate", json=body).json()
        parts = [json.loads(line) for line in
                 c.post("/api/simulate/stream", json=body).iter_lines() if line]
        pool = app.state.pool.get()
        for process in list(pool._processes.values()):
            process.kill()  # as the kernel's OOM killer would
            process.join(5)
        again = c.post("/api/simulate", json=body)
        assert app.state.pool.get() is not pool  # a fresh pool replaced the broken one
    with TestClient(create_app(scenarios={"tiny": TINY}, bounds=BOUNDS)) as c:
        here = c.post("/api/simulate", json=body).json()
    assert one["packages"] == here["packages"] == parts[-1]["packages"]
    assert [p["worlds"] for p in parts] == [2_000, 2_300]
    assert again.status_code == 200 and again.json() == one


def test_stages_hold_the_seed_contract() -> None:
    scenario = guaranty.load_scenario(TINY)
    steps = list(service.staged(scenario, ["armed"], worlds=2_300, seed=5, lens=None,
                                anchor=True))
    whole = guaranty.simulate(scenario, ["armed"], worlds=2_300, seed=5)
    assert [s.worlds for s in steps] == [2_000, 2_300]
    for name, values in whole.outcomes["armed"].items():
        got = steps[-1].outcomes["armed"][name]
        assert np.array_equal(got, values, equal_nan=True), name
    assert service.split(2_000, 2_301, 2) == [(2_000, 2_151), (2_151, 2_301)]
    assert service.stages(2_000) == [2_000]
    assert service.stages(60_000) == [2_000, 10_000, 25_000, 50_000, 60_000]


def test_levers_change_only_what_is_set() -> None:
    scenario = guaranty.load_scenario(UKRAINE)
    same, name = service.with_levers(scenario, "strong-army", {}, None)
    assert same is scenario and name == "strong-army"
    changed, name = service.with_levers(scenario, "strong-army",
                                        {"uk-troops": 5000, "treaties": "europe"},
                                        "shall-armed-force")
    assert name == "strong-army-levers"
    package = changed.packages[name]
    assert [(t.guarantor, t.size) for t in package.troops] == [("uk", 5000)]
    assert {t.guarantor for t in package.treaties} == {"uk", "fr", "de"}
    assert {t.wording for t in package.treaties} == {"shall-armed-force"}
    # Financing untouched: the weapons-money lever was not set, so strong-army's stays.
    resolved = resolve_package(scenario, "strong-army")
    assert package.financing == resolved.financing


def test_levers_move_the_risk(client: TestClient) -> None:
    body = {"scenario": UKRAINE, "packages": ["ceasefire-only"], "worlds": 300}
    _, plain = post(client, body)
    status, moved = post(client, {**body, "levers": {"treaties": "europe-us-troops"}})
    assert status == 200
    row = moved["packages"][0]  # type: ignore[index]
    assert row["package"] == "ceasefire-only (levers)"
    before = plain["packages"][0]["metrics"]["p_war_120m"]["mean"]  # type: ignore[index]
    assert row["metrics"]["p_war_120m"]["mean"] < before


def test_the_report_is_a_download(client: TestClient, monkeypatch: pytest.MonkeyPatch
                                   ) -> None:
    report = pytest.importorskip("guaranty.report")
    full = report.write_report

    def quick(scenario: Any, results: Any, path: Path) -> Any:
        # One section: the report's own tests cover the rest; this one covers the plumbing.
        return full(scenario, results, path, sections=["war"], progress=lambda *_: None)

    monkeypatch.setattr(report, "write_report", quick)
    r = client.post("/api/report", json={"scenario": "tiny", "packages": ["armed"],
                                         "worlds": 200})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "attachment" in r.headers["content-disposition"]
    assert b"<html" in r.content.lower()


def test_the_dashboard_and_plotly_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<script src="/static/plotly.min.js">' in page.text
    assert "cdn" not in page.text.lower()
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and b"plotly" in js.content[:2000].lower()
    assert client.get("/static/dashboard.js").status_code == 200


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/scenarios", "/api/simulate", "/api/simulate/stream",
            "/api/report"} <= set(paths)


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


# --- bounds: 4xx with a clear message, never 5xx ----------------------------------------------


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"scenario": UKRAINE, "packages": ["strong-army"], "worlds": 10**7}, 413,
     "worlds must be at most 3,000"),
    ({"scenario": UKRAINE, "packages": ["a", "b", "c", "d"]}, 413,
     "packages must be at most 3"),
    ({"scenario": "../../etc/passwd", "packages": ["x"]}, 422, "never a file path"),
    ({"scenario": "/etc/passwd", "packages": ["x"]}, 422, "never a file path"),
    ({"scenario": "ukraine-2025.yaml", "packages": ["x"]}, 422, "never a file path"),
    ({"scenario": "atlantis", "packages": ["x"]}, 422, "unknown scenario 'atlantis'"),
    ({"packages": ["x"]}, 422, "give exactly one of scenario"),
    ({"scenario": UKRAINE, "packages": ["strong-armyy"]}, 422, "did you mean"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "lens": "nope"}, 422, "lens"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "levers": {"uk-troops": 20000}}, 422,
     "lever 'uk-troops' must be a number in [0, 10000]"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "levers": {"treaties": "all"}}, 422,
     "lever 'treaties' must be one of none, europe"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "levers": {"moon": 1}}, 422,
     "unknown lever 'moon'"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "worlds": 5}, 422,
     "body.worlds"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "seed": -1}, 422, "body.seed"),
    ({"scenario": UKRAINE, "packages": []}, 422, "body.packages"),
    ({"scenario": UKRAINE, "packages": ["strong-army"], "extra": 1}, 422, "body.extra"),
])
def test_requests_beyond_the_bounds_get_a_clear_4xx(client: TestClient, body: dict[str, object],
                                                    status: int, message: str) -> None:
    got, answer = post(client, body)
    assert got == status, answer
    assert message in str(answer["error"])


def test_yaml_tags_and_alias_bombs_are_refused_with_their_place(client: TestClient) -> None:
    for name, needle in (("python-tag.yaml", "tag"),
                         ("alias-bomb.yaml", "once aliases are expanded")):
        text = (DATA / "bad" / name).read_text()
        status, answer = post(client, {"scenario_yaml": text, "packages": ["x"]})
        assert status == 422
        assert needle in str(answer["error"])
        problem = answer["problems"][0]  # type: ignore[index]
        assert problem["file"] == "<request>" and problem["line"] >= 1


def test_scenario_text_runs_when_valid(client: TestClient) -> None:
    status, answer = post(client, {"scenario_yaml": TINY.read_text(), "packages": ["armed"],
                                   "worlds": 200})
    assert status == 200 and answer["scenario"] == "eastmark"


def test_a_body_over_the_cap_gets_413(client: TestClient) -> None:
    big = {"scenario_yaml": "x" * 300_000, "packages": ["x"]}
    r = client.post("/api/simulate", json=big)
    assert r.status_code == 413 and "at most 200,000 bytes" in r.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b" " * 10_000

    r = client.post("/api/simulate", content=chunks(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_malformed_json_gets_422(client: TestClient) -> None:
    r = client.post("/api/simulate", content=b"{not json",
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "invalid request" in r.json()["error"]


def test_a_loopback_server_answers_only_loopback_names() -> None:
    app = create_app(scenarios={"tiny": TINY}, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_a_world_month_budget_caps_long_horizons() -> None:
    app = create_app(scenarios={"tiny": TINY}, bounds=Bounds(max_worlds=3_000,
                                                             max_world_months=24 * 1_000))
    with TestClient(app) as c:
        status, answer = post(c, {"scenario": "tiny", "packages": ["armed"], "worlds": 2_000})
    assert status == 413 and "worlds x months x packages" in str(answer["error"])


def test_a_full_server_answers_429_with_retry_after(client: TestClient) -> None:
    gate = client.app.state.gate  # type: ignore[attr-defined]
    gate._inside = gate.running + gate.waiting
    try:
        r = client.post("/api/simulate", json={"scenario": "tiny", "packages": ["armed"],
                                               "worlds": 200})
        s = client.post("/api/simulate/stream", json={"scenario": "tiny",
                                                      "packages": ["armed"], "worlds": 200})
        # What costs nothing to check is refused at once, full or not.
        named = client.post("/api/simulate", json={"scenario": "../x", "packages": ["armed"]})
        many = client.post("/api/simulate", json={"scenario": "tiny", "packages": ["armed"],
                                                  "worlds": 10**6})
    finally:
        gate._inside = 0
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert "busy" in r.json()["error"]
    assert s.status_code == 429
    assert (named.status_code, many.status_code) == (422, 413)


def test_the_gate_admits_running_plus_waiting() -> None:
    import asyncio

    async def scenario() -> list[str]:
        gate = Gate(running=1, waiting=1)
        first, second, third = gate.slot(), gate.slot(), gate.slot()
        await first.__aenter__()
        waiter = asyncio.create_task(second.__aenter__())
        await asyncio.sleep(0)
        seen = []
        try:
            await third.__aenter__()
        except Busy:
            seen.append("busy")
        seen.append("waiting" if not waiter.done() else "ran")
        await first.__aexit__(None, None, None)
        await waiter
        seen.append("admitted")
        await second.__aexit__(None, None, None)
        await third.__aenter__()
        seen.append("free again")
        return seen

    assert asyncio.run(scenario()) == ["busy", "waiting", "admitted", "free again"]


def test_killing_the_server_leaves_no_worker_behind() -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "guaranty.cli", "serve", "--port",
                               str(port), "--processes", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: list[object] = []
        while not workers:  # the server starts its worker at once (warming it up)
            assert time.monotonic() < deadline, "no worker process started within 60 s"
            time.sleep(0.2)
            children = psutil.Process(server.pid).children(recursive=True)
            workers = [p for p in children if "spawn_main" in " ".join(p.cmdline())]
        children = psutil.Process(server.pid).children(recursive=True)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 5
        while True:  # exited: gone, or a zombie waiting for init to reap it
            alive = [p for p in children if _running(psutil, p)]
            if not alive or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert not alive, f"workers left behind: {[p.pid for p in alive]}"
    finally:
        if server.poll() is None:
            server.kill()


def _running(psutil: Any, process: Any) -> bool:
    try:
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
