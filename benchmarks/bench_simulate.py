"""Time ``eventstudy.simulate`` on the bundled sample of A shares.

Workloads (market model against the CSI 300, estimation window [−250, −11], windows [0, 0]
and [−1, +1], every test, shocks cut at the price limit):

- ``full``: 1,000 samples × 50 events × 4 shocks (0, 0.5%, 1%, 2%), 200,000 event studies,
  ``eventstudy.simulate(seed=0)`` with its defaults;
- ``small``: 200 samples × 50 events × 2 shocks (0, 1%), ``seed=7``.

Each run is a fresh process (the bundled sample parsed, the universe built, the events drawn,
prepared and fitted, and every sample tested), timed from the call to the returned result;
the import of the package is not timed. The machine is shared and noisy: the script repeats
each workload and prints every time and the median.

Usage::

    python benchmarks/bench_simulate.py                 # both workloads, 5 runs each
    python benchmarks/bench_simulate.py --runs 3 --workloads full
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

WORKLOADS = {
    "full": "dict(seed=0)",
    "small": "dict(n_samples=200, n_events=50, shocks=(0.0, 0.01), seed=7)",
}

DRIVER = """
import json, time
import eventstudy
start = time.perf_counter()
result = eventstudy.simulate(**{arguments})
seconds = time.perf_counter() - start
studies = result.design.n_samples * result.design.n_events * len(result.shocks)
print(json.dumps({{"seconds": seconds, "studies": studies}}))
"""


def run_once(arguments: str) -> dict[str, float]:
    """One workload in a fresh process: its time and the number of event studies."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", DRIVER.format(arguments=arguments)],
        check=True, capture_output=True, text=True, cwd=root,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each workload")
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS),
                        default=["small", "full"])
    args = parser.parse_args(argv)
    for name in args.workloads:
        runs = [run_once(WORKLOADS[name]) for _ in range(args.runs)]
        times = [r["seconds"] for r in runs]
        print(
            f"{name}: {int(runs[0]['studies']):,} event studies; median "
            f"{statistics.median(times):.1f} s over {len(times)} runs "
            f"({', '.join(f'{t:.1f}' for t in times)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
