"""``guaranty durability``: the outside view on the command line (a thin client, no model logic)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from guaranty.cli._format import emit_json, out_console, printable
from guaranty.cli.options import JsonDoc
from guaranty.errors import InputError
from guaranty.history.curves import GROUPINGS, curves_by
from guaranty.history.fortna import SPECIFICATIONS, reproduce
from guaranty.history.interstate import agreement_model, base_rates, termination_model
from guaranty.history.outside import AGREEMENTS, Provisions, outside_view, outside_view_model
from guaranty.history.survival import CoxFit, Term
from guaranty.history.validate import validate as run_validation
from guaranty.outside import outside_estimate
from guaranty.scenario import compile_plan, load_scenario

app = typer.Typer(
    help="Outside view: how long cease-fires held in history, and what helped.",
    no_args_is_help=True,
)

Level = Annotated[float, typer.Option("--level", help="Coverage of the intervals, e.g. 0.9.")]
Horizons = Annotated[str, typer.Option("--months", help="Horizons in months.")]


def _console() -> Console:
    return out_console(width=120)


def _months(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(
            f"--months must be whole months separated by commas, got {text!r}"
        ) from None
    if not values or min(values) <= 0:
        raise InputError(f"--months must be positive, e.g. 12,60,120; got {text!r}")
    return values


def _check_level(level: float) -> None:
    if not 0.5 <= level < 1:
        raise InputError(f"--level must be in [0.5, 1), got {level}")


def _term(t: Term) -> dict[str, float | str]:
    return {"name": t.name, "hazard_ratio": t.hazard_ratio, "lo": t.lo, "hi": t.hi, "p": t.p}


def _cox(fit: CoxFit, data: str) -> dict[str, Any]:
    return {
        "data": data,
        "form": fit.form,
        "n_spells": fit.n_spells,
        "n_failures": fit.n_failures,
        "concordance": fit.concordance,
        "terms": [_term(t) for t in fit.terms],
        "proportional_hazards": [
            {"name": c.name, "statistic": c.statistic, "p": c.p} for c in fit.ph
        ],
    }


def _hr_table(title: str, terms: Sequence[Term], ph: dict[str, float] | None = None) -> Table:
    table = Table(title=title)
    for column in ("term", "hazard ratio", "95 % interval", "p", *(["PH test p"] if ph else [])):
        table.add_column(column)
    for t in terms:
        cells = [t.name, f"{t.hazard_ratio:.2f}", f"{t.lo:.2f}-{t.hi:.2f}", f"{t.p:.3f}"]
        if ph:
            cells.append(f"{ph[t.name]:.3f}")
        table.add_row(*cells)
    return table


@app.command()
def fit(json_out: JsonDoc = False, level: Level = 0.95) -> None:
    """Fit every model: the outside-view Weibull, Cox models with PH checks, UCDP models."""
    _check_level(level)
    weibull = outside_view_model()
    fortna_cox = reproduce("controls", level=level)
    term_cox, agree_cox = termination_model(level=level), agreement_model(level=level)
    doc = {
        "outside_view": {
            "data": "Fortna civil-war cease-fires 1947-1999",
            "model": "Weibull PH (AFT), start-stop with left truncation",
            "n_spells": weibull.n_spells,
            "n_failures": weibull.n_failures,
            "shape_rho": float(np.exp(weibull.log_rho)),
            "aic": weibull.aic,
            "terms": [_term(t) for t in weibull.hazard_ratios(level=level)],
        },
        "fortna_cox": fortna_cox.to_dict(),
        "ucdp_termination": _cox(term_cox, "UCDP conflict episodes 1946-2020 (renewed war)"),
        "ucdp_agreements": _cox(agree_cox, "UCDP peace agreements 1975-2021 (agreement ended)"),
    }
    if json_out:
        emit_json(doc)
        return
    console = _console()
    console.print(
        _hr_table(
            f"Outside view: Weibull PH on Fortna ({weibull.n_spells} spells, "
            f"{weibull.n_failures} failures, shape {np.exp(weibull.log_rho):.2f})",
            weibull.hazard_ratios(level=level),
        )
    )
    ph = dict(fortna_cox.ph)
    console.print(
        _hr_table("Fortna, Cox start-stop ('controls')", [r.term for r in fortna_cox.rows], ph)
    )
    for title, c in (
        ("UCDP episodes: renewed war", term_cox),
        ("UCDP agreements: ended", agree_cox),
    ):
        console.print(
            _hr_table(
                f"{title} ({c.n_spells} spells, {c.n_failures} failures)",
                c.terms,
                {p.name: p.p for p in c.ph},
            )
        )


@app.command()
def table(
    spec: Annotated[str, typer.Option(
        "--spec", help="controls, basic, post_cold_war, weibull.")] = "controls",
    json_out: JsonDoc = False,
    level: Level = 0.95,
) -> None:
    """Fortna's hazard ratios of renewed war, reproduced, beside the published figures."""
    _check_level(level)
    if spec not in SPECIFICATIONS:
        raise InputError(f"--spec must be one of {', '.join(SPECIFICATIONS)}, got {spec!r}")
    result = reproduce(spec, level=level)
    if json_out:
        emit_json(result.to_dict())
        return
    out = Table(
        title=f"{result.description}\n{result.n_spells} spells, {result.n_failures} failures",
        caption="Published figures are secondary citations of Fortna (2008), not the book.",
    )
    for column in ("term", "HR", f"{level:.0%} interval", "published (secondary)", "overlap"):
        out.add_column(column)
    for r in result.rows:
        t = r.term
        out.add_row(
            t.name,
            f"{t.hazard_ratio:.2f}",
            f"{t.lo:.2f}-{t.hi:.2f}",
            "" if r.published is None else r.published.statement,
            "" if r.agrees is None else ("yes" if r.agrees else "no"),
        )
    _console().print(out)


