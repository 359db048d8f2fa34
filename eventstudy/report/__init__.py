"""One-command reports: charts, a Markdown and an HTML summary, and a JSON of every number.

:func:`write_report` first collects: it runs the event study of one stock around one date and
its variants through the public API (:func:`eventstudy.run`,
:meth:`~eventstudy.EventStudyResult.rerun`, :meth:`~eventstudy.EventStudyResult.check_claim`)
into a :class:`~eventstudy.report.collect.Collection`. Then it renders that collection, computing
nothing more: the charts of :mod:`eventstudy.plots`, the document
(:mod:`eventstudy.report.document`) as Markdown and HTML (:mod:`eventstudy.report.render`),
and the numbers as JSON. The same inputs give the same files byte for byte: charts are saved
without dates or software versions in their metadata and with a fixed SVG hash salt, and
neither the JSON nor the HTML holds a timestamp.

Files written (``*`` = ``.png`` and ``.svg``):

==========================  =========================================================
file                        content
==========================  =========================================================
``prices.*``                candlesticks around the event, limit prices, claimed price
``abnormal_returns.*``      day 0's abnormal return with its interval, and a window's CAR
``estimation_fit.*``        the market-model regression (market model only)
``sq_test.*``               day 0's abnormal return among the estimation days
``robustness.*``            CARs across markets and models
``volume.*``                shares traded with the normal volume (if volume is known)
``abnormal_volume.*``       day 0's volume as a multiple of normal, and the window's average
``report.md``               the summary with its tables, in Markdown
``report.html``             the same, in HTML, with the charts in it (one file to send)
``report.json``             every number of every result
==========================  =========================================================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eventstudy._typing import ColorConvention
from eventstudy.calendar import DateLike
from eventstudy.report.collect import Collection, Progress, collect
from eventstudy.report.notebook import notebook_to_render, render_notebook
from eventstudy.report.render import save_figure
from eventstudy.spec import StudySpec, make_spec

__all__ = [
    "Collection",
    "collect",
    "notebook_to_render",
    "render_notebook",
    "save_figure",
    "write_report",
]


def write_report(
    ticker: str,
    date: DateLike,
    out: str | Path,
    *,
    compare_market: str | None = None,
    claim_pct: object = None,
    claim_price: object = None,
    car_window: tuple[int, int] = (-1, 1),
    colors: ColorConvention = "us",
    progress: Progress | None = None,
    spec: StudySpec | None = None,
    **options: Any,
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
    compare_market : str, optional
        A second index for the robustness table; by default the exchange's comparison index
        in the market registry (the CSI 300, ``000300.SS``, for Shanghai and Shenzhen
        stocks), when the main index is another one.
    claim_pct, claim_price : optional
        A claimed percent move and price, judged by
        :meth:`~eventstudy.EventStudyResult.check_claim`.
    car_window : tuple of int, default (-1, 1)
        The CAR window of the text and of the abnormal-return chart (see
        :func:`eventstudy.plots.plot_event` for why [−1, +1]).
    colors : {"us", "cn"}, default "us"
        Colours of up and down days in the price chart (see
        :func:`eventstudy.plots.plot_prices`).
    progress : callable, optional
        Called with a short message before each step (the command line prints them).
    spec : StudySpec, optional
        The options of the main study, made earlier; ``options`` given too change them.
    **options
        The options of the main study, as in :func:`eventstudy.run` (``market``, ``data``,
        ``estimation``, ``window``, ...); its windows are those of every study in the
        report: shorten the event window for news of the last few trading days.

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
    from eventstudy._json import to_jsonable
    from eventstudy.report import document, render

    say = progress or (lambda message: None)
    collection = collect(
        ticker,
        date,
        make_spec(spec, **options),
        compare_market=compare_market,
        claim_pct=claim_pct,
        claim_price=claim_price,
        car_window=car_window,
        progress=say,
    )
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    say(f"drawing the charts into {folder}")
    written, charts = render.draw_charts(collection, folder, colors=colors)
    doc = document.build(collection, charts)
    numbers = {
        **collection.numbers,
        "headline": document.key_numbers(collection),
        "charts": [f"{name}.{ext}" for name in charts for ext in ("png", "svg")],
    }
    say("writing report.md, report.html and report.json")
    for name, text in (
        ("report.md", render.markdown(doc)),
        ("report.html", render.html_page(doc, charts)),
        ("report.json", json.dumps(to_jsonable(numbers), indent=1, allow_nan=False) + "\n"),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
