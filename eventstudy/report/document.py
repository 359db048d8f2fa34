"""The report as a list of blocks (headings, paragraphs, lists, tables, charts).

:func:`build` words the collected numbers, each written by :mod:`eventstudy.format` from the
result that holds it; the renderers in :mod:`eventstudy.report.render` turn the blocks into
Markdown and HTML. :func:`key_numbers` lists the headline statistics with their text, for
``report.json``: each is written the same way wherever it appears.

One test per question: a day or a window of days is tested with the exact variance of its
prediction errors (MacKinlay 1997, eq. 16; for one day the prediction-error t of Patell
1976). The simple t with the variance K σ² is shown only in the CAR table, labelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy import format as fmt
from eventstudy.claims.wording import limit_state
from eventstudy.plots import company_of, source_line

if TYPE_CHECKING:
    from eventstudy.claims import ClaimVerdict
    from eventstudy.report.collect import Collection
    from eventstudy.results.event import CarResult, EventStudyResult

#: Why the CAR window of the report is [−1, +1] unless the user chooses another.
WINDOW_REASON = (
    "The window [-1, +1] holds the news day and one trading day on each side: the day before "
    "catches news that leaked or came out before day 0's open, the day after a reaction that "
    "came after the close or took two sessions. A wider window adds the variance of every "
    "extra day and any drift unrelated to the news."
)

#: How the report tests a day or a window, said once.
TEST_NOTE = (
    "Every t and p-value of a day or of a window of days uses the exact variance of the "
    "prediction errors (MacKinlay 1997, eq. 16; for one day, the prediction-error t of Patell "
    "1976), with {df} degrees of freedom; the CAR table also shows the simple t with the "
    "variance K σ², labelled. The SQ test (Gelbach, Helland & Klick 2013) counts the "
    "estimation-period days (or sums of K days) at least as large and assumes no normal "
    "distribution; with n of them its p-value cannot go below 2/n."
)


@dataclass
class Document:
    """Blocks of a report, in order: ("h2" | "p" | "ul" | "table" | "img", content)."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, kind: str, content: Any) -> None:
        """Append a block: ``kind`` is "h2", "p", "ul", "table" or "img"."""
        self.blocks.append((kind, content))


def _ci(bounds: tuple[float, float], level: float) -> str:
    return f"{level:.0%} CI {fmt.percent(bounds[0])} to {fmt.percent(bounds[1])}"


def _ci_times(bounds: tuple[float, float], level: float) -> str:
    """The interval of a log-volume difference, as multiples: "95% CI 1.6 to 13.2 times"."""
    return f"{level:.0%} CI {np.exp(bounds[0]):.1f} to {_times(bounds[1])}"


def _times(log_value: float) -> str:
    """A log-volume difference as a multiple of the normal volume."""
    return fmt.multiple(float(np.exp(log_value)))


def _sq(car: CarResult) -> str:
    """``"p = 0.042"`` or ``"p < 0.009"``: the SQ test's two-sided p-value."""
    return fmt.p_is(car.sq_pvalue, floor=car.sq_floor)


def _count_as_large(car: CarResult) -> str:
    """``"5 of 240"``: estimation periods at least as large as the CAR."""
    sq = car.sq
    return f"{sq.n_ge if car.car >= 0 else sq.n_le} of {fmt.count(sq.n_sums)}"


def key_numbers(collection: Collection) -> dict[str, dict[str, Any]]:
    """The headline statistics: each one's value and its text as every output writes it."""
    out: dict[str, dict[str, Any]] = {}

    def add(name: str, value: Any, text: str) -> None:
        out[name] = {"value": value, "text": text}

    day0, window = collection.day0, collection.car_window
    if day0 is not None:
        add("day0_abnormal_return", day0.car, fmt.percent(day0.car))
        add("day0_t", day0.t, fmt.tstat(day0.t))
        add("day0_p", day0.pvalue, fmt.pvalue(day0.pvalue))
        add("day0_sq_p", day0.sq_pvalue, _sq(day0))
    if window is not None:
        add("window_car", window.car, fmt.percent(window.car))
        add("window_t", window.t, fmt.tstat(window.t))
        add("window_p", window.pvalue, fmt.pvalue(window.pvalue))
    v0 = collection.volume_day0
    if v0 is not None:
        add("volume_day0_multiple", float(np.exp(v0.car)), _times(v0.car))
        add("volume_day0_t", v0.t, fmt.tstat(v0.t))
        add("volume_day0_p", v0.pvalue, fmt.pvalue(v0.pvalue))
        add("volume_day0_sq_p", v0.sq_pvalue, _sq(v0))
    for label, cars in collection.cars.items():
        if (0, 0) in cars:
            car = cars[(0, 0)]
            add(f"day0_p ({label})", car.pvalue, fmt.pvalue(car.pvalue))
    return out


