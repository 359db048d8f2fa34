"""One-command reports: charts, a Markdown and an HTML summary, and a JSON of every number.

:func:`write_report` runs the event study of one stock around one date through the public
API (:func:`eventstudy.run`, :meth:`~eventstudy.EventStudyResult.check_claim`), draws the
charts of :mod:`eventstudy.plots` and writes them with the tables into a folder. It computes
nothing itself. The same inputs give the same files byte for byte: charts are saved without
dates or software versions in their metadata and with a fixed SVG hash salt, and neither the
JSON nor the HTML holds a timestamp.

Files written (``*`` = ``.png`` and ``.svg``):

==========================  =========================================================
file                        content
==========================  =========================================================
``prices.*``                candlesticks around the event, limit prices, claimed price
``abnormal_returns.*``      daily abnormal returns and the CAR with its band
``estimation_fit.*``        the market-model regression (market model only)
``sq_test.*``               day 0's abnormal return among the estimation days
``robustness.*``            CARs across markets and models
``volume.*``                shares traded with the normal volume (if volume is known)
``abnormal_volume.*``       abnormal log volume and its cumulative sum with its band
``report.md``               the summary with its tables, in Markdown
``report.html``             the same, in HTML (charts as SVG files beside it)
``report.json``             every number of every result
==========================  =========================================================
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from eventstudy._typing import signed_day, windows_inside
from eventstudy.claims.check import limit_state
from eventstudy.errors import EventStudyError, InvalidInputError
from eventstudy.plots import window_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from eventstudy.results.event import EventStudyResult

#: Index used for the robustness comparison of mainland China stocks (it spans both exchanges).
CHINA_COMPARISON_MARKET = "000300.SS"

#: The research note rendered by ``eventstudy report --notebook`` when no path is given.
DEFAULT_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_faw_jiefang_xiaomi.ipynb"

_PNG_METADATA: dict[str, str | None] = {"Software": None}
_SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None}

Progress = Callable[[str], None]


@dataclass
class _Document:
    """Blocks of a report, in order: ("h1" | "h2" | "p" | "table" | "img", content)."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, kind: str, content: Any) -> None:
        self.blocks.append((kind, content))


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Save ``fig`` as ``name.png`` and ``name.svg`` in ``folder``, byte-reproducibly, and close it.

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
    import matplotlib.pyplot as plt

    from eventstudy.plots import style

    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with style():
        fig.savefig(paths[0], metadata=_PNG_METADATA)
        fig.savefig(paths[1], metadata=_SVG_METADATA)
    plt.close(fig)
    return paths


def _comparison_market(result: EventStudyResult, compare_market: str | None) -> str | None:
    if compare_market is not None:
        return compare_market if compare_market != result.market else None
    china = result.ticker.upper().endswith((".SZ", ".SS", ".SH"))
    return CHINA_COMPARISON_MARKET if china and result.market != CHINA_COMPARISON_MARKET else None


