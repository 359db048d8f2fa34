"""What happens with bad input: one table of cases drives these tests and docs/bad-input.md.

Each case names the input, the outcome a user gets (the error's type and words, or the
documented result) and a check that produces it. ``test_docs_page_lists_every_case`` keeps the
page equal to the table; ``python tests/test_bad_input.py`` rewrites the page's table.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import requests
from requests.adapters import HTTPAdapter
from sources.yahoo_fake import Chart, FakeYahoo, bundled_rows

import eventstudy
from eventstudy import format as fmt
from eventstudy._json import to_jsonable
from eventstudy.cli import main
from eventstudy.errors import (
    CacheError,
    DataFormatError,
    DataQualityWarning,
    DataUnavailableError,
    EventStudyWarning,
    InvalidInputError,
)
from eventstudy.sources.cache import PriceCache

FAW = "000800.SZ"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
BEGIN, END = "<!-- cases: begin -->", "<!-- cases: end -->"

Check = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: the kind (a section of the page), the input, the outcome, its check."""

    kind: str
    given: str
    outcome: str
    check: Check


def refused(kind: str, given: str, error: type[Exception], text: str, call: Check) -> Case:
    """``call`` raises ``error`` whose message contains ``text``."""

    def check(tmp: Path) -> None:
        with pytest.raises(error, match=re.escape(text)):
            call(tmp)

    return Case(kind, given, f"`{error.__name__}`: “…{text}…”", check)


def warned(
    kind: str,
    given: str,
    category: type[Warning],
    text: str,
    call: Callable[[Path], Any],
    then: str = "",
    holds: Callable[[Any], bool] = lambda _: True,
) -> Case:
    """``call`` warns ``category`` with ``text``, pointing at the caller's line; then ``holds``."""

    def check(tmp: Path) -> None:
        with pytest.warns(category, match=re.escape(text)) as caught:
            result = call(tmp)
        ours = [w for w in caught if re.search(re.escape(text), str(w.message))]
        assert ours[0].filename == __file__  # the warning points at the user's line
        assert holds(result)

    return Case(kind, given, f"`{category.__name__}`: “…{text}…”" + (f"; {then}" if then else ""),
                check)


def works(kind: str, given: str, outcome: str, call: Callable[[Path], Any],
          holds: Callable[[Any], bool]) -> Case:
    """``call`` returns a result for which ``holds`` is true, without a warning."""

    def check(tmp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert holds(call(tmp))

    return Case(kind, given, outcome, check)


def cli(kind: str, given: str, argv: list[str], code: int, text: str) -> Case:
    """``eventstudy argv`` exits with ``code`` and prints ``text``: one line on stderr for an
    error (no traceback), on stdout otherwise."""

    def check(tmp: Path) -> None:
        out, err = io.StringIO(), io.StringIO()
        args = [a.replace("{tmp}", str(tmp)) for a in argv]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(args)
            except SystemExit as exit_:  # argparse's own exits (--version, --help)
                status = int(exit_.code or 0)
        printed = err.getvalue() if code else out.getvalue()
        assert status == code
        assert text in printed
        if code:
            lines = [line for line in printed.splitlines() if line.startswith("eventstudy: error")]
            assert len(lines) == 1 and "Traceback" not in printed

    shown = " ".join(a.replace("{tmp}", "DIR") for a in argv)
    stream = "stderr" if code else "stdout"
    return Case(kind, f"`eventstudy {shown}`{given}", f"exit {code}, {stream}: “…{text}…”", check)


# --------------------------------------------------------------------------- inputs


def faw_rows() -> pd.DataFrame:
    """FAW Jiefang's bundled rows 2021-09-07 .. 2021-09-13 as a tidy table (5 rows)."""
    return eventstudy.load_prices(FAW, "2021-09-07", "2021-09-13", data="bundled").reset_index()


def faw_with(column: str, value: object, row: int = 2) -> pd.DataFrame:
    """:func:`faw_rows` with one cell changed (``row`` counts from 0; row 2 is 2021-09-09)."""
    table = faw_rows()
    if not isinstance(value, float | int):
        table[column] = table[column].astype(object)
    table.loc[row, column] = value
    return table


def own(table: pd.DataFrame, ticker: str = FAW) -> Check:
    return lambda tmp: eventstudy.load_prices(ticker, data=table)  # type: ignore[return-value]


def csv_file(text: str) -> Check:
    def call(tmp: Path) -> None:
        path = tmp / "prices.csv"
        path.write_text(text)
        eventstudy.load_prices("X", data=path)

    return call


def dated(dates: list[object], ticker: str = "X.SZ") -> pd.DataFrame:
    return pd.DataFrame({"ticker": ticker, "date": dates, "close": 10.0 + np.arange(len(dates))})


def days_of(frame: pd.DataFrame) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in frame.index]


def stamped(zone: str, ticker: str, convert_to: str | None = None) -> pd.DataFrame:
    """Two trading days (Fri 2021-09-10, Mon 2021-09-13) at midnight in ``zone``."""
    stamps = pd.DatetimeIndex(["2021-09-10", "2021-09-13"]).tz_localize(zone)
    if convert_to:
        stamps = stamps.tz_convert(convert_to)
    return dated(list(stamps), ticker).assign(date=stamps)


