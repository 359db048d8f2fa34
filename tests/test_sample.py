"""The bundled sample of the A-share market: its draw, and the bundled source serving it.

The rebuild from the whole-market file runs only where ``../shared/data-sources`` sits beside
the checkout (or ``EVENTSTUDY_SHARED`` names that folder); elsewhere it is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import eventstudy
from eventstudy.errors import DataUnavailableError
from eventstudy.markets import board_of
from eventstudy.sources.bundled import (
    _SAMPLE_CANDIDATES,
    bundled_path,
    bundled_tickers,
    is_bundled,
    sample_prices,
    sample_tickers,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTSTUDY_SHARED", REPO.parent / "shared"))
MARKET = SHARED / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
needs_market = pytest.mark.skipif(not MARKET.is_file(), reason=f"{MARKET} not present")


def test_three_hundred_stocks_of_every_board_with_st_and_early_ends() -> None:
    table = sample_prices()
    assert list(table.columns) == [
        "ticker", "date", "name", "open", "high", "low", "close", "preclose", "volume"]
    assert len(table) == 180_601 and sample_tickers() == tuple(sorted(table["ticker"].unique()))
    assert len(sample_tickers()) == 300 and not set(sample_tickers()) & set(bundled_tickers())
    boards = pd.Series([board_of(t) for t in sample_tickers()]).value_counts().to_dict()
    assert boards == {"main": 197, "ChiNext": 70, "STAR": 26, "Beijing": 7}
    by = table.groupby("ticker")
    st = by["name"].agg(lambda names: names.str.contains(r"^S?\*?ST").any())
    assert st.sum() == 26
    assert (by["date"].max() < "2022-01-14").sum() == 10
    keys = list(zip(table["ticker"], table["date"], strict=True))
    assert keys == sorted(set(keys))


def test_sample_stocks_load_like_the_bundled_series() -> None:
    ticker = sample_tickers()[0]
    assert is_bundled(ticker) and is_bundled(ticker.lower()) and not is_bundled("AAPL")
    frame = eventstudy.load_prices(ticker, "2021-09-01", "2021-09-30", data="bundled")
    assert frame.attrs["provenance"]["detail"].startswith("data/ashare-sample.csv.gz")
    table = sample_prices()
    rows = table[(table["ticker"] == ticker) & table["date"].between("2021-09-01", "2021-09-30")]
    assert frame["close"].tolist() == rows["close"].tolist()
    assert frame.equals(eventstudy.load_prices(ticker, "2021-09-01", "2021-09-30"))


def test_run_and_study_find_sample_stocks_offline() -> None:
    tickers = sample_tickers()[:3]
    result = eventstudy.study([(t, "2021-06-01") for t in tickers], market="000300.SS")
    assert result.n_events == 3
    one = eventstudy.run(tickers[0], "2021-06-01")
    assert one.abnormal.loc[0, "date"] == pd.Timestamp("2021-06-01")


def test_a_ticker_in_neither_table_names_both() -> None:
    named = r"it holds 000001.SS.*Nor does the bundled sample of A shares"
    with pytest.raises(DataUnavailableError, match=named):
        eventstudy.load_prices("AAPL", data="bundled")


@needs_market
def test_rebuild_gives_the_committed_bytes(tmp_path: Path) -> None:
    out = tmp_path / "ashare-sample.csv.gz"
    script = REPO / "scripts" / "build_sample.py"
    subprocess.run([sys.executable, str(script), "--market", str(MARKET), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == bundled_path(_SAMPLE_CANDIDATES).read_bytes()
