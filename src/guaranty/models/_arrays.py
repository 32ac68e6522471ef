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


def row_sum(rows: Array) -> Array:
    """Sum of a (C, n) array over its first axis, row after row, in the same order whatever
    ``n``: the same bits for a world alone or among thousands (NumPy's ``sum(axis=0)`` and
    ``einsum`` switch to pairwise or blocked summation when the summed axis is contiguous, as
    it is in a (C, 1) chunk)."""
    if rows.shape[0] == 0:
        return np.zeros(rows.shape[1:], dtype=rows.dtype)
    out: Array = rows[0].copy()
    for row in rows[1:]:
        out += row
    return out
