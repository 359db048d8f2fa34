"""Fuzzing the reader of a user's own price table: whatever the table holds, the reader either
returns a checked frame or raises one of the package's own errors; it never leaks a pandas or
numpy exception or warning, and never changes the table it was given."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventstudy.errors import EventStudyError
from eventstudy.sources import load_prices

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TICKERS = st.one_of(
    st.sampled_from(["X", " x ", "X.SZ", "Y.SS", "Z", "X.XX", "", "  ", "000800"]),
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=6),
)
DATE_TEXT = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(str),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.strftime("%b %d, %Y")),
    st.sampled_from(["2021-09-13T10:30+08:00", "2021-09-12T16:00Z", "2021-02-30", "today",
                     "20210913", "2021/09/13", "", "NaT", "nan", "13.09.2021", "1e300"]),
    st.text(max_size=12),
)
DATES = st.one_of(
    DATE_TEXT,
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(dt.datetime(1700, 1, 1), dt.datetime(2200, 1, 1)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1), timezones=st.sampled_from(
        [dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))])),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["12.11", "12,11", "1e300", "inf", "-0", "n/a", "", " 12 "]),
    st.none(),
    st.text(max_size=5),
)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 8))
    columns = {
        "ticker": draw(st.lists(TICKERS, min_size=rows, max_size=rows)),
        "date": draw(st.lists(DATES, min_size=rows, max_size=rows)),
        "close": draw(st.lists(NUMBERS, min_size=rows, max_size=rows)),
    }
    for extra in draw(st.lists(st.sampled_from(["open", "preclose", "volume", "date"]),
                               max_size=2, unique=True)):
        columns[extra] = draw(st.lists(NUMBERS, min_size=rows, max_size=rows))
    dropped = draw(st.sampled_from([None, "ticker", "date", "close"]))
    if dropped:
        del columns[dropped]
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


def _load(data: pd.DataFrame | Path, ticker: str) -> None:
    try:
        frame = load_prices(ticker, data=data)
    except EventStudyError:
        return
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    close = frame["close"].to_numpy()
    assert np.isfinite(close).all() and (close > 0).all()


@FUZZ
@given(table=tables(), ticker=st.sampled_from(["X", "x", "X.SZ", "Y.SS", "000800"]))
def test_any_dataframe_gives_a_frame_or_our_error(table: pd.DataFrame, ticker: str) -> None:
    before = table.copy()
    _load(table, ticker)
    pd.testing.assert_frame_equal(table, before)


@FUZZ
@given(text=st.one_of(
    st.text(max_size=300),
    st.lists(st.tuples(TICKERS.map(str), DATE_TEXT, NUMBERS.map(str)), max_size=6).map(
        lambda rows: "ticker,date,close\n" + "\n".join(",".join(r) for r in rows)),
))
def test_any_csv_text_gives_a_frame_or_our_error(text: str, tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load(path, "X")


@FUZZ
@given(blob=st.binary(max_size=300))
def test_any_bytes_give_a_frame_or_our_error(blob: bytes, tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_bytes(blob)
    _load(path, "X")


@pytest.mark.parametrize("value", [np.inf, 1e300, 0.0, -1.0, 1e-300])
def test_no_checked_close_is_infinite_or_absurd(value: float) -> None:
    table = pd.DataFrame({"ticker": "X", "date": ["2021-09-10", "2021-09-13"],
                          "close": [11.62, value]})
    with pytest.raises(EventStudyError, match="row 2 X 2021-09-13"):
        load_prices("X", data=table)
