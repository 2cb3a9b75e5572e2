"""Every public callable has a numpydoc docstring the API reference can render, and type hints.

The public API is enumerated the way the API reference (docs/_ext/qbdocs.py) documents it:
every module under qbtoolkit/ without a private part, and in each the classes and functions
named in its ``__all__`` (or, without ``__all__``, its public names) that the module itself
defines; plus names a package exports from a private module (``qbtoolkit.ptrace``); plus the
public methods, properties (cached ones too) and ``__call__`` of every such class. The paper recipes
(``qbtoolkit.papers``) and the plotting style (``qbtoolkit.plotting``) are documented by their
own pages and are not part of this check.

For each callable, parsed with ``numpydoc.docscrape``:

* a one-line summary, and numpydoc parses the docstring without a warning;
* a Parameters section naming exactly the signature's parameters, in order (``self``/``cls``
  excluded; ``*args``/``**kwargs`` named with or without their stars), each with a type and a
  description; classes list their constructor's parameters;
* functions and methods that return something (annotation other than ``None``) have a
  Returns section whose entries are described; generators have Yields;
* a function whose own body raises ``ValueError`` has a Raises section naming it;
* the core metrics, builders and entry points (:data:`CORE`) have an Examples section with
  doctest lines (``tests/test_doctests.py`` runs them).
* every parameter and return of a public function, method or constructor is type-hinted.

Each test lists every offender, so one run shows all that is missing.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import textwrap
import warnings
from collections.abc import Callable, Iterator

import pytest
from numpydoc.docscrape import NumpyDocString

import qbtoolkit

#: Subpackages documented elsewhere (paper pages, the plotting style) and not checked here.
OUT_OF_SCOPE = ("qbtoolkit.papers", "qbtoolkit.plotting")

#: Core metrics, builders and entry points: each must have an Examples section (doctested).
CORE = (
    "qbtoolkit.metrics.work.energy",
    "qbtoolkit.metrics.work.ergotropy",
    "qbtoolkit.metrics.work.antiergotropy",
    "qbtoolkit.metrics.work.capacity",
    "qbtoolkit.metrics.work.incoherent_ergotropy",
    "qbtoolkit.metrics.work.coherent_ergotropy",
    "qbtoolkit.metrics.work.energy_variance",
    "qbtoolkit.metrics.coherence.l1_coherence",
    "qbtoolkit.metrics.coherence.relative_entropy_coherence",
    "qbtoolkit.metrics.coherence.imaginarity",
    "qbtoolkit.metrics.texture.state_texture",
    "qbtoolkit.metrics.correlations.concurrence",
    "qbtoolkit.metrics.correlations.negativity",
    "qbtoolkit.metrics.correlations.entanglement_entropy",
    "qbtoolkit.metrics.correlations.mutual_information",
    "qbtoolkit.metrics.nonlocality.steering",
    "qbtoolkit.metrics.nonlocality.bell_chsh",
    "qbtoolkit.metrics.dicke.permutation_invariant_ergotropy",
    "qbtoolkit.metrics.ergotropies.local_ergotropies",
    "qbtoolkit.metrics.ergotropies.locked_ergotropy",
    "qbtoolkit.metrics.ergotropies.asymptotic_ergotropy",
    "qbtoolkit.metrics.ergotropies.multi_copy_ergotropy",
    "qbtoolkit.metrics.ergotropies.daemonic_ergotropy",
    "qbtoolkit.ptrace",
    "qbtoolkit.models.charger.charger_battery",
    "qbtoolkit.models.atom.driven_atom",
    "qbtoolkit.models.network.network",
    "qbtoolkit.models.collective.collective_battery",
    "qbtoolkit.models.collective.parallel_battery",
    "qbtoolkit.models.xxz.xxz_charger_battery",
    "qbtoolkit.models.thermal.thermal_model",
    "qbtoolkit.models.thermal.thermal_network",
    "qbtoolkit.thermo.baths.Bath",
    "qbtoolkit.dynamics.evolve.evolve",
    "qbtoolkit.dynamics.protocol.protocol",
    "qbtoolkit.dynamics.protocol.Stage",
    "qbtoolkit.dynamics.steady.steady_state",
    "qbtoolkit.studies.sweep.sweep",
)


def public_modules() -> list[str]:
    """Dotted names of the public modules checked here (sorted, the package first)."""
    names = ["qbtoolkit"]
    for info in pkgutil.walk_packages(qbtoolkit.__path__, "qbtoolkit."):
        if any(p.startswith("_") for p in info.name.split(".")):
            continue
        if info.name.startswith(OUT_OF_SCOPE):
            continue
        names.append(info.name)
    return sorted(names)


def _is_private_module(name: str) -> bool:
    return any(p.startswith("_") for p in name.split("."))


def _module_members(modname: str) -> Iterator[tuple[str, object]]:
    mod = importlib.import_module(modname)
    exported = getattr(mod, "__all__", None)
    names = exported if exported is not None else [n for n in vars(mod) if not n.startswith("_")]
    for name in names:
        obj = getattr(mod, name, None)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        defined_in = getattr(obj, "__module__", "") or ""
        if defined_in == modname or (
            exported is not None and defined_in.startswith("qbtoolkit.")
            and _is_private_module(defined_in)
        ):
            yield f"{modname}.{name}", obj


def _class_members(cls: type) -> Iterator[tuple[str, object, str]]:
    for name, raw in vars(cls).items():
        if name.startswith("_") and name != "__call__":
            continue
        if isinstance(raw, property | functools.cached_property):
            yield name, raw, "property"
        elif isinstance(raw, (staticmethod, classmethod)):
            yield name, raw.__func__, "method"
        elif inspect.isfunction(raw):
            yield name, raw, "method"


def public_callables() -> list[tuple[str, object, str]]:
    """``(qualified name, object, kind)`` of every public callable; kind is ``"function"``,
    ``"class"``, ``"method"`` or ``"property"``."""
    out: list[tuple[str, object, str]] = []
    seen: set[int] = set()
    for modname in public_modules():
        for qual, obj in _module_members(modname):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                out.append((qual, obj, "class"))
                for name, member, kind in _class_members(obj):
                    out.append((f"{qual}.{name}", member, kind))
            else:
                out.append((qual, obj, "function"))
    return out


_DOCS: dict[str, NumpyDocString] = {}


def _parsed(qual: str, obj: object) -> tuple[NumpyDocString | None, list[str]]:
    """The parsed docstring (None if absent) and numpydoc's parse warnings."""
    doc = inspect.getdoc(obj)
    if not doc:
        return None, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = NumpyDocString(doc)
    return parsed, [str(w.message) for w in caught]


