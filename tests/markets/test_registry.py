"""The market registry: lookups by suffix, and its facts against exchange-calendars."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import eventstudy
from eventstudy.calendar import get_exchange_calendar
from eventstudy.errors import InvalidInputError
from eventstudy.markets import (
    MARKETS,
    Market,
    currency_of,
    daily_limit,
    default_market,
    find_market,
    market_of,
    security_code,
    ticker_suffix,
)

PACKAGE = Path(eventstudy.__file__).parent


def test_suffixes() -> None:
    assert ticker_suffix("000800.SZ") == ".SZ"
    assert ticker_suffix("600104.ss") == ".SS"
    assert ticker_suffix("AAPL") == ""
    assert ticker_suffix("BRK-B") == ""
    assert ticker_suffix("^GSPC") == ""
    assert security_code("830799.BJ") == "830799"
    assert market_of("7203.T").calendar == "XTKS"


@pytest.mark.parametrize(
    ("ticker", "index"),
    [
        ("000800.SZ", "399001.SZ"),
        ("600104.SS", "000001.SS"),
        ("600104.SH", "000001.SH"),
        ("830799.BJ", "000300.SS"),
        ("AAPL", "^GSPC"),
        ("7203.T", "^N225"),
        ("VOD.L", "^FTSE"),
        ("SAP.DE", "^GDAXI"),
    ],
)
def test_default_markets(ticker: str, index: str) -> None:
    assert default_market(ticker) == index


def test_unknown_suffix() -> None:
    assert find_market("SHOP.TO") is None
    assert currency_of("SHOP.TO") is None
    with pytest.raises(InvalidInputError, match="No default market index"):
        default_market("SHOP.TO")
    with pytest.raises(InvalidInputError, match=r"No market is known for 'SHOP\.TO'"):
        market_of("SHOP.TO")
    assert not daily_limit("SHOP.TO", pd.Timestamp("2021-09-13")).has_limits


def test_currencies() -> None:
    assert [currency_of(t) for t in ("000800.SZ", "600104.SH", "830799.BJ", "AAPL")] == [
        "CNY",
        "CNY",
        "CNY",
        "USD",
    ]


@pytest.mark.parametrize("market", MARKETS.values(), ids=lambda m: m.suffix or "US")
def test_zone_and_close_agree_with_the_calendar(market: Market) -> None:
    calendar = get_exchange_calendar(market.calendar)
    assert str(calendar.tz) == market.timezone
    assert calendar.close_times[-1][1] == market.close


@pytest.mark.parametrize("market", MARKETS.values(), ids=lambda m: m.suffix or "US")
def test_every_market_says_what_limit_applies(market: Market) -> None:
    assert (market.limits is None) == bool(market.limit_note)
    ticker = "600104" + market.suffix if market.limits is not None else "X" + market.suffix
    if market.suffix == ".BJ":
        ticker = "830799.BJ"
    if market.suffix == ".SZ":
        ticker = "000800.SZ"
    rule = daily_limit(ticker, pd.Timestamp("2021-12-13"))
    assert rule.has_limits == (market.limits is not None)


def test_a_share_tick_is_the_limit_rules_tick() -> None:
    for suffix in (".SS", ".SH", ".SZ", ".BJ"):
        market = MARKETS[suffix]
        assert market.limits is not None
        assert market.tick(Decimal("12.78"), pd.Timestamp("2021-09-13")) == Decimal("0.01")
        assert market.limits.tick == Decimal("0.01")


def test_tick_not_modelled_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="tick size of the US exchanges"):
        market_of("AAPL").tick(Decimal("150"), pd.Timestamp("2021-09-13"))


def _constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def test_no_market_fact_outside_the_registry() -> None:
    markets = MARKETS.values()
    facts = {m.suffix for m in markets if m.suffix} | {m.calendar for m in markets}
    facts |= {m.index for m in markets} | {m.timezone for m in markets}
    found = {
        str(path.relative_to(PACKAGE)): sorted(_constants(path) & facts)
        for path in PACKAGE.rglob("*.py")
        if "markets" not in path.relative_to(PACKAGE).parts
    }
    assert {name: hits for name, hits in found.items() if hits} == {}
