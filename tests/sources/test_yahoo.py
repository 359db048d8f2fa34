"""The Yahoo source: yfinance's real code against a fake Yahoo web service.

Only the HTTP layer is fake (tests/sources/yahoo_fake.py); the prices it serves are the bundled
rows of 000800.SZ, presented as Yahoo presents them (split-adjusted, with events).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from yahoo_fake import BUNDLE, Chart, FakeYahoo, Split, bundled_rows

from eventstudy.errors import DataQualityWarning, DataUnavailableError, InvalidInputError
from eventstudy.sources import load_prices
from eventstudy.sources.yahoo import download, download_many

ROOT = Path(__file__).resolve().parents[2]
FAW = "000800.SZ"
AFTER_RANGE = Split("2022-06-01", 2, 1)  # fictitious 2-for-1 split after the bundled range
PRICES = ["open", "high", "low", "close", "preclose"]

pytestmark = pytest.mark.skipif(not BUNDLE.is_file(), reason="data/prices.csv not built")


@pytest.fixture(scope="module", autouse=True)
def _yfinance_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep yfinance's timezone cache out of the user's folder; restore a real session."""
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yfinance-cache")))
    yield
    try:
        from curl_cffi import requests as curl
    except ImportError:
        import requests

        yf.Ticker("RESET", session=requests.Session())
    else:
        yf.Ticker("RESET", session=curl.Session(impersonate="chrome"))


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTSTUDY_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def faw() -> pd.DataFrame:
    return bundled_rows(FAW)


def fake_yahoo(
    rows: pd.DataFrame,
    splits: tuple[Split, ...] = (),
    skip_dividends: tuple[str, ...] = (),
    rate_limited: int = 0,
) -> FakeYahoo:
    chart = Chart(FAW, rows, splits=splits, skip_dividends=skip_dividends)
    return FakeYahoo({FAW: chart}, rate_limited=rate_limited)