def _signature_params(obj: object, kind: str) -> list[str] | None:
    if kind == "class" and (issubclass(obj, BaseException) or getattr(obj, "_is_protocol", False)):
        return None  # exceptions take a message; protocols are not instantiated
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if kind == "method" and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return [p.name for p in params]


def _documented_params(doc: NumpyDocString) -> list[str]:
    names = []
    for p in doc["Parameters"]:
        names += [n.strip().lstrip("*") for n in p.name.split(",") if n.strip()]
    return names


def _returns_something(obj: Callable) -> bool:
    ann = inspect.signature(obj).return_annotation
    if ann is inspect.Signature.empty:
        # no annotation: a `return <value>` in the function's own body
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
        fn = tree.body[0]
        return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))
    return ann not in (None, "None")


def _raises_valueerror_itself(obj: Callable) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError):
        return False
    fn = tree.body[0]
    nested = {id(n) for n in ast.walk(fn) if n is not fn and isinstance(
        n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))}
    inner = {id(m) for n in ast.walk(fn) if id(n) in nested for m in ast.walk(n)}
    for node in ast.walk(fn):
        if id(node) in inner or not isinstance(node, ast.Raise) or node.exc is None:
            continue
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(exc, ast.Name) and exc.id == "ValueError":
            return True
    return False


CALLABLES = public_callables()


def _report(offenders: list[str], what: str) -> str:
    return f"{len(offenders)} public callables {what}:\n  " + "\n  ".join(offenders)


