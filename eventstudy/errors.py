"""Errors and warnings raised by eventstudy.

Every error derives from :class:`EventStudyError` and from the matching built-in
exception, so ``except ValueError`` keeps working. Messages name the input, what was
expected, and what to do about it.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent)


class EventStudyError(Exception):
    """Base class of every error raised by eventstudy."""


class InvalidInputError(EventStudyError, ValueError):
    """An argument has a value eventstudy cannot use (wrong option, bad date, bad window)."""


class DataFormatError(EventStudyError, ValueError):
    """A price table is malformed: missing columns, unparseable dates, duplicates, bad prices."""


class DataUnavailableError(EventStudyError, LookupError):
    """No source could provide the prices asked for (ticker unknown, offline, out of range)."""


class InsufficientDataError(EventStudyError, ValueError):
    """There is data, but not enough of it for the requested windows or statistic."""


class CacheError(EventStudyError, OSError):
    """The local price cache could not be read or written."""


class MissingDependencyError(EventStudyError, ImportError):
    """An optional package that the requested feature needs is not installed."""


class EventStudyWarning(UserWarning):
    """Base class of every warning issued by eventstudy."""


class DataQualityWarning(EventStudyWarning):
    """The data allow the computation but with a caveat (e.g. no dividend adjustment)."""


def warn(message: str, category: type[Warning]) -> None:
    """Issue a warning that points at the user's line: the first caller outside eventstudy.

    A fixed ``stacklevel`` points inside the package whenever the same warning is reached
    through another entry point (``run``, ``study``, the CLI, a result's method).
    """
    frame = sys._getframe(1)
    level = 2  # warnings.warn(stacklevel=2) names this function's caller
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
