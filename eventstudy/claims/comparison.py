"""Comparing claimed figures with the day's evidence: the matching rule.

Each figure is compared with the day's close, its intraday high (the low, for a fall) and
the daily limit price, and a percent also with the abnormal return (the move net of the
market).

Matching rule
-------------
A figure matches a reference when it equals the observed value rounded (half up) to the
figure's own precision: "10%" matches a move of +9.98% (it rounds to 10 at 0 decimals) and
"12.78" a price of 12.78 (at 2 decimals), but "9.9%" does not match +9.98%. A percent that
equals the day's limit (``10`` for a ±10% board) or the move to the limit price (+9.98%
here) matches the limit price: the claim says "limit-up". A limit that matched although
the stock never reached it that day does not match.

A rise is compared with the high and the limit-up price, a fall with the low and the
limit-down price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from eventstudy.claims.evidence import DayPrices, Evidence
from eventstudy.claims.figures import Direction, Figures

MATCHING_RULE = (
    "A figure matches when it equals the observed value rounded to the figure's own "
    "precision; moves are from the previous close."
)

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class FigureCheck:
    """One claimed figure compared with one reference value.

    Attributes
    ----------
    figure : str
        The figure as claimed, e.g. ``"+10%"``, ``"12.78 CNY"``, ``"US$1.98"``.
    kind : {"pct", "price", "usd_price"}
        What the figure is.
    reference : str
        ``"close"``, ``"intraday high"``, ``"intraday low"``, ``"limit-up price"``,
        ``"limit-down price"``, ``"abnormal return"`` (percents only) or
        ``"exchange rate"`` (a USD figure that cannot be converted).
    claimed : Decimal
        The claimed value (a percent in percent points, signed).
    observed : Decimal or None
        The reference in the figure's unit: a move in percent for a percent figure, a
        price for a price; ``None`` when it cannot be known.
    rounded : Decimal or None
        ``observed`` rounded to the claim's precision.
    matches : bool or None
        Whether ``claimed == rounded``; ``None`` means "cannot judge" (see ``note``).
    note : str
        Why a value is missing, or a remark (the limit rule, the exchange rate).
    """

    figure: str
    kind: str
    reference: str
    claimed: Decimal
    observed: Decimal | None
    rounded: Decimal | None
    matches: bool | None
    note: str = ""

    @property
    def difference(self) -> Decimal | None:
        """``claimed − observed`` (``None`` when nothing was observed)."""
        return None if self.observed is None else self.claimed - self.observed


@dataclass(frozen=True)
class FigureChecks:
    """One claimed figure and its comparisons with every reference (a US-dollar figure
    without an exchange rate has one row, reference ``"exchange rate"``, saying why)."""

    figure: str
    kind: str
    rows: tuple[FigureCheck, ...]


def round_like(observed: Decimal, claimed: Decimal) -> Decimal:
    """Round ``observed`` half up to the number of decimals ``claimed`` was written with.

    Examples
    --------
    >>> round_like(Decimal("9.9828"), Decimal("10")), round_like(Decimal("12.78"), Decimal("12.8"))
    (Decimal('10'), Decimal('12.8'))
    """
    exponent = claimed.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return observed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def compare(
    figure: str,
    kind: str,
    reference: str,
    claimed: Decimal,
    observed: Decimal | None,
    note: str = "",
    also: Decimal | None = None,
) -> FigureCheck:
    """Compare ``claimed`` with ``observed`` by the matching rule (``also`` matches too)."""
    if observed is None:
        return FigureCheck(figure, kind, reference, claimed, None, None, None, note)
    rounded = round_like(observed, claimed)
    matches = claimed == rounded or (also is not None and claimed == also)
    return FigureCheck(figure, kind, reference, claimed, observed, rounded, matches, note)


@dataclass(frozen=True)
class Side:
    """The evidence seen from the claim's direction: the high and limit-up for a rise, the
    low and limit-down for a fall."""

    evidence: Evidence
    direction: Direction

    @property
    def prices(self) -> DayPrices:
        """The day's prices."""
        return self.evidence.prices

    @property
    def extreme_name(self) -> str:
        """``"intraday high"`` for a rise, ``"intraday low"`` for a fall."""
        return "intraday high" if self.direction == "up" else "intraday low"

    @property
    def extreme(self) -> Decimal | None:
        """The day's high for a rise, its low for a fall."""
        return self.prices.high if self.direction == "up" else self.prices.low

    @property
    def limit_name(self) -> str:
        """``"limit-up price"`` for a rise, ``"limit-down price"`` for a fall."""
        return "limit-up price" if self.direction == "up" else "limit-down price"

    @property
    def limit(self) -> Decimal | None:
        """The day's limit-up price for a rise, its limit-down price for a fall."""
        return self.evidence.limit_up if self.direction == "up" else self.evidence.limit_down

    @property
    def nominal(self) -> Decimal | None:
        """The limit in percent points, signed (10 for ±10% going up)."""
        rule = self.evidence.rule
        if rule is None:
            return None
        share = rule.up if self.direction == "up" else rule.down
        if share is None:
            return None
        return share * _HUNDRED if self.direction == "up" else -share * _HUNDRED

    @property
    def limit_label(self) -> str:
        """``"10% limit-up"``, or ``"limit-up"`` when the limit is unknown."""
        side = "limit-up" if self.direction == "up" else "limit-down"
        nominal = self.nominal
        return side if nominal is None else f"{abs(nominal).normalize():f}% {side}"

    @property
    def limit_reached(self) -> bool | None:
        """Whether the day's high (low, for a fall) reached the limit price; None if unknown."""
        if self.limit is None or self.extreme is None:
            return None
        return self.extreme >= self.limit if self.direction == "up" else self.extreme <= self.limit

    def unreached(self, row: FigureCheck) -> FigureCheck:
        """A limit row that matched although the stock never reached the limit that day: a
        claim of the limit move is then not a claim the prices bear out."""
        if not row.matches or self.limit_reached is not False:
            return row
        side = "high" if self.direction == "up" else "low"
        unit = "move" if row.kind == "pct" else "price"
        note = (
            f"equals the {self.limit_label} {unit}, which the stock did not reach that "
            f"day (intraday {side} {self.extreme})"
        )
        return replace(row, matches=False, note=note)

    def limit_note(self) -> str:
        """Short note for the limit row: the rule, or why it cannot be judged."""
        rule = self.evidence.rule
        if rule is None:
            return "cannot judge: no price-limit rule for this code"
        if self.nominal is None:
            if rule.board == "none":  # the market's own words (markets.no_limits)
                return f"cannot judge: {rule.note.removeprefix(f'{self.evidence.ticker}: ')}"
            return f"cannot judge: no limit that day ({rule.note})"
        if self.prices.preclose is None:
            return "cannot judge: no previous close in the data"
        return self.evidence.rule_note


