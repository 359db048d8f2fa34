"""The study of every simulated sample, through the study's own statistics.

All drawn events are prepared and fitted once, as one batch (:func:`eventstudy.engine.prepare`):
a fit depends only on the estimation window, which ends before day 0, so the shock changes
nothing but day 0's abnormal return. Each sample is a group of the batch's events (an event
drawn in several samples belongs to each), and for each shock one pass of the study's
statistics over the batch, with every day-0 abnormal return moved by the shock, gives every
test of every sample at once (:func:`eventstudy.statistics.tables.study_tables`): the code
behind :attr:`eventstudy.results.study.StudyResult.caars` and ``study(groups=...)``, so
every test is the study's own and each sample's numbers are those of its own study.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from eventstudy._typing import ReturnsKind, Window
from eventstudy.engine import Batch
from eventstudy.statistics.groups import Groups
from eventstudy.statistics.tables import Columns, event_arrays, study_tables

if TYPE_CHECKING:
    from distributed import Client


def day0_shifts(
    day0: np.ndarray,
    shocks: tuple[float, ...],
    returns: ReturnsKind,
    up: np.ndarray | None,
    down: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """How much each shock moves each event's day-0 return, and where the limit cut it.

    With R the day's simple return and s the shock, the shocked return is R + s: in prices,
    the close becomes ``close + s × preclose``. With the limit ratios ``up`` and ``down``
    (limit-up and limit-down price over the previous close) it is cut at the limit as the
    exchange would cut the price: ``min(R + s, up − 1)`` for s > 0, i.e. the shocked close
    is ``min(close + s × preclose, limit_up)``, and ``max(R + s, down − 1)`` for s < 0;
    a return already beyond the limit is left where it is, and no limit (NaN) cuts nothing.
    For ``returns="log"`` the move is that of the log of the gross return.

    Parameters
    ----------
    day0 : numpy.ndarray, shape (N,)
        Each event's measured return on day 0 (simple or log, as ``returns`` says).
    shocks : tuple of float
    returns : {"simple", "log"}
    up, down : numpy.ndarray, shape (N,), or None
        The limit ratios; None adds every shock in full.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Shape (N, len(shocks)): the move of the day-0 return, and whether the limit cut it.

    Examples
    --------
    >>> shift, cut = day0_shifts(np.array([0.05, 0.0]), (0.0, 0.08), "simple",
    ...                          np.array([1.1, np.nan]), np.array([0.9, np.nan]))
    >>> np.round(shift, 12).tolist(), cut.tolist()
    ([[0.0, 0.05], [0.0, 0.08]], [[False, True], [False, False]])
    """
    gross = 1.0 + day0 if returns == "simple" else np.exp(day0)
    moves = np.empty((len(day0), len(shocks)))
    cut = np.zeros(moves.shape, dtype=bool)
    for k, shock in enumerate(shocks):
        shocked = gross + shock
        if up is not None and down is not None:
            above = shocked > up  # NaN (no limit) compares False
            below = shocked < down
            shocked = np.where(above, np.maximum(gross, up), shocked)
            shocked = np.where(below, np.minimum(gross, down), shocked)
            cut[:, k] = above | below
        with np.errstate(invalid="ignore", divide="ignore"):
            moved = shocked - 1.0 if returns == "simple" else np.log(shocked)
        moves[:, k] = moved - day0
    return moves, cut


def sample_pvalues(
    batch: Batch,
    samples: np.ndarray,
    moves: np.ndarray,
    windows: tuple[Window, ...],
    tests: tuple[str, ...],
    client: Client | None = None,
) -> np.ndarray:
    """Two-sided p-values of every test on every sample, window and shock.

    Parameters
    ----------
    batch : Batch
        Every drawn event, prepared and fitted once.
    samples : numpy.ndarray of int, shape (S, n_events)
        Each sample's events as rows of ``batch.panel``; −1 for an event not studied.
    moves : numpy.ndarray, shape (len(batch.panel), H)
        The move of each event's day-0 abnormal return under each shock (:func:`day0_shifts`).
    windows : tuple of (int, int)
    tests : tuple of str
    client : dask.distributed.Client, optional
        Compute the statistics on this Dask cluster: the fitted events are scattered once
        (:class:`~eventstudy.engine.cluster.ClusterArrays`) and each shock is one pass there,
        with the same numbers as in memory.

    Returns
    -------
    numpy.ndarray, shape (S, H, len(windows), len(tests))
        NaN for a sample without a studied event.
    """
    n_samples = len(samples)
    member = samples >= 0
    event = samples[member]
    order = np.argsort(event, kind="stable")
    sample = np.broadcast_to(np.arange(n_samples)[:, None], samples.shape)[member]
    groups = Groups(event[order], sample[order], n_samples)
    panel, fit = batch.panel, batch.fit
    columns = Columns(panel.rel_days[panel.event_cols], False, tuple(windows))
    day0 = panel.cols(0, 0).start
    out = np.full((n_samples, moves.shape[1], len(windows), len(tests)), np.nan)
    conventions = batch.spec.conventions
    scattered = None
    if client is not None:
        from eventstudy.engine.cluster import ClusterArrays, dask_client

        scattered = ClusterArrays(dask_client(client), panel, fit, conventions, groups)
    for k in range(moves.shape[1]):
        if scattered is not None:
            tables = scattered.tables(columns, day0=moves[:, k])
        else:
            ar = fit.ar.copy()
            ar[:, day0] += moves[:, k]
            tables = study_tables(event_arrays(panel, replace(fit, ar=ar), conventions, groups),
                                  columns)
        for j, name in enumerate(tests):
            out[tables.groups, k, :, j] = tables.stats[f"{name}_p"]
    return out
