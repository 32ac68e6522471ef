"""Negotiation: hand-solvable bargaining problems, the built-in positions, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from guaranty import InputError, ScenarioError, parse_scenario
from guaranty.cli import main
from guaranty.negotiation import (
    FallbackChange,
    NegotiationResult,
    Problem,
    RedLine,
    acceptable,
    analyse,
    concessions,
    feasible,
    kalai_smorodinsky,
    nash,
    pareto_front,
)
from guaranty.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "ukraine-2025.yaml"
WORLDS = 50  # tiny: the structure of the result, not its precision, is under test


def _mask(n: int, *rows: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[list(rows)] = True
    return out


def _problem() -> Problem:
    """Two parties, six packages; worked by hand in the comments of the tests below."""
    utility = np.array([[1.0, 0.8, 0.6, 0.3, 0.5, 0.1],
                        [0.0, 0.46, 0.6, 0.95, 0.5, 0.9]])
    return Problem(("a", "b"), utility, np.array([0.2, 0.1]),
                   red_lines=(RedLine(0, "a rejects 4", "a accepts 4", _mask(6, 4)),))


def test_acceptable_and_feasible_sets_by_hand() -> None:
    # a: u >= 0.2 and not package 4 -> 0, 1, 2, 3; b: u >= 0.1 -> 1, 2, 3, 4, 5.
    p = _problem()
    ok = acceptable(p)
    assert np.flatnonzero(ok[0]).tolist() == [0, 1, 2, 3]
    assert np.flatnonzero(ok[1]).tolist() == [1, 2, 3, 4, 5]
    assert np.flatnonzero(feasible(p)).tolist() == [1, 2, 3]


def test_pareto_front_by_hand() -> None:
    p = _problem()
    assert pareto_front(p.utility, feasible(p)) == [1, 2, 3]
    # Over all packages 4 = (0.5, 0.5) is dominated by 2 = (0.6, 0.6), 5 by 3.
    assert pareto_front(p.utility, np.ones(6, dtype=bool)) == [0, 1, 2, 3]
    assert pareto_front(p.utility, np.zeros(6, dtype=bool)) == []


def test_nash_and_kalai_smorodinsky_by_hand() -> None:
    # Gains over (0.2, 0.1): 1 -> (0.6, 0.36), product 0.216; 2 -> (0.4, 0.5), 0.2;
    # 3 -> (0.1, 0.85), 0.085. Nash = 1.
    # Ideal point over the feasible set (0.8, 0.95), spans (0.6, 0.85); normalised gains
    # 1 -> (1, 0.424), 2 -> (0.667, 0.588), 3 -> (0.167, 1); max-min = 2.
    p = _problem()
    assert nash(p) == 1
    assert kalai_smorodinsky(p) == 2


def test_solutions_are_none_without_a_zone() -> None:
    p = Problem(("a", "b"), np.array([[0.9, 0.1], [0.1, 0.9]]), np.array([0.5, 0.5]))
    assert not feasible(p).any()
    assert nash(p) is None
    assert kalai_smorodinsky(p) is None


def test_nash_tie_goes_to_the_larger_sum_of_gains() -> None:
    # Products 0.5 * 0.5 = 0.25 and 1.0 * 0.25 = 0.25; sums 1.0 and 1.25.
    p = Problem(("a", "b"), np.array([[0.5, 1.0], [0.5, 0.25]]), np.zeros(2))
    assert nash(p) == 1


def test_concessions_smallest_sets_by_hand() -> None:
    # Without the red line only package 1 is feasible; the red line empties the set.
    # Each single move opens a zone: dropping the red line (-> 1), g's fall-back to 0.15
    # (-> g accepts 0), d's fall-back to 0.3 (-> d accepts 2). Dropping g's red line on 3
    # opens nothing alone (d rejects 3 for its utility).
    utility = np.array([[0.9, 0.7, 0.4, 0.2], [0.2, 0.6, 0.8, 0.9]])
    p = Problem(("d", "g"), utility, np.array([0.5, 0.5]),
                red_lines=(RedLine(0, "d rejects 1", "d accepts 1", _mask(4, 1)),
                           RedLine(1, "g rejects 3", "g accepts 3", _mask(4, 3))),
                fallback_changes=(FallbackChange(1, "g's fall-back falls", 0.15),
                                  FallbackChange(0, "d's fall-back falls", 0.3)))
    found = [(c.relax, c.package, c.feasible) for c in concessions(p)]
    assert found == [(("d accepts 1",), 1, 1), (("g's fall-back falls",), 0, 1),
                     (("d's fall-back falls",), 2, 1)]


def test_concessions_search_widens_until_a_zone_opens() -> None:
    utility = np.array([[0.9, 0.7, 0.4], [0.2, 0.6, 0.8]])
    p = Problem(("d", "g"), utility, np.array([0.5, 0.5]),
                red_lines=(RedLine(0, "d rejects 1", "d accepts 1", _mask(3, 1)),
                           RedLine(1, "g rejects 1", "g accepts 1", _mask(3, 1))))
    found = concessions(p)
    assert [(c.relax, c.package) for c in found] == [(("d accepts 1", "g accepts 1"), 1)]
    assert concessions(p, max_size=1) == []
    assert concessions(p.relaxed(p.red_lines)) == []  # a zone exists: nothing to concede


def test_problem_checks_its_shapes() -> None:
    with pytest.raises(InputError, match="utility must have shape"):
        Problem(("a", "b"), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(InputError, match="finite"):
        Problem(("a",), np.array([[np.nan]]), np.zeros(1))


# --------------------------------------------------------------------------- built-in


@pytest.fixture(scope="module")
def builtin(ukraine: Scenario) -> NegotiationResult:
    return analyse(ukraine, worlds=WORLDS, seed=0, workers=2)


def test_builtin_positions_leave_no_zone_between_defender_and_aggressor(
        builtin: NegotiationResult) -> None:
    assert builtin.parties == ("defender", "aggressor", "us", "europe")
    assert len(builtin.packages) == 288
    assert builtin.accepted_by("defender", "aggressor") == []
    doc = builtin.to_dict()
    assert doc["feasible"] == [] and doc["pareto"] == []
    assert doc["nash"] is None and doc["kalai_smorodinsky"] is None
    assert all(doc["acceptable"][p] for p in builtin.parties)  # each accepts something


def test_builtin_concessions_are_smallest_and_priced(builtin: NegotiationResult) -> None:
    found = builtin.concessions
    assert found, "some small set of concessions must open a zone"
    sizes = {len(c.relax) for c in found}
    assert len(sizes) == 1
    assert "the aggressor accepts guarantees negotiated without it" in {
        text for c in found for text in c.relax}
    texts = {line.concession: line for line in builtin.problem.red_lines}
    changes = {c.text: c for c in builtin.problem.fallback_changes}
    for c in found:
        relaxed = builtin.problem.relaxed([texts.get(t) or changes[t] for t in c.relax])
        assert feasible(relaxed)[c.package]
        assert 0.0 <= builtin.price(c.package) <= 1.0
    doc = builtin.to_dict()["concessions"]
    assert {k for d in doc for k in d} == {"relax", "package", "p_war_120m"}
    assert set(doc[0]["package"]) == set(builtin.packages[0])


def test_dropping_a_red_line_in_the_file_opens_the_zone(builtin: NegotiationResult) -> None:
    text = SCENARIO.read_text()
    line = ("        - issue: aggressor-role\n          reject: [none]\n"
            "          concession: the aggressor accepts guarantees negotiated without it\n")
    assert text.count(line) == 1
    changed = parse_scenario(text.replace(line, "        - issue: aggressor-role\n"
                                          "          reject: [none]\n"
                                          "          concession: x\n", 1), name="same.yaml")
    assert analyse(changed, worlds=WORLDS, seed=0).concessions  # same positions, same result
    without = text.replace(line + "          source: \"Lavrov: security discussions without "
                           "Russia's participation are utopian (source article)\"\n", "", 1)
    assert without != text
    result = analyse(parse_scenario(without, name="changed.yaml"), worlds=WORLDS, seed=0)
    opened = {c.package for c in builtin.concessions
              if c.relax == ("the aggressor accepts guarantees negotiated without it",)}
    assert result.feasible.any() and result.concessions == ()
    assert result.nash is not None and result.kalai_smorodinsky is not None
    assert opened <= set(np.flatnonzero(result.feasible).tolist())
    assert set(result.pareto) <= set(np.flatnonzero(result.feasible).tolist())


def test_negotiate_json_shape(capsys: pytest.CaptureFixture[str],
                              builtin: NegotiationResult) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["negotiate", str(SCENARIO), "--worlds", str(WORLDS), "--seed", "0", "--json"])
    assert stop.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"parties", "acceptable", "feasible", "pareto", "nash",
                        "kalai_smorodinsky", "concessions"}
    assert doc["parties"] == ["defender", "aggressor", "us", "europe"]
    assert set(doc["acceptable"]) == set(doc["parties"])
    assert doc == json.loads(json.dumps(builtin.to_dict()))


def test_negotiate_table(capsys: pytest.CaptureFixture[str],
                         builtin: NegotiationResult) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["negotiate", str(SCENARIO), "-n", str(WORLDS)])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert "No zone of agreement" in out and "p_war_120m" in out


# --------------------------------------------------------------------------- the schema


@pytest.mark.parametrize(("old", "new", "message"), [
    ("neutrality: {weight: 0.1, scores", "neutrality: {weight: 0.2, scores",
     "must sum to 1"),
    ("          reject: [istanbul-85k]", "          reject: [istanbul-50k]",
     "must name options of army-cap"),
    ("neutral: 0.3}, assumption:", "neutral: 0.3}, comment:", "unknown key 'comment'"),
])
def test_bad_positions_are_reported(old: str, new: str, message: str) -> None:
    text = SCENARIO.read_text()
    assert old in text
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(text.replace(old, new, 1), name="bad.yaml")


@pytest.mark.parametrize(("new", "path", "message"), [
    ("package: {neutrality: maybe}", "options.neutral.package.neutrality",
     "must be true or false, got 'maybe'"),
    ("package: {base: strong-army}", "options.neutral.package",
     "an option's package must not set base"),
    ("package: {neutrallity: true}", "options.neutral.package.neutrallity",
     "did you mean 'neutrality'?"),
])
def test_bad_fragments_are_reported_in_place(new: str, path: str, message: str) -> None:
    text = SCENARIO.read_text()
    old = "package: {neutrality: true}"
    with pytest.raises(ScenarioError, match=message) as caught:
        parse_scenario(text.replace(old, new, 1), name="bad.yaml")
    first = caught.value.first
    assert first.path == f"negotiation.issues.neutrality.{path}"
    line = text[:text.index(old)].count("\n") + 1
    assert first.line == line


def test_negotiation_section_does_not_import_the_schema() -> None:
    import ast

    import guaranty.scenario.negotiation as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.startswith("guaranty") for name in imported), imported


def test_uncited_position_is_rejected() -> None:
    text = SCENARIO.read_text()
    old = (', source: "Sanctions weaken') if ', source: "Sanctions weaken' in text else (
        ', assumption: "Sanctions weaken')
    start = text.index(old)
    end = text.index('"}', start) + 1
    with pytest.raises(ScenarioError, match="source or an assumption"):
        parse_scenario(text[:start] + text[end:], name="bad.yaml")


def test_unknown_guarantor_in_an_option_is_reported(ukraine: Scenario) -> None:
    text = SCENARIO.read_text()
    old = "peacekeepers: {members: [us, uk, fr, aggressor, cn]"
    # Found at load time now, with its place in the file (issue 16), not when negotiate runs.
    with pytest.raises(InputError, match=r"bad\.yaml:\d+:\d+: negotiation\.issues\.aggressor-role"
                       r"\.options\.p5-peacekeepers\.package\.peacekeepers\.members\[4\]"):
        parse_scenario(text.replace(old, "peacekeepers: {members: [us, uk, fr, aggressor, xx]"),
                       name="bad.yaml")
    with pytest.raises(InputError, match="must define issues and parties"):
        analyse(ukraine.model_copy(update={"negotiation": type(ukraine.negotiation)()}))


# --------------------------------------------------------------------------- NegMAS


def test_alternating_offers_reach_a_feasible_package_or_none(
        builtin: NegotiationResult) -> None:
    pytest.importorskip("negmas")
    from guaranty.negotiation.protocol import alternating_offers

    p = _problem()
    packages = [{"x": str(i)} for i in range(6)]
    deal = alternating_offers(p, packages, ("a", "b"), steps=100)
    assert deal.agreement is not None
    assert feasible(p)[int(deal.agreement["x"])]
    none = alternating_offers(builtin.problem, builtin.packages, steps=60)
    assert none.agreement is None
