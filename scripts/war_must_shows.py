"""Issue 10's must-shows on the built-in scenario, measured at full size.

    python scripts/war_must_shows.py [--worlds 20000] [--seed 1]

Prints: deep-defence's P(hold) against ceasefire-only's; the aggressor's casualties given war
across packages; P(air denied); what leaks through the air defence under sky-shield against
strong-army (missiles, drones, all strikes, damage to the protected zone); the effect of halving
the aggressor's personnel, recruitment and ceiling (unanchored); and the sweep of the
defender's combat power (0.5x to 2x). The tests hold the same at small sizes
(tests/test_war_model.py); this is the full-size measurement quoted in closing notes.
"""

from __future__ import annotations

import argparse

import guaranty
from guaranty.testing.forces import scaled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    uk = guaranty.load_scenario("scenarios/ukraine-2025.yaml")
    r = guaranty.simulate(uk, worlds=args.worlds, seed=args.seed)

    def mean(package: str, metric: str) -> float:
        return float(r.metric(package, metric).mean)

    print(f"p_hold_given_war: deep-defence {mean('deep-defence', 'p_hold_given_war'):.3f}, "
          f"ceasefire-only {mean('ceasefire-only', 'p_hold_given_war'):.3f}")
    losses = {p: mean(p, "aggressor_casualties_given_war") for p in r.packages}
    print("aggressor_casualties_given_war:", {p: round(v) for p, v in losses.items()})
    fought = [v for p, v in losses.items() if p != "istanbul-2022"]
    print(f"  largest over smallest, istanbul-2022 left out: "
          f"{100 * (max(fought) / min(fought) - 1):+.1f} %")
    print(f"p_air_denied_given_war, ceasefire-only: "
          f"{mean('ceasefire-only', 'p_air_denied_given_war'):.3f}")
    for metric in ("missiles_leaking_per_month_given_war", "drones_leaking_per_month_given_war",
                   "strikes_leaking_per_month_given_war", "infrastructure_damage_given_war"):
        army, sky = mean("strong-army", metric), mean("sky-shield", metric)
        print(f"{metric}: strong-army {army:.1f}, sky-shield {sky:.1f} "
              f"({100 * (sky / army - 1):+.1f} %)")
    half = scaled(uk, "aggressor", 0.5,
                  ("personnel", "recruitment_per_month", "personnel_ceiling"))
    base, less = (guaranty.simulate(s, ["ceasefire-only"], worlds=args.worlds, seed=args.seed,
                                    anchor=False).metric("ceasefire-only", "p_war_120m").mean
                  for s in (uk, half))
    print(f"halving the aggressor, unanchored p_war_120m of ceasefire-only: {base:.4f} -> "
          f"{less:.4f} ({100 * (less - base):+.1f} pp)")
    anchor = guaranty.calibrate(uk, seed=6)
    print("| defender power | p_hold | ground lost (km²) | aggressor casualties "
          "| defender casualties |")
    for f in (0.5, 0.75, 1.0, 1.5, 2.0):
        sc = scaled(uk, "defender", f, ("personnel", "peacetime_personnel"), stocks=True)
        x = guaranty.simulate(sc, ["ceasefire-only"], worlds=4_000, seed=6, anchor=anchor)
        row = [x.metric("ceasefire-only", m).mean for m in (
            "p_hold_given_war", "ground_lost_km2_given_war", "aggressor_casualties_given_war",
            "defender_casualties_given_war")]
        print(f"| {f}× | {row[0]:.3f} | {row[1]:,.0f} | {row[2]:,.0f} | {row[3]:,.0f} |")


if __name__ == "__main__":
    main()
