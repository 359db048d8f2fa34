"""The report as a list of blocks (headings, paragraphs, tables, charts), from a collection.

:func:`build` words the collected numbers; the renderers in :mod:`eventstudy.report.render`
turn the blocks into Markdown and HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from eventstudy._typing import signed_day
from eventstudy.claims.wording import limit_state
from eventstudy.plots import window_text

if TYPE_CHECKING:
    from eventstudy.report.collect import Collection
    from eventstudy.results.event import EventStudyResult


@dataclass
class Document:
    """Blocks of a report, in order: ("h2" | "p" | "table" | "img", content)."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, kind: str, content: Any) -> None:
        self.blocks.append((kind, content))


def _pct(value: float, digits: int = 2) -> str:
    return f"{value * 100:+.{digits}f}%"


def _num(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(
    frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]] | None = None
) -> pd.DataFrame:
    """The frame as strings: percent and number columns formatted for reading."""
    formats = formats or {}
    out = pd.DataFrame(index=frame.index.astype(str))
    out.index.name = frame.index.name
    for column in frame.columns:
        fmt = formats.get(str(column), _num)
        out[str(column)] = [fmt(v) for v in frame[column].tolist()]
    return out


def _cell(frame: pd.DataFrame, row: Any, column: str) -> float:
    return float(frame.loc[[row], column].to_numpy(dtype=float)[0])


def _day_table(result: EventStudyResult) -> pd.DataFrame:
    table = result.abnormal
    day0 = result.event_date
    prices = result.prices
    position = int(prices.index.searchsorted(day0))
    rows = prices.iloc[max(position - 2, 0) : position + 3]
    frame = rows[["open", "high", "low", "close", "preclose", "volume"]].copy()
    frame.index = pd.Index([f"{d:%Y-%m-%d}" for d in rows.index], name="date")
    dates = {f"{d:%Y-%m-%d}": r for r, d in zip(table.index, table["date"], strict=True)}
    frame.insert(0, "day", [dates.get(d, "") for d in frame.index])
    frame["return"] = [table.loc[dates[d], "ret"] if d in dates else None for d in frame.index]
    return _table(
        frame,
        {
            "day": lambda v: "" if v == "" else signed_day(v),
            "open": lambda v: f"{v:.2f}",
            "high": lambda v: f"{v:.2f}",
            "low": lambda v: f"{v:.2f}",
            "close": lambda v: f"{v:.2f}",
            "preclose": lambda v: f"{v:.2f}",
            "volume": lambda v: f"{v:,.0f}",
            "return": lambda v: "–" if v is None else _pct(v),
        },
    )


def _cars_table(
    specs: dict[str, EventStudyResult], windows: Sequence[tuple[int, int]]
) -> pd.DataFrame:
    rows = {}
    for label, res in specs.items():
        row: dict[str, str] = {}
        for a, b in windows:
            test = res.car(a, b)
            row[f"CAR {window_text(a, b)}"] = (
                f"{_pct(test.car)} (t = {test.t:.2f}, p = {test.pvalue:.3f})"
            )
        rows[label] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "specification"
    return frame


