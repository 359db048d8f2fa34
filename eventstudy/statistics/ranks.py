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
from eventstudy.statistics.groups import BlockGroups, Groups

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


@dataclass(frozen=True)
class RankSums:
    """Day sums of the events' ranks: all the rank tests need, whichever days are tested.

    Ranks are integers or halves, so these sums are exact. Arrays may have leading axes
    (one row per group).

    Attributes
    ----------
    ranks : numpy.ndarray, shape (..., n_days)
        Σ_i K_it over the N_t events present on day t (:func:`.corrado_rank`).
    centres : numpy.ndarray, shape (..., n_days)
        Σ_i (T_i + 1)/2 over the same events.
    counts : numpy.ndarray, shape (..., n_days)
        N_t.
    n : numpy.ndarray, shape (...)
        Events with a ranked value (T_i > 0).
    length : numpy.ndarray, shape (...)
        Σ_i T_i, the values ranked.
    est_ranks : numpy.ndarray, shape (..., n_est_days)
        Σ_i k_is / (L_i + 2) over the estimation days, k_is the rank of e_is among event i's
        L_i estimation residuals alone (:func:`.generalized_rank`, day 0 present). Empty
        when not computed.
    """

    ranks: FloatArray
    centres: FloatArray
    counts: FloatArray
    n: FloatArray
    length: FloatArray
    est_ranks: FloatArray


def rank_day_sums(
    ranks: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> RankSums:
    """:class:`RankSums` of ranks already computed (one per valid value)."""
    lengths = valid.sum(axis=1).astype(float)
    sums, counts = day_sums(ranks, valid, codes, n_days)
    centres, _ = day_sums(np.broadcast_to((lengths[:, None] + 1.0) / 2.0, ranks.shape),
                           valid, codes, n_days)
    return RankSums(sums, centres, counts, np.asarray((lengths > 0).sum(), dtype=float),
                    np.asarray(lengths.sum()), np.empty(0))


def block_rank_sums(
    members: BlockGroups,
    resid: FloatArray,
    est_valid: np.ndarray,
    keys: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
    *,
    est_ranks: bool = True,
) -> RankSums:
    """Rank each event's estimation residuals with its event-window values, and by themselves.

    One sort per event serves both rankings: K_it, the rank among the event's T_i values
    (estimation residuals and event-window values; Corrado 1989), and, with ``est_ranks``,
    k_is, the rank of e_is among its L_i residuals alone (Kolari & Pynnönen 2011). Day sums
    are kept for each group of ``members`` (a block of events).

    Parameters
    ----------
    members : BlockGroups
    resid : numpy.ndarray, shape (n, L)
        Estimation residuals, NaN where not valid.
    est_valid : numpy.ndarray of bool, shape (n, L)
    keys : numpy.ndarray of int, shape (n, L), or None
        The cross-sectional day (0..n_est_days−1) of each residual; None when the column is
        the day. Event day j is day ``n_est_days + j``.
    n_est_days : int
    event : numpy.ndarray, shape (n, W)
        Event-window values, NaN where missing.
    est_ranks : bool

    Returns
    -------
    RankSums
        With a leading axis of the groups.
    """
    n_est = resid.shape[1]
    width = event.shape[1]
    values = np.concatenate([resid, event], axis=1)
    valid = np.concatenate([est_valid, np.isfinite(event)], axis=1)
    order, sorted_ranks, lead_rank = _sorted_ranks(values, valid, n_est if est_ranks else 0)
    length = valid.sum(axis=1).astype(float)
    n_days = n_est_days + width
    all_keys = None
    if keys is not None:
        all_keys = np.concatenate(
            [keys, np.broadcast_to(n_est_days + np.arange(width), event.shape)], axis=1
        )
    # Day sums straight from the sorted rows: position p of a row holds a valid value
    # when p < T_i, on the day of the column it came from.
    held = np.arange(values.shape[1]) < length[:, None]
    day = order if all_keys is None else np.take_along_axis(all_keys, order, axis=1)
    ranks = members.keyed_sums(day, sorted_ranks, held, n_days)
    centres = members.keyed_sums(all_keys, ((length + 1.0) / 2.0)[:, None], valid, n_days)
    counts = members.keyed_sums(all_keys, np.ones(1), valid, n_days)
    est = np.zeros((members.n, 0))
    if est_ranks:
        held &= order < n_est
        weight = 1.0 / (est_valid.sum(axis=1) + 2.0)
        est = members.keyed_sums(day, lead_rank * weight[:, None], held, n_days)[:, :n_est_days]
    per_group = members.sum_rows(np.stack([length > 0, length], axis=1, dtype=float))
    return RankSums(ranks, centres, counts, per_group[:, 0], per_group[:, 1], est)


def rank_sums(
    resid: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
) -> RankSums:
    """:func:`block_rank_sums` of all events as one group, in blocks of :data:`BLOCK_ROWS`.

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
    groups = Groups.one(len(resid))

    def block(rows: slice) -> RankSums:
        return block_rank_sums(
            groups.block(rows), resid[rows], est_valid[rows],
            None if codes is None else codes[rows], n_est_days, event[rows],
        )

    parts = map_blocks(block, len(resid), BLOCK_ROWS)
    n_days = n_est_days + event.shape[1]
    if not parts:
        zero = np.zeros(())
        return RankSums(np.zeros(n_days), np.zeros(n_days), np.zeros(n_days), zero, zero,
                        np.zeros(n_est_days))
    return RankSums(*(np.sum([getattr(p, f)[0] for p in parts], axis=0)
                      for f in ("ranks", "centres", "counts", "n", "length", "est_ranks")))
