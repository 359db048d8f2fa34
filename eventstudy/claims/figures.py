"""The figures a claim states, read at the precision they were written with.

A claim about a day's move holds up to three figures: a percent move, a price, and a
US-dollar conversion of the price, with a direction and a currency. :class:`Claim` is the
one type for them, whether :func:`eventstudy.claims.extract` found it in text, a seed
record wrote it down, or a user gave the figures as arguments (:func:`read_claim`).

Numbers keep the precision they were written with, because a figure is matched at that
precision (see :mod:`eventstudy.claims.comparison`): pass strings (``"10%"``, ``"12.78"``) or
``Decimal``. A float is read through its shortest repr (``12.78`` → "12.78"), and a whole
float such as ``10.0`` as written without decimals ("10"); pass ``"10.0"`` to mean one
decimal. A comma is a thousands separator only between groups of three digits
(``"1,278.50"``); a decimal comma such as ``"12,78"`` is refused, never read as 1278.

Direction
---------
Without ``direction``, the sign of ``pct`` decides (``10`` a rise, ``-10`` a fall);
``direction="down"`` with an unsigned ``pct`` reads it as a fall, as news text writes
"fell 3%". A price claim with neither a percent nor a direction is a rise when it is at or
above the previous close (decided against the day's prices, in
:mod:`eventstudy.claims.comparison`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np

from eventstudy._typing import check_option
from eventstudy.errors import InvalidInputError
from eventstudy.limits import to_decimal
from eventstudy.markets import currency_of

Direction = Literal["up", "down"]

#: Currency words and symbols, mapped to ISO codes.
CURRENCIES: dict[str, str] = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "美元": "USD",
    "hk$": "HKD",
    "hkd": "HKD",
    "港元": "HKD",
    "港币": "HKD",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "元": "CNY",
    "人民币": "CNY",
}

#: A written number: digits with an optional decimal point, or groups of three digits
#: separated by commas (``1,278.50``). A decimal comma (``12,78``) is not one.
_WRITTEN_NUMBER = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")


@dataclass(frozen=True)
class Claim:
    """One claim about a stock's move: its figures, as written.

    Attributes
    ----------
    quote : str
        The sentence the claim was found in (empty when the figures were given directly).
    direction : {"up", "down"} or None
        The direction the claim states; ``None`` for a bare price level.
    pct : Decimal or None
        The claimed percent move, signed (a fall is negative), with its written precision
        (``Decimal("10")`` for "10%", ``Decimal("-3.5")`` for "fell 3.5%").
    price : Decimal or None
        The claimed price level, as written (``Decimal("20.10")`` keeps two decimals).
    currency : str or None
        ISO code of ``price`` (``"CNY"``, ``"USD"``, ``"HKD"``); ``None`` if none was written
        (the stock's own currency is then assumed).
    converted_price, converted_currency : Decimal, str or None
        A conversion given in brackets after the price (``($1.98)``).
    limit : {"up", "down"} or None
        The text says the move hit the daily limit (涨停 / 跌停 / limit-up / limit-down).

    Examples
    --------
    >>> read_claim(pct="10%", price="12.78", usd_price="1.98")
    Claim(quote='', direction='up', pct=Decimal('10'), price=Decimal('12.78'), currency=None, \
converted_price=Decimal('1.98'), converted_currency='USD', limit=None)
    """

    quote: str
    direction: Direction | None
    pct: Decimal | None
    price: Decimal | None
    currency: str | None
    converted_price: Decimal | None = None
    converted_currency: str | None = None
    limit: Direction | None = None

    def to_kwargs(self) -> dict[str, Any]:
        """The claim's figures as the keyword arguments of :func:`read_claim`.

        A conversion is passed as ``usd_price`` when it is in US dollars; other conversions
        are left out.
        """
        kwargs: dict[str, Any] = {
            "pct": self.pct,
            "direction": self.direction,
            "price": self.price,
            "currency": self.currency,
        }
        if self.converted_currency == "USD":
            kwargs["usd_price"] = self.converted_price
        return {k: v for k, v in kwargs.items() if v is not None}


def read_claim(
    pct: object = None,
    price: object = None,
    *,
    direction: str | None = None,
    currency: str | None = None,
    usd_price: object = None,
    quote: str = "",
) -> Claim:
    """Read claimed figures given as numbers or strings into a :class:`Claim`.

    Parameters
    ----------
    pct : str, Decimal, int or float, optional
        The claimed percent move: ``"10%"``, ``"-3.5"``, ``Decimal("10")``, ``10``.
    price : str, Decimal, int or float, optional
        The claimed price in ``currency``: ``"12.78"``.
    direction : {"up", "down"}, optional
        The direction the claim states; see the module notes for the rule without it.
    currency : str, optional
        Currency of ``price`` (``"CNY"``, ``"yuan"``, ``"RMB"``, ``"元"``, ``"USD"``, ``"$"``,
        ``"HKD"``...). By default the stock's trading currency. A US-dollar price of a stock
        traded in another currency is judged as a US-dollar conversion.
    usd_price : str, Decimal, int or float, optional
        The claimed price in US dollars (a conversion, as in "12.78 yuan ($1.98)").
    quote : str, optional
        Where the figures come from.

    Returns
    -------
    Claim

    Raises
    ------
    InvalidInputError
        No figure given, a figure that is not a number (or has a decimal comma), a
        non-positive price, a fall of 100% or more, a direction contradicting the sign of
        ``pct``, or a currency that is not one.

    Examples
    --------
    >>> read_claim(pct="3.5", direction="down").pct
    Decimal('-3.5')
    >>> read_claim(price="1,278.50").price
    Decimal('1278.50')
    """
    if pct is None and price is None and usd_price is None:
        raise InvalidInputError(
            "Nothing to check: give pct= (e.g. '10%'), price= (e.g. '12.78') or usd_price=."
        )
    if direction is not None:
        check_option(direction, Direction, "direction")
    move = None if pct is None else _apply_direction(read_figure(pct, "pct", percent=True),
                                                     direction)
    if move is not None and move <= -100:
        raise InvalidInputError(
            f"pct={pct!r}: a price cannot fall by 100% or more; give the move in percent "
            f"points (-3.5 for a 3.5% fall)."
        )
    level = None if price is None else positive(price, "price")
    usd = None if usd_price is None else positive(usd_price, "usd_price")
    code = None if currency is None else currency_code(currency)
    if level is None and usd is not None:
        level, code, usd = usd, "USD", None
    return Claim(
        quote=quote,
        direction=move_direction(move, direction),
        pct=move,
        price=level,
        currency=code,
        converted_price=usd,
        converted_currency=None if usd is None else "USD",
    )


def as_claim(claim: object, **figures: Any) -> Claim:
    """``claim`` when given (then no figure may be), else :func:`read_claim` of ``figures``.

    Raises
    ------
    InvalidInputError
        ``claim`` is not a :class:`Claim`, or both a claim and figures were given.
    """
    given = {name: value for name, value in figures.items() if value is not None}
    if claim is None:
        return read_claim(**given)
    if not isinstance(claim, Claim):
        raise InvalidInputError(
            f"claim={claim!r} is not a Claim (eventstudy.claims.extract returns them); give "
            f"the figures as keywords instead, e.g. pct=10, price='12.78'."
        )
    if given:
        raise InvalidInputError(
            f"Give either claim= or the figures ({', '.join(sorted(given))}=), not both."
        )
    return claim


@dataclass(frozen=True)
class Figures:
    """A claim's figures in the terms of the stock they are about.

    Attributes
    ----------
    pct : Decimal or None
        The signed percent move.
    price : Decimal or None
        A price in the stock's trading currency.
    usd_price : Decimal or None
        A US-dollar price of a stock traded in another currency.
    direction : {"up", "down"} or None
        As the claim states it.
    currency : str
        The stock's trading currency (the claim's, when the stock's is not known).
    """

    pct: Decimal | None
    price: Decimal | None
    usd_price: Decimal | None
    direction: Direction | None
    currency: str


def stock_figures(claim: Claim, ticker: str) -> Figures:
    """The claim's figures in ``ticker``'s trading currency.

    Raises
    ------
    InvalidInputError
        The claim's price is in a currency other than the stock's (a US-dollar price of a
        stock traded in another currency is moved to ``usd_price``).

    Examples
    --------
    >>> stock_figures(read_claim(price="1.98", currency="$"), "000800.SZ")
    Figures(pct=None, price=None, usd_price=Decimal('1.98'), direction=None, currency='CNY')
    """
    own = currency_of(ticker)
    code = claim.currency or own
    level = claim.price
    usd = claim.converted_price if claim.converted_currency == "USD" else None
    if code is not None and own is not None and code != own:
        if code == "USD" and level is not None and usd is None:
            level, usd = None, level
        else:
            raise InvalidInputError(
                f"currency={claim.currency!r}: {ticker} trades in {own}. Give price= in {own}, "
                f"and a US-dollar conversion as usd_price= (with fx_rate= in {own} per USD)."
            )
    if usd is not None and (own or code) == "USD":
        raise InvalidInputError(
            f"usd_price={usd}: {ticker} trades in US dollars; give the figure as price=."
        )
    return Figures(claim.pct, level, usd, claim.direction, own or code or "")


def move_direction(pct: Decimal | None, direction: str | None) -> Direction | None:
    """The direction a claim states: ``direction`` if given, else the sign of ``pct``."""
    if direction == "up":
        return "up"
    if direction == "down":
        return "down"
    if pct is None:
        return None
    return "down" if pct < 0 else "up"


def _apply_direction(pct: Decimal, direction: str | None) -> Decimal:
    if direction == "down":
        return pct if pct <= 0 else pct.copy_negate()
    if direction == "up" and pct < 0:
        raise InvalidInputError(
            f"pct={pct} is a fall but direction='up'; drop the sign or the direction."
        )
    return pct


def read_figure(value: object, name: str, *, percent: bool = False) -> Decimal:
    """A claimed number with its written precision (see the module notes).

    Raises
    ------
    InvalidInputError
        Not a finite number, or written with a decimal comma.

    Examples
    --------
    >>> read_figure("12,78", "price")
    Traceback (most recent call last):
    ...
    eventstudy.errors.InvalidInputError: price='12,78' is not a number: a comma must separate \
groups of three digits (1,278.50); write a decimal point as '.' (12.78).
    """
    if isinstance(value, str):
        text = value.strip().replace("−", "-")
        if percent:
            text = text.rstrip("%％").strip()
        signed = text.removeprefix("+")
        body = signed.removeprefix("-")
        number = written_number(body)
        if number is None:
            example = "10%" if percent else "12.78"
            hint = (
                ": a comma must separate groups of three digits (1,278.50); write a decimal "
                f"point as '.' ({body.replace(',', '.')})"
                if "," in body
                else f"; write it as e.g. {example!r}"
            )
            raise InvalidInputError(f"{name}={value!r} is not a number{hint}.")
        return number.copy_negate() if signed.startswith("-") else number
    number = to_decimal(value, name)
    if isinstance(value, float | np.floating) and number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number


def written_number(text: str) -> Decimal | None:
    """The number ``text`` is written as (``"12.78"``, ``"1,278.50"``), or ``None`` when it is
    not written as a number (``"12,78"``, ``"1.2.3"``, ``"ten"``).

    Examples
    --------
    >>> written_number("1,278.50"), written_number("12,78")
    (Decimal('1278.50'), None)
    """
    if not _WRITTEN_NUMBER.fullmatch(text):
        return None
    return Decimal(text.replace(",", ""))


def positive(value: object, name: str) -> Decimal:
    """:func:`read_figure` of a price or rate, which must be positive."""
    number = read_figure(value, name)
    if number <= 0:
        raise InvalidInputError(f"{name}={value!r} must be a positive number.")
    return number


def currency_code(currency: str) -> str:
    """The ISO code of a currency word or symbol (``"yuan"`` → ``"CNY"``).

    Raises
    ------
    InvalidInputError
        If ``currency`` is neither a known word nor a three-letter code.
    """
    key = currency.strip()
    code = CURRENCIES.get(key.lower(), key.upper() if key.isascii() else None)
    if code is None or not code.isalpha() or len(code) != 3:
        raise InvalidInputError(
            f"currency={currency!r} is not a currency; use an ISO code such as 'CNY', 'USD', "
            f"'HKD' or one of {', '.join(sorted(CURRENCIES))}."
        )
    return code
