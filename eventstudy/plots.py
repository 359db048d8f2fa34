"""Charts of event-study results, as matplotlib Figures.

matplotlib is imported inside each function, so ``import eventstudy`` stays light. Every
function takes an optional ``ax`` to draw into a grid of the user's own and returns the Figure,
so it can be restyled or saved. All charts share one style (:data:`STYLE`, applied with
:func:`style`): Okabe & Ito's colour-blind-safe palette, the event day shaded in yellow,
confidence bands as translucent areas, units on every axis.

====================  ==========================================================
function              chart
====================  ==========================================================
:func:`plot_event`    daily abnormal returns (bars) and the running CAR with its band
:func:`plot_prices`   daily candlesticks around the event, limit-up/down prices marked
:func:`plot_volume`   daily shares traded, with the model's normal volume and band
:func:`plot_fit`      the estimation-window regression, event-window days marked
:func:`plot_sq`       the CAR among the estimation-period sums (the SQ test)
:func:`plot_cars`     CARs with confidence intervals across models, markets, windows
:func:`plot_peers`    each event's abnormal return on one day of a multi-event study
====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy._typing import signed_day
from eventstudy.errors import InvalidInputError
from eventstudy.statistics.single import t_critical

if TYPE_CHECKING:
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

#: matplotlib settings shared by every chart (see :func:`style`).
STYLE: dict[str, Any] = {
    "font.size": 10.0,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "svg.hashsalt": "eventstudy",
    "svg.fonttype": "path",
}

#: Wording of each measure: (quantity, axis label of the series, axis label of its abnormal
#: values, scale from the stored values to the axis unit).
_MEASURES: dict[str, tuple[str, str, str, float]] = {
    "returns": ("abnormal return", "return (%)", "abnormal return (%)", 100.0),
    "volume": (
        "abnormal log volume",
        "log volume, ln(1 + shares)",
        "abnormal log volume (log points)",
        1.0,
    ),
    "raw_volume": ("abnormal volume", "shares traded", "abnormal volume (shares)", 1.0),
    "volatility": ("abnormal volatility", "variance ratio", "abnormal variance ratio", 1.0),
}

_SHORT = {
    "abnormal return": ("AR", "CAR"),
    "abnormal log volume": ("AV", "CAV"),
    "abnormal volume": ("AV", "CAV"),
    "abnormal volatility": ("AVR", "cumulative AVR"),
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
    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):  # type: ignore[arg-type]
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


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.5)) -> tuple[Figure, Axes]:
    import matplotlib.pyplot as plt

    if ax is None:
        fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, new_ax
    figure = ax.get_figure()
    if figure is None:  # pragma: no cover - an Axes always belongs to a Figure
        raise InvalidInputError("ax must belong to a matplotlib Figure.")
    return figure, ax  # type: ignore[return-value]


def _measure(result: Any) -> tuple[str, str, str, float]:
    return _MEASURES.get(getattr(result, "measure", "returns"), _MEASURES["returns"])


def _shade_day0(ax: Axes, x0: float = 0.0, when: pd.Timestamp | None = None) -> None:
    label = "event day" if when is None else f"event day ({when:%d %b %Y})"
    ax.axvspan(x0 - 0.5, x0 + 0.5, color=COLORS["yellow"], alpha=0.4, lw=0, label=label, zorder=0)


def _critical(level: float, df: float) -> float:
    return float(t_critical(level, df))


def _date_ticks(ax: Axes, dates: pd.DatetimeIndex, every: int = 2) -> None:
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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> from eventstudy.plots import plot_event
    >>> fig = plot_event(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_ylabel()
    'abnormal return (%)'
    """
    quantity, _, abnormal_label, scale = _measure(result)
    short, cum = _SHORT[quantity]
    crit = _critical(level, float(result.params["df"]))
    table = result.abnormal
    days = table.index.to_numpy()
    start = int(days[0])
    se = np.array([result.car(start, int(d)).se for d in days])
    car = table["car"].to_numpy() * scale
    with style():
        fig, ax = _axes(ax)
        _shade_day0(ax, when=result.event_date)
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
            if result.model_name != "constant_mean"
            else f"{result.ticker}: {quantity}s around {result.event_date:%d %b %Y}"
        )
        ax.set_xticks(days)
        ax.set_xticklabels([signed_day(int(d)) for d in days])
        ax.set_xlim(days[0] - 0.7, days[-1] + 0.7)
        ax.legend(loc="best")
    return fig


def _window_prices(result: Any) -> pd.DataFrame:
    dates = pd.DatetimeIndex(result.abnormal["date"])
    frame: pd.DataFrame = result.prices.loc[dates.min() : dates.max()]
    return frame


