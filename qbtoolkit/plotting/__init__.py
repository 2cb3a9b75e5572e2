"""House plotting style and small helpers (each takes/returns matplotlib objects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

STYLE = Path(__file__).with_name("paper.mplstyle")

__all__ = ["STYLE", "subplots", "label_panels", "save"]


def subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any):
    """``plt.subplots`` under the house style; returns ``(fig, axes)``."""
    with plt.style.context(STYLE):
        kwargs.setdefault("figsize", (4.0 * ncols, 3.2 * nrows))
        kwargs.setdefault("layout", "constrained")
        fig, axes = plt.subplots(nrows, ncols, **kwargs)
    return fig, axes


def label_panels(axes, labels: str = "abcdefghijkl") -> None:
    """Write (a), (b), ... in the top-left corner of each axis."""
    import numpy as np

    for ax, lab in zip(np.ravel(axes), labels, strict=False):
        ax.text(0.02, 0.96, f"({lab})", transform=ax.transAxes, va="top", ha="left",
                fontweight="bold")


def save(fig, path: str | Path, dpi: int = 150) -> Path:
    """Save a figure as PNG (parents created) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
