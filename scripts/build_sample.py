"""Build ``data/ashare-sample.csv.gz``, the bundled sample of the A-share market.

Usage (from the repository root)::

    python scripts/build_sample.py [--market FILE] [--out data/ashare-sample.csv.gz]

The input is ``../shared/data-sources/ashare-market/ashare-2019-2022.csv.gz`` (``../shared``
may be named by the environment variable ``EVENTSTUDY_SHARED``; every A share
traded on the Shanghai, Shenzhen and Beijing exchanges from 2019-01-02 to 2022-01-14, with
the stock's short name on each day); its sha256 is checked first.

The sample is :data:`N_STOCKS` stocks drawn without replacement with a fixed seed
(:data:`SEED`), stratified by board (``main``, ``ChiNext``, ``STAR``, ``Beijing``, by the
code's prefix: :func:`eventstudy.markets.board_of`) and, within a board, by whether the stock
was ever under risk warning (an ``ST`` or ``*ST`` name on some day) and whether its rows end
before the file's last day (delisted, or suspended to the end). Each stratum gets its share
of the stocks by largest remainders, and at least :data:`MIN_PER_STRATUM` (all of them when
it has fewer). The stocks already bundled in ``data/prices.csv`` are left out, so that no
ticker is bundled twice.

Every row of a drawn stock is copied as the vendor wrote it (decimal text, no price changed):
``ticker, date, name, open, high, low, close, preclose, volume`` (not ``amount``, which
nothing in the package reads); the names are those
of the security master (full-width letters as ASCII, spaces removed). The output is gzip'd
CSV without a file name or time in its header, so the script writes the same bytes on every
run; it stops with a non-zero exit status if the input's hash or a check differs.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the checkout's eventstudy, for its board rules
sys.path.insert(0, str(REPO / "scripts"))  # the security master's reading of the file

from build_securities import SHA256, BuildError, plain, sha256  # noqa: E402

from eventstudy.markets import board_of  # noqa: E402

SHARED = Path(os.environ.get("EVENTSTUDY_SHARED", REPO.parent / "shared"))
MARKET = SHARED / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
LAST_DAY = "2022-01-14"
#: The columns copied; ``amount`` (turnover in CNY) is left out: nothing in the package reads it,
#: and it would make the file a third larger.
COLUMNS = ("ticker", "date", "name", "open", "high", "low", "close", "preclose", "volume")
#: Stocks drawn, the seed of the draw, and the smallest number drawn from a stratum.
N_STOCKS = 300
SEED = 20220114
MIN_PER_STRATUM = 2
#: A name under risk warning, after the day markers (as in ``scripts/build_securities.py``).
RISK = r"^(?:XD|XR|DR|N|C)?S?\*?ST"


def read_market(path: Path) -> pd.DataFrame:
    """Every stock-day as text, sorted by ticker and date (as in the file)."""
    if not path.is_file():
        raise BuildError(f"missing {path} (see ../shared/data-sources/ashare-market/README.md)")
    if (found := sha256(path)) != SHA256:
        raise BuildError(f"{path}: sha256 {found} differs from {SHA256}")
    days = pd.read_csv(path, usecols=list(COLUMNS), dtype="str", keep_default_na=False)
    ordered = days.sort_values(["ticker", "date"], kind="stable")
    if not ordered.index.equals(days.index):
        raise BuildError(f"{path}: rows are not sorted by ticker and date")
    days["name"] = days["name"].map(plain)
    return days[list(COLUMNS)]


def strata(days: pd.DataFrame) -> pd.DataFrame:
    """One row per stock: board, ever under risk warning, rows ending early; sorted by ticker."""
    by = days.groupby("ticker", sort=True)
    stocks = pd.DataFrame({
        "st": by["name"].agg(lambda names: bool(names.str.contains(RISK).any())),
        "ended": by["date"].max() < LAST_DAY,
    })
    stocks["board"] = [board_of(t) for t in stocks.index]
    return stocks


def allocate(sizes: pd.Series, total: int, minimum: int) -> pd.Series:
    """Stocks per stratum: at least ``minimum`` (or all), the rest by largest remainders."""
    floor = np.minimum(sizes.to_numpy(), minimum)
    left = total - int(floor.sum())
    room = sizes.to_numpy() - floor
    share = room / room.sum() * left
    count = np.floor(share).astype(int)
    order = np.argsort(-(share - count), kind="stable")
    count[order[: left - int(count.sum())]] += 1
    return pd.Series(floor + count, index=sizes.index)


def draw(stocks: pd.DataFrame, bundled: set[str]) -> tuple[list[str], pd.DataFrame]:
    """The drawn tickers (sorted) and the table of strata: stocks in the market and drawn."""
    pool = stocks[~stocks.index.isin(sorted(bundled))]
    keys = ["board", "st", "ended"]
    sizes = pool.groupby(keys).size()
    counts = allocate(sizes, N_STOCKS, MIN_PER_STRATUM)
    rng = np.random.default_rng(SEED)
    drawn: list[str] = []
    for key, count in counts.items():
        members = pool.index[(pool[keys] == pd.Series(key, index=keys)).all(axis=1)]
        drawn += list(rng.choice(np.asarray(members, dtype=object), size=count, replace=False))
    table = pd.DataFrame({"market": stocks.groupby(keys).size(), "drawn": counts})
    return sorted(drawn), table.fillna(0).astype(int)


def gzip_bytes(text: str) -> bytes:
    """``text`` gzip'd with no file name and time zero in the header: the same bytes each run."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def build(market: Path, bundle: Path, out: Path) -> list[str]:
    """Read, draw, check and write the sample; return the summary lines."""
    days = read_market(market)
    bundled = set(pd.read_csv(bundle, usecols=["ticker"], dtype="str")["ticker"])
    stocks = strata(days)
    tickers, table = draw(stocks, bundled)
    if len(tickers) != N_STOCKS or len(set(tickers)) != N_STOCKS:
        raise BuildError(f"drew {len(tickers)} tickers, not {N_STOCKS} distinct ones")
    sample = days[days["ticker"].isin(tickers)]
    numbers = sample[list(COLUMNS[3:])].apply(pd.to_numeric)
    if not (numbers.notna().all().all() and (numbers[list(COLUMNS[3:8])] > 0).all().all()):
        raise BuildError("a drawn row has a missing or non-positive number")
    data = gzip_bytes(sample.to_csv(index=False, lineterminator="\n"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return [
        f"{len(days)} stock-days, {len(stocks)} tickers in the market",
        f"drew {N_STOCKS} stocks (seed {SEED}) by board, risk warning and early end:",
        table.to_string(),
        f"{len(sample)} stock-days, {sample['date'].min()} .. {sample['date'].max()}",
        f"wrote {out}: {len(data)} bytes",
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--market", type=Path, default=MARKET, help="the whole-market file")
    parser.add_argument("--bundle", type=Path, default=REPO / "data" / "prices.csv",
                        help="the bundled prices, whose stocks are left out")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "ashare-sample.csv.gz",
                        help="output file")
    args = parser.parse_args(argv)
    try:
        lines = build(args.market, args.bundle, args.out)
    except BuildError as exc:
        print(f"build_sample: FAILED: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
