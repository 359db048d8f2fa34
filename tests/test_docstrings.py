"""The examples in the docstrings run and print what they say (offline, bundled data)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import eventstudy

MODULES = [
    "eventstudy",
    *sorted(m.name for m in pkgutil.walk_packages(eventstudy.__path__, "eventstudy.")),
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} example(s) in {name} failed (see the output)"
