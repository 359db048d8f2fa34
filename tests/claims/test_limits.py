"""China A-share daily limit prices and per-day flags (the rules are tested in tests/markets)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from eventstudy.errors import InvalidInputError
from eventstudy.limits import limit_flags, limit_prices, limit_rule
from eventstudy.markets import round_half_up
from eventstudy.sources import load_prices


def test_faw_limit_prices_on_2021_09_13() -> None:
    rule = limit_rule("000800.SZ", "2021-09-13")
    assert (rule.board, rule.up, rule.down) == ("main board", Decimal("0.10"), Decimal("0.10"))
    assert limit_prices(11.62, rule) == (Decimal("12.78"), Decimal("10.46"))


def test_limit_prices_round_half_up_in_exact_decimals() -> None:
    # 1.15 × 1.1 = 1.265 exactly; binary floats hold 1.2649999..., which rounds down.
    rule = limit_rule("600104.SS", "2021-09-13")
    assert round(1.15 * 1.1, 2) == 1.26
    assert limit_prices("1.15", rule)[0] == Decimal("1.27")
    assert round_half_up(Decimal("12.045"), Decimal("0.01")) == Decimal("12.05")


def test_ipo_listing_day_limits_are_144_and_64_percent_of_the_offer() -> None:
    # CICC's A shares were offered at 28.78 yuan and closed at the 41.44 cap on listing day.
    rule = limit_rule("601995.SS", "2020-11-02", days_listed=1)
    assert limit_prices("28.78", rule) == (Decimal("41.44"), Decimal("18.42"))
    assert "144%" in rule.note


def test_outside_mainland_there_is_no_limit_and_it_says_so() -> None:
    rule = limit_rule("AAPL", "2021-09-13")
    assert not rule.has_limits
    assert "no daily price limit" in rule.note
    assert limit_prices(150.0, rule) == (None, None)


@pytest.mark.parametrize("preclose", [-11.62, 0, float("nan"), "abc"])
def test_bad_preclose_is_an_error(preclose: object) -> None:
    with pytest.raises(InvalidInputError, match="preclose"):
        limit_prices(preclose, limit_rule("000800.SZ", "2021-09-13"))


@pytest.fixture(scope="module")
def faw_flags() -> pd.DataFrame:
    return limit_flags(load_prices("000800.SZ", data="bundled"))


def test_flags_2021_07_14_closed_at_limit_up(faw_flags: pd.DataFrame) -> None:
    day = faw_flags.loc["2021-07-14"]
    assert day["limit_up"] == 12.06  # 10.96 × 1.1 = 12.056 → 12.06, and the close was 12.06
    assert bool(day["closed_limit_up"])
    assert not bool(day["touched_limit_up"])


def test_flags_2021_09_13_touched_not_held(faw_flags: pd.DataFrame) -> None:
    day = faw_flags.loc["2021-09-13"]
    assert (day["limit_up"], day["limit_down"]) == (12.78, 10.46)
    assert bool(day["touched_limit_up"])
    assert not bool(day["closed_limit_up"])
    assert not bool(day["closed_limit_down"]) and not bool(day["touched_limit_down"])


def test_flags_are_missing_without_a_previous_close() -> None:
    frame = load_prices("000800.SZ", "2021-09-10", "2021-09-14", data="bundled")
    frame.loc["2021-09-13", "preclose"] = np.nan
    flags = limit_flags(frame)
    assert flags["limit_up"].isna().loc["2021-09-13"]
    assert flags.loc["2021-09-13", "touched_limit_up"] is pd.NA
    assert flags.loc["2021-09-14", "closed_limit_up"] is not pd.NA


def test_flags_refuse_an_index() -> None:
    with pytest.raises(InvalidInputError, match="not a known"):
        limit_flags(load_prices("399001.SZ", "2021-09-13", "2021-09-13", data="bundled"))


def test_flags_outside_mainland_are_all_missing() -> None:
    frame = load_prices("000800.SZ", "2021-09-13", "2021-09-14", data="bundled")
    flags = limit_flags(frame, "AAPL")
    assert flags["limit_up"].isna().all()
    assert flags["closed_limit_up"].isna().all()


def test_vendor_float_noise_does_not_move_a_limit_by_a_tick() -> None:
    # Real FAW Jiefang rows whose limit falls on a half cent (preclose × 1.1 = x.xx5), read as
    # a float32 vendor would store them (6.85 → 6.849999904632568).
    frame = load_prices("000800.SZ", "2019-01-29", "2019-02-20", data="bundled")
    noisy = frame.copy()
    for column in ("preclose", "high", "low", "close"):
        noisy[column] = noisy[column].astype("float32").astype("float64")
    pd.testing.assert_frame_equal(limit_flags(noisy), limit_flags(frame))
    exact = limit_prices("6.85", limit_rule("000800.SZ", "2019-01-29"))
    assert limit_flags(noisy).loc["2019-01-29", "limit_up"] == float(exact[0]) == 7.54
