"""Figure recipes for the source papers, in one registry shared by the CLI and notebooks.

Each module in this package covers one paper and calls :func:`register` once per figure.
A recipe is a pair of functions: ``compute(quick=False) -> xarray.Dataset`` returns the data
(``quick=True`` shrinks grids for CI) and ``plot(data) -> matplotlib.figure.Figure`` draws it.
Figure ids read ``"<paper>/<name>"``, e.g. ``"downing_ukhtary_2026/fig2"``.

>>> from qbtoolkit import papers
>>> fig = papers.get("downing_ukhtary_2026/fig2")          # doctest: +SKIP
>>> fig.plot(fig.compute(quick=True))                      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
from collections.abc import Callable
from typing import Any

__all__ = ["FigureRecipe", "register", "get", "all_figures", "quick_mode"]


@dataclasses.dataclass(frozen=True)
class FigureRecipe:
    """One figure: how to compute its data and how to draw it."""

    paper: str
    name: str
    title: str
    compute: Callable[..., Any]
    plot: Callable[[Any], Any]

    @property
    def id(self) -> str:
        return f"{self.paper}/{self.name}"

    def make(self, quick: bool = False):
        """Compute and plot: returns ``(data, matplotlib Figure)``."""
        data = self.compute(quick=quick)
        return data, self.plot(data)


_REGISTRY: dict[str, FigureRecipe] = {}
_loaded = False


def register(
    paper: str, name: str, title: str, compute: Callable[..., Any], plot: Callable[[Any], Any]
) -> FigureRecipe:
    """Add a figure recipe to the registry (called at import of each paper module); its plot
    function draws under the house style (:func:`qbtoolkit.plotting.house_style`)."""
    from ._style import styled

    recipe = FigureRecipe(paper, name, title, compute, styled(plot))
    if recipe.id in _REGISTRY and _REGISTRY[recipe.id].compute is not compute:
        raise ValueError(f"figure id {recipe.id!r} registered twice")
    _REGISTRY[recipe.id] = recipe
    return recipe


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True


def all_figures() -> list[FigureRecipe]:
    """Every registered figure, sorted by id."""
    _load_all()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get(figure_id: str) -> FigureRecipe:
    """The recipe with id ``"<paper>/<name>"``; a clear error lists what exists."""
    _load_all()
    try:
        return _REGISTRY[figure_id]
    except KeyError:
        raise ValueError(
            f"unknown figure id {figure_id!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def select(ids: list[str] | None) -> list[FigureRecipe]:
    """Recipes for ids; an id may also name a whole paper (all its figures)."""
    figs = all_figures()
    if not ids:
        return figs
    out: list[FigureRecipe] = []
    for i in ids:
        matched = [f for f in figs if f.paper == i]
        out.extend(matched or [get(i)])
    return list(dict.fromkeys(out))


def quick_mode() -> bool:
    """True when the environment variable ``QBTOOLKIT_QUICK`` is set to 1/true/yes (CI)."""
    return os.environ.get("QBTOOLKIT_QUICK", "").strip().lower() in ("1", "true", "yes")
