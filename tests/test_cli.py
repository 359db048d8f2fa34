"""The command line calls the public API and prints its result."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eventstudy.cli import main


def test_run_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "000800.SZ", "2021-09-13", "--data", "bundled", "--window", "-5", "5"]) == 0
    out = capsys.readouterr().out
    assert "Event study (abnormal returns): 000800.SZ around 2021-09-13" in out
    assert "399001.SZ" in out
    assert "2021-09-13  +4.22%     -0.45%  +4.53%   2.17  0.031" in out  # day 0


def test_run_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "000800.SZ", "2021-09-11", "--data", "bundled", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["event_date"] == "2021-09-13"
    assert doc["day0_reason"] == "2021-09-11 is a Saturday"
    day0 = next(r for r in doc["abnormal"] if r["rel_day"] == 0)
    assert abs(day0["ar"] - 0.045264323238686746) < 1e-10


@pytest.mark.parametrize(
    ("measure", "model", "title"),
    [
        ("volume", "market", "abnormal log volume"),
        ("raw_volume", "constant_mean", "abnormal volume (shares)"),
        ("volatility", "constant_mean", "abnormal volatility"),
        ("volatility", "market", "Beaver's U"),
    ],
)
def test_every_measure(
    measure: str, model: str, title: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "run",
        "000800.SZ",
        "2021-09-13",
        "--measure",
        measure,
        "--model",
        model,
        "--data",
        "bundled",
    ]
    assert main(argv) == 0
    assert title in capsys.readouterr().out


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "000800.SZ", "2022-01-10", "--data", "bundled"]) == 2
    assert "runs past the data" in capsys.readouterr().err


def test_import_stays_light() -> None:
    code = (
        "import sys, eventstudy; "
        "print(sorted(m for m in ('matplotlib', 'yfinance') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
