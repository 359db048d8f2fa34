"""Day-0 rules: weekends, holidays, suspensions, after-close timestamps."""

from __future__ import annotations

import pandas as pd
import pytest

from eventstudy.calendar import locate_event
from eventstudy.errors import InsufficientDataError, InvalidInputError

# 000800.SZ trading days around real events (suspended 2019-03-28 .. 2019-04-11).
DAYS = pd.DatetimeIndex(
    [
        "2019-03-26",
        "2019-03-27",
        "2019-04-12",
        "2019-04-15",
        "2021-09-10",
        "2021-09-13",
        "2021-09-17",
        "2021-09-22",
        "2021-09-30",
        "2021-10-08",
    ]
)


def test_trading_day_is_day0() -> None:
    event = locate_event("2021-09-13", DAYS, "000800.SZ")
    assert event.day0 == pd.Timestamp("2021-09-13")
    assert event.reason == ""


def test_weekend() -> None:
    event = locate_event("2021-09-11", DAYS, "000800.SZ")
    assert event.day0 == pd.Timestamp("2021-09-13")
    assert event.reason == "2021-09-11 is a Saturday"


def test_exchange_holiday() -> None:
    event = locate_event("2021-10-04", DAYS, "000800.SZ")
    assert event.day0 == pd.Timestamp("2021-10-08")
    assert event.reason == "2021-10-04 is an exchange holiday (XSHG)"
    assert "holiday" in locate_event("2021-09-20", DAYS, "000800.SZ").reason


def test_suspension_is_told_from_holiday() -> None:
    event = locate_event("2019-04-01", DAYS, "000800.SZ")
    assert event.day0 == pd.Timestamp("2019-04-12")
    assert "suspended" in event.reason
    assert "XSHG was open" in event.reason


def test_after_close_moves_to_next_session() -> None:
    event = locate_event(pd.Timestamp("2021-09-10 15:30", tz="Asia/Shanghai"), DAYS, "000800.SZ")
    assert event.day0 == pd.Timestamp("2021-09-13")
    assert "after the XSHG close" in event.reason
    # A moment in another time zone is converted: 06:00 UTC is 14:00 in Shanghai, before close.
    during = locate_event(pd.Timestamp("2021-09-10 06:00", tz="UTC"), DAYS, "000800.SZ")
    assert during.day0 == pd.Timestamp("2021-09-10")
    assert during.reason == ""


def test_before_listing_and_after_data() -> None:
    early = locate_event("2019-03-01", DAYS, "000800.SZ")
    assert early.day0 == DAYS[0]
    assert "no trading before" in early.reason
    with pytest.raises(InsufficientDataError, match="no trading day on or after 2021-10-09"):
        locate_event("2021-10-09", DAYS, "000800.SZ")


def test_bad_date() -> None:
    with pytest.raises(InvalidInputError, match="not a date"):
        locate_event("13/09/2021x", DAYS, "000800.SZ")

