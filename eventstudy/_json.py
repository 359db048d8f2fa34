"""Plain JSON values from numpy and pandas ones, for exports (CLI ``--json``, reports)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def to_jsonable(value: Any) -> Any:
    """Convert numpy, pandas and float values into JSON-safe Python values (NaN → null).

    Examples
    --------
    >>> to_jsonable({"day": pd.Timestamp("2021-09-13"), "none": pd.NaT, "x": np.float64("nan")})
    {'day': '2021-09-13T00:00:00', 'none': None, 'x': None}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
