"""Judge what news said about a stock's price against the real prices.

:func:`check_claim` compares claimed figures (a percent move, a price, a US-dollar
conversion) with the day's close, intraday high or low and China's daily limit prices, and
reports the abnormal return beside them. :func:`extract` finds such claims in English and
Chinese text; :func:`check_seed` checks the claims of a recorded article (``seeds/``).
"""

from __future__ import annotations

from eventstudy.claims.check import ClaimVerdict, FigureCheck, check_claim, check_claim_on_result
from eventstudy.claims.extract import Claim, extract
from eventstudy.claims.limits import limit_flags, limit_prices, limit_rule
from eventstudy.claims.seeds import SeedRecord, SeedReport, check_seed, load_seed
from eventstudy.markets import LimitRule

__all__ = [
    "Claim",
    "ClaimVerdict",
    "FigureCheck",
    "LimitRule",
    "SeedRecord",
    "SeedReport",
    "check_claim",
    "check_claim_on_result",
    "check_seed",
    "extract",
    "limit_flags",
    "limit_prices",
    "limit_rule",
    "load_seed",
]
