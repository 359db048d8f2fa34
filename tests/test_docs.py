"""The documents point at files that exist: every path of the repository that the README,
the pages in ``docs/``, ``data/PROVENANCE.md``, the seed format and the notebooks name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [
        REPO / "README.md",
        REPO / "data" / "PROVENANCE.md",
        REPO / "seeds" / "README.md",
        *(REPO / "docs").glob("*.md"),
        *(REPO / "notebooks").glob("*.ipynb"),
    ]
)
#: A path in the repository: a folder of it, then a file name with an extension. Paths under
#: ``data/`` name vendor files too (``data/sz399001.csv`` of a vendor's repository), so only
#: the folders that hold the project's own files are read.
_PATH = re.compile(
    r"(?<![\w/.])(?:tests|scripts|benchmarks|docs|notebooks|eventstudy)/[\w./-]*\w\.(?:py|md|ipynb)"
)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_path_a_document_names_exists(document: Path) -> None:
    named = set(_PATH.findall(document.read_text(encoding="utf-8")))
    missing = sorted(p for p in named if not (REPO / p).exists())
    assert not missing, f"{document.relative_to(REPO)} names files that do not exist: {missing}"
