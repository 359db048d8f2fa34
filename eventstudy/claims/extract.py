"""Price-move claims found in English and Chinese news text.

:func:`extract` reads sentences such as "shares jumped 10% to 12.78 yuan ($1.98)" or
"股价涨停至12.78元" and returns :class:`Claim` objects whose figures keep the precision they
were written with, ready for :meth:`eventstudy.EventStudyResult.check_claim` and
:func:`eventstudy.check_claim`.

Rules
-----
- A **direction word** (rose, soared, jumped, gained, climbed, surged, higher, up, limit-up;
  fell, dropped, declined, slid, slumped, plunged, tumbled, sank, lower, down, limit-down;
  上涨, 大涨, 暴涨, 涨幅, 收涨, 攀升, 飙升, 走高, 涨停; 下跌, 大跌, 暴跌, 跌幅, 收跌, 下挫,
  下滑, 走低, 跌停) starts a claim. 涨停/跌停 and limit-up/limit-down also mark the claim
  as a limit move. "up to" is not a direction ("fines of up to 5%").
- A **percent** ("10%", "10％", "10 percent", "10 per cent", "10 pct") belongs to the claim
  of the nearest direction word before it in the sentence (or the first one after it, for
  "4.22% higher"). A fall is stored negative. A percent without a direction word counts
  only when written with a sign ("-2.5%"), which then gives the direction; an unsigned one
  ("a 10% stake") is not a move.
- A **price** has a currency: prefixed US$, HK$, $, USD, CNY, RMB, HKD or suffixed yuan,
  RMB, CNY, USD, HKD, 元, 人民币, 美元, 港元, 港币. "$" is read as US dollars. A bare number
  counts as a price only right after "to", "reach", 至 or 到 in a claim with a direction
  ("rose by 10% to 12.78"). A price after "from" or 从 is the earlier level and is skipped.
  Amounts ("200 million yuan", "2亿元") are not prices.
- A price in brackets right after another price ("12.78 yuan ($1.98)", "12.11元（约合1.88
  美元）") is a **conversion** of it.
- A second percent or price in the same claim starts a new claim with the same direction
  ("rose 3% on Monday and a further 2% on Tuesday" gives two claims).
- A **number** is digits with an optional decimal point, or groups of three digits separated
  by commas ("1,278.50"). One written with a decimal comma ("12,78") or any other mix of
  commas and points is not read as a figure at all: never as 1278, nor as 12.
- The words before a figure ("from", "to", "(about") are read up to 40 characters back.

The text is read once, in time linear in its length (about 0.1 s for a megabyte of numbers,
0.4 s for a megabyte of news sentences full of claims; ``benchmarks/bench_extract.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from eventstudy.claims.figures import CURRENCIES, Claim, Direction, written_number
from eventstudy.errors import InvalidInputError

#: Direction words: word → (direction, whether it says the move hit the daily limit).
DIRECTION_WORDS: dict[str, tuple[Direction, bool]] = {
    **dict.fromkeys(
        [
            "soared",
            "soars",
            "soar",
            "jumped",
            "jumps",
            "jump",
            "rose",
            "rises",
            "rise",
            "risen",
            "rising",
            "gained",
            "gains",
            "gain",
            "climbed",
            "climbs",
            "surged",
            "surges",
            "rallied",
            "rallies",
            "advanced",
            "leapt",
            "leaped",
            "spiked",
            "skyrocketed",
            "higher",
            "added",
            "up",
            "上涨",
            "上扬",
            "涨",
            "大涨",
            "暴涨",
            "涨幅",
            "收涨",
            "攀升",
            "飙升",
            "走高",
        ],
        ("up", False),
    ),
    **dict.fromkeys(
        [
            "fell",
            "falls",
            "fall",
            "fallen",
            "falling",
            "dropped",
            "drops",
            "drop",
            "declined",
            "declines",
            "slid",
            "slides",
            "slumped",
            "slumps",
            "plunged",
            "plunges",
            "plummeted",
            "tumbled",
            "tumbles",
            "sank",
            "sinks",
            "lost",
            "shed",
            "slipped",
            "slips",
            "eased",
            "eases",
            "retreated",
            "retreats",
            "gave up",
            "lower",
            "down",
            "下跌",
            "回落",
            "下降",
            "跌",
            "大跌",
            "暴跌",
            "跌幅",
            "收跌",
            "下挫",
            "下滑",
            "走低",
        ],
        ("down", False),
    ),
    **dict.fromkeys(["limit-up", "limit up", "涨停"], ("up", True)),
    **dict.fromkeys(["limit-down", "limit down", "跌停"], ("down", True)),
}

#: A run of digits with the dots and commas inside it, taken whole (possessive: never
#: backtracked into); :func:`~eventstudy.claims.figures.written_number` decides whether it is
#: a number.
_NUMBER = r"\d++(?:[.,]\d++)*+"
#: How far back (in characters) the words before a figure are read ("from", "to", "(about").
_LOOK_BACK = 40
#: Currencies written after the number.
_SUFFIXED = r"yuan\b|RMB\b|CNY\b|USD\b|HKD\b|美元|港元|港币|人民币|元"
_LATIN_WORDS = sorted((w for w in DIRECTION_WORDS if w.isascii()), key=len, reverse=True)
_CJK_WORDS = sorted((w for w in DIRECTION_WORDS if not w.isascii()), key=len, reverse=True)

_AMOUNT = r"\s*(?:million|billion|thousand|trillion|万|亿)"

# Each alternative opens with a lookahead on the characters it can start with, so the scanner
# rejects most positions with one character test (this makes it several times faster; the
# matches are the same). Every quantifier either is possessive or scans a run that the
# next token cannot scan again, so a text is read in time linear in its length.
_TOKEN = re.compile(
    rf"""
      (?=[UuHh$CcRr])(?<![A-Za-z])(?P<pre_cur>US\$|HK\$|\$|USD|CNY|RMB|HKD)\s?
        (?P<pre_num>{_NUMBER})(?!\s*(?:bn|mn|m|k)\b|{_AMOUNT})
    | (?=[-+−\d])(?<![A-Za-z\d.,])(?P<sign>[-+−])?(?P<num>{_NUMBER})\s?
        (?:(?P<pct>%|％|percent\b|per\s?cent\b|pct\b)|(?P<post_cur>{_SUFFIXED}))
    | (?=[TtRr至到])(?:(?:\bto|\breach|\breaching)\s+|至\s*|到\s*)(?P<bare>{_NUMBER})
        (?!\s?(?:%|％|percent\b|per\s?cent\b|pct\b|{_SUFFIXED})|{_AMOUNT})
    | \b(?=[{"".join(sorted({w[0] for w in _LATIN_WORDS}))}])
        (?P<latin_word>{"|".join(re.escape(w) for w in _LATIN_WORDS)})\b
    | (?=[{"".join(sorted({w[0] for w in _CJK_WORDS}))}])(?P<cjk_word>{"|".join(_CJK_WORDS)})
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SENTENCE_END = re.compile(r"(?<=[。！？；;])|(?<=[.!?])\s+(?=[A-Z\"“'\u4e00-\u9fff])")
_BEFORE_CONVERSION = re.compile(
    r"[（(]\s*(?:约合|约|合|about|approximately|approx\.|roughly|or)?\s*$", re.IGNORECASE
)
_BEFORE_EARLIER_LEVEL = re.compile(r"(?:\bfrom|从)\s*$", re.IGNORECASE)
_UP_TO = re.compile(r"\s+to\b", re.IGNORECASE)


