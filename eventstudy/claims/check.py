"""Judge a news claim about a day's price move against the real prices.

A claim such as "soared by 10% to reach 12.78 yuan ($1.98)" holds up to three figures: a
percent move, a price, and a US-dollar conversion of the price. Each is compared with the
day's close, its intraday high (the low, for a fall) and the daily limit price, and a
percent also with the abnormal return (the move net of the market). The answer says which
of them the figure matches.

Matching rule
-------------
A figure matches a reference when it equals the observed value rounded (half up) to the
figure's own precision: "10%" matches a move of +9.98% (it rounds to 10 at 0 decimals) and
"12.78" a price of 12.78 (at 2 decimals), but "9.9%" does not match +9.98%. So the figure
must keep the precision it was written with: pass strings (``"10%"``, ``"12.78"``) or
``Decimal``. A float is read through its shortest repr (``12.78`` → "12.78"), and a whole
float such as ``10.0`` as written without decimals ("10"); pass ``"10.0"`` to mean one
decimal. A percent that equals the day's limit (``10`` for a ±10% board) or the move to the
limit price (+9.98% here) matches the limit price: the claim says "limit-up".

Moves are total returns from the exchange's previous close: ``price / preclose − 1``.

Direction
---------
Without ``direction``, the sign of ``pct`` decides (``10`` a rise, ``-10`` a fall);
``direction="down"`` with an unsigned ``pct`` reads it as a fall, as news text writes
"fell 3%". A price claim with neither a percent nor a direction is a rise when it is at or
above the previous close. A rise is compared with the high and the limit-up price, a fall
with the low and the limit-down price.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from eventstudy._typing import check_option
from eventstudy.calendar import DateLike, locate_event
from eventstudy.claims.extract import CURRENCIES, Direction
from eventstudy.claims.limits import limit_prices, limit_rule, to_decimal
from eventstudy.errors import (
    DataUnavailableError,
    EventStudyError,
    InsufficientDataError,
    InvalidInputError,
)
from eventstudy.markets import LimitRule, board_of, currency_of, round_to_tick

MATCHING_RULE = (
    "A figure matches when it equals the observed value rounded to the figure's own "
    "precision; moves are from the previous close."
)

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class FigureCheck:
    """One claimed figure compared with one reference value.

    Attributes
    ----------
    figure : str
        The figure as claimed, e.g. ``"+10%"``, ``"12.78 CNY"``, ``"US$1.98"``.
    kind : {"pct", "price", "usd_price"}
        What the figure is.
    reference : str
        ``"close"``, ``"intraday high"``, ``"intraday low"``, ``"limit-up price"``,
        ``"limit-down price"``, ``"abnormal return"`` (percents only) or
        ``"exchange rate"`` (a USD figure that cannot be converted).
    claimed : Decimal
        The claimed value (a percent in percent points, signed).
    observed : Decimal or None
        The reference in the figure's unit: a move in percent for a percent figure, a
        price for a price; ``None`` when it cannot be known.
    rounded : Decimal or None
        ``observed`` rounded to the claim's precision.
    matches : bool or None
        Whether ``claimed == rounded``; ``None`` means "cannot judge" (see ``note``).
    note : str
        Why a value is missing, or a remark (the limit rule, the exchange rate).
    """

    figure: str
    kind: str
    reference: str
    claimed: Decimal
    observed: Decimal | None
    rounded: Decimal | None
    matches: bool | None
    note: str = ""

    @property
    def difference(self) -> Decimal | None:
        """``claimed − observed`` (``None`` when nothing was observed)."""
        return None if self.observed is None else self.claimed - self.observed


@dataclass(frozen=True)
class DayPrices:
    """The day's prices behind a verdict (``None`` where the data have no value)."""

    preclose: Decimal | None
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    close: Decimal | None

    def move(self, price: Decimal | None) -> Decimal | None:
        """Percent move of ``price`` from the previous close."""
        if price is None or self.preclose is None:
            return None
        return (price / self.preclose - 1) * _HUNDRED


