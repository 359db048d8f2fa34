"""Charts of the price table around an event: daily candlesticks and shares traded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy.errors import InvalidInputError
from eventstudy.markets import currency_of
from eventstudy.models import MODELS
from eventstudy.plots._style import COLORS, critical, date_ticks, figure_axes, shade_day0, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def window_prices(result: Any) -> pd.DataFrame:
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
) -> Figure:
    """Daily candlesticks (open, high, low, close) over the event window.

    A hollow candle is a day that closed above its open, a filled one a day that closed
    below. The event day is shaded; for China A shares the day's limit-up and limit-down
    prices (:func:`eventstudy.limits.limit_flags`) are drawn as short dashes above and
    below each candle, and a claimed price as a horizontal line.

    Parameters
    ----------
    result : EventStudyResult
        Its stock prices (:attr:`~eventstudy.EventStudyResult.prices`) are drawn over the
        dates of its event window.
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise.
    claim_price : float, optional
        A price claimed by the news, drawn as a dotted line.
    limits : bool, default True
        Draw the daily price limits where the stock has them.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import eventstudy
    >>> from eventstudy.plots import plot_prices
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
    >>> fig = plot_prices(res, claim_price=12.78)
    >>> fig.axes[0].get_ylabel()
    'price (CNY)'
    """
    prices, dates, x, day0 = window_days(result)
    up = (prices["close"] >= prices["open"]).to_numpy()
    with style():
        fig, ax = figure_axes(ax, figsize=(9.0, 4.5))
        shade_day0(ax, day0, when=result.event_date)
        for colour, rows, face in (
            (COLORS["blue"], up, "white"),
            (COLORS["vermillion"], ~up, COLORS["vermillion"]),
        ):
            ax.vlines(
                x[rows],
                prices["low"].to_numpy()[rows],
                prices["high"].to_numpy()[rows],
                color=colour,
                lw=1.2,
                zorder=2,
            )
            opens, closes = prices["open"].to_numpy(), prices["close"].to_numpy()
            bottom = np.minimum(opens, closes)[rows]
            height = np.abs(closes - opens)[rows]
            ax.bar(
                x[rows],
                np.maximum(height, 1e-3 * prices["close"].mean()),
                bottom=bottom,
                width=0.6,
                facecolor=face,
                edgecolor=colour,
                lw=1.2,
                zorder=3,
            )
        ax.plot(
            [], [], color=COLORS["blue"], marker="s", mfc="white", ls="", label="closed above open"
        )
        ax.plot([], [], color=COLORS["vermillion"], marker="s", ls="", label="closed below open")
        levels = [float(prices["high"].max()), float(prices["low"].min())]
        flags = limit_frame(prices, result.ticker) if limits else None
        if flags is not None:
            ax.hlines(
                flags["limit_up"].to_numpy(),
                x - 0.4,
                x + 0.4,
                color=COLORS["green"],
                lw=1.5,
                linestyles="--",
                label="daily limit-up price",
                zorder=1,
            )
            hit_down = (flags["closed_limit_down"] | flags["touched_limit_down"]).fillna(False)
            if hit_down.any():
                rows = hit_down.to_numpy(dtype=bool)
                ax.hlines(
                    flags["limit_down"].to_numpy()[rows],
                    x[rows] - 0.4,
                    x[rows] + 0.4,
                    color=COLORS["purple"],
                    lw=1.5,
                    linestyles="--",
                    label="limit-down price (reached)",
                    zorder=1,
                )
                levels.append(float(flags["limit_down"][hit_down].min()))
            limit0 = float(flags["limit_up"].iloc[day0])
            levels.append(float(flags["limit_up"].max()))
            ax.annotate(
                f"limit-up {limit0:.2f}",
                (day0 + 0.4, limit0),
                xytext=(3, 6),
                textcoords="offset points",
                color=COLORS["green"],
                fontsize=8.5,
                ha="left",
                va="bottom",
            )
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
        ax.set_ylim(bottom - pad, top + pad)
        row0 = prices.iloc[day0]
        change = row0["close"] / row0["preclose"] - 1.0
        summary = (
            f"{result.event_date:%d %b %Y}\nprevious close {row0['preclose']:.2f}\n"
            f"open {row0['open']:.2f}, high {row0['high']:.2f}\n"
            f"low {row0['low']:.2f}, close {row0['close']:.2f} ({change:+.2%})"
        )
        currency = currency_of(result.ticker)
        ax.set_ylabel(f"price ({currency})" if currency else "price")
        ax.set_title(f"{result.ticker}: daily prices around {result.event_date:%d %b %Y}")
        date_ticks(ax, dates)
        legend = ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), title=summary, alignment="left"
        )
        legend.get_title().set_fontsize(8.5)
    return fig


def plot_volume(result: Any, ax: Axes | None = None, level: float = 0.95) -> Figure:
    """Daily shares traded over the event window, with the normal volume if known.

    For a result of ``measure="volume"`` (log volume v = ln(1 + V), Ajinkya & Jain 1989;
    Campbell & Wasley 1996) the model's expected log volume ``E[v_t]`` is drawn back in
    shares, ``exp(E[v_t]) − 1``, with the prediction band
    ``exp(E[v_t] ± t_{1−α/2, df} σ √C_t) − 1``. For other results only the bars are drawn.

    Parameters
    ----------
    result : EventStudyResult
    ax : matplotlib Axes, optional
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
    prices, dates, x, day0 = window_days(result)
    millions = prices["volume"].to_numpy() / 1e6
    with style():
        fig, ax = figure_axes(ax)
        shade_day0(ax, day0, when=result.event_date)
        ax.bar(x, millions, width=0.7, color=COLORS["sky"], label="shares traded", zorder=2)
        if result.measure == "volume":
            table = result.abnormal.set_index("date").reindex(dates)
            crit = critical(level, float(result.params["df"]))
            half = crit * float(result.params["sigma"]) * np.sqrt(table["c"].to_numpy())
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
                label=f"{level:.0%} band of normal volume",
            )
            ax.step(
                x,
                np.expm1(expected) / 1e6,
                where="mid",
                color=COLORS["orange"],
                lw=1.8,
                zorder=3,
                label=f"normal volume ({model_words(result)})",
            )
        ax.annotate(
            f"{millions[day0]:.1f} m",
            (day0, millions[day0]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
        )
        ax.set_ylim(0, millions.max() * 1.15)
        ax.set_ylabel("shares traded (millions)")
        ax.set_title(f"{result.ticker}: trading volume around {result.event_date:%d %b %Y}")
        date_ticks(ax, dates)
        ax.legend(loc="upper left")
    return fig


def model_words(result: Any) -> str:
    model = MODELS[result.model_name]
    return f"{model.label}, {result.market}" if model.needs_market else model.label
