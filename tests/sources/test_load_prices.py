"""Tests of eventstudy.sources.load_prices on the bundled data and on own data (offline)."""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from eventstudy.errors import DataFormatError, DataUnavailableError, InvalidInputError
from eventstudy.sources import PRICE_COLUMNS, bundled_span, bundled_tickers, load_prices
from eventstudy.sources._frame import PriceArrays
from eventstudy.sources.owndata import OwnTable

FAW = "000800.SZ"
SZSE = "399001.SZ"
BUNDLED = (
    "000001.SS", "000300.SS", "000338.SZ", "000625.SZ", "000800.SZ", "000951.SZ",
    "002594.SZ", "399001.SZ", "600104.SS", "601238.SS", "601633.SS",
)


def bundle(ticker: str = FAW, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    return load_prices(ticker, start, end, data="bundled")


# --------------------------------------------------------------------------- bundled data


def test_faw_september_2021() -> None:
    frame = bundle(FAW, "2021-09-01", "2021-09-30")
    assert len(frame) == 20
    assert pd.Timestamp("2021-09-20") not in frame.index
    assert pd.Timestamp("2021-09-21") not in frame.index
    day = frame.loc["2021-09-13"]
    assert day["ticker"] == FAW
    assert (day["open"], day["high"], day["low"], day["close"]) == (12.70, 12.78, 12.04, 12.11)
    assert day["preclose"] == 11.62
    assert day["volume"] == 110009880
    assert day["amount"] == 1372472392.34


def test_frame_shape_and_index() -> None:
    frame = bundle(FAW)
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert frame.index.name == "date"
    assert frame.index.dtype == "datetime64[ns]"
    index = pd.DatetimeIndex(frame.index)
    assert index.tz is None
    assert index.is_monotonic_increasing and index.is_unique
    assert (index == index.normalize()).all()
    assert all(frame[c].dtype == np.float64 for c in PRICE_COLUMNS[1:])


def test_start_and_end_are_inclusive() -> None:
    frame = bundle(FAW, "2021-09-10", "2021-09-13")
    assert [d.strftime("%Y-%m-%d") for d in frame.index] == ["2021-09-10", "2021-09-13"]


def test_dates_accept_date_objects_and_timestamps() -> None:
    a = bundle(FAW, "2021-09-10", "2021-09-13")
    b = load_prices(FAW, dt.date(2021, 9, 10), pd.Timestamp("2021-09-13 15:00"), "bundled")
    pd.testing.assert_frame_equal(a, b)


def test_suspended_days_are_absent() -> None:
    frame = bundle(FAW, "2019-03-25", "2019-04-15")
    assert frame.index[frame.index > "2019-03-27"][0] == pd.Timestamp("2019-04-12")
    assert pd.Timestamp("2020-02-18") not in bundle(FAW).index


def test_ex_date_2021_07_15() -> None:
    frame = bundle(FAW, "2021-07-14", "2021-07-15")
    assert frame["close"].tolist()[0] == 12.06
    assert frame.loc["2021-07-15", "preclose"] == 11.56
    adj = frame["adj_close"]
    np.testing.assert_allclose(adj.iloc[1] / adj.iloc[0], 10.94 / 11.56, rtol=1e-14)


@pytest.mark.parametrize("ticker", BUNDLED)
def test_adj_close_returns_equal_preclose_returns(ticker: str) -> None:
    frame = bundle(ticker)
    adjusted = frame["adj_close"].pct_change().iloc[1:]
    total = (frame["close"] / frame["preclose"] - 1).iloc[1:]
    np.testing.assert_allclose(adjusted, total, rtol=0, atol=1e-14)
    assert frame["adj_close"].iloc[-1] == frame["close"].iloc[-1]


def test_preclose_return_is_bit_identical_to_literals() -> None:
    day = bundle(FAW, "2021-09-13", "2021-09-13").iloc[0]
    assert day["close"] / day["preclose"] - 1 == 12.11 / 11.62 - 1


def test_index_rows() -> None:
    frame = bundle(SZSE, "2021-09-10", "2021-09-13")
    assert frame["close"].tolist() == [14771.8711, 14705.8272]
    assert frame.loc["2021-09-13", "preclose"] == 14771.8711
    assert (frame["adj_close"] == frame["close"]).all()
    first = bundle(SZSE).iloc[0]
    assert first["preclose"] == 7239.789  # the 2018-12-28 close, from outside the bundle


def test_bundled_tickers_and_span() -> None:
    assert bundled_tickers() == BUNDLED
    assert [d.strftime("%Y-%m-%d") for d in bundled_span()] == ["2019-01-02", "2022-01-14"]


def test_ticker_case_and_spaces_do_not_matter() -> None:
    frame = load_prices(" 000800.sz ", "2021-09-13", "2021-09-13", data="bundled")
    assert frame["ticker"].iloc[0] == FAW


def test_provenance() -> None:
    frame = bundle(FAW, "2021-09-01", "2021-09-30")
    prov = frame.attrs["provenance"]
    assert prov["source"] == "bundled"
    assert prov["detail"].startswith("data/prices.csv bundled with eventstudy")
    assert prov["fetched_at"] is None
    assert (prov["rows"], prov["first"], prov["last"], prov["ticker"]) == (
        20, "2021-09-01", "2021-09-30", FAW
    )


def test_returned_frame_is_a_copy() -> None:
    frame = bundle(FAW, "2021-09-13", "2021-09-13")
    frame.loc[:, "close"] = -1.0
    frame.attrs["provenance"]["rows"] = 0
    again = bundle(FAW, "2021-09-13", "2021-09-13")
    assert again["close"].iloc[0] == 12.11
    assert again.attrs["provenance"]["rows"] == 1


def test_bundled_load_is_fast_after_the_first() -> None:
    bundle(FAW)
    times = []
    for _ in range(50):
        t0 = time.perf_counter()
        bundle(FAW, "2021-01-01", "2021-12-31")
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.01  # about 0.4 ms on a laptop


# --------------------------------------------------------------------------- own data


def bundle_csv(tmp_path: Path, tickers: tuple[str, ...] = (FAW, SZSE)) -> Path:
    frames = [bundle(t) for t in tickers]
    path = tmp_path / "own.csv"
    pd.concat(frames).reset_index()[["ticker", "date", *PRICE_COLUMNS[1:]]].to_csv(
        path, index=False
    )
    return path


def test_csv_from_the_bundle_reads_back_equal(tmp_path: Path) -> None:
    path = bundle_csv(tmp_path)
    for ticker in (FAW, SZSE):
        own = load_prices(ticker, data=path)
        pd.testing.assert_frame_equal(own, bundle(ticker), check_exact=True)
        assert own.attrs["provenance"]["source"] == "csv"
        assert own.attrs["provenance"]["detail"] == str(path.resolve())
    window = load_prices(FAW, "2021-09-01", "2021-09-30", data=str(path))
    pd.testing.assert_frame_equal(
        window, bundle(FAW, "2021-09-01", "2021-09-30"), check_exact=True
    )


def test_dataframe_with_date_index_or_column(tmp_path: Path) -> None:
    expected = bundle(FAW, "2021-09-01", "2021-09-30")
    as_index = expected.copy()
    as_column = expected.reset_index()
    before = as_column.copy()
    for own in (as_index, as_column):
        got = load_prices(FAW, "2021-09-01", "2021-09-30", data=own)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got.attrs["provenance"]["source"] == "dataframe"
    pd.testing.assert_frame_equal(as_column, before)  # not modified in place


def test_dataframe_is_never_modified() -> None:
    own = pd.DataFrame({
        "ticker": ["x", "x"], "date": ["2021-09-13", "2021-09-10"], "close": ["12.11", "11.62"]
    })
    before = own.copy()
    frame = load_prices("X", data=own)
    pd.testing.assert_frame_equal(own, before)
    assert frame["close"].tolist() == [11.62, 12.11]
    frame.loc[:, "close"] = 0.0
    pd.testing.assert_frame_equal(own, before)


def own_arrays(own: pd.DataFrame) -> dict[str, PriceArrays]:
    table = OwnTable.read(own).stocks
    return {t: table.arrays(k) for k, t in enumerate(table.tickers)}


def _own_table() -> pd.DataFrame:
    """Two bundled tickers as one long table, sorted by ticker and date."""
    return pd.concat(
        [bundle(t, "2021-08-01", "2021-10-31").reset_index() for t in (FAW, SZSE)],
        ignore_index=True,
    )


@pytest.mark.parametrize("shuffle", [False, True])
def test_own_arrays_equal_the_frames(shuffle: bool) -> None:
    own = _own_table()
    if shuffle:
        own = own.sample(frac=1.0, random_state=np.random.RandomState(3))
    own["ticker"] = own["ticker"].map({FAW: f" {FAW}", SZSE: SZSE})  # one padded spelling
    own.loc[own.index[::2], "ticker"] = own.loc[own.index[::2], "ticker"].str.strip()
    own["date"] = own["date"] + pd.Timedelta(hours=15)  # a time of day keeps its date
    before = own.copy()
    arrays = own_arrays(own)
    assert sorted(arrays) == [FAW, SZSE]
    for ticker in (FAW, SZSE):
        frame = load_prices(ticker, data=own)
        got = arrays[ticker]
        np.testing.assert_array_equal(got.dates, frame.index.to_numpy())
        for column in ("close", "preclose", "adj_close", "volume"):
            np.testing.assert_array_equal(getattr(got, column), frame[column].to_numpy())
    assert arrays[FAW].close[list(arrays[FAW].dates).index(np.datetime64("2021-09-13"))] == 12.11
    pd.testing.assert_frame_equal(own, before)


def test_own_arrays_cannot_write_into_the_callers_frame() -> None:
    own = _own_table()
    before = own.copy()
    arrays = own_arrays(own)
    with pytest.raises(ValueError, match="read-only"):
        arrays[FAW].close[0] = 0.0
    pd.testing.assert_frame_equal(own, before)


def test_own_arrays_find_repeats_in_a_shuffled_table() -> None:
    own = _own_table()
    own = pd.concat([own, own.iloc[[5]]]).sample(frac=1.0, random_state=np.random.RandomState(1))
    with pytest.raises(DataFormatError, match="2 rows repeat a ticker and date"):
        own_arrays(own)


def test_minimum_columns_fill_the_rest_with_nan(tmp_path: Path) -> None:
    path = tmp_path / "min.csv"
    path.write_text("ticker,date,close,note\nABC,2021-09-13,12.11,x\nABC,2021-09-10,11.62,y\n")
    frame = load_prices("ABC", data=path)
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert frame["close"].tolist() == [11.62, 12.11]
    assert frame[["open", "preclose", "adj_close", "volume"]].isna().all().all()


def test_timezone_aware_dates_are_days_in_the_exchanges_zone() -> None:
    index = pd.DatetimeIndex(["2021-09-10", "2021-09-13"]).tz_localize("Asia/Shanghai")
    for stamps in (index, index.tz_convert("UTC")):  # 2021-09-12 16:00 UTC is Monday there
        own = pd.DataFrame({"ticker": "X.SZ", "close": [11.62, 12.11]},
                           index=stamps.rename("date"))
        frame = load_prices("X.SZ", data=own)
        assert list(frame.index) == [pd.Timestamp("2021-09-10"), pd.Timestamp("2021-09-13")]


# --------------------------------------------------------------------------- errors


def test_unknown_ticker_in_bundle_lists_bundled_tickers() -> None:
    with pytest.raises(DataUnavailableError, match=r"'AAPL'.*000800\.SZ.*601633\.SS"):
        load_prices("AAPL", "2021-01-01", "2021-12-31", data="bundled")


def test_unknown_ticker_in_own_data_lists_its_tickers(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailableError, match=r"'600104\.SS'.*000800\.SZ, 399001\.SZ"):
        load_prices("600104.SS", data=bundle_csv(tmp_path))


def test_end_before_start() -> None:
    with pytest.raises(InvalidInputError, match=r"end=2021-09-01 is before start=2021-09-30"):
        bundle(FAW, "2021-09-30", "2021-09-01")


@pytest.mark.parametrize("bad", ["2021-13-45", "yesterday", "13/09/2021x"])
def test_bad_date_string(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="start="):
        load_prices(FAW, bad, None, data="bundled")


@pytest.mark.parametrize(
    ("start", "end"), [("2018-06-01", "2019-06-01"), ("2021-06-01", "2022-06-01"),
                       ("2023-01-01", "2023-12-31")]
)
def test_dates_outside_the_bundle_name_the_range(start: str, end: str) -> None:
    with pytest.raises(DataUnavailableError, match="cover 2019-01-02 to 2022-01-14"):
        bundle(FAW, start, end)


def test_window_without_trading_days() -> None:
    with pytest.raises(DataUnavailableError, match=r"No trading day.*2021-09-20 to 2021-09-21"):
        bundle(FAW, "2021-09-20", "2021-09-21")


def test_dates_outside_own_data_name_its_range(tmp_path: Path) -> None:
    path = bundle_csv(tmp_path)
    with pytest.raises(DataUnavailableError, match="cover 2019-01-02 to 2022-01-14"):
        load_prices(FAW, "2022-01-01", "2022-02-01", data=path)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


GOOD_ROWS = "ticker,date,close\nX,2021-09-10,11.62\nX,2021-09-13,12.11\n"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("ticker,day,close\nX,2021-09-13,12.11\n", r"missing column\(s\) date; found ticker, day"),
        ("date,close\n2021-09-13,12.11\n", r"missing column\(s\) ticker"),
        ("ticker,date,open\nX,2021-09-13,12.11\n", r"missing column\(s\) close"),
        ("ticker,date,close\nX,2021-09-13,12.11\nX,13.09.2021x,11.0\n",
         r"1 date\(s\) could not be read \(row 2: '13.09.2021x' is not a date"),
        ("ticker,date,close\nX,2021-09-13,12.11\nX,,11.0\n", r"date\(s\) could not be read"),
        (GOOD_ROWS + "X,2021-09-13,12.12\n", r"repeat a ticker and date \(row 2 X 2021-09-13"),
        (GOOD_ROWS + "X,2021-09-14,0\n", r"'close' has 1 zero or negative price"),
        ("ticker,date,close,open\nX,2021-09-13,12.11,-1\n", r"'open' has 1 zero or negative"),
        (GOOD_ROWS + "X,2021-09-14,\n", r"1 row\(s\) have no close \(row 3 X 2021-09-14"),
        (GOOD_ROWS + "X,2021-09-14,12.1x\n", r"'close' has values that are not numbers"),
        (",X\n", r"missing column"),
        ("", r"not a readable CSV"),
        (",\n\n", r"missing column"),
        ("\n", r"not a readable CSV"),
        ("ticker,date,close\n,2021-09-13,12.11\n", r"empty ticker in data row\(s\) 1"),
    ],
)
def test_malformed_csv(tmp_path: Path, text: str, pattern: str) -> None:
    with pytest.raises(DataFormatError, match=pattern):
        load_prices("X", data=write(tmp_path, text))


