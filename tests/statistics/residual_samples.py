"""Random estimation residuals shared by the statistics tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_residuals(
    seed: int, n: int = 6, length: int = 30, missing: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residuals, validity and calendar dates of n events whose windows partly overlap."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(length + 20)
    resid = np.empty((n, length))
    dates = np.empty((n, length), dtype="datetime64[ns]")
    days = pd.bdate_range("2020-01-01", periods=length + 20).to_numpy("datetime64[ns]")
    for i in range(n):
        shift = int(rng.integers(0, 20))
        resid[i] = 0.5 * common[shift : shift + length] + rng.standard_normal(length)
        dates[i] = days[shift : shift + length]
    valid = rng.random((n, length)) > missing
    return np.where(valid, resid, np.nan), valid, dates
