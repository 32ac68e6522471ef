"""Malformed scenarios: every problem is a ScenarioError with its place and a plain message.

Each case mutates the small valid scenario ``tests/data/minimal.yaml`` (or is written out in
full) and checks the first problem's line, column, field path and message: what must hold and
the value it got. A case's place is given as text: the (unique) spot in the malformed file
where that text begins.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guaranty.errors import InputError, Problem, ScenarioError
from guaranty.scenario import compile_plan, load_scenario, parse_scenario
from guaranty.scenario._yamlpos import MAX_NODES
from guaranty.scenario.loader import MAX_BYTES

DATA = Path(__file__).parent / "data"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
JARGON = ("Input should", "validation error", "type=", "pydantic", "Traceback", "Value error",
          "For further information", "errors.pydantic.dev")


def mutate(old: str, new: str, text: str = MINIMAL) -> str:
    """``text`` with its single occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the single occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def problems_of(text: str | bytes) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, name="bad.yaml")
    problems = caught.value.problems
    assert problems, "a ScenarioError must carry at least one problem"
    for p in problems:
        assert p.file == "bad.yaml"
        assert p.line >= 1 and p.column >= 1
        assert not any(word in p.message for word in JARGON), str(p)
    return problems


BILLION_LAUGHS = f'a: &a [{", ".join(["lol"] * 9)}]\n' + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
DEEP = "a: " + "[" * 200 + "]" * 200 + "\n"
PNG_JUNK = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xfe"
UNIFORM_GUNS = "guns: {dist: uniform, low: 100, high: 150"
ARMED_WILL = "supplier.westland.will: {dist: beta, a: 8, b: 2, unit: share"
SCEPTIC_WILL = "supplier.westland.will: {dist: beta, a: 2, b: 4, unit: share"
NO_BASE_PACKAGE = "    description: A ceasefire and nothing else.\n"

