"""The error classes and the one "unknown name; did you mean" message."""

from __future__ import annotations

import pytest

from guaranty import errors, params
from guaranty.errors import RegistryError, closest, unknown
from guaranty.params import ParamView, default_registry


def test_registry_error_lives_in_errors() -> None:
    assert params.RegistryError is errors.RegistryError
    assert issubclass(RegistryError, errors.GuarantyError) and issubclass(RegistryError, ValueError)


def test_unknown_names_the_closest_and_the_known() -> None:
    assert unknown("lens", "sceptik", ["sceptic", "luzin"]) == (
        "unknown lens 'sceptik'; did you mean 'sceptic'? (known: luzin, sceptic)")
    assert unknown("lens", "nope", ["sceptic"]) == "unknown lens 'nope' (known: sceptic)"
    assert unknown("package", "x", {}) == "unknown package 'x' (known: none defined)"
    many = [f"name{i:03d}" for i in range(errors.LISTED + 1)]
    assert unknown("parameter", "nam001", many) == (
        f"unknown parameter 'nam001'; did you mean 'name001'? (known: {errors.LISTED + 1} names)")


def test_closest_never_returns_the_name_itself() -> None:
    assert closest("persnnel", ["personnel", "readiness"]) == "personnel"
    assert closest("personnel", ["personnel"]) is None
    assert closest("zzz", ["personnel"]) is None


def test_registry_and_view_use_it() -> None:
    registry = default_registry()
    name = next(iter(registry))
    with pytest.raises(RegistryError, match=rf"unknown parameter '{name}x'; did you mean "
                       rf"'{name}'\? \(known: \d+ names\)"):
        registry[name + "x"]
    with pytest.raises(RegistryError, match="unknown parameter 'alpah'; did you mean 'alpha'"):
        ParamView({"alpha": registry.sample(0, 0, 1)[name]})["alpah"]
