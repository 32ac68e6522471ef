"""The HTML report: one self-contained file with every chart, every assumption with its source,
the seed, the version and the scenario's SHA-256; it opens in headless chromium with every
chart rendered and no network request.

``GUARANTY_REPORT_SCREENSHOT=docs/report.png`` saves the first screen of the tested report
(``scripts/report_screenshot.py`` makes the committed one at full size).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from tests.browser import chromium_page
from typer.testing import CliRunner

import guaranty
from guaranty.cli.root import app
from guaranty.errors import InputError
from guaranty.report import SECTIONS, Budget, write_report
from guaranty.scenario.compile import base_registry

PACKAGES = ["ceasefire-only", "strong-army", "istanbul-2022"]
SMALL = Budget(lens_worlds=100, sobol_n=16, drivers_worlds=300, table_drivers_worlds=128,
               prim_worlds=300, negotiation_worlds=8, optimise_population=4,
               optimise_generations=2, optimise_worlds=8)
CHARTS = ["p-war", "cost-risk", "people", "lenses-p_war_120m", "lenses-p_hold_given_war",
          "sobol", "rbd-fast", "prim", "acceptance", "concessions", "pareto", "km"]
LOCAL = ("file:", "data:", "about:", "blob:")


def quiet(*_: object) -> None:
    pass


@pytest.fixture(scope="module")
def scenario() -> guaranty.Scenario:
    return guaranty.load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, scenario: guaranty.Scenario
           ) -> tuple[Path, guaranty.Results]:
    results = guaranty.simulate(scenario, packages=PACKAGES, worlds=300, seed=5)
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert write_report(scenario, results, path, budget=SMALL, progress=quiet) == path
    return path, results


def test_report_holds_identity_table_and_every_chart(report, scenario) -> None:
    path, results = report
    html = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
    assert digest in html
    assert f"seed <code>{results.seed}</code>" in html
    assert f"guaranty {guaranty.__version__}" in html
    assert re.findall(r'data-key="([^"]+)"', html) == CHARTS
    assert html.count('class="plotly-graph-div"') == len(CHARTS)
    table = html[html.index('<table class="comparison">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<td class="name">([^<]+)</td>', table)
    order = sorted(PACKAGES, key=lambda p: results.mean(p, "p_war_120m"))
    assert rows == order
    assert "anchor" in table and "defender" in table  # istanbul-2022: rejected by the defender
    assert 'class="missing"' not in html


def test_report_lists_every_assumption_with_its_source(report, scenario) -> None:
    import html as html_lib

    path, _ = report
    text = html_lib.unescape(path.read_text(encoding="utf-8"))
    registry = base_registry(scenario)
    assert text.count("<tr class=\"\">") + text.count("<tr class=\"unread\">") >= len(registry)
    for name, p in registry.items():
        assert f"<code>{name}</code>" in text
        assert (p.source or p.assumption or "").strip() in text


def test_report_is_self_contained(report) -> None:
    from plotly.offline import get_plotlyjs

    path, _ = report
    html = path.read_text(encoding="utf-8")
    # plotly.js inlined once (as the installed package ships it), then one script per chart
    start = html.index("<script>") + len("<script>")
    end = html.index("</script>", start)
    assert html[start:end] == get_plotlyjs()
    rest = html[:start] + html[end:]
    assert rest.count("<script") == 1 + len(CHARTS)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html)
    # nothing outside plotly.js's own code names a remote address
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", rest)


def test_report_opens_with_every_chart_rendered_and_no_network_request(report) -> None:
    path, _ = report
    requests: list[str] = []
    with chromium_page() as page:
        page.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("div.chart .main-svg")
        charts = page.locator("div.chart")
        assert charts.count() == len(CHARTS)
        for k in range(charts.count()):
            assert charts.nth(k).locator("svg.main-svg").count() >= 1, CHARTS[k]
        shot = os.environ.get("GUARANTY_REPORT_SCREENSHOT")
        if shot:
            page.screenshot(path=shot)
    assert errors == []
    outside = [u for u in requests if not u.startswith(LOCAL)]
    assert outside == []
    assert requests  # the page itself was requested and recorded


def test_sections_pick_what_the_report_holds(tmp_path, scenario) -> None:
    results = guaranty.simulate(scenario, packages=PACKAGES[:2], worlds=200, seed=1)
    path = write_report(scenario, results, tmp_path / "r.html",
                        sections=["war", "assumptions"], budget=SMALL, progress=quiet)
    html = path.read_text(encoding="utf-8")
    assert re.findall(r'data-key="([^"]+)"', html) == ["p-war"]
    assert 'id="assumptions"' in html and 'class="comparison"' not in html
    with pytest.raises(InputError, match="unknown report section"):
        write_report(scenario, results, tmp_path / "x.html", sections=["plots"])


def test_a_short_scenario_without_negotiation_gets_every_other_chart(tmp_path) -> None:
    from guaranty.testing import tiny_scenario

    scenario = tiny_scenario()  # no negotiation section, no levers; a 24-month horizon
    results = guaranty.simulate(scenario, worlds=200, seed=2)
    html = write_report(scenario, results, tmp_path / "t.html", budget=SMALL, progress=quiet
                        ).read_text(encoding="utf-8")
    assert "negotiation: not shown — the scenario has no negotiation section" in html
    assert "optimise: not shown — the scenario defines no levers" in html
    assert "P(war ≤ 24 mo)" in html
    assert re.findall(r'data-key="([^"]+)"', html) == [
        "p-war", "cost-risk", "people", "lenses-p_war_horizon", "lenses-p_hold_given_war",
        "sobol", "rbd-fast", "prim", "km"]


def test_an_analysis_whose_library_is_missing_is_skipped_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from guaranty.report import analyses
    from guaranty.testing import tiny_scenario

    def no_salib(*_: object) -> dict[str, object]:
        raise ModuleNotFoundError("No module named 'SALib'", name="SALib")

    monkeypatch.setitem(analyses._STEP, "sobol", no_salib)
    scenario = tiny_scenario()
    results = guaranty.simulate(scenario, worlds=50, seed=1)
    steps: list[str] = []
    found = analyses.run_analyses(scenario, results, steps=("sobol", "outside"),
                                  progress=lambda step, *_: steps.append(step))
    assert found.missing == {"sobol": "needs SALib (pip install 'guaranty[analysis]')"}
    assert found.sobol is None and found.outside
    assert steps == ["outside", "sobol", "done"]


def test_budget_scales_and_checks() -> None:
    big = Budget().scaled(2)
    assert big.lens_worlds == 2 * Budget().lens_worlds and big.workers == 1
    assert Budget().scaled(0.001).optimise_generations == 2
    with pytest.raises(InputError):
        Budget(sobol_n=0)
    with pytest.raises(InputError):
        Budget().scaled(-1)


def test_cli_writes_the_report_and_prints_its_path(tmp_path) -> None:
    out = tmp_path / "cli.html"
    result = CliRunner().invoke(app, [
        "report", "scenarios/ukraine-2025.yaml", "-o", str(out), "-n", "200", "-s", "4",
        "-p", "strong-army", "--section", "table", "--section", "cost-risk"])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    assert "report: analyses done" in result.stderr  # progress, one line per analysis
    html = out.read_text(encoding="utf-8")
    assert "seed <code>4</code>" in html and 'data-key="cost-risk"' in html


@pytest.mark.parametrize("args, message", [
    (["-o", "/nonexistent-folder/r.html"], "does not exist"),
    (["--section", "plots"], "--section must be one of"),
    (["--budget", "0"], "budget factor must be a number > 0"),
])
def test_cli_bad_input_is_a_one_line_error(args, message, capsys) -> None:
    from guaranty.cli.root import main

    with pytest.raises(SystemExit) as exit_:
        main(["report", "scenarios/ukraine-2025.yaml", "-n", "10", *args])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert set(SECTIONS) >= {"table", "assumptions"}
