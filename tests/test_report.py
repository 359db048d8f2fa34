"""`eventstudy report`: files present, byte-identical twice, numbers equal to the library's."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import matplotlib
import matplotlib.image
import pytest

matplotlib.use("Agg")
matplotlib.rcParams["figure.max_open_warning"] = 20

import eventstudy  # noqa: E402
from eventstudy import format as fmt  # noqa: E402
from eventstudy import plots  # noqa: E402
from eventstudy._json import to_jsonable  # noqa: E402
from eventstudy.cli import main  # noqa: E402
from eventstudy.errors import InvalidInputError, MissingDependencyError  # noqa: E402
from eventstudy.report import render_notebook  # noqa: E402

ARGS = [
    "report",
    "000800.SZ",
    "2021-09-13",
    "--claim-pct",
    "10",
    "--claim-price",
    "12.78",
    "--data",
    "bundled",
]
CHARTS = [
    "prices",
    "abnormal_returns",
    "estimation_fit",
    "sq_test",
    "robustness",
    "volume",
    "abnormal_volume",
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("first") / "faw"
    second = tmp_path_factory.mktemp("second") / "faw"
    assert main([*ARGS, "--out", str(first)]) == 0
    # The second run has a user's own matplotlib settings: the files must not change.
    with matplotlib.rc_context({"font.family": "serif", "lines.linewidth": 3.0}):
        assert main([*ARGS, "--out", str(second)]) == 0
    return first, second


def _json(folder: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return loaded


def test_report_writes_every_file(reports: tuple[Path, Path]) -> None:
    names = {p.name for p in reports[0].iterdir()}
    expected = {f"{c}.{ext}" for c in CHARTS for ext in ("png", "svg")}
    expected |= {"report.md", "report.html", "report.json"}
    assert names == expected
    assert all((reports[0] / n).stat().st_size > 0 for n in names)


def test_report_is_byte_identical_on_a_second_run(reports: tuple[Path, Path]) -> None:
    first, second = reports
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_report_files_hold_no_timestamps(reports: tuple[Path, Path]) -> None:
    svg = (reports[0] / "prices.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert b"Software" not in (reports[0] / "prices.png").read_bytes()


def test_report_json_numbers_equal_the_library(reports: tuple[Path, Path]) -> None:
    numbers = _json(reports[0])
    res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    assert numbers["event"] == json.loads(json.dumps(to_jsonable(res.to_dict())))
    day0 = next(row for row in numbers["event"]["abnormal"] if row["rel_day"] == 0)  # type: ignore[index]
    assert day0["ar"] == res.abnormal.loc[0, "ar"]
    volume = eventstudy.run("000800.SZ", "2021-09-13", data="bundled", measure="volume")
    assert numbers["volume"] == json.loads(json.dumps(to_jsonable(volume.to_dict())))
    csi = numbers["robustness"]["market model, 000300.SS"]  # type: ignore[index]
    other = eventstudy.run("000800.SZ", "2021-09-13", market="000300.SS", data="bundled")
    assert csi["cars"][0]["car"] == other.car(0, 0).car
    claim = numbers["claim"]
    assert claim["limit_up"] == 12.78  # type: ignore[index]
    assert claim["prices"]["close"] == 12.11  # type: ignore[index]
    matched = {(c["kind"], c["reference"]) for c in claim["checks"] if c["matches"]}  # type: ignore[index]
    assert ("price", "intraday high") in matched
    assert ("price", "close") not in matched
    assert ("pct", "close") not in matched


def test_report_summaries_state_the_facts(reports: tuple[Path, Path]) -> None:
    md = (reports[0] / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# FAW Jiefang (000800.SZ): the shares around Monday 13 September 2021")
    assert "closed at 12.11, +4.22% from the previous close 11.62" in md
    assert "limits were 12.78 (up) and 10.46 (down): touched limit-up but closed below it" in md
    assert (
        "the abnormal return on day 0 was +4.53% (95% CI +0.41% to +8.64%; t = 2.17, p = 0.031)"
    ) in md
    assert "5 of 240 estimation days had an abnormal return at least as large (SQ test, " in md
    assert "Over [-1, +1] the CAR was -1.26%" in md and "The window [-1, +1] holds" in md
    assert "110,009,880 shares traded on day 0, 4.6 times the normal volume" in md
    # Zero of 240 estimation days: p is below the test's resolution, not "0.000".
    assert "0 of 240 estimation days traded as much (SQ test, p < 0.009)" in md
    assert "p = 0.000" not in md and "| 0.000 |" not in md and "e+0" not in md
    html = (reports[0] / "report.html").read_text(encoding="utf-8")
    assert "<table" in html and "intraday high" in html


def test_report_html_is_self_contained(reports: tuple[Path, Path]) -> None:
    html = (reports[0] / "report.html").read_text(encoding="utf-8")
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert len(sources) == len(CHARTS)
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    inline = dict(
        re.findall(r'<figure id="(\w+)"><img src="data:image/svg\+xml;base64,([^"]+)"', html)
    )
    assert sorted(inline) == sorted(CHARTS)
    for chart, data in inline.items():  # the charts' own files, inline
        assert base64.b64decode(data) == (reports[0] / f"{chart}.svg").read_bytes(), chart
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "@page{size:A4" in html


def _headline(folder: Path) -> dict[str, str]:
    numbers = _json(folder)["headline"]
    assert isinstance(numbers, dict)
    return {name: entry["text"] for name, entry in numbers.items()}


def test_each_statistic_reads_the_same_in_every_output(reports: tuple[Path, Path]) -> None:
    """One value per statistic: the report's JSON, Markdown and HTML, the charts, the
    summaries and the library agree, written by eventstudy.format from the same result."""
    res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    volume = res.volume()
    csi = res.rerun(market="000300.SS")
    day0, window, volume0 = res.car(0, 0), res.car(-1, 1), volume.car(0, 0)
    expected = {
        "day0_abnormal_return": "+4.53%",
        "day0_t": "2.17",
        "day0_p": "0.031",
        "day0_sq_p": "p = 0.042",
        "window_car": "-1.26%",
        "window_t": "-0.35",
        "window_p": "0.730",
        "volume_day0_multiple": "4.6 times",
        "volume_day0_t": "2.83",
        "volume_day0_p": "0.005",
        "volume_day0_sq_p": "p < 0.009",
        "day0_p (market model, 000300.SS)": "0.037",
    }
    headline = _headline(reports[0])
    assert {name: headline[name] for name in expected} == expected
    numbers = _json(reports[0])["headline"]
    assert isinstance(numbers, dict)
    assert numbers["day0_t"]["value"] == day0.t
    assert numbers["volume_day0_p"]["value"] == volume0.pvalue
    assert headline["day0_p (market model, 000300.SS)"] == fmt.pvalue(csi.car(0, 0).pvalue)

    md = (reports[0] / "report.md").read_text(encoding="utf-8")
    page = (reports[0] / "report.html").read_text(encoding="utf-8")
    summary, volume_summary = str(res.summary()), str(volume.summary())
    day0_test = fmt.test(day0.t, day0.pvalue)  # "t = 2.17, p = 0.031"
    volume_test = fmt.test(volume0.t, volume0.pvalue)  # "t = 2.83, p = 0.005"
    window_test = fmt.test(window.t, window.pvalue)
    for text in (md, page):
        assert day0_test in text and volume_test in text and window_test in text
        assert "market model, 000300.SS +4.48% (p = 0.037)" in text
        assert "t = 2.87" not in text and "p = 0.036" not in text  # the other day-0 tests
    # The summaries' day-0 rows: the same t and p.
    assert re.search(r" 0 +2021-09-13 .* \+4\.53% +2\.17 +0\.031 ", summary)
    assert re.search(r" 0 +2021-09-13 .* 2\.83 +0\.005 ", volume_summary)
    assert re.search(r"\[0,0\] .*  < 0\.009\n", volume_summary)  # SQ p of day 0
    # The charts' labels.
    charts = {
        "abnormal_returns": plots.plot_event(res),
        "abnormal_volume": plots.plot_event(volume),
        "volume": plots.plot_volume(volume),
        "sq_volume": plots.plot_sq(volume),
    }
    texts = {name: " ".join(_chart_texts(fig)).replace("\n", " ") for name, fig in charts.items()}
    assert all("FAW Jiefang (000800.SZ): " in text for text in texts.values())
    assert all("Source: exchange prices bundled with eventstudy" in t for t in texts.values())
    assert "abnormal return of +4.53%" in texts["abnormal_returns"]
    assert day0_test in texts["abnormal_returns"] and window_test in texts["abnormal_returns"]
    assert "4.6 times the normal trading volume" in texts["abnormal_volume"]
    assert volume_test in texts["abnormal_volume"] and volume_test in texts["volume"]
    assert "p < 0.009" in texts["sq_volume"]


def _chart_texts(fig: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]  # type: ignore[attr-defined]


def test_report_choices_of_window_and_colours(tmp_path: Path) -> None:
    argv = [*ARGS, "--car-window", "0", "5", "--colors", "cn", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert _headline(tmp_path)["window_car"] == "-1.72%"
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Over [0, +5] the CAR was -1.72%" in md and "The window [-1, +1] holds" not in md
    assert _json(tmp_path)["inputs"]["car_window"] == [0, 5]  # type: ignore[index]


def test_report_shows_progress_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["report", "000800.SZ", "2030-01-01", "--data", "bundled", "--out", str(tmp_path)])
        == 2
    )
    err = capsys.readouterr().err
    assert "eventstudy: loading prices of 000800.SZ" in err
    assert "eventstudy: error:" in err


def test_render_notebook_needs_an_existing_notebook(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not found"):
        render_notebook(tmp_path / "missing.ipynb", tmp_path)


def test_report_notebook_without_the_extra_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "nbclient", None)  # as if not installed
    with pytest.raises(MissingDependencyError, match="nbclient"):
        render_notebook(None, tmp_path)
    out = tmp_path / "faw"
    assert main([*ARGS, "--out", str(out), "--notebook"]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "needs nbclient, which are not installed" in err
    assert 'pip install "eventstudy-news[notebooks]"' in err


@pytest.mark.slow
def test_report_notebook_from_an_installed_wheel(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
    pytest.importorskip("nbclient")
    root = Path(__file__).resolve().parents[1]  # the tree these tests came with
    if not (root / "pyproject.toml").is_file():
        pytest.skip("not a source tree")
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
    build += ["--no-build-isolation", "--wheel-dir", str(tmp_path / "dist"), str(root)]
    subprocess.run(build, check=True)
    site = tmp_path / "site"
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as wheel:
        wheel.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the unpacked wheel is importable: no checkout, no notebooks/ or seeds/ folder.
    env = {**os.environ, "PYTHONPATH": str(site), "MPLBACKEND": "Agg"}
    where = [sys.executable, "-c", "import eventstudy; print(eventstudy.__file__)"]
    imported = subprocess.run(where, cwd=elsewhere, env=env, capture_output=True, text=True)
    assert imported.stdout.startswith(str(site)), imported.stdout
    argv = ["report", "000800.SZ", "2021-09-13", "--data", "bundled", "--out", "out"]
    done = subprocess.run(
        [sys.executable, "-m", "eventstudy.cli", *argv, "--notebook"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (elsewhere / "out" / "01_faw_jiefang_xiaomi.html").read_text(encoding="utf-8")
    assert "specific to FAW Jiefang" in page and "Traceback" not in page


def test_report_for_recent_news_with_a_shorter_window(tmp_path: Path) -> None:
    # 2022-01-10 is four trading days before the end of the bundled data.
    argv = [
        "report",
        "000800.SZ",
        "2022-01-10",
        "--data",
        "bundled",
        "--window",
        "-5",
        "3",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    inputs = _json(tmp_path)["inputs"]
    assert isinstance(inputs, dict) and inputs["window"] == [-5, 3]


def _chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")
    return browser


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Chromium, headless, offline-quiet, with a fresh profile."""
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [browser, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


@pytest.mark.slow
def test_report_html_renders_alone_in_chromium(reports: tuple[Path, Path], tmp_path: Path) -> None:
    browser = _chromium()
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    page = alone / "report.html"
    shutil.copy(reports[0] / "report.html", page)  # without the chart files
    # Every chart decoded: a copy of the page reports its images' sizes once loaded.
    probe = alone / "probe.html"
    script = (
        "<script>addEventListener('load', () => { document.title = JSON.stringify("
        "[...document.images].map(i => [i.closest('figure').id, i.naturalWidth, "
        "i.naturalHeight])); });</script></body>"
    )
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", script), "utf-8")
    dom = _headless(
        browser,
        tmp_path / "profile1",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probe.as_uri(),
    ).stdout
    title = re.search(r"<title>(.*)</title>", dom)
    assert title is not None, dom[:500]
    images = json.loads(html.unescape(title.group(1)))
    assert sorted(name for name, _, _ in images) == sorted(CHARTS)
    assert all(width > 500 and height > 250 for _, width, height in images), images
    # The page as a reader sees it: not blank, the first chart drawn in colour.
    shot = tmp_path / "report.png"
    _headless(
        browser,
        tmp_path / "profile2",
        "--window-size=1200,2400",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    pixels = matplotlib.image.imread(shot)[..., :3]
    ink = (pixels < 0.9).any(axis=-1)
    assert ink.mean() > 0.05, "the page is (nearly) blank"
    colours = {tuple(c) for c in (pixels[ink] * 255).round().astype(int)[::7].tolist()}
    assert len(colours) > 50, "only text: the charts did not render"
    # Printed: A4 pages.
    pdf = tmp_path / "report.pdf"
    _headless(
        browser,
        tmp_path / "profile3",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    )
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert boxes and {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