# (text, place: a needle in the text or (line, column), field path, fragments of the message)
CASES = {
    # --- YAML syntax
    "yaml-bad-indentation": (
        mutate("  name: Northland\n", "  name: Northland\n   personnel: 3\n"),
        ": 3\n", "", ["must be valid YAML", "mapping values are not allowed", "got ':'"]),
    "yaml-unclosed-bracket": (
        mutate('personnel: {value: 50000, unit: persons, assumption: "Made up."}',
               "personnel: [50000, 60000}"),
        "}\n  readiness: {dist: tri", "", ["must be valid YAML", "expected ',' or ']'",
                                          "got '}'"]),
    "yaml-unclosed-quote": (
        mutate("title: Northland", 'title: "Northland'),
        '"Northland and', "", ["quoted text must be closed", "got '\"Northland and Southland"]),
    "yaml-quote-unclosed-at-end": (
        MINIMAL + 'parameters:\n  campaign.front_loading: "2\n', '"2', "",
        ["quoted text must be closed", "got '\"2' running on to the end of the file"]),
    "yaml-tab-indentation": (
        mutate("  name: Northland\n", "\tname: Northland\n"),
        "\tname", "", ["indent with spaces, not tabs", "got a tab"]),
    "yaml-undefined-alias": (
        mutate("horizon_months: 24", "horizon_months: *months"),
        "*months", "", ["must be valid YAML", "undefined alias", "got '*months'"]),
    "yaml-several-documents": (
        MINIMAL + "---\nname: another\n",
        "---\n", "", ["must hold a single YAML document", "got a second one"]),
    "yaml-duplicate-key": (
        mutate("horizon_months: 24", "horizon_months: 24\nhorizon_months: 36"),
        "horizon_months: 36", "horizon_months",
        ["must appear once in a mapping", "got 'horizon_months' again (first at line 4)"]),
    "yaml-duplicate-key-nested": (
        mutate("    guns: {value: 400", "    tanks: {value: 400"),
        "tanks: {value: 400", "aggressor.stocks.tanks",
        ["must appear once in a mapping", "got 'tanks' again"]),
    "yaml-bad-tagged-number": (
        mutate("horizon_months: 24", "horizon_months: !!int twenty"),
        "!!int", "horizon_months", ["must be a whole number", "got 'twenty'"]),
    "yaml-bad-merge-key": (
        mutate("  tanks:\n    kind: weapon", "  tanks:\n    <<: 3\n    kind: weapon"),
        "3\n    kind: weapon", "equipment.tanks",
        ["merge key ('<<') must be followed by a mapping", "got text"]),
    "yaml-key-not-text": (
        mutate("horizon_months: 24", "? [a, b]\n: 1\nhorizon_months: 24"),
        "[a, b]", "", ["a key must be plain text", "got a list"]),
    # --- tags that would build Python objects, and other tags
    "tag-python-name": (
        mutate("title: Northland and Southland (test fixture)",
               "title: !!python/name:os.system"),
        "!!python", "title", ["tags are not allowed", "got tag !!python/name:os.system"]),
    "tag-python-object-new": (
        mutate("title: Northland and Southland (test fixture)",
               "title: !!python/object/new:subprocess.Popen [[touch, SENTINEL]]"),
        "!!python", "title", ["tags are not allowed",
                              "got tag !!python/object/new:subprocess.Popen"]),
    "tag-local": (
        mutate("horizon_months: 24", "horizon_months: !months 24"),
        "!months", "horizon_months", ["tags are not allowed", "got tag !months"]),
    "tag-binary": (
        mutate("title: Northland and Southland (test fixture)", "title: !!binary aGVsbG8="),
        "!!binary", "title", ["tags are not allowed", "got tag !!binary"]),
    "tag-set": (
        mutate("title: Northland and Southland (test fixture)", "title: !!set {a, b}"),
        "!!set", "title", ["tags are not allowed", "got tag !!set"]),
    # --- sizes and shapes of the whole file
    "empty-file": ("", (1, 1), "", ["must hold a scenario mapping", "got an empty file"]),
    "whitespace-only": (" \n\n\t  \n", (1, 1), "",
                        ["must hold a scenario mapping", "got an empty file"]),
    "comments-only": ("# nothing here\n", (1, 1), "",
                      ["must hold a scenario mapping", "got an empty file"]),
    "top-level-list": ("- name: northland\n- horizon_months: 24\n", (1, 1), "",
                       ["must be a mapping of scenario sections", "got a list"]),
    "top-level-scalar": ("northland\n", (1, 1), "",
                         ["must be a mapping of scenario sections", "got text ('northland')"]),
    "binary-junk": (PNG_JUNK, (3, 1), "", ["must be UTF-8 YAML text",
                                           "got binary data (a NUL byte)"]),
    "invalid-utf8": (b"name: northland\ntitle: caf\xe9\n", (2, 11), "",
                     ["must be UTF-8 text", "got byte 0xe9"]),
    "control-character": (mutate("title: Northland", "title: North\x07land"),
                          "\x07", "", ["must be YAML text", "got control character '\\x07'"]),
    "oversized": (b"#" * (MAX_BYTES + 1), (1, 1), "",
                  [f"must be at most {MAX_BYTES} bytes", f"got {MAX_BYTES + 1} bytes"]),
    "alias-bomb": (BILLION_LAUGHS, "&f [", "f",
                   [f"must hold at most {MAX_NODES} values once aliases are expanded",
                    "got 597871"]),
    # The mapping, its key and the list are three values; the list's items start at column 5.
    "too-many-values": ("a: [" + "0, " * MAX_NODES + "0]\n", (1, 5 + 3 * (MAX_NODES - 3)), "",
                        [f"must hold at most {MAX_NODES} values", "got more"]),
    "alias-inside-itself": ("a: &a [1, *a]\n", "&a", "a[1]",
                            ["must not contain itself", "got an alias inside its own anchor"]),
    "nesting-too-deep": (DEEP, (1, 3 + 64), "", ["must nest at most 64 levels deep",
                                             "got deeper"]),
    # --- unknown keys
    "unknown-key-top-level": (
        mutate("horizon_months: 24", "horizon_months: 24\nhorizon_monts: 36"),
        "horizon_monts: 36", "horizon_monts",
        ["unknown key 'horizon_monts'", "did you mean 'horizon_months'?"]),
    "unknown-key-nested": (
        mutate("  personnel: {value: 120000", "  personel: {value: 120000"),
        "personel", "aggressor.personel",
        ["unknown key 'personel'", "did you mean 'personnel'?"]),
    "unknown-key-in-quantity": (
        mutate("front_km: {value: 300", "front_km: {valeu: 300"),
        "valeu", "theatre.front_km.valeu", ["unknown key 'valeu'", "did you mean 'value'?"]),
    "unknown-key-for-distribution": (
        mutate(UNIFORM_GUNS, "guns: {dist: uniform, value: 120, low: 100, high: 150"),
        "value: 120, low", "defender.stocks.guns.value",
        ["unknown key 'value' for a uniform distribution",
         "must be one of dist, low, high, unit, source, assumption"]),
    "unknown-key-without-suggestion": (
        mutate("horizon_months: 24", "horizon_months: 24\nzzz: 1"),
        "zzz", "zzz", ["unknown key 'zzz'", "must be one of name, title, description"]),
    # --- wrong types
    "text-for-a-number": (
        mutate("{value: 50000,", "{value: lots,"), "lots", "defender.personnel.value",
        ["must be a number", "got 'lots'"]),
    "quoted-number": (
        mutate("horizon_months: 24", 'horizon_months: "24"'), '"24"', "horizon_months",
        ["must be a whole number", "got '24'"]),
    "fraction-for-whole-number": (
        mutate("horizon_months: 24", "horizon_months: 24.5"), "24.5", "horizon_months",
        ["must be a whole number", "got 24.5"]),
    "text-for-a-quantity": (
        mutate('  personnel: {value: 120000, unit: persons, assumption: "Made up."}',
               "  personnel: many"),
        "many", "aggressor.personnel", ["must be a number or a mapping", "got 'many'"]),
    "bool-for-a-quantity": (
        mutate('  personnel: {value: 120000, unit: persons, assumption: "Made up."}',
               "  personnel: true"),
        "true", "aggressor.personnel", ["must be a number or a mapping", "got true"]),
    "bool-for-a-value": (
        mutate("{value: 50000,", "{value: yes,"), "yes, unit", "defender.personnel.value",
        ["must be a number", "got 'yes'"]),  # YAML 1.2: yes is text
    "list-for-a-mapping": (
        mutate("financing:\n  weapons_usd_bn_per_year: {value: 2, unit: USD bn/year, "
               'assumption: "Made up."}\n  budget_support_usd_bn_per_year: {value: 1, '
               'unit: USD bn/year, assumption: "Made up."}\n', "financing: [2, 1]\n"),
        "[2, 1]", "financing", ["must be a mapping", "got a list"]),
    "mapping-for-a-list": (
        mutate("    producers:\n      - name: Westland Arsenal",
               "    producers: {name: Westland Arsenal}\n    producers_:\n"
               "      - name: Westland Arsenal"),
        "{name: Westland Arsenal}", "supply.shells.producers", ["must be a list",
                                                                "got a mapping"]),
    "null-section": (
        mutate("theatre:\n  front_km", "theatre:\ntheatre_:\n  front_km"),
        "\ntheatre_", "theatre", ["must be a mapping", "got null"]),
    "text-for-a-bool": (
        mutate("provisions: {agreement: ceasefire}",
               "provisions: {agreement: ceasefire, dmz: 'no'}"),
        "'no'", "packages.baseline.provisions.dmz", ["must be true or false", "got 'no'"]),
    "agreement-not-one-of": (
        mutate("provisions: {agreement: ceasefire}", "provisions: {agreement: truce}"),
        "truce", "packages.baseline.provisions.agreement",
        ["must be one of 'ceasefire', 'agreement' or 'victory'", "got 'truce'"]),
    "bad-name": (
        mutate("name: northland", "name: North Land"), "North Land", "name",
        ["must be lowercase letters, digits", "got 'North Land'"]),
    "bad-package-name": (
        mutate("  armed:\n", "  Armed Forces:\n"), "Armed Forces", "packages.Armed Forces",
        ["must be lowercase letters, digits", "got 'Armed Forces'"]),
    "not-one-of": (
        mutate("kind: munition", "kind: ammo"), "ammo", "equipment.shells.kind",
        ["must be one of 'weapon' or 'munition'", "got 'ammo'"]),
    # --- impossible values
    "negative-personnel": (
        mutate("{value: 50000,", "{value: -5000,"), "{value: -5000", "defender.personnel",
        ["must be >= 0", "got -5000"]),
    "share-above-one": (
        mutate("readiness: {value: 0.6", "readiness: {value: 1.5"), "{value: 1.5",
        "aggressor.readiness", ["must be in [0, 1]", "got 1.5"]),
    "share-distribution-beyond-one": (
        mutate("share_to_defender: {dist: uniform, low: 0.2, high: 0.4",
               "share_to_defender: {dist: uniform, low: 0.2, high: 1.4"),
        "{dist: uniform, low: 0.2, high: 1.4", "supply.shells.producers[0].share_to_defender",
        ["must be in [0, 1]", "got uniform(low=0.2, high=1.4)"]),
    "unbounded-normal-for-a-count": (
        mutate(UNIFORM_GUNS, "guns: {dist: normal, mean: 120, sd: 20"),
        "{dist: normal", "defender.stocks.guns", ["must be >= 0", "got normal(mean=120, sd=20)"]),
    "uniform-low-above-high": (
        mutate(UNIFORM_GUNS, "guns: {dist: uniform, low: 150, high: 100"),
        "150, high", "defender.stocks.guns.low", ["must be <= high",
                                                 "got low=150 > high=100"]),
    "triangular-mode-out-of-range": (
        mutate("low: 0.5, mode: 0.6, high: 0.7", "low: 0.5, mode: 0.9, high: 0.7"),
        "{dist: triangular", "defender.readiness",
        ["low <= mode <= high must hold", "got low=0.5, mode=0.9, high=0.7"]),
    "beta-low-above-high": (
        mutate("will: {dist: beta, a: 4, b: 2, unit",
               "will: {dist: beta, a: 4, b: 2, low: 1, high: 0, unit"),
        "1, high: 0", "suppliers.westland.will.low", ["must be < high",
                                                          "got low=1, high=0"]),
    "beta-negative-shape": (
        mutate("will: {dist: beta, a: 4,", "will: {dist: beta, a: -4,"),
        "-4", "suppliers.westland.will.a", ["must be > 0", "got -4"]),
    "discrete-weights-mismatch": (
        mutate(SCEPTIC_WILL, "supplier.westland.will: {dist: discrete, values: [0.2, 0.4], "
               "weights: [1], unit: share"),
        "[1]", "lenses.sceptic.parameters.supplier.westland.will.weights",
        ["must have one entry per value (2)", "got 1"]),
    "not-a-number": (
        mutate("{value: 50000,", "{value: .nan,"), ".nan", "defender.personnel.value",
        ["must be a finite number", "got nan"]),
    "infinite": (
        mutate("    kind: weapon\n    weight: {value: 1.0",
               "    kind: weapon\n    range_km: .inf\n    weight: {value: 1.0"),
        ".inf", "equipment.tanks.range_km", ["must be a finite number", "got inf"]),
    "horizon-zero": (
        mutate("horizon_months: 24", "horizon_months: 0"), "0\n", "horizon_months",
        ["must be >= 1", "got 0"]),
    "negative-cap": (
        mutate(NO_BASE_PACKAGE, NO_BASE_PACKAGE + "    caps: {personnel: -85000}\n"),
        "-85000", "packages.baseline.caps.personnel", ["must be >= 0", "got -85000"]),
    "unknown-distribution": (
        mutate(UNIFORM_GUNS, "guns: {dist: gaussian, low: 100, high: 150"),
        "gaussian", "defender.stocks.guns.dist",
        ["must be one of fixed, uniform, triangular, normal, lognormal, beta, discrete",
         "got 'gaussian'"]),
    "wrong-unit": (
        mutate("front_km: {value: 300, unit: km", "front_km: {value: 300, unit: miles"),
        "miles", "theatre.front_km.unit", ["must be 'km'", "got 'miles'"]),
    # --- missing fields
    "missing-required-field": (
        mutate('  recruitment_per_month: {value: 3000, unit: persons/month, '
               'assumption: "Made up."}\n', ""),
        "name: Southland", "aggressor.recruitment_per_month",
        ["must be given", "got nothing"]),
    "missing-distribution-parameter": (
        mutate(UNIFORM_GUNS + ",", "guns: {dist: uniform, low: 100,"),
        "{dist: uniform, low: 100,", "defender.stocks.guns.high",
        ["must be given for a uniform distribution", "got nothing"]),
    "weapon-without-crew": (
        mutate('    crew: {value: 4, unit: persons/unit, assumption: "Made up."}\n', ""),
        "kind: weapon\n    weight: {value: 1.0", "equipment.tanks",
        ["a weapon category must have crew", "got no crew"]),
    "no-packages": (
        mutate("packages:\n  baseline:", "packages: {}\nmore_packages:\n  baseline:"),
        "{}", "packages", ["must not be empty", "got an empty mapping"]),
    # --- dangling references
    "dangling-package-base": (
        mutate("base: baseline", "base: basline"), "basline", "packages.armed.base",
        ["must name a package (armed, baseline)", "got 'basline'"]),
    "package-base-cycle": (
        mutate(NO_BASE_PACKAGE, NO_BASE_PACKAGE + "    base: armed\n"), "armed\n    provisions",
        "packages.baseline.base", ["must not form a cycle",
                                   "got baseline -> armed -> baseline"]),
    "anchor-names-no-package": (
        mutate("\npackages:\n", "\nanchor: armd\npackages:\n"), "armd", "anchor",
        ["must name a package (armed, baseline)", "got 'armd'", "did you mean 'armed'?"]),
    "unknown-category-in-stocks": (
        mutate("    tanks: {value: 200", "    tank: {value: 200"), "tank: {value: 200",
        "defender.stocks.tank",
        ["must name an equipment category (guns, shells, tanks)", "got 'tank'"]),
    "unknown-category-in-caps": (
        mutate(NO_BASE_PACKAGE, NO_BASE_PACKAGE + "    caps: {stocks: {tankz: 10}}\n"),
        "tankz", "packages.baseline.caps.stocks.tankz",
        ["must name an equipment category", "got 'tankz'"]),
    "unknown-category-in-supply": (
        mutate("supply:\n  shells:", "supply:\n  shell:"), "shell:\n", "supply.shell",
        ["must name an equipment category", "got 'shell'"]),
    "munition-feeds-a-munition": (
        mutate("feeds: guns", "feeds: shells"), "shells\n    need", "equipment.shells.feeds",
        ["must name a weapon category", "got munition 'shells'"]),
    "unknown-supplier": (
        mutate("supplier: westland", "supplier: eastland"), "eastland",
        "supply.shells.producers[0].supplier",
        ["must name a supplier (westland)", "got 'eastland'"]),
    "unknown-supplier-in-package": (
        mutate("      westland:\n        commitment", "      westlnd:\n        commitment"),
        "westlnd", "packages.armed.suppliers.westlnd",
        ["must name a supplier (westland)", "got 'westlnd'"]),
    "unknown-parameter-in-package": (
        mutate(ARMED_WILL, "supplier.westland.wil: {dist: beta, a: 8, b: 2, unit: share"),
        "supplier.westland.wil:", "packages.armed.parameters.supplier.westland.wil",
        ["must name a registry parameter", "got 'supplier.westland.wil'",
         "did you mean 'supplier.westland.will'?"]),
    "unknown-parameter-in-lens": (
        mutate(SCEPTIC_WILL, "supplier.westlan.will: {dist: beta, a: 2, b: 4, unit: share"),
        "supplier.westlan.will", "lenses.sceptic.parameters.supplier.westlan.will",
        ["must name a registry parameter", "did you mean 'supplier.westland.will'?"]),
    "unknown-parameter-at-top-level": (
        MINIMAL + "parameters:\n  campaign.front_loadin: 2\n",
        "campaign.front_loadin", "parameters.campaign.front_loadin",
        ["must name a registry parameter", "did you mean 'campaign.front_loading'?"]),
    "parameter-probability-above-one": (
        mutate(SCEPTIC_WILL, "supplier.westland.will: {dist: uniform, low: 0.5, high: 1.5, "
               "unit: share"),
        "{dist: uniform, low: 0.5, high: 1.5", "lenses.sceptic.parameters.supplier.westland.will",
        ["must be in [0, 1]", "got uniform(low=0.5, high=1.5)"]),
    "parameter-wrong-unit": (
        mutate(ARMED_WILL, "supplier.westland.will: {dist: beta, a: 8, b: 2, unit: percent"),
        "percent", "packages.armed.parameters.supplier.westland.will.unit",
        ["must be 'share'", "got 'percent'"]),
}