def write_report(
    ticker: str,
    date: Any,
    out: str | Path,
    *,
    market: str | None = None,
    compare_market: str | None = None,
    claim_pct: object = None,
    claim_price: object = None,
    data: Any = "auto",
    estimation: tuple[int, int] = (-250, -11),
    window: tuple[int, int] = (-10, 10),
    progress: Progress | None = None,
) -> list[Path]:
    """Study one stock around one date and write the charts, summaries and JSON into ``out``.

    Parameters
    ----------
    ticker : str
        The stock (``"000800.SZ"``).
    date : str, date or Timestamp
        The news date (see :func:`eventstudy.run` for how day 0 is found).
    out : str or pathlib.Path
        The folder to write into; created if missing. Existing report files are replaced.
    market : str, optional
        The market index of the main study (default: by exchange, see :func:`eventstudy.run`).
    compare_market : str, optional
        A second index for the robustness table; for mainland China stocks it defaults to
        the CSI 300 (``000300.SS``) when the main index is another one.
    claim_pct, claim_price : optional
        A claimed percent move and price, judged by
        :meth:`~eventstudy.EventStudyResult.check_claim`.
    data : str, path or DataFrame
        The price source, as in :func:`eventstudy.run`.
    estimation, window : tuple of int
        The windows of every study in the report, as in :func:`eventstudy.run`; shorten the
        event window for news of the last few trading days.
    progress : callable, optional
        Called with a short message before each step (the command line prints them).

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    EventStudyError
        Whatever the main study raises (bad input, no data). A volume study that cannot be
        made (e.g. the index has no volume) is reported in the files instead.

    Examples
    --------
    >>> import tempfile
    >>> from eventstudy.report import write_report
    >>> with tempfile.TemporaryDirectory() as folder:  # doctest: +SKIP
    ...     files = write_report("000800.SZ", "2021-09-13", folder, claim_pct=10,
    ...                          claim_price=12.78, data="bundled")
    """
    from eventstudy import __version__, plots
    from eventstudy._json import to_jsonable
    from eventstudy.api import run

    say = progress or (lambda message: None)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)

    say(f"loading prices of {ticker} and its market index (data={data!r}) and fitting the model")
    result = run(ticker, date, market=market, estimation=estimation, window=window, data=data)
    specs = {f"market model, {result.market}": result}
    other = _comparison_market(result, compare_market)
    if other is not None:
        say(f"loading prices of {other} for the robustness check")
        specs[f"market model, {other}"] = result.rerun(market=other)
    specs[f"market-adjusted, {result.market}"] = result.rerun(
        market=result.market, model="market_adjusted"
    )
    specs["constant mean"] = result.rerun(market=None, model="constant_mean")

    say("volume study")
    volume: EventStudyResult | None = None
    volume_problem = ""
    try:
        volume = result.rerun(market=result.market, measure="volume")
    except EventStudyError as exc:
        volume_problem = str(exc)

    verdict = None
    if claim_pct is not None or claim_price is not None:
        say("checking the claim")
        verdict = result.check_claim(pct=claim_pct, price=claim_price, data=data)

    say(f"drawing the charts into {folder}")
    written: list[Path] = []
    charts: list[tuple[str, str]] = []

    def chart(name: str, caption: str, fig: Figure) -> None:
        written.extend(save_figure(fig, folder, name))
        charts.append((name, caption))

    # The claimed price as the claim check read it (commas, currency signs and all).
    price_claim = next(
        (float(c.claimed) for c in (verdict.checks if verdict else ()) if c.kind == "price"),
        None,
    )
    with plots.defaults():
        chart(
            "prices",
            "Daily prices around the event",
            plots.plot_prices(result, claim_price=price_claim),
        )
        chart("abnormal_returns", "Abnormal returns and the CAR", plots.plot_event(result))
        if result.model_name == "market":
            chart(
                "estimation_fit",
                "The market model on the estimation window",
                plots.plot_fit(result),
            )
        chart("sq_test", "Day 0 among the estimation days (SQ test)", plots.plot_sq(result))
        chart(
            "robustness",
            "CARs across markets and models",
            plots.plot_cars(specs, windows=_robustness_windows(result)),
        )
        if volume is not None:
            chart("volume", "Trading volume", plots.plot_volume(volume))
            chart("abnormal_volume", "Abnormal log volume", plots.plot_event(volume))

    document = _document(result, specs, volume, volume_problem, verdict, dict(charts))
    numbers = {
        "eventstudy_version": __version__,
        "inputs": {
            "ticker": ticker,
            "date": str(date),
            "market": market,
            "compare_market": other,
            "claim_pct": claim_pct,
            "claim_price": claim_price,
            "data": data if isinstance(data, str) else "user data",
            "estimation": list(estimation),
            "window": list(window),
        },
        "event": result.to_dict(),
        "robustness": {label: res.to_dict() for label, res in specs.items()},
        "volume": volume.to_dict() if volume is not None else {"not_studied": volume_problem},
        "claim": _verdict_dict(verdict) if verdict is not None else None,
        "charts": [f"{name}.{ext}" for name, _ in charts for ext in ("png", "svg")],
    }
    say("writing report.md, report.html and report.json")
    for name, text in (
        ("report.md", _markdown(document)),
        ("report.html", _html(document)),
        ("report.json", json.dumps(to_jsonable(numbers), indent=1, allow_nan=False) + "\n"),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def _robustness_windows(result: EventStudyResult) -> list[tuple[int, int]]:
    return windows_inside([(0, 0), (-1, 1), (0, 5)], result.window) or [result.window]


def _verdict_dict(verdict: Any) -> dict[str, Any]:
    frame = verdict.to_frame()
    frame["matches"] = frame["matches"].astype(object).where(frame["matches"].notna(), None)
    return {
        "ticker": verdict.ticker,
        "requested_date": f"{verdict.requested_date:%Y-%m-%d}",
        "event_date": f"{verdict.event_date:%Y-%m-%d}",
        "prices": {k: None if v is None else float(v) for k, v in asdict(verdict.prices).items()},
        "limit_up": None if verdict.limit_up is None else float(verdict.limit_up),
        "limit_down": None if verdict.limit_down is None else float(verdict.limit_down),
        "rule": verdict.rule_note,
        "abnormal_return": verdict.abnormal_return,
        "sentences": list(verdict.sentences),
        "checks": frame.to_dict(orient="records"),
    }


# --- the document ------------------------------------------------------------------------


def _pct(value: float, digits: int = 2) -> str:
    return f"{value * 100:+.{digits}f}%"


def _num(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(
    frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]] | None = None
) -> pd.DataFrame:
    """The frame as strings: percent and number columns formatted for reading."""
    formats = formats or {}
    out = pd.DataFrame(index=frame.index.astype(str))
    out.index.name = frame.index.name
    for column in frame.columns:
        fmt = formats.get(str(column), _num)
        out[str(column)] = [fmt(v) for v in frame[column].tolist()]
    return out


