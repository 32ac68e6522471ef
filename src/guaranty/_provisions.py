"""A package's agreement provisions: one frozen record for the scenario and the outside view.

The scenario schema (``packages.<name>.provisions``) and the outside view
(:func:`guaranty.history.outside_view`) read the same class. It lives in this small module,
below both, so that :mod:`guaranty.history` never imports the scenario and the scenario schema
does not load the history models. Import it as :class:`guaranty.scenario.Provisions` or
:class:`guaranty.history.Provisions` (the same class).
"""

from __future__ import annotations

import typing
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from guaranty.errors import InputError, unknown

__all__ = ["AGREEMENTS", "Agreement", "Provisions"]

Agreement = Literal["ceasefire", "agreement", "victory"]
AGREEMENTS: tuple[str, ...] = typing.get_args(Agreement)
"""How the fighting stopped: a bare cease-fire or truce, a peace agreement, or a victory."""


class Provisions(BaseModel):
    """What a package's agreement provides; frozen and hashable (a cache key).

    Parameters
    ----------
    agreement : str
        How the fighting stopped: ``ceasefire`` (bare cease-fire or truce), ``agreement``
        (a peace agreement), ``victory`` (one side won).
    peacekeepers, monitors, third_party_guarantee, dmz, joint_commission, withdrawal : bool
        Whether the package provides each (true or false; no other value is read as one).

    Raises
    ------
    InputError
        When built directly with a bad value (``Provisions(agreement="armistice")``). Inside a
        scenario the loader reports each bad value with its place, like any other field.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    agreement: Agreement = "ceasefire"
    peacekeepers: bool = False
    monitors: bool = False
    third_party_guarantee: bool = False
    dmz: bool = False
    joint_commission: bool = False
    withdrawal: bool = False

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InputError(_message(exc)) from None

    # Pydantic calls a model's own __init__ when it validates the model inside another one,
    # which would turn the errors of a scenario's provisions into one error without places.
    # Marked as the base __init__, it is called only by ``Provisions(...)`` itself.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @field_validator("peacekeepers", "monitors", "third_party_guarantee", "dmz",
                     "joint_commission", "withdrawal", mode="before")
    @classmethod
    def _numpy_bool(cls, value: Any) -> Any:
        return bool(value) if isinstance(value, np.bool_) else value


def _message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    name = ".".join(str(part) for part in err["loc"])
    got = err.get("input")
    if err["type"] == "extra_forbidden":
        return unknown("provision", name, Provisions.model_fields)
    if name == "agreement":
        return f"provisions.agreement must be one of {', '.join(AGREEMENTS)}, got {got!r}"
    if err["type"].startswith("bool"):
        return f"provisions.{name} must be true or false, got {got!r}"
    return f"provisions.{name}: {err['msg']}, got {got!r}"  # pragma: no cover - no other fields
