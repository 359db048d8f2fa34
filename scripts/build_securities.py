"""Build ``data/securities.csv``, the A-share security master, from the whole-market file.

Usage (from the repository root)::

    python scripts/build_securities.py [--market FILE] [--out data/securities.csv]

The input is ``../shared/data-sources/ashare-market/ashare-2019-2022.csv.gz`` (every A share
traded on the Shanghai, Shenzhen and Beijing exchanges from 2019-01-02 to 2022-01-14, with
the stock's short name on each day); its sha256 is checked first. Only the columns
``ticker``, ``date`` and ``name`` are read. The output has one row per *name run*: the
longest stretch of a stock's trading days under one name, with its risk-warning flag and
what happened on its first day:

========  ================================================================================
column    meaning
========  ================================================================================
ticker    Yahoo-style ticker (``.SS`` Shanghai, ``.SZ`` Shenzhen, ``.BJ`` Beijing)
board     ``main``, ``ChiNext``, ``STAR`` or ``Beijing``, by the code's prefix (the market
          registry's board rules, :func:`eventstudy.markets.board_of`)
name      the short name as the exchange printed it (``*ST东科``, ``一汽解放``)
start     first trading day of the run
end       last trading day of the run
risk      ``ST``, ``*ST`` or empty: the risk warning the name carries
event     what the run's first day is: ``listing`` (first trading day of a new listing),
          ``relisting`` (first day after a relisting or a restoration of listing),
          ``NEEQ move`` (first day on the Beijing exchange of a stock that moved there
          from the NEEQ select layer on 2021-11-15), or empty
========  ================================================================================

Day markers are not names: on a listing day the exchange prints ``N`` before a shortened
name, on the next four days of a ChiNext registration listing ``C``, and on ex-dates ``XD``
(dividend), ``XR`` (rights or bonus shares) or ``DR`` (both). Such a day belongs to the run
of the next unmarked name (the previous one at a stock's last day; the name without its
marker for a stock listed in the file's last days); its own risk flag is always the run's
(checked below).

Which first rows are listings cannot all be read from the names: the vendor prints no ``N``
on some listing days (all of 2021-10-27's listings, for instance), and a stock whose
suspension began before 2019 first appears when it resumes. The stocks of the second kind
are listed in :data:`RESUMED`; each one's file in the source repository
(``ganlei333/stockdata`` at ``e4c6e193``, one file per stock from its listing day) starts
years before 2019. Every other stock first seen after 2019-01-02 is a new listing there,
except the Beijing stocks that moved from the NEEQ on 2021-11-15 (no ``N`` that day; the ten
``N`` stocks that day were new listings) and the relistings in :data:`RELISTINGS`.

The script needs pandas; it writes the same bytes on every run and stops with a non-zero
exit status if the input's hash or any check differs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the checkout's eventstudy, for its board rules

from eventstudy.markets import board_of  # noqa: E402

MARKET = REPO.parent / "shared" / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
SHA256 = "8e2ba25b5fbf4de35f48e4cdfdee733f95aed5e2a248cf6ea79e469cb8453da5"
FIRST_DAY = "2019-01-02"
BSE_MOVE = "2021-11-15"

#: Stocks whose first row after 2019-01-02 is a resumption, not a listing: suspended before
#: 2019-01-02, listed years earlier (first row of each stock's file in the source repository).
RESUMED: dict[str, str] = {
    "000029.SZ": "1993-09-15",
    "000693.SZ": "1997-02-26",
    "000708.SZ": "1997-03-26",
    "000987.SZ": "2000-07-18",
    "002070.SZ": "2006-10-12",
    "002323.SZ": "2009-12-18",
    "002680.SZ": "2012-06-05",
    "300028.SZ": "2009-10-30",
    "300080.SZ": "2010-06-25",
    "600030.SS": "2003-01-06",
    "600145.SS": "1999-09-23",
    "600401.SS": "2003-09-24",
    "600485.SS": "2003-08-07",
}

#: First trading days after a relisting (重新上市, a delisted company listed again, under a
#: new code for 601975, 601399 and 001267) or a restoration of listing (恢复上市, after a
#: suspension of listing). The exchange sets no price limit on such a day (SSE / SZSE
#: Trading Rules, 2020 revisions: "退市后重新上市的股票 ... 暂停上市后恢复上市的股票 ...
#: 首个交易日无价格涨跌幅限制").
RELISTINGS: dict[str, str] = {
    "601975.SS": "2019-01-08",  # 长航油运, relisted on the SSE main board
    "601399.SS": "2020-06-08",  # 国机重装 (formerly 二重重装 601268), relisted
    "600610.SS": "2020-08-17",  # 中毅达, listing restored
    "000995.SZ": "2020-12-16",  # 皇台酒业, listing restored
    "000792.SZ": "2021-08-10",  # 盐湖股份, relisted
    "001267.SZ": "2021-11-17",  # 汇绿生态, relisted
}

MARKER = r"^(?:XD|XR|DR|N|C)"
RISK = r"^S?(\*?ST)"
COLUMNS = ("ticker", "board", "name", "start", "end", "risk", "event")


class BuildError(RuntimeError):
    """The input differs from the file this script was written for, or a check failed."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plain(name: str) -> str:
    """The name without typographic variants: full-width letters as ASCII (NFKC), no spaces.

    The vendor prints one name in several ways (``万科Ａ``, ``万 科Ａ``, ``万科A``).
    """
    return unicodedata.normalize("NFKC", name).replace(" ", "")


