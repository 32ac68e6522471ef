"""Run the engine, unanchored and with its default parameters, on every coarse case of the
library, and compare its P(war) with what happened (a diagnostic of the engine's own decision
block on history; the fit in ``guaranty.calibration.decision`` uses its equations directly).

Run from the repository root: ``python scripts/engine_on_cases.py [--worlds 200] [--out FILE]
[--decision REPORT.json]``. Prints Harrell's C of the engine's ``p_war_60m`` against the observed
time to renewal, and the mean predicted P(war) at 2, 5 and 10 years beside the Kaplan-Meier of
the cases. Each case runs with its stronger side as the aggressor (``guaranty durability case``'s
default). ``--decision`` takes a ``guaranty calibrate decision --json`` document and sets, in
every case, the structural values it implies (medians of ``implied``: value sensitivity, loss
aversion, misperception bias) in place of the registry's.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from guaranty.engine.run import simulate
from guaranty.history.case_scenario import write_case_scenario
from guaranty.history.cases import case_library
from guaranty.history.survival import kaplan_meier
from guaranty.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--decision", type=Path, default=None)
    args = parser.parse_args()
    overrides = {}
    if args.decision is not None:
        implied = json.loads(args.decision.read_text(encoding="utf-8"))["implied"]
        source = f"the decision fit {args.decision} (median of its implied values)"
        for name in ("decision.value_sensitivity", "decision.loss_aversion",
                     "decision.misperception_bias"):
            overrides[name] = {"distribution": {"dist": "fixed",
                                                "value": float(implied[name]["median"])},
                               "source": source}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in case_library():
            if not c.complete:
                continue
            path = write_case_scenario(c, Path(tmp) / f"{c.name}.yaml", parameters=overrides)
            results = simulate(load_scenario(path), ["as-was"], worlds=args.worlds,
                               seed=args.seed, months=120, anchor=False)
            rows.append({"name": c.name, "months": c.months, "renewed": int(c.renewed),
                         **{f"p_war_{m}m": results.metric("as-was", f"p_war_{m}m").mean
                            for m in (24, 60, 120)}})
    from lifelines.utils import concordance_index

    t = np.array([r["months"] for r in rows])
    d = np.array([r["renewed"] for r in rows])
    risk = np.array([r["p_war_60m"] for r in rows])
    curve = kaplan_meier(t, d, label="cases", level=0.95)
    doc = {
        "cases": len(rows), "renewed": int(d.sum()), "worlds": args.worlds, "seed": args.seed,
        "parameters": {k: v["distribution"]["value"] for k, v in overrides.items()},
        "c_index_p_war_60m": float(concordance_index(t, -risk, d)),
        "calibration": {str(m): {"engine": float(np.mean([r[f"p_war_{m}m"] for r in rows])),
                                 "observed": 1.0 - curve.at(m)[0]} for m in (24, 60, 120)},
        "rows": rows,
    }
    text = json.dumps(doc, indent=1)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in doc.items() if k != "rows"}, indent=1))


if __name__ == "__main__":
    main()