def _cell(frame: pd.DataFrame, row: Any, column: str) -> float:
    return float(frame.loc[[row], column].to_numpy(dtype=float)[0])


def _day_table(result: EventStudyResult) -> pd.DataFrame:
    table = result.abnormal
    day0 = result.event_date
    prices = result.prices
    position = int(prices.index.searchsorted(day0))
    rows = prices.iloc[max(position - 2, 0) : position + 3]
    frame = rows[["open", "high", "low", "close", "preclose", "volume"]].copy()
    frame.index = pd.Index([f"{d:%Y-%m-%d}" for d in rows.index], name="date")
    dates = {f"{d:%Y-%m-%d}": r for r, d in zip(table.index, table["date"], strict=True)}
    frame.insert(0, "day", [dates.get(d, "") for d in frame.index])
    frame["return"] = [table.loc[dates[d], "ret"] if d in dates else None for d in frame.index]
    return _table(
        frame,
        {
            "day": lambda v: "" if v == "" else signed_day(v),
            "open": lambda v: f"{v:.2f}",
            "high": lambda v: f"{v:.2f}",
            "low": lambda v: f"{v:.2f}",
            "close": lambda v: f"{v:.2f}",
            "preclose": lambda v: f"{v:.2f}",
            "volume": lambda v: f"{v:,.0f}",
            "return": lambda v: "–" if v is None else _pct(v),
        },
    )


def _cars_table(
    specs: dict[str, EventStudyResult], windows: Sequence[tuple[int, int]]
) -> pd.DataFrame:
    rows = {}
    for label, res in specs.items():
        row: dict[str, str] = {}
        for a, b in windows:
            test = res.car(a, b)
            row[f"CAR {window_text(a, b)}"] = (
                f"{_pct(test.car)} (t = {test.t:.2f}, p = {test.pvalue:.3f})"
            )
        rows[label] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "specification"
    return frame


