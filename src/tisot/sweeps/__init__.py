"""Parameter sweeps at scale: a job registry, chunked resumable execution on Dask, progress."""

from . import device as _device  # noqa: F401  (registers the built-in jobs)
from . import jobs as _jobs  # noqa: F401
from .chunks import ChunkStore as ChunkStore
from .chunks import compute_chunk as compute_chunk
from .chunks import compute_point as compute_point
from .progress import chunk_progress as chunk_progress
from .registry import Job as Job
from .registry import OutputVar as OutputVar
from .registry import available_jobs as available_jobs
from .registry import get_job as get_job
from .registry import register_job as register_job
from .runner import dask_client as dask_client
from .runner import run_point as run_point
from .runner import run_sweep as run_sweep

__all__ = [
    "ChunkStore",
    "Job",
    "OutputVar",
    "available_jobs",
    "chunk_progress",
    "compute_chunk",
    "compute_point",
    "dask_client",
    "get_job",
    "register_job",
    "run_point",
    "run_sweep",
]
