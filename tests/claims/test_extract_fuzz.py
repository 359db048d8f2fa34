"""The claim extractor on generated text: only the package's own errors, figures read as
written, and time that grows linearly with the text."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventstudy.claims import extract, read_claim
from eventstudy.claims.figures import written_number
from eventstudy.errors import EventStudyError, InvalidInputError

#: Pieces of news text, numbers and punctuation the extractor reacts to.
FRAGMENTS = [
    "Shares", " rose", " fell", " soared", " up", " up to", " down", " limit-up", " 涨停",
    "股价", "上涨", "下跌", "跌停", " to", " reach", " from", "至", "到", "从", " by",
    " 10", " 12.78", " 12,78", " 1,278.50", " 1,2,3", " 4.22", "-", "+", "−", " 3,5",
    "%", "％", " percent", " per cent", " pct", " yuan", " RMB", "元", "美元", " million",
    "亿", "万", " $", "US$", "HK$", " USD", " CNY", " (", "(", "（约合", ")", "）", " about",
    ".", ". ", "。", "，", ",", ";", "!", "?", " ", "  ", "\n", "\t", "0", "7", "A", "z",
]
fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
texts = st.one_of(st.text(max_size=300), fragments)


def _written_numbers(text: str) -> set[Decimal]:
    """Every number the text writes as one (``12,78`` is not one)."""
    found = (written_number(t) for t in re.findall(r"\d+(?:[.,]\d+)*", text))
    return {n for n in found if n is not None}


@given(texts)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_claims_with_figures_as_written(text: str) -> None:
    claims = extract(text)
    written = _written_numbers(text)
    for claim in claims:
        assert claim.quote and claim.quote in text
        for figure in (claim.pct, claim.price, claim.converted_price):
            assert figure is None or abs(figure) in written


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text())))
def test_anything_but_text_is_a_clear_error(value: object) -> None:
    with pytest.raises(InvalidInputError, match="not text"):
        extract(value)  # type: ignore[arg-type]


@given(st.one_of(st.text(max_size=20), fragments), st.one_of(st.text(max_size=20), fragments))
def test_figures_given_as_text_are_read_or_refused(pct: str, price: str) -> None:
    try:
        claim = read_claim(pct=pct, price=price)
    except EventStudyError:
        return
    assert claim.pct is not None and claim.pct.is_finite()
    assert claim.price is not None and claim.price > 0


def _best_time(work: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _grown(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_time_grows_linearly_with_the_text(piece: str) -> None:
    # A piece of text repeated to n and to 4n characters: a linear extractor takes about 4
    # times as long on the longer text, a quadratic one about 16 times. The bound of 10 is
    # generous either way; the times are processor times, the best of five runs.
    size = 40_000
    short, long = _grown(piece, size), _grown(piece, 4 * size)
    ratio = _best_time(lambda: extract(long)) / max(_best_time(lambda: extract(short)), 1e-4)
    assert ratio < 10, f"4x the text took {ratio:.1f}x the time ({piece!r})"


@pytest.mark.parametrize(
    "text",
    [
        "Shares rose 10% to 12,78 yuan.",  # decimal comma: not a price
        "股价涨停至12,78元。",
        "Shares rose 3,5% on Monday.",
    ],
)
def test_a_decimal_comma_is_never_read_as_thousands(text: str) -> None:
    for claim in extract(text):
        assert claim.price not in (Decimal("1278"), Decimal("12"))
        assert claim.pct not in (Decimal("35"), Decimal("3"), Decimal("5"))


def test_thousands_separators_still_work() -> None:
    index, shares = extract("The index fell 0.45% to 14,705.83; shares rose to 1,278.50 yuan.")
    assert (index.price, shares.price) == (Decimal("14705.83"), Decimal("1278.50"))
