"""Claims found in English and Chinese sentences.

The sentences are made up for these tests. Each expected claim is written as
``(direction, pct, price, currency, converted_price, converted_currency, limit)`` with the
numbers as the strings they were written as, so precision is checked too.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from eventstudy.claims import extract
from eventstudy.errors import InvalidInputError

Row = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]

CASES: list[tuple[str, list[Row]]] = [
    # --- wordings added after review: short Chinese verbs, more English verbs, amounts ---
    ("股价涨5%。", [("up", "5", None, None, None, None, None)]),
    ("该股跌3%。", [("down", "-3", None, None, None, None, None)]),
    ("午后股价回落2%。", [("down", "-2", None, None, None, None, None)]),
    ("The stock slipped 2% in late trade.", [("down", "-2", None, None, None, None, None)]),
    ("The stock gave up 5% by the close.", [("down", "-5", None, None, None, None, None)]),
    ("Shares added 3% on Friday.", [("up", "3", None, None, None, None, None)]),
    ("The company raised HK$1.2 billion in the offering.", []),
    ("It raised $1.2bn from investors.", []),
    # --- English ---
    ("Shares of Acme Motors soared 10% to 12.78 yuan on Monday.",
     [("up", "10", "12.78", "CNY", None, None, None)]),
    ("The stock jumped by 10% to reach 12.78 yuan ($1.98) in early trade.",
     [("up", "10", "12.78", "CNY", "1.98", "USD", None)]),
    ("Its shares rose 10 percent after the report.",
     [("up", "10", None, None, None, None, None)]),
    ("The carmaker's shares fell 3.5% to 20.10 yuan.",
     [("down", "-3.5", "20.10", "CNY", None, None, None)]),
    ("Shares plunged 9.99 per cent to HK$30.45.",
     [("down", "-9.99", "30.45", "HKD", None, None, None)]),
    ("The stock closed at RMB 12.11, up 4.22%.",
     [("up", "4.22", "12.11", "CNY", None, None, None)]),
    ("Shares were -2.5% at midday.",
     [("down", "-2.5", None, None, None, None, None)]),
    ("Alpha rose 5% while Beta fell 3%.",
     [("up", "5", None, None, None, None, None),
      ("down", "-3", None, None, None, None, None)]),
    ("The index gained 1.2%, but the company's shares slumped 7% to CNY 8.40.",
     [("up", "1.2", None, None, None, None, None),
      ("down", "-7", "8.40", "CNY", None, None, None)]),
    ("The firm has a registered capital of 200 million yuan.", []),
    ("Xyz holds a 10% stake in the venture.", []),
    ("The shares hit limit-up at 12.06 yuan.",
     [("up", None, "12.06", "CNY", None, None, "up")]),
    ("Shares dropped to US$4.50 from US$5.00.",
     [("down", None, "4.50", "USD", None, None, None)]),
    ("The stock climbed 0.5% to $150.25.",
     [("up", "0.5", "150.25", "USD", None, None, None)]),
    ("Nothing happened to the share price today.", []),
    ("Shares tumbled 20 percent to 8 yuan per share.",
     [("down", "-20", "8", "CNY", None, None, None)]),
    ("Shares rose by 10% to 12.78.",
     [("up", "10", "12.78", None, None, None, None)]),
    ("Shares rose 10% to 12.78 yuan (US$1.98) and then fell back to 12.11 yuan.",
     [("up", "10", "12.78", "CNY", "1.98", "USD", None),
      ("down", None, "12.11", "CNY", None, None, None)]),
    ("The stock rose 3% on Monday and a further 2% on Tuesday.",
     [("up", "3", None, None, None, None, None),
      ("up", "2", None, None, None, None, None)]),
    ("Shares closed 4.22% higher at 12.11 yuan.",
     [("up", "4.22", "12.11", "CNY", None, None, None)]),
    ("Shares of Beta Holdings declined 1.25% to 15.80 RMB.",
     [("down", "-1.25", "15.80", "CNY", None, None, None)]),
    ("The shares rose 10％ today.",
     [("up", "10", None, None, None, None, None)]),
    ("Fines of up to 5% of revenue were proposed.", []),
    ("Shares changed -1.5% to 9.85 yuan.",
     [("down", "-1.5", "9.85", "CNY", None, None, None)]),
    # --- Chinese ---
    ("某汽车公司股价涨停至12.78元。",
     [("up", None, "12.78", "CNY", None, None, "up")]),
    ("该股今日大涨10%，收于12.11元。",
     [("up", "10", "12.11", "CNY", None, None, None)]),
    ("股价下跌5.5%。",
     [("down", "-5.5", None, None, None, None, None)]),
    ("公司股价跌停，报10.46元。",
     [("down", None, "10.46", "CNY", None, None, "down")]),
    ("该股上涨4.22%，报12.11元（约合1.88美元）。",
     [("up", "4.22", "12.11", "CNY", "1.88", "USD", None)]),
    ("甲公司上涨3%，乙公司下跌2%。",
     [("up", "3", None, None, None, None, None),
      ("down", "-2", None, None, None, None, None)]),
    ("公司注册资本为2亿元。", []),
    ("股价暴跌9.8%至6.20元。",
     [("down", "-9.8", "6.20", "CNY", None, None, None)]),
    ("该股涨幅达7.5%。",
     [("up", "7.5", None, None, None, None, None)]),
    ("某公司港股股价上涨2%至30.5港元。",
     [("up", "2", "30.5", "HKD", None, None, None)]),
    ("股价涨停至12.78。",
     [("up", None, "12.78", None, None, None, "up")]),
]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=range(len(CASES)))
def test_extract_table(sentence: str, expected: list[Row]) -> None:
    found = [
        (c.direction, _text(c.pct), _text(c.price), c.currency, _text(c.converted_price),
         c.converted_currency, c.limit)
        for c in extract(sentence)
    ]
    assert found == expected


def test_table_is_large_and_bilingual() -> None:
    chinese = [s for s, _ in CASES if any("\u4e00" <= ch <= "\u9fff" for ch in s)]
    assert len(CASES) >= 25
    assert len(chinese) >= 10


def test_claims_keep_their_sentence_and_split_sentences() -> None:
    claims = extract("Shares rose 2% on Monday. 股价下跌1.5%。")
    assert [c.quote for c in claims] == ["Shares rose 2% on Monday.", "股价下跌1.5%。"]


def test_claim_to_kwargs_feeds_check_claim() -> None:
    (claim,) = extract("The stock jumped by 10% to reach 12.78 yuan ($1.98) in early trade.")
    assert claim.to_kwargs() == {
        "pct": Decimal("10"), "direction": "up", "price": Decimal("12.78"), "currency": "CNY",
        "usd_price": Decimal("1.98"),
    }


def test_extract_rejects_non_text() -> None:
    with pytest.raises(InvalidInputError, match="text"):
        extract(12.78)  # type: ignore[arg-type]