def _window_days(result: Any) -> tuple[pd.DataFrame, pd.DatetimeIndex, np.ndarray, int]:
    """The event window's prices, their dates, positions 0..n−1 and day 0's position."""
    prices = _window_prices(result)
    dates = pd.DatetimeIndex(prices.index)
    return prices, dates, np.arange(len(dates)), int(np.flatnonzero(dates == result.event_date)[0])


def _limit_frame(prices: pd.DataFrame, ticker: str) -> pd.DataFrame | None:
    """The daily limit prices of an A share, or None where no limit rule is known."""
    from eventstudy.claims.limits import limit_flags

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
    prices (:func:`eventstudy.claims.limits.limit_flags`) are drawn as short dashes above and
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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> from eventstudy.plots import plot_prices
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
    >>> fig = plot_prices(res, claim_price=12.78)
    >>> fig.axes[0].get_ylabel()
    'price (CNY)'
    """
    prices, dates, x, day0 = _window_days(result)
    up = (prices["close"] >= prices["open"]).to_numpy()
    with style():
        fig, ax = _axes(ax, figsize=(9.0, 4.5))
        _shade_day0(ax, day0, when=result.event_date)
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
        flags = _limit_frame(prices, result.ticker) if limits else None
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
        currency = _currency(result.ticker)
        ax.set_ylabel(f"price ({currency})" if currency else "price")
        ax.set_title(f"{result.ticker}: daily prices around {result.event_date:%d %b %Y}")
        _date_ticks(ax, dates)
        legend = ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), title=summary, alignment="left"
        )
        legend.get_title().set_fontsize(8.5)
    return fig


def _currency(ticker: str) -> str:
    suffix = ticker.rsplit(".", 1)[-1].upper() if "." in ticker else ""
    return {
        "SS": "CNY",
        "SH": "CNY",
        "SZ": "CNY",
        "BJ": "CNY",
        "HK": "HKD",
        "T": "JPY",
        "L": "GBp",
        "DE": "EUR",
        "": "USD",
    }.get(suffix, "")


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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> from eventstudy.plots import plot_volume
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled",
    ...                      measure="volume")
    >>> fig = plot_volume(res)
    >>> fig.axes[0].get_ylabel()
    'shares traded (millions)'
    """
    prices, dates, x, day0 = _window_days(result)
    millions = prices["volume"].to_numpy() / 1e6
    with style():
        fig, ax = _axes(ax)
        _shade_day0(ax, day0, when=result.event_date)
        ax.bar(x, millions, width=0.7, color=COLORS["sky"], label="shares traded", zorder=2)
        if result.measure == "volume":
            table = result.abnormal.set_index("date").reindex(dates)
            crit = _critical(level, float(result.params["df"]))
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
                label=f"normal volume ({_model_words(result)})",
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
        _date_ticks(ax, dates)
        ax.legend(loc="upper left")
    return fig


