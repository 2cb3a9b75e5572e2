"""Drawing helpers shared by the figure recipes of the papers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from ..plotting import house_style


def styled(plot: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap a plot function so that it draws the whole figure under the house style.

    :func:`qbtoolkit.plotting.subplots` applies the style only while the axes are created;
    legends, annotations and colour bars drawn afterwards need it too.

    Parameters
    ----------
    plot : callable
        ``plot(data) -> matplotlib.figure.Figure``.

    Returns
    -------
    callable
        The same function, drawing inside :func:`qbtoolkit.plotting.house_style`.
    """

    @functools.wraps(plot)
    def draw(data: Any) -> Any:
        with house_style():
            return plot(data)

    return draw


def legend_right(ax: Any, handles: Sequence[Any] | None = None, **kw: Any) -> Any:
    """Place a legend outside the axes, to their right (never on the data).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose legend it is.
    handles : sequence of artists, optional
        The entries (default: the labelled artists of ``ax``).
    **kw
        Further ``Axes.legend`` arguments; they override the placement defaults.

    Returns
    -------
    matplotlib.legend.Legend
        The legend.
    """
    kw = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
          "title_fontsize": "small", **kw}
    return ax.legend(handles=handles, **kw) if handles is not None else ax.legend(**kw)
