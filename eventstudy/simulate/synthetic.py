"""A synthetic market with normal returns, where every test's null hypothesis holds exactly.

The returns follow the market model with normal disturbances (MacKinlay 1997, section 4),
optionally correlated across stocks on the same day, as in the simulations of Kolari &
Pynnönen (2010): a benchmark against which the real market's fat tails, price limits and
clustering can be told apart. Its prices are synthetic: they are no stock's.

References
----------
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
MacKinlay, A. C. (1997). Event studies in economics and finance. Journal of Economic
Literature 35(1), 13-39.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from eventstudy.errors import InvalidInputError

#: Ticker of the synthetic market's index.
MARKET = "MARKET"


def normal_market(
    n_stocks: int = 300,
    n_days: int = 750,
    *,
    correlation: float = 0.0,
    seed: int = 0,
    start: str = "2019-01-02",
) -> pd.DataFrame:
    """A price table of ``n_stocks`` stocks and their index with normal returns.

    The index's daily return is ``R_m,t ~ N(0.0004, 0.012²)``; stock i's is
    ``R_it = α_i + β_i R_m,t + σ_i ε_it`` with ``α_i = 0``, ``β_i ~ U(0.5, 1.5)``,
    ``σ_i ~ U(0.015, 0.035)`` and ``ε_it = √ρ f_t + √(1 − ρ) u_it``, f_t and u_it independent
    N(0, 1): the disturbances of any two stocks on the same day have correlation ρ, of two
    days none. Prices start at 10 (the index at 1,000) and compound the returns; every row's
    ``preclose`` is the previous close, so ``close / preclose − 1`` is the return.

    Parameters
    ----------
    n_stocks, n_days : int
    correlation : float
        ρ, from 0 to 1.
    seed : int
        Seed of the numpy Generator the returns are drawn from.
    start : str
        The first day; the days are consecutive weekdays.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``ticker`` (``S0001``, ... and :data:`MARKET`), ``date``, ``close``,
        ``preclose``; sorted by ticker and date.

    Examples
    --------
    >>> table = normal_market(3, 5, seed=1)
    >>> sorted(table["ticker"].unique()), len(table)
    (['MARKET', 'S0001', 'S0002', 'S0003'], 20)
    """
    if not 0.0 <= correlation <= 1.0:
        raise InvalidInputError(f"correlation={correlation!r} must be between 0 and 1.")
    if n_stocks < 1 or n_days < 2:
        raise InvalidInputError("normal_market needs at least one stock and two days.")
    rng = np.random.default_rng(seed)
    market = rng.normal(0.0004, 0.012, n_days)
    beta = rng.uniform(0.5, 1.5, n_stocks)
    sigma = rng.uniform(0.015, 0.035, n_stocks)
    common = rng.standard_normal(n_days)
    own = rng.standard_normal((n_stocks, n_days))
    noise = np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * own
    returns = np.vstack([market, beta[:, None] * market + sigma[:, None] * noise])
    first = np.r_[1000.0, np.full(n_stocks, 10.0)][:, None]
    close = first * np.cumprod(1.0 + returns, axis=1)
    preclose = np.hstack([first, close[:, :-1]])
    tickers = [MARKET, *(f"S{k:04d}" for k in range(1, n_stocks + 1))]
    days = pd.bdate_range(start, periods=n_days)
    return pd.DataFrame(
        {
            "ticker": np.repeat(tickers, n_days),
            "date": np.tile(days.to_numpy(), n_stocks + 1),
            "close": close.ravel(),
            "preclose": preclose.ravel(),
        }
    ).sort_values(["ticker", "date"], ignore_index=True)
