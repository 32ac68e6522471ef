"""The web API under load (issue 16 item 8), run by ``benchmarks/run.py --worker web``.

Starts ``guaranty serve`` on a free loopback port in a subprocess, then:

1. the answer time of one simulation of 10^4 worlds of one package (warm: the anchor is
   calibrated once per scenario and seed, so the first request is timed apart), best of 3;
2. the reference: :data:`CLIENTS` concurrent httpx clients on ``GET /api/health``;
3. the mix: the same clients for :data:`MIX_SECONDS`, each drawing requests from
   :data:`MIX` (valid simulations and streams, oversized bodies, worlds over the cap, YAML
   tags and alias bombs, path-like and unknown names, malformed JSON).

Reports requests per second, p95 latency, the status counts (a 5xx is an error; 429 is the
server refusing work beyond its bounds, by design), the share of each kind answered as
expected, and the server's peak RSS (``VmHWM``), with ratios against the reference.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

CLIENTS = 50
HEALTH_REQUESTS = 2_000
MIX_SECONDS = 20.0
MAX_WORLDS = 20_000
SCENARIO = "ukraine-2025"
PACKAGES = ["ceasefire-only", "strong-army", "monitoring-6k", "bilateral-article5"]
HERE = Path(__file__).resolve().parent
BAD = HERE.parent / "tests" / "data" / "bad"

Record = dict[str, dict[str, Any]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _workers_peak_rss_mb(pid: int) -> float:
    """The sum of the peak RSS of ``pid``'s child processes (its simulation workers)."""
    import psutil

    total = 0.0
    for child in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(OSError):
            total += _peak_rss_mb(child.pid)
    return total


def _valid(rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"scenario": SCENARIO, "packages": [rng.choice(PACKAGES)],
                            "worlds": 2_000, "seed": rng.randrange(4)}
    if rng.random() < 0.5:
        body["levers"] = {"uk-troops": rng.choice([0, 5_000, 10_000]),
                          "treaties": rng.choice(["none", "europe"])}
    return body


