"""Hong Kong (``.HK``) in the registry: calendar, defaults, currency, spread table, no limit."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import eventstudy
from eventstudy.calendar import locate_event
from eventstudy.errors import InvalidInputError
from eventstudy.markets import board_of, currency_of, daily_limit, default_market, market_of
from eventstudy.sources import load_prices

HK = market_of("0700.HK")


def test_registry_entry() -> None:
    assert (HK.calendar, HK.timezone, str(HK.close)) == ("XHKG", "Asia/Hong_Kong", "16:00:00")
    assert default_market("0700.HK") == "^HSI"
    assert currency_of("0700.HK") == "HKD"
    assert HK.comparison is None


def test_no_daily_price_limit() -> None:
    rule = daily_limit("0700.HK", pd.Timestamp("2021-09-13"))
    assert not rule.has_limits
    assert rule.board == "none"
    assert board_of("0700.HK") is None
    assert "no daily price limit" in rule.note


@pytest.mark.parametrize(
    ("price", "step_2021", "step_2025"),
    [
        ("0.01", "0.001", "0.001"),
        ("0.25", "0.001", "0.001"),
        ("0.255", "0.005", "0.005"),
        ("0.50", "0.005", "0.005"),
        ("0.51", "0.01", "0.01"),
        ("10", "0.01", "0.01"),
        ("10.02", "0.02", "0.01"),
        ("20", "0.02", "0.01"),
        ("20.05", "0.05", "0.02"),
        ("50", "0.05", "0.02"),
        ("50.05", "0.05", "0.05"),
        ("100", "0.05", "0.05"),
        ("100.1", "0.1", "0.1"),
        ("200.2", "0.2", "0.2"),
        ("500.5", "0.5", "0.5"),
        ("1001", "1", "1"),
        ("2002", "2", "2"),
        ("9995", "5", "5"),
    ],
)
def test_spread_table(price: str, step_2021: str, step_2025: str) -> None:
    assert HK.tick(Decimal(price), pd.Timestamp("2021-09-13")) == Decimal(step_2021)
    assert HK.tick(Decimal(price), pd.Timestamp("2025-08-01")) == Decimal(step_2021)
    assert HK.tick(Decimal(price), pd.Timestamp("2025-08-04")) == Decimal(step_2025)


@pytest.mark.parametrize("price", ["0.005", "9995.01"])
def test_price_outside_the_spread_table_is_an_error(price: str) -> None:
    with pytest.raises(InvalidInputError, match="outside the tick-size table"):
        HK.tick(Decimal(price), pd.Timestamp("2021-09-13"))


def test_spread_table_before_2006_is_not_modelled() -> None:
    with pytest.raises(InvalidInputError, match="before 2006-07-24 is not modelled"):
        HK.tick(Decimal("10"), pd.Timestamp("2006-07-21"))


# Hong Kong sessions around Mid-Autumn, National Day and Christmas 2021 (from XHKG).
HK_DAYS = pd.DatetimeIndex(
    ["2021-09-20", "2021-09-21", "2021-09-23", "2021-09-30", "2021-10-04", "2021-12-24",
     "2021-12-28"]
)  # fmt: skip


def test_day0_on_the_hong_kong_calendar() -> None:
    holiday = locate_event("2021-09-22", HK_DAYS, "0700.HK")
    assert holiday.day0 == pd.Timestamp("2021-09-23")
    assert holiday.reason == "2021-09-22 is an exchange holiday (XHKG)"
    # 15:30 is after the Shanghai close but before Hong Kong's.
    before = locate_event(pd.Timestamp("2021-09-21 15:30"), HK_DAYS, "0700.HK")
    assert (before.day0, before.reason) == (pd.Timestamp("2021-09-21"), "")
    after = locate_event(pd.Timestamp("2021-09-21 16:00"), HK_DAYS, "0700.HK")
    assert after.day0 == pd.Timestamp("2021-09-23")
    assert "at or after the XHKG close (16:00)" in after.reason
    half_day = locate_event(pd.Timestamp("2021-12-24 12:30"), HK_DAYS, "0700.HK")
    assert half_day.day0 == pd.Timestamp("2021-12-28")
    assert "XHKG close (12:00)" in half_day.reason


@pytest.fixture(scope="module")
def relabelled() -> pd.DataFrame:
    """Bundled FAW Jiefang (000800.SZ) and CSI 300 rows under the names 0700.HK and ^HSI.

    For plumbing only: these are Shenzhen and Shanghai prices on mainland trading days, not
    Hong Kong prices, and no Hong Kong fact is asserted from them. No real Hong Kong prices
    are available offline.
    """
    names = {"000800.SZ": "0700.HK", "000300.SS": "^HSI"}
    frames = [
        load_prices(old, data="bundled").reset_index().assign(ticker=new)
        for old, new in names.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_run_uses_the_hong_kong_calendar_and_index(relabelled: pd.DataFrame) -> None:
    """Plumbing: day 0 follows XHKG (16:00 close, its holidays), the index defaults to ^HSI."""
    res = eventstudy.run("0700.HK", pd.Timestamp("2021-09-13 15:30"), data=relabelled)
    assert res.market == "^HSI"
    assert (res.event_date, res.day0_reason) == (pd.Timestamp("2021-09-13"), "")
    late = eventstudy.run("0700.HK", pd.Timestamp("2021-09-13 16:00"), data=relabelled)
    assert late.event_date == pd.Timestamp("2021-09-14")
    assert "XHKG close" in late.day0_reason
    holiday = eventstudy.run("0700.HK", "2021-10-01", data=relabelled)
    assert holiday.day0_reason == "2021-10-01 is an exchange holiday (XHKG)"


def test_check_claim_says_there_is_no_daily_price_limit(relabelled: pd.DataFrame) -> None:
    """Plumbing: the verdict applies no limit, says so, and reads prices in HKD."""
    res = eventstudy.run("0700.HK", "2021-09-13", data=relabelled)
    verdict = res.check_claim(price="12.78", pct=10)
    assert verdict.rule is not None and not verdict.rule.has_limits
    assert (verdict.limit_up, verdict.limit_down) == (None, None)
    assert "no daily price limit" in verdict.rule_note
    assert verdict.sentences[0].startswith("12.78 HKD matches")
    direct = eventstudy.check_claim("0700.HK", "2021-09-13", pct=10, data=relabelled)
    assert "no daily price limit" in direct.rule_note
