"""Seed records: the project's FAW record, validation errors, and `eventstudy check`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from eventstudy import check_seed
from eventstudy.claims import load_seed
from eventstudy.cli import main
from eventstudy.errors import DataFormatError, InvalidInputError

SEED = Path(__file__).resolve().parents[2] / "seeds" / "xiaomi-faw-2021-09-11.toml"

VALID = """\
format = 1

[article]
headline = "A made-up headline"
publisher = "unknown"
news_date = 2021-09-11

[[claims]]
ticker = "000800.SZ"
quote = "rose 10% to 12.78 yuan"
pct = "10"
price = "12.78"
"""


def test_faw_record() -> None:
    record = load_seed(SEED)
    assert record.article.publisher == "unknown"
    assert record.article.news_date == dt.date(2021, 9, 11)
    (claim,) = record.claims
    assert (claim.ticker, claim.date) == ("000800.SZ", dt.date(2021, 9, 11))
    assert claim.figures == {"pct": Decimal("10"), "price": Decimal("12.78"),
                             "usd_price": Decimal("1.98")}
    assert (claim.claim.direction, claim.claim.currency) == ("up", "CNY")
    assert len(claim.quote) < 80


def test_check_faw_record_offline_all_three_figures() -> None:
    report = check_seed(SEED, data="bundled")
    (verdict,) = report.verdicts
    assert verdict.matched("price") == ["intraday high", "limit-up price"]
    assert verdict.matched("pct") == ["intraday high", "limit-up price"]
    text = str(report)
    assert "Publisher: unknown" in text
    assert "2021-09-11 is a Saturday" in text
    assert verdict.matched("usd_price") == ["intraday high", "limit-up price"]
    assert "Converted at 6.4511 CNY per USD on 2021-09-13 (FRED DEXCHUS" in text
    assert "<blockquote>" in report._repr_html_()


def test_check_faw_record_with_a_rate() -> None:
    report = check_seed(SEED, data="bundled", fx_rate=6.45)  # a rate the user gives
    assert report.verdicts[0].matched("usd_price") == ["intraday high", "limit-up price"]


@pytest.mark.slow
def test_check_from_an_installed_wheel_judges_the_dollar_figure(tmp_path: Path) -> None:
    # Only the unpacked wheel is importable: the bundled rate must be in it.
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
    root = SEED.parents[1]
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
             "--no-build-isolation", "--wheel-dir", str(tmp_path / "dist"), str(root)]
    subprocess.run(build, check=True)
    site = tmp_path / "site"
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as wheel:
        wheel.extractall(site)
    seed = site / "eventstudy" / "_bundled" / "seeds" / SEED.name
    done = subprocess.run(
        [sys.executable, "-m", "eventstudy.cli", "check", str(seed), "--data", "bundled"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True,
        text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Converted at 6.4511 CNY per USD on 2021-09-13 (FRED DEXCHUS" in done.stdout


def test_cli_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED), "--data", "bundled"]) == 0
    out = capsys.readouterr().out
    assert "12.78 CNY matches the intraday high (12.78, +9.98%)" in out
    assert "US$1.98 matches the intraday high (1.98, +9.98%)" in out
    assert "Converted at 6.4511 CNY per USD on 2021-09-13" in out


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "record.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_minimal_record(tmp_path: Path) -> None:
    record = load_seed(_write(tmp_path, VALID))
    assert record.claims[0].date == dt.date(2021, 9, 11)  # defaults to the news date


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('ticker = "000800.SZ"\n', "", r"claims\[0\]\.ticker is missing"),
        ('ticker = "000800.SZ"', 'tickr = "000800.SZ"', r"unknown field claims\[0\]\.tickr"),
        ('pct = "10"\nprice = "12.78"\n', "", r"claims\[0\] has no figure"),
        ('pct = "10"', "pct = true", r"claims\[0\]\.pct must be a number"),
        ("news_date = 2021-09-11", 'news_date = "11/09/2021"',
         r"article\.news_date must be a date"),
        ("news_date = 2021-09-11\n", "", r"article\.news_date is missing"),
        ('publisher = "unknown"\n', "", r"article\.publisher is missing"),
        ('headline = "A made-up headline"', 'headline = ""', r"article\.headline must be"),
        ("format = 1", "format = 2", "format must be 1"),
        ('quote = "rose 10% to 12.78 yuan"',
         'quote = "rose 10% to 12.78 yuan"\ndirection = "sideways"', r"direction must be"),
        ('quote = "rose 10% to 12.78 yuan"', 'quote = "rose 10% to 12.78 yuan"\nst = "yes"',
         r"st must be true or false"),
        ('[article]', '[artikel]', "unknown field artikel"),
        ("price = \"12.78\"\n", 'price = "12.78"\n[[claims', "not a valid TOML file"),
    ],
)
def test_bad_records_name_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in VALID
    with pytest.raises(DataFormatError, match=message):
        load_seed(_write(tmp_path, VALID.replace(old, new)))


def test_missing_claims(tmp_path: Path) -> None:
    text = VALID.split("[[claims]]")[0]
    with pytest.raises(DataFormatError, match="claims is missing"):
        load_seed(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="is not a file"):
        load_seed(tmp_path / "nothing.toml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('price = "12.78"', 'price = "-12.78"', r"claims\[0\]: price='-12.78' must be a positive"),
        ('price = "12.78"', 'price = "12,78"', r"claims\[0\]: price='12,78' is not a number"),
        ('pct = "10"', 'pct = "ten"', r"claims\[0\]: pct='ten' is not a number"),
    ],
)
def test_bad_figure_in_a_record_names_it(tmp_path: Path, old: str, new: str,
                                         message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        load_seed(_write(tmp_path, VALID.replace(old, new)))
