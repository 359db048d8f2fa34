"""Check the daily price limits on every stock-day of the whole A-share market; print the tables.

Usage (from the repository root)::

    python scripts/ashare_limits_table.py [--market FILE]

Reads ``../shared/data-sources/ashare-market/ashare-2019-2022.csv.gz`` (every A share,
2019-01-02 .. 2022-01-14, with the stock's name on each day), computes every row's limits
with :func:`eventstudy.limits` and prints, as Markdown, the tables that
``docs/ashare-limits.md`` publishes: stock-days by board and year with their limit-up and
limit-down closes, the days without a limit and the violations (a high above the limit-up
price or a low below the limit-down price), then each violation and each kind of day without
a limit. ``tests/test_price_limits.py`` checks that the document holds exactly these tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the checkout's eventstudy

from eventstudy.limits import limits  # noqa: E402
from eventstudy.markets import board_of  # noqa: E402

MARKET = REPO.parent / "shared" / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
BOARDS = ("main", "ChiNext", "STAR", "Beijing")
#: Why each remaining violation is one, by (ticker, date).
REASONS = {
    ("000727.SZ", "2021-04-02"): (
        "the vendor's name still reads *ST东科 on the day its risk warning was lifted: the "
        "stock was suspended on 2021-04-01, traded +6.4% on 2021-04-02 (beyond the ±5% of an "
        "ST stock, inside ±10%) and is named 华东科技 from the next trading day"
    ),
}


def checked(prices: pd.DataFrame) -> pd.DataFrame:
    """The whole-market rows with their limits and a violation flag."""
    table = limits(prices)
    cents = {c: np.floor(prices[c].to_numpy() * 100 + 0.5) for c in ("high", "low")}
    up = np.floor(table["limit_up"].to_numpy() * 100 + 0.5)
    down = np.floor(table["limit_down"].to_numpy() * 100 + 0.5)
    violation = (cents["high"] > up) | (cents["low"] < down)
    boards = {t: str(board_of(t)) for t in prices["ticker"].unique()}
    return prices[["ticker", "date", "name", "high", "low", "preclose"]].assign(
        board=prices["ticker"].map(boards),
        year=prices["date"].str[:4],
        **{c: table[c] for c in table.columns},
        violation=violation,
        no_limit=table["limit_up"].isna() & table["limit_down"].isna(),
    )


def tables(rows: pd.DataFrame) -> str:
    """The Markdown tables of the document."""
    grouped = rows.groupby(["board", "year"], sort=False)
    summary = pd.DataFrame({
        "stock-days": grouped.size(),
        "closed at limit-up": grouped["closed_at_limit_up"].sum(),
        "touched limit-up only": grouped["touched_limit_up"].sum(),
        "closed at limit-down": grouped["closed_at_limit_down"].sum(),
        "touched limit-down only": grouped["touched_limit_down"].sum(),
        "no-limit days": grouped["no_limit"].sum(),
        "violations": grouped["violation"].sum(),
    })
    years = sorted(rows["year"].unique())
    order = [(b, y) for b in BOARDS for y in years if (b, y) in summary.index]
    summary = summary.loc[order]
    total = summary.sum().rename(("all", ""))
    summary = pd.concat([summary, total.to_frame().T])
    lines = ["| board | year | " + " | ".join(summary.columns) + " |",
             "|---|---|" + "---:|" * len(summary.columns)]
    for (board, year), values in summary.iterrows():
        cells = " | ".join(f"{int(v):,}" for v in values)
        name = "**all**" if board == "all" else board
        lines.append(f"| {name} | {year} | {cells} |")
    free = rows[rows["no_limit"]].groupby("rule").size().sort_values(ascending=False)
    lines += ["", "| days without a limit, by rule | stock-days |", "|---|---:|"]
    lines += [f"| {rule} | {count:,} |" for rule, count in free.items()]
    bad = rows[rows["violation"]]
    lines += ["", "| ticker | date | name | high | low | limit-up | limit-down | rule | reason |",
              "|---|---|---|---:|---:|---:|---:|---|---|"]
    for r in bad.itertuples():
        reason = REASONS.get((r.ticker, r.date), "not explained")
        lines.append(f"| {r.ticker} | {r.date} | {r.name} | {r.high:.2f} | {r.low:.2f} | "
                     f"{r.limit_up:.2f} | {r.limit_down:.2f} | {r.rule} | {reason} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--market", type=Path, default=MARKET, help="the whole-market file")
    args = parser.parse_args(argv)
    prices = pd.read_csv(args.market, dtype={"ticker": "str", "date": "str", "name": "str"})
    print(tables(checked(prices)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