def side_of(figures: Figures, evidence: Evidence) -> Side:
    """The side a claim is judged on: its direction, or for a bare price level a rise when
    the level is at or above the previous close."""
    direction = figures.direction
    if direction is None:
        level = figures.price
        base = evidence.prices.preclose
        base = evidence.prices.close if base is None else base
        direction = "down" if level is not None and base is not None and level < base else "up"
    return Side(evidence, direction)


def figure_checks(figures: Figures, side: Side) -> list[FigureChecks]:
    """Every figure of a claim compared with every reference, price first."""
    found: list[FigureChecks] = []
    if figures.price is not None:
        figure = f"{figures.price} {figures.currency}".strip()
        found.append(
            FigureChecks(figure, "price", tuple(_price_checks(figure, "price", figures.price,
                                                              side)))
        )
    if figures.pct is not None:
        figure = f"{figures.pct:+f}%"
        found.append(FigureChecks(figure, "pct", tuple(_pct_checks(figure, figures.pct, side))))
    if figures.usd_price is not None:
        figure = f"US${figures.usd_price}"
        fx = side.evidence.fx
        rows = (
            [compare(figure, "usd_price", "exchange rate", figures.usd_price, None,
                     side.evidence.fx_note)]
            if fx is None
            else _price_checks(
                figure, "usd_price", figures.usd_price, side, fx.rate, f"converted at {fx}"
            )
        )
        found.append(FigureChecks(figure, "usd_price", tuple(rows)))
    return found


def _price_checks(
    figure: str,
    kind: str,
    claimed: Decimal,
    side: Side,
    scale: Decimal = Decimal(1),
    scale_note: str = "",
) -> list[FigureCheck]:
    def scaled(value: Decimal | None) -> Decimal | None:
        return None if value is None else value / scale

    close = side.prices.close
    missing = "cannot judge: no {} in the data"
    limit_note = side.limit_note()
    if scale_note and side.limit is not None:
        limit_note += f"; {scale_note}"
    return [
        compare(
            figure,
            kind,
            "close",
            claimed,
            scaled(close),
            scale_note if close is not None else missing.format("close"),
        ),
        compare(
            figure,
            kind,
            side.extreme_name,
            claimed,
            scaled(side.extreme),
            scale_note if side.extreme is not None else missing.format(side.extreme_name),
        ),
        side.unreached(
            compare(figure, kind, side.limit_name, claimed, scaled(side.limit), limit_note)
        ),
    ]


def _pct_checks(figure: str, claimed: Decimal, side: Side) -> list[FigureCheck]:
    p = side.prices
    base_note = "" if p.preclose is not None else "cannot judge: no previous close in the data"
    nominal = side.nominal
    also = None if nominal is None else round_like(nominal, claimed)
    abnormal = side.evidence.abnormal_return
    return [
        compare(figure, "pct", "close", claimed, p.move(p.close), base_note),
        compare(figure, "pct", side.extreme_name, claimed, p.move(side.extreme), base_note),
        side.unreached(
            compare(
                figure,
                "pct",
                side.limit_name,
                claimed,
                p.move(side.limit),
                side.limit_note(),
                also=also,
            )
        ),
        compare(
            figure,
            "pct",
            "abnormal return",
            claimed,
            None if abnormal is None else abnormal * _HUNDRED,
            side.evidence.abnormal_note
            if abnormal is not None
            else "cannot judge: no abnormal return for day 0",
        ),
    ]