@dataclass
class _Draft:
    """A claim being assembled while reading a sentence."""

    direction: Direction | None = None
    limit: Direction | None = None
    pct: Decimal | None = None
    signed: bool = False
    price: Decimal | None = None
    currency: str | None = None
    converted: tuple[Decimal, str] | None = None

    def finish(self, quote: str) -> Claim | None:
        direction = self.direction
        pct = self.pct
        if pct is not None and self.signed and direction is None:
            direction = "down" if pct < 0 else "up"
        if pct is not None and direction is None:
            pct = None  # an unsigned percent without a direction word is not a move
        if pct is not None and direction == "down" and not self.signed:
            pct = -pct
        price, currency = self.price, self.currency
        if price is not None and currency is None and direction is None:
            price = None
        if pct is None and price is None and self.limit is None:
            return None
        converted = self.converted if price is not None else None
        return Claim(
            quote=quote,
            direction=direction,
            pct=pct,
            price=price,
            currency=currency,
            converted_price=None if converted is None else converted[0],
            converted_currency=None if converted is None else converted[1],
            limit=self.limit,
        )


def extract(text: str) -> list[Claim]:
    """Find price-move claims in English or Chinese text.

    Parameters
    ----------
    text : str
        One or more sentences.

    Returns
    -------
    list of Claim
        In the order they appear; empty when the text makes no such claim.

    Raises
    ------
    InvalidInputError
        If ``text`` is not a string.

    Notes
    -----
    The rules (direction words, percents, prices, conversions) are in the module docstring.

    Examples
    --------
    >>> (claim,) = extract("Shares jumped 10% to 12.78 yuan ($1.98).")
    >>> claim.direction, claim.pct, claim.price, claim.currency, claim.converted_price
    ('up', Decimal('10'), Decimal('12.78'), 'CNY', Decimal('1.98'))
    >>> [(c.limit, c.price) for c in extract("股价涨停至12.78元。")]
    [('up', Decimal('12.78'))]
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text={text!r} is not text; give a string.")
    claims: list[Claim] = []
    for sentence in _SENTENCE_END.split(text):
        quote = sentence.strip()
        if quote:
            claims.extend(_claims_in(quote))
    return claims


def _claims_in(sentence: str) -> list[Claim]:
    reader = _SentenceReader(sentence)
    for match in _TOKEN.finditer(sentence):
        reader.read(match)
    reader.restart(None)
    return reader.claims


class _SentenceReader:
    """Reads the tokens of one sentence in order and collects its claims."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.claims: list[Claim] = []
        self.draft = _Draft()

    def restart(self, direction: Direction | None) -> None:
        """Finish the current claim and start a new one with ``direction``."""
        claim = self.draft.finish(self.sentence)
        if claim is not None:
            self.claims.append(claim)
        self.draft = _Draft(direction=direction)

    def read(self, match: re.Match[str]) -> None:
        kind = match.lastgroup
        if kind in ("latin_word", "cjk_word"):
            word = match.group().lower()
            if word == "up" and _UP_TO.match(self.sentence, match.end()):
                return  # "up to 5%" is a bound, not a move
            self._direction(*DIRECTION_WORDS[word])
            return
        value = written_number(match.group("num") or match.group("pre_num") or
                               match.group("bare"))
        if value is None:
            return  # not a number as written (a decimal comma): no figure is read from it
        if kind == "pct":
            self._percent(match.group("sign"), value)
        else:
            self._price(match, value)

    def _after(self, pattern: re.Pattern[str], match: re.Match[str]) -> bool:
        """Whether the words right before ``match`` end with ``pattern``."""
        start = match.start()
        return pattern.search(self.sentence, max(0, start - _LOOK_BACK), start) is not None

    def _direction(self, direction: Direction, limit: bool) -> None:
        draft = self.draft
        has_figure = draft.pct is not None or draft.price is not None
        if draft.direction is not None and (has_figure or draft.direction != direction):
            self.restart(direction)
        self.draft.direction = direction
        if limit:
            self.draft.limit = direction

    def _percent(self, sign: str | None, value: Decimal) -> None:
        if self.draft.pct is not None:
            self.restart(self.draft.direction)
        self.draft.pct = value.copy_negate() if sign in ("-", "−") else value
        self.draft.signed = sign is not None

    def _price(self, match: re.Match[str], value: Decimal) -> None:
        if self._after(_BEFORE_EARLIER_LEVEL, match):
            return
        symbol = match.group("pre_cur") or match.group("post_cur")
        currency = None if symbol is None else CURRENCIES[symbol.lower()]
        draft = self.draft
        if (
            currency is not None
            and draft.price is not None
            and draft.converted is None
            and self._after(_BEFORE_CONVERSION, match)
        ):
            draft.converted = (value, currency)
            return
        if draft.price is not None:
            self.restart(draft.direction)
        self.draft.price, self.draft.currency = value, currency
