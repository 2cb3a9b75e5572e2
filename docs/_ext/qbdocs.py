"""Sphinx extension of the qbtoolkit docs: pages generated from the package at build time.

Directives (usable from MyST as ```` ```{qb-figures} santos_2021 ```` etc.):

``qb-figures PAPER``
    Every figure that :func:`qbtoolkit.papers.all_figures` registers for ``PAPER``: its title,
    id, the recipe call that regenerates it and the PNG ``figures/<paper>/<name>.png``.
``qb-gallery``
    Thumbnails of every registered figure, grouped by paper, each linked to its paper page.
``qb-backends``
    The ``method`` table of :func:`qbtoolkit.evolve`, from
    :data:`qbtoolkit.dynamics.backends.BACKENDS`.
``qb-metric-names``
    The metrics that can be given by name, from :mod:`qbtoolkit.metrics.registry`.
``qb-namespace PACKAGE``
    What ``PACKAGE.__all__`` exports, each name linked to where it is documented.
``qb-modules`` (content: one module per line; reStructuredText pages only)
    The API reference: a table of the modules (first line of each docstring) and a hidden
    toctree of their pages ``api/generated/<module>``, which are written at
    ``builder-inited`` from the modules themselves: the module docstring, a summary table and
    the full documentation of every function, class and documented constant the module
    *defines* (re-exports are documented where they are defined). The members are found by
    importing each module, never by name lookup through its package, so a package attribute
    that shadows a submodule (``qbtoolkit.dynamics.evolve`` the function and the module) does
    not hide the module's contents.
``qb-module-docs NAME [NAME ...]`` (reStructuredText pages only)
    For each module (a package stands for all its public submodules, found at build time):
    a section with the module docstring and a table of what it defines, linked to the API
    reference. Pages about code still being written are built from it, so they cannot go
    stale.

At ``builder-inited`` the notebooks ``notebooks/*.ipynb`` are mirrored into
``docs/generated/notebooks/`` (copied only when changed, stale copies removed), where myst-nb
renders them with their stored outputs, and the API pages are written (pages of modules no
longer listed are removed).

A registered figure whose PNG is missing, or a paper without a page ``papers/<paper>``, is a
warning (an error under ``-W``): the docs show every figure or fail.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


def _root(app: Sphinx) -> Path:
    return Path(app.srcdir).resolve().parent


def _figures():
    from qbtoolkit import papers

    return papers.all_figures()


def _anchor(recipe) -> str:
    return nodes.make_id(f"figure-{recipe.paper}-{recipe.name}")


def _paper_doc(paper: str) -> str:
    return f"papers/{paper}"


class figure_link(nodes.General, nodes.Element):
    """Placeholder for a link to a paper page (resolved once every page is known)."""


class _Base(SphinxDirective):
    def image(self, recipe, classes=()) -> nodes.image | None:
        png = _root(self.env.app) / "figures" / recipe.paper / f"{recipe.name}.png"
        if not png.is_file():
            logger.warning(
                "figure %s is registered but %s does not exist (run `qbtoolkit figures make`)",
                recipe.id, png, location=self.get_location(),
            )
            return None
        rel = Path(png).relative_to(_root(self.env.app)).as_posix()
        return nodes.image(uri=f"/../{rel}", alt=recipe.title, classes=list(classes))

    def link(self, recipe_or_paper, *children, anchor: str = "") -> figure_link:
        paper = getattr(recipe_or_paper, "paper", recipe_or_paper)
        return figure_link("", *children, paper=paper, anchor=anchor)


class FiguresDirective(_Base):
    """The figures of one paper, from the recipe registry."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        paper = self.arguments[0]
        recipes = [r for r in _figures() if r.paper == paper]
        if not recipes:
            logger.warning("no figure registered for paper %r", paper,
                           location=self.get_location())
            return []
        out: list[nodes.Node] = []
        for r in recipes:
            fig = nodes.figure(ids=[_anchor(r)], classes=["qb-figure"])
            img = self.image(r)
            if img is not None:
                fig += img
            caption = nodes.caption()
            caption += nodes.strong(text=r.title)
            caption += nodes.Text(" — id ")
            caption += nodes.literal(text=r.id)
            caption += nodes.Text("; regenerate with ")
            caption += nodes.literal(text=f"qbtoolkit figures make {r.id}")
            caption += nodes.Text(" or ")
            caption += nodes.literal(text=f'papers.get("{r.id}").make()')
            fig += caption
            out.append(fig)
        return out