@dataclass(frozen=True)
class ClaimVerdict:
    """What the prices say about a claim, figure by figure.

    Attributes
    ----------
    ticker : str
        The stock.
    requested_date, event_date : pandas.Timestamp
        The claim's date and the trading day it is judged on (day 0).
    day0_reason : str
        Why the two differ ("2021-09-11 is a Saturday"); empty when they do not.
    prices : DayPrices
        Previous close, open, high, low and close of day 0.
    rule : LimitRule or None
        The daily price-limit rule; ``None`` when it is unknown (see ``rule_note``).
    rule_note : str
        The rule in words, or why it is unknown.
    limit_up, limit_down : Decimal or None
        The day's limit prices.
    abnormal_return : float or None
        Day 0's abnormal return (a fraction), from the event study; ``None`` if unavailable.
    abnormal_note : str
        The model, market and test of the abnormal return, or why it is missing.
    checks : tuple of FigureCheck
        Every comparison made.
    sentences : tuple of str
        One plain sentence per claimed figure.
    source : str
        Where the prices came from.
    header : tuple of str
        The day in words (prices, limit rule, abnormal return), printed before the verdict.
    """

    ticker: str
    requested_date: pd.Timestamp
    event_date: pd.Timestamp
    day0_reason: str
    prices: DayPrices
    rule: LimitRule | None
    rule_note: str
    limit_up: Decimal | None
    limit_down: Decimal | None
    abnormal_return: float | None
    abnormal_note: str
    checks: tuple[FigureCheck, ...]
    sentences: tuple[str, ...]
    source: str = ""
    header: tuple[str, ...] = field(default=(), repr=False)

    def matched(self, kind: str) -> list[str]:
        """The references the figure of ``kind`` (``"pct"``, ``"price"``, ``"usd_price"``) matches.

        Examples
        --------
        >>> v = check_claim("000800.SZ", "2021-09-11", pct="10%", price="12.78", data="bundled")
        >>> v.matched("price"), v.matched("pct")
        (['intraday high', 'limit-up price'], ['intraday high', 'limit-up price'])
        """
        return [c.reference for c in self.checks if c.kind == kind and c.matches]

    def to_frame(self) -> pd.DataFrame:
        """Every comparison as a table.

        Returns
        -------
        pandas.DataFrame
            One row per figure and reference; columns ``figure, kind, reference, claimed,
            observed, rounded, difference`` (floats; percents in percent points),
            ``matches`` (nullable boolean: ``<NA>`` is "cannot judge") and ``note``.
        """
        rows = [
            {
                "figure": c.figure,
                "kind": c.kind,
                "reference": c.reference,
                "claimed": float(c.claimed),
                "observed": _float(c.observed),
                "rounded": _float(c.rounded),
                "difference": _float(c.difference),
                "matches": c.matches,
                "note": c.note,
            }
            for c in self.checks
        ]
        frame = pd.DataFrame(
            rows,
            columns=[
                "figure",
                "kind",
                "reference",
                "claimed",
                "observed",
                "rounded",
                "difference",
                "matches",
                "note",
            ],
        )
        frame["matches"] = frame["matches"].astype("boolean")
        return frame

    def to_text(self) -> str:
        """The verdict as plain text: the day, the sentences, then the table."""
        table = self.to_frame().drop(columns=["note"])
        body = table.to_string(index=False, float_format=_short)
        sentences = [f"- {s}" for s in self.sentences]
        return "\n".join([*self.header, "Verdict:", *sentences, MATCHING_RULE, "", body]) + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        head = "".join(f"<p>{html.escape(line)}</p>" for line in self.header)
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences)
        table = self.to_frame().to_html(index=False, border=0, na_rep="cannot judge")
        return f"{head}<ul>{items}</ul><p><i>{html.escape(MATCHING_RULE)}</i></p>{table}"


