"""China A shares in the registry: boards, daily limit rules, and .SH / .BJ end to end."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy.errors import InvalidInputError
from eventstudy.limits import limit_prices
from eventstudy.markets import (
    Facts,
    board_of,
    daily_limit,
    daily_limits,
    market_of,
    yahoo_ticker,
)
from eventstudy.markets.ashare import RULES
from eventstudy.sources import load_prices


def _day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.mark.parametrize(
    ("ticker", "board"),
    [
        ("000800.SZ", "main"), ("002594.SZ", "main"), ("001979.SZ", "main"),
        ("600104.SS", "main"), ("603288.SH", "main"), ("300750.SZ", "ChiNext"),
        ("301236.SZ", "ChiNext"), ("688981.SS", "STAR"), ("830799.BJ", "Beijing"),
        ("430047.BJ", "Beijing"), ("920118.BJ", "Beijing"), ("AAPL", None),
    ],
)  # fmt: skip
def test_board_by_code(ticker: str, board: str | None) -> None:
    assert board_of(ticker) == board


@pytest.mark.parametrize("ticker", ["510300.SS", "399001.SZ", "900901.SS", "200002.SZ", "X.SZ"])
def test_unknown_board_is_an_error(ticker: str) -> None:
    with pytest.raises(InvalidInputError, match="not a known"):
        daily_limit(ticker, _day("2021-09-13"))


# (ticker, day, st, days_listed, up, down): every rule of the table at least once.
CASES = [
    ("000800.SZ", "2021-09-13", False, None, "0.10", "0.10"),
    ("000800.SZ", "2021-09-13", True, None, "0.05", "0.05"),
    ("000800.SZ", "2025-07-07", True, None, "0.10", "0.10"),
    ("300750.SZ", "2020-08-21", False, None, "0.10", "0.10"),
    ("300750.SZ", "2020-08-24", False, None, "0.20", "0.20"),
    ("300750.SZ", "2021-09-13", True, None, "0.20", "0.20"),
    ("688981.SS", "2021-09-13", False, None, "0.20", "0.20"),
    ("830799.BJ", "2021-11-15", False, None, "0.30", "0.30"),
    # Listings: SMIC 2020-07-16 (STAR), Yihai Kerry Arawana 2020-10-15 and CATL 2018-06-11
    # (ChiNext, after and before its 2020 reform), CICC 2020-11-02 (Shanghai main board),
    # Shaanxi Energy 2023-04-10 (Shenzhen main board, first day of its registration rules),
    # Beijing Stock Exchange's first trading day 2021-11-15.
    ("688981.SS", "2020-07-16", False, 1, None, None),
    ("688981.SS", "2020-07-22", False, 5, None, None),
    ("688981.SS", "2020-07-23", False, 6, "0.20", "0.20"),
    ("300999.SZ", "2020-10-15", False, 1, None, None),
    ("300750.SZ", "2018-06-11", False, 1, "0.44", "0.36"),
    ("300750.SZ", "2018-06-12", False, 2, "0.10", "0.10"),
    ("601995.SS", "2020-11-02", False, 1, "0.44", "0.36"),
    ("601995.SS", "2020-11-03", False, 2, "0.10", "0.10"),
    ("001286.SZ", "2023-04-10", False, 1, None, None),
    ("830799.BJ", "2021-11-15", False, 1, None, None),
    ("830799.BJ", "2021-11-16", False, 2, "0.30", "0.30"),
]


@pytest.mark.parametrize(("ticker", "day", "st", "days_listed", "up", "down"), CASES)
def test_limit_by_board_date_st_and_days_listed(
    ticker: str, day: str, st: bool, days_listed: int | None, up: str | None, down: str | None
) -> None:
    rule = daily_limit(ticker, _day(day), st=st, days_listed=days_listed)
    assert rule.up == (None if up is None else Decimal(up))
    assert rule.down == (None if down is None else Decimal(down))


def test_notes_say_the_rule() -> None:
    faw = daily_limit("000800.SZ", _day("2021-09-13"), st=True)
    assert faw.note == "main board, ST: ±5% of the previous close"
    star = daily_limit("688981.SS", _day("2020-07-16"), days_listed=1)
    assert star.note == (
        "STAR Market: no price limit on the first five trading days after an IPO (day 1)"
    )


# A relisting: Qinghai Salt Lake (盐湖股份) relisted on the Shenzhen main board on 2021-08-10.
RELISTING = ("000792.SZ", "2021-08-10", False, None, None, None)


def test_relisting_day_has_no_limit() -> None:
    rule = daily_limit("000792.SZ", _day("2021-08-10"), relisting=True)
    assert (rule.up, rule.down) == (None, None)
    assert "relisting" in rule.note


def test_table_of_many_rows_is_the_rules_of_each_row() -> None:
    tickers, days, st, listed, ups, downs = zip(*CASES, RELISTING, strict=True)
    boards = [board_of(t) for t in tickers]
    rules = market_of("600104.SS").limits
    assert rules is not None
    relisting = [False] * len(CASES) + [True]
    table = rules.table(Facts.of(boards, list(days), list(st), list(listed), relisting))
    percent = [np.nan if u is None else float(Decimal(u) * 100) for u in ups]
    np.testing.assert_array_equal(table["up"], percent)
    np.testing.assert_array_equal(
        table["down"], [np.nan if d is None else float(Decimal(d) * 100) for d in downs]
    )
    assert set(table["rule"]) == {r.label for r in RULES}  # the cases cover every rule
    assert all(r.source for r in RULES)


def test_many_days_at_once_are_each_days_rule() -> None:
    days = pd.DatetimeIndex(["2018-06-11", "2018-06-12", "2020-08-21", "2020-08-24"])
    rules = daily_limits("300750.SZ", days, days_listed=[1, 2, None, None])
    singles = [
        daily_limit("300750.SZ", day, days_listed=listed)
        for day, listed in zip(days, [1, 2, None, None], strict=True)
    ]
    assert rules == singles
    assert [r.up for r in rules] == [Decimal(x) for x in ("0.44", "0.10", "0.10", "0.20")]
    assert daily_limits("AAPL", days) == [daily_limit("AAPL", days[0])] * 4


@pytest.mark.parametrize(
    ("ticker", "day"), [("688981.SS", "2019-07-19"), ("830799.BJ", "2021-11-12")]
)
def test_board_before_it_opened_is_an_error(ticker: str, day: str) -> None:
    with pytest.raises(InvalidInputError, match="began trading"):
        daily_limit(ticker, _day(day))


@pytest.mark.parametrize("days_listed", [0, -1, True])
def test_days_listed_must_be_positive(days_listed: int) -> None:
    with pytest.raises(InvalidInputError, match="days_listed"):
        daily_limit("000800.SZ", _day("2021-09-13"), days_listed=days_listed)


def test_unknown_board_in_a_table_is_an_error() -> None:
    rules = market_of("000800.SZ").limits
    assert rules is not None
    with pytest.raises(InvalidInputError, match="'B' is not one of"):
        rules.table(Facts.of(["main", "B"], ["2021-09-13", "2021-09-13"]))


def _relabelled(names: dict[str, str]) -> pd.DataFrame:
    """Bundled rows under other tickers: a user's own table, for tests of plumbing only."""
    frames = [
        load_prices(old, data="bundled").reset_index().assign(ticker=new)
        for old, new in names.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_sh_is_shanghai_end_to_end() -> None:
    """``.SH`` tickers: XSHG calendar, SSE Composite spelled ``.SH``, main-board limits.

    Plumbing only: the rows are the bundled 600104.SS and 000001.SS prices relabelled 600104.SH
    and 000001.SH, so the study must equal the one on the original names; no fact about data
    spelled ``.SH`` is asserted from them.
    """
    rows = _relabelled({"600104.SS": "600104.SH", "000001.SS": "000001.SH"})
    sh = eventstudy.run("600104.SH", "2021-10-01", data=rows)
    ss = eventstudy.run("600104.SS", "2021-10-01", data="bundled")
    assert (sh.market, ss.market) == ("000001.SH", "000001.SS")
    assert sh.event_date == ss.event_date == pd.Timestamp("2021-10-08")
    assert sh.day0_reason == "2021-10-01 is an exchange holiday (XSHG)"
    np.testing.assert_array_equal(sh.abnormal["ar"], ss.abnormal["ar"])
    verdict = sh.check_claim(pct=10)
    assert verdict.rule_note == "main board: ±10% of the previous close"
    assert verdict.limit_up == ss.check_claim(pct=10).limit_up


def test_bj_is_beijing_end_to_end() -> None:
    """``.BJ`` tickers: XSHG calendar and close, CSI 300 by default, ±30% limits.

    Plumbing only: the stock's rows are the bundled FAW Jiefang (000800.SZ) prices relabelled
    830799.BJ, with the bundled CSI 300; the numbers are not Beijing prices and no Beijing fact
    is asserted from them: the study must equal FAW's against the CSI 300, and the limit
    prices are the ±30% rule applied to its previous close.
    """
    rows = _relabelled({"000800.SZ": "830799.BJ", "000300.SS": "000300.SS"})
    news = pd.Timestamp("2021-12-31 16:00", tz="Asia/Shanghai")
    bj = eventstudy.run("830799.BJ", news, data=rows, window=(-5, 5))
    faw = eventstudy.run("000800.SZ", news, market="000300.SS", data="bundled", window=(-5, 5))
    assert bj.market == "000300.SS"
    assert bj.event_date == faw.event_date == pd.Timestamp("2022-01-04")
    assert bj.day0_reason.startswith("2021-12-31 16:00 Asia/Shanghai is at or after the XSHG")
    np.testing.assert_array_equal(bj.abnormal["ar"], faw.abnormal["ar"])
    verdict = bj.check_claim(pct=30)
    assert verdict.rule_note == "Beijing Stock Exchange: ±30% of the previous close"
    rule = daily_limit("830799.BJ", bj.event_date)
    assert (verdict.limit_up, verdict.limit_down) == limit_prices(verdict.prices.preclose, rule)
    listing = bj.check_claim(pct=30, days_listed=1)
    assert listing.rule_note == "Beijing Stock Exchange: no price limit on the listing day"
    early = eventstudy.check_claim("830799.BJ", "2021-09-13", pct=10, data=rows)
    assert early.rule is None and "began trading on 2021-11-15" in early.rule_note


def test_sh_tickers_are_read_from_the_bundled_data_as_yahoo_spells_them() -> None:
    """A ``.SH`` ticker with the default data: the bundled (Yahoo-spelled ``.SS``) series,
    under the user's spelling, with the source's spelling in the provenance."""
    assert yahoo_ticker("600104.SH") == "600104.SS"
    assert yahoo_ticker("600104.SS") == "600104.SS"
    frame = load_prices("600104.SH", "2021-09-13", "2021-09-13")
    original = load_prices("600104.SS", "2021-09-13", "2021-09-13")
    assert (frame["ticker"] == "600104.SH").all()
    pd.testing.assert_frame_equal(frame.drop(columns="ticker"), original.drop(columns="ticker"))
    assert frame.attrs["provenance"]["source_ticker"] == "600104.SS"
    sh = eventstudy.run("600104.SH", "2021-09-13")
    ss = eventstudy.run("600104.SS", "2021-09-13")
    assert (sh.ticker, sh.market) == ("600104.SH", "000001.SH")
    np.testing.assert_array_equal(sh.abnormal["ar"], ss.abnormal["ar"])
