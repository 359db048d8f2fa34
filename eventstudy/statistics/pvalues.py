"""Reference distributions of the tests: two-sided p-values and critical values.

The tail probabilities come from :mod:`scipy.special` (``ndtr``, ``stdtr``, ``stdtrit``,
``fdtrc``), the functions :mod:`scipy.stats` itself evaluates for these distributions, so the
numbers are the same. :mod:`scipy.special` is imported inside the functions and costs a
fraction of :mod:`scipy.stats` to load, so ``import eventstudy`` and the first result stay fast.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from eventstudy.errors import InvalidInputError
from eventstudy.panel import FloatArray


class Statistic(NamedTuple):
    """A test statistic and its two-sided p-value, one per tested day or window."""

    statistic: FloatArray
    pvalue: FloatArray


def normal_pvalue(z: FloatArray) -> FloatArray:
    """Two-sided p-value of ``z`` under the standard normal: ``2 Φ(−|z|)``."""
    from scipy.special import ndtr

    return np.asarray(2.0 * ndtr(-np.abs(z)))


def t_pvalue(t: FloatArray, df: FloatArray) -> FloatArray:
    """Two-sided p-value of ``t`` under Student's t with ``df`` degrees of freedom."""
    return np.asarray(2.0 * t_upper(np.abs(t), df))


def t_upper(t: FloatArray, df: FloatArray) -> FloatArray:
    """One-sided p-value ``P(T > t)`` under Student's t with ``df`` degrees of freedom."""
    from scipy.special import stdtr

    return np.asarray(stdtr(df, -np.asarray(t)))


def t_critical(level: float, df: FloatArray | float) -> FloatArray:
    """Two-sided critical value ``t_{1−α/2, df}`` of a confidence ``level`` (e.g. 0.95).

    Raises
    ------
    InvalidInputError
        If ``level`` is not between 0 and 1.

    Examples
    --------
    >>> round(float(t_critical(0.95, 238)), 6)
    1.969982
    """
    from scipy.special import stdtrit

    if not 0.0 < level < 1.0:
        raise InvalidInputError(f"level={level!r} must be between 0 and 1, e.g. 0.95.")
    return np.asarray(stdtrit(df, 0.5 + level / 2.0))


def f_upper(f: FloatArray, dfn: FloatArray | float, dfd: FloatArray | float) -> FloatArray:
    """``P(F > f)`` under the F distribution with ``(dfn, dfd)`` degrees of freedom, f ≥ 0."""
    from scipy.special import fdtrc

    return np.asarray(fdtrc(dfn, dfd, f))
