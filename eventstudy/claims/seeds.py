"""Seed records: a news article and its price claims, written down as TOML.

A seed record is a small TOML file (format described in ``seeds/README.md``) holding an
article's headline, publisher, news date and, for each claim, the ticker, a short quotation
and the claimed figures as numbers. :func:`load_seed` reads and validates one;
:func:`eventstudy.check_seed` checks every claim against the prices (what ``eventstudy check``
runs).

Example record::

    format = 1

    [article]
    headline = "Carmaker shares jump after partnership talks"
    publisher = "unknown"
    news_date = 2021-09-11

    [[claims]]
    ticker = "000800.SZ"
    quote = "jumped 10% to 12.78 yuan"
    direction = "up"
    pct = "10"
    price = "12.78"
    currency = "CNY"

Figures are best written as strings so they keep their precision ("10", "12.78"); TOML
numbers are accepted and read as :func:`eventstudy.claims.read_claim` reads numbers. Each
claim's figures become a :class:`~eventstudy.claims.Claim`, the type
:func:`eventstudy.claims.extract` returns.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from eventstudy.claims.figures import Claim, read_claim
from eventstudy.claims.verdict import ClaimVerdict
from eventstudy.errors import DataFormatError, InvalidInputError

FORMAT_VERSION = 1

_ARTICLE_FIELDS = {"headline", "publisher", "news_date", "language", "url", "note"}
_CLAIM_FIELDS = {
    "ticker",
    "company",
    "date",
    "quote",
    "direction",
    "pct",
    "price",
    "currency",
    "usd_price",
    "market",
    "st",
    "note",
}
_TOP_FIELDS = {"format", "article", "claims"}
_FIGURES = ("pct", "price", "usd_price")


@dataclass(frozen=True)
class SeedArticle:
    """The article a seed record describes.

    Attributes
    ----------
    headline : str
    publisher : str
        ``"unknown"`` when the copy does not say.
    news_date : datetime.date
        The day the news came out.
    language, url, note : str
        Optional; empty when not given.
    """

    headline: str
    publisher: str
    news_date: dt.date
    language: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class SeedClaim:
    """One claim of a seed record.

    Attributes
    ----------
    ticker : str
    date : datetime.date
        The date the claim is about (default: the article's news date); a day without
        trading is judged on the next trading day.
    claim : Claim
        The quotation, direction and figures, read at the precision they were written with.
    company, market, note : str or None
    st : bool or None
        Risk warning as the record states it; ``None`` to take it from the security master.
    """

    ticker: str
    date: dt.date
    claim: Claim
    company: str | None = None
    market: str | None = None
    note: str | None = None
    st: bool | None = None

    @property
    def quote(self) -> str:
        """A short quotation of the claim."""
        return self.claim.quote

    @property
    def figures(self) -> dict[str, Decimal]:
        """The claimed figures by name (``pct``, ``price``, ``usd_price``), for display."""
        c = self.claim
        usd = c.converted_price if c.converted_currency == "USD" else None
        if c.currency == "USD" and usd is None:
            named = {"pct": c.pct, "usd_price": c.price}
        else:
            named = {"pct": c.pct, "price": c.price, "usd_price": usd}
        return {name: value for name, value in named.items() if value is not None}


@dataclass(frozen=True)
class SeedRecord:
    """A validated seed record: the article and its claims, and the file it came from."""

    path: Path
    article: SeedArticle
    claims: tuple[SeedClaim, ...]


@dataclass(frozen=True)
class SeedReport:
    """The verdicts on every claim of a seed record.

    Attributes
    ----------
    record : SeedRecord
    verdicts : tuple of ClaimVerdict
        One per claim, in order.
    """

    record: SeedRecord
    verdicts: tuple[ClaimVerdict, ...]

    def to_text(self) -> str:
        """The article, then each claim's quotation and verdict, as plain text."""
        a = self.record.article
        lines = [
            f"Seed record: {self.record.path.name}",
            f"Headline: {a.headline}",
            f"Publisher: {a.publisher}",
            f"News date: {a.news_date.isoformat()}" + (f" ({a.note})" if a.note else ""),
            "",
        ]
        for number, (claim, verdict) in enumerate(
            zip(self.record.claims, self.verdicts, strict=True), start=1
        ):
            lines.append(f"Claim {number}: \u201c{claim.quote}\u201d")
            lines.append(verdict.to_text())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        a = self.record.article
        parts = [
            f"<h4>{html.escape(a.headline)}</h4>",
            f"<p>Publisher: {html.escape(a.publisher)}; news date {a.news_date.isoformat()}</p>",
        ]
        for claim, verdict in zip(self.record.claims, self.verdicts, strict=True):
            parts.append(f"<blockquote>{html.escape(claim.quote)}</blockquote>")
            parts.append(verdict._repr_html_())
        return "\n".join(parts)


def load_seed(path: str | os.PathLike[str]) -> SeedRecord:
    """Read and validate a seed record.

    Parameters
    ----------
    path : str or path
        A TOML file in the format of ``seeds/README.md``.

    Returns
    -------
    SeedRecord

    Raises
    ------
    InvalidInputError
        If ``path`` is not a file.
    DataFormatError
        If the file is not TOML or a field is missing, misspelt or of the wrong kind; the
        message names the field (``claims[0].ticker``).

    Examples
    --------
    >>> record = load_seed("seeds/xiaomi-faw-2021-09-11.toml")  # doctest: +SKIP
    >>> record.claims[0].ticker                                   # doctest: +SKIP
    '000800.SZ'
    """
    file = Path(path)
    if not file.is_file():
        raise InvalidInputError(
            f"seed={str(path)!r} is not a file; give the path of a .toml record."
        )
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{file.name}: not a valid TOML file ({exc}).") from exc
    where = file.name
    _no_unknown(raw, _TOP_FIELDS, where, "")
    if raw.get("format") != FORMAT_VERSION:
        raise DataFormatError(
            f"{where}: format must be {FORMAT_VERSION} (got {raw.get('format')!r}); add "
            f"'format = {FORMAT_VERSION}' at the top."
        )
    article = _article(raw.get("article"), where)
    claims = raw.get("claims")
    if not isinstance(claims, list) or not claims:
        raise DataFormatError(
            f"{where}: claims is missing; add at least one [[claims]] table with ticker, quote "
            f"and a figure (pct, price or usd_price)."
        )
    return SeedRecord(
        path=file,
        article=article,
        claims=tuple(_claim(c, where, i, article.news_date) for i, c in enumerate(claims)),
    )


def _no_unknown(table: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise DataFormatError(
            f"{where}: unknown field {prefix}{unknown[0]!s}; allowed fields are "
            f"{', '.join(sorted(allowed))}."
        )


def _text(table: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise DataFormatError(f"{where}.{key} is missing; it must be a non-empty string.")
        return ""
    if not isinstance(value, str) or not value.strip():
        raise DataFormatError(f"{where}.{key} must be a non-empty string, got {value!r}.")
    return value.strip()


def _date(value: object, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DataFormatError(
        f"{field_name} must be a date such as 2021-09-11 (TOML date or ISO string), got {value!r}."
    )


def _article(table: object, where: str) -> SeedArticle:
    if not isinstance(table, dict):
        raise DataFormatError(
            f"{where}: article is missing; add an [article] table with headline, publisher "
            f"and news_date."
        )
    here = f"{where}: article"
    _no_unknown(table, _ARTICLE_FIELDS, where, "article.")
    if "news_date" not in table:
        raise DataFormatError(f"{here}.news_date is missing; give the date the news came out.")
    return SeedArticle(
        headline=_text(table, "headline", here, required=True),
        publisher=_text(table, "publisher", here, required=True),
        news_date=_date(table["news_date"], f"{here}.news_date"),
        language=_text(table, "language", here, required=False),
        url=_text(table, "url", here, required=False),
        note=_text(table, "note", here, required=False),
    )


def _claim(table: object, file: str, index: int, news_date: dt.date) -> SeedClaim:
    where = f"{file}: claims[{index}]"
    if not isinstance(table, dict):
        raise DataFormatError(f"{where} must be a table ([[claims]]).")
    _no_unknown(table, _CLAIM_FIELDS, file, f"claims[{index}].")
    figures = {k: table[k] for k in _FIGURES if k in table}
    if not figures:
        raise DataFormatError(f"{where} has no figure; give at least one of pct, price, usd_price.")
    for key, value in figures.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise DataFormatError(
                f'{where}.{key} must be a number or a string such as "12.78", got {value!r}.'
            )
    st = table.get("st")
    if st is not None and not isinstance(st, bool):
        raise DataFormatError(f"{where}.st must be true or false, got {st!r}.")
    direction = _text(table, "direction", where, required=False) or None
    if direction not in (None, "up", "down"):
        raise DataFormatError(f'{where}.direction must be "up" or "down", got {direction!r}.')
    try:
        claim = read_claim(
            **figures,
            direction=direction,
            currency=_text(table, "currency", where, required=False) or None,
            quote=_text(table, "quote", where, required=True),
        )
    except InvalidInputError as exc:
        raise DataFormatError(f"{where}: {exc}") from exc
    return SeedClaim(
        ticker=_text(table, "ticker", where, required=True),
        date=_date(table["date"], f"{where}.date") if "date" in table else news_date,
        claim=claim,
        company=_text(table, "company", where, required=False) or None,
        market=_text(table, "market", where, required=False) or None,
        note=_text(table, "note", where, required=False) or None,
        st=st,
    )
