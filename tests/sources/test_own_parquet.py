"""A user's own prices as a Parquet dataset: read whole, or only some tickers' rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import eventstudy
from eventstudy.errors import DataFormatError, MissingDependencyError
from eventstudy.sources.owndata import is_parquet, read_parquet

pytest.importorskip("pyarrow")

TICKERS = ["000800.SZ", "000625.SZ", "399001.SZ"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frames = [eventstudy.load_prices(t, data="bundled").reset_index() for t in TICKERS]
    return pd.concat(frames, ignore_index=True)[["ticker", "date", "close", "preclose"]]


@pytest.mark.parametrize("layout", ["file", "by_ticker"])
def test_a_parquet_dataset_is_own_data(table: pd.DataFrame, tmp_path: Path, layout: str) -> None:
    path = tmp_path / ("prices.parquet" if layout == "file" else "prices")
    table.to_parquet(path, partition_cols=None if layout == "file" else ["ticker"])
    assert is_parquet(path)
    some = read_parquet(path, ["000625.SZ", "399001.SZ"])
    assert sorted(some["ticker"].unique()) == ["000625.SZ", "399001.SZ"]
    got = eventstudy.run("000800.SZ", "2021-09-13", market="399001.SZ", data=path)
    want = eventstudy.run("000800.SZ", "2021-09-13", market="399001.SZ", data=table)
    pd.testing.assert_frame_equal(got.abnormal, want.abnormal)
    assert got.provenance[0]["source"] == "parquet"


def test_a_parquet_dataset_without_tickers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "prices.parquet"
    pd.DataFrame({"date": ["2021-09-13"], "close": [1.0]}).to_parquet(path)
    with pytest.raises(DataFormatError, match="no 'ticker' column"):
        read_parquet(path)


def test_without_pyarrow_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow.dataset", None)
    with pytest.raises(MissingDependencyError, match=r"eventstudy-news\[dask\]"):
        read_parquet(tmp_path)
