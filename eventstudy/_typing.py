"""Option types shared across the package, and the runtime check built from them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeVar, get_args

from eventstudy.errors import InvalidInputError

ReturnsKind = Literal["simple", "log"]
SourceName = Literal["auto", "bundled", "yahoo", "cache"]
Measure = Literal["returns", "volume", "raw_volume", "volatility"]
GapRule = Literal["compound", "drop"]
ColorConvention = Literal["us", "cn"]

Window = tuple[int, int]

F = TypeVar("F", bound=Callable[..., Any])


def check_option(value: str, allowed: object, name: str) -> str:
    """Return ``value`` if it is one of the ``Literal`` values of ``allowed``.

    Parameters
    ----------
    value : str
        The value given by the user.
    allowed : Literal type
        The ``Literal[...]`` type that lists the valid values.
    name : str
        The argument's name, for the error message.

    Raises
    ------
    InvalidInputError
        If ``value`` is not one of the allowed values; the message lists them.
    """
    options = get_args(allowed)
    if value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise InvalidInputError(f"{name}={value!r} is not valid; use one of {valid}.")
    return value


def windows_inside(
    wanted: Sequence[tuple[int, int]], window: tuple[int, int]
) -> list[tuple[int, int]]:
    """The windows of ``wanted`` that lie inside ``window``.

    Examples
    --------
    >>> windows_inside([(0, 0), (-5, 5), (-10, 10)], (-5, 5))
    [(0, 0), (-5, 5)]
    """
    lo, hi = window
    return [(a, b) for a, b in wanted if lo <= a and b <= hi]


def window_label(start: int, end: int) -> str:
    """Label of a closed window of relative days: ``"[-1,+1]"``, ``"[0,+5]"``, ``"[0,0]"``.

    Examples
    --------
    >>> window_label(-1, 1), window_label(0, 5)
    ('[-1,+1]', '[0,+5]')
    """

    return f"[{signed_day(start)},{signed_day(end)}]"


def signed_day(day: int) -> str:
    """A relative day with its sign: ``"+1"``, ``"0"``, ``"-1"``."""
    return f"+{day}" if day > 0 else str(day)


def show_keywords(func: F, keywords: Iterable[tuple[str, Any, Any]]) -> F:
    """Show ``keywords`` (name, annotation, default) as keyword parameters of ``func``.

    ``func`` takes them as ``**options``; its signature (what ``help()``, ``inspect`` and
    notebooks show) lists each with its default instead.

    Examples
    --------
    >>> def f(x, **options):
    ...     pass
    >>> inspect.signature(show_keywords(f, [("level", float, 0.95)]))
    <Signature (x, *, level: float = 0.95)>
    """
    signature = inspect.signature(func)
    own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    shown = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in keywords
    ]
    func.__signature__ = signature.replace(parameters=[*own, *shown])  # type: ignore[attr-defined]
    return func
