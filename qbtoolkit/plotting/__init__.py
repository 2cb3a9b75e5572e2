"""House plotting style and small helpers (each takes/returns matplotlib objects).

Figures are created under the house style (``paper.mplstyle``) with :func:`subplots`, in
:func:`house_style`, a context that sets and restores *only the style's own keys*. (Under a
Jupyter kernel the first figure of a session activates the inline backend, which turns
matplotlib's interactive mode on; ``plt.style.context`` restores every rcParam on exit,
including the pre-activation ``interactive = False``, after which no figure is displayed.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt

STYLE = Path(__file__).with_name("paper.mplstyle")

__all__ = ["STYLE", "house_style", "subplots", "label_panels", "save"]


@contextmanager
def house_style() -> Iterator[None]:
    """Apply ``paper.mplstyle`` inside the block; restore only the keys it sets."""
    rc = matplotlib.rc_params_from_file(STYLE, use_default_template=False)
    saved = {k: matplotlib.rcParams[k] for k in rc}
    matplotlib.rcParams.update(rc)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


def subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any):
    """``plt.subplots`` under the house style; returns ``(fig, axes)``."""
    with house_style():
        kwargs.setdefault("figsize", (4.0 * ncols, 3.2 * nrows))
        kwargs.setdefault("layout", "constrained")
        fig, axes = plt.subplots(nrows, ncols, **kwargs)
    return fig, axes


def label_panels(axes, labels: str = "abcdefghijkl") -> None:
    """Write (a), (b), ... above the top-left corner of each axis, outside the plotting area
    (never on top of data, legible whatever the colour map)."""
    import numpy as np

    for ax, lab in zip(np.ravel(axes), labels, strict=False):
        ax.text(0.0, 1.02, f"({lab})", transform=ax.transAxes, va="bottom", ha="right",
                fontweight="bold")


def save(fig, path: str | Path, dpi: int = 150) -> Path:
    """Save a figure as PNG (parents created) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