def test_malformed_dataframe() -> None:
    own = pd.DataFrame({"ticker": ["X", "X"], "date": ["2021-09-13", "2021-09-13"],
                        "close": [12.11, 12.12]})
    with pytest.raises(DataFormatError, match="the DataFrame passed as data: 2 rows repeat"):
        load_prices("X", data=own)


def test_unknown_source_name() -> None:
    with pytest.raises(InvalidInputError, match=r"'bundeld' is neither one of 'auto', 'bundled'"):
        load_prices(FAW, data="bundeld")


def test_source_of_wrong_type() -> None:
    with pytest.raises(InvalidInputError, match="data=42 is not valid"):
        load_prices(FAW, data=42)  # type: ignore[arg-type]


@pytest.mark.parametrize("ticker", ["", "  ", None, 800])
def test_bad_ticker(ticker: Any) -> None:
    with pytest.raises(InvalidInputError, match="is not a ticker"):
        load_prices(ticker, data="bundled")


# --------------------------------------------------------------------------- auto, cache, yahoo
# The cache and Yahoo modules are replaced by small fakes here; their own tests use the real
# ones. Nothing in this file touches the network or the user's cache.


class FakeCache:
    enabled = True
    path = Path("fake.sqlite")

    def __init__(self, stored: dict[str, pd.DataFrame] | None = None) -> None:
        self.stored = dict(stored or {})
        self.puts: list[str] = []

    def get(self, ticker: str, start: Any, end: Any) -> pd.DataFrame | None:
        frame = self.stored.get(ticker)
        return None if frame is None else frame.loc[start:end].copy()

    def put(self, ticker: str, frame: pd.DataFrame) -> None:
        self.puts.append(ticker)
        self.stored[ticker] = frame


