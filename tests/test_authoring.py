"""``guaranty new-package`` writes a template that validates; ``guaranty schema`` describes the
files the loader accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guaranty.cli import app
from guaranty.cli.authoring import package_template, scenario_json_schema
from guaranty.errors import InputError
from guaranty.scenario import load_scenario, parse_scenario
from guaranty.scenario._yamlpos import read_yaml
from guaranty.scenario.schema import Package

ROOT = Path(__file__).parents[1]
runner = CliRunner()


def _uncommented(template: str) -> str:
    """The template with every commented package field switched on."""
    fields, out, on = set(Package.model_fields), [], False
    for line in template.splitlines():
        key = re.match(r"^    # ([a-z_]+):", line)
        if key and key.group(1) in fields:
            out.append("    " + line[6:])
            on = True
        elif on and line.startswith("    #   "):
            out.append("    " + line[6:])
        else:
            on = False
            out.append(line)
    return "\n".join(out) + "\n"


def test_new_package_writes_a_template_that_validates(tmp_path: Path) -> None:
    file = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["new-package", "my-pkg", "--base", "strong-army", "-o",
                                 str(file)])
    assert result.exit_code == 0, result.output
    scenario = load_scenario(file)
    assert scenario.packages["my-pkg"].base == "strong-army"
    assert "extends: ukraine-2025" in file.read_text()
    again = runner.invoke(app, ["new-package", "my-pkg", "-o", str(file)])
    assert again.exit_code != 0 and isinstance(again.exception, InputError)


def test_every_package_field_is_in_the_template_and_its_examples_validate() -> None:
    on = _uncommented(package_template("my-pkg"))
    written = set(re.findall(r"^    ([a-z_]+):", on, re.M))
    assert set(Package.model_fields) <= written
    package = parse_scenario(on, directory=ROOT).packages["my-pkg"]
    assert package.troops and package.aircraft and package.treaties and package.peacekeepers


def test_new_package_refuses_bad_names() -> None:
    with pytest.raises(InputError, match="did you mean 'strong-army'"):
        package_template("mine", base="strong-armi")
    with pytest.raises(InputError, match="must be a new package"):
        package_template("strong-army")
    with pytest.raises(InputError, match="lowercase"):
        package_template("My Package")


def _validator() -> object:
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(scenario_json_schema())


@pytest.mark.parametrize("file", ["scenarios/ukraine-2025.yaml", "examples/my-package.yaml",
                                  "src/guaranty/testing/tiny.yaml"])
def test_scenario_files_validate_against_the_schema(file: str) -> None:
    data, _ = read_yaml((ROOT / file).read_text())
    errors = [f"{e.json_path}: {e.message}" for e in _validator().iter_errors(data)]  # type: ignore[attr-defined]
    assert errors == []


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    data, _ = read_yaml((ROOT / "scenarios/ukraine-2025.yaml").read_text())
    validator = _validator()
    data["defender"]["readiness"] = "high"
    data["packages"]["strong-army"]["sanctions"] = "lifted"
    del data["theatre"]
    paths = {e.json_path for e in validator.iter_errors(data)}  # type: ignore[attr-defined]
    assert {"$.defender.readiness", "$.packages['strong-army'].sanctions", "$"} <= paths


def test_schema_command_prints_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"packages", "defender", "extends"} <= set(schema["properties"])
    assert schema["else"]["required"][0] == "name"


def test_new_package_on_a_file_writes_the_path_relative_to_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text((ROOT / "src/guaranty/testing/tiny.yaml").read_text())
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, ["new-package", "extra", "--base", "armed", "--extends",
                                 "base.yaml", "-o", "out/mine.yaml"])
    assert result.exit_code == 0, result.output
    assert "extends: ../base.yaml" in (tmp_path / "out/mine.yaml").read_text()
    assert load_scenario(tmp_path / "out/mine.yaml").packages["extra"].base == "armed"