def check_claim(
    ticker: str,
    date: DateLike,
    *,
    pct: object = None,
    price: object = None,
    direction: str | None = None,
    currency: str | None = None,
    usd_price: object = None,
    fx_rate: object = None,
    data: Any = "auto",
    market: str | None = None,
    st: bool = False,
    days_listed: int | None = None,
) -> ClaimVerdict:
    """Judge a claim about ``ticker``'s move on ``date`` against the prices.

    Runs :func:`eventstudy.run` (market model, default windows) for the abnormal return and
    compares each claimed figure with the close, the intraday high (low for a fall) and the
    limit price of day 0. If the event study cannot be run (too little history, no market
    index), the figures are still judged on the prices and the abnormal return is reported
    as unavailable, with the reason.

    Parameters
    ----------
    ticker : str
        The stock, e.g. ``"000800.SZ"``.
    date : str, date or Timestamp
        The claim's date; a day without trading moves to the next trading day, as in
        :func:`eventstudy.run` (a Saturday news date is judged on Monday).
    pct : str, Decimal, int or float, optional
        The claimed percent move: ``"10%"``, ``"-3.5"``, ``Decimal("10")``, ``10``.
    price : str, Decimal, int or float, optional
        The claimed price in ``currency``: ``"12.78"``.
    direction : {"up", "down"}, optional
        The direction the claim states; see the module notes for the rule without it.
    currency : str, optional
        Currency of ``price`` (``"CNY"``, ``"yuan"``, ``"RMB"``, ``"元"``, ``"USD"``, ``"$"``,
        ``"HKD"``...). By default the stock's trading currency. A US-dollar price of a stock
        traded in another currency is judged as ``usd_price``.
    usd_price : str, Decimal, int or float, optional
        The claimed price in US dollars (a conversion, as in "12.78 yuan ($1.98)").
    fx_rate : str, Decimal or float, optional
        Units of the stock's currency per US dollar (CNY per USD), to judge ``usd_price``.
        Without it the rate is looked up with :func:`eventstudy.load_prices` from ``data``
        (Yahoo's ``CNY=X``, cached after a download); when none is found the USD figure is
        reported as not checkable, never guessed.
    data : str, path or DataFrame, default "auto"
        Where prices come from, as in :func:`eventstudy.run`.
    market : str, optional
        The market index for the abnormal return (default by exchange suffix).
    st : bool, default False
        The stock was under risk warning (ST / *ST) that day (±5% on the main board).
    days_listed : int, optional
        The day's number among the stock's trading days since its IPO, for the first-days
        rules (see :mod:`eventstudy.claims.limits`).

    Returns
    -------
    ClaimVerdict

    Raises
    ------
    InvalidInputError
        No figure given, a non-positive price or rate, a fall of 100% or more, a direction
        contradicting the sign of ``pct``, or a currency that is not the stock's.
    DataUnavailableError
        No prices for the stock.
    InsufficientDataError
        The stock has no trading day on or after ``date`` in the data.

    Examples
    --------
    >>> v = check_claim("000800.SZ", "2021-09-11", pct="10%", price="12.78", data="bundled")
    >>> import textwrap
    >>> print(textwrap.fill(v.sentences[0], 88))
    12.78 CNY matches the intraday high (12.78, +9.98%), which was the 10% limit-up price;
    it does not match the close (12.11, +4.22%).
    """
    from eventstudy.api import run
    from eventstudy.sources import load_prices

    claim = _Claim.read(ticker, pct, price, direction, currency, usd_price, fx_rate)
    try:
        result = run(ticker, date, market=market, data=data, window=(0, 0))
    except (InsufficientDataError, DataUnavailableError) as exc:
        frame = load_prices(ticker, source=data)
        event = locate_event(date, pd.DatetimeIndex(frame.index), ticker)
        context = _Context(
            ticker=ticker,
            requested=event.requested,
            day0=event.day0,
            reason=event.reason,
            frame=frame,
            abnormal=None,
            abnormal_note=str(exc),
        )
        return _judge(claim, context, st=st, days_listed=days_listed, data=data)
    return _judge(claim, _Context.of_result(result), st=st, days_listed=days_listed, data=data)


def check_claim_on_result(
    result: Any,
    *,
    pct: object = None,
    price: object = None,
    direction: str | None = None,
    currency: str | None = None,
    usd_price: object = None,
    fx_rate: object = None,
    data: Any = "auto",
    st: bool = False,
    days_listed: int | None = None,
) -> ClaimVerdict:
    """Judge a claim against the day 0 of an event-study result.

    What ``EventStudyResult.check_claim`` calls. ``result`` needs ``ticker``, ``market``,
    ``requested_date``, ``event_date``, ``day0_reason``, ``prices`` and ``abnormal`` (with
    ``ar``, ``t`` and ``pvalue`` on relative day 0). The other parameters are those of
    :func:`check_claim`; ``data`` is only used to look up an exchange rate.

    Returns
    -------
    ClaimVerdict

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    >>> verdict = check_claim_on_result(res, pct=10, price="12.78")
    >>> verdict.matched("pct")
    ['intraday high', 'limit-up price']
    """
    claim = _Claim.read(result.ticker, pct, price, direction, currency, usd_price, fx_rate)
    return _judge(claim, _Context.of_result(result), st=st, days_listed=days_listed, data=data)


