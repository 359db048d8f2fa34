"""Daily price limits of China A shares, as data and small functions.

Shanghai, Shenzhen and Beijing cap how far a stock may trade from its previous close in one
day. A day's limit prices are

    limit-up   = round-half-up(preclose × (1 + limit), tick)
    limit-down = round-half-up(preclose × (1 − limit), tick)

computed in exact decimal arithmetic, where ``preclose`` is the exchange's (ex-rights)
previous close and ``tick`` the price step (0.01 yuan for A shares). The limit by board:

========================  ==========================  ==============================
board (codes)             limit                       source
========================  ==========================  ==============================
main board (SSE 600, 601, ±10%                        SSE / SZSE Trading Rules
603, 605; SZSE 000, 001,
002, 003)
main board, ST and *ST    ±5% (±10% from 2025-07-07)  SSE / SZSE Trading Rules;
                                                      notice on main-board
                                                      risk-warning stocks (2025)
ChiNext (300, 301)        ±20% from 2020-08-24,       SZSE ChiNext Trading Special
                          ±10% before                 Rules (2020 registration reform)
STAR Market (688, 689)    ±20% (trading from          SSE STAR Market Trading Rules
                          2019-07-22)                 (2019)
Beijing (8xxxxx, 4xxxxx,  ±30% (exchange open from    BSE Trading Rules (2021)
920xxx)                   2021-11-15)
========================  ==========================  ==============================

ST status is not in the price data, so it is an argument (``st=True``). On ChiNext, STAR and
Beijing an ST stock has the board's ordinary limit.

First trading days after an IPO (pass ``days_listed``, 1 on the listing day):

- Registration-system IPOs have no limit on their first five trading days: STAR Market,
  ChiNext from 2020-08-24, and the main boards from 2023-04-10 (the full registration
  system). Beijing: no limit on the listing day only.
- Earlier main-board and ChiNext IPOs: on the listing day the price may trade between 64% and
  144% of the offer price (−36% / +44%; the offer price is that day's ``preclose``); from the
  second day the ordinary limit applies.

Outside mainland China no limit is applied. Other markets have other mechanisms (US
limit-up/limit-down pauses, Hong Kong's volatility control, Tokyo's daily price-range
limits in yen) that this module does not model; :func:`limit_rule` says so in its note.
Funds, bonds, B shares and indices are not covered: an unknown code is an error.

References
----------
Shanghai Stock Exchange, *Trading Rules* (2023 revision), §3.4 price limits.
Shenzhen Stock Exchange, *Trading Rules* (2023 revision), §3.4 price limits.
Shenzhen Stock Exchange, *ChiNext Trading Special Rules* (2020), in force 2020-08-24.
Shanghai Stock Exchange, *STAR Market Trading Special Rules* (2019).
Beijing Stock Exchange, *Trading Rules (for trial implementation)* (2021).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike, ticker_suffix, to_timestamp
from eventstudy.errors import InvalidInputError

#: Yahoo-style suffixes of mainland exchanges (``.SH`` is accepted as a synonym of ``.SS``).
MAINLAND_SUFFIXES: dict[str, str] = {".SS": "SSE", ".SH": "SSE", ".SZ": "SZSE", ".BJ": "BSE"}

#: Boards by exchange and code prefix.
BOARDS_BY_PREFIX: dict[str, tuple[tuple[str, str], ...]] = {
    "SSE": (
        ("600", "main"),
        ("601", "main"),
        ("603", "main"),
        ("605", "main"),
        ("688", "STAR"),
        ("689", "STAR"),
    ),
    "SZSE": (
        ("000", "main"),
        ("001", "main"),
        ("002", "main"),
        ("003", "main"),
        ("300", "ChiNext"),
        ("301", "ChiNext"),
    ),
    "BSE": (("920", "Beijing"), ("8", "Beijing"), ("4", "Beijing")),
}

#: Price step of A shares, in yuan.
A_SHARE_TICK = Decimal("0.01")

CHINEXT_REFORM = pd.Timestamp("2020-08-24")
STAR_OPENED = pd.Timestamp("2019-07-22")
BSE_OPENED = pd.Timestamp("2021-11-15")
MAIN_BOARD_REGISTRATION = pd.Timestamp("2023-04-10")
MAIN_ST_TEN_PERCENT = pd.Timestamp("2025-07-07")

_BOARD_NAMES = {
    "main": "main board",
    "ChiNext": "ChiNext",
    "STAR": "STAR Market",
    "Beijing": "Beijing Stock Exchange",
}


@dataclass(frozen=True)
class LimitRule:
    """The daily price limit that applies to one stock on one day.

    Attributes
    ----------
    board : str
        ``"main board"``, ``"ChiNext"``, ``"STAR Market"``, ``"Beijing Stock Exchange"``, or
        ``"none"`` outside mainland China.
    up, down : Decimal or None
        The limits as fractions of the previous close (``Decimal("0.10")`` for ±10%);
        ``None`` when there is no limit that way.
    tick : Decimal
        Price step the limit prices are rounded to.
    note : str
        The rule in words, e.g. ``"main board: ±10% of the previous close"``.
    """

    board: str
    up: Decimal | None
    down: Decimal | None
    tick: Decimal
    note: str

    @property
    def has_limits(self) -> bool:
        """Whether any daily limit applies."""
        return self.up is not None or self.down is not None


def round_half_up(value: Decimal, tick: Decimal = A_SHARE_TICK) -> Decimal:
    """Round ``value`` to a multiple of ``tick``, halves away from zero.

    Examples
    --------
    >>> round_half_up(Decimal("12.782")), round_half_up(Decimal("12.045"))
    (Decimal('12.78'), Decimal('12.05'))
    """
    return (value / tick).quantize(Decimal(1), rounding=ROUND_HALF_UP) * tick


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


def exchange_code(ticker: str) -> tuple[str | None, str]:
    """Split a ticker into its mainland exchange (``"SSE"``, ``"SZSE"``, ``"BSE"``) and code.

    The exchange is ``None`` for a ticker outside mainland China.

    Examples
    --------
    >>> exchange_code("000800.SZ"), exchange_code("AAPL")
    (('SZSE', '000800'), (None, 'AAPL'))
    """
    suffix = ticker_suffix(ticker)
    code = ticker[: -len(suffix)] if suffix else ticker
    return MAINLAND_SUFFIXES.get(suffix), code


def board_of(ticker: str) -> str | None:
    """Return the board of a mainland China A share, or ``None`` outside mainland China.

    Raises
    ------
    InvalidInputError
        A mainland ticker whose code is not a known A-share board (funds, bonds, B shares,
        indices such as ``399001.SZ``); the message lists the known code prefixes.

    Examples
    --------
    >>> board_of("000800.SZ"), board_of("300750.SZ"), board_of("688981.SS"), board_of("AAPL")
    ('main', 'ChiNext', 'STAR', None)
    """
    exchange, code = exchange_code(ticker)
    if exchange is None:
        return None
    if len(code) == 6 and code.isdigit():
        for prefix, board in BOARDS_BY_PREFIX[exchange]:
            if code.startswith(prefix):
                return board
    known = ", ".join(f"{p}… {b}" for p, b in BOARDS_BY_PREFIX[exchange])
    raise InvalidInputError(
        f"{ticker!r} is not a known {exchange} A-share board (known code prefixes: {known}). "
        f"Price limits are modelled for A shares only; funds, bonds, B shares and indices "
        f"are not covered."
    )


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
        Whether the stock is under risk warning (ST or *ST) that day; the price data do not
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
    The rules and their sources are in the module docstring.

    Examples
    --------
    >>> limit_rule("000800.SZ", "2021-09-13").note
    'main board: ±10% of the previous close'
    >>> limit_rule("300750.SZ", "2020-08-21").up, limit_rule("300750.SZ", "2020-08-24").up
    (Decimal('0.10'), Decimal('0.20'))
    """
    day = to_timestamp(date).normalize()
    if days_listed is not None and (isinstance(days_listed, bool) or days_listed < 1):
        raise InvalidInputError(
            f"days_listed={days_listed!r} must be a whole number of trading days, at least 1 "
            f"(1 is the listing day)."
        )
    board = board_of(ticker)
    if board is None:
        return LimitRule(
            board="none",
            up=None,
            down=None,
            tick=A_SHARE_TICK,
            note=(
                f"{ticker} is not a mainland China A share: no daily price limit is applied "
                f"(other markets' mechanisms, such as US limit-up/limit-down pauses or "
                f"Tokyo's daily price ranges, are not modelled)"
            ),
        )
    _check_board_open(ticker, board, day)
    name = _BOARD_NAMES[board]
    if days_listed is not None:
        ipo = _ipo_rule(board, day, days_listed)
        if ipo is not None:
            return ipo
    limit = _ordinary_limit(board, day, st)
    label = f"{name}{', ST' if st else ''}"
    percent = f"{limit * 100:.0f}"
    return LimitRule(
        board=name,
        up=limit,
        down=limit,
        tick=A_SHARE_TICK,
        note=f"{label}: ±{percent}% of the previous close",
    )


