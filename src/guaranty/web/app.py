"""The FastAPI app behind ``guaranty serve``: a JSON API (OpenAPI at ``/openapi.json``) and the
dashboard page, with bounds on everything a client can ask for.

Bounds (:class:`Bounds`): worlds per request, packages per request, world-months per request,
the request body's size (413), and how many simulations run and wait at once (429 with
``Retry-After`` when full). Simulations run in worker threads (NumPy releases the GIL in the
chain's array work), so the event loop keeps answering while they run. Every
:class:`~guaranty.errors.GuarantyError` becomes a 4xx JSON answer with its message and, for a
scenario, each problem's place: ``{"error": ..., "problems": [{"line", "column", ...}]}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import multiprocessing
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guaranty._processes import stop_pool, watch_parent
from guaranty._version import __version__
from guaranty.engine.anchoring import stored_anchor
from guaranty.errors import GuarantyError, ScenarioError, one_line
from guaranty.results import Results
from guaranty.scenario.schema import Scenario
from guaranty.web import service

Slug = Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
LeverValue = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)] | Annotated[
    str, Field(max_length=64)]


DEFAULT_WORLDS = 10_000


@dataclass(frozen=True)
class Bounds:
    """What one client may ask of the server."""

    max_worlds: int = 100_000
    """Worlds per request (10^4 answer in about a second, 10^5 in several)."""
    max_packages: int = 4
    """Packages per request."""
    max_world_months: int = 100_000 * 120
    """Worlds x months x packages per request: a 600-month scenario gets fewer worlds."""
    max_body_bytes: int = 512 * 1024
    """Request body (a scenario as text is about 60 kB)."""
    running: int = 2
    """Simulations computing at once (threads)."""
    waiting: int = 8
    """Simulations queued behind them; beyond, 429 until one finishes."""
    processes: int = 0
    """Worker processes the simulations are spread over (0: in the server's own threads).
    A pool keeps the server's event loop free of the chain's work and splits one request's
    worlds over the cores; its workers die with the server."""


class SimulateRequest(BaseModel):
    """One simulation: a scenario, packages, a lens, worlds, a seed and lever values."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"scenario": "ukraine-2025", "packages": ["strong-army"], "worlds": 2000,
         "seed": 2025, "levers": {"uk-troops": 5000, "treaties": "europe"}}]})

    scenario: str | None = Field(
        default=None, max_length=200, description="A built-in scenario's name (GET "
        "/api/scenarios); never a file path. Give this or scenario_yaml.")
    scenario_yaml: str | None = Field(
        default=None, max_length=2 * 1024 * 1024,
        description="Scenario text (YAML), checked by the same loader as files.")
    packages: list[Slug] = Field(min_length=1, max_length=16,
                                 description="Package names of the scenario.")
    lens: Slug | None = Field(default=None, description="A lens of the scenario; none: the "
                              "default assumptions.")
    worlds: int | None = Field(default=None, ge=100, description="Sampled worlds (default: "
                               "10,000 or the server's cap if lower; GET /api/bounds).")
    seed: int = Field(default=2025, ge=0, le=2**32 - 1, description="Random seed.")
    levers: dict[Slug, LeverValue] = Field(
        default_factory=dict, max_length=64,
        description="Lever values (the scenario's levers: section), applied to the first "
        "package.")
    wording: Literal["shall-armed-force", "deems-necessary", "consult"] | None = Field(
        default=None, description="Wording of every treaty of the first package.")


class ScenarioInfo(BaseModel):
    name: str
    title: str
    packages: list[str]