@pytest.mark.parametrize(("text", "place", "path", "fragments"), list(CASES.values()),
                         ids=list(CASES))
def test_malformed_scenario_is_reported_with_its_place(
    text: str | bytes, place: str | tuple[int, int], path: str, fragments: list[str]
) -> None:
    first = problems_of(text)[0]
    if isinstance(place, str):
        assert isinstance(text, str)
        place = where(text, place)
    assert (first.line, first.column) == place, str(first)
    assert first.path == path, str(first)
    for fragment in fragments:
        assert fragment in first.message, str(first)
    assert ", got " in first.message or first.message.startswith("unknown key"), str(first)
    prefix = f"bad.yaml:{first.line}:{first.column}: " + (f"{path}: " if path else "")
    assert str(first) == prefix + first.message


def test_there_are_enough_malformed_cases() -> None:
    assert len(CASES) >= 25


def test_several_independent_errors_are_all_reported_in_order() -> None:
    text = mutate("horizon_months: 24", "horizon_months: 24\nhorizon_monts: 36")
    text = mutate("  personnel: {value: 50000", "  personnel: {value: -5000", text)
    text = mutate("readiness: {value: 0.6", "readiness: {value: 1.5", text)
    text = mutate("front_km: {value: 300, unit: km", "front_km: {value: 300, unit: miles", text)
    problems = problems_of(text)
    assert [(p.line, p.column, p.path) for p in problems] == [
        (*where(text, "horizon_monts"), "horizon_monts"),
        (*where(text, "{value: -5000"), "defender.personnel"),
        (*where(text, "{value: 1.5"), "aggressor.readiness"),
        (*where(text, "miles"), "theatre.front_km.unit"),
    ]
    assert len({p.line for p in problems}) == 4


