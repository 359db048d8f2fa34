"""Display helpers shared by the result classes: a summary made of titled tables."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Summary:
    """A titled list of tables with notes, rendered as text or HTML.

    Attributes
    ----------
    title : str
        Heading of the summary.
    tables : list of (str, pandas.DataFrame)
        Caption and table, in order.
    notes : list of str
        Lines printed after the tables.
    """

    title: str
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_text(self, float_format: str = "{:.6g}") -> str:
        """Plain-text rendering (what ``print(result.summary())`` shows)."""
        rule = "=" * max(len(self.title), 60)
        parts = [self.title, rule]
        for caption, table in self.tables:
            if caption:
                parts.append(caption)
            parts.append(table.to_string(float_format=float_format.format))
            parts.append("")
        parts.extend(self.notes)
        return "\n".join(parts).rstrip() + "\n"

    def as_html(self, float_format: str = "{:.6g}") -> str:
        """HTML rendering, for Jupyter."""
        parts = [f"<h4>{html.escape(self.title)}</h4>"]
        for caption, table in self.tables:
            if caption:
                parts.append(f"<p><b>{html.escape(caption)}</b></p>")
            parts.append(table.to_html(float_format=float_format.format, border=0))
        if self.notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
            parts.append(f"<ul>{items}</ul>")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


class SummaryMixin:
    """``__str__`` is the summary's text, ``_repr_html_`` its HTML; ``__repr__`` names the class."""

    def summary(self) -> Summary:  # pragma: no cover - overridden
        raise NotImplementedError

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()