def build(collection: Collection, charts: dict[str, str]) -> Document:
    """The report's blocks, from the collected results and the captions of the charts drawn."""
    result, specs, verdict = collection.result, collection.specs, collection.verdict
    volume, volume_problem = collection.volume, collection.volume_problem
    day0 = collection.day0
    doc = Document(f"Event study: {result.ticker} around {result.event_date:%Y-%m-%d}")
    when = f"Day 0 is {result.event_date:%A %Y-%m-%d}"
    if result.day0_reason:
        when += f" (requested {result.requested_date:%Y-%m-%d}: {result.day0_reason})"
    doc.add(
        "p",
        f"{when}. Market index {result.market}; estimation window "
        f"{result.estimation} trading days "
        f"({result.params['estimation_start']:%Y-%m-%d} to "
        f"{result.params['estimation_end']:%Y-%m-%d}), event window {result.window}.",
    )

    row0 = result.prices.loc[result.event_date]
    lead = (
        f"On day 0 {result.ticker} closed at {row0['close']:.2f} "
        f"({_pct(_cell(result.abnormal, 0, 'ret'))} from the previous close "
        f"{row0['preclose']:.2f}), after trading between {row0['low']:.2f} and "
        f"{row0['high']:.2f}"
    )
    if verdict is not None and verdict.limit_up is not None:
        lead += (
            f"; the day's limits were {verdict.limit_up} (up) and {verdict.limit_down} (down): "
            f"{limit_state(verdict.prices, verdict.limit_up, verdict.limit_down)}"
        )
    doc.add("p", lead + ".")

    doc.add("h2", "Prices around the event")
    doc.add("table", _day_table(result))
    doc.add("img", ("prices", charts["prices"]))

    if verdict is not None:
        doc.add("h2", "The claim")
        for sentence in verdict.sentences:
            doc.add("p", sentence)
        claims = verdict.to_frame().drop(columns=["note"]).set_index("figure")
        doc.add(
            "table",
            _table(
                claims,
                {
                    "claimed": lambda v: f"{v:g}",
                    "rounded": lambda v: _num(v, 2),
                    "matches": lambda v: "cannot judge" if v is pd.NA else ("yes" if v else "no"),
                },
            ),
        )

    doc.add("h2", "Abnormal returns")
    if day0 is not None:
        sq = day0.sq
        more = sq.n_ge if day0.car >= 0 else sq.n_le
        doc.add(
            "p",
            f"Day 0 abnormal return {_pct(day0.car)}: t = {day0.t_simple:.2f} "
            f"(p = {day0.pvalue_simple:.3f}) against the estimation residuals' "
            f"σ = {_pct(result.params['sigma']).lstrip('+')}; {more} of "
            f"{sq.n_sums} estimation days moved at least as much (SQ test, "
            f"p = {sq.p_two_sided:.3f}).",
        )
    params = result.params.drop(["estimation_start", "estimation_end"]).to_frame("estimate")
    doc.add("table", _table(params, {"estimate": lambda v: _num(v, 6)}))
    daily = result.abnormal[
        ["date", "ret", "market_ret", "expected", "ar", "t", "pvalue", "car"]
    ].copy()
    daily["date"] = daily["date"].dt.strftime("%Y-%m-%d")
    percent = {
        c: (lambda v: "–" if v != v else _pct(v))
        for c in ("ret", "market_ret", "expected", "ar", "car")
    }
    doc.add(
        "table",
        _table(daily, {**percent, "t": lambda v: f"{v:.2f}", "pvalue": lambda v: f"{v:.3f}"}),
    )
    doc.add("img", ("abnormal_returns", charts["abnormal_returns"]))
    if "estimation_fit" in charts:
        doc.add("img", ("estimation_fit", charts["estimation_fit"]))
    cars = result.cars[["k", "car", "se", "t", "pvalue", "t_simple", "sq_percentile", "sq_pvalue"]]
    doc.add(
        "p",
        "Cumulative abnormal returns (t: exact variance; t_simple: K σ²; SQ: the "
        "CAR's percentile among the sums of K consecutive estimation residuals).",
    )
    doc.add(
        "table",
        _table(
            cars,
            {
                "car": _pct,
                "se": lambda v: _pct(v).lstrip("+"),
                "t": lambda v: f"{v:.2f}",
                "t_simple": lambda v: f"{v:.2f}",
                "pvalue": lambda v: f"{v:.3f}",
                "sq_percentile": lambda v: f"{v:.3f}",
                "sq_pvalue": lambda v: f"{v:.3f}",
            },
        ),
    )
    doc.add("img", ("sq_test", charts["sq_test"]))

    doc.add("h2", "Robustness")
    doc.add("table", _cars_table(specs, collection.windows))
    doc.add("img", ("robustness", charts["robustness"]))

    doc.add("h2", "Trading volume")
    if volume is None:
        doc.add("p", f"No volume study: {volume_problem}")
    else:
        v0 = collection.volume_day0
        if v0 is not None:
            shares = _cell(volume.prices, volume.event_date, "volume")
            doc.add(
                "p",
                f"{shares:,.0f} shares traded on day 0; abnormal log volume "
                f"{v0.car:+.3f} (t = {v0.t:.2f}, p = {v0.pvalue:.3f} with the exact variance; "
                f"SQ p = {v0.sq_pvalue:.3f}), model: {volume.model_name} on "
                f"{volume.market}.",
            )
        vcars = volume.cars[["k", "car", "t", "pvalue", "sq_pvalue"]]
        doc.add(
            "table",
            _table(
                vcars,
                {
                    "car": lambda v: f"{v:+.3f}",
                    "t": lambda v: f"{v:.2f}",
                    "pvalue": lambda v: f"{v:.3f}",
                    "sq_pvalue": lambda v: f"{v:.3f}",
                },
            ),
        )
        doc.add("img", ("volume", charts["volume"]))
        doc.add("img", ("abnormal_volume", charts["abnormal_volume"]))

    doc.add("h2", "Data")
    for item in result.provenance:
        doc.add(
            "p",
            f"{item.get('ticker', '?')}: {item.get('source', '?')}, "
            f"{item.get('first', '?')} to {item.get('last', '?')} "
            f"({item.get('rows', '?')} rows).",
        )
    return doc