# --- reading the claim --------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    pct: Decimal | None
    price: Decimal | None
    usd_price: Decimal | None
    direction: Direction | None
    currency: str | None
    fx_rate: Decimal | None

    @classmethod
    def read(
        cls,
        ticker: str,
        pct: object,
        price: object,
        direction: str | None,
        currency: str | None,
        usd_price: object,
        fx_rate: object,
    ) -> _Claim:
        if pct is None and price is None and usd_price is None:
            raise InvalidInputError(
                "Nothing to check: give pct= (e.g. '10%'), price= (e.g. '12.78') or usd_price=."
            )
        if direction is not None:
            check_option(direction, Direction, "direction")
        move = None if pct is None else _read_figure(pct, "pct", percent=True)
        move = _apply_direction(move, direction)
        if move is not None and move <= -100:
            raise InvalidInputError(
                f"pct={pct!r}: a price cannot fall by 100% or more; give the move in percent "
                f"points (-3.5 for a 3.5% fall)."
            )
        level = None if price is None else _positive(price, "price")
        usd = None if usd_price is None else _positive(usd_price, "usd_price")
        rate = None if fx_rate is None else _positive(fx_rate, "fx_rate")
        own = currency_of(ticker)
        code = _currency_code(currency) if currency is not None else own
        if code is not None and own is not None and code != own:
            if code == "USD" and level is not None and usd is None:
                level, usd = None, level
            else:
                raise InvalidInputError(
                    f"currency={currency!r}: {ticker} trades in {own}. Give price= in {own}, "
                    f"and a US-dollar conversion as usd_price= (with fx_rate= in {own} per "
                    f"USD)."
                )
        chosen = move_direction(move, direction)
        return cls(move, level, usd, chosen, own or code, rate)


def move_direction(pct: Decimal | None, direction: str | None) -> Direction | None:
    """The direction a claim states: ``direction`` if given, else the sign of ``pct``."""
    if direction == "up":
        return "up"
    if direction == "down":
        return "down"
    if pct is None:
        return None
    return "down" if pct < 0 else "up"


def _apply_direction(pct: Decimal | None, direction: str | None) -> Decimal | None:
    if pct is None or direction is None:
        return pct
    if direction == "down":
        return pct if pct <= 0 else pct.copy_negate()
    if pct < 0:
        raise InvalidInputError(
            f"pct={pct} is a fall but direction='up'; drop the sign or the direction."
        )
    return pct


def _read_figure(value: object, name: str, *, percent: bool = False) -> Decimal:
    """A claimed number with its written precision (see the module notes on floats)."""
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("−", "-")
        if percent:
            text = text.rstrip("%％").strip()
        text = text.removeprefix("+")
        if not _looks_numeric(text):
            raise InvalidInputError(
                f"{name}={value!r} is not a number; write it as e.g. "
                f"{'10%' if percent else '12.78'!r}."
            )
        return to_decimal(text, name)
    number = to_decimal(value, name)
    if isinstance(value, float | np.floating) and number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number


def _looks_numeric(text: str) -> bool:
    body = text.removeprefix("-")
    return body.replace(".", "", 1).isdigit()


def _positive(value: object, name: str) -> Decimal:
    number = _read_figure(value, name)
    if number <= 0:
        raise InvalidInputError(f"{name}={value!r} must be a positive number.")
    return number


def _currency_code(currency: str) -> str:
    key = currency.strip()
    code = CURRENCIES.get(key.lower(), key.upper() if key.isascii() else None)
    if code is None or not code.isalpha() or len(code) != 3:
        raise InvalidInputError(
            f"currency={currency!r} is not a currency; use an ISO code such as 'CNY', 'USD', "
            f"'HKD' or one of {', '.join(sorted(CURRENCIES))}."
        )
    return code


