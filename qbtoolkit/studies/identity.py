"""What a checkpoint depends on: a stable identity of the swept function and its inputs.

A resumed sweep may only reuse chunks computed by the same code.  The identity of a function is
built from

* its compiled code (bytecode, constants and names, nested functions and comprehensions
  included), its defaults, keyword defaults, attributes (e.g. :func:`annotate` declarations)
  and the contents of its closure cells;
* every module-level object its code names that exists in its module: functions, classes and
  constants, followed transitively through the user's own modules (a helper's helper, a
  constant read by a helper, ``mymodule.f`` through ``import mymodule``);
* for a callable object (e.g. a dataclass instance such as
  :class:`qbtoolkit.studies.StudyPoint`) its class (methods, class attributes) and its fields
  or state; for :func:`functools.partial` the function and the bound arguments; for a bound
  method the instance;
* an optional user salt (``sweep(..., version=...)``).

Objects of libraries (the standard library, anything in site-packages, and qbtoolkit itself)
are identified by their names; the versions of Python, of the core libraries and of every
library the function refers to are recorded alongside.  Values are encoded canonically
(floats bit for bit, dict and set entries independent of their order, arrays by dtype, shape
and bytes), so the identity is the same in every process and session.

Each named dependency is hashed separately (``parts``), so a refused resume can say what
changed.  When some object cannot be encoded stably (an open file, a lock, a generator, an
object that cannot be pickled) the identity is *unknown*: a checkpoint is then never resumed.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import struct
import sys
import sysconfig
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Identity", "function_identity", "function_name", "library_versions"]

#: Libraries whose versions every manifest records (results depend on them).
CORE_LIBRARIES = ("numpy", "scipy", "qutip", "xarray", "qbtoolkit")

# Class attributes that are derived from others (or are pure bookkeeping).
_DERIVED_CLASS_ATTRS = frozenset({
    "__dict__", "__weakref__", "__module__", "__qualname__", "__annotations__",
    "__dataclass_fields__", "__dataclass_params__", "__match_args__", "__firstlineno__",
    "__static_attributes__", "__orig_bases__", "__parameters__", "__abstractmethods__",
    "_abc_impl",
})


class _Unknown(Exception):
    """An object on which the identity depends cannot be encoded stably."""


def function_name(func: Any) -> str:
    """``module.qualname`` of a function (``partial(module.qualname)`` for partials).

    Parameters
    ----------
    func : callable
        A function, partial, bound method or callable object.

    Returns
    -------
    str
        Its dotted name.
    """
    if isinstance(func, functools.partial):
        return f"partial({function_name(func.func)})"
    qual = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None) or type(func).__module__
    return f"{module}.{qual}"


# ---------------------------------------------------------------------------------------------
# Which code is the user's
# ---------------------------------------------------------------------------------------------
@functools.cache
def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs |= {sys.base_prefix and os.path.join(sys.base_prefix, "lib")}
    return tuple(sorted(os.path.realpath(d) for d in dirs if d))


def _is_user_module(name: str | None) -> bool:
    """True for the user's own modules: ``__main__`` (scripts, notebooks) and modules outside
    the standard library and site-packages; qbtoolkit is a library."""
    if not name:
        return True  # code without a module (exec'd strings): treat as the user's
    if name == "__main__":
        return True
    top = name.partition(".")[0]
    if top == "qbtoolkit" or top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return False
    module = sys.modules.get(name) or sys.modules.get(top)
    file = getattr(module, "__file__", None)
    if not file:  # built without a file: a library if an installed distribution provides it
        return top not in _distributions()
    path = os.path.realpath(file)
    parts = Path(path).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    return not any(path.startswith(d + os.sep) for d in _library_dirs())


def _top_package(name: str | None) -> str | None:
    if not name:
        return None
    top = name.partition(".")[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names or top == "builtins":
        return None  # covered by the Python version
    return top


@functools.cache
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        pass
    for dist in _distributions().get(package, []):  # e.g. yaml -> PyYAML (slow to list)
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    version = getattr(sys.modules.get(package), "__version__", None)
    return str(version) if version is not None else "unknown"


def library_versions(packages: Any = ()) -> dict[str, str]:
    """``{"python": ..., package: version}`` for the core libraries and ``packages``.

    Parameters
    ----------
    packages : iterable of str, default ()
        Further distribution names.

    Returns
    -------
    dict of str to str
        Version strings of Python and of each package.
    """
    out = {"python": f"{platform.python_implementation()} {platform.python_version()}"}
    for package in sorted({*CORE_LIBRARIES, *packages}):
        out[package] = _version_of(package)
    return out


# ---------------------------------------------------------------------------------------------
# The identity
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Identity:
    """The identity of a swept callable (see the module docstring).

    Parameters
    ----------
    name : str
        ``module.qualname`` of the callable.
    sha256 : str or None
        Hash of everything below; None when the identity cannot be established.
    parts : dict of str to str
        Hash of each dependency, by name (``module.helper``, ``module.CONSTANT``, closure
        variables, bound arguments).
    libraries : dict of str to str
        Versions of Python and of the libraries the results depend on.
    version : str, int or None
        The user's salt (``sweep(..., version=...)``).
    unknown : str or None
        Why the identity cannot be established (then ``sha256`` is None).
    """

    name: str
    sha256: str | None
    parts: dict[str, str]
    libraries: dict[str, str]
    version: str | int | None = None
    unknown: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The identity as a JSON-able dict (a checkpoint manifest entry).

        Returns
        -------
        dict
            The fields by name.
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Identity:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : dict
            A manifest entry.

        Returns
        -------
        Identity
            The identity it describes.

        Raises
        ------
        ValueError
            A malformed entry (naming the field).
        """
        if not isinstance(data, Mapping):
            raise ValueError("'identity' must be a JSON object")
        expected = {f.name for f in dataclasses.fields(cls)}
        if set(data) != expected:
            raise ValueError(f"'identity' must have the keys {sorted(expected)}, got "
                             f"{sorted(data)}")
        for key in ("parts", "libraries"):
            value = data[key]
            if not isinstance(value, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ValueError(f"'identity.{key}' must map strings to strings")
        checks = {"name": (str,), "sha256": (str, type(None)), "version": (str, int, type(None)),
                  "unknown": (str, type(None))}
        for key, types_ in checks.items():
            if not isinstance(data[key], types_) or isinstance(data[key], bool):
                raise ValueError(f"'identity.{key}' has the wrong type "
                                 f"({type(data[key]).__name__})")
        return cls(**{k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()})

    def differences(self, old: Identity) -> list[str]:
        """What differs from ``old``, one phrase per item.

        Parameters
        ----------
        old : Identity
            The identity recorded in a checkpoint.

        Returns
        -------
        list of str
            Phrases such as ``"changed: module.helper"`` or ``"numpy 2.3 -> 2.4"``; empty if
            the identities agree.
        """
        out = []
        for package in sorted(set(old.libraries) | set(self.libraries)):
            a, b = old.libraries.get(package), self.libraries.get(package)
            if a is not None and b is not None and a != b:
                out.append(f"{package} {a} -> {b}")
        if old.version != self.version:
            out.append(f"version={old.version!r} -> version={self.version!r}")
        if old.name != self.name:
            out.append(f"the function {old.name} -> {self.name}")
        changed = sorted(k for k in set(old.parts) & set(self.parts)
                         if old.parts[k] != self.parts[k])
        if changed:
            out.append("changed: " + _listing(changed))
        added = sorted(set(self.parts) - set(old.parts))
        if added:
            out.append("now also depends on: " + _listing(added))
        removed = sorted(set(old.parts) - set(self.parts))
        if removed:
            out.append("no longer depends on: " + _listing(removed))
        if not out and old.sha256 != self.sha256:
            out.append(f"the function {self.name} changed")
        return out


def _listing(names: list[str], limit: int = 8) -> str:
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def function_identity(func: Callable[..., Any], version: str | int | None = None) -> Identity:
    """The :class:`Identity` of ``func`` (never raises: an unknown identity says why).

    Parameters
    ----------
    func : callable
        The swept function, partial, bound method or callable object.
    version : str or int, optional
        User salt; a new value makes a new identity.

    Returns
    -------
    Identity
        Its name, hash, dependency hashes, library versions and salt; ``sha256`` None and
        ``unknown`` set when it cannot be established.
    """
    name = function_name(func)
    walker = _Walker()
    try:
        top = walker.canon(func, name)
    except _Unknown as exc:
        unknown = str(exc)
    except RecursionError:
        unknown = f"{name} refers to objects nested too deeply to encode"
    else:
        if walker.label_of(func) is None:  # partials, bound methods, callable objects
            walker.parts[f"{name} (bound arguments or state)"] = _digest(top)
        libraries = library_versions(walker.libraries)
        payload = json.dumps([name, version, walker.parts, libraries], sort_keys=True)
        return Identity(name, hashlib.sha256(payload.encode()).hexdigest(), walker.parts,
                        libraries, version)
    return Identity(name, None, {}, library_versions(walker.libraries), version, unknown)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def _tag(kind: str, *items: bytes) -> bytes:
    """Length-prefixed concatenation (unambiguous)."""
    out = [kind.encode(), b"("]
    for item in items:
        out.append(struct.pack("<Q", len(item)))
        out.append(item)
    out.append(b")")
    return b"".join(out)


class _Walker:
    """Encodes objects canonically; records a part per user function, class and global."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.libraries: set[str] = set()
        self._labels: dict[int, str] = {}
        self._keep: list[Any] = []  # walked objects stay alive, so their ids stay unique
        self._stack: set[int] = set()
        self._modules_seen: set[tuple[int, frozenset[str]]] = set()
        self._dependencies: dict[str, bytes] = {}

    # -- helpers -------------------------------------------------------------------------------
    def label_of(self, obj: Any) -> str | None:
        """The part label of a walked user function or class."""
        return self._labels.get(id(obj))

    def _library(self, obj: Any, module: str | None) -> bytes:
        top = _top_package(module)
        if top:
            self.libraries.add(top)
        qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
        return _tag("lib", f"{module}.{qual}".encode())

    def _unique(self, base: str) -> str:
        label, k = base, 1
        while label in self.parts:
            k += 1
            label = f"{base}#{k}"
        return label

    def _label(self, obj: Any, base: str) -> str:
        label = self._unique(base)
        self._labels[id(obj)] = label
        self._keep.append(obj)
        self.parts[label] = ""  # reserved while walking (recursion sees the label)
        return label

    # -- values --------------------------------------------------------------------------------
    def canon(self, obj: Any, where: str) -> bytes:
        """Canonical bytes of ``obj`` (``where`` names it in error messages)."""
        if obj is None or obj is Ellipsis or obj is NotImplemented:
            return _tag("const", repr(obj).encode())
        if isinstance(obj, bool | np.bool_):
            return _tag("bool", b"1" if obj else b"0")
        if isinstance(obj, int) and type(obj) is int:
            return _tag("int", str(obj).encode())
        if type(obj) is float:
            return _tag("float", struct.pack("<d", obj))
        if type(obj) is complex:
            return _tag("complex", struct.pack("<dd", obj.real, obj.imag))
        if type(obj) is str:
            return _tag("str", obj.encode("utf-8", "surrogatepass"))
        if type(obj) is bytes:
            return _tag("bytes", obj)
        if isinstance(obj, np.ndarray | np.generic):
            return self._array(obj, where)
        if isinstance(obj, types.CodeType):
            return self._code(obj, where)
        if isinstance(obj, types.ModuleType):
            if _is_user_module(obj.__name__):
                raise _Unknown(
                    f"{where} holds the module {obj.__name__} itself; which of its contents "
                    "the function uses cannot be told")
            return self._library(obj, obj.__name__)
        if isinstance(obj, types.FunctionType):
            return self._function(obj, where)
        if isinstance(obj, type):
            return self._class(obj, where)
        if isinstance(obj, types.MethodType):
            return _tag("method", self.canon(obj.__func__, where),
                        self.canon(obj.__self__, f"{where}.__self__"))
        if isinstance(obj, functools.partial):
            return _tag("partial", self.canon(obj.func, where),
                        self.canon(obj.args, f"{where} (bound arguments)"),
                        self.canon(obj.keywords, f"{where} (bound keywords)"))
        if isinstance(obj, staticmethod | classmethod):
            return _tag(type(obj).__name__, self.canon(obj.__func__, where))
        if isinstance(obj, property):
            return _tag("property", *(self.canon(f, where) for f in (obj.fget, obj.fset,
                                                                     obj.fdel)))
        if isinstance(obj, types.BuiltinFunctionType | types.BuiltinMethodType):
            owner = getattr(obj, "__self__", None)
            if owner is None or isinstance(owner, types.ModuleType):
                return self._library(obj, getattr(obj, "__module__", None))
            return _tag("builtin-method", obj.__name__.encode(),
                        self.canon(owner, f"{where}.__self__"))
        if isinstance(obj, enum.Enum):
            return _tag("enum", self.canon(type(obj), where), obj.name.encode())
        if isinstance(obj, types.GenericAlias | types.UnionType) or (
            type(obj).__module__ == "typing"
        ):
            return _tag("typing", repr(obj).encode())
        if isinstance(obj, tuple | list | dict | set | frozenset | types.MappingProxyType):
            return self._container(obj, where)
        if isinstance(obj, np.ufunc):
            return self._library(obj, "numpy")
        if "qutip" in sys.modules and isinstance(obj, sys.modules["qutip"].Qobj):
            return _tag("qobj", repr(obj.dims).encode(), self._array(obj.full(), where))
        if dataclasses.is_dataclass(obj):
            fields = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
            return _tag("dataclass", self.canon(type(obj), where),
                        self.canon(fields, f"{where} (fields)"))
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None and callable(obj):
            return _tag("wrapper", self.canon(type(obj), where),
                        self.canon(wrapped, f"{where}.__wrapped__"))
        return self._reduced(obj, where)

    def _array(self, obj: np.ndarray | np.generic, where: str) -> bytes:
        arr = np.asarray(obj)
        if arr.dtype.hasobject:
            return _tag("object-array", repr(arr.shape).encode(),
                        self.canon(arr.ravel().tolist(), where))
        arr = np.ascontiguousarray(arr)
        return _tag("ndarray" if isinstance(obj, np.ndarray) else "npscalar",
                    repr(arr.dtype.descr if arr.dtype.fields else arr.dtype.str).encode(),
                    repr(arr.shape).encode(), arr.tobytes())

    def _container(self, obj: Any, where: str) -> bytes:
        key = id(obj)
        if key in self._stack:
            raise _Unknown(f"{where} contains itself")
        self._stack.add(key)
        try:
            if isinstance(obj, tuple | list):
                kind = "tuple" if isinstance(obj, tuple) else "list"
                return _tag(kind, *(self.canon(v, f"{where}[{i}]") for i, v in enumerate(obj)))
            if isinstance(obj, set | frozenset):
                return _tag("set", *sorted(self.canon(v, f"{where} item") for v in obj))
            items = sorted(
                (self.canon(k, f"{where} key"), self.canon(v, f"{where}[{k!r}]"))
                for k, v in obj.items()
            )
            return _tag("dict", *(_tag("item", k, v) for k, v in items))
        finally:
            self._stack.discard(key)

    def _reduced(self, obj: Any, where: str) -> bytes:
        """Any other object, by what pickle would store of it."""
        key = id(obj)
        if key in self._stack:
            raise _Unknown(f"{where} contains itself")
        try:
            rv = obj.__reduce_ex__(4)
        except Exception as exc:
            raise _Unknown(
                f"{where} is a {type(obj).__module__}.{type(obj).__qualname__}, which cannot be "
                f"encoded stably ({exc})") from None
        if isinstance(rv, str):  # a module-level singleton
            return self._library(obj, getattr(obj, "__module__", type(obj).__module__))
        self._stack.add(key)
        try:
            items = [self.canon(type(obj), where)]
            for i, part in enumerate(rv):
                if isinstance(part, types.GeneratorType) or hasattr(part, "__next__"):
                    part = list(part)
                items.append(self.canon(part, f"{where} (pickled state {i})"))
            return _tag("reduce", *items)
        finally:
            self._stack.discard(key)

    # -- code ----------------------------------------------------------------------------------
    def _code(self, code: types.CodeType, where: str) -> bytes:
        consts = [
            self._code(c, where) if isinstance(c, types.CodeType) else self.canon(c, where)
            for c in code.co_consts
        ]
        header = (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
                  code.co_flags, code.co_name, code.co_names, code.co_varnames,
                  code.co_freevars, code.co_cellvars)
        return _tag("code", repr(header).encode(), code.co_code, *consts)

    def _function(self, fn: types.FunctionType, where: str) -> bytes:
        # the namespace the code runs in (functools.wraps rewrites __module__)
        module = fn.__globals__.get("__name__", fn.__module__)
        if not _is_user_module(module):
            return self._library(fn, module)
        if id(fn) in self._labels:
            return _tag("ref", self._labels[id(fn)].encode())
        label = self._label(fn, f"{fn.__module__}.{fn.__qualname__}")
        code = fn.__code__
        items = [self._code(code, label),
                 self.canon(fn.__defaults__, f"{label} (defaults)"),
                 self.canon(fn.__kwdefaults__, f"{label} (keyword defaults)"),
                 self.canon({k: v for k, v in vars(fn).items() if k != "__wrapped__"},
                            f"{label} (attributes)")]
        for name, cell in zip(code.co_freevars, fn.__closure__ or (), strict=True):
            sub = f"{label} (closure variable {name!r})"
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell (defined later)
                items.append(_tag("empty cell", name.encode()))
                continue
            items.append(_tag("cell", name.encode(), self._dependency(sub, value, _names(code))))
        items.append(self._globals(fn.__globals__, _names(code), label))
        self.parts[label] = _digest(_tag("function", *items))
        return _tag("ref", label.encode())

    def _globals(self, namespace: Mapping[str, Any], names: frozenset[str], label: str) -> bytes:
        """The module-level objects named by some code, each recorded as a part."""
        module = namespace.get("__name__", "?")
        used = []
        for name in sorted(names):
            if name in namespace and not (name.startswith("__") and name.endswith("__")):
                sub = f"{module}.{name}"
                used.append(_tag("name", name.encode(),
                                 self._dependency(sub, namespace[name], names)))
        return _tag("globals", *used)

    def _dependency(self, label: str, value: Any, names: frozenset[str]) -> bytes:
        """Encode ``value`` (a global or closure variable): objects of libraries by name in
        the caller's part, the user's functions and classes as their own parts, data as the
        part ``label``."""
        if isinstance(value, types.ModuleType) and _is_user_module(value.__name__):
            key = (id(value), names)
            if key not in self._modules_seen:
                self._modules_seen.add(key)
                self._keep.append(value)
                self._globals(vars(value), names, label)
            return _tag("module", value.__name__.encode())
        if label in self._dependencies:  # the same module-level name, met again
            return self._dependencies[label]
        self._dependencies[label] = _tag("pending", label.encode())
        data = self.canon(value, label)
        if data.startswith((b"lib(", b"ref(")):
            ref = data
        else:
            unique = self._unique(label)
            self.parts[unique] = _digest(data)
            ref = _tag("part", unique.encode())
        self._dependencies[label] = ref
        return ref

    def _class(self, cls: type, where: str) -> bytes:
        module = cls.__module__
        if not _is_user_module(module):
            return self._library(cls, module)
        if id(cls) in self._labels:
            return _tag("ref", self._labels[id(cls)].encode())
        label = self._label(cls, f"{module}.{cls.__qualname__}")
        items = [self.canon(base, f"{label} base") for base in cls.__bases__]
        for name in sorted(vars(cls)):
            if name in _DERIVED_CLASS_ATTRS:
                continue
            items.append(_tag("attr", name.encode(),
                              self.canon(vars(cls)[name], f"{label}.{name}")))
        self.parts[label] = _digest(_tag("class", cls.__qualname__.encode(), *items))
        return _tag("ref", label.encode())


def _names(code: types.CodeType) -> frozenset[str]:
    """Every global or attribute name used by ``code`` and the code nested in it."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return frozenset(names)