class GalleryDirective(_Base):
    """Every registered figure as a thumbnail, grouped by paper."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        by_paper: dict[str, list] = {}
        for r in _figures():
            by_paper.setdefault(r.paper, []).append(r)
        for paper, recipes in by_paper.items():
            head = nodes.rubric()
            head += self.link(paper, nodes.Text(paper))
            out.append(head)
            grid = nodes.container(classes=["qb-gallery"])
            for r in recipes:
                item = nodes.container(classes=["qb-gallery-item"])
                img = self.image(r, classes=["qb-thumb"])
                if img is not None:
                    item += self.link(r, img, anchor=_anchor(r))
                para = nodes.paragraph()
                para += self.link(r, nodes.Text(r.title), anchor=_anchor(r))
                para += nodes.Text(" ")
                para += nodes.literal(text=r.id)
                item += para
                grid += item
            out.append(grid)
        return out


def _table(header: list[str], rows: list[list[nodes.Node]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["qb-table", "colwidths-given"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    thead = nodes.thead()
    group += thead
    row = nodes.row()
    for h in header:
        row += nodes.entry("", nodes.paragraph(text=h))
    thead += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for c in cells:
            entry = nodes.entry()
            entry += c if isinstance(c, nodes.paragraph) else nodes.paragraph("", "", c)
            row += entry
        body += row
    return table


def _options_text(options) -> nodes.Node:
    if not options:
        return nodes.Text("none")
    if all(v is None for v in options.values()):
        para = nodes.paragraph()
        para += nodes.Text("QuTiP's solver options, QuTiP's defaults: ")
        para += nodes.literal(text=", ".join(options))
        return para
    para = nodes.paragraph()
    for i, (k, v) in enumerate(options.items()):
        if i:
            para += nodes.Text(", ")
        para += nodes.literal(text=f"{k}={v!r}")
    return para


class BackendsDirective(SphinxDirective):
    """The solver routes of ``evolve(method=...)``, from the BACKENDS table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from qbtoolkit.dynamics.backends import BACKENDS

        rows = []
        for b in BACKENDS.values():
            mod = b.run.__module__
            name = addnodes.pending_xref(
                "", nodes.literal(text=f'"{b.name}"'), refdomain="py", reftype="mod",
                reftarget=mod, refexplicit=True, refwarn=False,
            )
            rows.append([
                name,
                nodes.Text(b.summary),
                nodes.Text("yes" if b.time_dependent else "no"),
                nodes.Text("yes" if b.states else "no (metrics only)"),
                _options_text(b.options),
            ])
        return [_table(["method", "what it does", "time-dependent", "full states",
                        "options (defaults)"], rows, [16, 34, 13, 10, 27])]


class MetricNamesDirective(SphinxDirective):
    """Metrics accepted by name, their units and whether they need ``H``."""

    has_content = False
    def run(self) -> list[nodes.Node]:
        from qbtoolkit.metrics import registry

        rows = []
        for name in registry.METRIC_NAMES:
            fn = registry.get(name)
            target = f"{fn.__module__}.{fn.__name__}"
            ref = addnodes.pending_xref(
                "", nodes.literal(text=target), refdomain="py", reftype="func",
                reftarget=target, refexplicit=True, refwarn=False,
            )
            rows.append([
                nodes.literal(text=f'"{name}"'),
                ref,
                nodes.Text(registry.units_of(fn)),
                nodes.Text("yes" if registry.requires_hamiltonian(fn) else "no"),
            ])
        return [_table(["name", "function", "units", "needs H"], rows, [20, 40, 30, 10])]


def _xref(obj, text: str) -> nodes.Node:
    """A link to the page documenting ``obj`` (a module, class, function or other object)."""
    import inspect

    if inspect.ismodule(obj):
        return addnodes.pending_xref("", nodes.literal(text=text), refdomain="py",
                                     reftype="mod", reftarget=obj.__name__, refexplicit=True)
    mod = getattr(obj, "__module__", None)
    qual = getattr(obj, "__qualname__", None)
    if not mod or not qual:
        return nodes.literal(text=text)
    reftype = "class" if inspect.isclass(obj) else "func" if callable(obj) else "obj"
    return addnodes.pending_xref("", nodes.literal(text=text), refdomain="py", reftype=reftype,
                                 reftarget=f"{mod}.{qual}", refexplicit=True)