def _model_words(result: Any) -> str:
    if result.model_name == "market":
        return f"market model on {result.market}"
    if result.model_name == "market_adjusted":
        return f"market-adjusted, {result.market}"
    if result.model_name == "constant_mean":
        return "estimation-period mean"
    return str(result.model_name)


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
        If the result's model is not the market model.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> from eventstudy.plots import plot_fit
    >>> fig = plot_fit(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_xlabel()
    'market return (%)'
    """
    if result.model_name != "market":
        raise InvalidInputError(
            f"plot_fit draws the market-model regression; this result has "
            f"model={result.model_name!r}. Run with model='market'."
        )
    quantity, unit, _, scale = _measure(result)
    x, y = result.estimation_xy
    xs, y = x[:, 0] * scale, y * scale
    p = result.params
    table = result.abnormal
    with style():
        fig, ax = _axes(ax, figsize=(6.5, 5.0))
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
            label=f"fit: α = {p['alpha'] * scale:.3f}{_pct(scale)}, β = {p['beta']:.3f}, "
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
                f"{short_label(quantity)} = {row['ar'] * scale:.2f}{_pct(scale)}",
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


def _pct(scale: float) -> str:
    return "%" if scale == 100.0 else ""


def short_label(quantity: str) -> str:
    """The short name of a daily abnormal quantity ("AR" for abnormal returns)."""
    return _SHORT[quantity][0]


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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> from eventstudy.plots import plot_sq
    >>> fig = plot_sq(eventstudy.run("000800.SZ", "2021-09-13", data="bundled"))
    >>> fig.axes[0].get_ylabel()
    'number of estimation periods'
    """
    quantity, _, _, scale = _measure(result)
    test = result.car(start, end)
    sq = test.sq
    sums = result.estimation_residuals.rolling(test.k).sum().dropna().to_numpy() * scale
    car = test.car * scale
    pct = f" ({_pct(scale)})" if _pct(scale) else ""
    name = short_label(quantity) if test.k == 1 else _SHORT[quantity][1]
    with style():
        fig, ax = _axes(ax, figsize=(8.0, 4.0))
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
            label=f"{name} {window_text(start, end)} = {car:.2f}{_pct(scale)}",
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


def window_text(start: int, end: int) -> str:
    """``"day 0"`` or ``"[-1, +1]"``: a window of relative days in words."""

    if start == end:
        return f"day {signed_day(start)}"
    return f"[{signed_day(start)}, {signed_day(end)}]"


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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
    labels = list(results)
    first = results[labels[0]]
    quantity, _, _, scale = _measure(first)
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
    cum = _SHORT[quantity][1]
    with style():
        fig, ax = _axes(ax, figsize=(8.0, 1.2 + 0.55 * len(labels) * max(n_w, 2) / 2))
        ax.axvline(0.0, color="black", lw=0.8)
        for j, (start, end) in enumerate(windows):
            cars, lows, highs = [], [], []
            for label in labels:
                res = results[label]
                test = res.car(start, end)
                half = _critical(level, float(res.params["df"])) * test.se
                cars.append(test.car * scale)
                lows.append((test.car - half) * scale)
                highs.append((test.car + half) * scale)
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
        ax.set_yticks(np.arange(len(labels)))
        ax.set_yticklabels(labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        pct = f" ({_pct(scale)})" if _pct(scale) else ""
        ax.set_xlabel(f"{cum}{pct} with {level:.0%} confidence interval")
        ax.set_title(
            f"{first.ticker}: {cum} around {first.event_date:%d %b %Y} across specifications"
        )
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="window")
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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import eventstudy
    >>> res = eventstudy.study([("000800.SZ", "2021-09-13"), ("600104.SS", "2021-09-13")],
    ...                        market="000300.SS", data="bundled")
    >>> plot_caar(res).axes[0].get_ylabel()
    'abnormal return (%)'
    """
    _, _, axis_label, scale = _measure(result)
    cum = result.cumulative(level)
    days = cum.index.to_numpy()
    with style():
        fig, ax = _axes(ax)
        _shade_day0(ax)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.bar(days, result.aar["aar"].to_numpy() * scale, color=COLORS["sky"], label="AAR")
        ax.fill_between(
            days, cum["lower"] * scale, cum["upper"] * scale, color=COLORS["blue"], alpha=0.2,
            label=f"{level:.0%} band",
        )
        ax.plot(days, cum["caar"] * scale, color=COLORS["blue"], marker="o", label="CAAR")
        ax.set_xlabel("relative trading day")
        ax.set_ylabel(axis_label)
        ax.set_title(f"{result.n_events} events")
        ax.legend(loc="best")
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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
    quantity, _, _, scale = _measure(result)
    unit = _pct(scale)
    rows = result.ar[result.ar["rel_day"] == day].sort_values("ar")
    values = rows["ar"].to_numpy() * scale
    tickers = rows["ticker"].astype(str).tolist()
    aar = float(result.aar.loc[day, "aar"]) * scale
    colours = [COLORS["vermillion"] if t == highlight else COLORS["sky"] for t in tickers]
    date = pd.Timestamp(rows["date"].iloc[-1]) if len(rows) else None
    when = window_text(day, day)
    with style():
        fig, ax = _axes(ax, figsize=(7.0, 0.9 + 0.38 * len(tickers)))
        ax.axvline(0.0, color="black", lw=0.8)
        ax.barh(np.arange(len(tickers)), values, color=colours, height=0.65)
        ax.axvline(
            aar, color=COLORS["blue"], ls="--", lw=1.5, label=f"average (AAR) = {aar:.2f}{unit}"
        )
        for y, v in enumerate(values):
            ax.annotate(
                f"{v:+.2f}",
                (v, y),
                xytext=(4 if v >= 0 else -4, 0),
                textcoords="offset points",
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=8.5,
            )
        ax.set_yticks(np.arange(len(tickers)))
        ax.set_yticklabels(tickers)
        ax.grid(axis="y", visible=False)
        span = max(float(np.abs(values).max()) if len(values) else 1.0, abs(aar)) * 1.3
        ax.set_xlim(-span, span)
        ax.set_xlabel(f"{quantity} on {when}" + (f" ({unit})" if unit else ""))
        title = f"{result.n_events} stocks: {quantity} on {when}"
        ax.set_title(title + (f" ({date:%d %b %Y})" if date is not None else ""))
        ax.legend(loc="lower right")
    return fig
