"""Run the app with uvicorn on a loopback address by default."""

from __future__ import annotations

from guaranty.errors import InputError
from guaranty.web.app import Bounds, create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(*, host: str = "127.0.0.1", port: int = 8000, bounds: Bounds | None = None,
          log_level: str = "info") -> None:
    """Serve the dashboard and the API until interrupted (Ctrl-C)."""
    import uvicorn

    if not 0 <= port <= 65535:
        raise InputError(f"port must be in 0..65535, got {port}")
    # A loopback server answers only to loopback names: a web page cannot reach it through
    # a DNS name rebound to 127.0.0.1.
    hosts = LOOPBACK if host in LOOPBACK else None
    # One process: the app's bounds (the simulation gate, the caches) are per process.
    uvicorn.run(create_app(bounds=bounds, allowed_hosts=hosts), host=host, port=port,
                log_level=log_level, workers=1, timeout_graceful_shutdown=5)
