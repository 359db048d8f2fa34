"""Charts of the price table around an event: daily candlesticks and shares traded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy import format as fmt
from eventstudy._typing import ColorConvention
from eventstudy.errors import InvalidInputError
from eventstudy.markets import currency_of
from eventstudy.models import MODELS
from eventstudy.plots._style import (
    COLORS,
    company,
    date_ticks,
    figure_axes,
    mark_closures,
    shade_day0,
    source_line,
    style,
    titles,
    up_down,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def window_prices(result: Any) -> pd.DataFrame:
    """The stock's price rows from the first to the last day of the event window."""
    dates = pd.DatetimeIndex(result.abnormal["date"])
    frame: pd.DataFrame = result.prices.loc[dates.min() : dates.max()]
    return frame


def window_days(result: Any) -> tuple[pd.DataFrame, pd.DatetimeIndex, np.ndarray, int]:
    """The event window's prices, their dates, positions 0..n−1 and day 0's position."""
    prices = window_prices(result)
    dates = pd.DatetimeIndex(prices.index)
    return prices, dates, np.arange(len(dates)), int(np.flatnonzero(dates == result.event_date)[0])


def limit_frame(prices: pd.DataFrame, ticker: str) -> pd.DataFrame | None:
    """The daily limit prices of an A share, or None where no limit rule is known."""
    from eventstudy.limits import limit_flags

    try:
        flags = limit_flags(prices, ticker)
    except InvalidInputError:
        return None
    if flags["limit_up"].isna().all():
        return None
    return flags


def plot_prices(
    result: Any,
    ax: Axes | None = None,
    *,
    claim_price: float | None = None,
    limits: bool = True,
    colors: ColorConvention = "us",
) -> Figure:
    """Daily candlesticks (open, high, low, close) over the event window.

    A hollow candle is a day that closed above its open, a filled one a day that closed
    below; the colours follow ``colors`` (see :data:`eventstudy.plots.UP_DOWN`). The event
    day is shaded and days the exchange was closed are marked. For China A shares the daily
    limit-up and limit-down prices (:func:`eventstudy.limits.limit_flags`) are drawn as
    short dashes on the days the price reached them, and on day 0; a claimed price is a
    horizontal line.

    Parameters
    ----------
    result : EventStudyResult
        Its stock prices (:attr:`~eventstudy.EventStudyResult.prices`) are drawn over the
        dates of its event window.
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise (with the source line at its foot).
    claim_price : float, optional
        A price claimed by the news, drawn as a dotted line.
    limits : bool, default True
        Draw the daily price limits where the stock has them.
    colors : {"us", "cn"}, default "us"
        Green up and red down (``"us"``, the habit of English-language financial media) or
        red up and green down (``"cn"``, the A-share habit). Up candles are hollow and down
        candles filled in both, so the chart reads in grey print and for colour-blind readers.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidInputError
        If ``colors`` is not ``"us"`` or ``"cn"``.

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_prices
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
    >>> fig = plot_prices(res, claim_price=12.78, colors="cn")
    >>> fig.axes[0].get_ylabel()
    'price (CNY)'
    """
    own = ax is None
    up_colour, down_colour = up_down(colors)
    prices, dates, x, day0 = window_days(result)
    opens, closes = prices["open"].to_numpy(), prices["close"].to_numpy()
    highs, lows = prices["high"].to_numpy(), prices["low"].to_numpy()
    up = closes >= opens
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 5.0))
        shade_day0(ax, day0, when=result.event_date)
        for colour, rows, face, label in (
            (up_colour, up, "white", "closed above its open (hollow)"),
            (down_colour, ~up, down_colour, "closed below its open (filled)"),
        ):
            ax.vlines(x[rows], lows[rows], highs[rows], color=colour, lw=1.2, zorder=2)
            ax.bar(
                x[rows],
                np.maximum(np.abs(closes - opens)[rows], 1e-3 * closes.mean()),
                bottom=np.minimum(opens, closes)[rows],
                width=0.6,
                facecolor=face,
                edgecolor=colour,
                lw=1.2,
                zorder=3,
                label=label,
            )
        levels = [float(highs.max()), float(lows.min())]
        flags = limit_frame(prices, result.ticker) if limits else None
        if flags is not None:
            levels += _draw_limits(ax, x, day0, flags)
        if claim_price is not None:
            levels.append(float(claim_price))
            ax.axhline(
                claim_price,
                color=COLORS["black"],
                ls=":",
                lw=1.2,
                label=f"claimed price {claim_price:g}",
                zorder=1,
            )
        top, bottom = max(levels), min(levels)
        pad = 0.06 * (top - bottom)
        ax.set_ylim(bottom - pad, top + 1.5 * pad)
        mark_closures(ax, x, dates)
        currency = currency_of(result.ticker)
        ax.set_ylabel(f"price ({currency})" if currency else "price")
        date_ticks(ax, dates)
        row0 = prices.iloc[day0]
        change = fmt.percent(row0["close"] / row0["preclose"] - 1.0)
        limit_words = ""
        if flags is not None and row0["high"] >= flags["limit_up"].iloc[day0]:
            limit_words = " (the day's limit-up price)"
        headline = (
            f"{company(result)}: closed at {fmt.price(row0['close'])} ({change}) on "
            f"{result.event_date:%d %b %Y}"
        )
        detail = (
            f"{result.event_date:%d %b}: opened at {fmt.price(row0['open'])}, high "
            f"{fmt.price(row0['high'])}{limit_words}, low {fmt.price(row0['low'])}; "
            f"previous close {fmt.price(row0['preclose'])}."
        )
        titles(fig, ax, own, headline, detail, source_line(result, model=False))
    return fig


