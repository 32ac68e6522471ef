"""``extends:``: a file holding only the user's packages, merged onto a base scenario, with
every problem placed in the file that wrote it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import guaranty
from guaranty.errors import ScenarioError
from guaranty.limits import MAX_EXTENDS
from guaranty.scenario import load_scenario, parse_scenario
from guaranty.testing import tiny_scenario

EXAMPLE = Path(__file__).parents[1] / "examples" / "my-package.yaml"
TINY = Path(guaranty.__file__).parent / "testing" / "tiny.yaml"


def _problems(path: Path | str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def test_the_example_is_a_15_line_package_that_validates_and_runs() -> None:
    lines = [ln for ln in EXAMPLE.read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(lines) <= 15
    scenario = load_scenario(EXAMPLE)
    base = load_scenario("ukraine-2025")
    assert scenario.name == "my-study"
    assert list(scenario.packages) == [*base.packages, "air-and-arms"]
    assert scenario.packages["air-and-arms"].aircraft[0].count == 24
    assert scenario.lenses == base.lenses and scenario.defender == base.defender
    results = guaranty.simulate(scenario, packages=["air-and-arms"], worlds=200, seed=7,
                                months=12)
    assert results.packages == ["air-and-arms"]


def test_merge_rules(tmp_path: Path) -> None:
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    package = next(iter(tiny_scenario().packages))
    (tmp_path / "mine.yaml").write_text(f"""\
extends: tiny.yaml
horizon_months: 12
defender:
  readiness: {{value: 0.9, unit: share, source: "mine"}}
packages:
  {package}:
    description: replaced whole
  extra:
    base: {package}
""")
    tiny, mine = tiny_scenario(), load_scenario(tmp_path / "mine.yaml")
    assert mine.horizon_months == 12 and mine.name == tiny.name
    assert mine.defender.readiness.mean == pytest.approx(0.9)  # a quantity replaced whole
    assert mine.defender.personnel == tiny.defender.personnel  # the rest of the mapping kept
    assert mine.packages[package].description == "replaced whole"
    assert mine.packages[package].model_dump() != tiny.packages[package].model_dump()
    assert list(mine.packages)[-1] == "extra"


def test_problems_point_into_the_file_that_wrote_them(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("extends: ukraine-2025\npackages:\n  mine:\n    base: strong-armi\n"
                    "    troops:\n      - {guarantor: uk, size: 10, mission: tripwire,"
                    " location: frnt}\n")
    [problem] = _problems(file)
    assert problem.startswith(f"{file}:6:64: packages.mine.troops[0].location: must be one of")
    assert "did you mean 'front'?" in problem
    file.write_text("extends: ukraine-2025\npackages:\n  mine:\n    base: strong-armi\n")
    [problem] = _problems(file)
    assert problem.startswith(f"{file}:4:11: packages.mine.base: must name a package")
    assert "did you mean 'strong-army'?" in problem


def test_a_problem_in_the_base_is_placed_in_the_base(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(TINY.read_text().replace(
        "horizon_months: 24", "horizon_months: -1"))
    (tmp_path / "top.yaml").write_text("extends: base.yaml\nname: top\n")
    [problem] = _problems(tmp_path / "top.yaml")
    assert "base.yaml:6:17: horizon_months: must be >= 1" in problem


@pytest.mark.parametrize(("value", "says"), [
    ("ukrane-2025", "did you mean 'ukraine-2025'?"),
    ("/etc/base.yaml", "got an absolute path"),
    ("missing.yaml", "no such file"),
    ("5", "got a number (5)"),
])
def test_bad_extends(tmp_path: Path, value: str, says: str) -> None:
    file = tmp_path / "f.yaml"
    file.write_text(f"extends: {value}\n")
    [problem] = _problems(file)
    assert problem.startswith(f"{file}:1:10: extends: ") and says in problem


def test_cycles_and_long_chains_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: ./a.yaml\n")
    [problem] = _problems(tmp_path / "a.yaml")
    assert "extends: must not lead back to a file of the chain" in problem
    (tmp_path / "self.yaml").write_text("extends: self.yaml\n")
    assert "cycle" in _problems(tmp_path / "self.yaml")[0]
    shutil.copy(TINY, tmp_path / "l0.yaml")
    for i in range(1, MAX_EXTENDS + 2):
        (tmp_path / f"l{i}.yaml").write_text(f"extends: l{i - 1}.yaml\n")
    assert load_scenario(tmp_path / f"l{MAX_EXTENDS}.yaml").name == "eastmark"
    [problem] = _problems(tmp_path / f"l{MAX_EXTENDS + 1}.yaml")
    assert f"must end within {MAX_EXTENDS} files" in problem


def test_text_may_extend_built_ins_only(tmp_path: Path) -> None:
    text = "extends: ukraine-2025\nname: from-text\n"
    assert parse_scenario(text).name == "from-text"
    with pytest.raises(ScenarioError, match="a relative path needs a file"):
        parse_scenario("extends: base.yaml\n")
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    assert parse_scenario("extends: tiny.yaml\n", directory=tmp_path).name == "eastmark"


@pytest.mark.parametrize(("line", "says"), [
    ("troops: [{guarantor: ukk, size: 10, mission: tripwire}]", "did you mean 'uk'?"),
    ("aircraft: [{guarantor: us, aircraft_type: f16, count: 3}]", "did you mean 'f-16'?"),
    ("treaties: [{guarantor: us, rung: air-naval-suport}]", "did you mean 'air-naval-support'?"),
    ("sanctions: relievd", "did you mean 'relieved'?"),
    ("parameters: {decision.x: {dist: uniforn, low: 0, high: 1}}", "did you mean 'uniform'?"),
])
def test_did_you_mean_for_values_and_names(line: str, says: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(f"extends: ukraine-2025\npackages:\n  x:\n    {line}\n", name="f.yaml")
    assert says in str(info.value.problems[0])
