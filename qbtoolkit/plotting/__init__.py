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

__all__ = ["STYLE", "house_style", "subplots", "label_panels", "pi_ticks", "reference_line",
           "save"]


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


def _pi_label(k: int, q: int) -> str:
    """``k pi / q`` in lowest terms, as mathtext."""
    from math import gcd

    if k == 0:
        return "$0$"
    g = gcd(k, q)
    k, q = k // g, q // g
    num = "\\pi" if k == 1 else ("-\\pi" if k == -1 else f"{k}\\pi")
    return f"${num}$" if q == 1 else f"${num}/{q}$"


def pi_ticks(ax, axis: str = "x", denominator: int = 4) -> None:
    """Ticks at multiples of ``pi / denominator`` labelled as fractions of pi (e.g. an angle
    theta in rad): ``0, pi/4, pi/2, 3pi/4, pi``."""
    import numpy as np

    lo, hi = (ax.get_xlim() if axis == "x" else ax.get_ylim())
    step = np.pi / denominator
    ks = np.arange(int(np.ceil(lo / step - 1e-9)), int(np.floor(hi / step + 1e-9)) + 1)
    ticks, labels = ks * step, [_pi_label(int(k), denominator) for k in ks]
    if axis == "x":
        ax.set_xticks(ticks, labels)
    else:
        ax.set_yticks(ticks, labels)


def reference_line(ax, x: float, text: str, *, color: str = "0.4", ls: str = "--",
                   y: float = 0.97, **kwargs: Any) -> None:
    """A vertical reference line at ``x`` (an optimal time, a half-life, ...) annotated with
    ``text`` next to its top, so the line says what it marks."""
    ax.axvline(x, color=color, ls=ls, lw=0.8, **kwargs)
    ax.annotate(text, xy=(x, y), xycoords=("data", "axes fraction"), xytext=(3, 0),
                textcoords="offset points", ha="left", va="top", color=color,
                fontsize="small")


def save(fig, path: str | Path, dpi: int = 150) -> Path:
    """Save a figure as PNG (parents created) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
