"""How a longer queue for interceptors changes the risk of war (a lens-like override)."""

import guaranty
from guaranty.distributions import Uniform

scenario = guaranty.load_scenario("ukraine-2025")
base = guaranty.simulate(scenario, ["strong-army"], worlds=1_000, seed=3)

pkg = scenario.packages["strong-army"]
slow = pkg.parameters | {
    "supply.interceptors.delivery_lag_months": guaranty.scenario.Quantity(
        distribution=Uniform(low=24, high=36), unit="months",
        assumption="a queue twice as long (illustration)",
    )
}
slower = guaranty.simulate(scenario.with_package("strong-army", parameters=slow),
                           ["strong-army"], worlds=1_000, seed=3)
for name, res in (("as given", base), ("slow queue", slower)):
    print(name, f"{res.metric('strong-army', 'p_war_120m').mean:.2%}")
