"""The coefficients of a fitted model, with the keys they used to share for one release."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import pandas as pd


class Params(pd.Series):
    """A model's named coefficients (a float Series).

    Until the next release, ``params[key]`` still answers the keys of the fit statistics it
    used to hold (``"sigma"``, ``"r2"``, ``"nobs"``, ``"df"``, ``"estimation_start"``,
    ``"estimation_end"``, and ``"beta"`` / ``"beta_j"`` for factor slopes now named after
    their factor), with a :class:`FutureWarning` naming the attribute to use instead.
    Anything computed from it is a plain :class:`pandas.Series`.
    """

    _metadata: ClassVar[list[str]] = ["_name", "_moved"]
    _moved: dict[str, tuple[str, Any]]

    @property
    def _constructor(self) -> type[pd.Series]:
        return pd.Series

    @classmethod
    def of(cls, values: dict[str, float], name: str, moved: dict[str, tuple[str, Any]]) -> Params:
        """``values`` as a float Series named ``name``; ``moved`` maps each former key to
        the expression that replaces it and its value."""
        params = cls(values, name=name, dtype=float)
        params._moved = moved
        return params

    def __getitem__(self, key: Any) -> Any:
        moved: dict[str, tuple[str, Any]] = getattr(self, "_moved", {})
        if isinstance(key, str) and key not in self.index and key in moved:
            new, value = moved[key]
            warnings.warn(
                f"params[{key!r}] is deprecated and will be removed in the next release; use "
                f"{new} (params holds the model's coefficients only).",
                FutureWarning,
                stacklevel=2,
            )
            return value
        return super().__getitem__(key)
