"""How every number is written: one function per kind of number, used by every output.

The summaries, the notebooks, the report's Markdown, HTML and JSON texts and the chart labels
all format their numbers here, so the same statistic of the same result reads the same
everywhere. A missing value (None, NaN, pandas' NA) is written as an en dash, "–".

=====================  =============================  ==========================
function               writes                         example
=====================  =============================  ==========================
:func:`percent`        a fraction as a percentage     ``+4.53%``
:func:`pvalue`         a p-value                      ``0.031``, ``< 0.001``
:func:`tstat`          a test statistic               ``2.17``
:func:`test`           a statistic with its p-value   ``t = 2.17, p = 0.031``
:func:`p_is`           a p-value in a sentence        ``p = 0.031``, ``p < 0.009``
:func:`count`          a whole number                 ``110,009,880``
:func:`millions`       a number in millions           ``110.0 million``
:func:`multiple`       a ratio to a normal level      ``4.6 times``
:func:`price`          a price                        ``12.11``
:func:`number`         any other number               ``0.4893``
:func:`window`         a window of relative days      ``[-1, +1]``, ``day 0``
:func:`signed_day`     a relative day                 ``+1``
:func:`significance`   a p-value against a level      ``significant at the 5% level``
:func:`table`          a table, column by column      (for notebooks and reports)
=====================  =============================  ==========================

Examples
--------
>>> percent(0.0452643), pvalue(0.0313), pvalue(0.0004), count(110009880)
('+4.53%', '0.031', '< 0.001', '110,009,880')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from eventstudy._typing import signed_day

__all__ = [
    "MISSING",
    "count",
    "millions",
    "multiple",
    "number",
    "p_is",
    "percent",
    "price",
    "pvalue",
    "signed_day",
    "significance",
    "table",
    "test",
    "tstat",
    "window",
]

#: How a missing value is written.
MISSING = "–"


def _missing(value: Any) -> bool:
    """None, NaN of any float type, pandas' NA or NaT."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def percent(value: float | None, digits: int = 2, *, sign: bool = True) -> str:
    """A fraction as a percentage: ``0.0453`` → ``"+4.53%"`` (``sign=False``: ``"4.53%"``).

    Examples
    --------
    >>> percent(-0.0125806), percent(0.020853, sign=False)
    ('-1.26%', '2.09%')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value * 100:{'+' if sign else ''}.{digits}f}%"


def pvalue(value: float | None, digits: int = 3, *, floor: float | None = None) -> str:
    """A p-value with ``digits`` decimals; below ``10**-digits`` it reads ``"< 0.001"``.

    Parameters
    ----------
    value : float
    digits : int
    floor : float, optional
        The smallest positive p-value the test can give, for tests that count (the SQ test
        with n sums: 2/n). A p-value of 0 then reads ``"< floor"`` rounded up to ``digits``
        decimals: with 240 sums, ``"< 0.009"``, not ``"0.000"`` or ``"< 0.001"``.

    Examples
    --------
    >>> pvalue(0.0049), pvalue(0.0), pvalue(0.0, floor=2 / 240), pvalue(1.0)
    ('0.005', '< 0.001', '< 0.009', '1.000')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    step = 10.0**-digits
    if floor is not None and value < floor:
        return f"< {math.ceil(floor / step - 1e-9) * step:.{digits}f}"
    if value < step / 2:
        return f"< {step:.{digits}f}"
    return f"{value:.{digits}f}"


