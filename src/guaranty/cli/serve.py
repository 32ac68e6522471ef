"""``guaranty serve``: the dashboard and the JSON API on a local address (docs/web.md)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from guaranty.errors import InputError

Host = Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default; "
                                   "0.0.0.0 exposes the server to the network).")]
Port = Annotated[int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)]
MaxWorlds = Annotated[int, typer.Option("--max-worlds", min=100,
                                        help="Most worlds one request may ask for.")]
Running = Annotated[int, typer.Option("--running", min=1, max=64,
                                      help="Simulations computed at once.")]
Processes = Annotated[int | None, typer.Option(
    "--processes", min=0, max=64, help="Worker processes the simulations are spread over "
    "(0: the server's own threads; default: the CPUs, at most 4).")]


def serve(host: Host = "127.0.0.1", port: Port = 8000, max_worlds: MaxWorlds = 100_000,
          running: Running = 2, processes: Processes = None) -> None:
    """Serve the dashboard (http://HOST:PORT/) and the JSON API (/docs, /openapi.json)."""
    try:
        from guaranty.web import Bounds
        from guaranty.web import serve as run_server
    except ImportError as exc:
        raise InputError(f"guaranty serve needs the web extra ({exc.name} is missing): "
                         "pip install 'guaranty[web]'") from None
    typer.echo(f"guaranty dashboard on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops")
    if processes is None:
        processes = min(4, len(os.sched_getaffinity(0)))
    run_server(host=host, port=port, bounds=Bounds(max_worlds=max_worlds,
                                                   max_world_months=max_worlds * 120,
                                                   running=running, processes=processes))
