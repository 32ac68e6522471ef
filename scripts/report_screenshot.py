"""Write a report of the built-in scenario and save a screenshot of its first screen.

    python scripts/report_screenshot.py [--worlds 20000] [--seed 7] [--budget 1.0]
        [--out docs/report.png] [--html report.html]

Prints the time the run and the report's analyses took (wall clock and CPU). Needs chromium
and Playwright (scripts/install-browser.sh).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--html", type=Path, default=None)
    args = parser.parse_args()

    from tests.browser import chromium_page

    import guaranty
    from guaranty.report import Budget, stderr_progress, write_report

    scenario = guaranty.load_scenario("ukraine-2025")
    wall, cpu = time.perf_counter(), time.process_time()
    results = guaranty.simulate(scenario, worlds=args.worlds, seed=args.seed)
    print(f"run: {time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} s CPU), "
          f"{args.worlds:,} worlds", file=sys.stderr)
    html = args.html or Path(tempfile.mkdtemp()) / "report.html"
    wall, cpu = time.perf_counter(), time.process_time()
    write_report(scenario, results, html, budget=Budget().scaled(args.budget),
                 progress=stderr_progress())
    print(f"report: {time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} s "
          f"CPU), {html.stat().st_size / 1e6:.1f} MB at {html}", file=sys.stderr)
    with chromium_page(1280, 900) as page:
        page.goto(html.resolve().as_uri())
        page.wait_for_selector("div.chart .main-svg")
        page.screenshot(path=str(args.out))
    print(args.out)


if __name__ == "__main__":
    main()
