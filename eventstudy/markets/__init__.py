"""Market registry: what the package knows about each exchange, by ticker suffix.

One :class:`Market` entry per Yahoo-style suffix holds the exchange's ``exchange-calendars``
code, time zone and regular close, default market index and the index reports compare with,
trading currency, tick-size tables and daily price-limit rules (``None`` where the market has
no daily limit). Every other module asks the registry; no other table of market facts exists.

Adding a market is adding an entry (with its tests): a module beside this one defines the
:class:`Market`, and :data:`MARKETS` lists it.

Examples
--------
>>> from eventstudy.markets import market_of
>>> m = market_of("000800.SZ")
>>> m.calendar, m.timezone, str(m.close), m.index, m.currency
('XSHG', 'Asia/Shanghai', '15:00:00', '399001.SZ', 'CNY')
>>> daily_limit("000800.SZ", pd.Timestamp("2021-09-13")).note
'main board: ±10% of the previous close'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType

import numpy.typing as npt
import pandas as pd

from eventstudy.errors import InvalidInputError
from eventstudy.markets import ashare, basic, hongkong
from eventstudy.markets._market import (
    Days,
    DaysListed,
    Facts,
    LimitRule,
    LimitRules,
    Market,
    Rule,
    TickTable,
    no_limits,
    round_half_up,
    security_code,
    ticker_suffix,
)

#: Every market, by ticker suffix (``""``: US listings, which have none).
MARKETS: Mapping[str, Market] = MappingProxyType(
    {m.suffix: m for m in (*ashare.MARKETS, hongkong.HONG_KONG, *basic.MARKETS)}
)


def find_market(ticker: str) -> Market | None:
    """Return the market of ``ticker`` by its suffix, or ``None`` if no market has it.

    Examples
    --------
    >>> find_market("600104.SS").name, find_market("SHOP.TO") is None
    ('Shanghai Stock Exchange', True)
    """
    return MARKETS.get(ticker_suffix(ticker))


def market_of(ticker: str) -> Market:
    """Return the market of ``ticker`` by its suffix.

    Raises
    ------
    InvalidInputError
        If no market has the suffix; the message lists the known ones.

    Examples
    --------
    >>> market_of("AAPL").calendar
    'XNYS'
    """
    market = find_market(ticker)
    if market is None:
        raise InvalidInputError(
            f"No market is known for {ticker!r} (suffix {ticker_suffix(ticker)!r}); known "
            f"suffixes: {_known(lambda m: m.name)}."
        )
    return market


def yahoo_ticker(ticker: str) -> str:
    """``ticker`` as Yahoo Finance and the bundled data spell it.

    Vendors such as Wind and Tushare write Shanghai tickers ``.SH``; Yahoo writes ``.SS``.
    A ticker of an exchange Yahoo spells the same way is returned as it is.

    Examples
    --------
    >>> yahoo_ticker("600104.SH"), yahoo_ticker("000300.SH"), yahoo_ticker("000800.SZ")
    ('600104.SS', '000300.SS', '000800.SZ')
    """
    market = find_market(ticker)
    if market is None or market.yahoo_suffix is None:
        return ticker
    return ticker[: -len(market.suffix)] + market.yahoo_suffix


def default_market(ticker: str) -> str:
    """Return the default market index for ``ticker``, chosen by its exchange suffix.

    Raises
    ------
    InvalidInputError
        If the suffix has no default; pass ``market=`` explicitly.

    Examples
    --------
    >>> default_market("000800.SZ"), default_market("600104.SS"), default_market("AAPL")
    ('399001.SZ', '000001.SS', '^GSPC')
    """
    market = find_market(ticker)
    if market is None:
        raise InvalidInputError(
            f"No default market index for {ticker!r} (suffix {ticker_suffix(ticker)!r}). "
            f"Pass market='<index ticker>' explicitly. Defaults: {_known(lambda m: m.index)}."
        )
    return market.index


def currency_of(ticker: str) -> str | None:
    """The trading currency of ``ticker``, or ``None`` if its market is not known.

    Examples
    --------
    >>> currency_of("000800.SZ"), currency_of("AAPL"), currency_of("SHOP.TO")
    ('CNY', 'USD', None)
    """
    market = find_market(ticker)
    return None if market is None else market.currency


def board_of(ticker: str) -> str | None:
    """The board of ``ticker`` under its market's daily limit rules; ``None`` in a market
    without such rules (or an unknown one).

    Raises
    ------
    InvalidInputError
        A code the rules do not cover (funds, bonds, B shares, indices such as
        ``399001.SZ``); the message lists the known code prefixes.

    Examples
    --------
    >>> board_of("000800.SZ"), board_of("300750.SZ"), board_of("688981.SS"), board_of("AAPL")
    ('main', 'ChiNext', 'STAR', None)
    """
    market = find_market(ticker)
    return None if market is None else market.board_of(ticker)


def daily_limits(
    ticker: str,
    days: Days,
    *,
    st: npt.ArrayLike = False,
    days_listed: DaysListed = None,
    relisting: npt.ArrayLike = False,
) -> list[LimitRule]:
    """The daily price limit of ``ticker`` on each of ``days``, the rules evaluated once.

    Parameters
    ----------
    ticker : str
        Yahoo-style ticker (``"000800.SZ"``; ``.SS``/``.SH`` Shanghai, ``.BJ`` Beijing).
    days : array-like of dates
        The trading days.
    st : bool or array-like of bool, default False
        Whether the stock is under risk warning (ST or \\*ST) on each day.
    days_listed : int, None or array-like, optional
        Each day's number among the stock's trading days since its listing (1 = listing
        day); ``None`` (or NaN) when the stock is past its first trading days.
    relisting : bool or array-like of bool, default False
        Whether each day is the first trading day after a relisting or a restoration of
        listing.

    Returns
    -------
    list of LimitRule
        One per day. In a market without daily limits each has ``board == "none"`` and no
        limits, and its note says what applies there.

    Raises
    ------
    InvalidInputError
        A code the rules do not cover, a day before the board existed, or ``days_listed``
        below 1.

    Examples
    --------
    >>> days = pd.DatetimeIndex(["2020-08-21", "2020-08-24"])
    >>> [rule.note for rule in daily_limits("300750.SZ", days)]
    ['ChiNext: ±10% of the previous close', 'ChiNext: ±20% of the previous close']
    """
    market = find_market(ticker)
    if market is not None:
        return market.daily_limits(
            ticker, days, st=st, days_listed=days_listed, relisting=relisting
        )
    return no_limits(
        ticker,
        days,
        f"no daily price limit is applied (no market is registered for its suffix "
        f"{ticker_suffix(ticker)!r})",
    )


def daily_limit(
    ticker: str,
    day: pd.Timestamp,
    *,
    st: bool = False,
    days_listed: int | None = None,
    relisting: bool = False,
) -> LimitRule:
    """The daily price limit of ``ticker`` on ``day``: :func:`daily_limits` for one day.

    Raises
    ------
    InvalidInputError
        A code the rules do not cover, a day before the board existed, or ``days_listed``
        not a whole number of days of at least 1.

    Examples
    --------
    >>> rule = daily_limit("300750.SZ", pd.Timestamp("2020-08-24"))
    >>> rule.up, rule.note
    (Decimal('0.20'), 'ChiNext: ±20% of the previous close')
    """
    if isinstance(days_listed, bool):
        raise InvalidInputError(
            f"days_listed={days_listed!r} must be a whole number of trading days, at least 1 "
            f"(1 is the listing day)."
        )
    return daily_limits(ticker, [day], st=st, days_listed=days_listed, relisting=relisting)[0]


def round_to_tick(ticker: str, price: Decimal, day: pd.Timestamp) -> Decimal:
    """Round ``price`` half up to the price step of ``ticker``'s market on ``day``.

    Raises
    ------
    InvalidInputError
        An unknown market, or one whose tick size is not modelled.

    Examples
    --------
    >>> round_to_tick("000800.SZ", Decimal("12.779999732971191"), pd.Timestamp("2021-09-13"))
    Decimal('12.78')
    """
    return round_half_up(price, market_of(ticker).tick(price, day))


def _known(field: Callable[[Market], str]) -> str:
    return ", ".join(f"{s or '(none)'} -> {field(m)}" for s, m in MARKETS.items())


__all__ = [
    "MARKETS",
    "Facts",
    "LimitRule",
    "LimitRules",
    "Market",
    "Rule",
    "TickTable",
    "board_of",
    "currency_of",
    "daily_limit",
    "daily_limits",
    "default_market",
    "find_market",
    "market_of",
    "round_half_up",
    "round_to_tick",
    "security_code",
    "ticker_suffix",
    "yahoo_ticker",
]
