"""run(): day-0 rules on real dates and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy import DataUnavailableError, InsufficientDataError, InvalidInputError


def test_holiday_moves_day0() -> None:
    res = eventstudy.run("000800.SZ", "2021-10-01", data="bundled")
    assert res.event_date == pd.Timestamp("2021-10-08")
    assert res.day0_reason == "2021-10-01 is an exchange holiday (XSHG)"


def test_suspension_moves_day0_and_compounds_the_market() -> None:
    # 000800.SZ was suspended 2019-03-28 .. 2019-04-11 while the exchange was open.
    res = eventstudy.run(
        "000800.SZ",
        "2019-04-01",
        data="bundled",
        estimation=(-45, -6),
        window=(-2, 2),
        min_estimation=30,
    )
    assert res.event_date == pd.Timestamp("2019-04-12")
    assert "suspended" in res.day0_reason
    day0 = res.abnormal.loc[0]
    stock = eventstudy.load_prices("000800.SZ", data="bundled")
    index = eventstudy.load_prices("399001.SZ", data="bundled")
    # The stock's return spans the suspension: close / preclose on the first day back ...
    assert_allclose(
        day0["ret"], stock.loc["2019-04-12", "close"] / stock.loc["2019-04-12", "preclose"] - 1
    )
    # ... and the market's return covers the same sessions (last close before: 2019-03-27).
    want = index.loc["2019-04-12", "close"] / index.loc["2019-03-27", "close"] - 1
    assert_allclose(day0["market_ret"], want, rtol=0, atol=1e-15)


def test_too_short_estimation_names_the_numbers() -> None:
    with pytest.raises(InsufficientDataError, match=r"too few estimation observations: \d+ usable"):
        eventstudy.run("000800.SZ", "2019-06-03", data="bundled")


def test_window_past_the_data() -> None:
    with pytest.raises(InsufficientDataError, match="runs past the data"):
        eventstudy.run("000800.SZ", "2022-01-10", data="bundled")


def test_date_after_the_data() -> None:
    with pytest.raises(InsufficientDataError, match="no trading day on or after 2022-03-01"):
        eventstudy.run("000800.SZ", "2022-03-01", data="bundled")


def test_date_before_the_data() -> None:
    with pytest.raises(InsufficientDataError, match="before"):
        eventstudy.run("000800.SZ", "2015-06-01", data="bundled")


def test_unknown_market() -> None:
    with pytest.raises(DataUnavailableError, match=r"NOPE\.SZ"):
        eventstudy.run("000800.SZ", "2021-09-13", market="NOPE.SZ", data="bundled")


def test_no_default_market() -> None:
    with pytest.raises(InvalidInputError, match="No default market index"):
        eventstudy.run("SHOP.TO", "2021-09-13", data="bundled")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "capm"}, "model='capm' is not valid"),
        ({"estimation": (-250, 0)}, "must end before the event window"),
        ({"window": (5, -5)}, "starts after it ends"),
        ({"returns": "pct"}, "returns='pct' is not valid"),
        ({"model": "factors"}, "needs factors="),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        eventstudy.run("000800.SZ", "2021-09-13", data="bundled", **kwargs)  # type: ignore[arg-type]


def test_log_returns() -> None:
    simple = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    log = eventstudy.run("000800.SZ", "2021-09-13", data="bundled", returns="log")
    assert_allclose(log.abnormal["ret"], np.log1p(simple.abnormal["ret"]), rtol=0, atol=1e-15)
