"""Build ``data/prices.csv``, the bundled price table, and ``data/fx.csv``, the bundled
USD/CNY rate, from the vendor CSV files.

Usage (from the repository root)::

    python scripts/build_bundle.py [--sources ../shared/data-sources] [--out data]

The script reads one primary vendor file per ticker, checks every file's git blob id, keeps
the bundle period, derives ``adj_close`` from ``preclose``, cross-checks each ticker against
a second vendor, prints a summary and writes one tidy CSV. It then keeps the same period of
FRED's daily CNY per USD series (DEXCHUS) and writes it as the tidy table of ``CNY=X``; a day
FRED gives no rate has no row (the summary lists those days), and no rate is filled in. It
stops with a non-zero exit status when a file is missing, a blob id differs, a header is
unexpected, or a check fails. The output is byte-for-byte the same on every run.

Everything is parsed as text and exact decimals (``decimal.Decimal``); only ``adj_close`` is
computed in binary floating point and written with ``repr`` (shortest round-trip form).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import itertools
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_DAY = "2019-01-02"
COLUMNS = (
    "ticker", "date", "open", "high", "low", "close", "preclose", "adj_close", "volume", "amount"
)
STOCK_TICK = Decimal("0.01")
INDEX_TICK = Decimal("0.0001")
#: The bundled exchange rate: CNY per US dollar, as the tidy table of Yahoo's ``CNY=X``.
FX_TICKER = "CNY=X"
FX_COLUMNS = ("ticker", "date", "close")
FX_TICK = Decimal("0.0001")


class BuildError(RuntimeError):
    """A source file is missing or malformed, or a cross-check failed."""


@dataclass(frozen=True)
class VendorFile:
    """One vendor CSV: where it lives under ``--sources`` and where it came from."""

    local: str
    repository: str
    commit: str
    path: str
    blob: str


def _vendor(
    folder: str, repository: str, commit: str, prefix: str
) -> Callable[[str, str], VendorFile]:
    def make(name: str, blob: str) -> VendorFile:
        return VendorFile(f"{folder}/{name}", repository, commit, f"{prefix}{name}", blob)

    return make


_XBX = _vendor("xingbuxing-ganlei333", "ganlei333/stockdata",
               "e4c6e193f7d164a7fb380c7d3f2c367baa898b1f", "")
_BAO = _vendor("baostock-fdp", "future-development-platform/data",
               "17f6890942a8f832b700235972ee71f1a88cd5b1", "")
_EM = _vendor("eastmoney-qjlxg", "qjlxg/strategy",
              "5870f4466acc6ff2761471a04de166250ddca816", "stock_data/")
_BAO_INDEX = _vendor("baostock-index-hriszc", "hriszc/zechenhehuo",
                     "3faadcb5aa838eadeff89d5329b7eb2fedb7c20d", "data/")
_SINA_A = _vendor("sina-index-angelowxx", "angelowxx/StocksPricePrediction",
                  "cf84a40af9b7ac293adfc99355bdd3dcc929391f", "data/")
_SINA_B = _vendor("sina-index-idealauror", "IdealAuror/trader-vic-strategy",
                  "2ffccfd4255f532a96eb1e5d97a76389c9bd1c53", "data/")
_EM_INDEX = _vendor("eastmoney-index-nshiodis", "Nshiodis/finance-analysis-platform",
                    "58cb1c3d584412c1521b9599b021ec77b70a5431", "data/")

XINGBUXING = {
    "000800.SZ": _XBX("sz000800.csv", "c86e7d5684305587f3f2517b6abbc84c96991248"),
    "600104.SS": _XBX("sh600104.csv", "90ed2c2cad6ae77b29290148af8c021c3681a515"),
    "000625.SZ": _XBX("sz000625.csv", "15cd7233756d6f95ff831722600aafc4762c49f4"),
    "000951.SZ": _XBX("sz000951.csv", "4f3b863c3c0462ca8cbb5f6f31a74e05d46926e1"),
    "000338.SZ": _XBX("sz000338.csv", "c8cf572664bcdd24c4412725be6b0f3cdf61fe2c"),
    "601238.SS": _XBX("sh601238.csv", "f07433082da0c03ca8606b34ec73368938a0dba3"),
    "002594.SZ": _XBX("sz002594.csv", "f4276902acf6108a4ee6f0bfcc65a86d7ba5f075"),
    "601633.SS": _XBX("sh601633.csv", "ee4eb44415476b55662a765e33d5591ea89c5b75"),
}
BAOSTOCK = {
    "000800.SZ": _BAO("sz.000800.csv", "348da7af9e2827066e86660219a5744dbeaab43d"),
    "000625.SZ": _BAO("sz.000625.csv", "7be05a3a348f73cd0c6eb74c894056ba48ed57fa"),
    "002594.SZ": _BAO("sz.002594.csv", "d778b9fc37c886288ad8222ae63a95c7cf490318"),
}
EASTMONEY = {
    "000800.SZ": _EM("000800.csv", "7fd0fc90c60aed4f0f727dd6be7bb9bece3b8e64"),
    "600104.SS": _EM("600104.csv", "7fd78b53c55c49f41ca5c6cb83a89e046863c3da"),
    "000625.SZ": _EM("000625.csv", "f009b1135ab693be767f742298e7e05d4de7a8ff"),
    "000951.SZ": _EM("000951.csv", "c7aeb65903e6fa6cf279e32d9f6a641a552f8b8b"),
    "000338.SZ": _EM("000338.csv", "f88d17100dd1847f0967bd4c5d97a4f771b71aac"),
    "601238.SS": _EM("601238.csv", "431e033cee477f100f8359016c1e0d5bad28f11a"),
}
BAOSTOCK_INDEX = {
    "399001.SZ": _BAO_INDEX("sz399001.csv", "93602a96d7d69652b9a94fc927dfef7c0f4d91eb"),
    "000300.SS": _BAO_INDEX("sh000300.csv", "2918fd7a8062f5a744d13629e10c0a61729e7edc"),
    "000001.SS": _BAO_INDEX("sh000001.csv", "9050ff4e807947e4ef17ca8b973de15ca73385b8"),
}
SINA_INDEX = {
    "399001.SZ": _SINA_A("sz399001.csv", "6128c315424b08b183613d59213db5e02e6e1a75"),
    "000001.SS": _SINA_A("sh000001.csv", "f13f81eed5934e6de0106b51660f1f9e632a6822"),
    "000300.SS": _SINA_B("sh000300.csv", "ed73ea46c7cf89328f35f633ea1aa459d571abc4"),
}
EASTMONEY_INDEX = {
    "000300.SS": _EM_INDEX("000300.csv", "5c1ba64e3ca8e3c6119ae0a6a3f1733fb335d316"),
}

#: Primary vendor of each bundled ticker, in output order (the CSV is sorted by ticker).
#: FRED series DEXCHUS (H.10 noon buying rates in New York), copied from the stored text of
#: the repository's file; see the folder's README for how, and for the cross-checks.
FRED_DEXCHUS = VendorFile("fx-usdcny-fred/DEXCHUS.csv", "vichobug/fx-hedging-sim",
                          "157e8bbcf34ec85e05cee81e5f07b528b6747c1c", "data/DEXCHUS.csv",
                          "3960a11f4b554400224b0c782f692e877814f1bb")

STOCKS_FROM_BAOSTOCK = ("000800.SZ", "000625.SZ", "002594.SZ")
STOCKS_FROM_XINGBUXING = ("600104.SS", "601238.SS", "601633.SS", "000951.SZ", "000338.SZ")
INDICES = ("399001.SZ", "000300.SS", "000001.SS")
#: Index levels: Sina rounds to 3 decimals, Eastmoney to 2, and baostock's older index rows
#: carry single-precision rounding of up to a few thousandths of a point.
INDEX_LEVEL_TOL = Decimal("0.0101")
#: Relative tolerance for numbers some vendor stored in single precision (about 6e-8).
FLOAT32_REL = 1e-7
#: Relative tolerance for amounts (Xing Buxing rounds to whole CNY, Eastmoney to float32).
AMOUNT_REL = 1e-6
#: Index whose Sina volume is known to differ from baostock's; reported, not enforced.
VOLUME_REPORT_ONLY = frozenset({"399001.SZ"})


@dataclass(frozen=True)
class Bar:
    """One trading day as a vendor gives it (exact decimals; volume in shares)."""

    date: str
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    preclose: Decimal | None
    volume: int
    amount: Decimal | None


# --------------------------------------------------------------------------- reading


def blob_id(data: bytes) -> str:
    """Return the git blob id (SHA-1 of ``b"blob <size>\\0" + data``) of a file's bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_rows(sources: Path, vendor: VendorFile, header: str, skip: int = 0) -> list[list[str]]:
    """Read a vendor CSV after checking its blob id and header; return the data rows."""
    file = sources / vendor.local
    if not file.is_file():
        raise BuildError(f"missing source file {file} (from {vendor.repository} {vendor.path})")
    data = file.read_bytes()
    if blob_id(data) != vendor.blob:
        raise BuildError(f"{file}: blob id {blob_id(data)} differs from {vendor.blob}")
    lines = data.decode("utf-8-sig").splitlines()[skip:]
    if lines[0] != header:
        raise BuildError(f"{file}: unexpected header {lines[0]!r}; expected {header!r}")
    return [row for row in csv.reader(lines[1:]) if row]