def test_download_restores_as_traded_prices(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    frame = download(FAW, pd.Timestamp("2019-02-01"), pd.Timestamp("2022-01-14"),
                     session=fake.session())

    expected = faw.loc["2019-02-01":]
    assert frame.index.equals(expected.index)
    assert frame.index.name == "date" and frame.index.is_unique
    dates = pd.DatetimeIndex(frame.index)
    assert dates.tz is None and (dates == dates.normalize()).all()
    assert list(frame.columns) == ["ticker", *PRICES[:4], "preclose", "adj_close", "volume",
                                   "amount"]
    np.testing.assert_allclose(frame[PRICES], expected[PRICES], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(frame["volume"], expected["volume"])
    assert frame["amount"].isna().all()
    assert (frame["ticker"] == FAW).all()
    # Yahoo served half the as-traded prices before the split; adj_close is Yahoo's own.
    stamp = fake.charts[FAW].stamp(pd.Timestamp("2021-09-13"))
    served = fake.charts[FAW].payload(stamp, stamp + 1)["chart"]["result"][0]["indicators"]
    assert served["quote"][0]["close"] == [6.055]
    assert frame.loc["2021-09-13", "adj_close"] == served["adjclose"][0]["adjclose"][0]
    assert any("/v8/finance/chart/000800.SZ?period1=" in url for url in fake.seen)


def test_adjusted_returns_equal_close_over_preclose(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    frame = download(FAW, pd.Timestamp("2019-02-01"), None, session=fake.session())
    implied = frame["close"] / frame["preclose"] - 1
    adjusted = frame["adj_close"].pct_change()
    np.testing.assert_allclose(implied.iloc[1:], adjusted.iloc[1:], rtol=0, atol=1e-9)
    # Ex-dividend day: 0.50 CNY cash dividend after a 12.06 close.
    day = frame.loc["2021-07-15"]
    assert (day["preclose"], day["close"]) == (pytest.approx(11.56, abs=1e-12), 10.94)
    assert frame.loc["2021-07-14", "close"] == 12.06
    assert frame.loc["2019-07-10", "preclose"] == pytest.approx(9.46, abs=1e-12)


def test_event_day_values(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    frame = download(FAW, pd.Timestamp("2021-09-01"), pd.Timestamp("2021-09-30"),
                     session=fake.session())
    assert len(frame) == 20
    assert pd.Timestamp("2021-09-20") not in frame.index
    day = frame.loc["2021-09-13"]
    assert [day[c] for c in PRICES] == [12.70, 12.78, 12.04, 12.11, 11.62]
    assert day["volume"] == 110009880
    provenance = frame.attrs["provenance"]
    assert provenance["source"] == "yahoo"
    assert (provenance["rows"], provenance["first"], provenance["last"]) == (
        20, "2021-09-01", "2021-09-30")
    assert provenance["ticker"] == FAW
    assert (provenance["start"], provenance["end"]) == ("2021-09-01", "2021-09-30")
    fetched = pd.Timestamp(provenance["fetched_at"])
    assert fetched.tzinfo is not None and fetched.utcoffset() == pd.Timedelta(0)


def test_bonus_shares_ten_for_three(faw: pd.DataFrame) -> None:
    """A 10-for-3 bonus issue (ratio 1.3) makes Yahoo's prices inexact; undone to 1e-9."""
    fake = fake_yahoo(faw, splits=(Split("2022-03-01", 13, 10), AFTER_RANGE))
    frame = download(FAW, pd.Timestamp("2021-01-04"), pd.Timestamp("2022-01-14"),
                     session=fake.session())
    expected = faw.loc["2021-01-04":]
    np.testing.assert_allclose(frame[PRICES], expected[PRICES], rtol=0, atol=1e-9)
    # Yahoo reports whole shares: the 2.6x volume was rounded, so undoing it is within a share.
    np.testing.assert_allclose(frame["volume"], expected["volume"], rtol=0, atol=1)


def test_first_day_of_data_has_no_preclose(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    frame = download(FAW, pd.Timestamp("2019-01-02"), pd.Timestamp("2019-01-31"),
                     session=fake.session())
    assert np.isnan(frame["preclose"].iloc[0])
    np.testing.assert_allclose(frame["preclose"].iloc[1:], faw.loc["2019-01-03":"2019-01-31",
                                                                   "preclose"], atol=1e-9)


def test_missed_dividend_warns_with_the_date(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, skip_dividends=("2021-07-15",))
    with pytest.warns(DataQualityWarning, match=r"2021-07-15") as caught:
        frame = download(FAW, pd.Timestamp("2021-07-01"), pd.Timestamp("2021-07-31"),
                         session=fake.session())
    assert "1 day(s)" in str(caught[0].message)
    assert frame.loc["2021-07-15", "preclose"] == 12.06  # as Yahoo's events say


def test_unknown_ticker_is_a_clear_error(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw)
    with pytest.raises(DataUnavailableError, match=r"does not know the ticker 'NOSUCH\.SZ'") as err:
        download("NOSUCH.SZ", pd.Timestamp("2021-01-04"), None, session=fake.session())
    assert "data=<DataFrame or CSV path>" in str(err.value)
    assert isinstance(err.value, LookupError)


def test_empty_answer_is_a_clear_error(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    with pytest.raises(DataUnavailableError, match=r"000800\.SZ.*no price data"):
        download(FAW, pd.Timestamp("2023-06-01"), None, session=fake.session())


def test_window_without_trading_days_is_a_clear_error(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw)
    with pytest.raises(DataUnavailableError, match=r"to 2022-01-14 but none from 2022-03-01"):
        download(FAW, pd.Timestamp("2022-03-01"), pd.Timestamp("2022-03-31"),
                 session=fake.session())


def test_end_before_start() -> None:
    with pytest.raises(InvalidInputError, match="before start"):
        download(FAW, pd.Timestamp("2021-02-01"), pd.Timestamp("2021-01-01"))


def test_rate_limit_is_retried(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, rate_limited=3)
    frame = download(FAW, pd.Timestamp("2021-09-01"), pd.Timestamp("2021-09-30"),
                     session=fake.session(), backoff=0.0)
    assert frame.loc["2021-09-13", "close"] == 12.11
    assert fake.rate_limited == 0
    assert sum("/v8/finance/chart/" in url for url in fake.seen) >= 4


def test_rate_limit_gives_up_after_the_retries(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, rate_limited=1000)
    slept = time.perf_counter()
    with pytest.raises(DataUnavailableError, match=r"rate limited \(HTTP 429\) on 3 attempt"):
        download(FAW, pd.Timestamp("2021-09-01"), None, session=fake.session(), retries=2,
                 backoff=0.01)
    assert time.perf_counter() - slept >= 0.03  # slept 0.01 then 0.02


def test_download_many_shows_progress(
    faw: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    index = bundled_rows("399001.SZ")
    fake = FakeYahoo({FAW: Chart(FAW, faw), "399001.SZ": Chart("399001.SZ", index)})
    frames = download_many([FAW, "399001.SZ"], pd.Timestamp("2021-09-01"),
                           pd.Timestamp("2021-09-30"), session=fake.session())
    assert list(frames) == [FAW, "399001.SZ"]
    np.testing.assert_allclose(frames["399001.SZ"]["close"],
                               index.loc["2021-09-01":"2021-09-30", "close"], atol=1e-9)
    assert "Yahoo Finance" in capsys.readouterr().err


def test_load_prices_from_yahoo_is_cached(faw: pd.DataFrame) -> None:
    fake = fake_yahoo(faw, splits=(AFTER_RANGE,))
    downloaded = load_prices(FAW, "2021-09-04", "2021-10-10", data="yahoo",
                             session=fake.session())
    cached = load_prices(FAW, "2021-09-04", "2021-10-10", data="cache")
    pd.testing.assert_frame_equal(cached, downloaded)
    assert cached.attrs["provenance"]["source"] == "cache"
    assert cached.attrs["provenance"]["fetched_at"] == downloaded.attrs["provenance"]["fetched_at"]


def test_importing_the_source_does_not_import_yfinance() -> None:
    script = (
        "import sys, eventstudy.sources.yahoo, eventstudy.sources.cache; "
        "print('yfinance' in sys.modules, 'tqdm' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    assert run.stdout.split() == ["False", "False"]


def _yahoo_resolves() -> bool:
    try:
        socket.getaddrinfo("query2.finance.yahoo.com", 443)
    except OSError:
        return False
    return True


@pytest.mark.skipif(_yahoo_resolves(), reason="Yahoo Finance is reachable from here")
def test_offline_aapl_fails_fast_with_a_clear_error(tmp_path: Path) -> None:
    """A fresh process with yfinance's own session and no network."""
    script = textwrap.dedent(
        """
        import json, time
        from eventstudy.errors import DataUnavailableError
        from eventstudy.sources import load_prices
        from eventstudy.sources.yahoo import download
        out = {}
        for name, call in [
            ("download", lambda: download("AAPL", None, None)),
            ("load_prices", lambda: load_prices("AAPL", "2021-01-01", "2021-12-31")),
        ]:
            began = time.perf_counter()
            try:
                call()
            except DataUnavailableError as exc:
                out[name] = [str(exc), time.perf_counter() - began]
        print(json.dumps(out))
        """
    )
    env = {"EVENTSTUDY_CACHE_DIR": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    message, seconds = out["download"]
    assert "'AAPL'" in message and "looks offline" in message
    assert seconds < 30
    message, seconds = out["load_prices"]
    assert "'AAPL'" in message
    assert all(word in message for word in ("cache", "bundled", "yahoo", "connect"))
    assert seconds < 30
