"""The look shared by every chart, and the helpers the chart modules draw with.

Every chart made here reads like a chart in a newspaper: a headline that says what happened
(with the company's name), a line below it with the numbers behind it, the chart, and a source
line (data vendor, model, market index) at the bottom. All charts share one style
(:data:`STYLE`, applied with :func:`style`): Okabe & Ito's colour-blind-safe palette, the event
day shaded in yellow, confidence intervals as translucent areas or error bars, units on every
axis, days the exchange was closed marked. Numbers are written by :mod:`eventstudy.format`,
as in every other output. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy import format as fmt
from eventstudy._measures import MEASURES, MeasureNames
from eventstudy._typing import ColorConvention, check_option
from eventstudy.errors import EventStudyError, InvalidInputError
from eventstudy.models import MODELS

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#777777",
    "black": "#000000",
}

#: Colours of days that closed up and down, by convention: ``"us"`` green up and red down
#: (the habit of American and European markets and of English-language financial media, the
#: default), ``"cn"`` red up and green down (the habit of mainland China, A shares). Whatever
#: the convention, an up candle is hollow and a down candle filled, and the green is much
#: darker than the red: the direction reads in grey print and for colour-blind readers.
UP_DOWN: dict[str, tuple[str, str]] = {
    "us": ("#00734D", "#F0524A"),
    "cn": ("#F0524A", "#00734D"),
}

#: matplotlib settings shared by every chart (see :func:`style`).
STYLE: dict[str, Any] = {
    "font.size": 10.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.titlecolor": "#333333",
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "figure.titlesize": 12.5,
    "figure.titleweight": "bold",
    "figure.labelsize": 8.0,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "svg.hashsalt": "eventstudy",
    "svg.fonttype": "path",
}

#: How the source line names where the prices came from (``provenance["source"]``).
_SOURCES = {
    "bundled": "exchange prices bundled with eventstudy (vendors in its PROVENANCE.md)",
    "yahoo": "Yahoo Finance",
    "cache": "Yahoo Finance (local cache)",
    "dataframe": "the user's own price table",
}


@contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` inside a ``with`` block (all plot functions use it).

    Examples
    --------
    >>> from eventstudy.plots import style
    >>> with style():
    ...     pass
    """
    import matplotlib as mpl

    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        yield


@contextmanager
def defaults() -> Iterator[None]:
    """Draw with matplotlib's own defaults, whatever the user's matplotlibrc says.

    Reports use it so that the same inputs give the same chart files on any machine with
    the same matplotlib version.
    """
    import matplotlib as mpl

    skip = {"backend", "backend_fallback", "interactive"}
    base = {k: v for k, v in mpl.rcParamsDefault.items() if k not in skip}
    with mpl.rc_context(base):
        yield


def figure_axes(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.5)) -> tuple[Figure, Axes]:
    """The Figure of ``ax``, or a new Figure with one Axes.

    A new Figure is made without pyplot: pyplot does not hold it, so a notebook shows it
    once, as the value of the cell that returned it (pyplot's inline backend would show
    every figure it holds a second time), and it is freed when no longer used.
    """
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.subplots()
    figure = ax.get_figure()
    if figure is None:  # pragma: no cover - an Axes always belongs to a Figure
        raise InvalidInputError("ax must belong to a matplotlib Figure.")
    return figure, ax  # type: ignore[return-value]


def titles(
    fig: Figure,
    ax: Axes,
    own: bool,
    headline: str,
    detail: str,
    source: str | None,
    legend: tuple[list[Any], list[str]] | None = None,
) -> None:
    """Headline, the lines of numbers below it, the legend, and the source line at the foot.

    On a Figure made by the plot function (``own``) the headline is the figure's title, the
    legend sits beside the chart and the source line is the figure's footer; drawn into a
    user's Axes, the headline and the numbers are the Axes' title, the legend is inside the
    Axes and the user's Figure is left alone. ``legend`` gives the legend's handles and
    labels in the order to show them (default: the Axes' labelled artists as drawn).
    """
    width = fig.get_figwidth()
    handles, labels = ax.get_legend_handles_labels() if legend is None else legend
    if own:
        fig.suptitle(wrap(headline, int(width * 8.5)), x=0.01, ha="left")
        ax.set_title(wrap(detail, int(width * 9.5)), loc="left")
        if handles:
            fig.legend(handles, labels, loc="outside right center")
        if source:
            fig.supxlabel(wrap(source, int(width * 14)), x=0.01, ha="left", color="#555555")
    else:
        ax.set_title(f"{headline}\n{wrap(detail)}", loc="left")
        if handles:
            ax.legend(handles, labels, loc="best")


