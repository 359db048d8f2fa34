"""The SQLite price cache: round trip, coverage, location, crash safety, two writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from eventstudy.errors import EventStudyWarning
from eventstudy.sources import load_prices
from eventstudy.sources.cache import CACHE_FILE_NAME, PriceCache, default_cache

ROOT = Path(__file__).resolve().parents[2]
FAW = "000800.SZ"
FETCHED = "2022-01-15T08:00:00+00:00"


def bundled(ticker: str, first: str, last: str, **provenance: object) -> pd.DataFrame:
    """Bundled rows dressed as a download made at FETCHED (with extra provenance keys)."""
    frame = load_prices(ticker, first, last, data="bundled")
    frame.attrs["provenance"] = {
        **frame.attrs["provenance"], "source": "yahoo", "fetched_at": FETCHED, **provenance
    }
    return frame


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.fixture
def cache(tmp_path: Path) -> PriceCache:
    return PriceCache(tmp_path)


def test_round_trip_keeps_values_and_fetch_time(cache: PriceCache) -> None:
    frame = bundled(FAW, "2021-01-04", "2021-12-31")
    cache.put(FAW, frame)
    hit = cache.get(FAW, day("2021-01-04"), day("2021-12-31"))
    assert hit is not None
    pd.testing.assert_frame_equal(hit, frame)
    provenance = hit.attrs["provenance"]
    assert provenance["source"] == "cache"
    assert provenance["fetched_at"] == FETCHED
    assert "yahoo" in provenance["detail"] and str(cache.path) in provenance["detail"]
    assert (provenance["rows"], provenance["first"], provenance["last"], provenance["ticker"]) == (
        len(frame), "2021-01-04", "2021-12-31", FAW)


def test_sub_window_is_a_hit(cache: PriceCache) -> None:
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30"))
    hit = cache.get(FAW, day("2021-09-13"), day("2021-09-17"))
    assert hit is not None
    assert list(pd.DatetimeIndex(hit.index).strftime("%d")) == ["13", "14", "15", "16", "17"]
    assert hit.loc["2021-09-13", "close"] == 12.11


def test_window_beyond_the_stored_range_is_a_miss(cache: PriceCache) -> None:
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30"))
    assert cache.get(FAW, day("2021-08-31"), day("2021-09-30")) is None
    assert cache.get(FAW, day("2021-09-01"), day("2021-10-08")) is None
    assert cache.get("399001.SZ", day("2021-09-01"), day("2021-09-30")) is None


def test_stored_range_may_end_on_days_without_trading(cache: PriceCache) -> None:
    # Saturday 2021-09-04 to Sunday 2021-10-10; 2021-10-01..07 is the National Day holiday.
    frame = bundled(FAW, "2021-09-04", "2021-10-10", start="2021-09-04", end="2021-10-10")
    cache.put(FAW, frame)
    hit = cache.get(FAW, day("2021-09-04"), day("2021-10-10"))
    assert hit is not None
    assert (hit.index[0], hit.index[-1]) == (day("2021-09-06"), day("2021-10-08"))
    # Covered, but not one trading day: no frame (the caller reports why).
    assert cache.get(FAW, day("2021-10-01"), day("2021-10-07")) is None
    assert cache.get(FAW, day("2021-10-01"), day("2021-10-11")) is None


def test_touching_ranges_merge_disjoint_ones_do_not(cache: PriceCache) -> None:
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30", start="2021-09-01", end="2021-09-30"))
    cache.put(FAW, bundled(FAW, "2021-10-01", "2021-10-31", start="2021-10-01", end="2021-10-31"))
    cache.put(FAW, bundled(FAW, "2021-12-01", "2021-12-31", start="2021-12-01", end="2021-12-31"))
    hit = cache.get(FAW, day("2021-09-15"), day("2021-10-15"))
    assert hit is not None and len(hit) == 16
    assert cache.get(FAW, day("2021-10-15"), day("2021-12-15")) is None


def test_put_replaces_the_rows_of_its_range(cache: PriceCache) -> None:
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30"))
    again = bundled(FAW, "2021-09-01", "2021-09-30", start="2021-09-01", end="2021-09-30")
    again = again.drop(index=day("2021-09-13"))
    again.attrs["provenance"]["fetched_at"] = "2022-02-01T00:00:00+00:00"
    cache.put(FAW, again)
    hit = cache.get(FAW, day("2021-09-01"), day("2021-09-30"))
    assert hit is not None
    assert day("2021-09-13") not in hit.index and len(hit) == 19
    assert hit.attrs["provenance"]["fetched_at"] == "2022-02-01T00:00:00+00:00"


def test_rows_after_the_complete_range_are_upserted(cache: PriceCache) -> None:
    # A download made during a trading day: complete up to yesterday, today's row is live.
    live = bundled(FAW, "2021-09-01", "2021-09-30", start="2021-09-01", end="2021-09-29")
    cache.put(FAW, live)
    cache.put(FAW, live)
    assert cache.get(FAW, day("2021-09-01"), day("2021-09-30")) is None
    hit = cache.get(FAW, day("2021-09-01"), day("2021-09-29"))
    assert hit is not None and hit.index[-1] == day("2021-09-29")


def test_open_start_and_end(cache: PriceCache) -> None:
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30"))
    assert cache.get(FAW, None, day("2021-09-30")) is None  # not known to start at the first day
    cache.put(FAW, bundled(FAW, "2019-01-02", "2019-01-31", start=None, end="2019-01-31"))
    from_first = cache.get(FAW, None, day("2019-01-10"))
    assert from_first is not None and from_first.index[0] == day("2019-01-02")
    to_last = cache.get(FAW, day("2021-09-20"), None)
    assert to_last is not None and to_last.index[-1] == day("2021-09-30")


def test_location_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTSTUDY_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache().path == tmp_path / "here" / CACHE_FILE_NAME
    monkeypatch.delenv("EVENTSTUDY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache().path == tmp_path / "xdg" / "eventstudy" / CACHE_FILE_NAME
    assert PriceCache(tmp_path / "my.sqlite").path == tmp_path / "my.sqlite"


def test_file_is_in_wal_mode(cache: PriceCache) -> None:
    with sqlite3.connect(cache.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_unwritable_folder_gives_a_do_nothing_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(EventStudyWarning, match="EVENTSTUDY_CACHE_DIR"):
        cache = PriceCache(blocker / "cache")
    assert not cache.enabled
    cache.put(FAW, bundled(FAW, "2021-09-01", "2021-09-30"))
    assert cache.get(FAW, day("2021-09-01"), day("2021-09-30")) is None


def _python(script: str, cwd: Path = ROOT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_crash_in_the_middle_of_a_write_loses_nothing(cache: PriceCache) -> None:
    september = bundled(FAW, "2021-09-01", "2021-09-30")
    cache.put(FAW, september)
    # A second process starts to overwrite the whole span and dies after 100 inserted rows.
    crash = _python(f"""
        import os, sqlite3
        import pandas as pd
        from eventstudy.sources import load_prices
        from eventstudy.sources.cache import PriceCache

        connect = sqlite3.connect
        inserted = 0
        def die_midway(statement):
            global inserted
            if statement.startswith("INSERT OR REPLACE INTO prices"):
                inserted += 1
                if inserted == 100:
                    os._exit(9)
        def connect_traced(*args, **kwargs):
            connection = connect(*args, **kwargs)
            connection.set_trace_callback(die_midway)
            return connection
        sqlite3.connect = connect_traced
        frame = load_prices("{FAW}", "2019-01-02", "2022-01-14", data="bundled")
        PriceCache(r"{cache.path}").put("{FAW}", frame)
        print("not reached")
    """)
    out, err = crash.communicate(timeout=120)
    assert crash.returncode == 9, err
    assert "not reached" not in out
    hit = cache.get(FAW, day("2021-09-01"), day("2021-09-30"))
    assert hit is not None
    pd.testing.assert_frame_equal(hit, september)
    assert cache.get(FAW, day("2019-01-02"), day("2022-01-14")) is None
    cache.put(FAW, bundled(FAW, "2019-01-02", "2022-01-14"))
    assert cache.get(FAW, day("2019-01-02"), day("2022-01-14")) is not None


@pytest.mark.slow
def test_two_processes_write_at_once(tmp_path: Path) -> None:
    rounds = 40
    go = tmp_path / "go"
    writers = [
        _python(f"""
            import time
            from pathlib import Path
            from eventstudy.sources import load_prices
            from eventstudy.sources.cache import PriceCache

            cache = PriceCache(Path(r"{tmp_path}"))
            frame = load_prices("{ticker}", "2019-01-02", "2022-01-14", data="bundled")
            while not Path(r"{go}").exists():
                time.sleep(0.001)
            for _ in range({rounds}):
                cache.put("{ticker}", frame)
                assert cache.get("{ticker}", frame.index[0], frame.index[-1]) is not None
            print("done")
        """)
        for ticker in (FAW, "399001.SZ")
    ]
    time.sleep(1.0)  # let both processes load and wait at the start line
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    cache = PriceCache(tmp_path)
    for ticker in (FAW, "399001.SZ"):
        hit = cache.get(ticker, day("2019-01-02"), day("2022-01-14"))
        assert hit is not None
        pd.testing.assert_frame_equal(
            hit, load_prices(ticker, "2019-01-02", "2022-01-14", data="bundled")
        )


def test_processes_opening_a_new_cache_at_once_all_use_it(tmp_path: Path) -> None:
    go = tmp_path / "go"
    openers = [
        _python(f"""
            import time, warnings
            from pathlib import Path
            from eventstudy.sources.cache import PriceCache

            warnings.simplefilter("error")
            while not Path(r"{go}").exists():
                time.sleep(0.001)
            for _ in range(20):
                assert PriceCache(Path(r"{tmp_path}")).enabled
            print("done")
        """)
        for _ in range(6)
    ]
    time.sleep(1.0)
    go.touch()
    for opener in openers:
        out, err = opener.communicate(timeout=300)
        assert opener.returncode == 0, err
        assert out.strip() == "done"
