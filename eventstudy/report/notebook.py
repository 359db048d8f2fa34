"""Executing a research notebook and writing it as HTML.

The FAW Jiefang research note ships with the package: a wheel installs it as
``eventstudy/_bundled/notebooks/01_faw_jiefang_xiaomi.ipynb`` beside the seed record it reads
(``eventstudy/_bundled/seeds/``), the same layout as ``notebooks/`` and ``seeds/`` in a source
checkout. Running a notebook needs the ``notebooks`` extra (``pip install
"eventstudy-news[notebooks]"``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from eventstudy.errors import InvalidInputError, MissingDependencyError

_PACKAGE = Path(__file__).resolve().parents[1]
_NOTE = "01_faw_jiefang_xiaomi.ipynb"

#: Where the FAW Jiefang research note is looked for: installed from a wheel, source checkout.
DEFAULT_NOTEBOOKS = (
    _PACKAGE / "_bundled" / "notebooks" / _NOTE,
    _PACKAGE.parent / "notebooks" / _NOTE,
)

#: The packages that execute a notebook and write it as HTML (the ``notebooks`` extra).
NOTEBOOK_TOOLS = ("nbformat", "nbclient", "nbconvert", "ipykernel")


def notebook_to_render(notebook: str | Path | None = None) -> Path:
    """The notebook :func:`render_notebook` would execute, once it is known that it can.

    Parameters
    ----------
    notebook : str or pathlib.Path, optional
        A notebook; by default the FAW Jiefang research note that ships with the package.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    MissingDependencyError
        If the packages that run a notebook (the ``notebooks`` extra) are not installed.
    InvalidInputError
        If the notebook does not exist.

    Examples
    --------
    >>> notebook_to_render().name
    '01_faw_jiefang_xiaomi.ipynb'
    """
    missing = [name for name in NOTEBOOK_TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependencyError(
            f"rendering a notebook needs {', '.join(missing)}, which are not installed; "
            'install the notebooks extra: pip install "eventstudy-news[notebooks]".'
        )
    if notebook is None:
        found = next((path for path in DEFAULT_NOTEBOOKS if path.is_file()), None)
        if found is None:
            tried = ", ".join(str(p) for p in DEFAULT_NOTEBOOKS)
            raise InvalidInputError(
                f"the FAW Jiefang notebook is missing (looked in {tried}); reinstall the "
                "package, or pass the path of a notebook."
            )
        return found
    path = Path(notebook)
    if not path.is_file():
        raise InvalidInputError(f"notebook {str(path)!r} not found; pass the path of a notebook.")
    return path


def render_notebook(
    notebook: str | Path | None = None, out: str | Path = ".", *, timeout: int = 600
) -> Path:
    """Execute a notebook top to bottom and write it as HTML into ``out``, as a research note:
    the code cells are hidden, their outputs (tables, charts, the text they write) shown.

    Parameters
    ----------
    notebook : str or pathlib.Path, optional
        The notebook (default: the FAW Jiefang research note, see :func:`notebook_to_render`).
        It runs in its own folder, so it finds the files beside it.
    out : str or pathlib.Path
        Folder of the HTML file, named like the notebook.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    pathlib.Path
        The HTML file.

    Raises
    ------
    MissingDependencyError
        If the ``notebooks`` extra is not installed (nothing is written).
    InvalidInputError
        If the notebook does not exist.
    """
    path = notebook_to_render(notebook)
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(nb)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target