def whole(text: str) -> int:
    """Parse a share count written as ``123`` or ``123.0``; refuse fractions."""
    value = Decimal(text)
    if value != value.to_integral_value():
        raise BuildError(f"volume {text!r} is not a whole number")
    return int(value)


def read_baostock_stock(sources: Path, vendor: VendorFile) -> list[Bar]:
    """Baostock daily k-data (raw); rows with ``tradestatus`` 0 (suspended) are dropped."""
    header = ("date,code,open,high,low,close,preclose,volume,amount,adjustflag,turn,"
              "tradestatus,pctChg,peTTM,psTTM,pcfNcfTTM,pbMRQ,isST")
    bars = []
    for r in read_rows(sources, vendor, header):
        if r[9] != "3":
            raise BuildError(f"{vendor.local} {r[0]}: adjustflag {r[9]!r}, expected 3 (raw)")
        if r[11] == "1":
            o, h, low, c, pre = (Decimal(x) for x in r[2:7])
            bars.append(Bar(r[0], o, h, low, c, pre, whole(r[7]), Decimal(r[8])))
    return bars


def read_xingbuxing(sources: Path, vendor: VendorFile) -> list[Bar]:
    """Xing Buxing daily data (raw; first line is a comment; volume shares, amount CNY)."""
    header = ("股票代码,股票名称,交易日期,开盘价,最高价,最低价,收盘价,前收盘价,"
              "成交量,成交额,流通市值,总市值")
    bars = []
    for r in read_rows(sources, vendor, header, skip=1):
        o, h, low, c, pre = (Decimal(x) for x in r[3:8])
        bars.append(Bar(r[2], o, h, low, c, pre, whole(r[8]), Decimal(r[9])))
    return bars