def _document(
    result: EventStudyResult,
    specs: dict[str, EventStudyResult],
    volume: EventStudyResult | None,
    volume_problem: str,
    verdict: Any,
    charts: dict[str, str],
) -> _Document:
    day0 = result.car(0, 0) if result.window[0] <= 0 <= result.window[1] else None
    doc = _Document(f"Event study: {result.ticker} around {result.event_date:%Y-%m-%d}")
    when = f"Day 0 is {result.event_date:%A %Y-%m-%d}"
    if result.day0_reason:
        when += f" (requested {result.requested_date:%Y-%m-%d}: {result.day0_reason})"
    doc.add(
        "p",
        f"{when}. Market index {result.market}; estimation window "
        f"{result.estimation} trading days "
        f"({result.params['estimation_start']:%Y-%m-%d} to "
        f"{result.params['estimation_end']:%Y-%m-%d}), event window {result.window}.",
    )

    row0 = result.prices.loc[result.event_date]
    lead = (
        f"On day 0 {result.ticker} closed at {row0['close']:.2f} "
        f"({_pct(_cell(result.abnormal, 0, 'ret'))} from the previous close "
        f"{row0['preclose']:.2f}), after trading between {row0['low']:.2f} and "
        f"{row0['high']:.2f}"
    )
    if verdict is not None and verdict.limit_up is not None:
        lead += (
            f"; the day's limits were {verdict.limit_up} (up) and {verdict.limit_down} (down): "
            f"{limit_state(verdict.prices, verdict.limit_up, verdict.limit_down)}"
        )
    doc.add("p", lead + ".")

    doc.add("h2", "Prices around the event")
    doc.add("table", _day_table(result))
    doc.add("img", ("prices", charts["prices"]))

    if verdict is not None:
        doc.add("h2", "The claim")
        for sentence in verdict.sentences:
            doc.add("p", sentence)
        claims = verdict.to_frame().drop(columns=["note"]).set_index("figure")
        doc.add(
            "table",
            _table(
                claims,
                {
                    "claimed": lambda v: f"{v:g}",
                    "rounded": lambda v: _num(v, 2),
                    "matches": lambda v: "cannot judge" if v is pd.NA else ("yes" if v else "no"),
                },
            ),
        )

    doc.add("h2", "Abnormal returns")
    if day0 is not None:
        sq = day0.sq
        more = sq.n_ge if day0.car >= 0 else sq.n_le
        doc.add(
            "p",
            f"Day 0 abnormal return {_pct(day0.car)}: t = {day0.t_simple:.2f} "
            f"(p = {day0.pvalue_simple:.3f}) against the estimation residuals' "
            f"σ = {_pct(result.params['sigma']).lstrip('+')}; {more} of "
            f"{sq.n_sums} estimation days moved at least as much (SQ test, "
            f"p = {sq.p_two_sided:.3f}).",
        )
    params = result.params.drop(["estimation_start", "estimation_end"]).to_frame("estimate")
    doc.add("table", _table(params, {"estimate": lambda v: _num(v, 6)}))
    daily = result.abnormal[
        ["date", "ret", "market_ret", "expected", "ar", "t", "pvalue", "car"]
    ].copy()
    daily["date"] = daily["date"].dt.strftime("%Y-%m-%d")
    percent = {
        c: (lambda v: "–" if v != v else _pct(v))
        for c in ("ret", "market_ret", "expected", "ar", "car")
    }
    doc.add(
        "table",
        _table(daily, {**percent, "t": lambda v: f"{v:.2f}", "pvalue": lambda v: f"{v:.3f}"}),
    )
    doc.add("img", ("abnormal_returns", charts["abnormal_returns"]))
    if "estimation_fit" in charts:
        doc.add("img", ("estimation_fit", charts["estimation_fit"]))
    cars = result.cars[["k", "car", "se", "t", "pvalue", "t_simple", "sq_percentile", "sq_pvalue"]]
    doc.add(
        "p",
        "Cumulative abnormal returns (t: exact variance; t_simple: K σ²; SQ: the "
        "CAR's percentile among the sums of K consecutive estimation residuals).",
    )
    doc.add(
        "table",
        _table(
            cars,
            {
                "car": _pct,
                "se": lambda v: _pct(v).lstrip("+"),
                "t": lambda v: f"{v:.2f}",
                "t_simple": lambda v: f"{v:.2f}",
                "pvalue": lambda v: f"{v:.3f}",
                "sq_percentile": lambda v: f"{v:.3f}",
                "sq_pvalue": lambda v: f"{v:.3f}",
            },
        ),
    )
    doc.add("img", ("sq_test", charts["sq_test"]))

    doc.add("h2", "Robustness")
    doc.add("table", _cars_table(specs, _robustness_windows(result)))
    doc.add("img", ("robustness", charts["robustness"]))

    doc.add("h2", "Trading volume")
    if volume is None:
        doc.add("p", f"No volume study: {volume_problem}")
    else:
        v0 = volume.car(0, 0)
        shares = _cell(volume.prices, volume.event_date, "volume")
        doc.add(
            "p",
            f"{shares:,.0f} shares traded on day 0; abnormal log volume "
            f"{v0.car:+.3f} (t = {v0.t:.2f}, p = {v0.pvalue:.3f} with the exact variance; "
            f"SQ p = {v0.sq_pvalue:.3f}), model: {volume.model_name} on "
            f"{volume.market}.",
        )
        vcars = volume.cars[["k", "car", "t", "pvalue", "sq_pvalue"]]
        doc.add(
            "table",
            _table(
                vcars,
                {
                    "car": lambda v: f"{v:+.3f}",
                    "t": lambda v: f"{v:.2f}",
                    "pvalue": lambda v: f"{v:.3f}",
                    "sq_pvalue": lambda v: f"{v:.3f}",
                },
            ),
        )
        doc.add("img", ("volume", charts["volume"]))
        doc.add("img", ("abnormal_volume", charts["abnormal_volume"]))

    doc.add("h2", "Data")
    for item in result.provenance:
        doc.add(
            "p",
            f"{item.get('ticker', '?')}: {item.get('source', '?')}, "
            f"{item.get('first', '?')} to {item.get('last', '?')} "
            f"({item.get('rows', '?')} rows).",
        )
    return doc


def _markdown(doc: _Document) -> str:
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


def _html(doc: _Document) -> str:
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


def render_notebook(
    notebook: str | Path = DEFAULT_NOTEBOOK, out: str | Path = ".", *, timeout: int = 600
) -> Path:
    """Execute a notebook top to bottom and write it as HTML into ``out``.

    Parameters
    ----------
    notebook : str or pathlib.Path
        The notebook (default: the FAW Jiefang research note of this repository).
    out : str or pathlib.Path
        Folder of the HTML file, named like the notebook.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    pathlib.Path
        The HTML file.

    Raises
    ------
    InvalidInputError
        If the notebook does not exist (it ships with the source repository, not the wheel).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    path = Path(notebook)
    if not path.is_file():
        raise InvalidInputError(
            f"notebook {str(path)!r} not found; pass the path of a notebook (the research "
            "notes are in the notebooks/ folder of the source repository)."
        )
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    body, _ = HTMLExporter().from_notebook_node(nb)  # type: ignore[no-untyped-call]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target
