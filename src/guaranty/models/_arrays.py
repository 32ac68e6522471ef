"""Array types and dtype handling shared by the vectorised models."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]
Value = Array | np.floating[Any] | float  # an array over worlds, or a scalar shared by all


def as_floats(*values: Value) -> tuple[Array, ...]:
    """The inputs as arrays of their common floating dtype (float32 stays float32).

    Python numbers are weak, as in NumPy's own promotion: ``k=2.0`` leaves float32 worlds
    float32.
    """
    dtype = np.result_type(*values)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    return tuple(np.asarray(v, dtype=dtype) for v in values)


def like(values: Value, state: Array) -> Array:
    """``values`` in the dtype of the state array they replace (a step's new state keeps the
    precision of the old: single for stocks, double for running sums)."""
    out: Array = np.asarray(values).astype(state.dtype, copy=False)
    return out
