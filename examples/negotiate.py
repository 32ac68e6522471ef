"""Who could accept which package, and what concession would open a deal (docs/negotiation.md)."""

import guaranty
from guaranty.negotiation import analyse

scenario = guaranty.load_scenario("ukraine-2025")
result = analyse(scenario, worlds=50, seed=0, workers=2)
doc = result.to_dict()
print("parties:", ", ".join(doc["parties"]))
print("packages acceptable to both the defender and the aggressor:", len(doc["feasible"]))
for concession in doc["concessions"]:
    print("opens a zone:", "; ".join(concession["relax"]),
          f"-> P(war within 10 years) {concession['p_war_120m']:.1%}")
