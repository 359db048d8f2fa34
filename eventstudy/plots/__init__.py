"""Charts of event-study results, as matplotlib Figures.

matplotlib is imported inside each function, so ``import eventstudy`` stays light. Every
function takes a result object, an optional ``ax`` to draw into a grid of the user's own, and
returns the Figure, so it can be restyled or saved.

====================  ==========================================================
function              chart
====================  ==========================================================
:func:`plot_event`    day 0's abnormal return with its interval, the days around it, a CAR
:func:`plot_fit`      the estimation-window regression, event-window days marked
:func:`plot_sq`       the CAR among the estimation-period sums (the SQ test)
:func:`plot_prices`   daily candlesticks around the event, limit-up/down prices marked
:func:`plot_volume`   daily shares traded, with the model's normal volume and band
:func:`plot_cars`     CARs with confidence intervals across models, markets, windows
:func:`plot_caar`     a multi-event study's AARs and CAAR with its band
:func:`plot_peers`    each event's abnormal return on one day of a multi-event study
:func:`plot_power`    a simulation's rejection rates against the shock, one curve per test
====================  ==========================================================

The modules: :mod:`~eventstudy.plots._style` (the shared look and helpers),
:mod:`~eventstudy.plots.event` (one event's statistics), :mod:`~eventstudy.plots.prices`
(the price table), :mod:`~eventstudy.plots.study` (comparisons and multi-event studies) and
:mod:`~eventstudy.plots.simulation` (simulated size and power).
"""

from __future__ import annotations

from eventstudy.plots._style import (
    COLORS,
    STYLE,
    UP_DOWN,
    company_of,
    defaults,
    short_label,
    source_line,
    style,
    window_text,
)
from eventstudy.plots.event import plot_event, plot_fit, plot_sq
from eventstudy.plots.prices import plot_prices, plot_volume
from eventstudy.plots.simulation import plot_power
from eventstudy.plots.study import plot_caar, plot_cars, plot_peers

__all__ = [
    "COLORS",
    "STYLE",
    "UP_DOWN",
    "company_of",
    "defaults",
    "plot_caar",
    "plot_cars",
    "plot_event",
    "plot_fit",
    "plot_peers",
    "plot_power",
    "plot_prices",
    "plot_sq",
    "plot_volume",
    "short_label",
    "source_line",
    "style",
    "window_text",
]
