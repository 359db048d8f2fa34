"""eventstudy: how a stock reacted to news, and whether the news got the numbers right.

>>> import eventstudy
>>> result = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
>>> result.car(0, 0)
CarResult([0,0], car=0.0452643, t=2.166, pvalue=0.03134, sq_pvalue=0.04167)
>>> print(result.summary())  # doctest: +ELLIPSIS
Event study (abnormal returns): 000800.SZ around 2021-09-13
...
"""

from __future__ import annotations

from eventstudy import events
from eventstudy._version import __version__
from eventstudy.api import check_claim, check_seed, run, study
from eventstudy.claims import ClaimVerdict
from eventstudy.errors import (
    CacheError,
    DataFormatError,
    DataQualityWarning,
    DataUnavailableError,
    EventStudyError,
    EventStudyWarning,
    InsufficientDataError,
    InvalidInputError,
)
from eventstudy.limits import limits
from eventstudy.results.event import CarResult, EventStudyResult
from eventstudy.results.study import StudyResult
from eventstudy.securities import security
from eventstudy.simulate import simulate
from eventstudy.sources import load_prices
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions

__all__ = [
    "CacheError",
    "CarResult",
    "ClaimVerdict",
    "Conventions",
    "DataFormatError",
    "DataQualityWarning",
    "DataUnavailableError",
    "EventStudyError",
    "EventStudyResult",
    "EventStudyWarning",
    "InsufficientDataError",
    "InvalidInputError",
    "StudyResult",
    "StudySpec",
    "__version__",
    "check_claim",
    "check_seed",
    "events",
    "limits",
    "load_prices",
    "run",
    "security",
    "simulate",
    "study",
]
