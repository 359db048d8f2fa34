"""Reading claimed figures: precision, signs, commas, currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eventstudy.claims import read_claim
from eventstudy.claims.figures import read_figure, stock_figures
from eventstudy.errors import InvalidInputError


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("10%", "10"),
        ("+10 %", "10"),
        ("-3.5", "-3.5"),
        ("−3.5％", "-3.5"),  # a minus sign and a full-width percent sign
        ("+-2", "-2"),
        ("10.0", "10.0"),
        ("1,278.50", "1278.50"),
        (10.0, "10"),
        (9.98, "9.98"),
        (Decimal("9.983"), "9.983"),
    ],
)
def test_figures_keep_their_sign_and_precision(written: object, read: str) -> None:
    assert str(read_figure(written, "pct", percent=True)) == read


@pytest.mark.parametrize("written", ["12,78", "3,5%", "1,2345", "1.2.3", "12.", ".5", "ten", ""])
def test_a_number_not_written_as_one_is_refused(written: str) -> None:
    with pytest.raises(InvalidInputError, match="is not a number"):
        read_figure(written, "pct", percent=True)


def test_a_dollar_price_alone_is_a_price_in_dollars() -> None:
    claim = read_claim(usd_price="1.98")
    assert (claim.price, claim.currency, claim.converted_price) == (Decimal("1.98"), "USD", None)
    figures = stock_figures(claim, "000800.SZ")
    assert (figures.price, figures.usd_price, figures.currency) == (None, Decimal("1.98"), "CNY")


def test_a_price_in_another_currency_than_the_stock_s_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match=r"000800\.SZ trades in CNY"):
        stock_figures(read_claim(price="12.78", currency="HKD"), "000800.SZ")
    with pytest.raises(InvalidInputError, match="trades in US dollars"):
        stock_figures(read_claim(price="150", usd_price="150"), "AAPL")
