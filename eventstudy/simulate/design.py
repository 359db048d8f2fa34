"""Which events each simulated sample holds: random dates, or dates shared by the events.

Every draw comes from one :class:`numpy.random.Generator`, sample after sample in a fixed
order, so a seed gives the same samples on every machine and with any number of processors.

References
----------
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
"""

from __future__ import annotations

import numpy as np

from eventstudy.errors import InsufficientDataError, InvalidInputError


def check_clustering(clustered: bool | int, n_events: int) -> int:
    """The number of event dates per sample: 0 for random dates, else 1 to ``n_events``.

    Raises
    ------
    InvalidInputError
        If ``clustered`` is not a bool or an integer from 1 to ``n_events``.
    """
    if isinstance(clustered, bool | np.bool_):
        return int(bool(clustered))
    if isinstance(clustered, int | np.integer) and 1 <= clustered <= n_events:
        return int(clustered)
    raise InvalidInputError(
        f"clustered={clustered!r} is not valid; use False (each event on its own random "
        f"date), True (every event of a sample on one date) or k, a number of dates from 1 "
        f"to n_events={n_events} shared by a sample's events."
    )


def draw_samples(
    dates: np.ndarray, n_samples: int, n_events: int, n_dates: int, rng: np.random.Generator
) -> np.ndarray:
    """Candidates of each sample, an array of shape (n_samples, n_events).

    Parameters
    ----------
    dates : numpy.ndarray of datetime64, shape (C,)
        Each candidate's day 0.
    n_samples, n_events : int
    n_dates : int
        0: each sample is ``n_events`` candidates drawn without replacement from all
        (Brown & Warner 1985: a stock and a day at random for every event). k ≥ 1: each
        sample draws k distinct days among those with enough candidates, then splits its
        events over them as evenly as possible (the first ``n_events mod k`` days get one
        more) and draws each day's stocks without replacement among that day's candidates:
        events clustered in calendar time, whose abnormal returns share the market's day
        (Kolari & Pynnönen 2010).
    rng : numpy.random.Generator

    Raises
    ------
    InsufficientDataError
        Fewer candidates than events, or fewer than k days with enough candidates.
    """
    if n_dates == 0:
        if len(dates) < n_events:
            raise InsufficientDataError(
                f"the universe has {len(dates)} candidate (stock, day) pairs, fewer than "
                f"n_events={n_events}."
            )
        return np.stack(
            [rng.choice(len(dates), n_events, replace=False) for _ in range(n_samples)]
        )
    order = np.argsort(dates, kind="stable")
    _, first, counts = np.unique(dates[order], return_index=True, return_counts=True)
    per_day = np.full(n_dates, n_events // n_dates)
    per_day[: n_events % n_dates] += 1
    usable = np.flatnonzero(counts >= per_day[0])
    if len(usable) < n_dates:
        raise InsufficientDataError(
            f"only {len(usable)} day(s) have {per_day[0]} or more candidate stocks; "
            f"clustered={n_dates} needs {n_dates} such days. Use fewer events, fewer shared "
            "dates, or a larger universe."
        )
    out = np.empty((n_samples, n_events), dtype=np.intp)
    for s in range(n_samples):
        chosen = rng.choice(usable, n_dates, replace=False)
        picks = [
            order[first[d] + rng.choice(counts[d], size, replace=False)]
            for d, size in zip(chosen, per_day, strict=True)
        ]
        out[s] = np.concatenate(picks)
    return out
