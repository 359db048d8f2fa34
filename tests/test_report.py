"""`eventstudy report`: files present, byte-identical twice, numbers equal to the library's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
matplotlib.rcParams["figure.max_open_warning"] = 20

import eventstudy  # noqa: E402
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
    assert "closed at 12.11 (+4.22% from the previous close 11.62)" in md
    assert "limits were 12.78 (up) and 10.46 (down): touched limit-up but closed below it" in md
    assert "Day 0 abnormal return +4.53%: t = 2.17 (p = 0.031)" in md
    assert "5 of 240 estimation days moved at least as much (SQ test, p = 0.042)" in md
    assert "110,009,880 shares traded on day 0" in md
    html = (reports[0] / "report.html").read_text(encoding="utf-8")
    assert '<img src="prices.svg"' in html
    assert "<table" in html and "intraday high" in html


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
    assert 'needs nbclient, which are not installed' in err
    assert 'pip install "eventstudy-news[notebooks]"' in err


@pytest.mark.slow
def test_report_notebook_from_an_installed_wheel(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
    pytest.importorskip("nbclient")
    root = Path(eventstudy.__file__).resolve().parents[1]
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
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
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