class NamespaceDirective(SphinxDirective):
    """The public names of a package and the module each comes from."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        import importlib
        import inspect

        pkg = importlib.import_module(self.arguments[0])
        rows = []
        for name in pkg.__all__:
            obj = getattr(pkg, name)
            if inspect.ismodule(obj):
                where = nodes.Text("subpackage" if hasattr(obj, "__path__") else "module")
            elif getattr(obj, "__module__", None):
                where = nodes.literal(text=obj.__module__)
            else:  # data (e.g. a version string or a table)
                where = nodes.Text(type(obj).__name__)
            doc = inspect.getdoc(obj) if (inspect.isclass(obj) or inspect.isfunction(obj)
                                          or inspect.ismodule(obj)) else None
            summary = doc.strip().split("\n\n")[0].replace("\n", " ") if doc else ""
            para = nodes.paragraph()
            para.extend(self.state.inline_text(summary, self.lineno)[0])
            rows.append([_xref(obj, f"{pkg.__name__}.{name}"), where, para])
        return [_table([f"{pkg.__name__}.<name>", "defined in", "summary"], rows, [30, 25, 45])]


def _public_modules(name: str) -> list[str]:
    """``name`` itself if it is a module, else its public submodules (recursively, sorted)."""
    import importlib
    import pkgutil

    mod = importlib.import_module(name)
    if not hasattr(mod, "__path__"):
        return [name]
    out = [name] if mod.__doc__ else []
    for info in sorted(pkgutil.walk_packages(mod.__path__, f"{name}."), key=lambda m: m.name):
        if not any(part.startswith("_") for part in info.name.split(".")):
            out.append(info.name)
    return out


def _documented_here(obj: object, modname: str, exported: bool) -> bool:
    """A class or function belongs on ``modname``'s page when the module defines it, or
    exports it (``__all__``) from a private module, which has no page of its own (e.g.
    ``qbtoolkit.ptrace``); the rule of ``tests/test_docstrings.py``."""
    defined = getattr(obj, "__module__", "") or ""
    private = any(part.startswith("_") for part in defined.split("."))
    return defined == modname or (exported and defined.startswith("qbtoolkit.") and private)


def _defined_members(modname: str) -> list[str]:
    import importlib
    import inspect

    mod = importlib.import_module(modname)
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    out = []
    for n in names:
        obj = getattr(mod, n, None)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and _documented_here(
                obj, modname, exported=hasattr(mod, "__all__")):
            out.append(n)
    return out


class ModuleDocsDirective(SphinxDirective):
    """Sections built from module docstrings (the API pages hold the indexed entries)."""

    required_arguments = 1
    optional_arguments = 50
    has_content = False

    def run(self) -> list[nodes.Node]:
        from docutils.statemachine import StringList
        from sphinx.util.nodes import nested_parse_with_titles

        lines: list[str] = []
        for arg in self.arguments:
            for modname in _public_modules(arg):
                title = f"``{modname}``"
                lines += [title, "-" * len(title), "", f".. automodule:: {modname}",
                          "   :no-index:", "   :no-members:", ""]
                members = _defined_members(modname)
                if members:
                    lines += [".. autosummary::", "   :nosignatures:", ""]
                    lines += [f"   {m}" for m in members]
                    lines.append("")
                lines += [f"Full reference: :mod:`{modname}`.", ""]
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source=self.get_source_info()[0]),
                                 node)
        return node.children


def _resolve_links(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for node in list(doctree.findall(figure_link)):
        doc = _paper_doc(node["paper"])
        if doc not in app.env.found_docs:
            logger.warning("paper %r has figures but no page %s", node["paper"], doc,
                           location=node)
            node.replace_self(node.children)
            continue
        uri = app.builder.get_relative_uri(fromdocname, doc)
        if node["anchor"]:
            uri += "#" + node["anchor"]
        ref = nodes.reference("", "", internal=True, refuri=uri)
        children = node.children
        if len(children) == 1 and isinstance(children[0], nodes.Text) and not node["anchor"]:
            title = app.env.titles.get(doc)
            children = [nodes.Text(title.astext() if title is not None else node["paper"])]
        ref.extend(children)
        node.replace_self(ref)


def listed_modules(docs: Path) -> list[str]:
    """Modules listed in the ``qb-modules`` tables of ``docs/api/*.rst`` (the API reference)."""
    names: list[str] = []
    for rst in sorted((Path(docs) / "api").glob("*.rst")):
        in_table = False
        for line in rst.read_text().splitlines():
            if line.startswith(".. qb-modules::"):
                in_table = True
            elif in_table and line and not line.startswith(" "):
                in_table = False
            elif in_table and (m := re.fullmatch(r"\s+(qbtoolkit(?:\.\w+)*)\s*", line)):
                names.append(m.group(1))
    return names


def _module_page(modname: str) -> str:
    """reStructuredText of the API page of one module."""
    import importlib
    import inspect

    from sphinx.pycode import ModuleAnalyzer

    mod = importlib.import_module(modname)
    exported = getattr(mod, "__all__", None)
    try:
        attr_docs = {name for (ns, name) in ModuleAnalyzer.for_module(modname).find_attr_docs()
                     if ns == ""}
    except Exception:  # no source (never for this package's modules)
        attr_docs = set()
    kinds: dict[str, list[str]] = {"data": [], "class": [], "exception": [], "function": []}
    for name in (exported if exported is not None else list(vars(mod))):
        if name.startswith("_") or not hasattr(mod, name):
            continue
        obj = getattr(mod, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            if not _documented_here(obj, modname, exported=exported is not None):
                continue  # re-exported from a public module: documented where it is defined
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                kinds["exception"].append(name)
            else:
                kinds["class" if inspect.isclass(obj) else "function"].append(name)
        elif name in attr_docs:
            kinds["data"].append(name)
    lines = [modname, "=" * len(modname), "", f".. automodule:: {modname}", "   :no-members:",
             ""]
    members = [n for k in kinds.values() for n in k]
    if members:
        lines += [".. rubric:: Contents", "", ".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {n}" for n in members] + [""]
    for name in kinds["data"]:
        lines += [f".. autodata:: {name}", "   :no-value:", ""]
    for name in kinds["class"]:
        lines += [f".. autoclass:: {name}", "   :members:", "   :special-members: __call__", ""]
    for name in kinds["exception"]:
        lines += [f".. autoexception:: {name}", ""]
    for name in kinds["function"]:
        lines += [f".. autofunction:: {name}", ""]
    return "\n".join(lines)


def _write_module_pages(app: Sphinx) -> None:
    out = Path(app.srcdir) / "api" / "generated"
    out.mkdir(parents=True, exist_ok=True)
    listed = listed_modules(Path(app.srcdir))
    for page in out.glob("*.rst"):
        if page.stem not in listed:
            page.unlink()
    for modname in listed:
        try:
            text = _module_page(modname)
        except ImportError as exc:
            logger.warning("API reference lists %s, which cannot be imported: %s", modname, exc)
            continue
        page = out / f"{modname}.rst"
        if not page.exists() or page.read_text() != text:  # unchanged pages stay cached
            page.write_text(text)


class ModulesDirective(SphinxDirective):
    """A table of modules linked to their API pages (and the toctree of those pages)."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        import importlib

        from docutils.statemachine import StringList

        rows = []
        names = [line.strip() for line in self.content if line.strip()]
        for modname in names:
            try:
                mod = importlib.import_module(modname)
            except ImportError:
                continue  # reported once, when the pages are written
            first = (mod.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
            summary, _ = self.state.inline_text(first, self.lineno)
            link = addnodes.pending_xref("", nodes.literal(text=modname), refdomain="py",
                                         reftype="mod", reftarget=modname, refexplicit=True)
            para = nodes.paragraph()
            para.extend(summary)
            rows.append([link, para])
        toc = nodes.section()
        toc.document = self.state.document
        self.state.nested_parse(
            StringList([".. toctree::", "   :hidden:", ""]
                       + [f"   generated/{m}" for m in names]), self.content_offset, toc)
        return [_table(["module", "summary"], rows, [35, 65]), *toc.children]


def _mirror_notebooks(app: Sphinx) -> None:
    src = _root(app) / "notebooks"
    dst = Path(app.srcdir) / "generated" / "notebooks"
    dst.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in sorted(src.glob("*.ipynb"))}
    for old in dst.glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    for name, path in wanted.items():
        target = dst / name
        if not target.exists() or not filecmp.cmp(path, target, shallow=False):
            shutil.copy2(path, target)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(figure_link)
    app.add_directive("qb-figures", FiguresDirective)
    app.add_directive("qb-gallery", GalleryDirective)
    app.add_directive("qb-backends", BackendsDirective)
    app.add_directive("qb-metric-names", MetricNamesDirective)
    app.add_directive("qb-namespace", NamespaceDirective)
    app.add_directive("qb-module-docs", ModuleDocsDirective)
    app.add_directive("qb-modules", ModulesDirective)
    app.connect("builder-inited", _mirror_notebooks)
    app.connect("builder-inited", _write_module_pages)
    app.connect("doctree-resolved", _resolve_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