def read_eastmoney_stock(sources: Path, vendor: VendorFile) -> dict[str, Bar]:
    """Eastmoney raw daily data: columns open, close, high, low; volume in lots of 100."""
    header = "日期,股票代码,开盘,收盘,最高,最低,成交量,成交额,振幅,涨跌幅,涨跌额,换手率"
    return {r[0]: Bar(r[0], Decimal(r[2]), Decimal(r[4]), Decimal(r[5]), Decimal(r[3]), None,
                      100 * whole(r[6]), Decimal(r[7]))
            for r in read_rows(sources, vendor, header)}


def read_baostock_index(sources: Path, vendor: VendorFile) -> list[Bar]:
    """Baostock index k-data; ``preclose`` is the previous row's close in the full history.

    Rows with empty fields (five days in 1995 in the SZSE Component file) are skipped.
    """
    bars: list[Bar] = []
    previous: Decimal | None = None
    for r in read_rows(sources, vendor, "date,open,close,high,low,volume,amount,turn,pctChg"):
        if "" in r[1:7]:
            continue
        close = Decimal(r[2])
        bars.append(Bar(r[0], Decimal(r[1]), Decimal(r[3]), Decimal(r[4]), close, previous,
                        whole(r[5]), Decimal(r[6])))
        previous = close
    return bars


def read_sina_index(sources: Path, vendor: VendorFile) -> dict[str, Bar]:
    """Sina index data: levels rounded to 3 decimals, volume in shares, no amount."""
    return {r[0]: Bar(r[0], Decimal(r[1]), Decimal(r[2]), Decimal(r[3]), Decimal(r[4]), None,
                      whole(r[5]), None)
            for r in read_rows(sources, vendor, "date,open,high,low,close,volume")}