def cache_dir() -> Path:
    return Path(os.environ["EVENTSTUDY_CACHE_DIR"])


def damaged_cache(how: str) -> Callable[[Path], Any]:
    """Write a damaged prices.sqlite into the cache folder, then load FAW through it."""

    def call(tmp: Path) -> Any:
        folder = cache_dir()
        good = PriceCache(tmp / "good.sqlite")
        good.put(FAW, eventstudy.load_prices(FAW, data="bundled"))
        data = good.path.read_bytes()
        damaged = {
            "garbage": b"these are not the prices you are looking for\n" * 50,
            "truncated": data[: len(data) // 2],
            "zeroed": data[:8192] + b"\0" * (len(data) - 16384) + data[-8192:],
        }[how]
        (folder / "prices.sqlite").write_bytes(damaged)
        return eventstudy.load_prices(FAW, "2021-09-13", "2021-09-13",
                                      data="cache" if how == "zeroed" else "auto")

    return call


def unusable_cache(tmp: Path) -> DataUnavailableError:
    """Point the cache at a file, then ask the cache for prices: the error it raises."""
    os.environ["EVENTSTUDY_CACHE_DIR"] = str(tmp / "a-file")
    (tmp / "a-file").write_text("not a folder")
    with pytest.raises(DataUnavailableError) as raised:
        eventstudy.load_prices(FAW, "2021-09-13", "2021-09-13", data="cache")
    return raised.value


def yahoo_with(day: str, close: float) -> Callable[[Path], pd.DataFrame]:
    """FAW through yfinance's real code from a fake Yahoo that serves ``close`` on ``day``."""

    def call(tmp: Path) -> pd.DataFrame:
        rows = bundled_rows(FAW)
        rows.loc[day, "close"] = close
        after = f"{rows.index[rows.index.get_loc(day) + 1]:%Y-%m-%d}"
        # The fake reads dividends from close and next preclose: serve none for that gap.
        fake = FakeYahoo({FAW: Chart(FAW, rows, skip_dividends=(after,))})
        return eventstudy.load_prices(FAW, "2021-09-01", "2021-09-30", data="yahoo",
                                      session=fake.session())

    return call


class Offline(HTTPAdapter):
    """A transport that cannot reach any server, as on a machine without a network."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        raise requests.ConnectionError(f"Failed to resolve {request.url}")


def offline() -> requests.Session:
    session = requests.Session()
    session.mount("https://", Offline())
    session.mount("http://", Offline())
    return session


def lacks(day: str) -> Callable[[pd.DataFrame], bool]:
    return lambda frame: pd.Timestamp(day) not in frame.index and len(frame) == 19


def options_without_help() -> list[str]:
    """Every option of every command of ``eventstudy`` that has no help text."""
    import argparse

    from eventstudy.cli import build_parser

    def walk(parser: argparse.ArgumentParser, name: str) -> Iterator[str]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command, sub in action.choices.items():
                    yield from walk(sub, command)
            elif not action.help:
                yield f"{name} {'/'.join(action.option_strings) or action.dest}"

    return list(walk(build_parser(), "eventstudy"))


def market_gap() -> pd.DataFrame:
    """FAW and the SZSE Component, the index without 2021-09-13 (day 0 of the FAW event)."""
    frames = [eventstudy.load_prices(t, data="bundled").reset_index()
              for t in (FAW, "399001.SZ", "000625.SZ")]
    table = pd.concat(frames, ignore_index=True)
    return table[~((table["ticker"] == "399001.SZ") & (table["date"] == "2021-09-13"))]


def run_with_gap(tmp: Path) -> Any:
    return eventstudy.run(FAW, "2021-09-13", window=(-5, 5), data=market_gap())


def everything_reads(res: Any) -> bool:
    """summary(), its HTML, cars, car(), to_dict() and JSON all work; day 0's CAR is NaN
    (written "–" in the summary, as eventstudy.format writes a missing number)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = res.summary().as_text()
        assert "No abnormal value on 2021-09-13, 2021-09-14: the stock's or the market's" in text
        html = res._repr_html_()
        doc = json.loads(json.dumps(to_jsonable(res.to_dict())))
        day0 = next(r for r in doc["abnormal"] if r["rel_day"] == 0)
        return (
            fmt.MISSING in text and "<table" in html and np.isnan(res.car(0, 0).car)
            and np.isnan(res.cars.loc["[0,0]", "sq_pvalue"]) and day0["ar"] is None
        )


def study_with_gap(tmp: Path) -> Any:
    return eventstudy.study([(FAW, "2021-09-13"), ("000625.SZ", "2021-09-13")],
                            window=(-5, 5), data=market_gap(), market="399001.SZ")


def json_with_gap(tmp: Path) -> Any:
    market_gap().to_csv(tmp / "prices.csv", index=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["run", FAW, "2021-09-13", "--window", "-5", "5", "--data",
                       str(tmp / "prices.csv"), "--json"])
    return status, json.loads(out.getvalue())


def with_index(**changes: object) -> pd.DataFrame:
    """FAW and the SZSE Component from the bundle, FAW's or the index's prices replaced."""
    frames = [eventstudy.load_prices(t, data="bundled").reset_index() for t in (FAW, "399001.SZ")]
    table = pd.concat(frames, ignore_index=True)
    for ticker, value in changes.items():
        rows = table["ticker"] == {"stock": FAW, "index": "399001.SZ"}[ticker]
        table.loc[rows, ["open", "high", "low", "close", "preclose", "adj_close"]] = value
    return table


def statuses(events: list[Any], **options: Any) -> list[str]:
    res = eventstudy.study(events, market="000300.SS", data="bundled", window=(-1, 1), **options)
    return list(res.events["status"])


def offline_yahoo(call: Callable[[], Any]) -> Any:
    """``call()`` with every Yahoo download failing as it does without a network."""
    failure = DataUnavailableError(
        "Yahoo Finance could not be reached for '000800.SZ': this machine looks offline")
    with mock.patch("eventstudy.sources.yahoo.download", side_effect=failure) as download:
        try:
            return call()
        finally:
            assert download.called  # the bundle's end did not stop the search


PRICES = "Prices a vendor or a table can hold"
VENDOR = "Prices Yahoo Finance serves"
TABLE = "A price table's shape"
DATES = "Dates in a price table"
WINDOW = "Dates given to load_prices"
TICKERS = "Tickers"
GAPS = "Missing market days"
EVENTS = "Events given to run() and study()"
DEFAULTS = "Defaults"
SOURCE = "The price source (data=)"
CACHE = "The price cache"
CLI = "The command line"

CASES: list[Case] = [
    # ------------------------------------------------------------------ prices
    refused(PRICES, "a close of `inf`", DataFormatError,
            "column 'close' has 1 infinite value(s) (row 3 000800.SZ 2021-09-09)",
            own(faw_with("close", np.inf))),
    refused(PRICES, "a close of `-inf`", DataFormatError,
            "column 'close' has 1 infinite value(s)", own(faw_with("close", -np.inf))),
    refused(PRICES, "a close of `1e300`", DataFormatError,
            "column 'close' has 1 price(s) outside 1e-09 to 1e+12 (row 3 000800.SZ 2021-09-09: "
            "1e+300), which no market quotes", own(faw_with("close", 1e300))),
    refused(PRICES, "a close of `1e-300`", DataFormatError,
            "price(s) outside 1e-09 to 1e+12 (row 3 000800.SZ 2021-09-09: 1e-300)",
            own(faw_with("close", 1e-300))),
    refused(PRICES, "a close of `0`", DataFormatError,
            "column 'close' has 1 zero or negative price(s) (row 3 000800.SZ 2021-09-09); "
            "prices must be positive", own(faw_with("close", 0.0))),
    refused(PRICES, "a negative close", DataFormatError,
            "column 'close' has 1 zero or negative price(s)", own(faw_with("close", -11.86))),
    refused(PRICES, "a previous close (`preclose`) of `inf`", DataFormatError,
            "column 'preclose' has 1 infinite value(s)", own(faw_with("preclose", np.inf))),
    refused(PRICES, "a previous close of `0`", DataFormatError,
            "column 'preclose' has 1 zero or negative price(s)", own(faw_with("preclose", 0.0))),
    refused(PRICES, "an `open` of `1e300`", DataFormatError,
            "column 'open' has 1 price(s) outside", own(faw_with("open", 1e300))),
    refused(PRICES, "a negative `adj_close`", DataFormatError,
            "column 'adj_close' has 1 zero or negative price(s)", own(faw_with("adj_close", -1.0))),
    refused(PRICES, "a negative volume", DataFormatError,
            "column 'volume' has 1 negative value(s) (row 3 000800.SZ 2021-09-09)",
            own(faw_with("volume", -5.0))),
    refused(PRICES, "a volume of `inf`", DataFormatError,
            "column 'volume' has 1 infinite value(s)", own(faw_with("volume", np.inf))),
    refused(PRICES, "an empty close", DataFormatError,
            "1 row(s) have no close (row 3 000800.SZ 2021-09-09); drop days without a trade",
            own(faw_with("close", np.nan))),
    refused(PRICES, "a close written with a decimal comma (`\"11,86\"`)", DataFormatError,
            "column 'close' has values that are not numbers (row 3: '11,86')",
            own(faw_with("close", "11,86"))),
    refused(PRICES, "a close of `\"n/a\"` in a DataFrame", DataFormatError,
            "column 'close' has values that are not numbers (row 3: 'n/a')",
            own(faw_with("close", "n/a"))),
    works(PRICES, "an empty `open` (or `high`, `low`, `volume`) cell",
          "accepted: NaN there (only `close` is required)",
          own(faw_with("open", np.nan)), lambda f: bool(np.isnan(f["open"].iloc[2]))),
    # ------------------------------------------------------------------ vendor
    warned(VENDOR, "Yahoo serves a close of `0` on a day", DataQualityWarning,
           "Yahoo Finance gave a close that is not a price (zero, negative, infinite, or outside "
           "1e-09 to 1e+12) on 1 day(s): 2021-09-10 (0)",
           yahoo_with("2021-09-10", 0.0), "the day is left out, as a day without a trade",
           lacks("2021-09-10")),
    warned(VENDOR, "Yahoo serves a close of `1e300`", DataQualityWarning,
           "on 1 day(s): 2021-09-10 (1e+300)", yahoo_with("2021-09-10", 1e300),
           "the day is left out", lacks("2021-09-10")),
    warned(VENDOR, "Yahoo serves a negative close", DataQualityWarning,
           "on 1 day(s): 2021-09-10 (-11.62)", yahoo_with("2021-09-10", -11.62),
           "the day is left out", lacks("2021-09-10")),
    refused(VENDOR, "Yahoo cannot be reached (offline)", DataUnavailableError,
            "Yahoo Finance could not be reached for '000800.SZ': this machine looks offline",
            lambda tmp: eventstudy.load_prices(FAW, "2021-09-01", data="yahoo",
                                               session=offline())),
    # ------------------------------------------------------------------ table shape
    refused(TABLE, "the same ticker and date twice", DataFormatError,
            "2 rows repeat a ticker and date (row 5 000800.SZ 2021-09-13; row 6 000800.SZ "
            "2021-09-13); keep one row per ticker and trading day",
            own(pd.concat([faw_rows(), faw_rows().tail(1)], ignore_index=True))),
    refused(TABLE, "a row without a ticker", DataFormatError,
            "empty ticker in data row(s) 3; fill them in", own(faw_with("ticker", " "))),
    refused(TABLE, "no `close` column", DataFormatError,
            "missing column(s) close; found date, ticker, open",
            own(faw_rows().drop(columns="close"))),
    refused(TABLE, "no `ticker` column", DataFormatError, "missing column(s) ticker",
            own(faw_rows().drop(columns="ticker"))),
    refused(TABLE, "a header row only", DataUnavailableError,
            "No prices for ticker '000800.SZ' in the DataFrame passed as data; it holds none",
            own(faw_rows().iloc[:0])),
    refused(TABLE, "a ticker the table does not hold", DataUnavailableError,
            "No prices for ticker '600104.SS' in the DataFrame passed as data; it holds "
            "000800.SZ", own(faw_rows(), "600104.SS")),
    refused(TABLE, "an empty CSV file", DataFormatError, "not a readable CSV price table",
            csv_file("")),
    refused(TABLE, "a CSV file that is not text", DataFormatError,
            "not a readable CSV price table", lambda tmp: (
                (tmp / "p.csv").write_bytes(b"\xff\xfe\x00\x81" * 64),
                eventstudy.load_prices("X", data=tmp / "p.csv"))),
    # ------------------------------------------------------------------ dates in a table
    refused(DATES, "`09/10/2021`", DataFormatError,
            "1 date(s) could not be read (row 2: '09/10/2021' is ambiguous: it could be "
            "2021-09-10 or 2021-10-09; write it as YYYY-MM-DD)",
            own(dated(["2021-09-09", "09/10/2021"]), "X.SZ")),
    refused(DATES, "`13/09/2021` (day first)", DataFormatError,
            "'13/09/2021' puts the year last, a form read day-first in some places and "
            "month-first in others; write it as YYYY-MM-DD (2021-09-13?)",
            own(dated(["13/09/2021"]), "X.SZ")),
    refused(DATES, "`2021-13-01`", DataFormatError, "'2021-13-01' is not a date",
            own(dated(["2021-13-01"]), "X.SZ")),
    refused(DATES, "an empty date", DataFormatError,
            "(row 2: an empty cell is not a date)", own(dated(["2021-09-09", None]), "X.SZ")),
    refused(DATES, "a date given as the number `20210913`", DataFormatError,
            "20210913 is a number, not a date", own(dated([20210913]), "X.SZ")),
    refused(DATES, "`today`", DataFormatError, "'today' is not a date",
            own(dated(["today"]), "X.SZ")),
    works(DATES, "`2021-09-13`, `20210913`, `2021/09/13`, `13 Sep 2021`, `Sep 13, 2021`",
          "accepted: ISO 8601 and forms with the month as a word",
          own(dated(["2021-09-07", "20210908", "2021/09/09", "10 Sep 2021", "Sep 13, 2021"]),
              "X.SZ"),
          lambda f: days_of(f) == ["2021-09-07", "2021-09-08", "2021-09-09", "2021-09-10",
                                   "2021-09-13"]),
    works(DATES, "`2021-09-13 15:00` (a time of day, no zone)", "accepted: the date, 2021-09-13",
          own(dated(["2021-09-13 15:00"]), "X.SZ"), lambda f: days_of(f) == ["2021-09-13"]),
    works(DATES, "midnight in Shanghai (`tz='Asia/Shanghai'`) for a `.SZ` stock",
          "accepted: the dates in the exchange's zone, 2021-09-10 and 2021-09-13",
          own(stamped("Asia/Shanghai", "X.SZ"), "X.SZ"),
          lambda f: days_of(f) == ["2021-09-10", "2021-09-13"]),
    works(DATES, "the same moments in UTC (`2021-09-12 16:00+00:00` for Monday)",
          "accepted: converted to Shanghai time, 2021-09-10 and 2021-09-13 (not a day early)",
          own(stamped("Asia/Shanghai", "X.SZ", "UTC"), "X.SZ"),
          lambda f: days_of(f) == ["2021-09-10", "2021-09-13"]),
    works(DATES, "text with UTC offsets (`2021-09-13T00:00+08:00`)",
          "accepted: converted to the exchange's zone",
          own(dated(["2021-09-10T00:00+08:00", "2021-09-12T16:00Z"]), "X.SZ"),
          lambda f: days_of(f) == ["2021-09-10", "2021-09-13"]),
    refused(DATES, "midnight UTC for a ticker without a suffix (New York)", DataFormatError,
            "dates with a time zone are moments, read as dates in the zone of the ticker's "
            "exchange (America/New_York, XNYS, the exchange assumed for a ticker without a "
            "suffix); then 1 row(s) fall on a day XNYS never trades (row 2 X 2021-09-13 "
            "00:00:00+00:00 is Sunday 2021-09-12 20:00 there)",
            own(stamped("UTC", "X"), "X")),
    refused(DATES, "dates with a time zone for an unknown exchange suffix (`X.XX`)",
            DataFormatError, "the dates of 'X.XX' have a time zone, but its exchange, and so "
            "the zone its trading dates are in, is unknown", own(stamped("UTC", "X.XX"), "X.XX")),
    refused(DATES, "a factor table (`model=\"factors\"`) indexed by `09/10/2021`",
            InvalidInputError, "factors= must be indexed by date (e.g. "
            "factors.set_index('date')): row 1: '09/10/2021' is ambiguous",
            lambda tmp: eventstudy.run(FAW, "2021-09-13", model="factors", data="bundled",
                                       factors=pd.DataFrame({"mkt": [0.01]},
                                                            index=["09/10/2021"]))),
    # ------------------------------------------------------------------ load_prices dates
    refused(WINDOW, "`start=\"09/10/2021\"`", InvalidInputError,
            "start='09/10/2021' is ambiguous: it could be 2021-09-10 or 2021-10-09",
            lambda tmp: eventstudy.load_prices(FAW, "09/10/2021", data="bundled")),
    refused(WINDOW, "`start=20210913` (a number)", InvalidInputError,
            "start=20210913 is a number, not a date",
            lambda tmp: eventstudy.load_prices(FAW, 20210913, data="bundled")),  # type: ignore[arg-type]
    works(WINDOW, "`start=\"2021-09-12T16:00Z\"` (Monday 00:00 in Shanghai, in UTC)",
          "accepted: the date in the exchange's zone, 2021-09-13",
          lambda tmp: eventstudy.load_prices(FAW, "2021-09-12T16:00Z", "2021-09-13",
                                             data="bundled"),
          lambda f: days_of(f) == ["2021-09-13"]),
    refused(WINDOW, "`end` before `start`", InvalidInputError,
            "end=2021-09-01 is before start=2021-09-13; swap them or fix one",
            lambda tmp: eventstudy.load_prices(FAW, "2021-09-13", "2021-09-01", data="bundled")),
    refused(WINDOW, "a window after the bundled data's end with `data=\"bundled\"`",
            DataUnavailableError, "cover 2019-01-02 to 2022-01-14, but 2023-05-04 to the last "
            "day was asked for",
            lambda tmp: eventstudy.load_prices(FAW, "2023-05-04", data="bundled")),
    refused(WINDOW, "a window of holidays only", DataUnavailableError,
            "No trading day for '000800.SZ' from 2021-10-01 to 2021-10-07",
            lambda tmp: eventstudy.load_prices(FAW, "2021-10-01", "2021-10-07", data="bundled")),
    # ------------------------------------------------------------------ tickers
    works(TICKERS, "`\" 000800.sz \"` (case, spaces)", "accepted: 000800.SZ",
          lambda tmp: eventstudy.load_prices(" 000800.sz ", "2021-09-13", "2021-09-13",
                                             data="bundled"),
          lambda f: f["ticker"].iloc[0] == FAW),
    works(TICKERS, "a table spelling its tickers `\" x.sz \"`, asked for `\"X.SZ\"`",
          "accepted: one spelling everywhere (stripped, upper-case)",
          own(dated(["2021-09-13"], " x.sz "), "X.SZ"), lambda f: f["ticker"].iloc[0] == "X.SZ"),
    refused(TICKERS, "a bare code `000800` with `data=\"bundled\"`", DataUnavailableError,
            "Did you mean '000800.SZ'?",
            lambda tmp: eventstudy.load_prices("000800", data="bundled")),
    refused(TICKERS, "a bare code `000800` for a table holding `000800.SZ`", DataUnavailableError,
            "it holds 000800.SZ. Did you mean '000800.SZ'?", own(faw_rows(), "000800")),
    refused(TICKERS, "a bare code `000800` with `data=\"auto\"`, offline", DataUnavailableError,
            "No prices for '000800' from the first day to the last day. Did you mean "
            "'000800.SZ'? Tried cache: miss; bundled: not a bundled ticker",
            lambda tmp: eventstudy.load_prices("000800", session=offline())),
    refused(TICKERS, "`ticker=None`", InvalidInputError,
            "ticker=None is not a ticker; give a string such as '000800.SZ'",
            lambda tmp: eventstudy.load_prices(None, data="bundled")),  # type: ignore[arg-type]
    refused(TICKERS, "`ticker=\"  \"`", InvalidInputError, "ticker='  ' is not a ticker",
            lambda tmp: eventstudy.load_prices("  ", data="bundled")),
    refused(TICKERS, "a ticker not in the bundled data", DataUnavailableError,
            "No prices for ticker 'AAPL' in the bundled data; it holds 000001.SS",
            lambda tmp: eventstudy.load_prices("AAPL", data="bundled")),
    refused(PRICES, "a stock price that never moves over the estimation window (σ = 0)",
            eventstudy.InsufficientDataError,
            "the model fits the stock's returns exactly over the estimation window (-250, -11) "
            "(σ = 0: a price that never moves, or a filled-in series?), so no abnormal value can "
            "be scaled and no test statistic exists",
            lambda tmp: eventstudy.run(FAW, "2021-09-13", data=with_index(stock=10.0))),
    refused(PRICES, "a market index that never moves over the estimation window",
            eventstudy.InsufficientDataError,
            "the market index 399001.SZ does not move over the estimation window (-250, -11), so "
            "the market model cannot be fitted; choose another market with market=",
            lambda tmp: eventstudy.run(FAW, "2021-09-13", data=with_index(index=10.0))),
    works(PRICES, "the same in a `study`", "that event's status says so; the others are studied",
          lambda tmp: eventstudy.study(
              [(FAW, "2021-09-13"), ("000625.SZ", "2021-09-13")],
              data=pd.concat([with_index(stock=10.0),
                              eventstudy.load_prices("000625.SZ", data="bundled").reset_index()])),
          lambda res: "σ = 0" in res.events.at[0, "status"] and res.events.at[1, "status"] == "ok"),
    # ------------------------------------------------------------------ events
    works(EVENTS, "a `study` whose events hold a row `(None, \"2021-09-13\")`",
          "that event's status: “ticker=None is not a ticker…”; the others are studied",
          lambda tmp: statuses([(FAW, "2021-09-13"), (None, "2021-09-13")]),
          lambda got: got[0] == "ok" and got[1].startswith("ticker=None is not a ticker")),
    works(EVENTS, "a `study` row `(\"000800.SZ\",)` (no date)",
          "that event's status: “an event is (ticker, date) or (ticker, date, market), not "
          "('000800.SZ',)”", lambda tmp: statuses([(FAW, "2021-09-13"), (FAW,)]),
          lambda got: got[0] == "ok" and "not ('000800.SZ',)" in got[1]),
    works(EVENTS, "a `study` row with an empty ticker or date",
          "that event's status: “ticker='' is not a ticker…”, “date=an empty cell is not a "
          "date.”", lambda tmp: statuses([(FAW, "2021-09-13"), ("", "2021-09-13"), (FAW, "")]),
          lambda got: got[0] == "ok" and got[1].startswith("ticker='' is not")
          and got[2] == "date=an empty cell is not a date."),
    works(EVENTS, "a `study` row dated `09/10/2021`",
          "that event's status: “date='09/10/2021' is ambiguous: it could be 2021-09-10 or "
          "2021-10-09…”", lambda tmp: statuses([(FAW, "2021-09-13"), (FAW, "09/10/2021")]),
          lambda got: got[0] == "ok" and "'09/10/2021' is ambiguous" in got[1]),
    refused(EVENTS, "`run(\"000800.SZ\", \"09/10/2021\")`", InvalidInputError,
            "date='09/10/2021' is ambiguous: it could be 2021-09-10 or 2021-10-09; write it as "
            "YYYY-MM-DD", lambda tmp: eventstudy.run(FAW, "09/10/2021", data="bundled")),
    works(EVENTS, "`run(\"000800.SZ\", \"13 Sep 2021\")`", "accepted: day 0 is 2021-09-13",
          lambda tmp: eventstudy.run(FAW, "13 Sep 2021", data="bundled", window=(-1, 1)),
          lambda res: res.event_date == pd.Timestamp("2021-09-13")),
    works(EVENTS, "`run(..., \"2021-09-12T16:00Z\")` (midnight in Shanghai, in UTC)",
          "accepted: day 0 is Monday 2021-09-13, the date in the exchange's zone",
          lambda tmp: eventstudy.run(FAW, "2021-09-12T16:00Z", data="bundled", window=(-1, 1)),
          lambda res: res.event_date == pd.Timestamp("2021-09-13") and res.day0_reason == ""),
    works(EVENTS, "`\" 000800.sz \"` with `market=\" 399001.sz \"`",
          "accepted: 000800.SZ against 399001.SZ",
          lambda tmp: eventstudy.run(" 000800.sz ", "2021-09-13", market=" 399001.sz ",
                                     data="bundled", window=(-1, 1)),
          lambda res: (res.ticker, res.market) == (FAW, "399001.SZ")),
    works(EVENTS, "`000800.SZ` and `\" 000800.sz \"` on the same day in one `study`",
          "the second is “duplicate of event 0 (same ticker, market and day 0)”",
          lambda tmp: statuses([(FAW, "2021-09-13"), (" 000800.sz ", "2021-09-13")]),
          lambda got: got == ["ok", "duplicate of event 0 (same ticker, market and day 0)"]),
    refused(EVENTS, "`run(\"399001.sz\")`: the index against itself", InvalidInputError,
            "the stock and the market are the same series (399001.SZ, the default market for "
            "tickers ending .SZ; pass market= to choose another)",
            lambda tmp: eventstudy.run("399001.sz", "2021-09-13", data="bundled")),
    # ------------------------------------------------------------------ defaults
    refused(DEFAULTS, "a US ticker in your own table without `^GSPC` in it",
            DataUnavailableError, "the market ^GSPC (the default market for tickers without an "
            "exchange suffix; pass market= to choose another): No prices for ticker '^GSPC'",
            lambda tmp: eventstudy.run("AAPL", "2021-09-13", data=faw_rows().assign(
                ticker="AAPL"))),
    refused(DEFAULTS, "a ticker whose suffix has no default market (`X.XX`)", InvalidInputError,
            "No default market index for 'X.XX' (suffix '.XX'). Pass market='<index ticker>' "
            "explicitly", lambda tmp: eventstudy.run("X.XX", "2021-09-13", data=faw_rows())),
    refused(DEFAULTS, "a bundled ticker after the bundle's end (2023-05-04), `data=\"auto\"`, "
            "offline", DataUnavailableError,
            "No prices for '000800.SZ' from 2022-03-10 to 2023-06-09. Tried cache: miss; "
            "bundled: covers 2019-01-02 to 2022-01-14 only; yahoo: Yahoo Finance could not be "
            "reached for '000800.SZ': this machine looks offline",
            lambda tmp: offline_yahoo(lambda: eventstudy.run(FAW, "2023-05-04"))),
    works(DEFAULTS, "the same for an event inside the bundled period, offline",
          "accepted: the bundle serves it, Yahoo is never asked",
          lambda tmp: eventstudy.run(FAW, "2022-01-04", window=(-5, 5)),
          lambda res: res.provenance[0]["source"] == "bundled"),
    warned(PRICES, "a table with neither `preclose` nor `adj_close`", DataQualityWarning,
           "000800.SZ: 52 day(s) have neither 'preclose' nor 'adj_close'",
           lambda tmp: eventstudy.run(
               FAW, "2021-09-13", model="constant_mean", min_estimation=20, estimation=(-30, -2),
               window=(0, 0), data=eventstudy.load_prices(FAW, "2021-07-01", "2021-09-13",
                                                          data="bundled").reset_index().drop(
                   columns=["preclose", "adj_close"])),
           "the returns are close-to-close; the warning points at your line",
           lambda res: np.isfinite(res.abnormal.loc[0, "ar"])),
    # ------------------------------------------------------------------ missing days
    warned(GAPS, "the market index has no row on day 0 (`run`)", DataQualityWarning,
           "000800.SZ: no abnormal value on 2 event-window day(s) (2021-09-13, 2021-09-14)",
           run_with_gap, "`summary()` (with a note naming the days), `cars`, `car()`, "
           "`to_dict()` work; those days' AR and a CAR over them alone are NaN (null in JSON)",
           everything_reads),
    warned(GAPS, "the same for one event of a `study`", DataQualityWarning,
           "2 of 2 events have no abnormal value on some event-window days (event 0 "
           "(000800.SZ): 2021-09-13, 2021-09-14", study_with_gap,
           "a CAAR no event has a value for is NaN, with no test statistic",
           lambda res: bool(res.caar(0, 0)[["caar", "rank", "csect_t", "sign"]].isna().all())),
    warned(GAPS, "`eventstudy run ... --json` with that table", DataQualityWarning,
           "no abnormal value on 2 event-window day(s)", json_with_gap,
           "exit 0; day 0's `ar` is `null`",
           lambda got: got[0] == 0 and next(r for r in got[1]["abnormal"]
                                            if r["rel_day"] == 0)["ar"] is None),
    # ------------------------------------------------------------------ the source
    refused(SOURCE, "`data=\"bundle\"` (a misspelt source)", InvalidInputError,
            "data='bundle' is neither one of 'auto', 'bundled', 'yahoo', 'cache' nor an "
            "existing CSV file", lambda tmp: eventstudy.load_prices(FAW, data="bundle")),
    refused(SOURCE, "`data=42`", InvalidInputError, "data=42 is not valid; use one of",
            lambda tmp: eventstudy.load_prices(FAW, data=42)),  # type: ignore[arg-type]
    refused(SOURCE, "`data=` a folder", InvalidInputError, "is a folder, not a CSV file",
            lambda tmp: eventstudy.load_prices(FAW, data=tmp)),
    refused(SOURCE, "`data=` a CSV path that does not exist", InvalidInputError,
            "nor an existing CSV file",
            lambda tmp: eventstudy.load_prices(FAW, data=tmp / "missing.csv")),
    warned(SOURCE, "`load_prices(..., source=\"bundled\")`, the former name of `data=`",
           FutureWarning, "load_prices(source=...) is now load_prices(data=...)",
           lambda tmp: eventstudy.load_prices(FAW, "2021-09-13", "2021-09-13", source="bundled"),
           "the prices, as with `data=`", lambda frame: frame["close"].iloc[0] == 12.11),
    refused(SOURCE, "both `data=` and its former name `source=`", InvalidInputError,
            "load_prices() got both data= and source=; give data= only",
            lambda tmp: eventstudy.load_prices(FAW, data="bundled", source="yahoo")),
    # ------------------------------------------------------------------ cache
    warned(CACHE, "`prices.sqlite` is not a database", EventStudyWarning,
           "is damaged (file is not a database); it was moved to",
           damaged_cache("garbage"), "a new cache starts; the prices come from the next source",
           lambda f: f.loc["2021-09-13", "close"] == 12.11),
    warned(CACHE, "`prices.sqlite` cut off half way", EventStudyWarning,
           "is damaged (database disk image is malformed); it was moved to",
           damaged_cache("truncated"), "a new cache starts",
           lambda f: f.loc["2021-09-13", "close"] == 12.11),
    refused(CACHE, "`prices.sqlite` with pages overwritten, read with `data=\"cache\"`",
            CacheError, "(database disk image is malformed; it is damaged). Move or delete the "
            "file to start a fresh cache", damaged_cache("zeroed")),
    refused(CACHE, "`data=\"cache\"` for prices never downloaded", DataUnavailableError,
            "No cached prices for '000800.SZ' from 2021-09-13 to 2021-09-13. Download them "
            "once with data='yahoo'",
            lambda tmp: eventstudy.load_prices(FAW, "2021-09-13", "2021-09-13", data="cache")),
    warned(CACHE, "the cache folder is a file", EventStudyWarning, "cannot be written",
           unusable_cache, "then `DataUnavailableError`: “…cannot be used: see warning…”",
           lambda error: "cannot be used: see warning" in str(error)),
    # ------------------------------------------------------------------ CLI
    cli(CLI, "", ["--version"], 0, f"eventstudy {eventstudy.__version__}"),
    works(CLI, "`eventstudy COMMAND --help`", "every option of every command has help text",
          lambda tmp: options_without_help(), lambda missing: missing == []),
    cli(CLI, " (an `--out` that is a file)",
        ["report", FAW, "2021-09-13", "--data", "bundled", "--window", "-5", "5", "--out",
         "/proc/version"], 2, "File exists"),
    cli(CLI, " (an `--out` that cannot be created)",
        ["report", FAW, "2021-09-13", "--data", "bundled", "--window", "-5", "5", "--out",
         "/proc/eventstudy-report"], 2, "eventstudy: error: /proc/eventstudy-report:"),
    cli(CLI, "", ["study", "{tmp}/missing.csv"], 2, "cannot read the events file"),
    cli(CLI, " (a folder as the events file)", ["study", "{tmp}"], 2,
        "cannot read the events file"),
    cli(CLI, "", ["run", FAW, "2021-09-13", "--data", "bundle"], 2,
        "data='bundle' is neither one of"),
    cli(CLI, "", ["run", FAW, "2022-01-10", "--data", "bundled"], 2, "runs past the data"),
    cli(CLI, "", ["check", "{tmp}/missing.toml"], 2, "is not a file"),
]


@pytest.fixture(scope="module", autouse=True)
def _yfinance_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep yfinance's timezone cache out of the user's folder; forget the fake session."""
    import requests
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yfinance-cache")))
    yield
    yf.Ticker("RESET", session=requests.Session())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}: {c.given}" for c in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTSTUDY_CACHE_DIR", os.environ["EVENTSTUDY_CACHE_DIR"])
    case.check(tmp_path)


def render(cases: list[Case]) -> str:
    """The page's table of cases: one section per kind, numbered across the page."""
    lines: list[str] = []
    kinds = list(dict.fromkeys(c.kind for c in cases))
    number = 0
    for kind in kinds:
        lines += ["", f"### {kind}", "", "| # | Input | Outcome |", "|---|---|---|"]
        for case in cases:
            if case.kind == kind:
                number += 1
                lines.append(f"| {number} | {case.given} | {_cell(case.outcome)} |")
    return "\n".join([BEGIN, *lines, "", END])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def test_docs_page_lists_every_case() -> None:
    page = DOCS.read_text(encoding="utf-8")
    assert render(CASES) in page, "docs/bad-input.md is stale: run python tests/test_bad_input.py"


if __name__ == "__main__":
    page = DOCS.read_text(encoding="utf-8")
    start, stop = page.index(BEGIN), page.index(END) + len(END)
    DOCS.write_text(page[:start] + render(CASES) + page[stop:], encoding="utf-8")
    print(f"{DOCS}: {len(CASES)} cases", file=sys.stderr)
