"""Rank kernels shared by the rank tests: average ranks, rank sums and day sums.

The rank tests need only the sums over the events of each day's ranks, never the ranks of all
events at once: events are ranked in blocks of :data:`BLOCK_ROWS` rows and only the day sums
are kept. A day is a column (relative-day alignment) or a calendar date numbered by
:func:`day_codes` (calendar alignment; see :mod:`eventstudy.statistics.conventions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy._typing import check_option
from eventstudy.panel import FloatArray
from eventstudy.statistics.conventions import Alignment

#: Events handled per block in the rank tests: a block's arrays stay in the processor's cache
#: and no (events × days) temporary is ever made.
BLOCK_ROWS = 256


def average_ranks(values: FloatArray, valid: np.ndarray) -> FloatArray:
    """Rank each row's valid values from 1 (smallest), ties sharing their average rank.

    Parameters
    ----------
    values : numpy.ndarray, shape (N, M)
    valid : numpy.ndarray of bool, shape (N, M)
        Values to rank; the others get NaN.

    Returns
    -------
    numpy.ndarray, shape (N, M)

    Examples
    --------
    >>> import numpy as np
    >>> average_ranks(np.array([[3.0, 1.0, 3.0, 2.0]]), np.ones((1, 4), dtype=bool))
    array([[3.5, 1. , 3.5, 2. ]])
    """

    def block(rows: slice) -> FloatArray:
        order, sorted_ranks, _ = _sorted_ranks(values[rows], valid[rows], 0)
        ranks = np.empty(order.shape)
        np.put_along_axis(ranks, order, sorted_ranks, axis=1)
        ranks[~valid[rows]] = np.nan
        return ranks

    parts = map_blocks(block, len(values), BLOCK_ROWS)
    return np.concatenate(parts) if parts else np.empty(np.shape(values))


def _sorted_ranks(
    values: FloatArray, valid: np.ndarray, n_lead: int
) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Each row's values sorted: the order, and the average rank at each sorted position.

    Valid values come first in each row, invalid ones after them. With ``n_lead``, the
    third array holds at each sorted position the average rank of the value among the row's
    first ``n_lead`` columns alone (meaningful where the position holds one of them); one
    sort serves both rankings.
    """
    n, m = values.shape
    v = np.where(valid, values, np.nan)  # NaN sorts last and ties with nothing
    order = np.argsort(v, axis=1)  # average ranks do not depend on the order of ties
    s = np.take_along_axis(v, order, axis=1)
    tied = s[:, 1:] == s[:, :-1]
    del s, v
    any_tie = bool(tied.any())
    pos = np.broadcast_to(np.arange(m), (n, m))
    start = end = pos
    if any_tie:
        first = np.ones((n, m), dtype=bool)
        first[:, 1:] = ~tied
        last = np.ones((n, m), dtype=bool)
        last[:, :-1] = ~tied
        start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
        end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
        sorted_ranks = (start + end) / 2.0 + 1.0
    else:
        sorted_ranks = np.broadcast_to(np.arange(1.0, m + 1.0), (n, m))
    lead_rank: np.ndarray = np.empty((n, 0))
    if n_lead:
        is_lead = order < n_lead
        count = np.cumsum(is_lead, axis=1)
        lead_rank = count
        if any_tie:
            before: np.ndarray = np.take_along_axis(count - is_lead, start, axis=1)
            lead_rank = (before + 1.0 + np.take_along_axis(count, end, axis=1)) / 2.0
    return order, sorted_ranks, lead_rank


def day_codes(
    dates: np.ndarray, valid: np.ndarray, alignment: Alignment
) -> tuple[np.ndarray | None, int]:
    """Cross-sectional day of each value: its column (relative) or its calendar date.

    Returns ``(codes, n_days)``; ``codes`` is None for relative-day alignment (the column is
    the day), otherwise an int array of the shape of ``dates`` numbering the distinct dates of
    the valid values (0 where not valid).
    """
    check_option(alignment, Alignment, "alignment")
    if alignment == "relative":
        return None, int(dates.shape[1])
    codes = np.zeros(dates.shape, dtype=np.intp)
    unique, inverse = np.unique(dates[valid].astype("int64"), return_inverse=True)
    codes[valid] = inverse
    return codes, len(unique)


