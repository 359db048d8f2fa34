"""Rendering a collected report: charts into files, the document into Markdown and HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from eventstudy.models import MODELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from eventstudy.report.collect import Collection
    from eventstudy.report.document import Document

_PNG_METADATA: dict[str, str | None] = {"Software": None}
_SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None}


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Save ``fig`` as ``name.png`` and ``name.svg`` in ``folder``, byte-reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    folder : pathlib.Path
    name : str
        File name without extension.

    Returns
    -------
    list of pathlib.Path
        The two files written.
    """
    from eventstudy.plots import style

    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with style():
        fig.savefig(paths[0], metadata=_PNG_METADATA)
        fig.savefig(paths[1], metadata=_SVG_METADATA)
    return paths


def draw_charts(collection: Collection, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """Draw every chart of the report into ``folder``.

    Returns
    -------
    files : list of pathlib.Path
        The files written, in order.
    charts : dict of str to str
        Each chart's file name (without extension) and caption, in order.
    """
    from eventstudy import plots

    result, volume = collection.result, collection.volume
    files: list[Path] = []
    charts: dict[str, str] = {}

    def chart(name: str, caption: str, fig: Figure) -> None:
        files.extend(save_figure(fig, folder, name))
        charts[name] = caption

    with plots.defaults():
        chart(
            "prices",
            "Daily prices around the event",
            plots.plot_prices(result, claim_price=collection.claimed_price),
        )
        chart("abnormal_returns", "Abnormal returns and the CAR", plots.plot_event(result))
        if MODELS[result.model_name].regresses_on_market:
            chart(
                "estimation_fit",
                "The market model on the estimation window",
                plots.plot_fit(result),
            )
        chart("sq_test", "Day 0 among the estimation days (SQ test)", plots.plot_sq(result))
        chart(
            "robustness",
            "CARs across markets and models",
            plots.plot_cars(collection.specs, windows=collection.windows),
        )
        if volume is not None:
            chart("volume", "Trading volume", plots.plot_volume(volume))
            chart("abnormal_volume", "Abnormal log volume", plots.plot_event(volume))
    return files, charts


def markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", ""]
    for kind, content in doc.blocks:
        if kind == "h2":
            lines += [f"## {content}", ""]
        elif kind == "p":
            lines += [str(content), ""]
        elif kind == "img":
            name, caption = content
            lines += [f"![{caption}]({name}.svg)", ""]
        elif kind == "table":
            lines += [*_markdown_table(content), ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    head = [frame.index.name or "", *frame.columns]
    rows = [[str(i), *map(str, r)] for i, r in zip(frame.index, frame.to_numpy(), strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = [
        "---:" if all(_NUMERIC.match(str(v)) for v in frame[c]) else "---" for c in frame.columns
    ]
    return [line(head), "|" + "|".join(["---", *align]) + "|", *map(line, rows)]


_NUMERIC = re.compile(r"^[-+–]?[\d.,]*\d[\d.,]*%?$|^–$")


_CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.9rem}
th,td{padding:0.2rem 0.6rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}
figure{margin:1rem 0}img{max-width:100%}figcaption{font-size:0.85rem;color:#555}"""


def html_page(doc: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(doc.title)}</h1>",
    ]
    for kind, content in doc.blocks:
        if kind == "h2":
            parts.append(f"<h2>{html.escape(content)}</h2>")
        elif kind == "p":
            parts.append(f"<p>{html.escape(str(content))}</p>")
        elif kind == "img":
            name, caption = content
            parts.append(
                f'<figure><img src="{name}.svg" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        elif kind == "table":
            parts.append(content.to_html(border=0, escape=True))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
