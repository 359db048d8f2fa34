"""Groups of events, and sums over the members of each group.

The statistics of a study are computed for every group of its events at once: the whole
study, the groups of ``study(groups=...)``, the samples of a simulation. An event may belong
to several groups; :class:`Groups` lists the memberships, and :class:`BlockGroups` sums
values over the members of each group within a block of events.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.panel import FloatArray


@dataclass(frozen=True)
class Groups:
    """Which groups each event belongs to.

    Attributes
    ----------
    event : numpy.ndarray of int, shape (M,)
        The event (row) of each membership, in increasing order.
    group : numpy.ndarray of int, shape (M,)
        Its group, 0..n−1.
    n : int
        Number of groups.

    Examples
    --------
    >>> import numpy as np
    >>> g = Groups.of_labels(np.array([[0, 1], [0, -1], [0, 2]]))
    >>> g.event.tolist(), g.group.tolist(), g.n
    ([0, 0, 1, 2, 2], [0, 1, 0, 0, 2], 3)
    """

    event: np.ndarray
    group: np.ndarray
    n: int

    @classmethod
    def one(cls, n_events: int) -> Groups:
        """Every event in group 0."""
        return cls(np.arange(n_events), np.zeros(n_events, dtype=np.intp), 1)

    @classmethod
    def of_labels(cls, labels: np.ndarray, n: int | None = None) -> Groups:
        """Groups from labels 0..n−1 of shape (N,) or (N, k) (k groups per event); −1: none."""
        table = np.asarray(labels, dtype=np.intp).reshape(len(labels), -1)
        event, layer = np.nonzero(table >= 0)
        group = table[event, layer]
        count = int(group.max()) + 1 if group.size else 0
        return cls(event, group, count if n is None else n)

    def take(self, rows: slice) -> Groups:
        """The memberships of the events ``rows``, renumbered from 0 (the groups are kept).

        Examples
        --------
        >>> g = Groups.of_labels(np.array([[0, 1], [0, -1], [0, 2]])).take(slice(1, 3))
        >>> g.event.tolist(), g.group.tolist(), g.n
        ([0, 1, 1], [0, 0, 2], 3)
        """
        lo, hi = np.searchsorted(self.event, [rows.start, rows.stop])
        return Groups(self.event[lo:hi] - rows.start, self.group[lo:hi], self.n)

    def block(self, rows: slice) -> BlockGroups:
        """The memberships of the events ``rows``."""
        lo, hi = np.searchsorted(self.event, [rows.start, rows.stop])
        group = self.group[lo:hi]
        if len(group) and group.min() == group.max():  # one group: no sort
            ids, local = group[:1], np.zeros(len(group), dtype=np.intp)
        else:
            ids, inverse = np.unique(group, return_inverse=True)
            local = inverse.ravel()
        return BlockGroups(self.event[lo:hi] - rows.start, ids, local, rows.stop - rows.start)


@dataclass(frozen=True)
class BlockGroups:
    """The memberships of a block of events, with the block's groups numbered 0..g−1.

    Attributes
    ----------
    event : numpy.ndarray of int, shape (m,)
        Row in the block of each membership.
    ids : numpy.ndarray of int, shape (g,)
        The groups present, in increasing order.
    local : numpy.ndarray of int, shape (m,)
        The group of each membership as a position in ``ids``.
    rows : int
        Number of events in the block.
    """

    event: np.ndarray
    ids: np.ndarray
    local: np.ndarray
    rows: int

    @property
    def n(self) -> int:
        """Number of groups in the block."""
        return len(self.ids)

    @cached_property
    def simple(self) -> bool:
        """Every event of the block is in the same single group."""
        return len(self.ids) == 1 and np.array_equal(self.event, np.arange(self.rows))

    def sum_rows(self, values: FloatArray) -> FloatArray:
        """Σ over the members of each group of the rows of ``values`` (finite), shape (g, ...)."""
        if self.simple:
            return np.asarray(values.sum(axis=0))[None]
        out = np.zeros((self.n, *values.shape[1:]))
        if not len(self.event):
            return out
        order = np.argsort(self.local, kind="stable")
        ordered = self.local[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        out[ordered[starts]] = np.add.reduceat(values[self.event[order]], starts, axis=0)
        return out

    def keyed_sums(
        self, keys: np.ndarray | None, weights: FloatArray, ok: np.ndarray, n_keys: int
    ) -> FloatArray:
        """Σ of ``weights`` where ``ok`` over each group's members by key, shape (g, n_keys).

        ``keys`` (rows × columns, 0..n_keys−1) gives the key of each value; None when the
        column is the key.
        """
        weights = np.broadcast_to(weights, ok.shape)
        if keys is None:
            return self.sum_rows(np.where(ok, weights, 0.0))
        if self.simple:
            return np.bincount(keys[ok], weights=weights[ok], minlength=n_keys)[None]
        ok_m = ok[self.event]
        flat = (self.local[:, None] * n_keys + keys[self.event])[ok_m]
        sums = np.bincount(flat, weights=weights[self.event][ok_m], minlength=self.n * n_keys)
        return sums.reshape(self.n, n_keys)


    def of_members(self, which: slice | np.ndarray) -> BlockGroups:
        """The memberships ``which`` as a block of their own: one row per membership."""
        local = self.local[which]
        return BlockGroups(np.arange(len(local)), self.ids, local, len(local))


def number_groups(labels: pd.Series) -> tuple[list[Any], np.ndarray]:
    """The distinct labels in order of appearance, and each row's group number.

    Group 0 is the whole study; the rows with the k-th label are in group k (1, 2, ...),
    those without a label (None, NaN) in none (−1).

    Examples
    --------
    >>> import pandas as pd
    >>> values, numbers = number_groups(pd.Series(["b", None, "a", "b"]))
    >>> values, numbers.tolist()
    (['b', 'a'], [1, -1, 2, 1])
    """
    values = list(labels.dropna().unique())
    codes = pd.Categorical(labels.to_numpy(dtype=object), categories=values).codes
    return values, np.where(codes >= 0, codes + 1, -1).astype(np.intp)
