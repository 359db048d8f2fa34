"""Charts of one event's statistics: abnormal returns and CAR, the estimation fit, the SQ test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from eventstudy._typing import signed_day
from eventstudy.errors import InvalidInputError
from eventstudy.models import MODELS
from eventstudy.plots._style import (
    COLORS,
    SHORT_NAMES,
    critical,
    figure_axes,
    measure_words,
    percent_sign,
    shade_day0,
    short_label,
    style,
    window_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_event(result: Any, ax: Axes | None = None, level: float = 0.95) -> Figure:
    """Daily abnormal returns (bars) and the running CAR with its confidence band.

    The band is ``CAR ± t_{1−α/2, df} · se`` where ``se`` is the exact-variance standard error
    of the CAR from the first day of the window to each day (MacKinlay 1997, eq. 16; see
    :meth:`eventstudy.EventStudyResult.car`). For a volume or volatility result the bars are
    the abnormal volume (or variance ratio) and the line its running sum.

    Parameters
    ----------
    result : EventStudyResult
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise.
    level : float
        Confidence level of the band.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If ``level`` is not between 0 and 1.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_event
    >>> fig = plot_event(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_ylabel()
    'abnormal return (%)'
    """
    quantity, _, abnormal_label, scale = measure_words(result)
    short, cum = SHORT_NAMES[quantity]
    crit = critical(level, float(result.params["df"]))
    table = result.abnormal
    days = table.index.to_numpy()
    start = int(days[0])
    se = np.array([result.car(start, int(d)).se for d in days])
    car = table["car"].to_numpy() * scale
    with style():
        fig, ax = figure_axes(ax)
        shade_day0(ax, when=result.event_date)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.bar(
            days,
            table["ar"].to_numpy() * scale,
            color=COLORS["sky"],
            width=0.7,
            label=f"daily {quantity} ({short})",
        )
        ax.fill_between(
            days,
            car - crit * se * scale,
            car + crit * se * scale,
            color=COLORS["blue"],
            alpha=0.18,
            lw=0,
            label=f"{level:.0%} confidence band of the {cum}",
        )
        ax.plot(
            days,
            car,
            color=COLORS["blue"],
            marker="o",
            ms=3.5,
            lw=1.8,
            label=f"cumulative from day {start:+d} ({cum})",
        )
        ax.set_xlabel(f"trading days relative to the event (day 0 = {result.event_date:%d %b %Y})")
        ax.set_ylabel(abnormal_label)
        ax.set_title(
            f"{result.ticker}: {quantity}s around {result.event_date:%d %b %Y} (vs {result.market})"
            if MODELS[result.model_name].needs_market
            else f"{result.ticker}: {quantity}s around {result.event_date:%d %b %Y}"
        )
        ax.set_xticks(days)
        ax.set_xticklabels([signed_day(int(d)) for d in days])
        ax.set_xlim(days[0] - 0.7, days[-1] + 0.7)
        ax.legend(loc="best")
    return fig


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
    quantity, unit, _, scale = measure_words(result)
    x, y = result.estimation_xy
    xs, y = x[:, 0] * scale, y * scale
    p = result.params
    table = result.abnormal
    with style():
        fig, ax = figure_axes(ax, figsize=(6.5, 5.0))
        ax.scatter(
            xs,
            y,
            s=12,
            color=COLORS["grey"],
            alpha=0.6,
            lw=0,
            label=f"estimation days ({int(p['nobs'])})",
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
            label=f"fit: α = {p['alpha'] * scale:.3f}{percent_sign(scale)}, β = {p['beta']:.3f}, "
            f"R² = {p['r2']:.3f}",
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
                f"{short_label(quantity)} = {row['ar'] * scale:.2f}{percent_sign(scale)}",
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
        ax.set_title(
            f"{result.ticker} vs {result.market}: estimation fit "
            f"({p['estimation_start']:%b %Y}–{p['estimation_end']:%b %Y})"
        )
        ax.legend(loc="upper left")
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
    quantity, _, _, scale = measure_words(result)
    test = result.car(start, end)
    sq = test.sq
    sums = result.estimation_residuals.rolling(test.k).sum().dropna().to_numpy() * scale
    car = test.car * scale
    pct = f" ({percent_sign(scale)})" if percent_sign(scale) else ""
    name = short_label(quantity) if test.k == 1 else SHORT_NAMES[quantity][1]
    with style():
        fig, ax = figure_axes(ax, figsize=(8.0, 4.0))
        ax.hist(
            sums,
            bins=40,
            color=COLORS["sky"],
            edgecolor="white",
            lw=0.5,
            label=f"{sq.n_sums} estimation-period {'days' if test.k == 1 else 'sums'}",
        )
        ax.axvline(
            car,
            color=COLORS["vermillion"],
            lw=2.0,
            label=f"{name} {window_text(start, end)} = {car:.2f}{percent_sign(scale)}",
        )
        more = sq.n_ge if car >= 0 else sq.n_le
        side = "≥" if car >= 0 else "≤"
        ax.text(
            0.98,
            0.95,
            f"{more} of {sq.n_sums} {'days' if test.k == 1 else 'sums'} {side} {name}\n"
            f"SQ two-sided p = {sq.p_two_sided:.3f}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": COLORS["grey"], "lw": 0.6},
        )
        span = "daily residual" if test.k == 1 else f"sum of {test.k} consecutive residuals"
        ax.set_xlabel(f"{span}{pct}")
        ax.set_ylabel("number of estimation periods")
        ax.set_title(
            f"{result.ticker}: SQ test, {name} {window_text(start, end)} among the "
            f"estimation period"
        )
        ax.legend(loc="upper left")
    return fig
