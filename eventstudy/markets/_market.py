"""The types of a registry entry: a market, its tick-size tables and its daily limit rules.

The entries themselves are in the modules beside this one (``ashare``, ``basic``, ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd

from eventstudy.errors import InvalidInputError

_NO_LIMIT = np.nan

#: Trading days: a DatetimeIndex, an array or a sequence of dates.
Days = npt.ArrayLike | Sequence[pd.Timestamp | dt.date | str]
#: Days since listing, one per stock-day (1 = listing day); None or NaN past the first days.
DaysListed = npt.ArrayLike | Sequence[float | None] | None


def ticker_suffix(ticker: str) -> str:
    """Return the exchange suffix of a Yahoo-style ticker (``".SZ"``), or ``""`` for none.

    Index tickers such as ``^GSPC`` have no suffix. This is the only place a ticker is split.

    Examples
    --------
    >>> ticker_suffix("000800.SZ"), ticker_suffix("AAPL"), ticker_suffix("BRK-B")
    ('.SZ', '', '')
    """
    head, dot, tail = ticker.rpartition(".")
    if dot and head and tail.isalpha():
        return "." + tail.upper()
    return ""


def security_code(ticker: str) -> str:
    """The ticker without its exchange suffix (``"000800"`` for ``"000800.SZ"``).

    Examples
    --------
    >>> security_code("000800.SZ"), security_code("AAPL")
    ('000800', 'AAPL')
    """
    suffix = ticker_suffix(ticker)
    return ticker[: -len(suffix)] if suffix else ticker


def round_half_up(value: Decimal, tick: Decimal) -> Decimal:
    """Round ``value`` to a multiple of ``tick``, halves away from zero.

    Examples
    --------
    >>> round_half_up(Decimal("12.782"), Decimal("0.01"))
    Decimal('12.78')
    >>> round_half_up(Decimal("12.045"), Decimal("0.01"))
    Decimal('12.05')
    """
    return (value / tick).quantize(Decimal(1), rounding=ROUND_HALF_UP) * tick


@dataclass(frozen=True)
class TickTable:
    """The price steps of a market by price band, in force from a date.

    Attributes
    ----------
    since : pandas.Timestamp or None
        First day the table applies; ``None`` when it applies to every day modelled.
    bands : tuple of (Decimal, Decimal)
        ``(upper, step)`` pairs in increasing order: a price above the previous band's upper
        bound and at most ``upper`` moves in steps of ``step``. The last upper bound may be
        ``Decimal("Infinity")``.
    lowest : Decimal
        The lowest price the table allows (prices below it are refused).
    source : str
        The exchange rule the table comes from.
    """

    since: pd.Timestamp | None
    bands: tuple[tuple[Decimal, Decimal], ...]
    lowest: Decimal
    source: str

    def step(self, price: Decimal) -> Decimal:
        """The price step at ``price``.

        Raises
        ------
        InvalidInputError
            If ``price`` lies outside the table's bands.
        """
        if price >= self.lowest:
            for upper, step in self.bands:
                if price <= upper:
                    return step
        raise InvalidInputError(
            f"price {price} is outside the tick-size table ({self.lowest} to "
            f"{self.bands[-1][0]}; {self.source})."
        )


@dataclass(frozen=True)
class LimitRule:
    """The daily price limit that applies to one stock on one day.

    Attributes
    ----------
    board : str
        The board (``"main board"``, ``"ChiNext"``, ``"STAR Market"``, ``"Beijing Stock
        Exchange"``), or ``"none"`` in a market without daily limits.
    up, down : Decimal or None
        The limits as fractions of the previous close (``Decimal("0.10")`` for ±10%);
        ``None`` when there is no limit that way.
    tick : Decimal or None
        Price step the limit prices are rounded to; ``None`` without limits.
    note : str
        The rule in words, e.g. ``"main board: ±10% of the previous close"``.
    """

    board: str
    up: Decimal | None
    down: Decimal | None
    tick: Decimal | None
    note: str

    @property
    def has_limits(self) -> bool:
        """Whether any daily limit applies."""
        return self.up is not None or self.down is not None


def no_limits(ticker: str, days: Days, why: str) -> list[LimitRule]:
    """No daily limit for ``ticker`` on any of ``days``: board ``"none"``, the note
    ``"<ticker>: <why>"``."""
    rule = LimitRule(board="none", up=None, down=None, tick=None, note=f"{ticker}: {why}")
    return [rule] * len(np.atleast_1d(np.asarray(days)))


@dataclass(frozen=True)
class Facts:
    """What daily price-limit rules read: one entry per stock-day, arrays of equal length.

    Attributes
    ----------
    board : numpy.ndarray of str
        The stock's board (a key of :attr:`LimitRules.names`).
    day : numpy.ndarray of datetime64[ns]
        The trading day.
    st : numpy.ndarray of bool
        Whether the stock is under risk warning (ST or \\*ST) that day.
    days_listed : numpy.ndarray of float
        The day's number among the stock's trading days since its listing (1 = listing day);
        NaN when the stock is past its first trading days or the number is not known.
    relisting : numpy.ndarray of bool
        Whether the day is the first trading day after a relisting or a restoration of
        listing.
    """

    board: npt.NDArray[np.str_]
    day: npt.NDArray[np.datetime64]
    st: npt.NDArray[np.bool_]
    days_listed: npt.NDArray[np.float64]
    relisting: npt.NDArray[np.bool_]

    @classmethod
    def of(
        cls,
        board: npt.ArrayLike,
        day: Days,
        st: npt.ArrayLike = False,
        days_listed: DaysListed = None,
        relisting: npt.ArrayLike = False,
    ) -> Facts:
        """Build the facts from array-likes or scalars (scalars apply to every row).

        ``days_listed`` may hold ``None`` or NaN where the stock is past its first days.

        Raises
        ------
        InvalidInputError
            If a ``days_listed`` value is below 1.

        Examples
        --------
        >>> facts = Facts.of(["main", "STAR"], ["2021-09-13", "2021-09-13"], st=[True, False])
        >>> facts.st.tolist(), facts.days_listed.tolist()
        ([True, False], [nan, nan])
        """
        days = np.asarray(pd.DatetimeIndex(np.atleast_1d(np.asarray(day))).normalize())
        boards = np.atleast_1d(np.asarray(board, dtype=str))
        n = max(len(days), len(boards))
        boards = np.broadcast_to(boards, (n,))
        days = np.broadcast_to(days, (n,))
        flags = np.broadcast_to(np.asarray(st, dtype=bool), (n,))
        listed = np.broadcast_to(np.asarray(days_listed, dtype=float), (n,))
        bad = listed < 1
        if bad.any():
            value = listed[bad][0]
            raise InvalidInputError(
                f"days_listed={value:g} must be a whole number of trading days, at least 1 "
                f"(1 is the listing day)."
            )
        first = np.broadcast_to(np.asarray(relisting, dtype=bool), (n,))
        return cls(board=boards, day=days, st=flags, days_listed=listed, relisting=first)


@dataclass(frozen=True)
class Rule:
    """One daily price-limit rule: when it applies, the limits it sets and where it is written.

    Attributes
    ----------
    label : str
        Short name, e.g. ``"main 10%"``.
    up, down : int or None
        Limits in percent of the previous close; ``None`` for no limit that way.
    note : str
        The rule in words; ``{board}``, ``{st}`` (", ST" or "") and ``{days_listed}`` are
        filled in for one stock-day.
    source : str
        The exchange rule or notice that sets it.
    applies : callable
        ``applies(facts) -> numpy.ndarray of bool``: the stock-days the rule governs.
    """

    label: str
    up: int | None
    down: int | None
    note: str
    source: str
    applies: Callable[[Facts], npt.NDArray[np.bool_]]


@dataclass(frozen=True)
class LimitRules:
    """The daily price-limit rules of an exchange: its boards and an ordered table of rules.

    For each stock-day the first rule (in order) that applies is the one in force.

    Attributes
    ----------
    boards : tuple of (str, str)
        ``(code prefix, board)`` pairs: the board of a security by the start of its code.
    names : mapping
        Board → name in words (``"main"`` → ``"main board"``).
    opened : mapping
        Board → its first trading day; a stock-day before it has no rule.
    rules : tuple of Rule
    tick : Decimal
        Price step limit prices are rounded to.
    """

    boards: tuple[tuple[str, str], ...]
    names: Mapping[str, str]
    opened: Mapping[str, pd.Timestamp]
    rules: tuple[Rule, ...]
    tick: Decimal

    def board_of(self, code: str, exchange: str, ticker: str) -> str:
        """The board of the security ``code``.

        Raises
        ------
        InvalidInputError
            If the code is not on a board the rules cover (funds, bonds, B shares, indices).
        """
        if len(code) == 6 and code.isdigit():
            for prefix, board in self.boards:
                if code.startswith(prefix):
                    return board
        known = ", ".join(f"{p}… {b}" for p, b in self.boards)
        raise InvalidInputError(
            f"{ticker!r} is not a known {exchange} A-share board (known code prefixes: {known}). "
            f"Price limits are modelled for A shares only; funds, bonds, B shares and indices "
            f"are not covered."
        )

    def choose(self, facts: Facts) -> npt.NDArray[np.intp]:
        """The position in :attr:`rules` of the rule in force on each stock-day.

        Raises
        ------
        InvalidInputError
            An unknown board, or a stock-day before its board began trading.
        """
        unknown = ~np.isin(facts.board, list(self.names))
        if unknown.any():
            raise InvalidInputError(
                f"board {str(facts.board[unknown][0])!r} is not one of {', '.join(self.names)}."
            )
        for board, opened in self.opened.items():
            early = (facts.board == board) & (facts.day < np.datetime64(opened))
            if early.any():
                day = pd.Timestamp(facts.day[early][0])
                count = int(early.sum())
                more = f" ({count} stock-days before it)" if count > 1 else ""
                raise InvalidInputError(
                    f"the {self.names[board]} began trading on {opened.date()}; there is no "
                    f"price-limit rule for {day.date()}{more}."
                )
        conditions = [rule.applies(facts) for rule in self.rules]
        chosen = np.select(conditions, list(range(len(self.rules))), default=-1)
        if (chosen < 0).any():
            at = int(np.flatnonzero(chosen < 0)[0])
            raise InvalidInputError(
                f"no price-limit rule covers board {str(facts.board[at])!r} on "
                f"{pd.Timestamp(facts.day[at]).date()}."
            )
        return chosen

    def table(self, facts: Facts) -> pd.DataFrame:
        """The rule in force on every stock-day: ``rule`` (label), ``up`` and ``down`` (percent
        of the previous close; NaN where no limit applies that way).

        Examples
        --------
        >>> from eventstudy.markets import market_of
        >>> rules = market_of("000800.SZ").limits
        >>> facts = Facts.of(["main", "main", "ChiNext"], ["2021-09-13"] * 3, [False, True, False])
        >>> rules.table(facts)
                  rule    up  down
        0     main 10%  10.0  10.0
        1   main ST 5%   5.0   5.0
        2  ChiNext 20%  20.0  20.0
        """
        chosen = self.choose(facts)
        labels = np.array([r.label for r in self.rules], dtype=object)
        ups = np.array([_NO_LIMIT if r.up is None else r.up for r in self.rules], dtype=float)
        downs = np.array([_NO_LIMIT if r.down is None else r.down for r in self.rules], dtype=float)
        return pd.DataFrame({"rule": labels[chosen], "up": ups[chosen], "down": downs[chosen]})

    def limit_rules(self, facts: Facts) -> list[LimitRule]:
        """The rule in force on each stock-day, as a :class:`LimitRule` with its note."""
        made: dict[tuple[int, str, bool, float], LimitRule] = {}
        out = []
        for key in zip(
            self.choose(facts).tolist(),
            facts.board.tolist(),
            facts.st.tolist(),
            facts.days_listed.tolist(),
            strict=True,
        ):
            if key not in made:
                made[key] = self._limit_rule(*key)
            out.append(made[key])
        return out

    def _limit_rule(self, at: int, board: str, st: bool, days_listed: float) -> LimitRule:
        chosen = self.rules[at]
        name = self.names[board]
        listed = None if np.isnan(days_listed) else int(days_listed)
        return LimitRule(
            board=name,
            up=None if chosen.up is None else Decimal(chosen.up).scaleb(-2),
            down=None if chosen.down is None else Decimal(chosen.down).scaleb(-2),
            tick=self.tick,
            note=chosen.note.format(board=name, st=", ST" if st else "", days_listed=listed),
        )


@dataclass(frozen=True)
class Market:
    """One exchange (one ticker suffix) and the facts the package needs about it.

    Attributes
    ----------
    suffix : str
        Yahoo-style ticker suffix (``".SZ"``; ``""`` for US listings).
    exchange : str
        Short name of the exchange (``"SZSE"``).
    name : str
        The exchange in words.
    calendar : str
        Its ``exchange-calendars`` code (sessions and holidays).
    timezone : str
        IANA time zone of its sessions.
    close : datetime.time
        Regular session close, local time (half days and past changes are in the calendar).
    index : str
        Default market index.
    comparison : str or None
        Second index for robustness comparisons in reports; ``None`` for none.
    currency : str
        Trading currency (ISO code; ``"GBp"`` for pence).
    ticks : tuple of TickTable
        Tick-size tables by date; empty when not modelled.
    limits : LimitRules or None
        Daily price-limit rules; ``None`` when the market has no daily limit (or, as
        :attr:`limit_note` says, it is not modelled).
    limit_note : str
        What applies when ``limits`` is ``None``.
    yahoo_suffix : str or None
        The suffix Yahoo Finance (and the bundled data) spell the exchange's tickers with,
        where it differs from ``suffix`` (``.SH`` tickers are ``.SS`` at Yahoo); ``None``:
        the same.
    """

    suffix: str
    exchange: str
    name: str
    calendar: str
    timezone: str
    close: dt.time
    index: str
    comparison: str | None
    currency: str
    ticks: tuple[TickTable, ...]
    limits: LimitRules | None
    limit_note: str = ""
    yahoo_suffix: str | None = None

    def tick(self, price: Decimal, day: pd.Timestamp) -> Decimal:
        """The price step at ``price`` on ``day``.

        Raises
        ------
        InvalidInputError
            No tick-size table is modelled for the market, or none covers ``day`` or ``price``.
        """
        tables = [t for t in self.ticks if t.since is None or t.since <= day]
        if not tables:
            since = f" before {self.ticks[0].since:%Y-%m-%d}" if self.ticks else ""
            raise InvalidInputError(f"the tick size of the {self.name}{since} is not modelled.")
        return tables[-1].step(price)

    def board_of(self, ticker: str) -> str | None:
        """The board of ``ticker`` under the daily limit rules; ``None`` without rules.

        Raises
        ------
        InvalidInputError
            A code the rules do not cover.
        """
        if self.limits is None:
            return None
        return self.limits.board_of(security_code(ticker), self.exchange, ticker)

    def daily_limits(
        self,
        ticker: str,
        days: Days,
        *,
        st: npt.ArrayLike = False,
        days_listed: DaysListed = None,
        relisting: npt.ArrayLike = False,
    ) -> list[LimitRule]:
        """The daily price limit of ``ticker`` on each of ``days``.

        See :func:`eventstudy.markets.daily_limits`.
        """
        board = self.board_of(ticker)
        if self.limits is None or board is None:
            return no_limits(ticker, days, self.limit_note)
        return self.limits.limit_rules(Facts.of(board, days, st, days_listed, relisting))