def read_market(path: Path) -> pd.DataFrame:
    """Ticker, date and name of every stock-day, sorted by ticker and date (as in the file)."""
    if not path.is_file():
        raise BuildError(f"missing {path} (see ../shared/data-sources/ashare-market/README.md)")
    if (found := sha256(path)) != SHA256:
        raise BuildError(f"{path}: sha256 {found} differs from {SHA256}")
    days = pd.read_csv(path, usecols=["ticker", "date", "name"], dtype="str")
    days["name"] = days["name"].map(plain)
    ordered = days.sort_values(["ticker", "date"], kind="stable")
    if not ordered.index.equals(days.index):
        raise BuildError(f"{path}: rows are not sorted by ticker and date")
    return days


def first_day_events(days: pd.DataFrame) -> pd.Series:
    """The event of each stock-day that starts something: listing, relisting, NEEQ move."""
    event = pd.Series("", index=days.index, dtype="str")
    first = ~days["ticker"].duplicated()
    new = first & (days["date"] > FIRST_DAY) & ~days["ticker"].isin(list(RESUMED))
    moved = new & days["ticker"].str.endswith(".BJ") & (days["date"] == BSE_MOVE)
    moved &= ~days["name"].str.startswith("N")
    event[new] = "listing"
    event[moved] = "NEEQ move"
    for ticker, day in RELISTINGS.items():
        hit = (days["ticker"] == ticker) & (days["date"] == day)
        if hit.sum() != 1:
            raise BuildError(f"relisting {ticker} {day}: no such stock-day in the file")
        event[hit] = "relisting"
    for ticker in RESUMED:
        rows = days.index[days["ticker"] == ticker]
        if len(rows) == 0 or days.at[rows[0], "date"] <= FIRST_DAY:
            raise BuildError(f"{ticker} is listed as resumed but is not first seen after "
                             f"{FIRST_DAY}")
    return event


def name_runs(days: pd.DataFrame, event: pd.Series) -> pd.DataFrame:
    """Collapse the stock-days into runs of one name (day markers dropped) and one event."""
    marked = days["name"].str.contains(MARKER, regex=True)
    clean = days["name"].where(~marked)
    clean = clean.groupby(days["ticker"]).transform(lambda s: s.bfill().ffill())
    # a stock listed in the file's last days has only marked names: drop the marker
    clean = clean.fillna(days["name"].str.replace(MARKER, "", regex=True))
    day_risk = days["name"].str.replace(r"^(?:XD|XR|DR|N)", "", regex=True)
    day_risk = day_risk.str.extract(RISK)[0].fillna("")
    risk = clean.str.extract(RISK)[0].fillna("")
    if (bad := day_risk != risk).any():
        at = days[bad].iloc[0]
        raise BuildError(f"{at.ticker} {at.date}: the name {at['name']!r} carries another "
                         f"risk flag than its run")
    ticker = days["ticker"]
    starts = (ticker != ticker.shift()) | (clean != clean.shift()) | (event != "")
    run = np.cumsum(starts.to_numpy())
    runs = pd.DataFrame({
        "ticker": ticker.to_numpy(), "name": clean.to_numpy(), "date": days["date"].to_numpy(),
        "risk": risk.to_numpy(), "event": event.to_numpy(), "run": run,
    }).groupby("run", sort=False)
    return pd.DataFrame({
        "ticker": runs["ticker"].first(), "board": runs["ticker"].first().map(board_of),
        "name": runs["name"].first(),
        "start": runs["date"].first(), "end": runs["date"].last(),
        "risk": runs["risk"].first(), "event": runs["event"].first(),
    }).reset_index(drop=True)[list(COLUMNS)]


def build(market: Path, out: Path) -> list[str]:
    """Read, check and write the security master; return the summary lines."""
    days = read_market(market)
    event = first_day_events(days)
    runs = name_runs(days, event)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out, index=False, lineterminator="\n")
    counts = runs["event"].value_counts()
    return [
        f"{len(days)} stock-days, {days['ticker'].nunique()} tickers, {FIRST_DAY} .. "
        f"{days['date'].max()}",
        f"{len(runs)} name runs; {int((runs['risk'] != '').sum())} under risk warning "
        f"({runs.loc[runs['risk'] != '', 'ticker'].nunique()} tickers)",
        "events: " + ", ".join(f"{k} {v}" for k, v in counts.items() if k),
        f"wrote {out}: {out.stat().st_size} bytes",
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--market", type=Path, default=MARKET, help="the whole-market file")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "securities.csv",
                        help="output CSV")
    args = parser.parse_args(argv)
    try:
        lines = build(args.market, args.out)
    except BuildError as exc:
        print(f"build_securities: FAILED: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
