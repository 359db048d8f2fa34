"""A fake Yahoo Finance web service for tests: a requests transport adapter.

yfinance's own code runs unchanged; only the HTTP layer is replaced. The adapter answers
the endpoints yfinance calls for daily history (cookie, crumb, chart API, quote summary)
from prices given as tidy as-traded rows. It presents them as Yahoo does: prices and
dividends divided by the ratios of all later splits, volume multiplied by them, and split
and dividend events dated at the exchange's opening time.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import requests
import urllib3
from requests.adapters import HTTPAdapter

BUNDLE = Path(__file__).resolve().parents[2] / "data" / "prices.csv"
CRUMB = "fake-crumb"
_OPEN = pd.Timedelta(hours=9, minutes=30)  # SZSE/SSE open; Yahoo stamps daily bars with it


def bundled_rows(ticker: str) -> pd.DataFrame:
    """Read one ticker's rows of ``data/prices.csv``, indexed by date."""
    table = pd.read_csv(BUNDLE, dtype={"ticker": "str", "date": "str"})
    rows = table[table["ticker"] == ticker].copy()
    rows.index = pd.DatetimeIndex(pd.to_datetime(rows.pop("date")), name="date")
    return rows.drop(columns="ticker").astype("float64")


@dataclass(frozen=True)
class Split:
    """A split (or bonus issue): ``numerator`` new shares for ``denominator`` old ones."""

    day: str
    numerator: int
    denominator: int

    @property
    def ratio(self) -> float:
        return self.numerator / self.denominator


@dataclass
class Chart:
    """One symbol as Yahoo stores it, built from as-traded tidy rows.

    Dividends are read from the rows: a day whose ``preclose`` is below the previous close
    is an ex-dividend day with dividend ``close_{t-1} - preclose_t`` (the bundled rows
    have no splits). ``skip_dividends`` leaves some out of the events (not out of the
    Adj Close), as when Yahoo misses one.
    """

    symbol: str
    rows: pd.DataFrame
    splits: tuple[Split, ...] = ()
    skip_dividends: tuple[str, ...] = ()
    timezone: str = "Asia/Shanghai"

    def later_ratio(self, day: pd.Timestamp) -> float:
        """Product of the ratios of the splits after ``day``."""
        return float(np.prod([s.ratio for s in self.splits if pd.Timestamp(s.day) > day]))

    def stamp(self, day: pd.Timestamp) -> int:
        return int((day + _OPEN).tz_localize(self.timezone).timestamp())

    def dividends(self) -> dict[pd.Timestamp, float]:
        previous = self.rows["close"].shift(1)
        cut = previous - self.rows["preclose"]
        days = cut.index[(cut.abs() > 1e-9) & previous.notna()]
        return {d: float(cut[d]) for d in days if d.strftime("%Y-%m-%d") not in self.skip_dividends}

    def payload(self, first: int | None, last: int | None) -> dict[str, Any]:
        """The chart-API answer for timestamps in [first, last) (None: unbounded)."""
        stamps = np.array([self.stamp(d) for d in self.rows.index])
        keep = np.ones(len(stamps), dtype=bool)
        if first is not None:
            keep &= stamps >= first
        if last is not None:
            keep &= stamps < last
        rows = self.rows[keep]
        factor = np.array([self.later_ratio(d) for d in rows.index])

        def prices(column: str) -> list[float]:
            return [float(x) for x in rows[column].to_numpy() / factor]

        quote: dict[str, Any] = {}
        adjclose: dict[str, Any] = {}
        if len(rows):
            quote = {c: prices(c) for c in ("open", "high", "low", "close")}
            quote["volume"] = [round(v) for v in rows["volume"].to_numpy() * factor]
            adjclose = {"adjclose": prices("adj_close")}
        result: dict[str, Any] = {
            "meta": self.meta(),
            "indicators": {"quote": [quote], "adjclose": [adjclose]},
        }
        if len(rows):
            result["timestamp"] = [int(s) for s in stamps[keep]]
        events = self.events(first, last)
        if events:
            result["events"] = events
        return {"chart": {"result": [result], "error": None}}

    def events(self, first: int | None, last: int | None) -> dict[str, Any]:
        def inside(stamp: int) -> bool:
            return (first is None or stamp >= first) and (last is None or stamp < last)

        dividends = {
            str(self.stamp(d)): {"amount": amount / self.later_ratio(d), "date": self.stamp(d)}
            for d, amount in self.dividends().items()
            if inside(self.stamp(d))
        }
        splits = {
            str(self.stamp(pd.Timestamp(s.day))): {
                "date": self.stamp(pd.Timestamp(s.day)),
                "numerator": s.numerator,
                "denominator": s.denominator,
                "splitRatio": f"{s.numerator}:{s.denominator}",
            }
            for s in self.splits
            if inside(self.stamp(pd.Timestamp(s.day)))
        }
        events: dict[str, Any] = {}
        if dividends:
            events["dividends"] = dividends
        if splits:
            events["splits"] = splits
        return events

    def meta(self) -> dict[str, Any]:
        last = self.rows.index[-1]
        return {
            "currency": "CNY",
            "symbol": self.symbol,
            "exchangeName": "SHZ",
            "fullExchangeName": "Shenzhen",
            "instrumentType": "EQUITY",
            "firstTradeDate": self.stamp(self.rows.index[0]),
            "regularMarketTime": self.stamp(last),
            "hasPrePostMarketData": False,
            "gmtoffset": 28800,
            "timezone": "CST",
            "exchangeTimezoneName": self.timezone,
            "regularMarketPrice": float(self.rows["close"].iloc[-1] / self.later_ratio(last)),
            "priceHint": 2,
            "dataGranularity": "1d",
            "range": "",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }


