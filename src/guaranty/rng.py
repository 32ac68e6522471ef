"""The only place that touches ``SeedSequence``: reproducible random streams per block of worlds.

Worlds are numbered 0..N-1 and grouped in fixed blocks of :data:`BLOCK` worlds. Every random
stream is keyed by (seed, block index, stream name), so a world's draws do not depend on how the
engine chunks the worlds, on the number of workers, or on the order in which chunks run. A
stream name is hashed with CRC-32 (stable across processes and Python versions, unlike
``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

BLOCK = 4096


def stream_key(name: str) -> int:
    """Stable integer key of a stream name."""
    return zlib.crc32(name.encode("utf-8"))


def generator(seed: int, block: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` for block ``block`` of worlds."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(block, stream_key(name)))
    return np.random.Generator(np.random.PCG64(sequence))


def uniforms(seed: int, name: str, start: int, stop: int) -> NDArray[np.float64]:
    """Uniform draws in (0, 1) for worlds ``start..stop-1`` of stream ``name``.

    The value for a world depends only on (seed, name, world index).
    """
    if not 0 <= start <= stop:
        raise ValueError(f"0 <= start <= stop must hold, got start={start}, stop={stop}")
    out = np.empty(stop - start)
    first, last = start // BLOCK, (stop - 1) // BLOCK if stop > start else start // BLOCK - 1
    for block in range(first, last + 1):
        lo, hi = block * BLOCK, (block + 1) * BLOCK
        draws = generator(seed, block, name).random(BLOCK)
        a, b = max(lo, start), min(hi, stop)
        out[a - start : b - start] = draws[a - lo : b - lo]
    # Generator.random is in [0, 1); keep inverse CDFs finite.
    np.clip(out, 1e-12, 1.0 - 1e-12, out=out)
    return out


def check_seed(seed: int) -> int:
    """A seed must be a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)