def day_sums(
    values: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> tuple[FloatArray, FloatArray]:
    """Sum and count of the valid values on each cross-sectional day (in blocks of events)."""

    def block(rows: slice) -> tuple[FloatArray, FloatArray]:
        ok = valid[rows]
        if codes is None:
            return np.where(ok, values[rows], 0.0).sum(axis=0), ok.sum(axis=0).astype(float)
        day = codes[rows][ok]
        return (
            np.bincount(day, weights=values[rows][ok], minlength=n_days),
            np.bincount(day, minlength=n_days).astype(float),
        )

    parts = map_blocks(block, len(values), BLOCK_ROWS)
    if not parts:
        return np.zeros(n_days), np.zeros(n_days)
    return np.sum([p[0] for p in parts], axis=0), np.sum([p[1] for p in parts], axis=0)


def _rank_inputs(
    resid: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
) -> tuple[FloatArray, np.ndarray, np.ndarray | None, int]:
    """Values, validity and day codes for a rank test over estimation + the given event days.

    Estimation values keep their codes; event day j gets code ``n_est_days + j``. With
    relative-day alignment (``codes`` None) the columns are the days and None is returned.
    """
    values = np.concatenate([resid, event], axis=1)
    valid = np.concatenate([est_valid, np.isfinite(event)], axis=1)
    n_days = n_est_days + event.shape[1]
    if codes is None:
        return values, valid, None, n_days
    ev_codes = np.broadcast_to(n_est_days + np.arange(event.shape[1]), event.shape)
    return values, valid, np.concatenate([codes, ev_codes], axis=1), n_days


@dataclass(frozen=True)
class RankSums:
    """Day sums of the events' ranks: all the rank tests need, whichever days are tested.

    Ranks are integers or halves, so these sums are exact.

    Attributes
    ----------
    ranks : numpy.ndarray, shape (n_days,)
        Σ_i K_it over the N_t events present on day t (:func:`.corrado_rank`).
    centres : numpy.ndarray, shape (n_days,)
        Σ_i (T_i + 1)/2 over the same events.
    counts : numpy.ndarray, shape (n_days,)
        N_t.
    lengths : numpy.ndarray, shape (N,)
        T_i, the values ranked for each event.
    est_ranks : numpy.ndarray, shape (n_est_days,)
        Σ_i k_is / (L_i + 2) over the estimation days, k_is the rank of e_is among event i's
        L_i estimation residuals alone (:func:`.generalized_rank`, day 0 present). Empty
        when not computed.
    """

    ranks: FloatArray
    centres: FloatArray
    counts: FloatArray
    lengths: FloatArray
    est_ranks: FloatArray


def rank_day_sums(
    ranks: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> RankSums:
    lengths = valid.sum(axis=1).astype(float)
    sums, counts = day_sums(ranks, valid, codes, n_days)
    centres, _ = day_sums(np.broadcast_to((lengths[:, None] + 1.0) / 2.0, ranks.shape),
                           valid, codes, n_days)
    return RankSums(sums, centres, counts, lengths, np.empty(0))


def rank_sums(
    resid: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
) -> RankSums:
    """Rank each event's estimation residuals with its event-window ARs, and among themselves.

    One sort per event serves both rankings: the Corrado (1989) test ranks the residuals
    with the event-window ARs, the generalized rank test of Kolari & Pynnönen (2011) ranks
    them among themselves. Events are ranked in blocks of :data:`BLOCK_ROWS` and only the
    day sums are kept.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals, NaN where not valid.
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes, n_est_days
        From :func:`day_codes` (relative day or calendar date) for the estimation days;
        event day j is day ``n_est_days + j``.
    event : numpy.ndarray, shape (N, W)
        Event-window ARs, NaN where missing.

    Returns
    -------
    RankSums
    """
    n, n_est = resid.shape
    n_days = n_est_days + event.shape[1]

    def block(rows: slice) -> tuple[FloatArray, ...]:
        values, valid, block_codes, _ = _rank_inputs(
            resid[rows], est_valid[rows], None if codes is None else codes[rows], n_est_days,
            event[rows],
        )
        order, sorted_ranks, lead_rank = _sorted_ranks(values, valid, n_est)
        lengths = valid.sum(axis=1).astype(float)
        # Day sums straight from the sorted rows: position p of a row holds a valid value
        # when p < T_i, on the day of the column it came from.
        held = np.arange(values.shape[1]) < lengths[:, None]
        day = order if block_codes is None else np.take_along_axis(block_codes, order, axis=1)
        ranks = np.bincount(
            day[held], weights=np.broadcast_to(sorted_ranks, held.shape)[held], minlength=n_days
        )
        centres, counts = day_sums(
            np.broadcast_to((lengths[:, None] + 1.0) / 2.0, valid.shape), valid, block_codes,
            n_days,
        )
        held &= order < n_est
        weight = 1.0 / (est_valid[rows].sum(axis=1) + 2.0)
        est = np.bincount(
            day[held], weights=(lead_rank * weight[:, None])[held], minlength=n_days
        )[:n_est_days]
        return ranks, centres, counts, lengths, est

    parts = map_blocks(block, n, BLOCK_ROWS)
    if not parts:
        return RankSums(np.zeros(n_days), np.zeros(n_days), np.zeros(n_days), np.empty(0),
                        np.zeros(n_est_days))
    ranks, centres, counts, lengths, est = zip(*parts, strict=True)
    return RankSums(
        np.sum(ranks, axis=0), np.sum(centres, axis=0), np.sum(counts, axis=0),
        np.concatenate(lengths), np.sum(est, axis=0),
    )
