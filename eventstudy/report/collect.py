"""Everything a report shows, gathered once: the studies it runs and the numbers it prints.

:func:`collect` runs the studies through the public API (:func:`eventstudy.run`,
:meth:`~eventstudy.EventStudyResult.rerun`, :meth:`~eventstudy.EventStudyResult.check_claim`)
and keeps the results; the charts, the Markdown, the HTML and the JSON are rendered from the
:class:`Collection` without computing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eventstudy._typing import windows_inside
from eventstudy._version import __version__
from eventstudy.errors import EventStudyError
from eventstudy.markets import find_market

if TYPE_CHECKING:
    from eventstudy.calendar import DateLike
    from eventstudy.claims import ClaimVerdict
    from eventstudy.results.event import CarResult, EventStudyResult
    from eventstudy.spec import StudySpec

#: Windows of the robustness comparison, where they fit in the event window.
ROBUSTNESS_WINDOWS = ((0, 0), (-1, 1), (0, 5))

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Collection:
    """The results of a report and the numbers taken from them.

    Attributes
    ----------
    result : EventStudyResult
        The main study (market model on the main index).
    specs : dict of str to EventStudyResult
        The robustness specifications, the main study first.
    windows : list of (int, int)
        The CAR windows of the robustness comparison.
    cars : dict of str to dict of (int, int) to CarResult
        Each specification's CAR over each window of ``windows``.
    volume : EventStudyResult or None
        The same event on log volume; None with the reason in ``volume_problem``.
    verdict : ClaimVerdict or None
        The claim check, if a claim was given.
    claimed_price : float or None
        The claimed price as the claim check read it (commas, currency signs and all).
    level : float
        The confidence level of every interval.
    day0, car_window, volume_day0, volume_window : CarResult or None
        The main study's CAR over day 0 and over the CAR window of the report's charts and
        text; the volume study's (None when the window is outside the event window).
    intervals : dict of str to (float, float)
        The confidence intervals of ``day0``, ``car_window``, ``volume_day0`` and
        ``volume_window``, by those names.
    numbers : dict
        Every number of every result, as written to ``report.json``.
    """

    result: EventStudyResult
    specs: dict[str, EventStudyResult]
    windows: list[tuple[int, int]]
    cars: dict[str, dict[tuple[int, int], CarResult]]
    volume: EventStudyResult | None
    volume_problem: str
    verdict: ClaimVerdict | None
    claimed_price: float | None
    level: float
    day0: CarResult | None
    car_window: CarResult | None
    volume_day0: CarResult | None
    volume_window: CarResult | None
    intervals: dict[str, tuple[float, float]]
    numbers: dict[str, Any]


def comparison_market(result: EventStudyResult, compare_market: str | None) -> str | None:
    """The second index of the robustness comparison (the market registry's comparison index
    unless one is given), or None."""
    if compare_market is not None:
        return compare_market if compare_market != result.market else None
    market = find_market(result.ticker)
    other = None if market is None else market.comparison
    return other if other != result.market else None


def collect(
    ticker: str,
    date: DateLike,
    spec: StudySpec,
    *,
    compare_market: str | None = None,
    claim_pct: object = None,
    claim_price: object = None,
    car_window: tuple[int, int] = (-1, 1),
    level: float = 0.95,
    progress: Progress | None = None,
) -> Collection:
    """Run every study of a report and gather its numbers (see :func:`write_report`);
    ``spec`` holds the options of the main study.

    Raises
    ------
    EventStudyError
        Whatever the main study raises. A volume study that cannot be made is recorded in
        ``volume_problem`` instead.
    """
    from eventstudy.api import run

    data = spec.data
    say = progress or (lambda message: None)
    say(f"loading prices of {ticker} and its market index (data={data!r}) and fitting the model")
    result = run(ticker, date, spec=spec)
    specs = {f"market model, {result.market}": result}
    other = comparison_market(result, compare_market)
    if other is not None:
        say(f"loading prices of {other} for the robustness check")
        specs[f"market model, {other}"] = result.rerun(market=other)
    specs[f"market-adjusted, {result.market}"] = result.rerun(
        market=result.market, model="market_adjusted"
    )
    specs["constant mean"] = result.rerun(market=None, model="constant_mean")

    say("volume study")
    volume: EventStudyResult | None = None
    volume_problem = ""
    try:
        volume = result.rerun(market=result.market, measure="volume")
    except EventStudyError as exc:
        volume_problem = str(exc)

    verdict = None
    if claim_pct is not None or claim_price is not None:
        say("checking the claim")
        verdict = result.check_claim(pct=claim_pct, price=claim_price, data=data)
    claimed_price = next(
        (float(c.claimed) for c in (verdict.checks if verdict else ()) if c.kind == "price"),
        None,
    )

    windows = windows_inside(ROBUSTNESS_WINDOWS, result.window) or [result.window]
    studies = {"day0": (result, (0, 0)), "car_window": (result, car_window)}
    if volume is not None:
        studies |= {"volume_day0": (volume, (0, 0)), "volume_window": (volume, car_window)}
    found = {
        name: res.car(*span)
        for name, (res, span) in studies.items()
        if windows_inside([span], res.window)
    }
    intervals = {name: _interval(car, level) for name, car in found.items()}
    numbers = {
        "eventstudy_version": __version__,
        "inputs": {
            "ticker": ticker,
            "date": str(date),
            "market": spec.market,
            "compare_market": other,
            "claim_pct": claim_pct,
            "claim_price": claim_price,
            "data": data if isinstance(data, str) else "user data",
            "estimation": list(spec.estimation),
            "window": list(spec.window),
            "car_window": list(car_window),
            "level": level,
        },
        "event": result.to_dict(),
        "robustness": {label: res.to_dict() for label, res in specs.items()},
        "volume": volume.to_dict() if volume is not None else {"not_studied": volume_problem},
        "claim": verdict.to_dict() if verdict is not None else None,
    }
    return Collection(
        result=result,
        specs=specs,
        windows=windows,
        cars={label: {w: res.car(*w) for w in windows} for label, res in specs.items()},
        volume=volume,
        volume_problem=volume_problem,
        verdict=verdict,
        claimed_price=claimed_price,
        level=level,
        day0=found.get("day0"),
        car_window=found.get("car_window"),
        volume_day0=found.get("volume_day0"),
        volume_window=found.get("volume_window"),
        intervals=intervals,
        numbers=numbers,
    )


def _interval(car: CarResult, level: float) -> tuple[float, float]:
    """``CAR ± t_{1−α/2, df} · se``: the confidence interval of a CAR (exact variance)."""
    lower, upper = car.conf_int(level)
    return float(lower), float(upper)