def test_several_reference_errors_are_all_reported() -> None:
    text = mutate("base: baseline", "base: basline")
    text = mutate("supplier: westland", "supplier: eastland", text)
    text = mutate("    tanks: {value: 200", "    tank: {value: 200", text)
    problems = problems_of(text)
    assert [p.path for p in problems] == [
        "defender.stocks.tank", "supply.shells.producers[0].supplier", "packages.armed.base"]
    assert problems == sorted(problems, key=lambda p: (p.line, p.column))


def test_a_misspelt_key_is_not_also_reported_missing() -> None:
    text = mutate("  personnel: {value: 50000", "  personel: {value: 50000")
    assert [p.path for p in problems_of(text)] == ["defender.personel"]


def test_python_tags_are_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    sentinel = tmp_path / "SENTINEL"
    monkeypatch.chdir(tmp_path)
    for tag in ("!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"):
        text = mutate("title: Northland and Southland (test fixture)",
                      f'title: {tag} ["touch {sentinel}"]')
        first = problems_of(text)[0]
        assert (first.line, first.column, first.path) == (*where(text, tag), "title")
        assert f"got tag {tag}" in first.message
    file = DATA / "bad" / "python-tag.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert "got tag !!python/object/apply:os.system" in str(caught.value)
    assert not sentinel.exists()
    assert not (tmp_path / "SENTINEL").exists()


