"""Executing a research notebook and writing it as HTML."""

from __future__ import annotations

from pathlib import Path

from eventstudy.errors import InvalidInputError

#: The research note rendered by ``eventstudy report --notebook`` when no path is given.
DEFAULT_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_faw_jiefang_xiaomi.ipynb"


def render_notebook(
    notebook: str | Path = DEFAULT_NOTEBOOK, out: str | Path = ".", *, timeout: int = 600
) -> Path:
    """Execute a notebook top to bottom and write it as HTML into ``out``.

    Parameters
    ----------
    notebook : str or pathlib.Path
        The notebook (default: the FAW Jiefang research note of this repository).
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
    InvalidInputError
        If the notebook does not exist (it ships with the source repository, not the wheel).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    path = Path(notebook)
    if not path.is_file():
        raise InvalidInputError(
            f"notebook {str(path)!r} not found; pass the path of a notebook (the research "
            "notes are in the notebooks/ folder of the source repository)."
        )
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    body, _ = HTMLExporter().from_notebook_node(nb)  # type: ignore[no-untyped-call]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target