@app.command()
def curve(
    data: Annotated[str, typer.Option(
        "--data", help="fortna (civil wars) or ucdp (base rates).")] = "fortna",
    by: Annotated[str, typer.Option(
        "--by", help="fortna: peacekeeping, mission, outcome.")] = "peacekeeping",
    months: Horizons = "12,60,120",
    json_out: JsonDoc = False,
    level: Level = 0.95,
) -> None:
    """Kaplan-Meier curves: share of cease-fires still holding, by provision or outcome."""
    _check_level(level)
    horizons = _months(months)
    rows: list[dict[str, Any]]
    if data == "ucdp":
        rows = [
            {"label": f"{r.kind}/{r.outcome}", "n": r.n, "events": r.failures,
             "p_war": {str(m): list(v) for m, v in r.p_war.items()}}
            for r in base_rates(months=tuple(horizons), level=level)
        ]
        doc: dict[str, Any] = {"data": "UCDP conflict termination 1946-2020", "by": "kind/outcome"}
    elif data == "fortna":
        if by not in GROUPINGS:
            raise InputError(f"--by must be peacekeeping, mission or outcome, got {by!r}")
        rows = [c.to_dict() for c in curves_by(by=by, months=horizons, level=level)]
        doc = {
            "data": "Fortna civil-war cease-fires 1947-1999 (provisions at the cease-fire)",
            "by": by,
        }
    else:
        raise InputError(f"--data must be fortna or ucdp, got {data!r}")
    if json_out:
        emit_json({**doc, "curves": rows})
        return
    out = Table(title=f"P(renewed war) by {doc['by']}: {doc['data']}")
    for column in ("group", "n", "failures", *(f"{m} months" for m in horizons)):
        out.add_column(column)
    for r in rows:
        cells = []
        for m in horizons:
            e, lo, hi = r["p_war"][str(m)]
            cells.append(f"{e:.2f} ({lo:.2f}-{hi:.2f})")
        out.add_row(r["label"], str(r["n"]), str(r["events"]), *cells)
    _console().print(out)


@app.command()
def validate(
    split_year: Annotated[int | None, typer.Option(
        "--split-year", help="First year held out (1990; with --inside 1980).")] = None,
    inside: Annotated[bool, typer.Option(
        "--inside", help="The fitted decision block (inside model) against the interstate "
                         "outside view on held-out interstate cases.")] = False,
    folds: Annotated[int, typer.Option("--folds", help="With --inside: k of k-fold.")] = 10,
    sides: Annotated[str, typer.Option(
        "--sides", help="With --inside: fit the decision block directed (who started each "
                        "war, a parity term) or summed (the first fit).")] = "summed",
    json_out: JsonDoc = False,
    level: Level = 0.95,
) -> None:
    """Fit on earlier cease-fires, predict later ones: C-index and calibration vs a baseline.

    With --inside: the decision block fitted on the interstate case library, its C-index and
    calibration at 1, 2, 5, 10 years beside the interstate outside view and a no-covariate
    null, on a time split and k-fold (directed: several minutes)."""
    _check_level(level)
    if inside:
        _validate_inside(1980 if split_year is None else split_year, folds, sides, json_out)
        return
    split_year = 1990 if split_year is None else split_year
    result = run_validation(split_year=split_year, level=level)
    if json_out:
        emit_json(result.to_dict())
        return
    console = _console()
    console.print(
        f"Fit on {result.n_train} spells before {result.split_year}; tested on {result.n_test} "
        f"({result.test_failures} failures).\nC-index {result.c_index:.3f}; provisions-free "
        f"baseline {result.baseline_c_index:.3f}."
    )
    out = Table(title="Calibration: P(renewed war) on held-out spells")
    for column in ("years", "predicted", "baseline", "observed (KM)", "interval"):
        out.add_column(column)
    for p in result.calibration:
        out.add_row(
            f"{p.years:g}",
            f"{p.predicted:.2f}",
            f"{p.baseline_predicted:.2f}",
            f"{p.observed:.2f}",
            f"{p.observed_lo:.2f}-{p.observed_hi:.2f}",
        )
    console.print(out)


