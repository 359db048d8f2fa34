"""The verdict in words: one sentence per figure, the day's header, text and HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from eventstudy.claims.comparison import MATCHING_RULE, FigureCheck, FigureChecks, Side
from eventstudy.claims.evidence import DayPrices, Evidence

_HUNDRED = Decimal(100)


def sentence(checks: FigureChecks, side: Side) -> str:
    """One plain sentence: which references the figure matches and which it does not.

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    >>> import textwrap
    >>> print(textwrap.fill(res.check_claim(price="12.78").sentences[0], 88))
    12.78 CNY matches the intraday high (12.78, +9.98%), which was the 10% limit-up price;
    it does not match the close (12.11, +4.22%).
    """
    rows = checks.rows
    figure = checks.figure
    if rows and rows[0].reference == "exchange rate":
        return f"{figure} is {rows[0].note}"
    by_name = {r.reference: r for r in rows}
    hit = [r for r in rows if r.matches]
    miss = [r for r in rows if r.matches is False]
    unknown = [r for r in rows if r.matches is None]
    extreme, limit = by_name.get(side.extreme_name), by_name.get(side.limit_name)
    at_limit = side.limit is not None and side.extreme == side.limit
    phrases: list[str] = []
    for r in hit:
        if r is limit and at_limit and extreme in hit:
            continue
        phrase = _reference_phrase(r, side)
        if r is extreme and at_limit and limit in hit:
            phrase += f", which was the {side.limit_label} {_unit(r)}"
        phrases.append(phrase)
    reasons = [f"the {r.reference} ({r.note.removeprefix('cannot judge: ')})" for r in unknown]
    missed = [_reference_phrase(r, side) for r in miss]
    if phrases:
        text = f"{figure} matches {_join(phrases, 'and')}"
        if missed:
            text += f"; it does not match {_join(missed, 'or')}"
    elif missed:
        text = f"{figure} matches none of {_join(missed, 'and')}"
    else:
        return f"{figure} cannot be judged against {_join(reasons, 'or')}."
    text += "."
    if limit is not None and limit.note.startswith("equals the"):
        text += f" It {limit.note}."
    if reasons:
        text += f" Cannot judge against {_join(reasons, 'or')}."
    fx = side.evidence.fx
    if checks.kind == "usd_price" and fx is not None:
        text += f" Converted at {fx}."
    return text


def header(evidence: Evidence) -> tuple[str, ...]:
    """The day in words: the date, the prices, the limit rule and the abnormal return."""
    p = evidence.prices
    when = f"{evidence.event_date:%Y-%m-%d}"
    if evidence.day0_reason:
        when += f" (claim dated {evidence.requested_date:%Y-%m-%d}: {evidence.day0_reason})"
    lines = [f"Claim check: {evidence.ticker} on {when}"]
    lines.append(
        f"Prices: previous close {_v(p.preclose)}, open {_v(p.open)}, high {_v(p.high)}, "
        f"low {_v(p.low)}, close {_v(p.close)} ({_pct_text(p.move(p.close))})"
        + (f"; data: {evidence.source}" if evidence.source else "")
    )
    up, down = evidence.limit_up, evidence.limit_down
    limits = f"Price limit: {evidence.rule_note}"
    if up is not None or down is not None:
        limits += f"; limit-up {_v(up)}, limit-down {_v(down)}; {limit_state(p, up, down)}"
    lines.append(limits)
    ar = evidence.abnormal_return
    if ar is None:
        lines.append(f"Abnormal return on day 0: not available ({evidence.abnormal_note})")
    else:
        lines.append(
            f"Abnormal return on day 0: {_pct_text(ar * _HUNDRED)} ({evidence.abnormal_note})"
        )
    return tuple(lines)


def to_text(head: Sequence[str], sentences: Sequence[str], table: pd.DataFrame) -> str:
    """The verdict as plain text: the day, the sentences, the rule, then the table."""
    body = table.drop(columns=["note"]).to_string(index=False, float_format=_short)
    items = [f"- {s}" for s in sentences]
    return "\n".join([*head, "Verdict:", *items, MATCHING_RULE, "", body]) + "\n"


def to_html(head: Sequence[str], sentences: Sequence[str], table: pd.DataFrame) -> str:
    """The verdict as HTML: the day, the sentences as a list, the rule, then the table."""
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in head)
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    grid = table.to_html(index=False, border=0, na_rep="cannot judge")
    return f"{lines}<ul>{items}</ul><p><i>{html.escape(MATCHING_RULE)}</i></p>{grid}"


def limit_state(p: DayPrices, up: Decimal | None, down: Decimal | None) -> str:
    """Whether the day closed at a limit, only touched one, or reached neither."""
    if p.close is not None and up is not None and p.close >= up:
        return "closed at limit-up"
    if p.close is not None and down is not None and p.close <= down:
        return "closed at limit-down"
    touched = []
    if p.high is not None and up is not None and p.high >= up:
        touched.append("touched limit-up but closed below it")
    if p.low is not None and down is not None and p.low <= down:
        touched.append("touched limit-down but closed above it")
    return "; ".join(touched) or "did not reach either limit"


def _reference_phrase(check: FigureCheck, side: Side) -> str:
    """How a reference reads in a sentence, with its observed value."""
    p = side.prices
    name = check.reference
    if check.kind == "pct":
        if name == "close":
            return f"the close-to-close move ({_pct_text(check.observed)})"
        if name == "abnormal return":
            return f"the abnormal return net of the market ({_pct_text(check.observed)})"
        if name.startswith("limit"):
            return f"the {side.limit_label} move"
        return f"the move to the {name} ({_pct_text(check.observed)})"
    if name.startswith("limit"):
        return f"the {side.limit_label} price ({_v(check.observed)})"
    raw = p.close if name == "close" else side.extreme
    amount = f"{check.observed:.2f}" if check.kind == "usd_price" and check.observed else _v(raw)
    if p.preclose is None:
        return f"the {name} ({amount})"
    return f"the {name} ({amount}, {_pct_text(p.move(raw))})"


def _unit(check: FigureCheck) -> str:
    return "move" if check.kind == "pct" else "price"


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _pct_text(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}%"


def _v(value: Decimal | None) -> str:
    """A price for display, with at least two decimals (12.70, not 12.7)."""
    if value is None:
        return "n/a"
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if isinstance(exponent, int) and exponent > -2 else f"{value}"


def _short(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
