"""Charts that compare results: CARs across specifications, a study's CAAR, peers on one day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy.errors import InvalidInputError
from eventstudy.plots._style import (
    COLORS,
    company,
    company_of,
    figure_axes,
    measure_names,
    percent_sign,
    shade_day0,
    source_line,
    style,
    titles,
    value_text,
    window_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_cars(
    results: Mapping[str, Any],
    windows: Sequence[tuple[int, int]] = ((0, 0), (-1, 1), (0, 5)),
    ax: Axes | None = None,
    level: float = 0.95,
) -> Figure:
    """CARs with confidence intervals, one row per result and one marker per window.

    Used to compare specifications (markets, models) of the same event: each interval is
    ``CAR ± t_{1−α/2, df} · se`` with the exact-variance standard error (MacKinlay 1997,
    eq. 16).

    Parameters
    ----------
    results : mapping of str to EventStudyResult
        Labels (shown on the y axis) and results, top to bottom.
    windows : sequence of (int, int)
        CAR windows; each must lie inside every result's event window.
    ax : matplotlib Axes, optional
    level : float
        Confidence level of the intervals.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If ``results`` is empty or a window lies outside an event window.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_cars
    >>> specs = {m: eventstudy.run("000800.SZ", "2021-09-13", model=m, data="bundled")
    ...          for m in ("market", "constant_mean")}
    >>> fig = plot_cars(specs)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['market', 'constant_mean']
    """
    if not results:
        raise InvalidInputError("results must hold at least one labelled EventStudyResult.")
    own = ax is None
    labels = list(results)
    first = results[labels[0]]
    names = measure_names(first)
    scale = names.scale
    palette = [
        COLORS["blue"],
        COLORS["vermillion"],
        COLORS["green"],
        COLORS["purple"],
        COLORS["orange"],
        COLORS["sky"],
    ]
    markers = ["o", "s", "D", "^", "v", "P"]
    n_w = len(windows)
    offsets = (np.arange(n_w) - (n_w - 1) / 2.0) * (0.6 / max(n_w, 1))
    cum = names.cumulative
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 2.2 + 0.55 * len(labels) * max(n_w, 2) / 2))
        ax.axvline(0.0, color="black", lw=0.8)
        for j, (start, end) in enumerate(windows):
            cars, lows, highs = [], [], []
            for label in labels:
                res = results[label]
                test = res.car(start, end)
                lower, upper = test.conf_int(level)
                cars.append(test.car * scale)
                lows.append(lower * scale)
                highs.append(upper * scale)
            ys = np.arange(len(labels)) + offsets[j]
            colour = palette[j % len(palette)]
            ax.hlines(ys, lows, highs, color=colour, lw=2.0, alpha=0.55)
            ax.plot(
                cars,
                ys,
                ls="",
                marker=markers[j % len(markers)],
                color=colour,
                ms=6,
                label=f"{cum} {window_text(start, end)}",
            )
            for x, y in zip(cars, ys, strict=True):
                ax.annotate(
                    value_text(x / scale, scale),
                    (x, y),
                    xytext=(0, 5),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    color=colour,
                )
        ax.set_yticks(np.arange(len(labels)))
        ax.set_yticklabels(labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        pct = f" ({percent_sign(scale)})" if percent_sign(scale) else ""
        ax.set_xlabel(f"{cum}{pct} with {level:.0%} confidence interval")
        headline = (
            f"{company(first)}: {cum} around {first.event_date:%d %b %Y} by market index and model"
        )
        detail = (
            f"Each line is a {level:.0%} confidence interval, CAR ± t·se with the exact "
            "variance of the summed prediction errors (MacKinlay 1997); a line that crosses "
            "zero is not significant at that level."
        )
        titles(fig, ax, own, headline, detail, source_line(first, model=False))
    return fig


def plot_caar(result: Any, ax: Axes | None = None, level: float = 0.95) -> Figure:
    """AAR bars and the CAAR with its confidence band, for a multi-event study.

    Parameters
    ----------
    result : StudyResult
        From :func:`eventstudy.study`.
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise.
    level : float
        Confidence level of the band (:meth:`~eventstudy.results.study.StudyResult.cumulative`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.study([("000800.SZ", "2021-09-13"), ("600104.SS", "2021-09-13")],
    ...                        market="000300.SS", data="bundled")
    >>> plot_caar(res).axes[0].get_ylabel()
    'abnormal return (%)'
    """
    own = ax is None
    names = measure_names(result)
    axis_label, scale = names.abnormal_axis, names.scale
    cum = result.cumulative(level)
    days = cum.index.to_numpy()
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 4.8))
        shade_day0(ax)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.bar(days, result.aar["aar"].to_numpy() * scale, color=COLORS["sky"], label="AAR")
        ax.fill_between(
            days,
            cum["lower"] * scale,
            cum["upper"] * scale,
            color=COLORS["blue"],
            alpha=0.2,
            label=f"{level:.0%} band",
        )
        ax.plot(days, cum["caar"] * scale, color=COLORS["blue"], marker="o", label="CAAR")
        ax.set_xlabel("relative trading day")
        ax.set_ylabel(axis_label)
        last = float(cum["caar"].iloc[-1])
        headline = (
            f"{result.n_events} events: cumulative average abnormal return "
            f"{value_text(last, scale)} over {window_text(int(days[0]), int(days[-1]))}"
        )
        detail = (
            "Bars: average abnormal return of each day (AAR). Line: its running sum (CAAR) with "
            f"a {level:.0%} band from the spread of the events' CARs (Brown & Warner 1985)."
        )
        titles(fig, ax, own, headline, detail, source_line(result))
    return fig


def plot_peers(
    result: Any,
    day: int = 0,
    ax: Axes | None = None,
    highlight: str | None = None,
) -> Figure:
    """Each event's abnormal return on one relative day of a multi-event study.

    Parameters
    ----------
    result : StudyResult
        From :func:`eventstudy.study`.
    day : int
        The relative day shown (0 = the event day).
    ax : matplotlib Axes, optional
    highlight : str, optional
        A ticker drawn in another colour (e.g. the stock the news was about).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If ``day`` is not in the study's event window.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_peers
    >>> res = eventstudy.study([("000800.SZ", "2021-09-13"), ("600104.SS", "2021-09-13")],
    ...                        market="000300.SS", data="bundled")
    >>> fig = plot_peers(res, highlight="000800.SZ")
    >>> fig.axes[0].get_xlabel()
    'abnormal return on day 0 (%)'
    """
    lo, hi = result.window
    if not lo <= day <= hi:
        raise InvalidInputError(f"day={day} must lie inside the event window {result.window}.")
    own = ax is None
    names = measure_names(result)
    quantity, scale = names.quantity, names.scale
    unit = percent_sign(scale)
    rows = result.ar[result.ar["rel_day"] == day].sort_values("ar")
    values = rows["ar"].to_numpy() * scale
    tickers = rows["ticker"].astype(str).tolist()
    aar = float(result.aar.loc[day, "aar"])
    colours = [COLORS["vermillion"] if t == highlight else COLORS["sky"] for t in tickers]
    date = pd.Timestamp(rows["date"].iloc[-1]) if len(rows) else None
    when = window_text(day, day)
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 2.0 + 0.38 * len(tickers)))
        ax.axvline(0.0, color="black", lw=0.8)
        ax.barh(np.arange(len(tickers)), values, color=colours, height=0.65)
        ax.axvline(
            aar * scale,
            color=COLORS["blue"],
            ls="--",
            lw=1.5,
            label=f"average (AAR) = {value_text(aar, scale)}",
        )
        for y, v in enumerate(values):
            ax.annotate(
                value_text(v / scale, scale),
                (v, y),
                xytext=(4 if v >= 0 else -4, 0),
                textcoords="offset points",
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=8.5,
            )
        ax.set_yticks(np.arange(len(tickers)))
        ax.set_yticklabels([company_of(t) for t in tickers])
        ax.grid(axis="y", visible=False)
        span = max(float(np.abs(values).max()) if len(values) else 1.0, abs(aar * scale)) * 1.35
        ax.set_xlim(-span, span)
        ax.set_xlabel(f"{quantity} on {when}" + (f" ({unit})" if unit else ""))
        on = f" ({date:%d %b %Y})" if date is not None else ""
        headline = f"{result.n_events} stocks: {quantity} on {when}{on}"
        detail = f"Average of the {result.n_events} stocks: {value_text(aar, scale)}."
        if highlight is not None and highlight in tickers:
            mine = float(values[tickers.index(highlight)]) / scale
            others = np.delete(values, tickers.index(highlight)) / scale
            headline = f"{company_of(highlight)}: {value_text(mine, scale)} on {when}{on}"
            if len(others):
                detail = (
                    f"The other {len(others)} stocks: {value_text(float(others.min()), scale)} to "
                    f"{value_text(float(others.max()), scale)}; average of all "
                    f"{result.n_events}: {value_text(aar, scale)}."
                )
        titles(fig, ax, own, headline, detail, source_line(result))
    return fig
