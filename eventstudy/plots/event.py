"""Charts of one event's statistics: abnormal returns and CAR, the estimation fit, the SQ test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy import format as fmt
from eventstudy.errors import InvalidInputError
from eventstudy.models import MODELS
from eventstudy.plots._style import (
    COLORS,
    company,
    figure_axes,
    half_width,
    mark_closures,
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


def plot_event(
    result: Any,
    ax: Axes | None = None,
    level: float = 0.95,
    *,
    window: tuple[int, int] = (-1, 1),
) -> Figure:
    """Day 0's abnormal return with its confidence interval, the days around it, and the CAR
    over a window.

    The chart leads with day 0: its abnormal return is drawn in strong colour with its
    ``level`` confidence interval ``AR₀ ± t_{1−α/2, df} σ √C₀`` (the prediction-error variance,
    Patell 1976; MacKinlay 1997, eq. 16 with one day), and the headline states it with its t
    and p-value. The other days of the event window are drawn in a light colour over the
    range an ordinary day stays in (``± t_{1−α/2, df} σ √C_t``): a bar that leaves the range is
    significant on its own. The CAR over ``window`` is drawn as a level across the window's
    days with its confidence interval ``CAR ± t_{1−α/2, df} · se`` (exact variance, MacKinlay
    1997, eq. 16; :meth:`eventstudy.EventStudyResult.car`).

    For a volume result (``measure="volume"``) every value is drawn as a multiple of the normal
    volume, ``exp(AV)`` (the abnormal log volume AV = ln(1 + V) − E[ln(1 + V)], so ``exp(AV)``
    is (1 + V) over the model's normal level), on a log scale; the window's level is the
    average multiple ``exp(CAV / K)``.

    Parameters
    ----------
    result : EventStudyResult
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise (with the source line at its foot).
    level : float
        Confidence level of the intervals.
    window : (int, int), default (-1, 1)
        The CAR window (relative days). The default [−1, +1] holds the news day and one
        trading day on each side: the day before catches news that leaked or came out before
        day 0's open, the day after a reaction that came after the close or took two
        sessions. A wider window adds a variance σ² per day and any drift unrelated to the
        news (in the FAW Jiefang case, 3.5 points before day −1).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If ``level`` is not between 0 and 1 or ``window`` is not inside the event window.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_event
    >>> fig = plot_event(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_ylabel()
    'abnormal return (%)'
    """
    own = ax is None
    names = measure_names(result)
    quantity, short, cum, scale = names.quantity, names.short, names.cumulative, names.scale
    multiple = result.measure == "volume"
    car = result.car(*window)
    table = result.abnormal
    days = table.index.to_numpy()
    ar = table["ar"].to_numpy()
    bands = result.conf_int(level)
    half = ((bands["upper"] - bands["lower"]) / 2).to_numpy()
    has0 = 0 in table.index
    day0 = result.car(0, 0) if has0 else None

    def drawn(values: Any) -> Any:
        return np.exp(values) if multiple else np.asarray(values) * scale

    def text(value: float) -> str:
        return fmt.multiple(float(np.exp(value))) if multiple else value_text(value, scale)

    def interval(mid: float, half: float) -> str:
        if multiple:
            return f"{level:.0%} CI {float(np.exp(mid - half)):.1f} to {text(mid + half)}"
        return f"{level:.0%} CI {text(mid - half)} to {text(mid + half)}"

    base = 1.0 if multiple else 0.0
    start, end = window
    k = end - start + 1
    car_half = half_width(car.conf_int(level))
    car_mid, car_half = (car.car / k, car_half / k) if multiple else (car.car, car_half)
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 5.0))
        if multiple:
            ax.set_yscale("log")
        shade = shade_day0(ax, when=result.event_date)
        ax.axhline(base, color="black", lw=0.8)
        band = ax.fill_between(
            days,
            drawn(-half),
            drawn(half),
            step="mid",
            color=COLORS["grey"],
            alpha=0.15,
            lw=0,
            label=f"{level:.0%} range of an ordinary day",
        )
        others = days != 0
        bars = ax.bar(
            days[others],
            drawn(ar[others]) - base,
            bottom=base,
            color=COLORS["sky"],
            width=0.7,
            label="daily volume, times normal" if multiple else f"daily {quantity} ({short})",
        )
        ax.fill_between(
            [start - 0.45, end + 0.45],
            drawn(car_mid - car_half),
            drawn(car_mid + car_half),
            color=COLORS["vermillion"],
            alpha=0.15,
            lw=0,
            zorder=0.5,
        )
        car_line = ax.hlines(
            drawn(car_mid),
            start - 0.45,
            end + 0.45,
            color=COLORS["vermillion"],
            lw=2.2,
            label=(
                f"average over {fmt.window(start, end)} with {level:.0%} CI"
                if multiple
                else f"{cum} {fmt.window(start, end)} with {level:.0%} CI"
            ),
            zorder=4,
        )
        # The legend leads with day 0, drawn as on the chart (its bar and its interval).
        handles: list[Any] = [bars, car_line, band, shade]
        labels = [str(h.get_label()) for h in handles]
        if has0 and day0 is not None:
            ar0 = float(ar[days == 0][0])
            half0 = float(half[days == 0][0])
            bar0 = ax.bar(
                [0], drawn(ar0) - base, bottom=base, color=COLORS["blue"], width=0.7, zorder=3
            )
            interval0 = ax.errorbar(
                [0],
                [drawn(ar0)],
                yerr=[[drawn(ar0) - drawn(ar0 - half0)], [drawn(ar0 + half0) - drawn(ar0)]],
                color="black",
                capsize=4,
                lw=1.4,
                zorder=5,
            )
            handles.insert(0, (bar0, interval0))
            labels.insert(0, f"day 0 with {level:.0%} CI")

            ax.annotate(
                text(ar0),
                (0, drawn(ar0 + half0)),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
            )
        low, high = ax.get_ylim()
        if multiple:
            ax.set_ylim(low, high * (high / low) ** 0.08)
        else:
            ax.set_ylim(low, high + 0.08 * (high - low))
        mark_closures(ax, days, pd.DatetimeIndex(table["date"]))
        ax.set_xlabel(f"trading days relative to the event (day 0 = {result.event_date:%d %b %Y})")
        if multiple:
            ax.set_ylabel("trading volume, times the normal volume (log scale)")
            ax.yaxis.set_major_formatter(_times_formatter())
            ax.yaxis.set_minor_formatter(_times_formatter(minor=True))
        else:
            ax.set_ylabel(names.abnormal_axis)
        ax.set_xticks(days)
        ax.set_xticklabels([fmt.signed_day(int(d)) for d in days])
        ax.set_xlim(days[0] - 0.7, days[-1] + 0.7)
        window_words = (
            f"Over {fmt.window(start, end)} on average {text(car_mid)} the normal volume"
            if multiple
            else f"{cum} {fmt.window(start, end)}: {text(car.car)}"
        )
        detail = f"{window_words} ({interval(car_mid, car_half)}; {fmt.test(car.t, car.pvalue)})."
        if day0 is not None:
            ar0 = day0.car
            half0 = half_width(day0.conf_int(level))
            day0_words = f"Day 0: {interval(ar0, half0)}, {fmt.test(day0.t, day0.pvalue)}."
            detail = f"{day0_words} {detail}"
            headline = (
                f"{company(result)}: {text(ar0)} the normal trading volume on "
                f"{result.event_date:%d %b %Y}"
                if multiple
                else f"{company(result)}: {quantity} of {text(ar0)} on {result.event_date:%d %b %Y}"
            )
        else:
            headline = f"{company(result)}: {quantity}s around {result.event_date:%d %b %Y}"
        titles(fig, ax, own, headline, detail, source_line(result), legend=(handles, labels))
    return fig


def _times_formatter(minor: bool = False) -> Any:
    """Tick labels of a log axis of multiples: "1×", "2×", "0.5×" (minor ticks: 2, 3, 5 only)."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _: Any) -> str:
        if minor and round(value / 10 ** np.floor(np.log10(value))) not in (2, 3, 5):
            return ""
        return f"{value:g}×"

    return FuncFormatter(label)


def plot_fit(result: Any, ax: Axes | None = None) -> Figure:
    """The market-model regression of the estimation window, event-window days marked.

    Each grey dot is one estimation day (market return, stock return); the line is the
    fitted ``α + β R_m`` (OLS, MacKinlay 1997, eq. 7); the event-window days are drawn on top
    and day 0 is labelled, so the abnormal return is its vertical distance to the line.

    Parameters
    ----------
    result : EventStudyResult
        A market-model result (``model="market"``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If the result's model is not a regression on the market alone.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_fit
    >>> fig = plot_fit(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_xlabel()
    'market return (%)'
    """
    if not MODELS[result.model_name].regresses_on_market:
        raise InvalidInputError(
            f"plot_fit draws the market-model regression; this result has "
            f"model={result.model_name!r}. Run with model='market'."
        )
    own = ax is None
    names = measure_names(result)
    unit, scale = names.axis, names.scale
    x, y = result.estimation_xy
    xs, y = x[:, 0] * scale, y * scale
    p = result.params
    table = result.abnormal
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 5.6))
        ax.scatter(
            xs,
            y,
            s=12,
            color=COLORS["grey"],
            alpha=0.6,
            lw=0,
            label=f"estimation days ({fmt.count(result.nobs)})",
        )
        grid = np.linspace(
            min(xs.min(), table["market_ret"].min() * scale),
            max(xs.max(), table["market_ret"].max() * scale),
            50,
        )
        ax.plot(
            grid,
            (p["alpha"] * scale + p["beta"] * grid),
            color=COLORS["blue"],
            lw=1.8,
            label=f"fit: α = {fmt.number(p['alpha'] * scale, 3)}{percent_sign(scale)}, "
            f"β = {fmt.number(p['beta'], 3)}, R² = {fmt.number(result.rsquared, 3)}",
        )
        window = table.drop(index=0, errors="ignore")
        ax.scatter(
            window["market_ret"] * scale,
            window["ret"] * scale,
            s=22,
            color=COLORS["orange"],
            label="event-window days",
            zorder=3,
        )
        if 0 in table.index:
            row = table.loc[0]
            x0, y0 = row["market_ret"] * scale, row["ret"] * scale
            e0 = row["expected"] * scale
            ax.vlines(x0, e0, y0, color=COLORS["vermillion"], lw=1.2, ls="--")
            ax.scatter(
                [x0],
                [y0],
                s=60,
                marker="D",
                color=COLORS["vermillion"],
                zorder=4,
                label=f"day 0 ({result.event_date:%d %b %Y})",
            )
            ax.annotate(
                f"{names.short} = {value_text(row['ar'], scale)}",
                (x0, (e0 + y0) / 2),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=COLORS["vermillion"],
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
            )
        label = "market return (%)" if scale == 100.0 else f"market {unit}"
        ax.set_xlabel(label)
        ax.set_ylabel(f"{result.ticker} {unit}")
        headline = (
            f"{company(result)} against {result.market}: the market model "
            f"({result.estimation_start:%b %Y} – {result.estimation_end:%b %Y})"
        )
        detail = (
            f"Each grey dot is one of the {fmt.count(result.nobs)} estimation days. An abnormal "
            f"{'return' if scale == 100.0 else 'value'} is a day's distance to the line."
        )
        titles(fig, ax, own, headline, detail, source_line(result))
    return fig


