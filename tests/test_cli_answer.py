"""The one-screen answer of ``guaranty run``: at most 60 lines at 100 columns, nothing cut,
the packages sorted by risk with their paired change against the anchor, rejections marked,
the anchoring stated above the table; the seed policy; the progress helper."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from guaranty import defaults
from guaranty.cli import main
from guaranty.cli._format import fmt
from guaranty.cli.options import RunOptions, parse_seed
from guaranty.cli.progress import progress
from guaranty.results import Results

SCENARIO = "scenarios/ukraine-2025.yaml"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def test_the_built_in_scenario_fits_one_screen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path / "cache"))
    saved = tmp_path / "run.npz"
    code, out, _ = _cli(capsys, "run", SCENARIO, "--worlds", "500", "--out", str(saved))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) <= 60, out
    assert "…" not in out and "..." not in out
    assert max(map(len, lines)) <= 100
    results = Results.load(saved)
    assert results.seed == defaults.SEED and f"seed {defaults.SEED}" in lines[0]
    # The anchoring is stated above the table, in one sentence.
    header = next(i for i, line in enumerate(lines) if line.startswith("package"))
    above = " ".join(lines[:header])
    assert "Anchored: base hazard ×" in above and "fitted once on ceasefire-only" in above
    end = next(i for i, line in enumerate(lines) if line.startswith("✗ rejected by"))
    rows = {line.split()[1 if line.startswith("✗") else 0]: line
            for line in lines[header + 2:end] if line[:1].isalpha() or line.startswith("✗")}
    assert set(rows) == set(results.packages)
    # Sorted by risk, each row with its full name, risk and paired change.
    risk = {p: results.mean(p, "p_war_120m") for p in results.packages}
    assert list(rows) == sorted(risk, key=lambda p: (risk[p], p))
    for package, line in rows.items():
        assert fmt(risk[package], "p_war_120m") in line
        assert line.startswith("✗") == bool(results.rejections.get(package))
        if package == "ceasefire-only":
            assert "anchor" in line
        else:
            change = results.change(package, "ceasefire-only")
            assert f"{100 * abs(change.mean):.1f}" in line
    assert "rejected by a red line on record" in out and "hangs on" in out


def test_detail_prints_every_metric_and_the_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = _cli(capsys, "run", SCENARIO, "-n", "200", "-p", "monitoring-6k",
                        "-p", "reassurance-force", "--detail", "--no-headline")
    assert code == 0
    detail, answer = out.split("Anchored:")
    assert "outside_p_war_120m" in detail and "MC s.e." in detail
    assert "troops_feasible" in detail and "rejected by the aggressor's red line" in detail
    assert "did not run: no Δ" in answer and "Δ pts" not in answer


def test_the_seed_is_fixed_by_default_and_random_on_request(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert RunOptions().fixed_seed() == defaults.SEED
    assert RunOptions(seed=9).fixed_seed() == 9
    assert parse_seed(" 12 ") == 12
    drawn = parse_seed("random")
    assert f"seed {drawn} (drawn at random" in capsys.readouterr().err
    code, _, err = _cli(capsys, "run", SCENARIO, "--seed", "often", "-n", "10")
    assert code == 2 and "integer or 'random'" in err


def test_progress_shows_on_a_terminal_only() -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with progress("simulating", total=10, console=terminal) as tick:
        tick(5)
    assert "simulating" in screen.getvalue()
    quiet = io.StringIO()
    with progress("simulating", console=Console(file=quiet, force_terminal=False)) as tick:
        tick(5)
    with progress("simulating", console=terminal, show=False) as tick:
        tick(5)
    assert quiet.getvalue() == ""


def test_report_option_writes_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("guaranty.report")
    from guaranty.testing import TINY_SCENARIO

    monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path))
    target = tmp_path / "report.html"
    code, out, _ = _cli(capsys, "run", str(TINY_SCENARIO), "-n", "200", "--no-headline",
                        "--report", str(target))
    assert code == 0 and target.is_file() and f"wrote {target}" in out