def tstat(value: float | None, digits: int = 2) -> str:
    """A test statistic (t, z) with ``digits`` decimals.

    Examples
    --------
    >>> tstat(2.1664), tstat(-0.3461)
    ('2.17', '-0.35')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.{digits}f}"


def test(
    statistic: float | None, p: float | None, name: str = "t", *, floor: float | None = None
) -> str:
    """A statistic and its p-value: ``"t = 2.17, p = 0.031"``.

    Examples
    --------
    >>> test(2.8734, 0.00443)
    't = 2.87, p = 0.004'
    """
    return f"{name} = {tstat(statistic)}, {p_is(p, floor=floor)}"


def p_is(p: float | None, *, floor: float | None = None) -> str:
    """``"p = 0.031"``, or ``"p < 0.001"`` (see :func:`pvalue` for ``floor``).

    Examples
    --------
    >>> p_is(0.0417), p_is(0.0, floor=2 / 240)
    ('p = 0.042', 'p < 0.009')
    """
    text = pvalue(p, floor=floor)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def count(value: float | None) -> str:
    """A whole number with thousands separators: ``"110,009,880"``.

    Examples
    --------
    >>> count(240), count(110009880.0)
    ('240', '110,009,880')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{round(value):,d}"


def millions(value: float | None, digits: int = 1) -> str:
    """A number in millions: ``110009880`` → ``"110.0 million"``.

    Examples
    --------
    >>> millions(110009880)
    '110.0 million'
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value / 1e6:,.{digits}f} million"


def multiple(value: float | None, digits: int = 1) -> str:
    """A ratio to a normal level: ``4.58`` → ``"4.6 times"``.

    Examples
    --------
    >>> multiple(4.579), multiple(0.52)
    ('4.6 times', '0.5 times')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.{digits}f} times"


def price(value: float | None, digits: int = 2) -> str:
    """A price with ``digits`` decimals (``12.11``, ``12.70``).

    Examples
    --------
    >>> price(12.7)
    '12.70'
    """
    return number(value, digits)


def number(value: float | None, digits: int = 4) -> str:
    """Any other number, with ``digits`` decimals.

    Examples
    --------
    >>> number(0.489295), number(float("nan"))
    ('0.4893', '–')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.{digits}f}"


def window(start: int, end: int) -> str:
    """A closed window of relative days in words: ``"day 0"`` or ``"[-1, +1]"``.

    Examples
    --------
    >>> window(0, 0), window(-1, 1)
    ('day 0', '[-1, +1]')
    """
    if start == end:
        return f"day {signed_day(start)}"
    return f"[{signed_day(start)}, {signed_day(end)}]"


def significance(p: float | None, level: float = 0.05) -> str:
    """Whether ``p`` is below ``level``, in words.

    Examples
    --------
    >>> significance(0.031), significance(0.051)
    ('significant at the 5% level', 'not significant at the 5% level')
    """
    where = f"at the {level * 100:g}% level"
    if _missing(p):
        return f"not tested {where}"
    assert p is not None
    return f"significant {where}" if p < level else f"not significant {where}"


def table(
    frame: pd.DataFrame,
    formats: Mapping[str, Callable[[Any], str]],
    *,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A table for reading: each column written by its function, headers renamed.

    Parameters
    ----------
    frame : pandas.DataFrame
    formats : mapping of column name to function
        How each column is written; columns without one are written with :func:`number`
        (numbers) or as they are (text).
    names : mapping of column name to header, optional
        Headers for reading (``{"ar": "abnormal return"}``).

    Returns
    -------
    pandas.DataFrame
        The same rows, every cell a string, the index as text.

    Examples
    --------
    >>> frame = pd.DataFrame({"volume": [110009880.0], "ret": [0.0422], "limit": [True]},
    ...                      index=["13 Sep"])
    >>> table(frame, {"volume": count, "ret": percent}, names={"ret": "return"})
                 volume  return limit
    13 Sep  110,009,880  +4.22%   yes
    """
    out = pd.DataFrame(index=frame.index.astype(str))
    out.index.name = frame.index.name
    for column in frame.columns:
        write = formats.get(str(column), _cell)
        out[str((names or {}).get(str(column), column))] = [write(v) for v in frame[column]]
    return out


def _cell(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return count(float(value))
    if isinstance(value, numbers.Real):
        return number(float(value))
    return MISSING if value is None or value is pd.NA else str(value)