# --- the day's evidence -------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    ticker: str
    requested: pd.Timestamp
    day0: pd.Timestamp
    reason: str
    frame: pd.DataFrame
    abnormal: Decimal | None
    abnormal_note: str

    @classmethod
    def of_result(cls, result: Any) -> _Context:
        abnormal = result.abnormal
        ar: Decimal | None = None
        if 0 in abnormal.index and np.isfinite(abnormal.loc[0, "ar"]):
            day = abnormal.loc[0]
            ar = _dec(float(day["ar"]))
            note = (
                f"{getattr(result, 'model_name', 'market')} model, market {result.market}; "
                f"t = {float(day['t']):.2f}, p = {float(day['pvalue']):.3f}"
            )
        else:
            note = "day 0 is not in the event window"
        return cls(
            ticker=result.ticker,
            requested=result.requested_date,
            day0=result.event_date,
            reason=result.day0_reason,
            frame=result.prices,
            abnormal=ar,
            abnormal_note=note,
        )


def _dec(value: Any) -> Decimal | None:
    """A price or return from the data as Decimal (shortest repr); ``None`` for NaN."""
    if value is None or not np.isfinite(value):
        return None
    return Decimal(repr(float(value)))


def _float(value: Decimal | None) -> float:
    return np.nan if value is None else float(value)


def _day_prices(context: _Context) -> DayPrices:
    if context.day0 not in context.frame.index:
        raise InsufficientDataError(
            f"{context.ticker} has no prices on {context.day0.date()} in the data; use data "
            f"that include that day."
        )
    row = context.frame.loc[context.day0]
    values = {
        c: _dec(row[c]) if c in row else None for c in ("preclose", "open", "high", "low", "close")
    }
    if _priced_on_tick(context.ticker):
        # Such prices move in steps of the tick (0.01 CNY for A shares); a vendor's binary noise
        # (12.779999732971191 for 12.78) must not decide whether a limit price was reached.
        values = {
            c: None if v is None else round_to_tick(context.ticker, v, context.day0)
            for c, v in values.items()
        }
    for name, value in values.items():
        if value is not None and value <= 0:
            raise InvalidInputError(
                f"{context.ticker} {name} on {context.day0.date()} is {value}; prices must be "
                f"positive. Check the price data."
            )
    return DayPrices(**values)


def _priced_on_tick(ticker: str) -> bool:
    """True for a stock under daily limit rules (an A share): its prices lie on the tick."""
    try:
        return board_of(ticker) is not None
    except InvalidInputError:
        return False


def _rule(
    ticker: str, day: pd.Timestamp, st: bool, days_listed: int | None
) -> tuple[LimitRule | None, str]:
    try:
        rule = limit_rule(ticker, day, st=st, days_listed=days_listed)
    except InvalidInputError as exc:
        return None, f"cannot judge: {exc}"
    return rule, rule.note


def _fx(claim: _Claim, context: _Context, data: Any) -> tuple[Decimal | None, str]:
    """The exchange rate (stock currency per USD) and where it came from, or why none."""
    own = claim.currency or "CNY"
    if claim.fx_rate is not None:
        return claim.fx_rate, f"{claim.fx_rate} {own} per USD (given)"
    from eventstudy.sources import load_prices

    ticker = f"{own}=X"
    start = context.day0 - pd.Timedelta(days=10)
    try:
        rates = load_prices(ticker, start, context.day0, source=data)
    except (EventStudyError, ImportError) as exc:
        return None, (
            f"not checkable offline: no {own} per USD exchange rate is available for "
            f"{context.day0.date()} ({ticker}: {str(exc).split('. ')[0]}). Pass fx_rate= (e.g. "
            f"--fx-rate on the command line), or go online once so {ticker} is downloaded "
            f"and cached."
        )
    closes = rates["close"].dropna()
    if closes.empty:
        return None, f"not checkable offline: {ticker} has no close up to {context.day0.date()}"
    rate = _dec(float(closes.iloc[-1]))
    origin = rates.attrs.get("provenance", {}).get("source", "data")
    return rate, f"{rate} {own} per USD ({ticker} close on {closes.index[-1]:%Y-%m-%d}, {origin})"


# --- comparing ----------------------------------------------------------------------------