def build(collection: Collection, charts: Mapping[str, Any]) -> Document:
    """The report's blocks, from the collected results and the captions of the charts drawn."""
    result = collection.result
    name = company_of(result.ticker)
    doc = Document(f"{name}: the shares around {result.event_date:%A %d %B %Y}")
    when = f"Day 0 is {result.event_date:%A %d %B %Y}"
    if result.day0_reason:
        when += f" (news date {result.requested_date:%Y-%m-%d}: {result.day0_reason})"
    doc.add("p", f"{when}. Market index {result.market}.")
    doc.add("h2", "In brief")
    doc.add("ul", _brief(collection))

    doc.add("h2", "Prices around the event")
    doc.add("img", ("prices", charts["prices"].caption))
    doc.add("table", _day_table(result))
    if collection.verdict is not None:
        doc.add("h2", "The claim")
        for sentence in collection.verdict.sentences:
            doc.add("p", sentence)
        doc.add("table", _claim_table(collection.verdict))

    doc.add("h2", "Abnormal returns")
    doc.add("img", ("abnormal_returns", charts["abnormal_returns"].caption))
    window = collection.car_window
    if window is not None and (window.start, window.end) == (-1, 1):
        doc.add("p", WINDOW_REASON)
    elif window is not None:
        doc.add(
            "p",
            f"The CAR window {fmt.window(window.start, window.end)} was chosen for this "
            "report; the default is [-1, +1].",
        )
    doc.add("table", _daily_table(result))
    doc.add("img", ("sq_test", charts["sq_test"].caption))
    doc.add("table", _cars_table(result))
    if "estimation_fit" in charts:
        doc.add("img", ("estimation_fit", charts["estimation_fit"].caption))
    doc.add("table", _params_table(result))

    doc.add("h2", "Robustness")
    doc.add(
        "p",
        "The same event against another index and with other models. Each cell: the CAR, "
        "its t and p-value.",
    )
    doc.add("table", _robustness_table(collection))
    doc.add("img", ("robustness", charts["robustness"].caption))

    doc.add("h2", "Trading volume")
    volume = collection.volume
    if volume is None:
        doc.add("p", f"No volume study: {collection.volume_problem}")
    else:
        doc.add("img", ("volume", charts["volume"].caption))
        doc.add("img", ("abnormal_volume", charts["abnormal_volume"].caption))
        doc.add(
            "p",
            "Volume is studied on the log of shares traded, v = ln(1 + V) (Ajinkya & Jain "
            f"1989; Campbell & Wasley 1996): the {volume.model_name} model of the stock's log "
            f"volume on the log volume of {volume.market} gives each day's normal volume, and "
            "exp(AV), AV the abnormal log volume, is a day's volume as a multiple of it.",
        )
        doc.add("table", _volume_table(volume))

    doc.add("h2", "Method and data")
    doc.add("p", TEST_NOTE.format(df=fmt.count(result.df_resid)))
    doc.add(
        "p",
        f"Market model (OLS, MacKinlay 1997) fitted on {fmt.count(result.nobs)} trading days, "
        f"{result.estimation_start:%d %B %Y} to {result.estimation_end:%d %B %Y} (days "
        f"{fmt.signed_day(result.estimation[0])} to {fmt.signed_day(result.estimation[1])}); "
        f"event window {fmt.window(*result.window)}.",
    )
    doc.add("p", source_line(result, model=False))
    for item in result.provenance:
        doc.add(
            "p",
            f"{item.get('ticker', '?')}: {item.get('detail') or item.get('source', '?')}, "
            f"{item.get('first', '?')} to {item.get('last', '?')} "
            f"({fmt.count(item['rows']) if 'rows' in item else '?'} rows).",
        )
    return doc


