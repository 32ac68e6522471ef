"""What weapons money buys: money a year against the risk of war, holding, and money unspent.

Runs ``strong-army`` of the built-in scenario with its weapons financing set to each level
(default lens, anchored as usual) and prints P(war within 120 months), P(the defender holds)
if war comes, the money delivered a year and the money never placed as orders by the horizon
(guaranty.models.supply). ``--worlds 20000 --seed 7`` gives the table in
docs/models/supply.md.
"""

import argparse

import guaranty
from guaranty.scenario import Quantity

parser = argparse.ArgumentParser()
parser.add_argument("--worlds", type=int, default=1_000)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--levels", default="0,10,20,30,40,55,70,85,100,110")
args, _ = parser.parse_known_args()

scenario = guaranty.load_scenario("ukraine-2025")
base = scenario.packages["strong-army"]
names = []
for level in (float(x) for x in args.levels.split(",")):
    money = Quantity.model_validate({"value": level, "unit": "USD bn/year",
                                     "assumption": "a point on the curve"})
    name = f"weapons-{level:g}bn"
    scenario = scenario.with_package(
        name, base.model_copy(update={"financing": base.financing.model_copy(
            update={"weapons_usd_bn_per_year": money})}))
    names.append(name)

results = guaranty.simulate(scenario, names, worlds=args.worlds, seed=args.seed)
print(f"{'USD bn/yr':>10} {'p_war_120m':>11} {'p_hold|war':>11} {'delivered/yr':>13} "
      f"{'unspent':>9}")
for name in names:
    def mean(metric: str, name: str = name) -> float:
        return results.metric(name, metric).mean

    print(f"{name.split('-')[1][:-2]:>10} {mean('p_war_120m'):>11.2%} "
          f"{mean('p_hold_given_war'):>11.2%} {mean('weapons_delivered_usd_bn_per_year'):>13.1f} "
          f"{mean('weapons_unspent_usd_bn'):>9.0f}")
