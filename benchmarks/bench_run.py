"""Time ``eventstudy.run`` for one event on the bundled data.

Usage: python benchmarks/bench_run.py [--repeat N]

Prints the import time of ``eventstudy`` and, after one warm-up call (which reads the bundled
file and, for a non-trading date, the exchange calendar), the median, minimum and maximum time
of a complete single-event study: loading, alignment, fit, abnormal returns, the standard CARs
with their tests and the SQ test, and the summary table.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    start = time.perf_counter()
    import eventstudy

    print(f"import eventstudy: {(time.perf_counter() - start) * 1e3:.0f} ms")

    cases = {
        "run (trading day)": ("000800.SZ", "2021-09-13"),
        "run (Saturday, calendar lookup)": ("000800.SZ", "2021-09-11"),
    }
    for label, (ticker, date) in cases.items():
        eventstudy.run(ticker, date, data="bundled").summary()  # warm-up
        for what, work in {
            "fit + AR table": lambda t=ticker, d=date: (
                eventstudy.run(t, d, data="bundled").abnormal
            ),
            "+ CARs + summary": lambda t=ticker, d=date: eventstudy.run(
                t, d, data="bundled"
            ).summary(),
        }.items():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                work()
                times.append((time.perf_counter() - t0) * 1e3)
            print(
                f"{label:34s} {what:18s} median {statistics.median(times):6.2f} ms "
                f"(min {min(times):.2f}, max {max(times):.2f}, n={args.repeat})"
            )


if __name__ == "__main__":
    main()
