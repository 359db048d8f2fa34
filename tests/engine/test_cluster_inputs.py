"""study(client=...) refuses what is not a Dask client, and says which extra installs Dask."""

from __future__ import annotations

import sys

import pytest

import eventstudy
from eventstudy.errors import InvalidInputError, MissingDependencyError
from eventstudy.spec import make_spec

EVENTS = [("000800.SZ", "2021-03-31")]


def test_without_dask_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(MissingDependencyError, match=r'pip install "eventstudy-news\[dask\]"'):
        eventstudy.study(EVENTS, data="bundled", client=object())


def test_a_client_that_is_not_a_dask_client_is_refused() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(InvalidInputError, match=r"is not a dask\.distributed\.Client"):
        eventstudy.study(EVENTS, data="bundled", client="tcp://scheduler:8786")


def test_the_client_is_not_an_option_of_the_study() -> None:
    """The options say what to compute; the client, where."""
    with pytest.raises(InvalidInputError, match="unknown setting"):
        make_spec(None, client=None)