def _package_provisions(
    scenario_file: Path | None, package: str | None, months: list[int], level: float
) -> tuple[Provisions, Any]:
    """The provisions of a scenario's package, and its transported interstate outside view."""
    if scenario_file is None or package is None:
        raise InputError("--scenario and --package go together")
    scenario = load_scenario(scenario_file)
    scenario.package(package)
    provisions = compile_plan(scenario, package).provisions
    return provisions, outside_estimate(provisions, months=tuple(months), level=level)


@app.command()
def predict(
    peacekeepers: Annotated[bool, typer.Option(
        "--peacekeepers", help="Armed peacekeepers.")] = False,
    monitors: Annotated[bool, typer.Option("--monitors", help="Unarmed observers.")] = False,
    third_party_guarantee: Annotated[bool, typer.Option("--third-party-guarantee")] = False,
    dmz: Annotated[bool, typer.Option("--dmz", help="Demilitarised zone.")] = False,
    joint_commission: Annotated[bool, typer.Option("--joint-commission")] = False,
    withdrawal: Annotated[bool, typer.Option(
        "--withdrawal", help="Withdrawal of forces.")] = False,
    agreement: Annotated[str, typer.Option(
        "--agreement", help="ceasefire, agreement, victory.")] = "ceasefire",
    months: Horizons = "12,60,120",
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Take the provisions from a package of this scenario file.")] = None,
    package: Annotated[str | None, typer.Option(
        "--package", "-p", help="Package of --scenario.")] = None,
    json_out: JsonDoc = False,
    level: Level = 0.95,
) -> None:
    """P(renewed war) for a package's provisions, from history, with intervals."""
    _check_level(level)
    if agreement not in AGREEMENTS:
        raise InputError(f"--agreement must be one of {', '.join(AGREEMENTS)}, got {agreement!r}")
    provisions = Provisions(
        peacekeepers=peacekeepers,
        monitors=monitors,
        third_party_guarantee=third_party_guarantee,
        dmz=dmz,
        joint_commission=joint_commission,
        withdrawal=withdrawal,
        agreement=agreement,
    )
    transported = None
    if scenario is not None or package is not None:
        provisions, transported = _package_provisions(scenario, package, _months(months), level)
    view = outside_view(provisions, months=_months(months), level=level)
    if json_out:
        from guaranty.history.interstate_view import interstate_view, provisions_profile

        document = view.to_dict()
        if transported is not None:
            document["interstate_transported"] = transported.to_dict()
        document["interstate_fitted"] = interstate_view(
            provisions_profile(provisions), months=tuple(_months(months))).to_dict()
        emit_json(document)
        return
    out = Table(title=f"P(renewed war): {view.model}")
    for column in (
        "months",
        "civil-war model",
        f"UCDP interstate {agreement} (n={view.interstate_n})",
    ):
        out.add_column(column)
    for m, (e, lo, hi) in view.p_war.items():
        ie, ilo, ihi = view.interstate[m]
        out.add_row(str(m), f"{e:.2f} ({lo:.2f}-{hi:.2f})", f"{ie:.2f} ({ilo:.2f}-{ihi:.2f})")
    console = _console()
    console.print(out)
    for line in view.notes:
        console.print(f"note: {line}")
    for line in view.unmapped:
        console.print(Text.assemble(("unmapped", "bold"), f": {printable(line)}"))


