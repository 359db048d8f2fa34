"""Invariants of the engine, checked on the bundled prices with hypothesis."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import eventstudy

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _tidy() -> pd.DataFrame:
    frames = [eventstudy.load_prices(t, data="bundled") for t in ("000800.SZ", "399001.SZ")]
    return pd.concat(frames).reset_index()


@cache
def _days() -> pd.DatetimeIndex:
    return pd.DatetimeIndex(eventstudy.load_prices("000800.SZ", data="bundled").index)


def _event_day(i: int) -> pd.Timestamp:
    """A trading day whose windows avoid the 2019-2020 suspensions of 000800.SZ.

    After a suspension the market return is compounded over several sessions, so adding a
    constant to the daily market return is not the same as adding it to that row.
    """
    days = _days()
    first = days.get_loc(pd.Timestamp("2021-04-01"))
    return days[first + i % (len(days) - first - 11)]


@SETTINGS
@given(day=st.integers(0, 10_000), start=st.integers(-10, 10), length=st.integers(0, 10))
def test_car_is_sum_of_ars(day: int, start: int, length: int) -> None:
    end = min(start + length, 10)
    res = eventstudy.run("000800.SZ", _event_day(day), data="bundled")
    ars = res.abnormal.loc[start:end, "ar"]
    assert_allclose(res.car(start, end).car, ars.sum(), rtol=0, atol=1e-15)


@SETTINGS
@given(day=st.integers(0, 10_000), seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(day: int, seed: int) -> None:
    tidy = _tidy()
    shuffled = tidy.sample(frac=1.0, random_state=np.random.RandomState(seed))
    a = eventstudy.run("000800.SZ", _event_day(day), market="399001.SZ", data=tidy)
    b = eventstudy.run("000800.SZ", _event_day(day), market="399001.SZ", data=shuffled)
    pd.testing.assert_frame_equal(a.abnormal, b.abnormal)
    pd.testing.assert_series_equal(a.params, b.params)


@SETTINGS
@given(day=st.integers(0, 10_000), shift=st.floats(-0.01, 0.01))
def test_constant_added_to_market_return_moves_alpha_only(day: int, shift: float) -> None:
    tidy = _tidy()
    market = tidy[tidy["ticker"] == "399001.SZ"].copy()
    ret = market["close"].pct_change().to_numpy()
    growth = np.concatenate([[1.0], np.cumprod(1.0 + ret[1:] + shift)])
    market["close"] = market["close"].iloc[0] * growth
    shifted = pd.concat([tidy[tidy["ticker"] == "000800.SZ"], market])
    a = eventstudy.run("000800.SZ", _event_day(day), market="399001.SZ", data=tidy)
    b = eventstudy.run("000800.SZ", _event_day(day), market="399001.SZ", data=shifted)
    assert_allclose(b.abnormal["ar"], a.abnormal["ar"], rtol=0, atol=1e-12)
    assert_allclose(b.params["beta"], a.params["beta"], rtol=1e-9)
    assert_allclose(b.params["alpha"], a.params["alpha"] - a.params["beta"] * shift, atol=1e-12)


@SETTINGS
@given(day=st.integers(0, 10_000))
def test_shifted_event_date_shifts_the_table(day: int) -> None:
    days = _days()
    d0 = _event_day(day)
    d1 = days[days.get_loc(d0) + 1]
    a = eventstudy.run("000800.SZ", d0, model="market_adjusted", data="bundled")
    b = eventstudy.run("000800.SZ", d1, model="market_adjusted", data="bundled")
    left = a.abnormal.loc[-9:10, ["date", "ret", "market_ret", "ar"]]
    right = b.abnormal.loc[-10:9, ["date", "ret", "market_ret", "ar"]]
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))
