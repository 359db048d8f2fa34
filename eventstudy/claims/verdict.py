"""The verdict on a claim: every comparison, in a table and in words."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, TypedDict, get_type_hints

import numpy as np
import pandas as pd

from eventstudy._typing import F, show_keywords
from eventstudy.claims.comparison import FigureCheck, figure_checks, side_of
from eventstudy.claims.evidence import DayPrices, Evidence, gather_evidence
from eventstudy.claims.figures import Claim, Direction, as_claim, stock_figures
from eventstudy.claims.wording import header, sentence, to_html, to_text
from eventstudy.errors import InvalidInputError
from eventstudy.markets import LimitRule
from eventstudy.sources.fx import FxRate

_COLUMNS = [
    "figure",
    "kind",
    "reference",
    "claimed",
    "observed",
    "rounded",
    "difference",
    "matches",
    "note",
]


@dataclass(frozen=True)
class ClaimVerdict:
    """What the prices say about a claim, figure by figure.

    Attributes
    ----------
    ticker : str
        The stock.
    requested_date, event_date : pandas.Timestamp
        The claim's date and the trading day it is judged on (day 0).
    day0_reason : str
        Why the two differ ("2021-09-11 is a Saturday"); empty when they do not.
    prices : DayPrices
        Previous close, open, high, low and close of day 0.
    rule : LimitRule or None
        The daily price-limit rule; ``None`` when it is unknown (see ``rule_note``).
    rule_note : str
        The rule in words, or why it is unknown.
    limit_up, limit_down : Decimal or None
        The day's limit prices.
    abnormal_return : float or None
        Day 0's abnormal return (a fraction), from the event study; ``None`` if unavailable.
    abnormal_note : str
        The model, market and test of the abnormal return, or why it is missing.
    checks : tuple of FigureCheck
        Every comparison made.
    sentences : tuple of str
        One plain sentence per claimed figure.
    source : str
        Where the prices came from.
    header : tuple of str
        The day in words (prices, limit rule, abnormal return), printed before the verdict.
    claim : Claim or None
        The claim judged.
    fx : FxRate or None
        The exchange rate a US-dollar figure was converted at (its date and source).
    """

    ticker: str
    requested_date: pd.Timestamp
    event_date: pd.Timestamp
    day0_reason: str
    prices: DayPrices
    rule: LimitRule | None
    rule_note: str
    limit_up: Decimal | None
    limit_down: Decimal | None
    abnormal_return: float | None
    abnormal_note: str
    checks: tuple[FigureCheck, ...]
    sentences: tuple[str, ...]
    source: str = ""
    header: tuple[str, ...] = field(default=(), repr=False)
    claim: Claim | None = field(default=None, repr=False)
    fx: FxRate | None = None

    def matched(self, kind: str) -> list[str]:
        """The references the figure of ``kind`` (``"pct"``, ``"price"``, ``"usd_price"``) matches.

        Examples
        --------
        >>> import eventstudy
        >>> v = eventstudy.check_claim("000800.SZ", "2021-09-11", pct="10%", price="12.78",
        ...                            data="bundled")
        >>> v.matched("price"), v.matched("pct")
        (['intraday high', 'limit-up price'], ['intraday high', 'limit-up price'])
        """
        return [c.reference for c in self.checks if c.kind == kind and c.matches]

    def to_frame(self) -> pd.DataFrame:
        """Every comparison as a table.

        Returns
        -------
        pandas.DataFrame
            One row per figure and reference; columns ``figure, kind, reference, claimed,
            observed, rounded, difference`` (floats; percents in percent points),
            ``matches`` (nullable boolean: ``<NA>`` is "cannot judge") and ``note``.
        """
        rows = [
            {
                "figure": c.figure,
                "kind": c.kind,
                "reference": c.reference,
                "claimed": float(c.claimed),
                "observed": _float(c.observed),
                "rounded": _float(c.rounded),
                "difference": _float(c.difference),
                "matches": c.matches,
                "note": c.note,
            }
            for c in self.checks
        ]
        frame = pd.DataFrame(rows, columns=_COLUMNS)
        frame["matches"] = frame["matches"].astype("boolean")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The verdict as plain Python values (for JSON): the day's prices and limits, the
        abnormal return, the sentences and every comparison (``matches`` None where it
        cannot be judged).

        Examples
        --------
        >>> import eventstudy
        >>> v = eventstudy.check_claim("000800.SZ", "2021-09-13", price="12.78", data="bundled")
        >>> numbers = v.to_dict()
        >>> numbers["limit_up"], numbers["checks"][1]["reference"], numbers["checks"][1]["matches"]
        (12.78, 'intraday high', True)
        """
        frame = self.to_frame()
        frame["matches"] = frame["matches"].astype(object).where(frame["matches"].notna(), None)
        return {
            "ticker": self.ticker,
            "requested_date": f"{self.requested_date:%Y-%m-%d}",
            "event_date": f"{self.event_date:%Y-%m-%d}",
            "prices": {k: None if v is None else float(v) for k, v in asdict(self.prices).items()},
            "limit_up": None if self.limit_up is None else float(self.limit_up),
            "limit_down": None if self.limit_down is None else float(self.limit_down),
            "rule": self.rule_note,
            "abnormal_return": self.abnormal_return,
            "sentences": list(self.sentences),
            "checks": frame.to_dict(orient="records"),
        }

    def to_text(self) -> str:
        """The verdict as plain text: the day, the sentences, then the table."""
        return to_text(self.header, self.sentences, self.to_frame())

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return to_html(self.header, self.sentences, self.to_frame())