def _brief(collection: Collection) -> list[str]:
    """The findings in a few sentences, each with its numbers."""
    result, level = collection.result, collection.level
    name = company_of(result.ticker)
    row = result.prices.loc[result.event_date, ["low", "high", "close", "preclose"]].to_dict()
    verdict = collection.verdict
    prices = (
        f"On {result.event_date:%d %B %Y} {name} closed at {fmt.price(row['close'])}, "
        f"{fmt.percent(row['close'] / row['preclose'] - 1.0)} from the previous close "
        f"{fmt.price(row['preclose'])}, after trading between {fmt.price(row['low'])} and "
        f"{fmt.price(row['high'])}"
    )
    if verdict is not None and verdict.limit_up is not None:
        prices += (
            f"; the day's limits were {verdict.limit_up} (up) and {verdict.limit_down} "
            f"(down): {limit_state(verdict.prices, verdict.limit_up, verdict.limit_down)}"
        )
    lines = [prices + "."]
    day0 = collection.day0
    if day0 is not None:
        market = float(result.abnormal["market_ret"].loc[0])
        lines.append(
            f"Net of the market ({result.market} {fmt.percent(market)}), the abnormal return "
            f"on day 0 was {fmt.percent(day0.car)} "
            f"({_ci(collection.intervals['day0'], level)}; {fmt.test(day0.t, day0.pvalue)}), "
            f"{fmt.significance(day0.pvalue)}. {_count_as_large(day0)} estimation days had "
            f"an abnormal return at least as large (SQ test, {_sq(day0)})."
        )
    window = collection.car_window
    if window is not None:
        lines.append(
            f"Over {fmt.window(window.start, window.end)} the CAR was {fmt.percent(window.car)} "
            f"({_ci(collection.intervals['car_window'], level)}; "
            f"{fmt.test(window.t, window.pvalue)}), {fmt.significance(window.pvalue)}."
        )
    v0, volume = collection.volume_day0, collection.volume
    if v0 is not None and volume is not None:
        shares = float(volume.prices["volume"].loc[volume.event_date])
        lines.append(
            f"{fmt.count(shares)} shares traded on day 0, {_times(v0.car)} the normal volume "
            f"({_ci_times(collection.intervals['volume_day0'], level)}; "
            f"{fmt.test(v0.t, v0.pvalue)}); {_count_as_large(v0)} estimation days traded as "
            f"much (SQ test, {_sq(v0)})."
        )
    day0_cars = {label: cars[(0, 0)] for label, cars in collection.cars.items() if (0, 0) in cars}
    if len(day0_cars) > 1:
        lines.append(
            "Day 0 across specifications: "
            + "; ".join(
                f"{label} {fmt.percent(car.car)} ({fmt.p_is(car.pvalue)})"
                for label, car in day0_cars.items()
            )
            + "."
        )
    if verdict is not None:
        lines.extend(verdict.sentences)
    return lines


def _day_table(result: EventStudyResult) -> pd.DataFrame:
    """The two trading days either side of day 0: prices, volume, return."""
    table = result.abnormal
    prices = result.prices
    position = int(prices.index.searchsorted(result.event_date))
    rows = prices.iloc[max(position - 2, 0) : position + 3]
    frame = rows[["open", "high", "low", "close", "preclose", "volume"]].copy()
    days = {d: r for r, d in zip(table.index, table["date"], strict=True)}
    frame.insert(0, "day", [days.get(d) for d in rows.index])
    frame["return"] = rows["close"] / rows["preclose"] - 1.0
    frame.index = pd.Index([f"{d:%a %d %b %Y}" for d in rows.index], name="date")
    prices_cols = dict.fromkeys(("open", "high", "low", "close", "preclose"), fmt.price)
    return fmt.table(
        frame,
        {
            "day": lambda v: fmt.MISSING if v is None else fmt.signed_day(int(v)),
            **prices_cols,
            "volume": fmt.count,
            "return": fmt.percent,
        },
        names={"preclose": "previous close", "volume": "shares traded"},
    )


