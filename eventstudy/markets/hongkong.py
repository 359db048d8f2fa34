"""Hong Kong: the Stock Exchange of Hong Kong (``.HK``), its spread table, no daily limit.

Sessions and holidays are exchange-calendars' ``XHKG`` (16:00 close, Hong Kong time; half
days close at 12:00). The default index is the Hang Seng Index (``^HSI``); prices are in Hong
Kong dollars.

Hong Kong has no daily price limit. Its volatility control mechanism (from 2016) only pauses
trading for a few minutes when a price moves too far within minutes; it is not modelled.

Tick size is the exchange's spread table: the price step depends on the price band. From
2006-07-24 (the "Phase 2A" reduction of minimum spreads) to 2025-08-03:

==================  ======
price (HK$)         step
==================  ======
0.01 – 0.25         0.001
over 0.25 – 0.50    0.005
over 0.50 – 10      0.01
over 10 – 20        0.02
over 20 – 100       0.05
over 100 – 200      0.1
over 200 – 500      0.2
over 500 – 1,000    0.5
over 1,000 – 2,000  1
over 2,000 – 5,000  2
over 5,000 – 9,995  5
==================  ======

From 2025-08-04 (Phase 1 of the 2024 reduction of minimum spreads) the step is 0.01 over
10 – 20 and 0.02 over 20 – 50; 0.05 remains over 50 – 100. Phase 2 (0.005 over 0.50 – 10,
announced for mid-2026) is not in the table: add it with its effective date once known.
Earlier tables (before 2006-07-24) are not modelled. The table applies to equities and REITs,
not to exchange-traded products, structured products or debt securities.

References
----------
Hong Kong Exchanges and Clearing, *Rules of the Exchange*: the spread table.
HKEx, "HKEx sets date for reduction of minimum trading spreads for securities priced between
$2 and $20" (news release, 18 July 2006): in force 24 July 2006.
HKEX, *Consultation conclusions on the proposed reduction of minimum spreads in the Hong Kong
securities market* (17 December 2024); Phase 1 took effect on 4 August 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from eventstudy.markets._market import Market, TickTable

_SPREADS_2006 = (
    ("0.25", "0.001"),
    ("0.50", "0.005"),
    ("10", "0.01"),
    ("20", "0.02"),
    ("100", "0.05"),
    ("200", "0.1"),
    ("500", "0.2"),
    ("1000", "0.5"),
    ("2000", "1"),
    ("5000", "2"),
    ("9995", "5"),
)
_SPREADS_2025 = (
    ("0.25", "0.001"),
    ("0.50", "0.005"),
    ("10", "0.01"),
    ("20", "0.01"),
    ("50", "0.02"),
    ("100", "0.05"),
    ("200", "0.1"),
    ("500", "0.2"),
    ("1000", "0.5"),
    ("2000", "1"),
    ("5000", "2"),
    ("9995", "5"),
)


def _table(since: str, bands: tuple[tuple[str, str], ...], source: str) -> TickTable:
    return TickTable(
        since=pd.Timestamp(since),
        bands=tuple((Decimal(upper), Decimal(step)) for upper, step in bands),
        lowest=Decimal("0.01"),
        source=source,
    )


HONG_KONG = Market(
    suffix=".HK",
    exchange="HKEX",
    name="Stock Exchange of Hong Kong",
    calendar="XHKG",
    timezone="Asia/Hong_Kong",
    close=dt.time(16, 0),
    index="^HSI",
    comparison=None,
    currency="HKD",
    ticks=(
        _table("2006-07-24", _SPREADS_2006, "HKEX spread table from 2006-07-24"),
        _table("2025-08-04", _SPREADS_2025, "HKEX spread table from 2025-08-04 (Phase 1)"),
    ),
    limits=None,
    limit_note=(
        "no daily price limit (Hong Kong's volatility control mechanism pauses trading for "
        "a few minutes; it is not a daily limit)"
    ),
)
