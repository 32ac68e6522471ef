"""``guaranty calibrate``: the model against the record (a thin client, no model logic)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from guaranty import defaults
from guaranty.analysis.war import WarCheck, check_war
from guaranty.cli._format import emit_json, out_console, styled
from guaranty.cli.options import JsonFlag, Seed, Worlds
from guaranty.cli.progress import progress
from guaranty.engine.anchoring import (
    BOOTSTRAP,
    calibrate,
    reference_scenario,
    stored_anchor,
    write_stored,
)
from guaranty.errors import RegistryError
from guaranty.results import Anchor

app = typer.Typer(
    help="Hold the model to the record: replays of past wars against what happened, and "
         "the base hazard's anchor to history.",
    no_args_is_help=True,
)

Record = Annotated[Path | None, typer.Option(
    "--record", help="A record file of bands (default: the shipped data/war_record).")]


@app.command()
def war(
    worlds: Worlds = 2_000,
    seed: Seed = None,
    record: Record = None,
    json_out: JsonFlag = False,
) -> None:
    """Replay 2022 and 2023-25 and print the war model against the record of the war.

    Each row is a band of the record: the model's mean over worlds with its 5-95 % spread,
    the record's range, and whether the mean lies inside. Exits 0 either way (it reports).
    """
    fixed = defaults.SEED if seed is None else seed
    with progress("replaying the war", show=not json_out):
        result = check_war(worlds=worlds, seed=fixed, record=record)
    if json_out:
        emit_json(result.to_dict())
        return
    console = out_console(width=160)
    console.print(war_table(result))
    held = sum(r.inside for r in result.rows)
    console.print(
        f"{held} of {len(result.rows)} bands hold · seed {result.seed} · "
        f"guaranty {result.version} · record {result.record}\n"
        "model: mean over worlds (5-95 % spread of the uncertain assumptions); inside: the "
        "mean lies in the record's band (sources: data/war_record/SOURCE.md)")


@app.command()
def anchor(
    json_out: JsonFlag = False,
    write: Annotated[bool, typer.Option(
        "--write", help="Store the fit: data/anchor_fit.json and the registry entry "
                        "decision.base_hazard_scale in data/parameters.yaml (source tree).")]
        = False,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="Bootstrap replicates for the fit's uncertainty.")]
        = BOOTSTRAP,
) -> None:
    """Refit the base hazard's factor on history's whole survival curve (docs/anchoring.md).

    Fits the built-in reference scenario's bare cease-fire to the interstate episodes at
    every month to 10 years, with the bootstrap spread of the fit; prints the fit beside the
    stored one, and with --write stores it. Deterministic: same code, same numbers.
    """
    fit = calibrate(reference_scenario(), bootstrap=bootstrap)
    try:
        stored: Anchor | None = stored_anchor()
    except RegistryError:  # the stored fit and the registry disagree: this run repairs it
        if not write:
            raise
        stored = None
    written = write_stored(fit) if write else []
    if json_out:
        emit_json({"fit": fit.to_dict(), "stored": stored.to_dict() if stored else None,
                   "written": written})
        return
    console = out_console(width=160)
    table = Table(title=f"Anchor fit — {fit.scenario} / {fit.package} against history",
                  title_justify="left")
    for col in ("months", "history P(war)", "90 % interval", "model (fit)"):
        table.add_column(col, justify="right")
    for month, row in (fit.curve or {}).items():
        table.add_row(month, f"{row['target']:.1%}", f"{row['lo']:.1%}–{row['hi']:.1%}",
                      f"{row['model']:.1%}")
    console.print(table)
    before = ("none" if stored is None
              else f"median {stored.scale:.4g}, sigma {stored.sd_log:.3g}")
    console.print(
        f"factor: median {fit.scale:.4g}, sigma of log {fit.sd_log:.3g} (stored: {before}); "
        f"log-likelihood {fit.log_likelihood:.3f}")
    console.print(styled(fit.source, ""))
    for path in written:
        console.print(f"wrote {styled(path, '')}")


def war_table(result: WarCheck) -> Table:
    """One row per band: replay, metric, model mean and spread, record band, inside."""
    table = Table(title=f"War model against the record — {result.worlds:,} worlds, seed "
                        f"{result.seed}", title_justify="left")
    table.add_column("band", no_wrap=True)
    table.add_column("replay", no_wrap=True)
    table.add_column("metric", no_wrap=True)
    table.add_column("model mean", justify="right")
    table.add_column("5–95 %", justify="right")
    table.add_column("record", justify="right")
    table.add_column("inside", justify="center")
    for r in result.rows:
        spread = ("–" if r.model_p05 is None or r.model_p95 is None
                  else f"{_num(r.model_p05, r.unit)}–{_num(r.model_p95, r.unit)}")
        table.add_row(
            r.band, r.replay, r.metric, _num(r.model_mean, r.unit), spread,
            f"{_num(r.record_low, r.unit)}–{_num(r.record_high, r.unit)}",
            styled("yes", "green") if r.inside else styled("no", "red"),
        )
    return table


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "probability":
        return f"{value:.0%}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"


@app.command()
def decision(
    sample: Annotated[str, typer.Option(
        "--sample", help="episodes (war ends), rivalries (rival years) or both.")] = "both",
    write: Annotated[bool, typer.Option(
        "--write", help="Store the result as data/fits/decision.json.")] = False,
    profiles: Annotated[bool, typer.Option(
        "--profiles/--no-profiles", help="Profile likelihoods (the identification report; "
                                         "directed: 10-20 minutes).")] = True,
    sides: Annotated[str, typer.Option(
        "--sides", help="directed: who started each war where the library knows it, and a "
                        "parity term; summed: either side may have started every war (the "
                        "first fit).")] = "summed",
    json_out: JsonFlag = False,
) -> None:
    """Fit the aggressor's decision block on the interstate case library (maximum likelihood).

    Prints the identified parameters with 95 % intervals, the Hessian's condition, which
    parameters the data cannot identify, and the structural values the fit implies given the
    registry's assumptions. With --sides directed: also the profile-likelihood intervals of the
    directional slope b_win and the parity slope b_parity, and the summed fit beside it."""
    import json

    from guaranty._datasets import data_path
    from guaranty.calibration.decision import decision_report

    doc = decision_report(sample=sample, profiles=profiles, sides=sides)
    if write:
        path = data_path("fits", "decision.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if json_out:
        emit_json(doc)
        return
    console = out_console(width=120)
    fit = doc["fit"]
    table = Table(title=f"Decision block fitted {doc['sides']} on {fit['n_episodes']} war ends "
                        f"({fit['renewals']} renewed) and {fit['n_rival_years']} rival years "
                        f"({fit['onsets']} onsets; initiator known for "
                        f"{fit['initiators_known']}); log L {fit['log_likelihood']:.1f}",
                  title_justify="left")
    for column in ("parameter", "estimate", "95 % interval"):
        table.add_column(column)
    for name, p in fit["parameters"].items():
        table.add_row(name, f"{p['estimate']:.3f}", f"{p['lo95']:.3f} to {p['hi95']:.3f}")
    console.print(table)
    console.print(f"Hessian condition (correlation matrix): {fit['hessian_condition']:.0f}")
    for p in doc.get("profiles", []):
        console.print(f"profile {p['name']}: drop in log L "
                      + ", ".join(f"{g:g}: {d:.2f}" for g, d in zip(p["grid"], p["drop"],
                                                                     strict=True))
                      + (" (flat: not identified)" if p["flat"] else ""))
    for p in doc.get("identification", []):
        lo, hi = (f"{v:.3f}" if v is not None else "open" for v in (p["lo95"], p["hi95"]))
        console.print(f"profile-likelihood 95 % interval of {p['name']}: {p['estimate']:.3f} "
                      f"({lo} to {hi})" + ("; excludes 0" if p["excludes_zero"] else
                                           "; includes 0"))
    if "direction" in doc:
        d = doc["direction"]
        console.print(f"The stronger side started {d['started_by_stronger']} of the "
                      f"{d['initiators_known']} wars with a known initiator; fitted log hazard "
                      "ratio stronger/weaker at |ln R| " + ", ".join(
                          f"{g}: {v:.2f}" for g, v in d["log_hazard_ratio_stronger"].items()))
        other = doc["other_valley"]
        below = other["log_likelihood_below_optimum"]
        console.print(f"A second local optimum, log L {below:.2f} below: " + ", ".join(
            f"{n} {v['estimate']:.2f}" for n, v in other["fit"]["parameters"].items()))
        summed = doc["summed_fit"]["parameters"]["b_win"]
        console.print(f"Summed fit (--sides summed) for comparison: b_win {summed['estimate']:.2f} "
                      f"({summed['lo95']:.2f} to {summed['hi95']:.2f}, Wald)")
    implied = Table(title="Structural values implied (5-95 %, over the fit and the "
                          "assumptions it needs)", title_justify="left")
    for column in ("parameter", "median", "5-95 %", "needs"):
        implied.add_column(column)
    for name, v in doc["implied"].items():
        implied.add_row(name, f"{v['median']:.4g}", f"{v['p05']:.4g} to {v['p95']:.4g}",
                        ", ".join(v.get("needs", [])))
    console.print(implied)
    slow = doc["duration_variant"]
    shape = doc["hazard_shape"]
    console.print(f"With a hazard that may fall with time since the war (decision.hazard_shape): "
                  f"Weibull shape {shape['estimate']:.2f} (95 % {shape['lo95']:.2f} to "
                  f"{shape['hi95']:.2f}; registry: lognormal median "
                  f"{shape['registry']['median']:g}, sigma {shape['registry']['sigma']:g}), "
                  f"likelihood ratio {slow['likelihood_ratio']:.1f} on 1 degree of freedom")
    console.print("No hazard for the first d months: " + ", ".join(
        f"d = {p['delay_months']:g}: log L {p['log_likelihood']:.1f}, shape {p['shape']:.2f}"
        for p in doc["delay_profile"]))
    for name, why in doc["unidentified"].items():
        console.print(f"not identified: {name}: {why}")
