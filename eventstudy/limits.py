"""Daily price limits and limit flags for a whole price table, every stock-day at once.

A day's limit prices are

    limit-up   = round-half-up(preclose × (1 + up), tick)
    limit-down = round-half-up(preclose × (1 − down), tick)

where ``preclose`` is the exchange's (ex-rights) previous close, and ``up``, ``down`` and
``tick`` come from the rule in force that stock-day. The rules (China A shares by board,
date, risk warning, days since listing and relisting, each with the exchange notice that
sets it) are the market registry's, :mod:`eventstudy.markets.ashare`: the same rules serve
:func:`limits` for a whole table and :func:`limit_rule` for one stock-day. For a whole table
the arithmetic is exact in whole cents: ``limit-up = ⌊(preclose_cents × (100 + up) + 50) /
100⌋`` with ``up`` in whole percent.

Where the facts a rule reads come from, for each row:

- board: the market registry, by the code's prefix;
- risk warning (ST / \\*ST): ``st=`` if given; else the row's ``name`` if the table has that
  column; else the security master (:mod:`eventstudy.securities`) for the days it covers
  (2019-01-02 to 2022-01-14); after a stock's last day there, its state on that day (an
  assumption, which the ``assumed`` column and the rule's note state);
- days since listing: ``days_listed=`` if given; else the security master's listing day
  (counted in exchange sessions: no 2019–2022 listing was suspended in its first days); else,
  in a table with names, a ticker whose first row is an ``N`` day is taken to list that day;
  otherwise the stock is taken to be past its first days;
- the first day after a relisting: the security master.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike, get_exchange_calendar, to_timestamp
from eventstudy.errors import InvalidInputError
from eventstudy.markets import (
    Facts,
    LimitRule,
    LimitRules,
    board_of,
    daily_limit,
    find_market,
    round_half_up,
)
from eventstudy.securities import COVERED, day_facts
from eventstudy.sources._frame import CheckedTable

#: ``rule`` of a row no rule covers: a market without daily limits, or a code on no board
#: (an index, a fund, a bond).
NO_RULE = "none"
#: A name under risk warning: ST or \\*ST after the day markers and the share-reform S.
_RISK = r"^(?:XD|XR|DR|N)?S?\*?ST"


def limits(
    prices: pd.DataFrame,
    *,
    st: bool | np.ndarray | None = None,
    days_listed: int | np.ndarray | None = None,
) -> pd.DataFrame:
    """Limit-up and limit-down prices of every row of a price table, and where it closed.

    Parameters
    ----------
    prices : pandas.DataFrame
        A tidy price table: one row per ticker and trading day, columns ``ticker``, ``date``
        (a column or the index), ``high``, ``low``, ``close``, ``preclose``; optionally
        ``name`` (the stock's name that day, with its ``ST`` / ``*ST`` prefix). A frame from
        :func:`eventstudy.load_prices` will do. Rows may be in any order.
    st : bool or array of bool, optional
        Risk warning (ST / \\*ST) for every row, or row by row; overrides the names and the
        security master.
    days_listed : int or array, optional
        The day's number among the stock's trading days since listing (1 = listing day; NaN
        past the first days), for every row or row by row; overrides the security master.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``prices`` (same index, same order), columns:

        - ``limit_up``, ``limit_down``: float; NaN where no limit applies that day (or the
          row has no previous close);
        - ``rule``: the label of the rule in force (:data:`eventstudy.markets.ashare.RULES`),
          :data:`NO_RULE` where none covers the row;
        - ``closed_at_limit_up``: the close equals the limit-up price (sealed);
        - ``touched_limit_up``: the high reached it but the close is below (the seal broke);
        - ``closed_at_limit_down``, ``touched_limit_down``: the same for the limit-down price;
        - ``assumed``: what was assumed for the row, empty where the user's flags, the names
          or the security master said (e.g. a day after 2022-01-14).

        Flags are False where no limit applies or a price is missing.

    Raises
    ------
    DataFormatError
        The table is not a tidy price table (missing columns, duplicate rows, bad prices).
    InvalidInputError
        ``st`` or ``days_listed`` has the wrong length, ``days_listed`` is below 1, or a row
        falls before its board opened.

    Notes
    -----
    Prices are compared in whole ticks, so ``12.78`` in the data equals a limit of 12.78.
    The rules and the exchange notices that set them are in :mod:`eventstudy.markets.ashare`;
    the whole A-share market of 2019–2022 trades inside them (``docs/ashare-limits.md``).

    Examples
    --------
    >>> import eventstudy
    >>> faw = eventstudy.load_prices("000800.SZ", "2021-09-10", "2021-09-14", data="bundled")
    >>> limits(faw)[["limit_up", "limit_down", "rule", "touched_limit_up"]]
                limit_up  limit_down      rule  touched_limit_up
    date
    2021-09-10     13.05       10.67  main 10%             False
    2021-09-13     12.78       10.46  main 10%              True
    2021-09-14     13.32       10.90  main 10%             False
    """
    checked = CheckedTable.from_raw(prices, "the price table")
    n = checked.n_rows
    rules_of, boards = _rules_and_boards(checked.names)
    board = boards[checked.codes]
    facts, assumed = _facts(checked, board, _names(prices), st, days_listed)
    rule = np.full(n, NO_RULE, dtype=object)
    up_pct = np.full(n, np.nan)
    down_pct = np.full(n, np.nan)
    per_yuan = np.full(n, np.nan)  # ticks per unit of currency: 100 for a 0.01 tick
    group = np.array([id(r) for r in rules_of], dtype=np.int64)[checked.codes]
    for rules in {id(r): r for r in rules_of if r is not None}.values():
        rows = np.flatnonzero((group == id(rules)) & (board != ""))
        if len(rows):
            table = rules.table(_subset(facts, rows))
            rule[rows] = table["rule"].to_numpy()
            up_pct[rows] = table["up"].to_numpy()
            down_pct[rows] = table["down"].to_numpy()
            per_yuan[rows] = float(1 / rules.tick)
    assumed[rule == NO_RULE] = ""
    preclose = _ticks(checked.column("preclose"), per_yuan)
    up = _limit(preclose, 100 + up_pct)
    down = _limit(preclose, 100 - down_pct)
    high, low, close = (_ticks(checked.column(c), per_yuan) for c in ("high", "low", "close"))
    return pd.DataFrame(
        {
            "limit_up": up / per_yuan,
            "limit_down": down / per_yuan,
            "rule": rule,
            "closed_at_limit_up": close == up,
            "touched_limit_up": (high >= up) & (close < up),
            "closed_at_limit_down": close == down,
            "touched_limit_down": (low <= down) & (close > down),
            "assumed": assumed,
        },
        index=prices.index,
    )


def limit_rule(
    ticker: str,
    date: DateLike,
    *,
    st: bool | None = None,
    days_listed: int | None = None,
) -> LimitRule:
    """Return the daily price limit of ``ticker`` on ``date``.

    Parameters
    ----------
    ticker : str
        Yahoo-style ticker (``"000800.SZ"``; ``.SS``/``.SH`` Shanghai, ``.BJ`` Beijing).
    date : str, date or Timestamp
        The trading day.
    st : bool, optional
        Whether the stock is under risk warning (ST or \\*ST) that day. By default the
        security master says, for the days it covers (after them: the state on its last day).
    days_listed : int, optional
        The day's number among the stock's trading days since listing (1 = listing day). By
        default from the security master's listing day; past the first days if unknown.

    Returns
    -------
    LimitRule
        Its note states what was assumed beyond the security master's days.

    Raises
    ------
    InvalidInputError
        Unknown board, a day before the board existed, or ``days_listed`` below 1.

    Examples
    --------
    >>> limit_rule("000800.SZ", "2021-09-13").note
    'main board: ±10% of the previous close'
    >>> limit_rule("000727.SZ", "2021-03-31").note      # *ST东科 that day
    'main board, ST: ±5% of the previous close'
    >>> limit_rule("601995.SS", "2020-11-02").up         # CICC's listing day
    Decimal('0.44')
    """
    day = to_timestamp(date).normalize()
    if isinstance(days_listed, bool) or (days_listed is not None and days_listed < 1):
        raise InvalidInputError(
            f"days_listed={days_listed!r} must be a whole number of trading days, at least 1 "
            f"(1 is the listing day)."
        )
    one = CheckedTable.from_raw(pd.DataFrame({"ticker": [ticker], "date": [day], "close": [1.0]}),
                                "limit_rule")
    facts, assumed = _facts(one, np.array([""]), None, st, days_listed)
    listed = facts.days_listed[0]
    rule = daily_limit(
        ticker,
        day,
        st=bool(facts.st[0]),
        days_listed=None if np.isnan(listed) else int(listed),
        relisting=bool(facts.relisting[0]),
    )
    note = assumed[0] if rule.has_limits else ""
    return replace(rule, note=f"{rule.note} (assumed: {note})") if note else rule


def limit_prices(preclose: object, rule: LimitRule) -> tuple[Decimal | None, Decimal | None]:
    """Return the limit-up and limit-down prices for a previous close under ``rule``.

    ``round_half_up(preclose × (1 ± limit), tick)`` in exact decimal arithmetic; ``None``
    where the rule sets no limit. A float ``preclose`` is read through its shortest repr and
    taken to the tick first: a previous close is a traded price, so a vendor's binary noise
    (11.649999618530273 for 11.65) must not move a limit by a tick.

    Raises
    ------
    InvalidInputError
        If ``preclose`` is not a positive number.

    Examples
    --------
    >>> rule = limit_rule("000800.SZ", "2021-09-13")
    >>> limit_prices(11.62, rule)
    (Decimal('12.78'), Decimal('10.46'))
    """
    tick = rule.tick
    base = to_decimal(preclose, "preclose")
    base = base if tick is None else round_half_up(base, tick)
    if base <= 0:
        raise InvalidInputError(
            f"preclose={preclose!r} must be a positive price; check the price data."
        )
    if tick is None:  # a market without daily limits
        return None, None
    up = None if rule.up is None else round_half_up(base * (1 + rule.up), tick)
    down = None if rule.down is None else round_half_up(base * (1 - rule.down), tick)
    return up, down


def limit_flags(
    prices: pd.DataFrame, ticker: str | None = None, *, st: bool | None = None
) -> pd.DataFrame:
    """Mark the days one stock closed at, or only touched, its limit-up or limit-down price.

    :func:`limits` for one stock's frame, with nullable flags.

    Parameters
    ----------
    prices : pandas.DataFrame
        A frame from :func:`eventstudy.load_prices` (index ``date``; columns ``high``,
        ``low``, ``close``, ``preclose``).
    ticker : str, optional
        The stock; by default the frame's ``ticker`` column.
    st : bool, optional
        Treat every day as under risk warning (ST / \\*ST), or as not; by default the
        security master says.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``prices``; columns ``limit_up`` and ``limit_down`` (float, NaN without
        a limit or a previous close), and the nullable-boolean flags ``closed_limit_up``
        (close at the limit-up price), ``touched_limit_up`` (high reached it, close below),
        ``closed_limit_down`` and ``touched_limit_down``, ``<NA>`` on days without a
        previous close or without a limit.

    Raises
    ------
    InvalidInputError
        No ticker, or a code on no board (an index, a fund).

    Examples
    --------
    >>> from eventstudy import load_prices
    >>> frame = load_prices("000800.SZ", "2021-09-13", "2021-09-13", data="bundled")
    >>> flags = limit_flags(frame)
    >>> day = flags.loc["2021-09-13"]
    >>> float(day["limit_up"]), bool(day["closed_limit_up"]), bool(day["touched_limit_up"])
    (12.78, False, True)
    """
    name = ticker if ticker is not None else _frame_ticker(prices)
    board_of(name)  # a code on no board is an error here, not a row without a rule
    table = limits(prices.assign(ticker=name), st=st)
    out = table[["limit_up", "limit_down"]].copy()
    known = table[["limit_up", "limit_down"]].notna().to_numpy()
    has = prices[["high", "low", "close"]].notna().to_numpy()
    for old, new, side in (
        ("closed_limit_up", "closed_at_limit_up", 0),
        ("touched_limit_up", "touched_limit_up", 0),
        ("closed_limit_down", "closed_at_limit_down", 1),
        ("touched_limit_down", "touched_limit_down", 1),
    ):
        ok = known[:, side] & has.all(axis=1)
        out[old] = pd.arrays.BooleanArray(table[new].to_numpy(dtype=bool), mask=~ok)
    return out


def to_decimal(value: object, name: str) -> Decimal:
    """Read a number as a Decimal; a float is read through its shortest repr (12.78 → "12.78").

    Raises
    ------
    InvalidInputError
        If ``value`` is not a finite number.
    """
    if isinstance(value, bool):
        raise InvalidInputError(f"{name}={value!r} is not a number.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | np.floating | np.integer):
        number = (
            Decimal(repr(float(value)))
            if isinstance(value, float | np.floating)
            else (Decimal(int(value)))
        )
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError as exc:
            raise InvalidInputError(f"{name}={value!r} is not a number.") from exc
    else:
        raise InvalidInputError(f"{name}={value!r} is not a number; give a number or a string.")
    if not number.is_finite():
        raise InvalidInputError(f"{name}={value!r} is not a finite number.")
    return number


def _frame_ticker(prices: pd.DataFrame) -> str:
    names: list[object] = list(prices["ticker"].dropna().unique()) if "ticker" in prices else []
    if len(names) != 1:
        raise InvalidInputError(
            "limit_flags needs one stock: pass ticker= or a frame whose 'ticker' column "
            "holds a single ticker."
        )
    return str(names[0])


def _rules_and_boards(tickers: np.ndarray) -> tuple[list[LimitRules | None], np.ndarray]:
    """Each distinct ticker's limit rules (``None`` without) and board (``""`` for none)."""
    rules_of: list[LimitRules | None] = []
    boards = np.full(len(tickers), "", dtype=object)
    for k, ticker in enumerate(tickers):
        market = find_market(str(ticker))
        rules_of.append(None if market is None else market.limits)
        try:
            boards[k] = (None if market is None else market.board_of(str(ticker))) or ""
        except InvalidInputError:  # an index, a fund, a bond: no rule for the row
            boards[k] = ""
    return rules_of, boards


def _facts(
    checked: CheckedTable,
    board: np.ndarray,
    names: np.ndarray | None,
    st: bool | np.ndarray | None,
    days_listed: int | np.ndarray | None,
) -> tuple[Facts, np.ndarray]:
    """The facts the rules read for every row, and what was assumed for each."""
    n = checked.n_rows
    days = checked.dates
    master = day_facts(checked.names[checked.codes], days)
    assumed = np.full(n, "", dtype=object)
    if st is not None:
        flags = _rows(st, n, "st", "bool")
    elif names is not None:
        codes, distinct = pd.factorize(names)
        flags = pd.Series(distinct, dtype="str").str.contains(_RISK, regex=True).to_numpy()[codes]
    else:
        flags = master.st
        late = master.known & ~master.covered & (days > np.datetime64(COVERED[1]))
        assumed[late] = f"risk warning as on {COVERED[1]:%Y-%m-%d}, the security master's end"
        outside = master.known & ~master.covered & ~late
        assumed[outside] = "no risk warning (before the stock's days in the security master)"
        assumed[~master.known] = "no risk warning (not in the security master)"
    if days_listed is not None:
        listed = _rows(days_listed, n, "days_listed", "float64")
        relisting = np.zeros(n, dtype=bool)
    else:
        listed = _since_listing(checked, master.listed, names)
        relisting = master.relisting
        late = ~master.known & (days > np.datetime64(COVERED[1])) & np.isnan(listed)
        assumed[late] = _join(assumed[late], "past its first trading days")
    return Facts.of(board.astype(str), days, flags, listed, relisting), assumed


def _subset(facts: Facts, rows: np.ndarray) -> Facts:
    return Facts(
        board=facts.board[rows],
        day=facts.day[rows],
        st=facts.st[rows],
        days_listed=facts.days_listed[rows],
        relisting=facts.relisting[rows],
    )


def _names(prices: pd.DataFrame) -> np.ndarray | None:
    return None if "name" not in prices.columns else prices["name"].astype("str").to_numpy()


def _rows(value: object, n: int, what: str, dtype: str) -> np.ndarray:
    array = np.asarray(value, dtype=dtype)
    if array.ndim == 0:
        return np.full(n, array, dtype=dtype)
    if array.shape != (n,):
        raise InvalidInputError(
            f"{what} has {array.shape[0]} values for {n} rows; give one value, or one per row."
        )
    return array


def _since_listing(
    checked: CheckedTable, listed: np.ndarray, names: np.ndarray | None
) -> np.ndarray:
    """The day's number since listing in exchange sessions; NaN when unknown or past it."""
    if names is not None:
        listed = np.where(np.isnat(listed), _listing_rows(checked, names), listed)
    count = np.full(checked.n_rows, np.nan)
    calendars = np.array([_calendar(str(t)) for t in checked.names], dtype=object)
    row_calendar = calendars[checked.codes]
    for code in {c for c in calendars if c}:
        rows = np.flatnonzero(~np.isnat(listed) & (row_calendar == code))
        if len(rows):
            sessions = get_exchange_calendar(code).sessions.to_numpy().astype("datetime64[ns]")
            count[rows] = (
                np.searchsorted(sessions, checked.dates[rows])
                - np.searchsorted(sessions, listed[rows])
                + 1
            )
    count[count < 1] = np.nan
    return count


def _calendar(ticker: str) -> str:
    market = find_market(ticker)
    return "" if market is None else market.calendar


def _listing_rows(checked: CheckedTable, names: np.ndarray) -> np.ndarray:
    """Each row's listing day where the ticker's first row in the table is an ``N`` day."""
    order = checked.order if checked.order is not None else np.arange(checked.n_rows)
    codes = checked.codes[order]
    first = np.r_[True, codes[1:] != codes[:-1]]
    name_code, distinct = pd.factorize(names[order])
    n_day = pd.Series(distinct, dtype="str").str.startswith("N").to_numpy()[name_code]
    by_ticker = np.full(len(checked.names), np.datetime64("NaT"), dtype="datetime64[ns]")
    starts = first & n_day
    by_ticker[codes[starts]] = checked.dates[order][starts]
    listed: np.ndarray = by_ticker[checked.codes]
    return listed


def _join(existing: np.ndarray, note: str) -> np.ndarray:
    joined: np.ndarray = np.array([f"{e}; {note}" if e else note for e in existing], dtype=object)
    return joined


def _ticks(values: np.ndarray, per_yuan: np.ndarray) -> np.ndarray:
    """Prices in whole ticks (float; NaN stays NaN): 11.649999618 is 1165 cents."""
    ticks: np.ndarray = np.floor(np.asarray(values, dtype="float64") * per_yuan + 0.5)
    return ticks


def _limit(preclose_ticks: np.ndarray, percent: np.ndarray) -> np.ndarray:
    """round-half-up(preclose × percent / 100) in ticks, exact for whole ticks and percents.

    ``preclose_ticks × percent + 50`` is a whole number below 2**53 for any price below 90
    billion ticks, so it is exact in float64; dividing it by 100 lands on a whole number
    exactly or at least 0.01 away from one, so the floor is exact too.
    """
    limit: np.ndarray = np.floor((preclose_ticks * percent + 50) / 100)
    return limit