def wrap(text: str, width: int = 100) -> str:
    """Break a long line into lines of at most ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def company(result: Any) -> str:
    """The stock of a result as a reader knows it (see :func:`company_of`)."""
    return company_of(str(result.ticker))


def company_of(ticker: str) -> str:
    """A stock as a reader knows it: its English name from the security master with the
    ticker, ``"FAW Jiefang (000800.SZ)"``, else the ticker.

    Examples
    --------
    >>> company_of("000800.SZ"), company_of("AAPL")
    ('FAW Jiefang (000800.SZ)', 'AAPL')
    """
    from eventstudy.securities import security

    try:
        name = security(ticker).english_name
    except EventStudyError:  # not an A share the security master knows
        return ticker
    return f"{name} ({ticker})" if name else ticker


def source_line(result: Any, *, model: bool = True) -> str:
    """Where a chart's numbers come from: data vendor, model and market index, in one line.

    ``model=False`` leaves the model out (a chart of prices only).

    Examples
    --------
    >>> import eventstudy
    >>> line = source_line(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> line.split(". ")[1][:50]
    'Market model (OLS) of returns on 399001.SZ, fitted'
    """
    sources = []
    for item in getattr(result, "provenance", []):
        kind = str(item.get("source", ""))
        words = _SOURCES.get(kind) or (str(item.get("detail") or kind) if kind else "")
        if words and words not in sources:
            sources.append(words)
    parts = ["Source: " + ("; ".join(sources) or "prices given by the user")]
    name = getattr(result, "model_name", None) if model else None
    if name in MODELS:
        entry = MODELS[name]
        text = f"{entry.label} of {measure_names(result).modelled}"
        if entry.needs_market:
            text += f" on {result.market}"
        text += (
            f", fitted on {fmt.count(result.nobs)} trading days "
            f"{result.estimation_start:%d %b %Y} – {result.estimation_end:%d %b %Y}"
        )
        parts.append(text[0].upper() + text[1:])
    return ". ".join(parts) + ". Chart: eventstudy."


def measure_names(result: Any) -> MeasureNames:
    """How the measure of ``result`` is named and scaled on a chart (returns by default)."""
    return MEASURES.get(getattr(result, "measure", "returns"), MEASURES["returns"])


def up_down(colors: ColorConvention) -> tuple[str, str]:
    """The colours of up and down days under a convention (see :data:`UP_DOWN`)."""
    return UP_DOWN[check_option(colors, ColorConvention, "colors")]


def shade_day0(ax: Axes, x0: float = 0.0, when: pd.Timestamp | None = None) -> Artist:
    """Shade the event day at ``x0`` (labelled with its date ``when``); returns the shade."""
    label = "event day" if when is None else f"event day ({when:%d %b %Y})"
    return ax.axvspan(
        x0 - 0.5, x0 + 0.5, color=COLORS["yellow"], alpha=0.4, lw=0, label=label, zorder=0
    )


def mark_closures(ax: Axes, x: np.ndarray, dates: pd.DatetimeIndex) -> None:
    """Mark the weekdays the exchange was closed between two trading days drawn side by side.

    A dotted line between the two days, labelled with the closed days ("closed 20–21 Sep"):
    on a chart of trading days a holiday is otherwise invisible.
    """
    for k in range(1, len(dates)):
        closed = pd.bdate_range(
            dates[k - 1] + pd.Timedelta(days=1), dates[k] - pd.Timedelta(days=1)
        )
        if len(closed) == 0:
            continue
        first, last = closed[0], closed[-1]
        span = f"{first:%d %b}" if first == last else f"{first:%d}–{last:%d %b}"
        if first.month != last.month:
            span = f"{first:%d %b}–{last:%d %b}"
        where = (x[k - 1] + x[k]) / 2.0
        ax.axvline(where, color=COLORS["grey"], ls=(0, (1, 2)), lw=1.0, zorder=1)
        ax.annotate(
            f"closed {span}",
            (where, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -3),
            textcoords="offset points",
            rotation=90,
            ha="center",
            va="top",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            zorder=6,
            fontsize=7.5,
            color="#555555",
        )


def half_width(interval: pd.Series) -> float:
    """Half the width of a confidence interval (``lower``, ``upper``), e.g.
    :meth:`eventstudy.results.event.CarResult.conf_int`."""
    return float(interval["upper"] - interval["lower"]) / 2.0


def date_ticks(ax: Axes, dates: pd.DatetimeIndex, every: int = 2) -> None:
    """Label integer positions with their dates ("13 Sep"), the year in the axis label."""
    positions = np.arange(len(dates))
    ax.set_xticks(positions[::every])
    ax.set_xticklabels(
        [f"{d:%d %b}" for d in dates[::every]], rotation=45, ha="right", rotation_mode="anchor"
    )
    ax.set_xlim(-0.7, len(dates) - 0.3)
    years = sorted({d.year for d in dates})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    ax.set_xlabel(f"trading day ({span})")


def percent_sign(scale: float) -> str:
    """``"%"`` for values drawn in percent (``scale`` 100), else nothing."""
    return "%" if scale == 100.0 else ""


def value_text(value: float, scale: float) -> str:
    """An abnormal value on a chart: a signed percent for returns, three decimals else.

    Examples
    --------
    >>> value_text(0.0452643, 100.0), value_text(1.5215932, 1.0)
    ('+4.53%', '1.522')
    """
    return fmt.percent(value) if scale == 100.0 else fmt.number(value, 3)


def short_label(quantity: str) -> str:
    """The short name of a daily abnormal quantity ("AR" for abnormal returns).

    Examples
    --------
    >>> short_label("abnormal return"), short_label("abnormal log volume")
    ('AR', 'AV')
    """
    return next(names.short for names in MEASURES.values() if names.quantity == quantity)


def window_text(start: int, end: int) -> str:
    """``"day 0"`` or ``"[-1, +1]"``: a window of relative days in words (see
    :func:`eventstudy.format.window`)."""
    return fmt.window(start, end)