def read_eastmoney_index(sources: Path, vendor: VendorFile) -> dict[str, Bar]:
    """Eastmoney index data: levels rounded to 2 decimals, volume in lots of 100."""
    return {r[0]: Bar(r[0], Decimal(r[1]), Decimal(r[3]), Decimal(r[4]), Decimal(r[2]), None,
                      100 * whole(r[5]), Decimal(r[6]))
            for r in read_rows(sources, vendor, "date,open,close,high,low,volume,amount")}


def in_period(bars: Iterable[Bar], last_day: str) -> list[Bar]:
    """Keep the bars from FIRST_DAY to ``last_day`` inclusive (ISO dates sort as text)."""
    return [b for b in bars if FIRST_DAY <= b.date <= last_day]


# --------------------------------------------------------------------------- checks


class Checks:
    """Collects the summary lines and the failures of the cross-checks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failures: list[str] = []

    def note(self, line: str) -> None:
        self.lines.append(line)

    def require(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)


def internal_checks(ticker: str, bars: list[Bar], checks: Checks) -> list[str]:
    """Check ordering, price ranges and preclose continuity; return the ex-dates found."""
    dates = [b.date for b in bars]
    checks.require(dates == sorted(set(dates)), f"{ticker}: dates not strictly increasing")
    for b in bars:
        ok = b.low <= min(b.open, b.close) and max(b.open, b.close) <= b.high and b.low > 0
        checks.require(ok, f"{ticker} {b.date}: open/close outside low-high or low <= 0")
        checks.require(b.preclose is not None and b.preclose > 0,
                       f"{ticker} {b.date}: missing or non-positive preclose")
    return [b.date for a, b in itertools.pairwise(bars) if b.preclose != a.close]


def compare(ticker: str, bars: list[Bar], other: dict[str, Bar], vendor: VendorFile,
            checks: Checks, *, level_tol: Decimal, volume_tol: float | None,
            amount_rel_tol: float | None, compare_preclose: bool = False) -> None:
    """Compare the bundle's bars with a second vendor on every day the vendor covers."""
    first, last = bars[0].date, bars[-1].date
    theirs = {d for d in other if first <= d <= last}
    ours = {b.date for b in bars}
    checks.require(ours == theirs, f"{ticker} vs {vendor.local}: trading dates differ: only "
                   f"bundle {sorted(ours - theirs)[:5]}, only vendor {sorted(theirs - ours)[:5]}")
    common = [b for b in bars if b.date in theirs]
    level_bad = [b.date for b in common for f in ("open", "high", "low", "close")
                 if abs(getattr(b, f) - getattr(other[b.date], f)) > level_tol]
    checks.require(not level_bad, f"{ticker} vs {vendor.local}: OHLC differ on {level_bad[:5]}")
    if compare_preclose:
        bad = [b.date for b in common if b.preclose != other[b.date].preclose]
        checks.require(not bad, f"{ticker} vs {vendor.local}: preclose differs on {bad[:5]}")
    level_diff = max((abs(getattr(b, f) - getattr(other[b.date], f))
                      for b in common for f in ("open", "high", "low", "close")),
                     default=Decimal(0))
    volume_rel = [abs(b.volume - other[b.date].volume) / b.volume for b in common if b.volume]
    max_volume = max(volume_rel, default=0.0)
    text = (f"  {ticker} vs {vendor.repository} {vendor.path}: {len(common)} common days "
            f"({first}..{last}), same dates, OHLC max |diff| {float(level_diff):.4f}, "
            f"volume differs on {sum(r > 0 for r in volume_rel)} days "
            f"(max rel {max_volume:.2e})")
    if volume_tol is not None:
        checks.require(max_volume <= volume_tol, f"{ticker} vs {vendor.local}: "
                       f"volume rel diff {max_volume:.3g} > {volume_tol}")
    if amount_rel_tol is not None:
        pairs = [(b.amount, other[b.date].amount) for b in common]
        amount_rel = max((float(abs(ours - theirs) / ours) for ours, theirs in pairs
                          if ours and theirs is not None), default=0.0)
        text += f", amount max rel diff {amount_rel:.2e}"
        checks.require(amount_rel <= amount_rel_tol,
                       f"{ticker} vs {vendor.local}: amount rel diff {amount_rel:.3g}")
    checks.note(text)


# --------------------------------------------------------------------------- output


