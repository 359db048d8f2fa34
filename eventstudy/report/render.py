"""Rendering a collected report: charts into files, the document into Markdown and HTML."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from eventstudy.models import MODELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from eventstudy._typing import ColorConvention
    from eventstudy.report.collect import Collection
    from eventstudy.report.document import Document
    from eventstudy.results.event import EventStudyResult

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


class Chart(NamedTuple):
    """A chart of the report: its caption and its SVG file's bytes."""

    caption: str
    svg: bytes


def draw_charts(
    collection: Collection, folder: Path, *, colors: ColorConvention = "us"
) -> tuple[list[Path], dict[str, Chart]]:
    """Draw every chart of the report into ``folder``.

    Returns
    -------
    files : list of pathlib.Path
        The files written, in order.
    charts : dict of str to Chart
        Each chart's file name (without extension), caption and SVG, in order.
    """
    from eventstudy import plots

    result, volume = collection.result, collection.volume
    span = collection.car_window
    window = (0, 0) if span is None else (span.start, span.end)
    files: list[Path] = []
    charts: dict[str, Chart] = {}

    def chart(name: str, caption: str, fig: Figure) -> None:
        png, svg = save_figure(fig, folder, name)
        files.extend([png, svg])
        charts[name] = Chart(caption, svg.read_bytes())

    def event(res: EventStudyResult) -> Figure:
        return plots.plot_event(res, level=collection.level, window=window)

    with plots.defaults():
        chart(
            "prices",
            "Daily prices around the event",
            plots.plot_prices(result, claim_price=collection.claimed_price, colors=colors),
        )
        chart("abnormal_returns", "The abnormal return of day 0 and the CAR", event(result))
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
            plots.plot_cars(collection.specs, windows=collection.windows, level=collection.level),
        )
        if volume is not None:
            chart("volume", "Trading volume", plots.plot_volume(volume, level=collection.level))
            chart("abnormal_volume", "Trading volume as a multiple of normal", event(volume))
    return files, charts


def markdown(doc: Document) -> str:
    """The document in Markdown; charts are links to the SVG files beside it."""
    lines = [f"# {doc.title}", ""]
    for kind, content in doc.blocks:
        if kind == "h2":
            lines += [f"## {content}", ""]
        elif kind == "p":
            lines += [str(content), ""]
        elif kind == "ul":
            lines += [*(f"- {item}" for item in content), ""]
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

    align = ["---:" if _numeric(frame[c]) else "---" for c in frame.columns]
    return [line(head), "|" + "|".join(["---", *align]) + "|", *map(line, rows)]


def _numeric(column: pd.Series) -> bool:
    return all(_NUMERIC.match(str(v)) for v in column)


_NUMERIC = re.compile(r"^(< )?[-+–]?[\d.,]*\d[\d.,]*( ?%| times)?$|^–$")

#: The page's style: system fonts only (nothing loaded from the network), A4 when printed.
_CSS = """
body{font-family:"Helvetica Neue",Helvetica,Arial,"Liberation Sans","DejaVu Sans",sans-serif;
max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:0.3rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.85rem}
th,td{padding:0.2rem 0.55rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2rem 0}figure img{width:100%;height:auto}
figcaption{font-size:0.85rem;color:#555}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}
h2{break-after:avoid}figure,table,li{break-inside:avoid}table{font-size:8pt}}
""".strip()


def html_page(doc: Document, charts: dict[str, Chart]) -> str:
    """The document as one self-contained HTML page: the charts are in it (SVG as data
    URIs), the style uses the reader's own fonts, and it prints on A4."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
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
        elif kind == "ul":
            items = "".join(f"<li>{html.escape(item)}</li>" for item in content)
            parts.append(f"<ul>{items}</ul>")
        elif kind == "img":
            name, caption = content
            data = base64.b64encode(charts[name].svg).decode("ascii")
            parts.append(
                f'<figure id="{name}"><img src="data:image/svg+xml;base64,{data}" '
                f'alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}</figcaption>'
                "</figure>"
            )
        elif kind == "table":
            parts.append(_html_table(content))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_table(frame: pd.DataFrame) -> str:
    """A table with its number columns aligned right."""
    numeric = [' class="num"' if _numeric(frame[c]) else "" for c in frame.columns]
    head = "".join(
        f"<th{n}>{html.escape(str(c))}</th>" for c, n in zip(frame.columns, numeric, strict=True)
    )
    rows = []
    for label, values in zip(frame.index, frame.to_numpy(), strict=True):
        cells = "".join(
            f"<td{n}>{html.escape(str(v))}</td>" for v, n in zip(values, numeric, strict=True)
        )
        rows.append(f"<tr><th>{html.escape(str(label))}</th>{cells}</tr>")
    name = html.escape(str(frame.index.name or ""))
    return (
        f"<table><thead><tr><th>{name}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
