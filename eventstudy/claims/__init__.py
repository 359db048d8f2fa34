"""Judge what news said about a stock's price against the real prices.

A claim flows one way: :func:`extract` finds claims in English and Chinese text (or
:func:`read_claim` reads figures given as arguments, or :func:`load_seed` a recorded
article), each a :class:`Claim`; :func:`gather_evidence` collects day 0's prices, limit
prices, abnormal return and exchange rate as :class:`Evidence`; :func:`judge` compares each
claimed figure (a percent move, a price, a US-dollar conversion) with the day's close,
intraday high or low and China's daily limit prices, and returns a :class:`ClaimVerdict`.

This package never runs an event study: :meth:`eventstudy.EventStudyResult.check_claim`
and :func:`eventstudy.check_claim` do, and hand it the abnormal return.
"""

from __future__ import annotations

import warnings
from typing import Any

from eventstudy.claims.comparison import FigureCheck
from eventstudy.claims.evidence import DayPrices, Evidence, gather_evidence
from eventstudy.claims.extract import extract
from eventstudy.claims.figures import Claim, read_claim
from eventstudy.claims.seeds import SeedRecord, SeedReport, load_seed
from eventstudy.claims.verdict import ClaimOptions, ClaimVerdict, judge
from eventstudy.limits import limit_flags, limit_prices, limit_rule
from eventstudy.markets import LimitRule

__all__ = [
    "Claim",
    "ClaimOptions",
    "ClaimVerdict",
    "DayPrices",
    "Evidence",
    "FigureCheck",
    "LimitRule",
    "SeedRecord",
    "SeedReport",
    "check_claim_on_result",
    "extract",
    "gather_evidence",
    "judge",
    "limit_flags",
    "limit_prices",
    "limit_rule",
    "load_seed",
    "read_claim",
]

#: Names that moved up to ``eventstudy`` because they run an event study.
_MOVED = {"check_claim": "eventstudy.check_claim", "check_seed": "eventstudy.check_seed"}


def check_claim_on_result(result: Any, **figures: Any) -> ClaimVerdict:
    """Deprecated: use ``result.check_claim(...)``.

    Kept for one release; takes the keyword arguments of
    :meth:`eventstudy.EventStudyResult.check_claim`.
    """
    warnings.warn(
        "eventstudy.claims.check_claim_on_result(result, ...) is deprecated; call "
        "result.check_claim(...) instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    verdict: ClaimVerdict = result.check_claim(**figures)
    return verdict


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        raise AttributeError(
            f"eventstudy.claims.{name} moved to {_MOVED[name]} (it runs an event study, which "
            f"the claims package no longer does); use {_MOVED[name]}."
        )
    raise AttributeError(f"module 'eventstudy.claims' has no attribute {name!r}")
