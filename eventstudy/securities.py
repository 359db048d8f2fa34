"""The A-share security master: board, listing day and name history of every A share.

The table ``securities.csv`` ships with the package (``data/securities.csv`` in a source
checkout, ``eventstudy/_bundled/securities.csv`` in a wheel). It is written by
``scripts/build_securities.py`` from the whole-market file described in
``data/PROVENANCE.md`` and covers every stock traded on the Shanghai, Shenzhen and Beijing
exchanges from **2019-01-02 to 2022-01-14** (4,740 tickers, delisted ones included). One
row per *name run* (the longest stretch of trading days under one name):

- ``ticker``, ``board`` (``main``, ``ChiNext``, ``STAR``, ``Beijing``);
- ``name``: the exchange's short name, Chinese only (``一汽解放``; full-width letters as ASCII,
  no spaces), ``start`` and ``end``;
- ``risk``: ``ST`` or ``*ST`` when the name carries a risk warning, else empty;
- ``event``: what the run's first day is: ``listing`` (a new listing's first trading day),
  ``relisting`` (first day after a relisting or a restoration of listing), ``NEEQ move``
  (first Beijing day of a stock moved from the NEEQ select layer on 2021-11-15), or empty.

What the table knows about listings: a stock first seen on 2019-01-02 was listed before the
data begin, and so was a stock that first appears later when it resumes from a suspension
that began before 2019; every other first day is a listing. The listing dates of older
stocks are not in the table.

Examples
--------
>>> faw = security("000800.SZ")
>>> faw.board, faw.name, faw.listed
('main', '一汽解放', None)
>>> security("一汽解放").ticker
'000800.SZ'
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from eventstudy.errors import DataUnavailableError, InvalidInputError
from eventstudy.markets import MARKETS, find_market, market_of, security_code

#: First and last day the security master covers.
COVERED = (pd.Timestamp("2019-01-02"), pd.Timestamp("2022-01-14"))

_PACKAGE = Path(__file__).resolve().parent
_CANDIDATES = (
    _PACKAGE / "_bundled" / "securities.csv",  # installed from a wheel
    _PACKAGE.parent / "data" / "securities.csv",  # source checkout
)
_ENGLISH = (
    _PACKAGE / "_bundled" / "english-names.csv",  # installed from a wheel
    _PACKAGE.parent / "data" / "english-names.csv",  # source checkout
)
_NS_PER_DAY = 86_400 * 10**9


def securities_path() -> Path:
    """Return the path of the bundled ``securities.csv``.

    Raises
    ------
    DataUnavailableError
        If neither the installed nor the checkout location holds the file.
    """
    for path in _CANDIDATES:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in _CANDIDATES)
    raise DataUnavailableError(
        f"The security master is missing (looked in {tried}). Reinstall the package, or "
        f"rebuild it with 'python scripts/build_securities.py' in a source checkout."
    )


@lru_cache(maxsize=1)
def name_runs() -> pd.DataFrame:
    """The whole table, parsed once: one row per name run, sorted by ticker and start.

    ``start`` and ``end`` are Timestamps; ``risk`` and ``event`` are empty strings where
    nothing applies.
    """
    runs = pd.read_csv(securities_path(), dtype="str", keep_default_na=False)
    runs["start"] = pd.to_datetime(runs["start"]).astype("datetime64[ns]")
    runs["end"] = pd.to_datetime(runs["end"]).astype("datetime64[ns]")
    return runs


def _spellings(ticker: str) -> list[str]:
    """The ticker in upper case, then with each other suffix of the same exchange (``.SH``,
    the Wind / Tushare spelling of Shanghai, for Yahoo's ``.SS``)."""
    key = ticker.strip().upper()
    market = find_market(key)
    if market is None:
        return [key]
    code = security_code(key)
    same = [m.suffix for m in MARKETS.values() if m.exchange == market.exchange]
    return [key] + [code + suffix for suffix in same if code + suffix != key]


@lru_cache(maxsize=1)
def _tickers() -> set[str]:
    return set(name_runs()["ticker"])


def _canonical(ticker: str, known: set[str]) -> str:
    """The spelling of ``ticker`` the table uses, or ``ticker`` when it holds none."""
    return next((t for t in _spellings(ticker) if t in known), ticker)


@dataclass(frozen=True)
class Security:
    """One A share as the security master knows it.

    Attributes
    ----------
    ticker : str
        Yahoo-style ticker (``"000800.SZ"``).
    exchange : str
        ``"SSE"``, ``"SZSE"`` or ``"BSE"``.
    board : str
        ``"main"``, ``"ChiNext"``, ``"STAR"`` or ``"Beijing"``.
    names : pandas.DataFrame
        The name history: ``name``, ``start``, ``end``, ``risk``, ``event``, oldest first.
    """

    ticker: str
    exchange: str
    board: str
    names: pd.DataFrame

    @property
    def name(self) -> str:
        """The latest name in the table."""
        return str(self.names["name"].iloc[-1])

    @property
    def english_name(self) -> str | None:
        """The company's English short name where the package has one (``"FAW Jiefang"``;
        :func:`english_names`), else None."""
        return english_names().get(self.ticker)

    @property
    def first_day(self) -> pd.Timestamp:
        """The first trading day in the table (2019-01-02 for stocks listed before)."""
        return pd.Timestamp(self.names["start"].iloc[0])

    @property
    def last_day(self) -> pd.Timestamp:
        """The last trading day in the table (2022-01-14 unless delisted before)."""
        return pd.Timestamp(self.names["end"].iloc[-1])

    @property
    def listed(self) -> pd.Timestamp | None:
        """The listing day if the stock was listed (or relisted under this code) from
        2019-01-02 on; ``None`` for a stock listed before."""
        first = self.names.iloc[0]
        return first["start"] if first["event"] in ("listing", "relisting") else None

    def listing_note(self) -> str:
        """How the stock came to trade, in words."""
        first = self.names.iloc[0]
        day = f"{self.first_day:%Y-%m-%d}"
        if first["event"] == "listing":
            return f"listed on {day}"
        if first["event"] == "relisting":
            return f"relisted under this code on {day}"
        if first["event"] == "NEEQ move":
            return f"moved from the NEEQ select layer to the Beijing Stock Exchange on {day}"
        if self.first_day > COVERED[0]:
            return f"listed before {COVERED[0]:%Y-%m-%d}; first traded in the data on {day}"
        return f"listed before {COVERED[0]:%Y-%m-%d}"

    @property
    def _board_name(self) -> str:
        rules = market_of(self.ticker).limits
        return self.board if rules is None else rules.names[self.board]

    def _table(self) -> pd.DataFrame:
        table = self.names.assign(
            start=self.names["start"].dt.strftime("%Y-%m-%d"),
            end=self.names["end"].dt.strftime("%Y-%m-%d"),
        )
        return table.reset_index(drop=True)

    def __str__(self) -> str:
        head = (
            f"{self.ticker} {self.name}: {self.exchange}, {self._board_name}; "
            f"{self.listing_note()}; last day in the table {self.last_day:%Y-%m-%d}"
        )
        return head + "\n" + self._table().to_string(index=False)

    def _repr_html_(self) -> str:
        head = html.escape(str(self).splitlines()[0])
        return f"<p><b>{head}</b></p>" + self._table().to_html(index=False, border=0)


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """English short names by ticker, for the stocks the package bundles prices of.

    From ``english-names.csv`` (the names of ``data/PROVENANCE.md``); the exchange's names in
    the table are Chinese, which charts cannot draw with the fonts matplotlib ships.

    Examples
    --------
    >>> english_names()["000800.SZ"]
    'FAW Jiefang'
    """
    path = next((p for p in _ENGLISH if p.is_file()), None)
    if path is None:
        return {}
    table = pd.read_csv(path, dtype="str")
    return dict(zip(table["ticker"], table["english_name"], strict=True))


def security(key: str) -> Security:
    """Look up an A share in the security master by ticker or by name.

    Parameters
    ----------
    key : str
        A ticker (``"000800.SZ"``; ``.SH`` is read as ``.SS``) or any name the stock has
        carried in the table (``"一汽解放"``, ``"一汽轿车"``, ``"*ST东科"``).

    Returns
    -------
    Security

    Raises
    ------
    DataUnavailableError
        The table holds no such ticker or name.
    InvalidInputError
        ``key`` is not a non-empty string, or the name belonged to several stocks (the
        message lists their tickers).

    Examples
    --------
    >>> print(security("000800.SZ"))  # doctest: +NORMALIZE_WHITESPACE
    000800.SZ 一汽解放: SZSE, main board; listed before 2019-01-02; last day in the table 2022-01-14
         name      start        end risk event
     一汽轿车 2019-01-02 2020-05-19
     一汽解放 2020-05-20 2022-01-14
    """
    if not isinstance(key, str) or not key.strip():
        raise InvalidInputError(f"key={key!r}: give a ticker such as '000800.SZ' or a name.")
    runs = name_runs()
    ticker = _canonical(key, _tickers())
    rows = runs[runs["ticker"] == ticker]
    if rows.empty:
        plain = unicodedata.normalize("NFKC", key).replace(" ", "")
        tickers = runs.loc[runs["name"] == plain, "ticker"].unique()
        if len(tickers) > 1:
            raise InvalidInputError(
                f"{key!r} is the name of several stocks ({', '.join(tickers)}); give a ticker."
            )
        if len(tickers) == 0:
            raise DataUnavailableError(
                f"{key!r} is neither a ticker nor a name in the security master (A shares "
                f"traded from {COVERED[0]:%Y-%m-%d} to {COVERED[1]:%Y-%m-%d}); check the "
                f"spelling, e.g. '000800.SZ' or '一汽解放'."
            )
        ticker = str(tickers[0])
        rows = runs[runs["ticker"] == ticker]
    names = rows[["name", "start", "end", "risk", "event"]].reset_index(drop=True)
    return Security(ticker, market_of(ticker).exchange, str(rows["board"].iloc[0]), names)


@dataclass(frozen=True)
class DayFacts:
    """What the security master says about a list of stock-days (arrays of equal length).

    Attributes
    ----------
    known : numpy.ndarray of bool
        The ticker is in the master.
    covered : numpy.ndarray of bool
        The day lies within the ticker's span in the master (so ``st`` is its state that day).
    st : numpy.ndarray of bool
        Under risk warning (ST or \\*ST): that day's state where ``covered``; after the
        ticker's last day in the master, its state on that last day (an assumption).
    listed : numpy.ndarray of datetime64[ns]
        The listing day of stocks listed (or relisted under the code) from 2019-01-02 on;
        NaT otherwise.
    relisting : numpy.ndarray of bool
        The day is the first trading day after a relisting or a restoration of listing.
    board : numpy.ndarray of object
        The board, or ``None`` for tickers not in the master.
    """

    known: np.ndarray
    covered: np.ndarray
    st: np.ndarray
    listed: np.ndarray
    relisting: np.ndarray
    board: np.ndarray


def day_facts(tickers: np.ndarray, days: np.ndarray) -> DayFacts:
    """Look up many stock-days at once (vectorised: the whole market in well under a second).

    Parameters
    ----------
    tickers : numpy.ndarray of str
        Tickers as in the table (``.SH`` is read as ``.SS``).
    days : numpy.ndarray of datetime64
        Trading days (midnight).

    Returns
    -------
    DayFacts

    Examples
    --------
    >>> facts = day_facts(np.array(["000727.SZ", "000727.SZ", "AAPL"]),
    ...                   np.array(["2021-03-31", "2021-04-06", "2021-04-06"], "datetime64[ns]"))
    >>> facts.st.tolist(), facts.known.tolist()
    ([True, False, False], [True, True, False])
    """
    runs = name_runs()
    names = pd.Index(pd.unique(runs["ticker"]))
    row_ticker, distinct = pd.factorize(np.asarray(tickers, dtype=object))
    wanted = pd.Index([_canonical(str(t), _tickers()) for t in distinct])
    code = names.get_indexer(wanted)[row_ticker] if len(distinct) else row_ticker
    run_code = names.get_indexer(pd.Index(runs["ticker"]))
    day = np.asarray(days, dtype="datetime64[ns]").view("int64")
    start = runs["start"].to_numpy().view("int64")
    # runs are sorted by ticker and start: the run in force is the last one starting on or
    # before the day, provided it is the same ticker's
    at = np.searchsorted(_key(run_code, start), _key(code, day), side="right") - 1
    run = np.clip(at, 0, None)
    known = code >= 0
    same = known & (at >= 0) & (run_code[run] == code)
    last = _last_run(run_code)
    ends = runs["end"].to_numpy().view("int64")
    covered = same & (day <= ends[run])
    after = same & (day > ends[run]) & (run == last[run_code[run]])
    risky = (runs["risk"] != "").to_numpy()
    st = (covered | after) & risky[run]
    events = runs["event"].to_numpy()
    listing_run = _listing_run(run_code, events, runs["start"].to_numpy().view("int64"))
    listed = np.full(len(code), np.datetime64("NaT"), dtype="datetime64[ns]")
    listed[known] = listing_run[code[known]].astype("datetime64[ns]")
    relisting = same & (events[run] == "relisting") & (start[run] == day)
    board = runs["board"].to_numpy(dtype=object)[run]
    board[~known] = None
    return DayFacts(known, covered, st, listed, relisting, board)


def _key(code: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One sortable int64 per (ticker position, day): whole days fit in 17 bits."""
    key: np.ndarray = code.astype(np.int64) * (1 << 20) + day // _NS_PER_DAY
    return key


def _last_run(run_code: np.ndarray) -> np.ndarray:
    """Each ticker's last run (position in the table)."""
    last: np.ndarray = np.zeros(run_code.max() + 1, dtype=np.int64)
    last[run_code] = np.arange(len(run_code))  # the table is sorted by ticker and start
    return last


def _listing_run(run_code: np.ndarray, events: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each ticker's listing day (int64 nanoseconds) if it was listed within the table, else NaT."""
    listed = np.full(run_code.max() + 1, np.datetime64("NaT", "ns").view("int64"))
    first = np.r_[True, run_code[1:] != run_code[:-1]]
    new = first & np.isin(events, ["listing", "relisting"])
    listed[run_code[new]] = starts[new]
    return listed
