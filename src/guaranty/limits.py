"""Every cap guaranty puts on a request, in one place, each with the message it gives.

A cap keeps one command from running for hours or filling memory on a typo or a hostile
file; none binds a sensible study (the Ukraine scenario is about 60 kB, 9 packages, 120
months, 2,000 YAML values). The loader, the schema, :class:`~guaranty.engine.run.RunSpec`,
:func:`~guaranty.engine.run.simulate` and the CLI all read them from here; the ranges a
quantity may take by its unit are in :mod:`guaranty.units`.

=========================  ==========  ===================================================
cap                        value       where it is enforced
=========================  ==========  ===================================================
:data:`MAX_BYTES`          2 MiB       scenario file size (loader, before reading)
:data:`MAX_NODES`          100,000     YAML values, aliases expanded (loader)
:data:`MAX_DEPTH`          64          YAML nesting (loader)
:data:`MAX_PACKAGES`       2,000       packages in one file (loader, before the schema)
:data:`MAX_LENSES`         1,000       lenses in one file (loader, before the schema)
:data:`MAX_BASE_DEPTH`     64          a package's ``base`` chain (references)
:data:`MAX_EXTENDS`        8           files of an ``extends:`` chain (loader)
:data:`MAX_MONTHS`         600         horizon and ``--months`` (schema, RunSpec)
:data:`MAX_WORLDS`         50,000,000  worlds of one run (RunSpec)
:data:`MAX_WORKERS`        256         worker processes (RunSpec)
:data:`MAX_SPACE`          20,000      packages a negotiation space enumerates
:data:`LEVERS`             see below   a package's troops, aircraft and peacekeepers
memory                     8 GB        what :func:`simulate` holds (:func:`check_memory`)
=========================  ==========  ===================================================

The memory cap can be raised (or lowered) with the environment variable
``GUARANTY_MAX_MEMORY_GB``; a run larger than memory should stream instead
(:func:`guaranty.iter_chunks`, ``guaranty sweep``), which holds one chunk at a time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from types import MappingProxyType

from guaranty.errors import LimitError

__all__ = [
    "LEVERS",
    "MAX_BASE_DEPTH",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_EXTENDS",
    "MAX_LENSES",
    "MAX_MONTHS",
    "MAX_NODES",
    "MAX_PACKAGES",
    "MAX_SPACE",
    "MAX_WORKERS",
    "MAX_WORLDS",
    "MEMORY_ENV",
    "check_memory",
    "memory_cap",
    "simulate_bytes",
]

MAX_BYTES = 2 * 1024 * 1024
"""A scenario file is a small text file; the Ukraine scenario is about 60 kB."""
MAX_NODES = 100_000
"""YAML values in one file once aliases are expanded (a merge-key bomb stops here); the
Ukraine scenario has about 2,000."""
MAX_DEPTH = 64
"""Nesting levels of a scenario's YAML."""
MAX_PACKAGES = 2_000
"""Packages in one scenario file. Each costs a compile and a pass of the chain per chunk:
10,000 once gave no answer for 15 minutes; at 2,000 a 100-world, 6-month run of the tiny
scenario takes about 15 s. A larger design belongs in a sweep (``guaranty sweep``) or a
negotiation space."""
MAX_LENSES = 1_000
"""Lenses in one scenario file."""
MAX_BASE_DEPTH = 64
"""Longest ``base`` chain a package may have (a package built on a package ... 64 deep)."""
MAX_EXTENDS = 8
"""Files an ``extends:`` chain may hold below the loaded one (a study built on a study built on
the Ukraine scenario is two)."""
MAX_MONTHS = 600
"""Horizon of a run: fifty years, five times the longest checkpoint (120 months)."""
MAX_WORLDS = 50_000_000
"""Worlds of one run. Beyond, standard errors shrink below anything the assumptions can
carry; :func:`check_memory` usually stops a run well before (10^8 worlds of one package
would hold about 22 GB of outcomes)."""
MAX_WORKERS = 256
"""Worker processes of one run."""
MAX_SPACE = 20_000
"""Packages a negotiation space may enumerate (the product of the issues' option counts)."""

LEVERS: Mapping[str, float] = MappingProxyType({
    "troops.size": 5_000_000,  # more than every NATO army's active soldiers together
    "troops.arrival_months": 120,  # ten years: the longest checkpoint
    "aircraft.count": 10_000,  # more combat aircraft than NATO's air forces hold
    "aircraft.distance_km": 5_000,  # beyond any fighter's combat radius
    "peacekeepers.size": 1_000_000,
})
"""The largest value each package lever may take (the schema's ``le=``)."""

MEMORY_ENV = "GUARANTY_MAX_MEMORY_GB"
DEFAULT_MEMORY_GB = 8.0
OUTPUT_BYTES = 4
"""Bytes of one outcome of one world (the engine's outputs are float32)."""
WORKING_BYTES_PER_WORLD = 8 * 256
"""A pass's working set per world beyond its parameters and categories (measured: about
7.9 kB a world for the Ukraine scenario's 340 parameters and 9 categories, below the
estimate of :func:`simulate_bytes`, 9.4 kB)."""


def memory_cap() -> float:
    """The most bytes :func:`simulate` may plan to hold: ``GUARANTY_MAX_MEMORY_GB`` (GB of
    10^9 bytes) or 8 GB."""
    raw = os.environ.get(MEMORY_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MEMORY_GB * 1e9
    try:
        value = float(raw)
    except ValueError:
        raise LimitError(f"{MEMORY_ENV} must be a number of gigabytes, got {raw!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise LimitError(f"{MEMORY_ENV} must be a positive number of gigabytes, got {raw!r}")
    return value * 1e9


def simulate_bytes(*, worlds: int, packages: int, metrics: int, chunk_size: int,
                   parameters: int, categories: int, processes: int = 1) -> int:
    """Bytes :func:`simulate` holds at its peak, estimated before the run.

    Outcomes: ``worlds x packages x metrics x 4`` bytes, twice (the chunks and the joined
    arrays coexist while a package's chunks are joined). Working set: each process runs one
    pass of at most ``chunk_size`` worlds at a time, holding its sampled parameters (8 bytes
    each), its per-category state (about 64 arrays of 8 bytes per category) and the rest
    (:data:`WORKING_BYTES_PER_WORLD`).
    """
    outcomes = 2 * worlds * packages * metrics * OUTPUT_BYTES
    per_world = 8 * parameters + 8 * 64 * categories + WORKING_BYTES_PER_WORLD
    working = min(chunk_size, worlds * packages) * per_world * max(processes, 1)
    return int(outcomes + working)


def check_memory(estimate: int, *, worlds: int, packages: int) -> None:
    """Raise :class:`LimitError` when ``estimate`` bytes exceed :func:`memory_cap`."""
    cap = memory_cap()
    if estimate <= cap:
        return
    raise LimitError(
        f"simulate would hold about {estimate / 1e9:.3g} GB for {worlds:,} worlds of "
        f"{packages} package(s), more than the cap of {cap / 1e9:.3g} GB: run fewer worlds "
        f"or packages, stream the run (guaranty.iter_chunks, `guaranty sweep`), or raise "
        f"{MEMORY_ENV}")