def judge(claim: Claim, evidence: Evidence) -> ClaimVerdict:
    """Judge ``claim`` against ``evidence``, figure by figure.

    Parameters
    ----------
    claim : Claim
        From :func:`eventstudy.claims.extract`, :func:`eventstudy.claims.read_claim` or a
        seed record.
    evidence : Evidence
        Day 0 of the stock (:func:`eventstudy.claims.gather_evidence`).

    Returns
    -------
    ClaimVerdict

    Raises
    ------
    InvalidInputError
        The claim's price is in a currency the stock does not trade in.

    Examples
    --------
    >>> from eventstudy import load_prices
    >>> from eventstudy.claims import gather_evidence, read_claim
    >>> frame = load_prices("000800.SZ", "2021-09-01", "2021-09-30", data="bundled")
    >>> claim = read_claim(price="12.11")
    >>> day = gather_evidence(claim, "000800.SZ", frame, pd.Timestamp("2021-09-13"))
    >>> judge(claim, day).matched("price")
    ['close']
    """
    figures = stock_figures(claim, evidence.ticker)
    side = side_of(figures, evidence)
    found = figure_checks(figures, side)
    ar = evidence.abnormal_return
    return ClaimVerdict(
        ticker=evidence.ticker,
        requested_date=evidence.requested_date,
        event_date=evidence.event_date,
        day0_reason=evidence.day0_reason,
        prices=evidence.prices,
        rule=evidence.rule,
        rule_note=evidence.rule_note,
        limit_up=evidence.limit_up,
        limit_down=evidence.limit_down,
        abnormal_return=None if ar is None else float(ar),
        abnormal_note=evidence.abnormal_note,
        checks=tuple(row for checks in found for row in checks.rows),
        sentences=tuple(sentence(checks, side) for checks in found),
        source=evidence.source,
        header=header(evidence),
        claim=claim,
        fx=evidence.fx,
    )


def _float(value: Decimal | None) -> float:
    return np.nan if value is None else float(value)


class ClaimOptions(TypedDict, total=False):
    """The options of a claim check (:func:`eventstudy.check_claim`,
    :meth:`eventstudy.EventStudyResult.check_claim`), besides the claim itself.

    Attributes
    ----------
    pct, price, direction, currency, usd_price : optional
        The claimed figures, when no :class:`Claim` is given, as in
        :func:`eventstudy.claims.read_claim`: ``pct="10%"``, ``price="12.78"``.
    fx_rate : str, Decimal or float, optional
        Units of the stock's currency per US dollar (CNY per USD for an A share), to judge a
        US-dollar figure. By default the rate is looked up
        (:func:`eventstudy.sources.fx.usd_rate`); when none is found the figure is reported
        as not checkable, never guessed.
    data : str, path or DataFrame, default "auto"
        Where prices, and that rate, come from, as in :func:`eventstudy.run`.
    st : bool, optional
        The stock was under risk warning (ST / *ST) that day (±5% on the main board); by
        default the security master says (:func:`eventstudy.limits.limit_rule`).
    days_listed : int, optional
        The day's number among the stock's trading days since its listing, for the
        first-days rules; by default from the security master's listing day.
    """

    pct: object
    price: object
    direction: Direction | None
    currency: str | None
    usd_price: object
    fx_rate: object
    data: Any
    st: bool | None
    days_listed: int | None


#: The options that are the claim's figures (:func:`eventstudy.claims.read_claim`).
_FIGURES = ("pct", "price", "direction", "currency", "usd_price")


def takes_claim_options(func: F) -> F:
    """Show the :class:`ClaimOptions` as keyword parameters of ``func`` (which takes them as
    ``**options``): ``data`` defaults to "auto", the others to None."""
    return show_keywords(
        func,
        (
            (name, kind, "auto" if name == "data" else None)
            for name, kind in get_type_hints(ClaimOptions).items()
        ),
    )


def check_day(
    claim: Claim | None,
    options: ClaimOptions,
    ticker: str,
    prices: pd.DataFrame,
    event_date: pd.Timestamp,
    *,
    requested_date: pd.Timestamp | None = None,
    day0_reason: str = "",
    abnormal_return: float | None = None,
    abnormal_note: str = "the event study could not be run",
) -> ClaimVerdict:
    """Judge ``claim`` (or the figures among ``options``) against ``ticker``'s day 0.

    What both claim checks do once they know day 0 and its abnormal return: read the claim,
    gather the day's evidence (:func:`eventstudy.claims.gather_evidence`, which the other
    parameters go to) and :func:`judge` it.

    Raises
    ------
    InvalidInputError
        An option that is not one of :class:`ClaimOptions` (the message lists them), or as
        :func:`eventstudy.claims.read_claim` and :func:`judge`.
    """
    unknown = sorted(set(options) - set(ClaimOptions.__annotations__))
    if unknown:
        raise InvalidInputError(
            f"check_claim has no option {', '.join(unknown)}; its options are claim, "
            f"{', '.join(ClaimOptions.__annotations__)}."
        )
    chosen = as_claim(claim, **{name: options.get(name) for name in _FIGURES})
    evidence = gather_evidence(
        chosen,
        ticker,
        prices,
        event_date,
        requested_date=requested_date,
        day0_reason=day0_reason,
        abnormal_return=abnormal_return,
        abnormal_note=abnormal_note,
        fx_rate=options.get("fx_rate"),
        data=options.get("data", "auto"),
        st=options.get("st"),
        days_listed=options.get("days_listed"),
    )
    return judge(chosen, evidence)
