"""The only place that touches ``SeedSequence``: one reproducible random stream per name.

Every random stream is keyed by (seed, stream name): a PCG64 generator seeded from
``SeedSequence(seed, spawn_key=(crc32(name),))``. World ``i`` takes the ``i``-th draw of the
stream, reached by jumping the generator ahead (``PCG64.advance``), so a world's value depends
only on (seed, name, world index) — never on how the engine chunks the worlds, on the number
of workers or on the order in which chunks run. Parameters and lenses that share a name share
their uniforms, so runs that differ only in an assumption use common random numbers. A name is
hashed with CRC-32 (stable across processes and Python versions, unlike ``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray


def stream_key(name: str) -> int:
    """Stable integer key of a stream name."""
    return zlib.crc32(name.encode("utf-8"))


def generator(seed: int, name: str, start: int = 0) -> np.random.Generator:
    """The generator of stream ``name``, positioned at world ``start``."""
    bits = np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(stream_key(name),)))
    if start:
        bits.advance(start)  # one 64-bit output per double drawn
    return np.random.Generator(bits)


def uniforms(seed: int, name: str, start: int, stop: int) -> NDArray[np.float64]:
    """Uniform draws in (0, 1) for worlds ``start..stop-1`` of stream ``name``.

    The value for a world depends only on (seed, name, world index).
    """
    if not 0 <= start <= stop:
        raise ValueError(f"0 <= start <= stop must hold, got start={start}, stop={stop}")
    out = generator(seed, name, start).random(stop - start)
    # Generator.random is in [0, 1); keep inverse CDFs finite.
    np.clip(out, 1e-12, 1.0 - 1e-12, out=out)
    return out


def check_seed(seed: int) -> int:
    """A seed must be a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)
