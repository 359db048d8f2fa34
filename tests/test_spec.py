"""StudySpec: every option of a study, checked once; run, study, the CLI and results use it."""

from __future__ import annotations

import argparse
import inspect
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy import InvalidInputError
from eventstudy.cli import build_parser
from eventstudy.spec import StudySpec, make_spec
from eventstudy.statistics.conventions import Conventions

FAW = "000800.SZ"


def test_defaults_and_repr() -> None:
    spec = StudySpec()
    assert (spec.model, spec.estimation, spec.window, spec.measure) == (
        "market", (-250, -11), (-10, 10), "returns",
    )
    assert spec.conventions == Conventions()
    assert repr(spec) == "StudySpec()"
    assert repr(StudySpec(window=(-5, 5), model="constant_mean")) == (
        "StudySpec(model='constant_mean', window=(-5, 5))"
    )


def test_windows_are_normalised_to_int_tuples() -> None:
    spec = StudySpec(estimation=[np.int64(-100), -11], window=[-5, np.int32(5)])  # type: ignore[arg-type]
    assert spec.estimation == (-100, -11) and spec.window == (-5, 5)
    assert all(type(v) is int for v in (*spec.estimation, *spec.window))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "capm"}, r"model='capm' is not valid; use one of 'market', 'market_adjusted'"),
        ({"measure": "price"}, "measure='price' is not valid"),
        ({"gaps": "fill"}, "gaps='fill' is not valid"),
        ({"window": (True, 5)}, "must be a pair of integers"),
        ({"estimation": (-10, -20)}, "starts after it ends"),
        ({"estimation": (-100, 0)}, "must end before the event window"),
        ({"min_estimation": 2}, "too small"),
        ({"measure": "volume", "model": "market_adjusted"}, "no meaning for volume"),
        ({"measure": "volatility", "model": "market_adjusted"}, "works with model="),
        ({"model": "factors"}, "needs factors="),
        ({"factors": pd.DataFrame({"f": [0.1]}, index=["2021-01-04"])}, "used only by"),
        ({"data": "bundle"}, "neither one of"),
        ({"market": 300}, "must be an index ticker"),
        ({"conventions": "estudy2"}, "must be a Conventions object"),
        ({"windw": (-5, 5)}, r"unknown setting\(s\) windw; the settings of a study are market"),
    ],
)
def test_bad_options_are_refused_when_the_spec_is_made(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        make_spec(**options)


def test_factor_table_is_normalised_and_copied() -> None:
    factors = pd.DataFrame({"mkt": [1, 2, 3]}, index=["2021-01-06", "2021-01-04", "2021-01-05"])
    spec = StudySpec(model="factors", factors=factors)
    assert spec.factors is not None
    assert list(spec.factors.index) == list(pd.to_datetime(["2021-01-04", "2021-01-05",
                                                              "2021-01-06"]))
    assert spec.factors["mkt"].dtype == float
    factors.iloc[0, 0] = 99  # the user's table changes; the spec does not
    assert spec.factors["mkt"].tolist() == [2.0, 3.0, 1.0]


def test_replace_checks_the_changed_copy() -> None:
    spec = StudySpec(market="399001.SZ")
    other = spec.replace(model="constant_mean", window=[-3, 3])
    assert (other.market, other.model, other.window) == ("399001.SZ", "constant_mean", (-3, 3))
    assert spec.model == "market"  # frozen: the original is unchanged
    with pytest.raises(InvalidInputError, match="no meaning for volume"):
        spec.replace(measure="volume", model="market_adjusted")
    with pytest.raises(AttributeError):
        spec.model = "constant_mean"  # type: ignore[misc]


def test_run_with_a_spec_equals_run_with_options() -> None:
    spec = StudySpec(market="399001.SZ", window=(-5, 5), data="bundled")
    made = eventstudy.run(FAW, "2021-09-13", spec=spec)
    given = eventstudy.run(FAW, "2021-09-13", market="399001.SZ", window=(-5, 5), data="bundled")
    pd.testing.assert_frame_equal(made.abnormal, given.abnormal, check_exact=True)
    assert made.spec is spec
    changed = eventstudy.run(FAW, "2021-09-13", spec=spec, window=(-3, 3))
    assert changed.spec.window == (-3, 3) and changed.spec.market == "399001.SZ"
    rerun = made.rerun(model="market_adjusted")
    assert rerun.spec.model == "market_adjusted" and rerun.spec.window == (-5, 5)


def test_study_keeps_its_spec_and_conventions() -> None:
    res = eventstudy.study(
        [(FAW, "2021-03-31"), ("600104.SS", "2021-03-31")],
        market="000300.SS", window=(-5, 5), data="bundled", conventions=Conventions.estudy2(),
    )
    assert res.spec.conventions == Conventions.estudy2() == res.conventions
    assert res.spec.window == (-5, 5)


def test_signatures_list_every_option() -> None:
    names = [f.name for f in fields(StudySpec)]
    for func in (eventstudy.run, eventstudy.study):
        parameters = inspect.signature(func).parameters
        assert [p for p in parameters if p in names] == names
        assert parameters["window"].default == (-10, 10)
        assert parameters["model"].kind is inspect.Parameter.KEYWORD_ONLY


def test_every_command_line_option_has_help() -> None:
    parser = build_parser()
    commands = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    for name, command in commands.items():
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    run = commands["run"]
    model = next(a for a in run._actions if a.dest == "model")
    assert model.choices == ["market", "market_adjusted", "constant_mean"]
    assert run.parse_args([FAW, "2021-09-13"]).window == (-10, 10)