def round_like(observed: Decimal, claimed: Decimal) -> Decimal:
    """Round ``observed`` half up to the number of decimals ``claimed`` was written with.

    Examples
    --------
    >>> round_like(Decimal("9.9828"), Decimal("10")), round_like(Decimal("12.78"), Decimal("12.8"))
    (Decimal('10'), Decimal('12.8'))
    """
    exponent = claimed.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return observed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _compare(
    figure: str,
    kind: str,
    reference: str,
    claimed: Decimal,
    observed: Decimal | None,
    note: str = "",
    also: Decimal | None = None,
) -> FigureCheck:
    if observed is None:
        return FigureCheck(figure, kind, reference, claimed, None, None, None, note)
    rounded = round_like(observed, claimed)
    matches = claimed == rounded or (also is not None and claimed == also)
    return FigureCheck(figure, kind, reference, claimed, observed, rounded, matches, note)


@dataclass(frozen=True)
class _Day:
    """Everything a figure is compared with."""

    prices: DayPrices
    direction: Direction
    rule: LimitRule | None
    rule_note: str
    limit: Decimal | None
    abnormal: Decimal | None
    abnormal_note: str

    @property
    def extreme_name(self) -> str:
        return "intraday high" if self.direction == "up" else "intraday low"

    @property
    def extreme(self) -> Decimal | None:
        return self.prices.high if self.direction == "up" else self.prices.low

    @property
    def limit_name(self) -> str:
        return "limit-up price" if self.direction == "up" else "limit-down price"

    @property
    def nominal(self) -> Decimal | None:
        """The limit in percent points, signed (10 for ±10% going up)."""
        if self.rule is None:
            return None
        share = self.rule.up if self.direction == "up" else self.rule.down
        if share is None:
            return None
        return share * _HUNDRED if self.direction == "up" else -share * _HUNDRED

    @property
    def limit_reached(self) -> bool | None:
        """Whether the day's high (low, for a fall) reached the limit price; None if unknown."""
        if self.limit is None or self.extreme is None:
            return None
        return self.extreme >= self.limit if self.direction == "up" else self.extreme <= self.limit

    def unreached(self, row: FigureCheck) -> FigureCheck:
        """A limit row that matched although the stock never reached the limit that day: a
        claim of the limit move is then not a claim the prices bear out."""
        if not row.matches or self.limit_reached is not False:
            return row
        side = "high" if self.direction == "up" else "low"
        note = (
            f"equals the {_limit_label(self)} {_unit(row)}, which the stock did not reach that "
            f"day (intraday {side} {self.extreme})"
        )
        return replace(row, matches=False, note=note)

    def limit_note(self) -> str:
        """Short note for the limit row: the rule, or why it cannot be judged."""
        if self.rule is None:
            return "cannot judge: no price-limit rule for this code"
        if self.nominal is None:
            if self.rule.board == "none":
                return "cannot judge: no daily limit outside mainland China"
            return f"cannot judge: no limit that day ({self.rule.note})"
        if self.prices.preclose is None:
            return "cannot judge: no previous close in the data"
        return self.rule_note


def _price_checks(
    figure: str,
    kind: str,
    claimed: Decimal,
    day: _Day,
    scale: Decimal = Decimal(1),
    scale_note: str = "",
) -> list[FigureCheck]:
    def scaled(value: Decimal | None) -> Decimal | None:
        return None if value is None else value / scale

    p = day.prices
    missing = "cannot judge: no {} in the data"
    return [
        _compare(
            figure,
            kind,
            "close",
            claimed,
            scaled(p.close),
            scale_note if p.close is not None else missing.format("close"),
        ),
        _compare(
            figure,
            kind,
            day.extreme_name,
            claimed,
            scaled(day.extreme),
            scale_note if day.extreme is not None else missing.format(day.extreme_name),
        ),
        day.unreached(
            _compare(
                figure,
                kind,
                day.limit_name,
                claimed,
                scaled(day.limit),
                day.limit_note() + (f"; {scale_note}" if scale_note else ""),
            )
        ),
    ]


