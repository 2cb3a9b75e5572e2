"""Command line: ``qbtoolkit figures list|make`` and ``qbtoolkit sweep CONFIG.toml``.

``qbtoolkit figures make [IDS ...] [--quick] [--out DIR]`` regenerates figures into
``DIR/<paper>/<name>.png`` (default ``figures/``); an id may name one figure
(``santos_2021/fig2``) or a whole paper (``santos_2021``).

``qbtoolkit sweep CONFIG.toml [--out FILE] [--backend B] [--workers N] [--checkpoint DIR]
[--fresh]`` runs a study (:mod:`qbtoolkit.studies.config`); the output path is checked before
anything is computed.  Interrupted (Ctrl-C, exit status 130) or failed, it prints what is saved
and the command that resumes it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _figures_list(args: argparse.Namespace) -> int:
    from . import papers

    for fig in papers.all_figures():
        print(f"{fig.id:45s} {fig.title}")
    return 0


def _figures_make(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from tqdm.auto import tqdm

    from . import papers
    from .plotting import save

    try:
        recipes = papers.select(args.ids)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    bar = tqdm(recipes, desc="figures", unit="fig", disable=args.no_progress)
    for recipe in bar:
        bar.set_postfix_str(recipe.id)
        t0 = time.perf_counter()
        _, fig = recipe.make(quick=args.quick)
        path = save(fig, out / recipe.paper / f"{recipe.name}.png")
        bar.write(f"{recipe.id}: {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from .studies import run_study

    try:
        ds = run_study(
            args.config, output=args.out, backend=args.backend, workers=args.workers,
            checkpoint=args.checkpoint, resume=not args.fresh, progress=not args.no_progress,
        )
    except KeyboardInterrupt as exc:
        print("interrupted", file=sys.stderr)
        _explain(exc, args)
        return 130
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        _explain(exc, args)
        return 2
    except Exception as exc:  # a failing point: say how to resume, then the traceback
        _explain(exc, args)
        raise
    sizes = ", ".join(f"{k}: {v}" for k, v in ds.sizes.items())
    print(f"{ds.attrs['study_output']}: {', '.join(map(str, ds.data_vars))} ({sizes})")
    return 0


def _explain(exc: BaseException, args: argparse.Namespace) -> None:
    """Print the exception's notes (the failing point, what is saved) and the command that
    resumes the study."""
    import shlex

    notes = getattr(exc, "__notes__", [])
    for note in notes:
        print(note, file=sys.stderr)
    if "resume=False" in str(exc):
        print("from the command line: add --fresh to discard the checkpoint and start fresh",
              file=sys.stderr)
    if not any(note.startswith("qbtoolkit.sweep: ") and "chunks" in note for note in notes):
        return  # nothing was computed: there is nothing to resume
    checkpoint = args.checkpoint
    if checkpoint is None:
        from .studies import load_config

        try:
            checkpoint = load_config(args.config)["study"].get("checkpoint")
        except ValueError:
            checkpoint = None
    argv = [a for a in args.argv if a != "--fresh"]
    if checkpoint is None:
        print("no checkpoint: to keep finished points next time, run "
              f"qbtoolkit {shlex.join(argv)} --checkpoint DIR", file=sys.stderr)
    else:
        print(f"resume (computes only the missing points): qbtoolkit {shlex.join(argv)}",
              file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The ``qbtoolkit`` command-line parser (``figures list|make``, ``sweep``).

    Returns
    -------
    argparse.ArgumentParser
        With one sub-command per action; each sets ``func`` to its handler.
    """
    parser = argparse.ArgumentParser(
        prog="qbtoolkit", description="Quantum-battery simulations on QuTiP."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    figs = sub.add_parser("figures", help="list or regenerate the papers' figures")
    fsub = figs.add_subparsers(dest="action", required=True)
    p_list = fsub.add_parser("list", help="print every figure id")
    p_list.set_defaults(func=_figures_list)
    p_make = fsub.add_parser("make", help="regenerate figures as PNG")
    p_make.add_argument("ids", nargs="*", help="figure ids or paper names (default: all)")
    p_make.add_argument("--quick", action="store_true", help="small grids (for CI)")
    p_make.add_argument("--out", default="figures", help="output directory (default: figures)")
    p_make.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p_make.set_defaults(func=_figures_make)
    p_sweep = sub.add_parser("sweep", help="run a parameter study from a TOML file")
    p_sweep.add_argument("config", help="study description (see qbtoolkit.studies)")
    p_sweep.add_argument("--out", help="output netCDF file (default: [study] output)")
    p_sweep.add_argument("--backend", choices=("processes", "serial", "dask"))
    p_sweep.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    p_sweep.add_argument("--checkpoint", help="checkpoint directory to write/resume")
    p_sweep.add_argument("--fresh", action="store_true",
                         help="discard the checkpoint's finished chunks and start fresh")
    p_sweep.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p_sweep.set_defaults(func=_sweep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qbtoolkit`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (0 on success).
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
