"""How numbers are written (eventstudy.format): what the docstring examples do not show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from eventstudy import format as fmt

WRITERS = (fmt.percent, fmt.pvalue, fmt.tstat, fmt.count, fmt.millions, fmt.multiple,
           fmt.price, fmt.number)


@pytest.mark.parametrize("missing", [None, np.nan, np.float32("nan"), pd.NA, pd.NaT],
                         ids=["None", "nan", "float32 nan", "NA", "NaT"])
def test_a_missing_value_is_a_dash(missing: object) -> None:
    assert [write(missing) for write in WRITERS] == [fmt.MISSING] * len(WRITERS)  # type: ignore[arg-type]
    assert fmt.test(missing, missing) == "t = –, p = –"  # type: ignore[arg-type]
