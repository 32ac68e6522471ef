"""The engine: a pure monthly kernel (:mod:`~guaranty.engine.chain`) over per-chunk inputs
(:mod:`~guaranty.engine.inputs`), an explicit anchor (:mod:`~guaranty.engine.anchoring`) and
a runner that chunks worlds over any executor (:mod:`~guaranty.engine.run`)."""

from guaranty.engine.anchoring import AnchorCache, anchor_key, calibrate
from guaranty.engine.chain import OUTPUT_DTYPE, ChainState, finish, init, run_chunk, step
from guaranty.engine.inputs import DTYPE, ChainInputs, prepare
from guaranty.engine.run import (
    DEFAULT_CHUNK,
    MAX_WORLDS,
    AnchorSpec,
    Chunk,
    RunSpec,
    chunk_bounds,
    default_workers,
    iter_chunks,
    run_design,
    run_range,
    simulate,
)

__all__ = [
    "DEFAULT_CHUNK",
    "DTYPE",
    "MAX_WORLDS",
    "OUTPUT_DTYPE",
    "AnchorCache",
    "AnchorSpec",
    "ChainInputs",
    "ChainState",
    "Chunk",
    "RunSpec",
    "anchor_key",
    "calibrate",
    "chunk_bounds",
    "default_workers",
    "finish",
    "init",
    "iter_chunks",
    "prepare",
    "run_chunk",
    "run_design",
    "run_range",
    "simulate",
    "step",
]
