"""The headline under ``guaranty run``: the best package and the assumptions that move the main
metric, cached on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from guaranty.cli import headline, main
from guaranty.testing import TINY_SCENARIO

RUN = ["run", str(TINY_SCENARIO), "-n", "400", "--seed", "3", "--no-anchor"]


def test_headline_names_the_best_package_and_three_assumptions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as done:
        main([*RUN, "--detail"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "headline — p_war_horizon" in out and "best on p_war_horizon:" in out
    line = next(x for x in out.splitlines() if "hangs most on" in x)
    assert line.count("of the variance") == 3
    # The one-screen table: three letters per package, each explained once below it.
    answer = out.split("\npackage ")[-1].splitlines()
    rows = [x for x in answer if x.split()[:1] in (["armed"], ["ceasefire"], ["guaranteed"])]
    assert len(rows) == 3 and all(len(r.split()[-3]) == 1 for r in rows)
    legend = [x for x in out.splitlines() if x.startswith("  ") and "of the variance)" in x]
    assert 3 <= len(legend) <= 9
    cached = list((tmp_path / "drivers").glob("*.json"))
    assert len(cached) == 3  # one per package

    def no(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached drivers should have been read")

    monkeypatch.setattr(headline, "drivers", no)
    with pytest.raises(SystemExit):
        main([*RUN, "--detail"])
    assert line in capsys.readouterr().out


def test_no_headline_skips_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as done:
        main([*RUN, "--no-headline"])
    assert done.value.code == 0
    assert "headline" not in capsys.readouterr().out
    assert not (tmp_path / "drivers").exists()