@dataclass
class Fakes:
    cache: FakeCache = field(default_factory=FakeCache)
    downloads: list[tuple[Any, ...]] = field(default_factory=list)
    yahoo_frame: pd.DataFrame | None = None

    def download(self, ticker: str, start: Any, end: Any, *, session: Any = None) -> pd.DataFrame:
        self.downloads.append((ticker, start, end, session))
        if self.yahoo_frame is None:
            raise DataUnavailableError("Yahoo returned no data (offline?)")
        return self.yahoo_frame


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Fakes:
    state = Fakes()
    cache_module = types.ModuleType("eventstudy.sources.cache")
    cache_module.default_cache = lambda: state.cache  # type: ignore[attr-defined]
    yahoo_module = types.ModuleType("eventstudy.sources.yahoo")
    yahoo_module.download = state.download  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "eventstudy.sources.cache", cache_module)
    monkeypatch.setitem(sys.modules, "eventstudy.sources.yahoo", yahoo_module)
    return state


def test_auto_uses_the_bundle_on_a_cache_miss(fakes: Fakes) -> None:
    frame = load_prices(FAW, "2021-09-01", "2021-09-30")
    assert frame.attrs["provenance"]["source"] == "bundled"
    assert fakes.downloads == []
    assert fakes.cache.puts == []


