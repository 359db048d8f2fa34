"""China A shares: Shanghai, Shenzhen and Beijing, their boards, tick and daily price limits.

The three exchanges share one trading calendar (exchange-calendars' ``XSHG`` serves all
three: their sessions and holidays are the same), the 15:00 close in Beijing time, the yuan
and a price step of 0.01 yuan. They cap how far a stock may trade from its previous close in
one day; a day's limit prices are

    limit-up   = round-half-up(preclose × (1 + up), tick)
    limit-down = round-half-up(preclose × (1 − down), tick)

where ``preclose`` is the exchange's (ex-rights) previous close and the result is rounded to
the price step, halves up ("计算结果按照四舍五入原则取至价格最小变动单位", SSE / SZSE Trading
Rules, price limits). Which limit applies depends on the board, the date, risk warning
(ST / \\*ST), the days since listing and whether the day follows a relisting; :data:`RULES`
lists the rules in the order they are tried, each with the exchange rule that sets it:

==================================  ==========================  ==============================
stock-day                           limit                       source
==================================  ==========================  ==============================
first day after a relisting         none                        SSE Trading Rules (2020
(重新上市) or a restoration of                                   revision) and SZSE Trading
listing (恢复上市)                                               Rules (2020 revision): no limit
                                                                on the first day of a stock
                                                                relisted after delisting or
                                                                restored after a suspension of
                                                                listing
first five days after a             none                        SSE STAR Market Trading Special
registration-system IPO (STAR;                                  Rules (科创板股票交易特别规定,
ChiNext from 2020-08-24; main                                   2019); SZSE ChiNext Trading
boards from 2023-04-10)                                         Special Rules (创业板交易特别
                                                                规定, 2020, in force
                                                                2020-08-24); SSE / SZSE Trading
                                                                Rules (2023 revisions)
Beijing, listing day of a public    none                        BSE Trading Rules (for trial
offering                                                        implementation) (北京证券交易所
                                                                交易规则(试行), 2021)
listing day of an earlier main-     +44% / −36% of the offer    SSE notice on the supervision
board or ChiNext IPO                price (orders between 64%   of trading in new listings
                                    and 144% of it; the offer   (关于加强新股上市初期交易监管的
                                    price is the day's          通知, 2013-12-13, from
                                    previous close in exchange  2014-01-01); SZSE Trading Rules
                                    data)                       (2016 revision)
main board, ST and \\*ST             ±5% (±10% from 2025-07-07)  SSE / SZSE Trading Rules; SSE /
                                                                SZSE notice adjusting the limit
                                                                of main-board risk-warning
                                                                stocks (关于调整主板风险警示股票
                                                                价格涨跌幅限制比例及有关事项的
                                                                通知, 2025, in force 2025-07-07)
main board (SSE 600, 601, 603,      ±10%                        SSE / SZSE Trading Rules
605; SZSE 000, 001, 002, 003)
ChiNext (300, 301)                  ±20% from 2020-08-24,       SZSE ChiNext Trading Special
                                    ±10% before                 Rules (2020): every ChiNext
                                                                stock, also those listed before
STAR Market (688, 689)              ±20% (from 2019-07-22)      SSE STAR Market Trading Special
                                                                Rules (2019)
Beijing (920, 8…, 4…)               ±30% (from 2021-11-15)      BSE Trading Rules (2021)
==================================  ==========================  ==============================

On ChiNext, STAR and Beijing an ST stock has the board's ordinary limit. The NEEQ select-layer
stocks that moved to the Beijing exchange on its first day (2021-11-15) were not new listings
there: ±30% from that day (the ten listings of that day had no limit). A stock in its
delisting period (退市整理期: names ending in 退 or starting with 退市) has the board's ordinary
limit from its first day, 10% on the main boards (not the 5% of ST): every such first day in
2019–2022 opens, trades and closes at exactly −10% (−20% on ChiNext in 2021). Day markers in a
name are not rules: ``N`` (listing day), ``C`` (a ChiNext registration listing's days 2–5),
``XD`` / ``XR`` / ``DR`` (ex-dates, where the previous close is already ex-rights). Temporary
intraday halts on a listing day (at ±10% and ±20% of the open) are not limits and are not
modelled. The rules were checked on every stock-day of 2019-01-02 .. 2022-01-14 (see
``docs/ashare-limits.md``).

Funds, bonds, B shares and indices are not covered: their codes are not on a board.

Default indices: the SSE Composite (``000001.SS``) for Shanghai, the SZSE Component
(``399001.SZ``) for Shenzhen, and for Beijing the CSI 300 (``000300.SS``). The exchange's own
indices started after it did (the BSE 50, code 899050, from 2022-04-29), so they have no
history for an estimation window in the exchange's first year, and Yahoo does not carry
them; the CSI 300 spans both older exchanges, has prices for every Beijing trading day and
is in the bundled data. Pass ``market=`` to use another index. Reports compare mainland
stocks with the CSI 300 as well.

``.SH`` is the spelling of Shanghai tickers used by Wind, Tushare and other vendors (Yahoo
writes ``.SS``): the same exchange, whose default indices are then spelled ``.SH`` too, as
such a vendor's table holds them (``000001.SH``, ``000300.SH``).

References
----------
Shanghai Stock Exchange, *Trading Rules* (上海证券交易所交易规则), 2020 and 2023 revisions.
Shenzhen Stock Exchange, *Trading Rules* (深圳证券交易所交易规则), 2016, 2020 and 2023 revisions.
Shenzhen Stock Exchange, *ChiNext Trading Special Rules* (2020), in force 2020-08-24.
Shanghai Stock Exchange, *STAR Market Trading Special Rules* (2019).
Beijing Stock Exchange, *Trading Rules (for trial implementation)* (2021), in force
2021-11-15.
Shanghai Stock Exchange, notice on strengthening the supervision of trading in newly listed
stocks (2013-12-13).
Shanghai and Shenzhen Stock Exchanges, notice adjusting the price-limit ratio of main-board
risk-warning stocks (2025), in force 2025-07-07.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd

from eventstudy.markets._market import Facts, LimitRules, Market, Rule, TickTable

#: Price step of A shares, in yuan.
TICK = Decimal("0.01")

STAR_OPENED = pd.Timestamp("2019-07-22")
CHINEXT_REFORM = pd.Timestamp("2020-08-24")
BSE_OPENED = pd.Timestamp("2021-11-15")
MAIN_BOARD_REGISTRATION = pd.Timestamp("2023-04-10")
MAIN_ST_TEN_PERCENT = pd.Timestamp("2025-07-07")

_TRADING_RULES = "SSE / SZSE Trading Rules (2020 and 2023 revisions), price limits"


def _since(facts: Facts, day: pd.Timestamp) -> npt.NDArray[np.bool_]:
    return facts.day >= day.to_datetime64()


def _on(facts: Facts, board: str) -> npt.NDArray[np.bool_]:
    on: npt.NDArray[np.bool_] = facts.board == board
    return on


def _registration_ipo(facts: Facts) -> npt.NDArray[np.bool_]:
    registration = (
        _on(facts, "STAR")
        | (_on(facts, "ChiNext") & _since(facts, CHINEXT_REFORM))
        | (_on(facts, "main") & _since(facts, MAIN_BOARD_REGISTRATION))
    )
    return registration & (facts.days_listed <= 5)


def _approval_ipo_listing_day(facts: Facts) -> npt.NDArray[np.bool_]:
    approval = (_on(facts, "main") & ~_since(facts, MAIN_BOARD_REGISTRATION)) | (
        _on(facts, "ChiNext") & ~_since(facts, CHINEXT_REFORM)
    )
    listing_day: npt.NDArray[np.bool_] = facts.days_listed == 1
    return approval & listing_day


def _main_st(facts: Facts) -> npt.NDArray[np.bool_]:
    return _on(facts, "main") & facts.st


RULES: tuple[Rule, ...] = (
    Rule(
        "relisting day",
        None,
        None,
        "{board}: no price limit on the first trading day after a relisting or a restoration "
        "of listing",
        "SSE Trading Rules (2020 revision) and SZSE Trading Rules (2020 revision): no price "
        "limit on the first day of a stock relisted after delisting (退市后重新上市) or "
        "restored after a suspension of listing (暂停上市后恢复上市)",
        lambda f: f.relisting,
    ),
    Rule(
        "registration IPO, first 5 days",
        None,
        None,
        "{board}: no price limit on the first five trading days after an IPO (day {days_listed})",
        "SSE STAR Market Trading Special Rules (2019); SZSE ChiNext Trading Special Rules "
        "(2020); SSE / SZSE Trading Rules (2023 revision) for the main boards",
        _registration_ipo,
    ),
    Rule(
        "BSE listing day",
        None,
        None,
        "{board}: no price limit on the listing day",
        "BSE Trading Rules (for trial implementation) (2021)",
        lambda f: _on(f, "Beijing") & (f.days_listed == 1),
    ),
    Rule(
        "IPO listing day",
        44,
        36,
        "{board}: listing day, between 64% and 144% of the offer price",
        "SSE notice on the supervision of trading in new listings (2013-12-13) and SZSE "
        "Trading Rules (2016 revision): a new listing's first-day orders lie between 64% and "
        "144% of the offer price (the offer price is that day's previous close)",
        _approval_ipo_listing_day,
    ),
    Rule(
        "main ST 10%",
        10,
        10,
        "{board}{st}: ±10% of the previous close",
        "SSE / SZSE notice adjusting the price-limit ratio of main-board risk-warning stocks "
        "(2025), in force 2025-07-07",
        lambda f: _main_st(f) & _since(f, MAIN_ST_TEN_PERCENT),
    ),
    Rule(
        "main ST 5%",
        5,
        5,
        "{board}{st}: ±5% of the previous close",
        _TRADING_RULES,
        _main_st,
    ),
    Rule(
        "main 10%",
        10,
        10,
        "{board}{st}: ±10% of the previous close",
        _TRADING_RULES,
        lambda f: _on(f, "main"),
    ),
    Rule(
        "ChiNext 20%",
        20,
        20,
        "{board}{st}: ±20% of the previous close",
        "SZSE ChiNext Trading Special Rules (2020), in force 2020-08-24",
        lambda f: _on(f, "ChiNext") & _since(f, CHINEXT_REFORM),
    ),
    Rule(
        "ChiNext 10%",
        10,
        10,
        "{board}{st}: ±10% of the previous close",
        _TRADING_RULES,
        lambda f: _on(f, "ChiNext"),
    ),
    Rule(
        "STAR 20%",
        20,
        20,
        "{board}{st}: ±20% of the previous close",
        "SSE STAR Market Trading Special Rules (2019)",
        lambda f: _on(f, "STAR"),
    ),
    Rule(
        "BSE 30%",
        30,
        30,
        "{board}{st}: ±30% of the previous close",
        "BSE Trading Rules (for trial implementation) (2021)",
        lambda f: _on(f, "Beijing"),
    ),
)

_NAMES = {
    "main": "main board",
    "ChiNext": "ChiNext",
    "STAR": "STAR Market",
    "Beijing": "Beijing Stock Exchange",
}
_OPENED = {"STAR": STAR_OPENED, "Beijing": BSE_OPENED}


def _rules(*boards: tuple[str, str]) -> LimitRules:
    return LimitRules(boards=boards, names=_NAMES, opened=_OPENED, rules=RULES, tick=TICK)


TICKS = (
    TickTable(
        since=None,
        bands=((Decimal("Infinity"), TICK),),
        lowest=TICK,
        source="SSE / SZSE / BSE Trading Rules: A-share prices move in steps of 0.01 yuan",
    ),
)

SHANGHAI = Market(
    suffix=".SS",
    exchange="SSE",
    name="Shanghai Stock Exchange",
    calendar="XSHG",
    timezone="Asia/Shanghai",
    close=dt.time(15, 0),
    index="000001.SS",
    comparison="000300.SS",
    currency="CNY",
    ticks=TICKS,
    limits=_rules(
        ("600", "main"),
        ("601", "main"),
        ("603", "main"),
        ("605", "main"),
        ("688", "STAR"),
        ("689", "STAR"),
    ),
)

SHANGHAI_SH = replace(
    SHANGHAI, suffix=".SH", index="000001.SH", comparison="000300.SH", yahoo_suffix=".SS"
)

SHENZHEN = replace(
    SHANGHAI,
    suffix=".SZ",
    exchange="SZSE",
    name="Shenzhen Stock Exchange",
    index="399001.SZ",
    limits=_rules(
        ("000", "main"),
        ("001", "main"),
        ("002", "main"),
        ("003", "main"),
        ("300", "ChiNext"),
        ("301", "ChiNext"),
    ),
)

BEIJING = replace(
    SHANGHAI,
    suffix=".BJ",
    exchange="BSE",
    name="Beijing Stock Exchange",
    index="000300.SS",
    comparison=None,
    limits=_rules(("920", "Beijing"), ("8", "Beijing"), ("4", "Beijing")),
)

MARKETS = (SHANGHAI, SHANGHAI_SH, SHENZHEN, BEIJING)
