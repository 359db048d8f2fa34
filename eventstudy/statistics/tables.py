"""The tables of a study: every test of every group on each event-window day and window.

A study's statistics come from one reduction (:mod:`eventstudy.statistics.quantities`):
each block of events produces the sufficient quantities of every test for the groups it
holds, the blocks' quantities are added in block order, and :func:`finalize` turns the sums
into the statistics and p-values of every group at once. :func:`study_tables` runs the
blocks in memory, on the package's thread pool (:func:`eventstudy._blocks.map_blocks`);
the Dask back end runs the same blocks on a cluster's workers. :func:`daily_statistics` and
:func:`window_statistics` give the table of one group.

References
----------
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eventstudy._blocks import map_blocks
from eventstudy._typing import window_label
from eventstudy.panel import FloatArray
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.nonparametric import (
    RankMissing,
    ShareSums,
    corrado_from_sums,
    generalized_rank_from,
    generalized_sign_from,
    positive_share_from,
    wilcoxon_by_group,
)
from eventstudy.statistics.parametric import (
    Moments,
    PatellSums,
    adjusted_patell_from,
    bw85,
    csect_t_from,
    kolari_pynnonen_from,
    mean_residual_correlation_from,
    mean_residual_sd_from,
    patell_events,
    patell_from,
    skew_adj_t_from,
)
from eventstudy.statistics.pvalues import Statistic
from eventstudy.statistics.quantities import (
    Columns,
    EventArrays,
    Quantities,
    Residuals,
    combine,
    event_arrays,
    first_pass,
    restandardising_scale,
    second_pass,
)
from eventstudy.statistics.ranks import BLOCK_ROWS, RankSums

__all__ = [
    "CHUNK_ROWS",
    "STAT_NAMES",
    "Columns",
    "EventArrays",
    "StudyTables",
    "daily_statistics",
    "event_arrays",
    "finalize",
    "first_reduction",
    "reduce_blocks",
    "second_reduction",
    "study_tables",
    "table_notes",
    "window_statistics",
]

STAT_NAMES = (
    "csect_t",
    "bw85",
    "patell",
    "adj_patell",
    "bmp",
    "kp",
    "skew_adj_t",
    "rank",
    "grank_t",
    "grank_z",
    "gsign",
    "sign",
    "wilcoxon",
)


@dataclass(frozen=True)
class StudyTables:
    """Every statistic of every group on each tested day and window.

    Attributes
    ----------
    groups : numpy.ndarray of int, shape (G,)
        The groups with events.
    columns : Columns
        The days and windows tested (K columns).
    stats : dict of str to numpy.ndarray
        Each column of the tables (``mean``, ``n``, ``n_pos``, each test and its ``*_p``,
        ``wilcoxon_w``), shape (G, K).
    rbar, s_bw, n_bw_days, p_hat : numpy.ndarray, shape (G,)
        Each group's mean residual correlation, Brown-Warner standard deviation and its
        estimation days, and generalized sign test's p̂.
    band : dict of str to numpy.ndarray
        ``n``, ``caar``, ``sd``: the CARs from the window's first day to each day, (G, W).
    """

    groups: np.ndarray
    columns: Columns
    stats: dict[str, FloatArray]
    rbar: FloatArray
    s_bw: FloatArray
    n_bw_days: FloatArray
    p_hat: FloatArray
    band: dict[str, FloatArray]

    def row(self, group: int) -> int:
        """Position of ``group`` in :attr:`groups`.

        Raises
        ------
        KeyError
            If the group has no event.
        """
        at = int(np.searchsorted(self.groups, group))
        if at == len(self.groups) or self.groups[at] != group:
            raise KeyError(f"group {group} has no event")
        return at

    def _frame(self, group: int, cols: slice, index: pd.Index, mean: str) -> pd.DataFrame:
        g = self.row(group)
        frame = pd.DataFrame({k: v[g, cols] for k, v in self.stats.items()}, index=index)
        return _ordered(frame.rename(columns={"mean": mean}), mean)

    def daily(self, group: int = 0) -> pd.DataFrame:
        """Every statistic on each event-window day, indexed by ``rel_day``.

        Columns: ``aar, n, n_pos`` and for each test in :data:`STAT_NAMES` its value and
        ``*_p`` (plus ``wilcoxon_w``, the Wilcoxon W+). See the test functions for the
        formulas.
        """
        index = pd.Index(self.columns.rel_days, name="rel_day")
        return self._frame(group, slice(0, self.columns.n_days), index, "aar")

    def windows(self, group: int = 0) -> pd.DataFrame:
        """Every statistic over each window, one row per window (see :func:`window_statistics`)."""
        windows = self.columns.windows
        labels = pd.Index([window_label(a, b) for a, b in windows], name="window")
        frame = self._frame(group, slice(self.columns.n_days, None), labels, "caar")
        frame.insert(0, "n_days", self.columns.tested[self.columns.n_days :].sum(axis=1))
        frame.insert(0, "end", [b for _, b in windows])
        frame.insert(0, "start", [a for a, _ in windows])
        return frame


#: Rows of a chunk: blocks are added chunk by chunk, then the chunks in order, so that a
#: chunk's sums computed elsewhere (a Dask worker's) add up to the same numbers.
CHUNK_ROWS = 40 * BLOCK_ROWS


def _in_chunks(parts: list[Quantities]) -> Quantities:
    """The blocks' quantities added within each chunk, then the chunks in order."""
    per_chunk = CHUNK_ROWS // BLOCK_ROWS
    return combine([combine(parts[k : k + per_chunk]) for k in range(0, len(parts), per_chunk)])