def _claim_table(verdict: ClaimVerdict) -> pd.DataFrame:
    claims = verdict.to_frame().drop(columns=["note"]).set_index("figure")
    return fmt.table(
        claims,
        {
            "claimed": lambda v: f"{v:g}",
            "observed": lambda v: fmt.number(float(v), 2),
            "rounded": lambda v: fmt.number(float(v), 2),
            "difference": lambda v: fmt.number(float(v), 2),
            "matches": lambda v: "cannot judge" if v is pd.NA else ("yes" if v else "no"),
        },
    )


def _daily_table(result: EventStudyResult) -> pd.DataFrame:
    """Each day of the event window: return, market, expected, AR and its test."""
    daily = result.abnormal[["date", "ret", "market_ret", "expected", "ar", "sar", "sar_pvalue"]]
    daily = daily.set_axis([fmt.signed_day(int(d)) for d in daily.index], axis=0)
    return fmt.table(
        daily,
        {
            "date": lambda v: f"{v:%a %d %b %Y}",
            **dict.fromkeys(("ret", "market_ret", "expected", "ar"), fmt.percent),
            "sar": fmt.tstat,
            "sar_pvalue": fmt.pvalue,
        },
        names={
            "ret": "return",
            "market_ret": "market",
            "expected": "expected",
            "ar": "abnormal return",
            "sar": "t",
            "sar_pvalue": "p",
        },
    ).rename_axis("day")


def _cars_table(result: EventStudyResult) -> pd.DataFrame:
    rows = [result.car(*w) for w in result.car_windows]
    frame = pd.DataFrame(
        {
            "days": [c.k for c in rows],
            "CAR": [fmt.percent(c.car) for c in rows],
            "se": [fmt.percent(c.se, sign=False) for c in rows],
            "t": [fmt.tstat(c.t) for c in rows],
            "p": [fmt.pvalue(c.pvalue) for c in rows],
            "t (K σ², simple)": [fmt.tstat(c.t_simple) for c in rows],
            "SQ: as large": [_count_as_large(c) for c in rows],
            "SQ p": [fmt.pvalue(c.sq_pvalue, floor=c.sq_floor) for c in rows],
        },
        index=pd.Index([fmt.window(c.start, c.end) for c in rows], name="window"),
    )
    frame["days"] = frame["days"].map(fmt.count)
    return frame


def _params_table(result: EventStudyResult) -> pd.DataFrame:
    p = result.params
    rows = {
        "α (daily)": fmt.percent(p["alpha"], 3),
        "β": fmt.number(p["beta"], 3),
        "σ (daily)": fmt.percent(result.sigma, sign=False),
        "R²": fmt.number(result.rsquared, 3),
        "estimation days": fmt.count(result.nobs),
        "degrees of freedom": fmt.count(result.df_resid),
    }
    return pd.DataFrame(
        {"estimate": list(rows.values())}, index=pd.Index(list(rows), name="market model")
    )


def _robustness_table(collection: Collection) -> pd.DataFrame:
    rows = {
        label: {
            f"CAR {fmt.window(*w)}": f"{fmt.percent(car.car)} ({fmt.test(car.t, car.pvalue)})"
            for w, car in cars.items()
        }
        for label, cars in collection.cars.items()
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "specification"
    return frame


def _volume_table(volume: EventStudyResult) -> pd.DataFrame:
    rows = [volume.car(*w) for w in volume.car_windows]
    return pd.DataFrame(
        {
            "days": [fmt.count(c.k) for c in rows],
            "volume, times normal (average)": [_times(c.car / c.k) for c in rows],
            "abnormal log volume (sum)": [fmt.number(c.car, 3) for c in rows],
            "t": [fmt.tstat(c.t) for c in rows],
            "p": [fmt.pvalue(c.pvalue) for c in rows],
            "SQ p": [fmt.pvalue(c.sq_pvalue, floor=c.sq_floor) for c in rows],
        },
        index=pd.Index([fmt.window(c.start, c.end) for c in rows], name="window"),
    )