def test_the_alias_bomb_file_is_refused_quickly() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(DATA / "bad" / "alias-bomb.yaml")
    assert "once aliases are expanded" in caught.value.first.message


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "bad").glob("*.yaml")))
def test_every_bad_file_fails_with_placed_problems(name: str) -> None:
    file = DATA / "bad" / name
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    lines = file.read_text(encoding="utf-8").splitlines()
    for p in caught.value.problems:
        assert p.file == str(file)
        assert 1 <= p.line <= len(lines)
        assert ", got " in p.message or p.message.startswith("unknown key")


def test_oversized_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * (MAX_BYTES // 10 + 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(big)
    assert str(caught.value) == (
        f"{big}:1:1: must be at most {MAX_BYTES} bytes (a scenario is a small text file), "
        f"got {big.stat().st_size} bytes")


def test_random_binary_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(os.urandom(3000) + b"\x00")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(junk)
    assert len(caught.value.problems) == 1
    assert caught.value.first.message.startswith("must be UTF-8")


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path)
    assert str(caught.value) == f"{tmp_path}:1:1: must be a YAML file, got a directory"


@pytest.mark.parametrize("name", ["missing.yaml", "no-such-scenario", "a/b/c.yaml"])
def test_a_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name if "/" in name or name.endswith(".yaml") else name
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:1:1: must be an existing scenario file, got no such file"