def first_reduction(arrays: EventArrays, columns: Columns) -> tuple[Quantities, FloatArray]:
    """:func:`.first_pass` of every block of ``arrays``, combined, and every event's SCARs.

    Blocks of :data:`.BLOCK_ROWS` events run on the package's threads; their quantities are
    added in block order, chunk by chunk (:data:`CHUNK_ROWS`, :func:`.combine`).
    """

    def first(rows: slice) -> tuple[Quantities, FloatArray]:
        return first_pass(arrays, rows, columns)

    parts = map_blocks(first, arrays.n_events, BLOCK_ROWS) or [first(slice(0, 0))]
    return _in_chunks([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def second_reduction(residuals: Residuals, scar: FloatArray, scale: FloatArray) -> Quantities:
    """:func:`.second_pass` of every block of events, combined as in :func:`first_reduction`."""

    def second(rows: slice) -> Quantities:
        return second_pass(residuals, rows, scar[rows], scale)

    return _in_chunks(map_blocks(second, len(scar), BLOCK_ROWS) or [second(slice(0, 0))])


def reduce_blocks(arrays: EventArrays, columns: Columns) -> tuple[Quantities, Quantities]:
    """The quantities of every group of ``arrays`` (both passes), from blocks of events."""
    first, scar = first_reduction(arrays, columns)
    scale = restandardising_scale(first, arrays.groups.n)
    return first, second_reduction(arrays.residuals, scar, scale)


def study_tables(arrays: EventArrays, columns: Columns) -> StudyTables:
    """Every statistic of every group of ``arrays`` in ``columns``, computed in memory."""
    return finalize(*reduce_blocks(arrays, columns), columns, arrays.conventions)


def finalize(
    first: Quantities, second: Quantities, columns: Columns, conventions: Conventions
) -> StudyTables:
    """The statistics of every group from the combined quantities of both passes.

    Parameters
    ----------
    first, second : Quantities
        From :func:`.first_pass` and :func:`.second_pass`, combined over all blocks.
    columns : Columns
    conventions : Conventions

    Returns
    -------
    StudyTables
    """
    g, d = first.of_group, first.of_day
    tested = columns.tested
    moments = Moments(g["n"], g["sum"], g["sum2"], g["sum3"])
    scar = Moments(g["bmp_n"], g["bmp_sum"], g["bmp_sum2"], np.zeros(1))
    patell_sums = PatellSums(g["patell_n"], g["patell_sum"], g["patell_var"])
    rbar = mean_residual_correlation_from(d["z_sum"], g["rbar_n"])
    s_bw, n_bw_days = mean_residual_sd_from(d["resid_sum"], d["resid_n"])
    p_hat = positive_share_from(
        ShareSums(g["share_sum"], g["share_n"], g["positive"], g["length"]), conventions.p_hat
    )
    mean = moments.mean()
    tau = (g["event_n"] > 0).astype(float) @ tested.T.astype(float)  # days summed
    tests: dict[str, Statistic] = {
        "csect_t": csect_t_from(moments),
        "bw85": bw85(mean, tau, s_bw, n_bw_days),
        "patell": patell_from(patell_sums),
        "adj_patell": adjusted_patell_from(patell_sums, rbar[:, None]),
        "bmp": csect_t_from(scar),
        "kp": kolari_pynnonen_from(scar, rbar[:, None]),
        "skew_adj_t": skew_adj_t_from(moments),
        "rank": _rank(first, columns, conventions),
        "gsign": generalized_sign_from(g["pos"], g["n"], p_hat[:, None]),
        "sign": generalized_sign_from(g["pos"], g["nonzero"], 0.5),
    }
    tests["grank_t"], tests["grank_z"] = generalized_rank_from(
        d["resid_n"], d["est_rank"], second.of_day["grank_above"], second.of_group["grank_n0"],
        second.of_group["grank_u0"], second.of_group["grank_var0"],
        second.of_group["grank_n_all"],
    )
    wil = wilcoxon_by_group(
        first.values, np.searchsorted(first.groups, first.value_groups), len(first.groups)
    )
    tests["wilcoxon"] = Statistic(wil.z, wil.pvalue)
    counts = {"n": g["n"].astype(np.int64), "n_pos": g["pos"].astype(np.int64)}  # integers
    stats = {"mean": mean, **counts, "wilcoxon_w": wil.statistic}
    for name in STAT_NAMES:
        stats[name] = np.asarray(tests[name].statistic, dtype=float)
        stats[f"{name}_p"] = np.asarray(tests[name].pvalue, dtype=float)
    band = Moments(g["cum_n"], g["cum_sum"], g["cum_sum2"], np.zeros(1))
    return StudyTables(
        groups=first.groups,
        columns=columns,
        stats=stats,
        rbar=rbar,
        s_bw=s_bw,
        n_bw_days=n_bw_days,
        p_hat=p_hat,
        band={"n": band.n, "caar": band.mean(), "sd": band.sd()},
    )


def _rank(first: Quantities, columns: Columns, conventions: Conventions) -> Statistic:
    """Corrado rank statistics of the days and windows, under the conventions.

    A day ranks over the estimation days and the whole event window; a window too, or,
    with ``rank_days="car"``, over the estimation days and its own days (estudy2). Where
    events are missing, estudy2's forms are ``"scaled"`` for days and ``"average_centre"``
    for windows (:func:`.corrado_rank`).
    """
    g, d = first.of_group, first.of_day
    estudy2 = conventions.rank_missing == "estudy2"
    n_est = first.days.shape[0]
    whole = RankSums(
        np.concatenate([d["rank_sum"], g["event_rank"]], axis=1),
        np.concatenate([d["centre_sum"], g["event_centre"]], axis=1),
        np.concatenate([d["resid_n"], g["event_n"]], axis=1),
        g["ranked_n"],
        g["ranked_length"],
        d["est_rank"],
    )
    tested = np.zeros((columns.size, n_est + len(columns.rel_days)), dtype=bool)
    tested[:, n_est:] = columns.tested
    days = slice(0, columns.n_days)
    windows = slice(columns.n_days, None)
    parts = []
    if columns.days:
        parts.append(corrado_from_sums(whole, tested[days], "scaled" if estudy2 else "available"))
    window_missing: RankMissing = "average_centre" if estudy2 else "available"
    if columns.windows and conventions.rank_days == "window":
        parts.append(corrado_from_sums(whole, tested[windows], window_missing))
    elif columns.windows:
        for k in range(len(columns.windows)):
            alone = RankSums(
                np.concatenate([d["car_rank_sum"][:, :, k], g["car_event_rank"][:, k]], axis=1),
                np.concatenate(
                    [d["car_centre_sum"][:, :, k], g["car_event_centre"][:, k]], axis=1
                ),
                np.concatenate(
                    [d["resid_n"], g["event_n"] * columns.tested[columns.n_days + k]], axis=1
                ),
                g["car_ranked_n"][:, k],
                g["car_ranked_length"][:, k],
                d["est_rank"],
            )
            parts.append(corrado_from_sums(alone, tested[columns.n_days + k][None], window_missing))
    n_groups = len(first.groups)
    if not parts:
        return Statistic(np.empty((n_groups, 0)), np.empty((n_groups, 0)))
    return Statistic(
        np.concatenate([p.statistic for p in parts], axis=1),
        np.concatenate([p.pvalue for p in parts], axis=1),
    )


def daily_statistics(arrays: EventArrays) -> pd.DataFrame:
    """Every statistic on each event-window day, indexed by ``rel_day``, of group 0.

    Columns: ``aar, n, n_pos`` and for each test in :data:`STAT_NAMES` its value and ``*_p``
    (plus ``wilcoxon_w``, the Wilcoxon W+). See the test functions for the formulas.
    """
    return study_tables(arrays, Columns(arrays.rel_days, True, ())).daily()


def window_statistics(arrays: EventArrays, windows: list[tuple[int, int]]) -> pd.DataFrame:
    """Every statistic over each window ``(start, end)`` of relative days, of group 0.

    One row per window (index ``"[a,b]"``) with ``start, end, n_days, caar`` and the
    statistics of :func:`daily_statistics`, computed on CARs.

    CAR_i sums event i's abnormal returns over the days of the window it has one on (as a
    single event's CAR does), and ``caar`` is the mean of the CAR_i, n the events with at
    least one such day: the quantity the cross-sectional tests test and
    :meth:`eventstudy.results.study.StudyResult.cumulative` draws. Where some events lack a
    day, it is not the sum of the days' AARs. ``csect_t``, ``skew_adj_t``,
    ``sign``, ``gsign`` and ``wilcoxon`` on CAR_i; ``bmp``, ``kp`` and ``grank_*`` on
    SCAR_i (:func:`.car_variance`); ``patell`` and ``adj_patell`` on Σ_t SAR_it / √τ; ``bw85``
    and ``rank`` from the daily quantities (see :func:`.bw85`, :func:`.corrado_rank`).
    """
    return study_tables(arrays, Columns(arrays.rel_days, False, tuple(windows))).windows()


def _ordered(frame: pd.DataFrame, first: str) -> pd.DataFrame:
    """Columns in a fixed order: leading columns, the mean, counts, then each test and p."""
    lead = [c for c in ("start", "end", "n_days") if c in frame]
    cols = [*lead, first, "n", "n_pos"]
    for name in STAT_NAMES:
        cols.append(name)
        if name == "wilcoxon":
            cols.append("wilcoxon_w")
        cols.append(f"{name}_p")
    return frame[cols]


def table_notes(df: np.ndarray, labels: Sequence[str]) -> list[str]:
    """What the tables leave out, one line each, naming the studied events by ``labels``.

    ``df`` holds the events' residual degrees of freedom.

    Examples
    --------
    >>> import numpy as np
    >>> table_notes(np.array([2, 238]), ["0 (000800.SZ)", "1 (600104.SS)"])[0][:40]
    'Left out of the Patell tests (df ≤ 2, so'
    """
    notes = []
    left_out = [label for label, ok in zip(labels, patell_events(df), strict=True) if not ok]
    if left_out:
        more = f" and {len(left_out) - 10} more" if len(left_out) > 10 else ""
        notes.append(
            "Left out of the Patell tests (df ≤ 2, so that Var SAR = df/(df − 2) is not "
            f"finite): {'events' if len(left_out) > 1 else 'event'} {', '.join(left_out[:10])}"
            f"{more}. A longer estimation window "
            "gives df > 2."
        )
    return notes
