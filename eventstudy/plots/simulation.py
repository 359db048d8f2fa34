"""Charts of a simulation's rejection rates: the power curve of every test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from eventstudy._typing import window_label
from eventstudy.plots._style import COLORS, figure_axes, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Tests drawn with dashed lines: those built on ranks or signs.
_NONPARAMETRIC = ("rank", "grank_t", "grank_z", "gsign", "sign", "wilcoxon")


def plot_power(
    result: Any,
    window: tuple[int, int] | str | None = None,
    alpha: float = 0.05,
    ax: Axes | None = None,
) -> Figure:
    """Each test's rejection rate against the shock added on day 0, with the level marked.

    At a shock of 0 the rate is the test's size (it should sit on the dotted line at
    ``alpha``); the steeper a curve rises after, the more powerful the test. Tests built on
    ranks or signs are dashed.

    Parameters
    ----------
    result : SimulationResult
        From :func:`eventstudy.simulate`.
    window : (int, int) or str, optional
        One of the result's windows (default: the first).
    alpha : float
        One of the result's levels.
    ax : matplotlib Axes, optional
        Draw into this Axes; a new Figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.simulate(n_samples=10, n_events=10, shocks=(0.0, 0.01),
    ...                           tests=("csect_t", "rank"), seed=1)
    >>> plot_power(res).axes[0].get_ylabel()
    'rejection rate (%)'
    """
    label = window_label(*result.windows[0]) if window is None else (
        window if isinstance(window, str) else window_label(*window)
    )
    rates = result.rates
    chosen = rates[(rates["window"] == label) & np.isclose(rates["alpha"], alpha)]
    palette = [c for name, c in COLORS.items() if name not in ("yellow", "grey")]
    with style():
        fig, ax = figure_axes(ax)
        for k, test in enumerate(result.tests):
            rows = chosen[chosen["test"] == test].sort_values("shock")
            ax.plot(
                rows["shock"] * 100.0,
                rows["rate"] * 100.0,
                marker="o",
                color=palette[k % len(palette)],
                linestyle="--" if test in _NONPARAMETRIC else "-",
                label=test,
            )
        ax.axhline(alpha * 100.0, color=COLORS["grey"], linestyle=":", label=f"α = {alpha:.0%}")
        ax.set_xlabel("abnormal return added on day 0 (%)")
        ax.set_ylabel("rejection rate (%)")
        ax.set_ylim(0.0, 100.0)
        ax.set_title(
            f"Rejection rates at α = {alpha:.0%}, window {label}: "
            f"{result.design.n_samples} samples of {result.design.n_events} events"
        )
        ax.legend(loc="lower right", ncols=2)
    return fig