def test_unusable_file_names() -> None:
    with pytest.raises(ScenarioError, match="got a name with a NUL character"):
        load_scenario("bad\x00name.yaml")
    with pytest.raises(ScenarioError, match="must be a readable file"):
        load_scenario("x" * 5000)


def test_the_fixtures_are_valid() -> None:
    minimal = load_scenario(DATA / "minimal.yaml")
    assert set(minimal.packages) == {"baseline", "armed"}
    assert set(minimal.lenses) == {"sceptic"}
    assert len(minimal.equipment) == 3
    assert load_scenario("ukraine-2025").name == "ukraine-2025"


def test_yaml_conveniences_still_work() -> None:
    """Merge keys, 1e6-style numbers, dates as text and a BOM are all fine."""
    text = mutate("equipment:\n  tanks:\n", "equipment:\n  tanks: &tank\n")
    text = mutate("  guns:\n    kind: weapon\n", "  guns:\n    <<: *tank\n    kind: weapon\n",
                  text)
    text = mutate("{value: 50000,", "{value: 5e4,", text)
    text = mutate("title: Northland and Southland (test fixture)", "title: 2025-01-01", text)
    scenario = parse_scenario("\ufeff" + text)
    assert scenario.defender.personnel.mean == 50000
    assert scenario.title == "2025-01-01"
    guns = scenario.equipment["guns"]
    assert guns.crew is not None and guns.crew.mean == 6  # written keys win over merged ones


def test_packages_and_lenses_by_name() -> None:
    scenario = parse_scenario(MINIMAL + "anchor: baseline\n", name="ok.yaml")
    assert scenario.anchor == "baseline" and parse_scenario(MINIMAL).anchor is None
    assert scenario.package("armed") is scenario.packages["armed"]
    assert scenario.lens("sceptic") is scenario.lenses["sceptic"]
    with pytest.raises(InputError, match=r"unknown package 'armd'; did you mean 'armed'\? "
                       r"\(known: armed, baseline\)"):
        scenario.package("armd")
    with pytest.raises(InputError, match=r"unknown lens 'nope' \(known: sceptic\)"):
        scenario.lens("nope")
    with pytest.raises(InputError, match="unknown package 'armd'"):
        compile_plan(scenario, "armd")
