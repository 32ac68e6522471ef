"""Compare the built-in packages of the Ukraine scenario (the README's example)."""

import guaranty

scenario = guaranty.load_scenario("ukraine-2025")
results = guaranty.simulate(scenario, worlds=2_000, seed=7)
table = results.summary()
print(table.loc[(slice(None), "p_war_120m"), ["mean", "p05", "p95", "se"]])

# Change a package by copying, never mutating: a larger army cap for the Istanbul terms.
looser = scenario.with_package(
    "istanbul-2022", caps={"personnel": 250_000, "stocks": {"tanks": 800}}
)
again = guaranty.simulate(looser, ["istanbul-2022"], worlds=2_000, seed=7)
before = results.metric("istanbul-2022", "p_war_120m").mean
after = again.metric("istanbul-2022", "p_war_120m").mean
print(f"istanbul-2022 with a 250,000 cap: P(war in 10 years) {before:.1%} -> {after:.1%}")
