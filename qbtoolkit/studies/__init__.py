"""Parameter studies: sweeps over grids, checkpoints, TOML study files.

grid        the parameter grid (validated axes, point enumeration, hash)
outputs     what a swept function returns: ``annotate``, chunks, the assembled Dataset
identity    what a checkpoint depends on (the function, its helpers and constants, versions)
checkpoint  manifest, directory lock and chunk files of a resumable sweep
runners     where chunks run: serial, local worker processes, Dask
sweep       the front: ``sweep(func, grid, ...)``
config      TOML studies: ``load_config``, ``StudyPoint``, ``run_study``
"""

from .config import StudyPoint, load_config, run_study
from .outputs import annotate
from .sweep import sweep

__all__ = ["StudyPoint", "annotate", "load_config", "run_study", "sweep"]
