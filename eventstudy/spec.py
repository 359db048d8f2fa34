"""The specification of a study: every option, typed, frozen and validated once.

:func:`eventstudy.run`, :func:`eventstudy.study`, the command line and the report build a
:class:`StudySpec` from the user's keyword arguments; the engine takes it and every result
keeps it (``result.spec``). A study with other options is a changed copy
(:meth:`StudySpec.replace`), checked again when it is made.

The options are the fields of :class:`StudySpec`, written here once: the keyword parameters of
``run`` and ``study`` (:func:`takes_options`) and the options of the command line
(``metadata["help"]``, read by :mod:`eventstudy.cli`) are built from them.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, Literal, get_origin, get_type_hints

import numpy as np
import pandas as pd

from eventstudy._typing import (
    F,
    GapRule,
    Measure,
    ReturnsKind,
    SourceName,
    Window,
    check_option,
    show_keywords,
)
from eventstudy.calendar import parse_dates
from eventstudy.errors import InvalidInputError
from eventstudy.models import MODELS, ModelName, NormalModel, normal_model
from eventstudy.sources import is_own_data
from eventstudy.statistics.conventions import Conventions

#: A price source: a source name, a CSV path or a DataFrame (see :func:`eventstudy.load_prices`).
PriceSource = SourceName | str | os.PathLike[str] | pd.DataFrame


def _cli(text: str) -> dict[str, str]:
    """Field metadata of an option the command line offers, with its help text."""
    return {"help": text}


@dataclass(frozen=True, eq=False, repr=False)
class StudySpec:
    """Every option of an event study, checked when the specification is made.

    Parameters
    ----------
    market : str, optional
        The market index. By default the exchange's index from the market registry
        (:mod:`eventstudy.markets`), chosen by the ticker's suffix: ``.SZ`` → ``399001.SZ``,
        ``.SS`` → ``000001.SS``, none (US) → ``^GSPC``, ...; a suffix it does not know must
        be given one.
        An event's own ``market`` (a column of ``study``'s events) comes first.
    model : {"market", "market_adjusted", "constant_mean", "factors"}
        The normal-return model (see :data:`eventstudy.models.MODELS`).
    estimation, window : tuple of int
        Closed windows ``(start, end)`` of relative trading days (the stock's own trading
        days; day 0 is the event day). The estimation window ends before the event window
        starts; the days between them are in neither.
    returns : {"simple", "log"}
        Simple total returns ``close / preclose − 1`` or their logs.
    data : str, path or DataFrame
        The price source: ``"auto"`` (cache, then the bundled data, then Yahoo),
        ``"bundled"``, ``"yahoo"``, ``"cache"``, or your own tidy table (DataFrame or CSV
        path) holding the stocks and the market (see :func:`eventstudy.load_prices`).
    factors : DataFrame, optional
        Factor returns indexed by date, for ``model="factors"``. A column ``RF`` is taken as
        the risk-free rate: it is subtracted from the stock's return and not used as a factor.
        Kept as float columns on a sorted, unique date index (a copy: later changes to your
        table do not reach the study).
    gaps : {"compound", "drop"}
        After a suspension the stock's first return spans several sessions; ``"compound"``
        compounds the market's return over the same sessions, ``"drop"`` leaves such rows out
        of the estimation.
    min_estimation : int
        Fewest usable estimation days accepted (default 100; at least 3).
    measure : {"returns", "volume", "raw_volume", "volatility"}
        What is studied. ``"volume"``: ln(1 + shares traded) of the stock (and, for the
        market model, of the index) (Ajinkya & Jain 1989; Campbell & Wasley 1996);
        ``"raw_volume"``: shares traded; ``"volatility"``: with ``model="constant_mean"`` the
        variance ratio ``r_t² / s_r² − 1``, with ``model="market"`` Beaver's (1968) U of the
        market-model residuals (``abnormal`` gains ``u, u_star, f_pvalue``).
    conventions : Conventions, optional
        Where published implementations of the tests across events differ, the choice to
        follow (see :class:`eventstudy.statistics.conventions.Conventions`); used by ``study``.

    Raises
    ------
    InvalidInputError
        An option outside its valid values (the message lists them), a bad window, a bad
        factor table, an unknown price source, or options that do not go together.

    Examples
    --------
    >>> from eventstudy.spec import StudySpec
    >>> spec = StudySpec(market="399001.SZ", window=(-5, 5))
    >>> spec
    StudySpec(market='399001.SZ', window=(-5, 5))
    >>> spec.replace(model="market_adjusted").model
    'market_adjusted'
    """

    market: str | None = field(
        default=None, metadata=_cli("market index ticker (default: by exchange suffix)")
    )
    model: ModelName = field(
        default="market", metadata=_cli("normal-return model (default: %(default)s)")
    )
    estimation: Window = field(
        default=(-250, -11), metadata=_cli("estimation window in relative trading days")
    )
    window: Window = field(
        default=(-10, 10), metadata=_cli("event window in relative trading days")
    )
    returns: ReturnsKind = "simple"
    data: PriceSource = field(
        default="auto",
        metadata=_cli(
            "'auto' (cache, bundled, Yahoo), 'bundled', 'yahoo', or a CSV path of your own"
        ),
    )
    factors: pd.DataFrame | None = None
    gaps: GapRule = "compound"
    min_estimation: int = 100
    measure: Measure = field(
        default="returns",
        metadata=_cli("study returns (default), log volume, volume in shares, or volatility"),
    )
    conventions: Conventions = field(default_factory=Conventions)

    def __post_init__(self) -> None:
        for name, allowed in option_types().items():
            if get_origin(allowed) is Literal:
                check_option(getattr(self, name), allowed, name)
        set_ = object.__setattr__  # normalised values of a frozen dataclass
        set_(self, "estimation", _window(self.estimation, "estimation"))
        set_(self, "window", _window(self.window, "window"))
        if self.estimation[1] >= self.window[0]:
            raise InvalidInputError(
                f"estimation={self.estimation!r} must end before the event window "
                f"{self.window!r} starts; e.g. estimation=({self.window[0] - 240}, "
                f"{self.window[0] - 1})."
            )
        self._check_combination()
        if self.factors is not None:
            set_(self, "factors", _factor_table(self.factors))
        if self.market is not None and not isinstance(self.market, str):
            raise InvalidInputError(f"market={self.market!r} must be an index ticker (a string).")
        if self.conventions is None:
            set_(self, "conventions", Conventions())
        elif not isinstance(self.conventions, Conventions):
            raise InvalidInputError(
                f"conventions={self.conventions!r} must be a Conventions object, e.g. "
                "Conventions.estudy2()."
            )
        is_own_data(self.data)  # a misspelt source name or a missing file is refused here

    @property
    def normal_model(self) -> NormalModel:
        """The registry entry of :attr:`model` (:data:`eventstudy.models.MODELS`)."""
        return MODELS[self.model]

    def _check_combination(self) -> None:
        """Refuse option combinations that have no meaning, saying what to use instead."""
        model, measure = normal_model(self.model), self.measure
        if model.needs_factors and self.factors is None:
            raise InvalidInputError(
                f"model={self.model!r} needs factors=<DataFrame of factor returns indexed by "
                "date>."
            )
        if self.factors is not None and not model.needs_factors:
            users = " or ".join(repr(name) for name, m in MODELS.items() if m.needs_factors)
            raise InvalidInputError(
                f"factors= is used only by model={users} (model={self.model!r} would ignore it)."
            )
        if measure not in model.measures:
            users = " or ".join(repr(name) for name, m in MODELS.items() if measure in m.measures)
            what = "volume" if measure == "raw_volume" else measure
            raise InvalidInputError(
                f"measure={measure!r} works with model={users}; model={self.model!r} has no "
                f"meaning for {what}."
            )
        n = self.min_estimation
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            raise InvalidInputError(f"min_estimation={n!r} must be an integer.")
        if n < 3:
            raise InvalidInputError(
                f"min_estimation={n} is too small: a model needs at least 3 estimation days to "
                "leave a residual degree of freedom."
            )

    def replace(self, **changes: Any) -> StudySpec:
        """A copy with some options changed, checked as a new specification.

        Raises
        ------
        InvalidInputError
            If a name is not an option (the message lists the options), or as
            :class:`StudySpec`.
        """
        return dataclasses.replace(self, **_known(changes))

    def __repr__(self) -> str:
        changed = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "conventions":
                if value != Conventions():
                    changed.append(f"conventions={value!r}")
            elif isinstance(value, pd.DataFrame):
                changed.append(f"{f.name}=<DataFrame {value.shape[0]}×{value.shape[1]}>")
            elif value != f.default:
                changed.append(f"{f.name}={value!r}")
        return f"StudySpec({', '.join(changed)})"


def make_spec(spec: StudySpec | None = None, **options: Any) -> StudySpec:
    """``spec`` with ``options`` changed, or a new specification of ``options``.

    Raises
    ------
    InvalidInputError
        If a name is not an option (the message lists the options), or as
        :class:`StudySpec`.
    """
    if spec is None:
        return StudySpec(**_known(options))
    if not isinstance(spec, StudySpec):
        raise InvalidInputError(f"spec={spec!r} must be a StudySpec.")
    return spec.replace(**options) if options else spec


def _known(options: dict[str, Any]) -> dict[str, Any]:
    names = [f.name for f in fields(StudySpec)]
    unknown = sorted(set(options) - set(names))
    if unknown:
        raise InvalidInputError(
            f"unknown setting(s) {', '.join(unknown)}; the settings of a study are "
            f"{', '.join(names)}."
        )
    return options


def _window(pair: object, name: str) -> Window:
    """A closed window of relative days as a tuple of two ints, checked."""
    if (
        not isinstance(pair, tuple | list)
        or len(pair) != 2
        or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in pair)
    ):
        raise InvalidInputError(
            f"{name}={pair!r} must be a pair of integers (start, end) of relative days."
        )
    if pair[0] > pair[1]:
        raise InvalidInputError(f"{name}={pair!r} starts after it ends.")
    return int(pair[0]), int(pair[1])


def _factor_table(factors: object) -> pd.DataFrame:
    """Factor returns as float columns on a sorted, unique date index (a copy).

    Raises
    ------
    InvalidInputError
        If ``factors`` is not a DataFrame of numbers indexed by dates, or repeats a date.
    """
    if not isinstance(factors, pd.DataFrame) or factors.shape[1] == 0:
        raise InvalidInputError(
            "factors= must be a DataFrame of factor returns (one column per factor) indexed "
            "by date."
        )
    parsed = parse_dates(factors.index)  # the package's one date reader: 09/10/2021 refused
    unread = np.flatnonzero(parsed.problems != "")
    if len(unread):
        raise InvalidInputError(
            f"factors= must be indexed by date (e.g. factors.set_index('date')): row "
            f"{unread[0] + 1}: {parsed.problems[unread[0]]}."
        )
    index = pd.DatetimeIndex(parsed.stamps).normalize()
    if index.has_duplicates:
        repeated = ", ".join(f"{d:%Y-%m-%d}" for d in index[index.duplicated()][:3])
        raise InvalidInputError(f"factors= repeats dates ({repeated}); give one row per date.")
    try:
        table = factors.astype(float)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"factors= has columns that are not numbers ({exc}); give factor returns only."
        ) from exc
    table.index = index
    return table.sort_index()


@cache
def option_types() -> dict[str, Any]:
    """The type of each option (a ``Literal`` lists an option's valid values)."""
    return get_type_hints(StudySpec)


def option_default(name: str) -> Any:
    """The default value of the option ``name``."""
    f = next(f for f in fields(StudySpec) if f.name == name)
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def takes_options(func: F) -> F:
    """Show the options of :class:`StudySpec` as keyword parameters of ``func``.

    ``func`` takes them as ``**options``; its signature (what ``help()``, ``inspect`` and
    notebooks show) lists each option with its default instead (:func:`show_keywords`).
    """
    options = option_types()
    return show_keywords(func, ((name, options[name], option_default(name)) for name in options))