def create_app(*, scenarios: Mapping[str, Path] | None = None, bounds: Bounds | None = None,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The web app. ``scenarios``: the names a client may run (default: the built-in ones);
    ``bounds``: the limits on requests (:class:`Bounds`); ``allowed_hosts``: the ``Host``
    headers answered (default: any), so that a server on the loopback address cannot be
    reached through a rebound DNS name."""
    bounds = bounds or Bounds()
    catalogue = service.Catalogue(service.builtin_scenarios() if scenarios is None
                                  else scenarios)
    gate = Gate(bounds.running, bounds.waiting)
    pool = Pool(bounds.processes)

    def warm() -> None:
        """Start the workers and read the stored anchor, so that the first request does not
        wait for them (in the background; errors are left to the requests that meet them)."""
        with contextlib.suppress(Exception):
            pool.warm()
            stored_anchor()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if bounds.processes > 0:
            threading.Thread(target=warm, name="guaranty-warm", daemon=True).start()
        try:
            yield
        finally:
            pool.stop()

    app = FastAPI(title="guaranty", version=__version__, lifespan=lifespan,
                  description="Simulate security guarantees: scenarios, packages, levers, "
                  "lenses. See docs/web.md.")
    app.add_middleware(BodyLimit, limit=bounds.max_body_bytes)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.exception_handler(GuarantyError)
    async def _guaranty_error(request: Request, exc: GuarantyError) -> JSONResponse:
        return JSONResponse(error_body(exc), status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"path": ".".join(str(x) for x in e.get("loc", ())),
                     "message": one_line(str(e.get("msg", "")))} for e in exc.errors()]
        text = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:5])
        return JSONResponse({"error": f"invalid request: {text}", "problems": problems},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=429, headers={"Retry-After": "1"})

    @app.exception_handler(BrokenExecutor)
    async def _broken(request: Request, exc: BrokenExecutor) -> JSONResponse:
        return JSONResponse({"error": "a simulation worker process died (killed or out of "
                             "memory); the pool is restarted, retry"}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(MemoryError)
    async def _memory(request: Request, exc: MemoryError) -> JSONResponse:
        return JSONResponse({"error": "the server is out of memory for this request; ask for "
                             "fewer worlds or packages"}, status_code=503,
                            headers={"Retry-After": "5"})

    def precheck(body: SimulateRequest) -> None:
        """The checks that cost nothing, made before a request waits for a slot: a request
        beyond the bounds or naming no known scenario is refused even when the server is
        full."""
        worlds = min(DEFAULT_WORLDS, bounds.max_worlds) if body.worlds is None else body.worlds
        check_size(body, worlds, bounds)
        catalogue.check(body.scenario, body.scenario_yaml)

    def prepare(body: SimulateRequest) -> Job:
        """Scenario, package names to run and their labels, and worlds, after every check."""
        worlds = min(DEFAULT_WORLDS, bounds.max_worlds) if body.worlds is None else body.worlds
        check_size(body, worlds, bounds)
        scenario = catalogue.get(body.scenario, body.scenario_yaml)
        first, labels = body.packages[0], {}
        scenario, run_first = service.with_levers(scenario, first, body.levers, body.wording)
        if run_first != first:
            labels[run_first] = f"{first} (levers)"
        # The first package with its levers may run beside itself without them.
        names = list(dict.fromkeys([run_first, *body.packages[1:]]))
        scenario.check_names(names, body.lens)
        months = scenario.horizon_months * worlds * len(names)
        if months > bounds.max_world_months:
            raise RequestTooLarge(
                f"worlds x months x packages must be at most {bounds.max_world_months:,}, got "
                f"{worlds:,} x {scenario.horizon_months} x {len(names)} = {months:,}; "
                "ask for fewer worlds or packages")
        return Job(scenario, names, labels, worlds)

    def run(job: Job, body: SimulateRequest) -> Results:
        anchor = stored_anchor()  # every run's anchor, as guaranty.simulate's default
        return service.run(job.scenario, job.names, worlds=job.worlds, seed=body.seed,
                           lens=body.lens, anchor=anchor, executor=pool.get(),
                           parts=bounds.processes)

    def compute(body: SimulateRequest) -> dict[str, Any]:
        job = prepare(body)
        return service.answer(job.scenario, run(job, body), job.labels)

    @app.get("/api/health", summary="Liveness (the load test's reference).")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/bounds", summary="The limits on requests.")
    async def get_bounds() -> dict[str, int]:
        return {k: getattr(bounds, k) for k in Bounds.__dataclass_fields__}

    @app.get("/api/scenarios", summary="Built-in scenarios and their packages.",
             response_model=list[ScenarioInfo])
    async def list_scenarios() -> list[dict[str, Any]]:
        out = []
        for name in catalogue.names():
            scenario = await anyio.to_thread.run_sync(catalogue.get, name, None)
            out.append({"name": name, "title": scenario.title,
                        "packages": list(scenario.packages)})
        return out

    @app.get("/api/scenarios/{name}", summary="A scenario's packages, lenses and levers.")
    async def scenario_detail(name: str) -> dict[str, Any]:
        scenario = await anyio.to_thread.run_sync(catalogue.get, name, None)
        return service.describe(scenario)

    @app.post("/api/simulate", summary="Simulate; the one-screen numbers and P(war) curves.")
    async def simulate(body: SimulateRequest) -> dict[str, Any]:
        precheck(body)
        async with gate.slot():
            return await anyio.to_thread.run_sync(compute, body)

    @app.post("/api/simulate/stream", summary="Simulate in stages (NDJSON): a first answer at "
              "2,000 worlds, then more worlds until the number asked for.",
              response_class=StreamingResponse)
    async def simulate_stream(body: SimulateRequest) -> StreamingResponse:
        precheck(body)
        # The slot is taken before the stream starts (429 when full, as for /api/simulate)
        # and given back when the response ends, however it ends.
        slot = gate.slot()
        await slot.__aenter__()
        try:
            # Checked (the scenario text parsed) before the stream starts, so that a bad
            # request gets its 4xx status.
            job = await anyio.to_thread.run_sync(prepare, body)
        except BaseException:
            await slot.__aexit__(None, None, None)
            raise
        return _Streamed(stream(job, body), release=slot)

    async def stream(job: Job, body: SimulateRequest) -> AsyncIterator[bytes]:
        anchor = await anyio.to_thread.run_sync(stored_anchor)
        executor = await anyio.to_thread.run_sync(pool.get)
        steps = service.staged(job.scenario, job.names, worlds=job.worlds, seed=body.seed,
                               lens=body.lens, anchor=anchor, executor=executor,
                               parts=bounds.processes)
        while True:
            try:
                part = await anyio.to_thread.run_sync(_next_answer, steps, job.scenario,
                                                      job.labels)
            except GuarantyError as exc:
                yield (json.dumps({"done": True, **error_body(exc)}) + "\n").encode()
                return
            except BrokenExecutor:
                yield (json.dumps({"done": True, "error": "a simulation worker process died; "
                                   "retry"}) + "\n").encode()
                return
            if part is None:
                return
            part["done"] = part["worlds"] >= job.worlds
            yield (json.dumps(part) + "\n").encode()

    @app.post("/api/report", summary="The HTML report of a simulation (a download).",
              response_class=HTMLResponse)
    async def report(body: SimulateRequest) -> Response:
        precheck(body)
        async with gate.slot():
            html = await anyio.to_thread.run_sync(make_report, body)
        name = f"guaranty-{body.scenario or 'scenario'}-{body.packages[0]}.html"
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def make_report(body: SimulateRequest) -> bytes:
        try:
            write_report = importlib.import_module("guaranty.report").write_report
        except ImportError:
            raise ReportUnavailable("the report module (guaranty.report) is not installed in "
                                    "this version") from None
        job = prepare(body)
        results = run(job, body)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.html"
            write_report(job.scenario, results, path)
            return path.read_bytes()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        return HTMLResponse(_static("dashboard.html"))

    @app.get("/static/dashboard.js", include_in_schema=False)
    async def dashboard_js() -> Response:
        return Response(_static("dashboard.js"), media_type="text/javascript")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    async def plotly_js() -> Response:
        return Response(_plotly(), media_type="text/javascript",
                        headers={"Cache-Control": "max-age=86400"})

    def openapi() -> dict[str, Any]:
        """FastAPI's schema with this app's scenario names and bounds written in."""
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            request = schema["components"]["schemas"]["SimulateRequest"]["properties"]
            for choice in request["scenario"].get("anyOf", []):
                if choice.get("type") == "string":
                    choice["enum"] = catalogue.names()
            for choice in request["worlds"].get("anyOf", []):
                if choice.get("type") == "integer":
                    choice["maximum"] = bounds.max_worlds
            packages = sorted({p for n in catalogue.names()
                               for p in catalogue.get(n, None).packages})
            request["packages"]["items"]["enum"] = packages
            request["packages"]["maxItems"] = bounds.max_packages
            detail = schema["paths"]["/api/scenarios/{name}"]["get"]["parameters"][0]
            detail["schema"]["enum"] = catalogue.names()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.bounds = bounds
    app.state.gate = gate
    app.state.pool = pool
    return app


class _Streamed(StreamingResponse):
    """NDJSON lines that give back a simulation slot when the response ends (finished, failed
    or abandoned by the client), even if the stream never started."""

    def __init__(self, lines: AsyncIterator[bytes], *, release: _Slot) -> None:
        super().__init__(lines, media_type="application/x-ndjson")
        self.release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.release.__aexit__(None, None, None)


def _next_answer(steps: Any, scenario: Any, labels: Mapping[str, str]) -> dict[str, Any] | None:
    results = next(steps, None)
    return None if results is None else service.answer(scenario, results, labels)


@dataclass(frozen=True)
class Job:
    """A checked request: the scenario (with any lever package), what to run, and labels."""

    scenario: Scenario
    names: list[str]
    labels: dict[str, str]
    worlds: int


def check_size(body: SimulateRequest, worlds: int, bounds: Bounds) -> None:
    if worlds > bounds.max_worlds:
        raise RequestTooLarge(f"worlds must be at most {bounds.max_worlds:,} per request, got "
                              f"{worlds:,}; the command line (guaranty run) has no such "
                              "cap")
    if len(set(body.packages)) > bounds.max_packages:
        raise RequestTooLarge(f"packages must be at most {bounds.max_packages} per request, "
                              f"got {len(set(body.packages))}")


def status_of(exc: GuarantyError) -> int:
    """413 beyond the bounds, 404 for a missing optional part, else 422."""
    if isinstance(exc, RequestTooLarge):
        return 413
    if isinstance(exc, ReportUnavailable):
        return 404
    return 422


class RequestTooLarge(GuarantyError):
    """A request beyond the server's bounds (:class:`Bounds`)."""


class ReportUnavailable(GuarantyError):
    """The report writer is not part of this installation."""


def error_body(exc: GuarantyError) -> dict[str, Any]:
    """The JSON of an error: its message and, for a scenario, each problem with its place."""
    body: dict[str, Any] = {"error": one_line(str(exc).splitlines()[0] if str(exc) else
                                              type(exc).__name__)}
    if isinstance(exc, ScenarioError):
        body["problems"] = [{"file": p.file, "line": p.line, "column": p.column,
                             "path": p.path, "message": p.message} for p in exc.problems[:50]]
        body["error"] = str(exc.first)
    return body


class Pool:
    """The app's worker processes, started on first use (spawned: the server has threads),
    stopped with the app, gone within half a second of the server
    (:func:`guaranty._processes.watch_parent`); ``None`` with no processes."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor | None:
        if self.processes <= 0:
            return None
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                stop_pool(self._pool, failed=True)  # a worker died (killed, out of memory)
                self._pool = None
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn"),
                    initializer=watch_parent, initargs=(os.getpid(),))
            return self._pool

    def warm(self) -> None:
        """Start every worker and import the engine in it."""
        pool = self.get()
        if pool is not None:
            for future in [pool.submit(service.warm) for _ in range(self.processes)]:
                future.result()

    def stop(self) -> None:
        with self._lock:
            if self._pool is not None:
                stop_pool(self._pool, failed=True)
                self._pool = None


# --- bounds -----------------------------------------------------------------------------------


class Busy(Exception):
    """Every simulation slot and queue place is taken."""


class Gate:
    """At most ``running`` simulations at once and ``waiting`` queued; beyond, :class:`Busy`."""

    def __init__(self, running: int, waiting: int) -> None:
        self.running = running
        self.waiting = waiting
        self._inside = 0
        self._lock = threading.Lock()
        self._semaphore: asyncio.Semaphore | None = None

    def slot(self) -> _Slot:
        return _Slot(self)

    def busy(self) -> Busy:
        return Busy(f"the server is busy: {self.running} simulations running and "
                    f"{self.waiting} waiting; retry in a second")


class _Slot:
    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.held = False
        self.counted = False

    async def __aenter__(self) -> None:
        gate = self.gate
        with gate._lock:
            if gate._inside >= gate.running + gate.waiting:
                raise gate.busy()
            gate._inside += 1
            self.counted = True
        if gate._semaphore is None:
            gate._semaphore = asyncio.Semaphore(gate.running)
        await gate._semaphore.acquire()
        self.held = True

    async def __aexit__(self, *exc: object) -> None:
        gate = self.gate
        if self.held and gate._semaphore is not None:
            gate._semaphore.release()
            self.held = False
        if self.counted:
            with gate._lock:
                gate._inside -= 1
            self.counted = False


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, by its Content-Length or, for a
    chunked body, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    await self._refuse(send, "Content-Length must be a number of bytes")
                    return
                if size > self.limit:
                    await self._refuse(send, f"the request body must be at most {self.limit:,} "
                                       f"bytes, got {size:,}")
                    return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # No Content-Length (a chunked body): read it here, up to the limit, and hand it on.
        parts, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            parts.append(message.get("body", b""))
            seen += len(parts[-1])
            more = message.get("more_body", False)
            if seen > self.limit:
                await self._refuse(send, f"the request body must be at most {self.limit:,} "
                                   "bytes")
                return
        body = b"".join(parts)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


# --- static files -----------------------------------------------------------------------------


def _static(name: str) -> str:
    return resources.files("guaranty.web").joinpath("static", name).read_text("utf-8")


_PLOTLY: list[bytes] = []


def _plotly() -> bytes:
    """plotly.js as bundled with the installed plotly package (no CDN)."""
    if not _PLOTLY:
        try:
            from plotly.offline import get_plotlyjs
        except ImportError:
            raise ReportUnavailable("plotly is not installed: pip install 'guaranty[web]'"
                                    ) from None
        _PLOTLY.append(get_plotlyjs().encode())
    return _PLOTLY[0]