def adjusted_closes(bars: list[Bar]) -> list[float]:
    """Backward total-return adjusted closes, equal to the close on the last day.

    ``adj_t = close_t * F_t`` with ``F_t = prod_{s > t} preclose_s / close_{s-1}``, so that
    ``adj_t / adj_{t-1} = close_t / preclose_t``; the factor is exactly 1 after the last
    ex-date. This is the usual backward adjustment of total-return series (CRSP-style
    cumulative adjustment factors; Yahoo's Adj Close follows the same idea).
    """
    factors = [1.0] * len(bars)
    for t in range(len(bars) - 1, 0, -1):
        later, earlier = bars[t], bars[t - 1]
        assert later.preclose is not None
        if later.preclose == earlier.close:
            factors[t - 1] = factors[t]
        else:
            factors[t - 1] = factors[t] * (float(later.preclose) / float(earlier.close))
    return [float(b.close) * f for b, f in zip(bars, factors, strict=True)]


def fixed(value: Decimal, tick: Decimal, what: str) -> str:
    """Format ``value`` with the decimals of ``tick``; refuse to round anything away."""
    out = value.quantize(tick)
    if out != value:
        raise BuildError(f"{what}: {value} has more decimals than {tick}")
    return str(out)


def rows_for(ticker: str, bars: list[Bar], tick: Decimal) -> list[list[str]]:
    """Render one ticker's bars as CSV rows in COLUMNS order."""
    rows = []
    for b, adj in zip(bars, adjusted_closes(bars), strict=True):
        what = f"{ticker} {b.date}"
        assert b.preclose is not None and b.amount is not None
        prices = [fixed(x, tick, what) for x in (b.open, b.high, b.low, b.close, b.preclose)]
        amount = format(b.amount.normalize(), "f")  # exact vendor value, no trailing zeros
        rows.append([ticker, b.date, *prices, repr(adj), str(b.volume), amount])
    return rows


def write_csv(path: Path, rows: list[list[str]], columns: tuple[str, ...] = COLUMNS) -> None:
    """Write the header and rows with LF line endings, UTF-8, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def weekdays(first: str, last: str) -> list[str]:
    """Every Monday to Friday from ``first`` to ``last`` (ISO dates), inclusive."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    days = (start + dt.timedelta(days=k) for k in range((end - start).days + 1))
    return [d.isoformat() for d in days if d.weekday() < 5]


def fx_rows(sources: Path, first: str, last: str, checks: Checks) -> list[list[str]]:
    """FRED's CNY per USD from ``first`` to ``last`` as rows of ``CNY=X``; blank days left out.

    FRED lists every weekday and leaves the value blank on a day without a noon buying rate
    (mostly New York holidays); such a day gets no row, and nothing is filled in.
    """
    rows = read_rows(sources, FRED_DEXCHUS, "observation_date,DEXCHUS")
    kept = [(day, value) for day, value in rows if first <= day <= last]
    days = [day for day, _ in kept]
    checks.require(days == weekdays(first, last),
                   f"{FX_TICKER}: the FRED file does not list every weekday {first}..{last}")
    out, blank = [], []
    for day, value in kept:
        if not value:
            blank.append(day)
            continue
        rate = Decimal(value)
        checks.require(rate > 0, f"{FX_TICKER} {day}: rate {value} is not positive")
        out.append([FX_TICKER, day, fixed(rate, FX_TICK, f"{FX_TICKER} {day}")])
    checks.note(f"{FX_TICKER} (CNY per USD, FRED DEXCHUS): {len(out)} rates {first}..{last}; "
                f"{len(blank)} weekdays without a rate, left out: {', '.join(blank)}")
    return out


# --------------------------------------------------------------------------- main