def _check_board_open(ticker: str, board: str, day: pd.Timestamp) -> None:
    opened = {"STAR": STAR_OPENED, "Beijing": BSE_OPENED}.get(board)
    if opened is not None and day < opened:
        raise InvalidInputError(
            f"{ticker} is on the {_BOARD_NAMES[board]}, which began trading on "
            f"{opened.date()}; there is no price-limit rule for {day.date()}."
        )


def _ordinary_limit(board: str, day: pd.Timestamp, st: bool) -> Decimal:
    if board == "main":
        if st:
            return Decimal("0.10") if day >= MAIN_ST_TEN_PERCENT else Decimal("0.05")
        return Decimal("0.10")
    if board == "ChiNext":
        return Decimal("0.20") if day >= CHINEXT_REFORM else Decimal("0.10")
    if board == "STAR":
        return Decimal("0.20")
    return Decimal("0.30")


def _ipo_rule(board: str, day: pd.Timestamp, days_listed: int) -> LimitRule | None:
    """The rule of an IPO's first trading days, or ``None`` once the ordinary limit applies."""
    name = _BOARD_NAMES[board]
    registration = (
        board == "STAR"
        or (board == "ChiNext" and day >= CHINEXT_REFORM)
        or (board == "main" and day >= MAIN_BOARD_REGISTRATION)
    )
    if registration and days_listed <= 5:
        return LimitRule(
            board=name,
            up=None,
            down=None,
            tick=A_SHARE_TICK,
            note=f"{name}: no price limit on the first five trading days after an IPO "
            f"(day {days_listed})",
        )
    if board == "Beijing" and days_listed == 1:
        return LimitRule(
            board=name,
            up=None,
            down=None,
            tick=A_SHARE_TICK,
            note=f"{name}: no price limit on the listing day",
        )
    if not registration and board != "Beijing" and days_listed == 1:
        return LimitRule(
            board=name,
            up=Decimal("0.44"),
            down=Decimal("0.36"),
            tick=A_SHARE_TICK,
            note=f"{name}: listing day, between 64% and 144% of the offer price",
        )
    return None


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
    base = round_half_up(to_decimal(preclose, "preclose"), rule.tick)
    if base <= 0:
        raise InvalidInputError(
            f"preclose={preclose!r} must be a positive price; check the price data."
        )
    up = None if rule.up is None else round_half_up(base * (1 + rule.up), rule.tick)
    down = None if rule.down is None else round_half_up(base * (1 - rule.down), rule.tick)
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
    for day, preclose in zip(prices.index, prices["preclose"], strict=True):
        rule = limit_rule(name, day, st=st)
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