def test_auto_prefers_the_cache(fakes: Fakes) -> None:
    cached = bundle(FAW)
    cached.attrs["provenance"] = {"source": "cache"}
    fakes.cache.stored[FAW] = cached
    assert load_prices(FAW, "2021-09-01", "2021-09-30").attrs["provenance"]["source"] == "cache"


def test_auto_downloads_and_caches_what_the_bundle_lacks(fakes: Fakes) -> None:
    fakes.yahoo_frame = bundle(FAW, "2021-09-01", "2021-09-30")
    frame = load_prices(FAW, "2021-09-01", "2022-06-30", session="s")
    assert frame is fakes.yahoo_frame
    assert fakes.downloads == [
        (FAW, pd.Timestamp("2021-09-01"), pd.Timestamp("2022-06-30"), "s")
    ]
    assert fakes.cache.puts == [FAW]


def test_auto_failure_is_one_error_naming_every_attempt(fakes: Fakes) -> None:
    with pytest.raises(DataUnavailableError) as info:
        load_prices("AAPL", "2021-01-01", "2021-12-31")
    message = str(info.value)
    assert "'AAPL'" in message
    assert "cache: miss" in message
    assert "bundled: not a bundled ticker (bundled: 000001.SS" in message
    assert "yahoo: Yahoo returned no data (offline?)" in message
    assert "connect to the internet" in message and "data=<DataFrame or CSV path>" in message


def test_auto_names_the_bundled_range_when_the_window_is_outside(
    fakes: Fakes,
) -> None:
    with pytest.raises(DataUnavailableError, match="bundled: covers 2019-01-02 to 2022-01-14"):
        load_prices(FAW, "2023-01-01", "2023-12-31")


def test_cache_source_miss(fakes: Fakes) -> None:
    with pytest.raises(DataUnavailableError, match=r"No cached prices for '000800\.SZ'"):
        load_prices(FAW, "2021-01-01", "2021-12-31", data="cache")


def test_yahoo_source_stores_the_download(fakes: Fakes) -> None:
    fakes.yahoo_frame = bundle(FAW)
    assert load_prices(FAW, data="yahoo") is fakes.yahoo_frame
    assert fakes.cache.puts == [FAW]