def _requests(rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """One request of the mix: (kind, expected status class, httpx arguments)."""
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    url = "/api/simulate"
    if kind == "valid":
        return kind, "200|429", {"url": url, "json": _valid(rng)}
    if kind == "stream":
        return kind, "200|429", {"url": url + "/stream", "json": _valid(rng)}
    if kind == "oversized":
        return kind, "413", {"url": url, "json": {"scenario_yaml": "x" * 600_000,
                                                   "packages": ["x"]}}
    if kind == "too-many-worlds":
        return kind, "413", {"url": url, "json": {"scenario": SCENARIO,
                                                   "packages": ["strong-army"],
                                                   "worlds": 10**9}}
    if kind == "yaml-tag":
        text = (BAD / "python-tag.yaml").read_text()
        return kind, "422|429", {"url": url, "json": {"scenario_yaml": text,
                                                       "packages": ["x"]}}
    if kind == "alias-bomb":
        text = (BAD / "alias-bomb.yaml").read_text()
        return kind, "422|429", {"url": url, "json": {"scenario_yaml": text,
                                                       "packages": ["x"]}}
    if kind == "path-name":
        name = rng.choice(["../../etc/passwd", "/etc/passwd", "scenarios/ukraine-2025.yaml",
                           "..", "ukraine-2025/../x"])
        return kind, "422", {"url": url, "json": {"scenario": name, "packages": ["x"]}}
    return kind, "422", {"url": url, "content": b'{"scenario": "ukr',
                         "headers": {"content-type": "application/json"}}


MIX = {"valid": 30, "stream": 10, "oversized": 12, "too-many-worlds": 12, "yaml-tag": 9,
       "alias-bomb": 9, "path-name": 9, "malformed": 9}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


async def _health(base: str) -> tuple[float, list[float], Counter[int]]:
    import httpx

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    left = HEALTH_REQUESTS
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one_client() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                start = time.perf_counter()
                r = await client.get("/api/health")
                latencies.append(time.perf_counter() - start)
                statuses[r.status_code] += 1

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        wall = time.perf_counter() - start
    return len(latencies) / wall, latencies, statuses


async def _mix(base: str) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    expected: Counter[str] = Counter()
    unexpected: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    valid_answers = 0
    limits = httpx.Limits(max_connections=CLIENTS)
    stop = time.perf_counter() + MIX_SECONDS
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one_client(seed: int) -> None:
            nonlocal valid_answers
            rng = random.Random(seed)
            while time.perf_counter() < stop:
                kind, wanted, args = _requests(rng)
                start = time.perf_counter()
                try:
                    r = await client.post(**args)
                    body = r.content
                except httpx.HTTPError as exc:  # a dropped connection counts as an error
                    statuses[599] += 1
                    unexpected[f"{kind}: {type(exc).__name__}"] += 1
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[r.status_code] += 1
                if str(r.status_code) in wanted.split("|"):
                    expected[kind] += 1
                else:
                    unexpected[f"{kind}: {r.status_code}"] += 1
                if r.status_code == 200 and kind in ("valid", "stream"):
                    last = json.loads(body.strip().splitlines()[-1])
                    valid_answers += last.get("worlds") == 2_000
                    if "error" in last:  # a stream that ended with an error line
                        ended[str(last["error"])[:40]] += 1
                elif r.status_code >= 400 and not json.loads(body).get("error"):
                    unexpected[f"{kind}: no message"] += 1  # every refusal must say why

        start = time.perf_counter()
        await asyncio.gather(*(one_client(i) for i in range(CLIENTS)))
        wall = time.perf_counter() - start
    return {"rps": len(latencies) / wall, "latencies": latencies, "statuses": statuses,
            "expected": expected, "unexpected": unexpected, "valid_answers": valid_answers,
            "ended": ended}


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live children."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


async def _time_simulation(base: str, worlds: int, pid: int) -> tuple[float, float, float]:
    """(first, best of 3 warm) seconds for one request of ``worlds`` worlds, one package, and
    the CPU seconds the server and its workers spent on the warm ones (mean)."""
    import httpx

    body = {"scenario": SCENARIO, "packages": ["strong-army"], "worlds": worlds, "seed": 11}
    times, cpu = [], 0.0
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for i in range(4):
            before = _cpu_s(pid)
            start = time.perf_counter()
            r = await client.post("/api/simulate", json=body)
            times.append(time.perf_counter() - start)
            if i:
                cpu += _cpu_s(pid) - before
            if r.status_code != 200:
                raise RuntimeError(f"simulation failed: {r.status_code} {r.text[:300]}")
    return times[0], min(times[1:]), cpu / 3


def measure_web() -> Record:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "guaranty.cli", "serve", "--port", str(port), "--max-worlds",
         str(MAX_WORLDS)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        _wait(base, server)
        rss_idle = _peak_rss_mb(server.pid)
        first, warm, cpu = asyncio.run(_time_simulation(base, 10_000, server.pid))
        health_rps, health_lat, health_status = asyncio.run(_health(base))
        mix = asyncio.run(_mix(base))
        rss_peak = _peak_rss_mb(server.pid)
        rss_workers = _workers_peak_rss_mb(server.pid)
        alive = server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    statuses: Counter[int] = mix["statuses"]
    errors = sum(n for code, n in statuses.items() if code >= 500)
    health_errors = sum(n for code, n in health_status.items() if code != 200)
    unexpected = dict(mix["unexpected"])
    label = f"{CLIENTS} concurrent loopback clients"
    return {
        "web_simulate_1e4_s": {"value": warm, "unit": "s, POST /api/simulate, 10^4 worlds of "
                               "strong-army, warm (anchor calibrated), best of 3"},
        "web_simulate_1e4_cpu_s": {"value": cpu, "unit": "CPU s (server and its workers, user + "
                                   "system) per warm 10^4-world answer: what a busy machine "
                                   "cannot slow down, unlike the wall time"},
        "web_simulate_1e4_first_s": {"value": first, "unit": "s, the same, first request "
                                     "(loads the scenario and calibrates the anchor)"},
        "web_health_rps": {"value": health_rps, "unit": f"requests/s, GET /api/health, {label}"},
        "web_health_p95_ms": {"value": 1000 * _p95(health_lat), "unit": "ms, p95 latency"},
        "web_mix_rps": {"value": mix["rps"], "unit": f"requests/s, the mix for {MIX_SECONDS:g} s, "
                        f"{label}: " + ", ".join(f"{k} {v}%" for k, v in MIX.items())},
        "web_mix_p95_ms": {"value": 1000 * _p95(mix["latencies"]), "unit": "ms, p95 latency"},
        "web_mix_p95_over_health": {"value": _p95(mix["latencies"]) / _p95(health_lat),
                                    "unit": "x, mix p95 over health p95 (same run)"},
        "web_mix_rps_over_health": {"value": mix["rps"] / health_rps,
                                    "unit": "x, mix requests/s over health requests/s"},
        "web_mix_requests": {"value": sum(statuses.values()),
                             "unit": "requests, by status: " + json.dumps(
                                 {str(k): v for k, v in sorted(statuses.items())})},
        "web_mix_valid_answers": {"value": mix["valid_answers"],
                                  "unit": "valid simulations answered in full (2,000 worlds); "
                                  "streams ended by an error line: "
                                  + (json.dumps(dict(mix["ended"])) if mix["ended"]
                                     else "none")},
        "web_5xx": {"value": errors + health_errors + (0 if alive else 1),
                    "unit": "server errors (5xx), dropped connections or a dead server (target 0)"},
        "web_unexpected_status": {"value": sum(unexpected.values()),
                                  "unit": "answers outside the expected status of their kind: "
                                  + (json.dumps(unexpected) if unexpected else "none")},
        "web_server_rss_idle_mb": {"value": rss_idle, "unit": "MiB peak RSS after start-up"},
        "web_server_peak_rss_mb": {"value": rss_peak,
                                   "unit": "MiB peak RSS of the server over the whole test"},
        "web_workers_peak_rss_mb": {"value": rss_workers,
                                    "unit": "MiB, sum of the peak RSS of the server's worker "
                                    "processes (guaranty serve --processes, default 2 here)"},
    }


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            err = server.stderr.read().decode() if server.stderr else ""
            raise RuntimeError(f"guaranty serve exited with {server.returncode}: {err[-2000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("guaranty serve did not answer within 60 s")


if __name__ == "__main__":
    print(json.dumps(measure_web(), indent=2))
