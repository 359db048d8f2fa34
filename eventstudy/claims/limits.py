"""Limit prices of one day and limit flags of a stock: kept here under their old names.

They live in :mod:`eventstudy.limits`, beside :func:`eventstudy.limits.limits` for a whole
price table; the rules are the market registry's (:mod:`eventstudy.markets.ashare`).
"""

from __future__ import annotations

from eventstudy.limits import limit_flags, limit_prices, limit_rule, to_decimal

__all__ = ["limit_flags", "limit_prices", "limit_rule", "to_decimal"]