def _pct_checks(figure: str, claimed: Decimal, day: _Day) -> list[FigureCheck]:
    p = day.prices
    no_base = "cannot judge: no previous close in the data"
    limit_move = p.move(day.limit)
    nominal = day.nominal
    also = None if nominal is None else round_like(nominal, claimed)
    return [
        _compare(
            figure,
            "pct",
            "close",
            claimed,
            p.move(p.close),
            "" if p.preclose is not None else no_base,
        ),
        _compare(
            figure,
            "pct",
            day.extreme_name,
            claimed,
            p.move(day.extreme),
            "" if p.preclose is not None else no_base,
        ),
        day.unreached(
            _compare(
                figure, "pct", day.limit_name, claimed, limit_move, day.limit_note(), also=also
            )
        ),
        _compare(
            figure,
            "pct",
            "abnormal return",
            claimed,
            None if day.abnormal is None else day.abnormal * _HUNDRED,
            day.abnormal_note
            if day.abnormal is not None
            else "cannot judge: the event study could not be run",
        ),
    ]


def _judge(
    claim: _Claim, context: _Context, *, st: bool, days_listed: int | None, data: Any
) -> ClaimVerdict:
    prices = _day_prices(context)
    rule, rule_note = _rule(context.ticker, context.day0, st, days_listed)
    up = down = None
    if rule is not None and prices.preclose is not None:
        up, down = limit_prices(prices.preclose, rule)
    direction = claim.direction or _direction_of_level(claim, prices)
    day = _Day(
        prices=prices,
        direction=direction,
        rule=rule,
        rule_note=rule_note,
        limit=up if direction == "up" else down,
        abnormal=context.abnormal,
        abnormal_note=context.abnormal_note,
    )
    currency = claim.currency or ""
    checks: list[FigureCheck] = []
    sentences: list[str] = []
    if claim.price is not None:
        figure = f"{claim.price} {currency}".strip()
        rows = _price_checks(figure, "price", claim.price, day)
        checks += rows
        sentences.append(_sentence(figure, rows, day))
    if claim.pct is not None:
        figure = f"{claim.pct:+f}%"
        rows = _pct_checks(figure, claim.pct, day)
        checks += rows
        sentences.append(_sentence(figure, rows, day))
    if claim.usd_price is not None:
        figure = f"US${claim.usd_price}"
        rate, fx_note = _fx(claim, context, data)
        if rate is None:
            checks.append(
                _compare(figure, "usd_price", "exchange rate", claim.usd_price, None, fx_note)
            )
            sentences.append(f"{figure} is {fx_note}")
        else:
            rows = _price_checks(
                figure, "usd_price", claim.usd_price, day, rate, f"converted at {fx_note}"
            )
            checks += rows
            sentences.append(_sentence(figure, rows, day) + f" (Converted at {fx_note}.)")
    return ClaimVerdict(
        ticker=context.ticker,
        requested_date=context.requested,
        event_date=context.day0,
        day0_reason=context.reason,
        prices=prices,
        rule=rule,
        rule_note=rule_note,
        limit_up=up,
        limit_down=down,
        abnormal_return=None if context.abnormal is None else float(context.abnormal),
        abnormal_note=context.abnormal_note,
        checks=tuple(checks),
        sentences=tuple(sentences),
        source=_source(context.frame),
        header=_header(context, prices, rule_note, up, down),
    )


def _direction_of_level(claim: _Claim, prices: DayPrices) -> Direction:
    """Direction of a bare price claim: a rise when at or above the previous close."""
    level = claim.price
    base = prices.preclose if prices.preclose is not None else prices.close
    if level is None or base is None:
        return "up"
    return "up" if level >= base else "down"


def _source(frame: pd.DataFrame) -> str:
    provenance = frame.attrs.get("provenance", {})
    return str(provenance.get("source", "")) if isinstance(provenance, dict) else ""


# --- words ---------------------------------------------------------------------------------


def _pct_text(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}%"


def _reference_phrase(check: FigureCheck, day: _Day) -> str:
    """How a reference reads in a sentence, with its observed value."""
    p = day.prices
    name = check.reference
    if check.kind == "pct":
        if name == "close":
            return f"the close-to-close move ({_pct_text(check.observed)})"
        if name == "abnormal return":
            return f"the abnormal return net of the market ({_pct_text(check.observed)})"
        if name.startswith("limit"):
            return f"the {_limit_label(day)} move"
        return f"the move to the {name} ({_pct_text(check.observed)})"
    if name.startswith("limit"):
        return f"the {_limit_label(day)} price ({_v(check.observed)})"
    raw = p.close if name == "close" else day.extreme
    amount = f"{check.observed:.2f}" if check.kind == "usd_price" and check.observed else _v(raw)
    move = _pct_text(p.move(raw))
    return (
        f"the {name} ({amount}, {move})" if p.preclose is not None else (f"the {name} ({amount})")
    )