def build(sources: Path, out: Path) -> Checks:
    """Read, check and write the bundle; raise BuildError on any failure."""
    checks = Checks()
    primary: dict[str, list[Bar]] = {}
    for ticker in STOCKS_FROM_BAOSTOCK:
        primary[ticker] = read_baostock_stock(sources, BAOSTOCK[ticker])
    for ticker in STOCKS_FROM_XINGBUXING:
        primary[ticker] = read_xingbuxing(sources, XINGBUXING[ticker])
    for ticker in INDICES:
        primary[ticker] = read_baostock_index(sources, BAOSTOCK_INDEX[ticker])
    last_day = min(bars[-1].date for bars in primary.values())
    checks.note(f"bundle period {FIRST_DAY}..{last_day} (last day every primary file covers)")

    trading_days = [b.date for b in in_period(primary["000001.SS"], last_day)]
    rows: list[list[str]] = []
    for ticker in sorted(primary):
        bars = in_period(primary[ticker], last_day)
        ex_dates = internal_checks(ticker, bars, checks)
        absent = sorted(set(trading_days) - {b.date for b in bars})
        checks.require({b.date for b in bars} <= set(trading_days),
                       f"{ticker}: trades on days that are not SSE trading days")
        is_index = ticker in INDICES
        kind = "index" if is_index else "stock"
        checks.note(f"{ticker} ({kind}): {len(bars)} rows {bars[0].date}..{bars[-1].date}; "
                    f"{len(absent)} exchange trading days absent (suspended)"
                    f"{' ' + ', '.join(absent) if 0 < len(absent) <= 12 else ''}; "
                    f"ex-dates (preclose != previous close): {', '.join(ex_dates) or 'none'}")
        cross_check(ticker, bars, sources, checks)
        rows.extend(rows_for(ticker, bars, INDEX_TICK if is_index else STOCK_TICK))

    fx = fx_rows(sources, FIRST_DAY, last_day, checks)

    if checks.failures:
        raise BuildError("cross-checks failed:\n  " + "\n  ".join(checks.failures))
    write_csv(out / "prices.csv", rows)
    write_csv(out / "fx.csv", fx, FX_COLUMNS)
    for name, count in (("prices.csv", len(rows)), ("fx.csv", len(fx))):
        checks.note(f"wrote {out / name}: {count} rows, {(out / name).stat().st_size} bytes")
    return checks


def cross_check(ticker: str, bars: list[Bar], sources: Path, checks: Checks) -> None:
    """Compare one ticker's bundle rows with every second vendor available for it."""
    if ticker in INDICES:
        sina = SINA_INDEX[ticker]
        compare(ticker, bars, read_sina_index(sources, sina), sina, checks,
                level_tol=INDEX_LEVEL_TOL,
                volume_tol=None if ticker in VOLUME_REPORT_ONLY else FLOAT32_REL,
                amount_rel_tol=None)
        if ticker in EASTMONEY_INDEX:
            em = EASTMONEY_INDEX[ticker]
            em_bars = read_eastmoney_index(sources, em)
            compare(ticker, [b for b in bars if b.date >= min(em_bars)], em_bars, em, checks,
                    level_tol=INDEX_LEVEL_TOL, volume_tol=FLOAT32_REL, amount_rel_tol=FLOAT32_REL)
        return
    # Eastmoney volume is in lots: allow the rounding to a whole lot (< 100 shares).
    if ticker in EASTMONEY:
        em = EASTMONEY[ticker]
        em_bars = read_eastmoney_stock(sources, em)
        compare(ticker, bars, em_bars, em, checks, level_tol=Decimal(0),
                volume_tol=None, amount_rel_tol=AMOUNT_REL)
        lot_bad = [b.date for b in bars if abs(b.volume - em_bars[b.date].volume) >= 100]
        checks.require(not lot_bad, f"{ticker}: volume differs by a lot or more on {lot_bad[:5]}")
        checks.note(f"    (Eastmoney volume is in lots: within one lot of the bundle on "
                    f"{len(bars) - len(lot_bad)} of {len(bars)} days)")
    if ticker in STOCKS_FROM_BAOSTOCK:
        xbx = XINGBUXING[ticker]
        compare(ticker, bars, {b.date: b for b in read_xingbuxing(sources, xbx)}, xbx, checks,
                level_tol=Decimal(0), volume_tol=FLOAT32_REL, amount_rel_tol=AMOUNT_REL,
                compare_preclose=True)
    if ticker not in EASTMONEY and ticker not in BAOSTOCK:
        checks.note(f"  {ticker}: no second vendor among the source files; internal checks only")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "data-sources",
                        help="folder holding the vendor CSV files")
    parser.add_argument("--out", type=Path, default=REPO / "data", help="output folder")
    args = parser.parse_args(argv)
    try:
        checks = build(args.sources, args.out)
    except BuildError as exc:
        print(f"build_bundle: FAILED: {exc}", file=sys.stderr)
        return 1
    print("\n".join(checks.lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
