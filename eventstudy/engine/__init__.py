"""From a list of events to fitted models: the one code path behind ``run`` and ``study``.

- :mod:`eventstudy.engine.events`: the events as given, their dates, and why each cannot be
  studied (:class:`~eventstudy.engine.events.Problems`, errors kept with their type);
- :mod:`eventstudy.engine.prices`: each ticker's prices loaded once for a batch
  (:class:`~eventstudy.engine.prices.PriceLoader`), and what was loaded kept as plain data
  (:class:`~eventstudy.engine.prices.LoadedPrices`);
- :mod:`eventstudy.engine.prepare`: the steps from events to a fitted :class:`Batch`.
"""

from eventstudy.engine.events import OK, normalise_events
from eventstudy.engine.prepare import Batch, prepare, warn_missing_days
from eventstudy.engine.prices import LoadedPrices, PriceLoader

__all__ = [
    "OK",
    "Batch",
    "LoadedPrices",
    "PriceLoader",
    "normalise_events",
    "prepare",
    "warn_missing_days",
]
