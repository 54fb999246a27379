"""The job registry: each kind of calculation plugs in here and becomes sweepable.

A job is one calculation at one point of parameter space. It declares

* ``schema``: the config sections and parameters it accepts (units, ranges, defaults);
* ``outputs(params)``: its variables, with the extra dimensions each one has beyond the grid;
* ``coords(params)``: the coordinates of those extra dimensions (e.g. time, tensor row);
* ``compute(params)``: ``{variable: array}`` at the point ``params`` (``{section: {key: value}}``);
  optionally ``compute_many`` for a whole chunk at once (``batched = True``).

Outputs must not change shape across the grid; parameters that would change it are marked
``sweepable=False`` in the schema. ``compute`` must be deterministic, so that a resumed sweep
reproduces an uninterrupted one bit for bit. Jobs are pickled to dask workers, so they must be
importable (module-level classes) or picklable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..io.schema import Schema

Params = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class OutputVar:
    """A job's output variable: extra dimensions (beyond the grid), unit, description."""

    dims: tuple[str, ...]
    units: str
    long_name: str
    dtype: str = "float64"  #: "float64", "complex128" or "int64"


class Job:
    """Base class of a calculation kind (see the module docstring for the contract)."""

    name: ClassVar[str]
    description: ClassVar[str]
    schema: ClassVar[Schema]

    def outputs(self, params: Params) -> dict[str, OutputVar]:  # pragma: no cover - abstract
        raise NotImplementedError

    def coords(self, params: Params) -> dict[str, tuple[str, np.ndarray, dict]]:
        """``{name: (dim, values, attrs)}`` for the extra dimensions of the outputs."""
        return {}

    def compute(self, params: Params) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    #: True if :meth:`compute_many` does a whole chunk at once (e.g. one batched integration).
    batched: ClassVar[bool] = False

    def compute_many(self, params: list[Params]) -> list[dict[str, np.ndarray]]:
        """Outputs at several points; override (and set ``batched``) to vectorise a chunk."""
        return [self.compute(p) for p in params]

    def title(self, params: Params) -> str:
        return f"tisot {self.name}: {self.description}"


_JOBS: dict[str, Job] = {}


def register_job(job: Job, *, replace: bool = False) -> Job:
    """Make ``job`` available to configs as ``calculation = job.name``."""
    if not replace and job.name in _JOBS and type(_JOBS[job.name]) is not type(job):
        raise ValueError(f"a job named {job.name!r} is already registered; pass replace=True")
    _JOBS[job.name] = job
    return job


def available_jobs() -> tuple[str, ...]:
    """Names of the registered calculation kinds."""
    return tuple(_JOBS)


def get_job(name: str) -> Job:
    """The job registered as ``name``."""
    try:
        return _JOBS[name]
    except KeyError:
        raise ValueError(f"calculation must be one of {', '.join(_JOBS)}; got {name!r}") from None