def _draw_limits(ax: Axes, x: np.ndarray, day0: int, flags: pd.DataFrame) -> list[float]:
    """Dashes at the limit prices of the days that reached them and of day 0; their levels."""
    levels = []
    for side, colour, words in (
        ("up", COLORS["blue"], "limit-up price (days that reached it)"),
        ("down", COLORS["purple"], "limit-down price (days that reached it)"),
    ):
        reached = (flags[f"closed_limit_{side}"] | flags[f"touched_limit_{side}"]).fillna(False)
        rows = reached.to_numpy(dtype=bool)
        if side == "up":
            rows[day0] = True
        if not rows.any():
            continue
        prices = flags[f"limit_{side}"].to_numpy(dtype=float)
        ax.hlines(
            prices[rows],
            x[rows] - 0.45,
            x[rows] + 0.45,
            color=colour,
            lw=1.8,
            linestyles=(0, (3, 1.5)),
            label=words,
            zorder=4,
        )
        levels.append(float(np.nanmax(prices[rows]) if side == "up" else np.nanmin(prices[rows])))
    limit0 = float(flags["limit_up"].iloc[day0])
    ax.annotate(
        f"limit-up {fmt.price(limit0)}",
        (day0 + 0.45, limit0),
        xytext=(3, 3),
        textcoords="offset points",
        color=COLORS["blue"],
        fontsize=8.5,
        ha="left",
        va="bottom",
    )
    return levels


def plot_volume(result: Any, ax: Axes | None = None, level: float = 0.95) -> Figure:
    """Daily shares traded over the event window, with the normal volume if known.

    For a result of ``measure="volume"`` (log volume v = ln(1 + V), Ajinkya & Jain 1989;
    Campbell & Wasley 1996) the model's expected log volume ``E[v_t]`` is drawn back in
    shares, ``exp(E[v_t]) − 1``, with the prediction band
    ``exp(E[v_t] ± t_{1−α/2, df} σ √C_t) − 1``, and day 0's volume is stated as a multiple of
    the normal volume, ``exp(AV₀)`` (see :func:`plot_event`). For other results only the bars
    are drawn.

    Parameters
    ----------
    result : EventStudyResult
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise (with the source line at its foot).
    level : float
        Confidence level of the band.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_volume
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled",
    ...                      measure="volume")
    >>> fig = plot_volume(res)
    >>> fig.axes[0].get_ylabel()
    'shares traded (millions)'
    """
    own = ax is None
    prices, dates, x, day0 = window_days(result)
    millions = prices["volume"].to_numpy() / 1e6
    modelled = result.measure == "volume"
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 4.8))
        shade_day0(ax, day0, when=result.event_date)
        ax.bar(x, millions, width=0.7, color=COLORS["sky"], label="shares traded", zorder=2)
        label0 = f"{millions[day0]:.1f} m"
        headline = (
            f"{company(result)}: {fmt.millions(prices['volume'].iloc[day0])} shares traded on "
            f"{result.event_date:%d %b %Y}"
        )
        detail = "Shares traded each day."
        if modelled:
            table = result.abnormal.set_index("date").reindex(dates)
            bands = result.conf_int(level).set_index(result.abnormal["date"]).reindex(dates)
            half = ((bands["upper"] - bands["lower"]) / 2).to_numpy()
            expected = table["expected"].to_numpy()
            ax.fill_between(
                x,
                np.expm1(expected - half) / 1e6,
                np.expm1(expected + half) / 1e6,
                color=COLORS["orange"],
                alpha=0.2,
                lw=0,
                step="mid",
                zorder=1,
                label=f"{level:.0%} range of normal volume",
            )
            ax.step(
                x,
                np.expm1(expected) / 1e6,
                where="mid",
                color=COLORS["orange"],
                lw=1.8,
                zorder=3,
                label="normal volume",
            )
            day0_test = result.car(0, 0)
            times = fmt.multiple(float(np.exp(day0_test.car)))
            label0 += f"\n{times} normal"
            headline += f", {times} the normal volume"
            detail = (
                f"Normal volume: {model_words(result)}, fitted on the estimation window. "
                f"Day 0: {fmt.test(day0_test.t, day0_test.pvalue)}."
            )
        ax.annotate(
            label0,
            (day0, millions[day0]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
        )
        ax.set_ylim(0, millions.max() * 1.25)
        mark_closures(ax, x, dates)
        ax.set_ylabel("shares traded (millions)")
        date_ticks(ax, dates)
        titles(fig, ax, own, headline, detail, source_line(result))
    return fig


def model_words(result: Any) -> str:
    """The normal-volume model in words: ``"market model (OLS) of log volume on 399001.SZ"``."""
    model = MODELS[result.model_name]
    words = f"{model.label} of log volume"
    return f"{words} on {result.market}" if model.needs_market else words
