"""Time ``eventstudy.limits`` and the limit-up event finder on the whole A-share market.

Usage: python benchmarks/bench_limits.py [--market FILE] [--repeat N]

Reads the whole-market file (``../shared/data-sources/ashare-market/ashare-2019-2022.csv.gz``,
2,934,715 stock-days), then prints the median, minimum and maximum time of
``eventstudy.limits`` on the whole table, with and without its ``name`` column (with names
the risk warning is read from them; without, from the security master), and of
``eventstudy.events.limit_up_closes`` for 2021. The first call of each is a warm-up (it
loads the exchange calendar and the security master).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

import eventstudy

MARKET = (Path(__file__).resolve().parents[2] / "shared" / "data-sources" / "ashare-market"
          / "ashare-2019-2022.csv.gz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--market", type=Path, default=MARKET)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    prices = pd.read_csv(args.market, dtype={"ticker": "str", "date": "str", "name": "str"})
    print(f"{len(prices):,} stock-days")
    cases = {
        "limits, with names": lambda: eventstudy.limits(prices),
        "limits, security master": lambda: eventstudy.limits(prices.drop(columns="name")),
        "limit_up_closes 2021": lambda: eventstudy.events.limit_up_closes(
            prices, start="2021-01-01", end="2021-12-31", touched=True
        ),
    }
    for label, work in cases.items():
        work()
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        print(f"{label}: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()
