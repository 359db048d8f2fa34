"""The security master: lookups by ticker and name, stock-day facts, and the file itself.

The rebuild from the whole-market file runs only where ``../shared/data-sources`` sits beside
the checkout; elsewhere it is skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eventstudy.errors import DataUnavailableError, InvalidInputError
from eventstudy.markets import board_of
from eventstudy.securities import day_facts, securities_path, security

REPO = Path(__file__).resolve().parents[1]
MARKET = REPO.parent / "shared" / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
needs_market = pytest.mark.skipif(not MARKET.is_file(), reason=f"{MARKET} not present")


def test_faw_by_ticker_and_by_each_of_its_names() -> None:
    faw = security("000800.SZ")
    assert (faw.exchange, faw.board, faw.name, faw.listed) == ("SZSE", "main", "一汽解放", None)
    assert faw.names["name"].tolist() == ["一汽轿车", "一汽解放"]
    assert faw.names["start"].iloc[1] == pd.Timestamp("2020-05-20")
    assert security("一汽解放").ticker == security("一汽轿车").ticker == "000800.SZ"
    assert "listed before 2019-01-02" in str(faw) and "一汽解放" in faw._repr_html_()


def test_shanghai_spelled_sh_and_a_listing_in_the_data() -> None:
    cicc = security("601995.sh")
    assert cicc.ticker == "601995.SS" and cicc.listed == pd.Timestamp("2020-11-02")
    assert cicc.listing_note() == "listed on 2020-11-02"


def test_risk_warning_runs_and_a_relisting() -> None:
    zyd = security("600610.SS")
    assert zyd.names[["name", "risk", "event"]].values.tolist() == [
        ["*ST毅达", "*ST", ""], ["ST毅达", "ST", "relisting"], ["中毅达", "", ""]]


def test_unknown_and_ambiguous_keys_are_refused() -> None:
    with pytest.raises(DataUnavailableError, match="neither a ticker nor a name"):
        security("AAPL")
    with pytest.raises(InvalidInputError, match="several stocks"):
        security("中航善达")
    with pytest.raises(InvalidInputError, match="give a ticker"):
        security("  ")


def test_day_facts_flags_days_in_and_beyond_the_table() -> None:
    tickers = np.array(["000727.SZ", "000727.SZ", "600610.SS", "600610.SS", "601995.SS", "X"])
    days = np.array(["2021-03-31", "2021-04-06", "2020-08-17", "2023-03-01", "2020-11-03",
                     "2021-01-04"], dtype="datetime64[ns]")
    facts = day_facts(tickers, days)
    assert facts.st.tolist() == [True, False, True, False, False, False]
    assert facts.covered.tolist() == [True, True, True, False, True, False]
    assert facts.relisting.tolist() == [False, False, True, False, False, False]
    assert facts.known.tolist() == [True] * 5 + [False]
    assert str(facts.listed[4])[:10] == "2020-11-02" and np.isnat(facts.listed[0])
    assert facts.board.tolist() == ["main"] * 5 + [None]


def test_file_is_small_sorted_and_covers_the_whole_market() -> None:
    path = securities_path()
    assert path.stat().st_size < 400_000
    runs = pd.read_csv(path, dtype="str", keep_default_na=False)
    assert list(runs.columns) == ["ticker", "board", "name", "start", "end", "risk", "event"]
    assert runs["ticker"].nunique() == 4740 and (runs["name"] != "").all()
    keys = list(zip(runs["ticker"], runs["start"], strict=True))
    assert keys == sorted(set(keys)) and (runs["start"] <= runs["end"]).all()
    assert set(runs["risk"]) == {"", "ST", "*ST"}
    assert runs["event"].value_counts().to_dict() == {
        "": 4444, "listing": 1102, "NEEQ move": 68, "relisting": 6}


@needs_market
def test_rebuild_gives_the_committed_bytes(tmp_path: Path) -> None:
    out = tmp_path / "securities.csv"
    script = REPO / "scripts" / "build_securities.py"
    subprocess.run([sys.executable, str(script), "--market", str(MARKET), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == securities_path().read_bytes()


def test_boards_are_the_market_registrys() -> None:
    runs = pd.read_csv(securities_path(), dtype="str", keep_default_na=False)
    boards = runs.drop_duplicates("ticker").set_index("ticker")["board"]
    assert {t: board_of(t) for t in boards.index} == boards.to_dict()