def test_enumeration_sees_the_public_api():
    """The walk finds the package's API (a broken walk would make every test vacuous)."""
    names = {q for q, _, _ in CALLABLES}
    assert len(CALLABLES) > 300
    assert set(CORE) <= names, sorted(set(CORE) - names)
    assert {"qbtoolkit.dynamics.trajectory.Trajectory.evaluate",
            "qbtoolkit.models.base.BatteryModel.dims"} <= names
    assert not any(q.startswith(OUT_OF_SCOPE) for q in names)


def test_every_public_callable_has_a_summary():
    bad = []
    for qual, obj, _ in CALLABLES:
        doc, problems = _parsed(qual, obj)
        if doc is None:
            bad.append(f"{qual}: no docstring")
        elif not doc["Summary"]:
            bad.append(f"{qual}: no one-line summary")
        elif len(doc["Summary"]) > 1:
            bad.append(f"{qual}: the summary spans {len(doc['Summary'])} lines "
                       f"({doc['Summary'][0]!r} ...)")
        bad += [f"{qual}: numpydoc: {p}" for p in problems]
    assert not bad, _report(bad, "without a clean summary")


def test_parameters_sections_match_the_signatures():
    bad = []
    for qual, obj, kind in CALLABLES:
        if kind == "property":
            continue
        doc, _ = _parsed(qual, obj)
        want = _signature_params(obj, kind)
        if doc is None or want is None:
            continue
        got = _documented_params(doc)
        if got != want:
            bad.append(f"{qual}: Parameters {got} != signature {want}")
            continue
        for p in doc["Parameters"]:
            if not p.type.strip():
                bad.append(f"{qual}: parameter {p.name!r} has no type")
            if not "".join(p.desc).strip():
                bad.append(f"{qual}: parameter {p.name!r} has no description")
    assert not bad, _report(bad, "whose Parameters do not match their signature")


def test_returns_sections():
    bad = []
    for qual, obj, kind in CALLABLES:
        if kind not in ("function", "method"):
            continue
        doc, _ = _parsed(qual, obj)
        if doc is None:
            continue
        if inspect.isgeneratorfunction(obj):
            if not doc["Yields"]:
                bad.append(f"{qual}: generator without a Yields section")
            continue
        if _returns_something(obj) and not doc["Returns"]:
            bad.append(f"{qual}: no Returns section")
        for r in doc["Returns"]:
            if not "".join(r.desc).strip():
                bad.append(f"{qual}: return value {r.name or r.type!r} has no description")
    assert not bad, _report(bad, "without a described Returns section")


def test_functions_that_raise_valueerror_document_it():
    bad = []
    for qual, obj, kind in CALLABLES:
        if kind not in ("function", "method") or not _raises_valueerror_itself(obj):
            continue
        doc, _ = _parsed(qual, obj)
        if doc is None:
            continue
        if not any("ValueError" in (r.type + r.name) for r in doc["Raises"]):
            bad.append(f"{qual}: raises ValueError but has no Raises section naming it")
    assert not bad, _report(bad, "without a Raises section")


@pytest.mark.parametrize("qual", CORE)
def test_core_api_has_a_doctested_example(qual):
    obj = dict((q, o) for q, o, _ in CALLABLES)[qual]
    doc, _ = _parsed(qual, obj)
    assert doc is not None and doc["Examples"], f"{qual}: no Examples section"
    assert any(line.lstrip().startswith(">>>") for line in doc["Examples"]), (
        f"{qual}: the Examples section has no doctest line (>>>)")


def test_public_api_is_type_hinted():
    """Every parameter and the return of every public function and method is annotated
    (a class is checked through the ``__init__`` it defines itself)."""
    offenders = []
    for qual, obj, kind in CALLABLES:
        if kind == "property":
            func, check_return = obj.fget if isinstance(obj, property) else obj.func, True
        elif kind == "class":
            func, check_return = vars(obj).get("__init__"), False
            if func is None or getattr(obj, "_is_protocol", False):
                continue  # constructor generated (dataclass, NamedTuple), inherited, or none
        else:
            func, check_return = obj, True
        sig = inspect.signature(func)
        bare = [p.name for p in sig.parameters.values()
                if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
        if bare:
            offenders.append(f"{qual}: parameters {bare}")
        if check_return and sig.return_annotation is inspect.Signature.empty:
            offenders.append(f"{qual}: return")
    assert not offenders, _report(offenders, "without type hints")
