"""Limit prices of one day, and limit flags for a stock's price table.

A day's limit prices are

    limit-up   = round-half-up(preclose × (1 + up), tick)
    limit-down = round-half-up(preclose × (1 − down), tick)

computed in exact decimal arithmetic, where ``preclose`` is the exchange's (ex-rights)
previous close and ``up``, ``down`` and ``tick`` come from the rule in force that day. The
rules (China A shares by board, date, risk warning and days since listing, each with the
exchange rule that sets it) are in the market registry, :mod:`eventstudy.markets.ashare`;
markets without daily limits get a rule without limits, whose note says so.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike, to_timestamp
from eventstudy.errors import InvalidInputError
from eventstudy.markets import LimitRule, daily_limit, daily_limits, round_half_up


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


def limit_rule(
    ticker: str, date: DateLike, *, st: bool = False, days_listed: int | None = None
) -> LimitRule:
    """Return the daily price limit of ``ticker`` on ``date``.

    Parameters
    ----------
    ticker : str
        Yahoo-style ticker (``"000800.SZ"``; ``.SS``/``.SH`` Shanghai, ``.BJ`` Beijing).
    date : str, date or Timestamp
        The trading day.
    st : bool, default False
        Whether the stock is under risk warning (ST or \\*ST) that day; the price data do not
        say, so give it when you know it.
    days_listed : int, optional
        The day's number among the stock's trading days since its IPO (1 = listing day).
        ``None`` means the stock is past its first trading days.

    Returns
    -------
    LimitRule

    Raises
    ------
    InvalidInputError
        Unknown board, a day before the board existed, or ``days_listed`` below 1.

    Notes
    -----
    The rules and their sources are in :mod:`eventstudy.markets.ashare`
    (:func:`eventstudy.markets.daily_limit`).

    Examples
    --------
    >>> limit_rule("000800.SZ", "2021-09-13").note
    'main board: ±10% of the previous close'
    >>> limit_rule("300750.SZ", "2020-08-21").up, limit_rule("300750.SZ", "2020-08-24").up
    (Decimal('0.10'), Decimal('0.20'))
    """
    return daily_limit(ticker, to_timestamp(date), st=st, days_listed=days_listed)


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
    prices: pd.DataFrame, ticker: str | None = None, *, st: bool = False
) -> pd.DataFrame:
    """Mark the days a stock closed at, or only touched, its limit-up or limit-down price.

    Parameters
    ----------
    prices : pandas.DataFrame
        A frame from :func:`eventstudy.load_prices` (index ``date``; columns ``high``,
        ``low``, ``close``, ``preclose``).
    ticker : str, optional
        The stock; by default the frame's ``ticker`` column.
    st : bool, default False
        Treat every day as under risk warning (ST / *ST).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``prices``; columns ``limit_up`` and ``limit_down`` (float, NaN without
        a limit or a previous close), and the nullable-boolean flags ``closed_limit_up``
        (close at the limit-up price), ``touched_limit_up`` (high reached it, close below),
        ``closed_limit_down`` and ``touched_limit_down``. Flags are ``<NA>`` on days
        without a previous close or without a limit. First trading days after an IPO are
        not recognised (the frame does not say which they are).

    Raises
    ------
    InvalidInputError
        No ticker, or an unknown board.

    Notes
    -----
    Prices are compared in whole ticks (cents), so ``12.78`` in the data equals the limit
    ``Decimal("12.78")`` exactly.

    Examples
    --------
    >>> from eventstudy import load_prices
    >>> frame = load_prices("000800.SZ", "2021-09-13", "2021-09-13", source="bundled")
    >>> flags = limit_flags(frame)
    >>> day = flags.loc["2021-09-13"]
    >>> float(day["limit_up"]), bool(day["closed_limit_up"]), bool(day["touched_limit_up"])
    (12.78, False, True)
    """
    name = ticker if ticker is not None else _frame_ticker(prices)
    ups: list[float] = []
    downs: list[float] = []
    rules = daily_limits(name, prices.index, st=st)
    for rule, preclose in zip(rules, prices["preclose"], strict=True):
        if not rule.has_limits or not np.isfinite(preclose) or preclose <= 0:
            ups.append(np.nan)
            downs.append(np.nan)
            continue
        up, down = limit_prices(float(preclose), rule)
        ups.append(np.nan if up is None else float(up))
        downs.append(np.nan if down is None else float(down))
    out = pd.DataFrame({"limit_up": ups, "limit_down": downs}, index=prices.index)
    up_t, down_t = _in_ticks(out["limit_up"]), _in_ticks(out["limit_down"])
    high, low = _in_ticks(prices["high"]), _in_ticks(prices["low"])
    close = _in_ticks(prices["close"])
    out["closed_limit_up"] = _flag(close >= up_t, up_t, close)
    out["touched_limit_up"] = _flag((high >= up_t) & (close < up_t), up_t, close, high)
    out["closed_limit_down"] = _flag(close <= down_t, down_t, close)
    out["touched_limit_down"] = _flag((low <= down_t) & (close > down_t), down_t, close, low)
    return out


def _frame_ticker(prices: pd.DataFrame) -> str:
    names: list[object] = list(prices["ticker"].dropna().unique()) if "ticker" in prices else []
    if len(names) != 1:
        raise InvalidInputError(
            "limit_flags needs one stock: pass ticker= or a frame whose 'ticker' column "
            "holds a single ticker."
        )
    return str(names[0])


def _in_ticks(values: pd.Series) -> pd.Series:
    return (values.astype("float64") * 100).round()


def _flag(condition: pd.Series, *needed: pd.Series) -> pd.Series:
    known = pd.concat(needed, axis=1).notna().all(axis=1)
    return condition.astype("boolean").where(known, pd.NA)