class FakeYahoo(HTTPAdapter):
    """Transport adapter answering Yahoo Finance requests from :class:`Chart` objects.

    Parameters
    ----------
    charts : dict of str to Chart
        Symbols Yahoo knows; any other symbol gets Yahoo's "not found" answer.
    rate_limited : int
        The first this-many chart requests are answered with HTTP 429.
    """

    def __init__(self, charts: dict[str, Chart], rate_limited: int = 0) -> None:
        super().__init__()
        self.charts = charts
        self.rate_limited = rate_limited
        self.seen: list[str] = []

    def session(self) -> requests.Session:
        """A requests.Session whose every request is answered by this adapter."""
        session = requests.Session()
        session.mount("https://", self)
        session.mount("http://", self)
        return session

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = urlsplit(str(request.url))
        self.seen.append(str(request.url))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.hostname == "fc.yahoo.com":
            return self._answer(request, 404, b"", "text/html")
        if url.path.endswith("/v1/test/getcrumb"):
            return self._answer(request, 200, CRUMB.encode(), "text/plain")
        if "/v8/finance/chart/" in url.path:
            return self._chart(request, url.path.rsplit("/", 1)[1], query)
        if "/finance/quoteSummary/" in url.path:
            symbol = url.path.rsplit("/", 1)[1]
            body = {"quoteSummary": {"result": None, "error": {
                "code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}}}
            return self._json(request, 404, body)
        return self._answer(request, 404, b"<html>Not found</html>", "text/html")

    def _chart(
        self, request: requests.PreparedRequest, symbol: str, query: dict[str, str]
    ) -> requests.Response:
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return self._answer(request, 429, b"Too Many Requests", "text/plain")
        chart = self.charts.get(symbol)
        if chart is None:
            body = {"chart": {"result": None, "error": {
                "code": "Not Found", "description": "No data found, symbol may be delisted"}}}
            return self._json(request, 404, body)
        if "period1" in query:
            first, last = int(query["period1"]), int(query["period2"])
            return self._json(request, 200, chart.payload(first, last))
        if query.get("range") == "1d":
            return self._json(request, 200, chart.payload(chart.stamp(chart.rows.index[-1]), None))
        return self._json(request, 200, chart.payload(None, None))

    def _json(self, request: requests.PreparedRequest, status: int, body: Any) -> requests.Response:
        return self._answer(request, status, json.dumps(body).encode(), "application/json")

    def _answer(
        self, request: requests.PreparedRequest, status: int, body: bytes, kind: str
    ) -> requests.Response:
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers={"Content-Type": kind, "Content-Length": str(len(body))},
            status=status,
            preload_content=False,
        )
        return self.build_response(request, raw)