def _unit(check: FigureCheck) -> str:
    return "move" if check.kind == "pct" else "price"


def _limit_label(day: _Day) -> str:
    nominal = day.nominal
    side = "limit-up" if day.direction == "up" else "limit-down"
    if nominal is None:
        return side
    return f"{abs(nominal).normalize():f}% {side}"


def _sentence(figure: str, rows: list[FigureCheck], day: _Day) -> str:
    """One plain sentence: which references the figure matches and which it does not."""
    by_name = {r.reference: r for r in rows}
    hit = [r for r in rows if r.matches]
    miss = [r for r in rows if r.matches is False]
    unknown = [r for r in rows if r.matches is None]
    extreme, limit = by_name.get(day.extreme_name), by_name.get(day.limit_name)
    at_limit = day.limit is not None and day.extreme == day.limit
    phrases: list[str] = []
    for r in hit:
        if r is limit and at_limit and extreme in hit:
            continue
        phrase = _reference_phrase(r, day)
        if r is extreme and at_limit and limit in hit:
            phrase += f", which was the {_limit_label(day)} {_unit(r)}"
        phrases.append(phrase)
    reasons = [f"the {r.reference} ({r.note.removeprefix('cannot judge: ')})" for r in unknown]
    if phrases:
        text = f"{figure} matches {_join(phrases, 'and')}"
        if miss:
            text += f"; it does not match {_join([_reference_phrase(r, day) for r in miss], 'or')}"
    elif miss:
        text = f"{figure} matches none of {_join([_reference_phrase(r, day) for r in miss], 'and')}"
    else:
        return f"{figure} cannot be judged against {_join(reasons, 'or')}."
    text += "."
    if limit is not None and limit.note.startswith("equals the"):
        text += f" It {limit.note}."
    if reasons:
        text += f" Cannot judge against {_join(reasons, 'or')}."
    return text


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _header(
    context: _Context, p: DayPrices, rule_note: str, up: Decimal | None, down: Decimal | None
) -> tuple[str, ...]:
    requested = f"{context.requested:%Y-%m-%d}"
    when = f"{context.day0:%Y-%m-%d}"
    if context.reason:
        when += f" (claim dated {requested}: {context.reason})"
    lines = [f"Claim check: {context.ticker} on {when}"]
    lines.append(
        f"Prices: previous close {_v(p.preclose)}, open {_v(p.open)}, high {_v(p.high)}, "
        f"low {_v(p.low)}, close {_v(p.close)} ({_pct_text(p.move(p.close))})"
        + (f"; data: {_source(context.frame)}" if _source(context.frame) else "")
    )
    limits = f"Price limit: {rule_note}"
    if up is not None or down is not None:
        limits += f"; limit-up {_v(up)}, limit-down {_v(down)}; {limit_state(p, up, down)}"
    lines.append(limits)
    ar = context.abnormal
    if ar is None:
        lines.append(f"Abnormal return on day 0: not available ({context.abnormal_note})")
    else:
        lines.append(
            f"Abnormal return on day 0: {_pct_text(ar * _HUNDRED)} ({context.abnormal_note})"
        )
    return tuple(lines)


def _v(value: Decimal | None) -> str:
    """A price for display, with at least two decimals (12.70, not 12.7)."""
    if value is None:
        return "n/a"
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if isinstance(exponent, int) and exponent > -2 else f"{value}"


def _short(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def limit_state(p: DayPrices, up: Decimal | None, down: Decimal | None) -> str:
    """Whether the day closed at a limit, only touched one, or reached neither."""
    if p.close is not None and up is not None and p.close >= up:
        return "closed at limit-up"
    if p.close is not None and down is not None and p.close <= down:
        return "closed at limit-down"
    touched = []
    if p.high is not None and up is not None and p.high >= up:
        touched.append("touched limit-up but closed below it")
    if p.low is not None and down is not None and p.low <= down:
        touched.append("touched limit-down but closed above it")
    return "; ".join(touched) or "did not reach either limit"
