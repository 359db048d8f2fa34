"""Markets known by their calendar, default index and currency only: US, Tokyo, London, Xetra.

Their tick sizes are not modelled (they depend on more than the price: the stock's index
membership in Tokyo, its liquidity band under MiFID II in London and Frankfurt), and no daily
price limit is applied: the US, London and Xetra have none, only short trading pauses
(limit-up/limit-down, automatic execution suspensions, volatility interruptions); Tokyo has
daily price limits in yen by price band, which are not modelled.
"""

from __future__ import annotations

import datetime as dt

from eventstudy.markets._market import Market

_PAUSES = "no daily price limit ({} pause trading briefly; they are not a daily limit)"

US = Market(
    suffix="",
    exchange="US",
    name="US exchanges (NYSE, Nasdaq)",
    calendar="XNYS",
    timezone="America/New_York",
    close=dt.time(16, 0),
    index="^GSPC",
    comparison=None,
    currency="USD",
    ticks=(),
    limits=None,
    limit_note=_PAUSES.format("limit-up/limit-down bands"),
)

TOKYO = Market(
    suffix=".T",
    exchange="TSE",
    name="Tokyo Stock Exchange",
    calendar="XTKS",
    timezone="Asia/Tokyo",
    close=dt.time(15, 30),  # 15:00 before 2024-11-05; the calendar has both
    index="^N225",
    comparison=None,
    currency="JPY",
    ticks=(),
    limits=None,
    limit_note=(
        "Tokyo's daily price limits (yen amounts by price band) are not modelled: no daily "
        "price limit is applied"
    ),
)

LONDON = Market(
    suffix=".L",
    exchange="LSE",
    name="London Stock Exchange",
    calendar="XLON",
    timezone="Europe/London",
    close=dt.time(16, 30),
    index="^FTSE",
    comparison=None,
    currency="GBp",
    ticks=(),
    limits=None,
    limit_note=_PAUSES.format("automatic execution suspensions"),
)

XETRA = Market(
    suffix=".DE",
    exchange="Xetra",
    name="Xetra (Deutsche Börse)",
    calendar="XETR",
    timezone="Europe/Berlin",
    close=dt.time(17, 30),
    index="^GDAXI",
    comparison=None,
    currency="EUR",
    ticks=(),
    limits=None,
    limit_note=_PAUSES.format("volatility interruptions"),
)

MARKETS = (US, TOKYO, LONDON, XETRA)
