"""What a claim is judged against: the day's prices, limit prices, abnormal return and rate.

:class:`Evidence` holds everything about day 0 a claim is compared with. It is built from a
price frame (as :func:`eventstudy.load_prices` returns) by :func:`gather_evidence`; the
abnormal return comes from whoever ran the event study
(:meth:`eventstudy.EventStudyResult.check_claim`, :func:`eventstudy.check_claim`), so this
package never runs one.

Moves are total returns from the exchange's previous close: ``price / preclose − 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.claims.figures import Claim, positive, stock_figures
from eventstudy.errors import DataUnavailableError, InsufficientDataError, InvalidInputError
from eventstudy.limits import limit_prices, limit_rule
from eventstudy.markets import LimitRule, board_of, currency_of, round_to_tick, ticker_suffix
from eventstudy.sources.fx import FxRate, usd_rate

_HUNDRED = Decimal(100)


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
class Evidence:
    """Everything about day 0 a claim is compared with.

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
    source : str
        Where the prices came from (``"bundled"``, ``"yahoo"``...).
    rule : LimitRule or None
        The daily price-limit rule; ``None`` when it is unknown (see ``rule_note``).
    rule_note : str
        The rule in words, or why it is unknown.
    limit_up, limit_down : Decimal or None
        The day's limit prices.
    abnormal_return : Decimal or None
        Day 0's abnormal return (a fraction); ``None`` if unavailable.
    abnormal_note : str
        The model, market and test of the abnormal return, or why it is missing.
    fx : FxRate or None
        The exchange rate to judge a US-dollar figure with; ``None`` when none is needed
        or none was found (see ``fx_note``).
    fx_note : str
        Why there is no rate.
    """

    ticker: str
    requested_date: pd.Timestamp
    event_date: pd.Timestamp
    day0_reason: str
    prices: DayPrices
    source: str
    rule: LimitRule | None
    rule_note: str
    limit_up: Decimal | None
    limit_down: Decimal | None
    abnormal_return: Decimal | None
    abnormal_note: str
    fx: FxRate | None = None
    fx_note: str = ""


def gather_evidence(
    claim: Claim,
    ticker: str,
    prices: pd.DataFrame,
    event_date: pd.Timestamp,
    *,
    requested_date: pd.Timestamp | None = None,
    day0_reason: str = "",
    abnormal_return: float | None = None,
    abnormal_note: str = "the event study could not be run",
    fx_rate: object = None,
    data: Any = "auto",
    st: bool | None = None,
    days_listed: int | None = None,
) -> Evidence:
    """The evidence on ``event_date`` for ``claim`` about ``ticker``.

    Parameters
    ----------
    claim : Claim
        The claim; a US-dollar figure in it makes the exchange rate part of the evidence.
    ticker : str
        The stock.
    prices : pandas.DataFrame
        The stock's prices, indexed by date, as :func:`eventstudy.load_prices` returns
        them; ``event_date`` must be a row.
    event_date : pandas.Timestamp
        Day 0.
    requested_date : pandas.Timestamp, optional
        The claim's date (default ``event_date``); ``day0_reason`` says why they differ.
    abnormal_return : float, optional
        Day 0's abnormal return (a fraction); NaN or ``None`` when there is none, with the
        reason in ``abnormal_note``.
    abnormal_note : str
        How the abnormal return was measured, or why there is none.
    fx_rate : str, Decimal or float, optional
        Units of the stock's currency per US dollar. Without it the rate of the currency the
        market registry gives the stock is looked up with
        :func:`eventstudy.sources.fx.usd_rate` (the bundled FRED rates, or ``data``); when
        none is found, or the stock's currency is not known, the US-dollar figure is not
        checkable, never guessed.
    data : str, path or DataFrame, default "auto"
        Where to look up the rate.
    st : bool, optional
        The stock was under risk warning (ST / *ST) that day; by default the security master
        says (:func:`eventstudy.limits.limit_rule`).
    days_listed : int, optional
        The day's number among the stock's trading days since its listing, for the
        first-days rules; by default from the security master.

    Returns
    -------
    Evidence

    Raises
    ------
    InsufficientDataError
        ``prices`` has no row for ``event_date``.
    InvalidInputError
        A non-positive price that day or a non-positive ``fx_rate``.

    Examples
    --------
    >>> from eventstudy import load_prices
    >>> from eventstudy.claims import read_claim
    >>> frame = load_prices("000800.SZ", "2021-09-01", "2021-09-30", data="bundled")
    >>> day = gather_evidence(read_claim(pct=10), "000800.SZ", frame, pd.Timestamp("2021-09-13"))
    >>> day.prices.high, day.limit_up, day.rule_note
    (Decimal('12.78'), Decimal('12.78'), 'main board: ±10% of the previous close')
    """
    day_prices = _day_prices(ticker, prices, event_date)
    rule, rule_note = _rule(ticker, event_date, st, days_listed)
    up = down = None
    if rule is not None and day_prices.preclose is not None:
        up, down = limit_prices(day_prices.preclose, rule)
    fx, fx_note = None, ""
    figures = stock_figures(claim, ticker)
    if figures.usd_price is not None:
        fx, fx_note = _fx(ticker, figures.currency, event_date, fx_rate, data)
    abnormal = _dec(abnormal_return)
    return Evidence(
        ticker=ticker,
        requested_date=event_date if requested_date is None else requested_date,
        event_date=event_date,
        day0_reason=day0_reason,
        prices=day_prices,
        source=_source(prices),
        rule=rule,
        rule_note=rule_note,
        limit_up=up,
        limit_down=down,
        abnormal_return=abnormal,
        abnormal_note=abnormal_note,
        fx=fx,
        fx_note=fx_note,
    )


def _dec(value: Any) -> Decimal | None:
    """A price or return from the data as Decimal (shortest repr); ``None`` for NaN."""
    if value is None or not np.isfinite(value):
        return None
    return Decimal(repr(float(value)))


def _day_prices(ticker: str, frame: pd.DataFrame, day: pd.Timestamp) -> DayPrices:
    if day not in frame.index:
        raise InsufficientDataError(
            f"{ticker} has no prices on {day.date()} in the data; use data that include that "
            f"day."
        )
    row = frame.loc[day]
    values = {
        c: _dec(row[c]) if c in row else None for c in ("preclose", "open", "high", "low", "close")
    }
    if _priced_on_tick(ticker):
        # Such prices move in steps of the tick (0.01 CNY for A shares); a vendor's binary noise
        # (12.779999732971191 for 12.78) must not decide whether a limit price was reached.
        values = {
            c: None if v is None else round_to_tick(ticker, v, day) for c, v in values.items()
        }
    for name, value in values.items():
        if value is not None and value <= 0:
            raise InvalidInputError(
                f"{ticker} {name} on {day.date()} is {value}; prices must be positive. Check "
                f"the price data."
            )
    return DayPrices(**values)


def _priced_on_tick(ticker: str) -> bool:
    """True for a stock under daily limit rules (an A share): its prices lie on the tick."""
    try:
        return board_of(ticker) is not None
    except InvalidInputError:
        return False


def _rule(
    ticker: str, day: pd.Timestamp, st: bool | None, days_listed: int | None
) -> tuple[LimitRule | None, str]:
    try:
        rule = limit_rule(ticker, day, st=st, days_listed=days_listed)
    except InvalidInputError as exc:
        return None, f"cannot judge: {exc}"
    return rule, rule.note


def _fx(
    ticker: str, written: str, day: pd.Timestamp, fx_rate: object, data: Any
) -> tuple[FxRate | None, str]:
    """The rate of ``ticker``'s trading currency per USD, or why there is none.

    A rate given by the user is in the stock's currency, named as the claim wrote its price
    (``written``) when the registry does not know the stock's market. Without one, a rate is
    looked up only for the currency the registry gives: the currency of the prices is never
    guessed from the claim.
    """
    currency = currency_of(ticker)
    if fx_rate is not None:
        label = currency or written or "units"
        return FxRate(label, positive(fx_rate, "fx_rate"), None, "given"), ""
    if currency is None:
        return None, (
            f"not checkable: the currency of {ticker}'s prices is not known (no market is "
            f"registered for its suffix {ticker_suffix(ticker)!r}), so no exchange rate is "
            f"looked up. Pass fx_rate= (e.g. --fx-rate on the command line) in units of the "
            f"stock's currency per US dollar."
        )
    try:
        return usd_rate(currency, day, data=data), ""
    except DataUnavailableError as exc:
        return None, (
            f"not checkable: {str(exc).rstrip('.')}. Pass fx_rate= (e.g. --fx-rate on the "
            f"command line), or go online once so {currency}=X is downloaded and cached."
        )


def _source(frame: pd.DataFrame) -> str:
    provenance = frame.attrs.get("provenance", {})
    return str(provenance.get("source", "")) if isinstance(provenance, dict) else ""
