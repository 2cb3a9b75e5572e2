"""Solver backends of :func:`qbtoolkit.evolve`, one module each, registered in one table.

A new route is one new module defining a :class:`~qbtoolkit.dynamics.backends.base.Backend`
(its ``run(request)`` function, its options and what it supports) and one line in
:data:`BACKENDS`. Backends receive a validated
:class:`~qbtoolkit.dynamics.backends.base.Request` and hand their states to its collector;
they never import the front (:mod:`qbtoolkit.dynamics.evolve`).
"""

from __future__ import annotations

from . import auto, blocks, expm, matrix_free, mesolve, permutation, sectors
from .base import Backend, Collector, EOps, Request

__all__ = ["BACKENDS", "Backend", "Collector", "EOps", "Request"]

#: ``method`` name -> backend, in the order they are listed in errors.
BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        mesolve.BACKEND,
        expm.BACKEND,
        blocks.BACKEND,
        permutation.BACKEND,
        sectors.BACKEND,
        matrix_free.BACKEND,
        auto.BACKEND,
    )
}