def _validate_inside(split_year: int, folds: int, sides: str, json_out: bool) -> None:
    from guaranty.calibration.decision_validation import MODELS, validate_inside

    results = validate_inside(split_year=split_year, folds=folds, sides=sides)
    if json_out:
        emit_json({"data": "guaranty interstate case library (data/cases)",
                   "sides": sides,
                   "models": {"inside": f"decision block fitted {sides} on the training cases "
                                        "(guaranty.calibration.decision)",
                              "inside_duration": "the same with a Weibull shape: a hazard "
                                                 "that falls with time (decision.hazard_shape)",
                              "inside_summed": "decision block fitted summed over sides (the "
                                               "first fit: either side may have started)",
                              "outside": "interstate Weibull outside view fitted on the same "
                                         "training cases (guaranty.history.interstate_view)",
                              "null": "Kaplan-Meier of the training cases"},
                   "splits": [r.to_dict() for r in results]})
        return
    console = _console()
    for r in results:
        out = Table(title=f"{r.split}: {r.n_test} held-out cases, {r.test_renewals} renewals")
        for column in ("model", "C-index", "1 y", "2 y", "5 y", "10 y"):
            out.add_column(column)
        for model in MODELS:
            out.add_row(model, f"{r.c_index[model]:.3f}",
                        *(f"{c[model]:.2f}" for c in r.calibration))
        out.add_row("observed (KM)", "", *(
            f"{c['observed']:.2f} ({c['observed_lo']:.2f}-{c['observed_hi']:.2f})"
            for c in r.calibration))
        console.print(out)


@app.command()
def cases(json_out: JsonDoc = False) -> None:
    """The interstate case library: post-1945 war ends, their sides, pacts and outcome."""
    from guaranty.history.cases import case_library, load_rival_years

    library = case_library()
    if json_out:
        rivals = load_rival_years()
        emit_json({"n": len(library), "renewed": sum(c.renewed for c in library),
                   "rival_years": len(rivals), "rival_onsets": int(rivals["onset"].sum()),
                   "cases": [c.to_dict() for c in library]})
        return
    out = Table(title=f"Interstate case library: {len(library)} war ends 1946-2016 "
                      f"({sum(c.renewed for c in library)} renewed by 2024); docs/cases.md")
    out.add_column("name", no_wrap=True)
    for column in ("ended", "how", "personnel (k)", "pacts", "mission", "renewed"):
        out.add_column(column)
    for c in library:
        out.add_row(c.name, c.end, c.ending,
                    " / ".join("?" if not np.isfinite(p) else f"{p:,.0f}" for p in c.milper),
                    f"{c.pacts[0]} / {c.pacts[1]}", printable(c.mission),
                    f"after {c.months:.0f} months" if c.renewed else "no")
    _console().print(out)


@app.command()
def case(
    name: Annotated[str, typer.Argument(help="A case name from `guaranty durability cases`.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the coarse scenario here (default: print it).")] = None,
    aggressor: Annotated[int | None, typer.Option(
        "--aggressor", help="1 or 2: which side of the pair attacks (default: the stronger).")
    ] = None,
) -> None:
    """Write one case as a coarse scenario file the engine can run."""
    import yaml

    from guaranty.history.case_scenario import case_scenario, write_case_scenario
    from guaranty.history.cases import case as find_case

    found = find_case(name)
    if output is None:
        typer.echo(yaml.safe_dump(case_scenario(found, aggressor=aggressor), sort_keys=False,
                                  allow_unicode=True, width=100), nl=False)
        return
    write_case_scenario(found, output, aggressor=aggressor)
    typer.echo(f"wrote {output} (case {found.name}); run it with `guaranty run {output}`")


@app.command()
def interstate(json_out: JsonDoc = False) -> None:
    """The interstate outside view: Weibull on the case library, hazard ratios and P(war)."""
    from guaranty.history.interstate_view import interstate_view

    profiles = {
        "bare cease-fire after a war between equals": {},
        "weaker side with a defence pact": {"weak_pact": 1.0},
        "neutral peacekeepers": {"neutral_peacekeepers": 1.0},
        "a pair with two earlier war ends": {"previous_ends": float(np.log(3.0))},
        "peace agreement": {"agreement": 1.0},
    }
    # Every profile is the end of a war (1,000+ battle deaths a year), like Ukraine's.
    views = {k: interstate_view({"war": 1.0, **v}) for k, v in profiles.items()}
    first = next(iter(views.values()))
    if json_out:
        emit_json({**first.to_dict(), "profiles": {k: v.to_dict()["p_war"]
                                                   for k, v in views.items()}})
        return
    console = _console()
    console.print(_hr_table(f"Interstate outside view: Weibull PH, {first.n} war ends, "
                            f"{first.failures} renewed, shape {first.shape:.2f}",
                            [Term(str(t["name"]), float(t["hazard_ratio"]), float(t["lo"]),
                                  float(t["hi"]), float(t["p"])) for t in first.terms]))
    out = Table(title="P(renewed war) (90 % interval)")
    for column in ("profile", *(f"{m} months" for m in first.p_war)):
        out.add_column(column)
    for label, v in views.items():
        out.add_row(label, *(f"{e:.2f} ({lo:.2f}-{hi:.2f})" for e, lo, hi in v.p_war.values()))
    console.print(out)
