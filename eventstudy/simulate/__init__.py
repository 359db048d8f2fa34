"""Size and power of every multi-event test, by simulation on a real market.

:func:`simulate` draws samples of events at random from a price table (by default the
bundled sample of A shares), adds a known abnormal return ("shock") on day 0 and counts how
often each test of :func:`eventstudy.study` rejects: without a shock the rejection rate
estimates the test's size, with one its power (Brown & Warner 1985). Price limits cut a shock
as the exchange would cut the price; events may share their dates (Kolari & Pynnönen 2010).

==================  ===========================================================
module              what it does
==================  ===========================================================
``universe``        the candidate (stock, day) pairs and their price limits
``design``          the draw of each sample's events (random or clustered dates)
``studies``         the shocks, and every sample's study by the study's own tests
``result``          :class:`SimulationResult`: rejection rates, intervals, summary
``synthetic``       :func:`normal_market`, a market whose returns are normal
==================  ===========================================================

References
----------
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Campbell, C. J., Wasley, C. E. (1993). Measuring security price performance using daily
NASDAQ returns. Journal of Financial Economics 33(1), 73-92.
Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event
studies. Journal of Financial Economics 23(2), 385-395.
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy._typing import Window
from eventstudy.engine import OK, prepare
from eventstudy.errors import InvalidInputError
from eventstudy.simulate.design import check_clustering, draw_samples
from eventstudy.simulate.result import Design, SimulationResult, clopper_pearson
from eventstudy.simulate.studies import day0_shifts, sample_pvalues
from eventstudy.simulate.synthetic import normal_market
from eventstudy.simulate.universe import build_universe
from eventstudy.spec import StudySpec, make_spec
from eventstudy.statistics.tables import STAT_NAMES

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["SimulationResult", "clopper_pearson", "normal_market", "simulate"]

#: Options of a study that :func:`simulate` sets itself, and the argument that sets each.
_SET_BY_SIMULATE = {"window": "windows=", "data": "prices=", "market": "market="}


def simulate(
    prices: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    market: str | None = None,
    n_samples: int = 1000,
    n_events: int = 50,
    shocks: Sequence[float] = (0.0, 0.005, 0.01, 0.02),
    windows: Sequence[Window] = ((0, 0), (-1, 1)),
    clustered: bool | int = False,
    tests: str | Sequence[str] = "all",
    alpha: float | Sequence[float] = (0.01, 0.05),
    seed: int = 0,
    truncate: bool = True,
    spec: StudySpec | None = None,
    client: Client | None = None,
    **options: Any,
) -> SimulationResult:
    """Size and power of every test of :func:`eventstudy.study`, by simulation.

    Draws ``n_samples`` samples of ``n_events`` (stock, day) pairs from the universe (the
    stocks of ``prices`` on days with the whole estimation and event windows inside their
    data), adds each shock to day 0's return, studies every sample and counts how often each
    test rejects at each level (Brown & Warner 1985). Each sample's study is that of
    :func:`eventstudy.study` on its events, with the same options: every event is prepared
    and fitted once (a fit does not depend on the shock, which falls after the estimation
    window), and the tests are the study's own (:mod:`eventstudy.simulate.studies`).

    **Price limits.** With ``truncate=True`` a shock that would carry a day's return past the
    stock's daily price limit is cut at the limit, as a real price would be: with R the day's
    return, s the shock and the day's limit prices from :func:`eventstudy.limits` (on the
    table's names, or the security master), the shocked close is
    ``min(close + s × preclose, limit_up)``, so the return is ``min(R + s, limit_up /
    preclose − 1)`` (``max(R + s, limit_down / preclose − 1)`` for a negative shock); a day
    without a limit (a new listing's first days, a market without limits) is not cut.
    ``truncate=False`` adds the shock in full. ``result.cut`` gives the share of events cut.

    Parameters
    ----------
    prices : DataFrame or CSV path, optional
        A tidy price table of stocks (and, optionally, their market index): one row per
        ticker and trading day with ``ticker, date, close, preclose`` at least (``high,
        low`` and a ``name`` column, as in the whole-market file, let the limits see risk
        warnings). Default: the bundled sample of 300 A shares, 2019-2022
        (``data/PROVENANCE.md``).
    market : str, optional
        The market index of every event. Default: the CSI 300 (``000300.SS``) for the bundled
        sample, one index for stocks of both exchanges; for your own table each stock's
        exchange default, as :func:`eventstudy.study` chooses. A market missing from the
        table is loaded from the usual sources (the bundled indices offline).
    n_samples, n_events : int
        Samples, and events per sample.
    shocks : sequence of float
        Abnormal returns added on day 0 (0.01 is one percent); 0 measures the size.
    windows : sequence of (int, int)
        The windows tested; each sample's event window spans them and day 0.
    clustered : bool or int
        False: each event on its own random day. True: every event of a sample on one day.
        k: a sample's events on k days (:func:`eventstudy.simulate.design.draw_samples`).
    tests : "all" or sequence of str
        Tests, named as in :attr:`eventstudy.results.study.StudyResult.aar`.
    alpha : float or sequence of float
        Levels of the two-sided tests.
    seed : int
        Seed of the one numpy Generator every sample is drawn from, in a fixed order: the
        same seed gives the same numbers on any machine and any number of processors.
    truncate : bool
        Cut a shock at the price limit (see above), or add it in full.
    spec : StudySpec, optional
        Options of each sample's study; ``options`` given too change them.
    client : dask.distributed.Client, optional
        Compute every sample's statistics on this Dask cluster (``pip install
        "eventstudy-news[dask]"``): the drawn events are prepared and fitted here, scattered
        to the workers once, and each shock is one pass of the grouped statistics there.
        The numbers are those computed in memory, on any number of workers.
    **options
        Options of :func:`eventstudy.study` (``model``, ``estimation``, ``returns``,
        ``gaps``, ``min_estimation``, ``conventions``, ...), except those set here: the
        window, the data and the market.

    Returns
    -------
    SimulationResult
        ``rates`` (one row per test, window, shock and level, with Clopper–Pearson
        intervals), ``summary()`` (naming the tests whose size at 5% is off), ``plot()``.

    Raises
    ------
    InvalidInputError
        A bad argument: the message says which and what to give.
    InsufficientDataError
        The universe has too few candidates for the design.

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.simulate(n_samples=20, n_events=20, shocks=(0.0, 0.02), seed=1)
    >>> res.rates.columns.tolist()
    ['test', 'window', 'shock', 'alpha', 'rate', 'ci_low', 'ci_high']
    >>> res.table((0, 0)).loc["csect_t"].tolist()
    [0.05, 0.85]
    """
    if client is not None:  # refused before any work: without the extra, or not a client
        from eventstudy.engine.cluster import dask_client

        client = dask_client(client)
    names = _tests(tests)
    levels = _levels(alpha)
    shock_values = _shocks(shocks)
    tested = _windows(windows)
    n_samples, n_events = _count(n_samples, "n_samples", 1), _count(n_events, "n_events", 2)
    n_dates = check_clustering(clustered, n_events)
    for name, given_by in _SET_BY_SIMULATE.items():
        if name in options:
            raise InvalidInputError(f"simulate() sets {name} itself; give it as {given_by}")
    base = make_spec(spec, **options)
    if base.measure != "returns":
        raise InvalidInputError(
            f"measure={base.measure!r}: simulate() adds its shocks to returns; use "
            "measure='returns'."
        )
    span = (min(0, *(a for a, _ in tested)), max(0, *(b for _, b in tested)))
    base = base.replace(window=span)
    universe = build_universe(prices, market or base.market, base)
    study_spec = base.replace(market=universe.market, data=universe.prices)

    rng = np.random.default_rng(seed)
    picks = draw_samples(universe.dates, n_samples, n_events, n_dates, rng)
    drawn, inverse = np.unique(picks, return_inverse=True)
    events = pd.DataFrame({"ticker": universe.tickers[drawn], "date": universe.dates[drawn]})
    batch = prepare(events, study_spec)
    studied = (batch.events["status"] == OK).to_numpy()
    panel_row = np.where(studied, np.cumsum(studied) - 1, -1)
    samples = panel_row[inverse.reshape(picks.shape)]

    up = down = None
    if truncate:
        up, down = universe.limit_ratios(drawn[studied])
    day0 = batch.panel.y[:, batch.panel.cols(0, 0).start]
    moves, cut = day0_shifts(day0, shock_values, study_spec.returns, up, down)
    pvalues = sample_pvalues(batch, samples, moves, tested, names, client)
    weights = np.bincount(samples[samples >= 0], minlength=len(day0))  # events in samples
    return SimulationResult(
        pvalues,
        tests=names,
        windows=tested,
        shocks=shock_values,
        alpha=levels,
        events=pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n_samples), n_events),
                "ticker": universe.tickers[picks.ravel()],
                "date": universe.dates[picks.ravel()],
                "studied": samples.ravel() >= 0,
            }
        ),
        cut=weights @ cut / max(weights.sum(), 1),
        design=Design(n_samples, n_events, n_dates, truncate, seed, universe.description),
        spec=study_spec,
    )


def _tests(tests: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(tests, str) and tests == "all":
        return STAT_NAMES
    chosen = (tests,) if isinstance(tests, str) else tuple(tests)
    unknown = [t for t in chosen if t not in STAT_NAMES]
    if unknown or not chosen:
        raise InvalidInputError(
            f"tests={tests!r}: unknown test(s) {', '.join(map(repr, unknown)) or '(none given)'};"
            f" use 'all' or some of {', '.join(STAT_NAMES)}."
        )
    return tuple(t for t in STAT_NAMES if t in chosen)


def _levels(alpha: float | Sequence[float]) -> tuple[float, ...]:
    values = (alpha,) if isinstance(alpha, int | float) else tuple(alpha)
    if not values or not all(isinstance(a, int | float) and 0.0 < a < 1.0 for a in values):
        raise InvalidInputError(
            f"alpha={alpha!r} must be a level between 0 and 1, or several (e.g. (0.01, 0.05))."
        )
    return tuple(sorted({float(a) for a in values}))


def _shocks(shocks: Sequence[float]) -> tuple[float, ...]:
    values = tuple(shocks) if not isinstance(shocks, int | float) else (shocks,)
    if not values or not all(
        isinstance(s, int | float) and np.isfinite(s) and abs(s) < 1.0 for s in values
    ):
        raise InvalidInputError(
            f"shocks={shocks!r} must be returns added on day 0, each between -1 and 1 "
            "(0.01 is one percent), e.g. (0.0, 0.01)."
        )
    return tuple(float(s) for s in dict.fromkeys(values))


def _windows(windows: Sequence[Window]) -> tuple[Window, ...]:
    try:
        pairs = tuple((int(a), int(b)) for a, b in windows)
    except (TypeError, ValueError):
        pairs = ()
    if not pairs or any(a > b for a, b in pairs):
        raise InvalidInputError(
            f"windows={windows!r} must be (start, end) pairs of relative days with start <= "
            "end, e.g. ((0, 0), (-1, 1))."
        )
    return tuple(dict.fromkeys(pairs))


def _count(value: int, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise InvalidInputError(f"{name}={value!r} must be an integer of at least {least}.")
    return int(value)
