"""The bundled USD/CNY rate (FRED DEXCHUS) and the exchange-rate lookup.

The comparison with FRED's file runs only where the vendor files sit beside the checkout, in
``../shared/data-sources`` (see data/PROVENANCE.md); elsewhere it is skipped.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from eventstudy.errors import DataUnavailableError
from eventstudy.sources import bundled_span
from eventstudy.sources.fx import MAX_STALE_DAYS, usd_rate

REPO = Path(__file__).resolve().parents[2]
FX = REPO / "data" / "fx.csv"
SOURCES = Path(__file__).resolve().parents[3] / "shared" / "data-sources"
FRED = SOURCES / "fx-usdcny-fred" / "DEXCHUS.csv"
needs_sources = pytest.mark.skipif(
    not FRED.is_file(), reason="vendor files (../shared/data-sources) not present"
)


@pytest.fixture(scope="module")
def text() -> pd.DataFrame:
    return pd.read_csv(FX, dtype="str", keep_default_na=False)


def test_the_file_is_the_tidy_table_of_cny_per_usd(text: pd.DataFrame) -> None:
    assert list(text.columns) == ["ticker", "date", "close"]
    assert set(text["ticker"]) == {"CNY=X"}
    assert text["close"].str.fullmatch(r"\d\.\d{4}").all()
    days = pd.to_datetime(text["date"])
    assert days.is_monotonic_increasing and days.is_unique
    assert (days.dt.day_of_week < 5).all()
    first, last = bundled_span()
    assert (days.iloc[0], days.iloc[-1]) == (first, last)
    # FRED has a value on 758 of the 793 weekdays of the period; the other 35 have no row.
    assert len(text) == 758
    assert len(pd.bdate_range(first, last).difference(days)) == 35


def test_the_rate_of_the_event_day() -> None:
    rate = usd_rate("CNY", "2021-09-13", data="bundled")
    assert (rate.rate, rate.date, rate.note) == (Decimal("6.4511"), pd.Timestamp("2021-09-13"), "")
    assert "FRED DEXCHUS" in rate.source


def test_a_day_without_a_rate_takes_the_latest_earlier_one_and_says_so() -> None:
    rate = usd_rate("CNY", "2021-09-06", data="auto")  # US Labor Day: blank in FRED
    assert (rate.rate, rate.date) == (Decimal("6.4528"), pd.Timestamp("2021-09-03"))
    assert "no rate for 2021-09-06" in rate.note and "2021-09-03" in rate.note
    assert "2021-09-03" in str(rate)


def test_outside_the_bundled_period_the_bundle_says_what_it_covers() -> None:
    with pytest.raises(DataUnavailableError, match=r"FRED DEXCHUS, 2019-01-02 to 2022-01-14"):
        usd_rate("CNY", "2023-05-04", data="bundled")
    with pytest.raises(DataUnavailableError, match=r"no HKD=X among them"):
        usd_rate("HKD", "2021-09-13", data="bundled")


def test_a_rate_in_your_own_table_comes_first() -> None:
    own = pd.read_csv(FX, dtype={"close": "float64"})
    rate = usd_rate("CNY", "2021-09-13", data=own[own["date"] <= "2021-09-10"])
    assert (rate.rate, rate.date) == (Decimal("6.4440"), pd.Timestamp("2021-09-10"))
    assert rate.source == "CNY=X close; your data" and "2021-09-13" in rate.note
    # A table without the rate: the bundled rate is used.
    stocks = pd.DataFrame({"ticker": ["A"], "date": ["2021-09-13"], "close": [1.0]})
    assert usd_rate("CNY", "2021-09-13", data=stocks).rate == Decimal("6.4511")


def test_an_earlier_rate_is_used_for_a_week_at_most() -> None:
    own = pd.read_csv(FX, dtype={"close": "float64"})
    old = own[own["date"] <= "2021-09-03"]
    assert MAX_STALE_DAYS == 7
    assert usd_rate("CNY", "2021-09-10", data=old).date == pd.Timestamp("2021-09-03")
    # 2021-09-13 is ten days after the table's last rate: the bundled rate is used instead.
    assert usd_rate("CNY", "2021-09-13", data=old).date == pd.Timestamp("2021-09-13")


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_bundle", REPO / "scripts" /
                                                  "build_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@needs_sources
def test_every_rate_is_fred_s(text: pd.DataFrame) -> None:
    fred = pd.read_csv(FRED, dtype="str", keep_default_na=False)
    first, last = (day.strftime("%Y-%m-%d") for day in bundled_span())
    period = fred[(fred["observation_date"] >= first) & (fred["observation_date"] <= last)]
    quoted = period[period["DEXCHUS"] != ""]
    assert text["date"].tolist() == quoted["observation_date"].tolist()
    assert text["close"].tolist() == quoted["DEXCHUS"].tolist()


@needs_sources
def test_the_build_writes_the_committed_file(tmp_path: Path) -> None:
    build = _build_script()
    first, last = (day.strftime("%Y-%m-%d") for day in bundled_span())
    checks = build.Checks()
    rows = build.fx_rows(SOURCES, first, last, checks)
    build.write_csv(tmp_path / "fx.csv", rows, build.FX_COLUMNS)
    assert not checks.failures
    assert (tmp_path / "fx.csv").read_bytes() == FX.read_bytes()