def plot_sq(result: Any, start: int = 0, end: int = 0, ax: Axes | None = None) -> Figure:
    """Where the CAR falls among the model's own K-day estimation residual sums (SQ test).

    A histogram of the sums of K consecutive estimation residuals (K = the window's length),
    the reference distribution of Gelbach, Helland & Klick (2013), with the window's CAR drawn
    on it and the count of sums at least as large.

    Parameters
    ----------
    result : EventStudyResult
    start, end : int
        The CAR window (relative days).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_sq
    >>> fig = plot_sq(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_ylabel()
    'number of estimation periods'
    """
    own = ax is None
    names = measure_names(result)
    scale = names.scale
    test = result.car(start, end)
    sq = test.sq
    sums = result.estimation_residuals.rolling(test.k).sum().dropna().to_numpy() * scale
    car = test.car * scale
    pct = f" ({percent_sign(scale)})" if percent_sign(scale) else ""
    name = names.short if test.k == 1 else names.cumulative
    periods = "days" if test.k == 1 else f"{test.k}-day sums"
    more = sq.n_ge if car >= 0 else sq.n_le
    p_text = fmt.p_is(sq.p_two_sided, floor=test.sq_floor)
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 4.6))
        ax.hist(
            sums,
            bins=40,
            color=COLORS["sky"],
            edgecolor="white",
            lw=0.5,
            label=f"{fmt.count(sq.n_sums)} estimation-period {periods}",
        )
        ax.axvline(
            car,
            color=COLORS["vermillion"],
            lw=2.0,
            label=f"{name} {window_text(start, end)} = {value_text(test.car, scale)}",
        )
        side = "≥" if car >= 0 else "≤"
        ax.text(
            0.98,
            0.95,
            f"{more} of {fmt.count(sq.n_sums)} {periods} {side} {name}\nSQ two-sided {p_text}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": COLORS["grey"], "lw": 0.6},
        )
        span = "daily residual" if test.k == 1 else f"sum of {test.k} consecutive residuals"
        ax.set_xlabel(f"{span}{pct}")
        ax.set_ylabel("number of estimation periods")
        headline = (
            f"{company(result)}: {more} of {fmt.count(sq.n_sums)} ordinary {periods} "
            f"{'rose' if car >= 0 else 'fell'} as far as {window_text(start, end)}"
        )
        detail = (
            f"{name} {window_text(start, end)}: {value_text(test.car, scale)}. SQ test (Gelbach, "
            f"Helland & Klick 2013): the {name} among the model's own estimation residuals, no "
            f"normal distribution assumed; two-sided {p_text}."
        )
        titles(fig, ax, own, headline, detail, source_line(result))
    return fig
