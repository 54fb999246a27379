"""Chunks of a sweep: computing one, storing it on disk, and assembling the labelled dataset.

A sweep of N grid points is cut into chunks of ``sweep.chunk_size`` consecutive points (C order,
first axis slowest). Each finished chunk goes to its own file ``chunk-000042.npz`` in a folder
next to the output (``OUT.chunks/``), written atomically. A ``manifest.json`` there holds the
config's fingerprint, so a later run of the same config skips the chunks already done, and a run
of a different config refuses to mix its chunks in. The final dataset is always assembled from
the chunk files, whether they came from one session or several, so a resumed sweep gives the same
numbers as an uninterrupted one.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from ..io.config import RunConfig
from ..io.dataset import git_commit, provenance, utc_now
from ..io.store import atomic_write_text
from ..model import RegimeWarning
from .registry import Job

REGIME_VAR = "regime_warnings"


def _point_label(point: dict) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in point.items()) or "the base point"


def _run(job: Job, config: RunConfig, points: list[dict]) -> tuple[list[dict], list[int]]:
    """Outputs at ``points`` and the number of RegimeWarnings each raised.

    A batched job computes the whole list at once; its warnings are then counted for every
    point of the list (a conservative flag). Errors are re-raised naming the grid point.
    """
    params = [config.at(p) for p in points]
    if job.batched:
        groups = [(points, lambda: job.compute_many(params))]
    else:
        groups = [([p], lambda q=q: [job.compute(q)]) for p, q in zip(points, params, strict=True)]
    results, counts = [], []
    for where, call in groups:
        label = _point_label(where[0]) if len(where) == 1 else f"one of {len(where)} points"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = call()
            except ValueError as err:
                raise ValueError(f"{job.name} failed at {label}: {err}") from err
            except Exception as err:
                raise RuntimeError(f"{job.name} failed at {label}: {err}") from err
        n_regime = 0
        for w in caught:
            if issubclass(w.category, RegimeWarning):
                n_regime += 1
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        results.extend(out)
        counts.extend([n_regime] * len(where))
    return results, counts


def _checked(job: Job, config: RunConfig, result: dict, n_regime: int) -> dict[str, np.ndarray]:
    outputs = job.outputs(config.parameters)
    if set(result) != set(outputs):
        raise RuntimeError(
            f"job {job.name!r} returned {sorted(result)} but declares {sorted(outputs)}"
        )
    result = {k: np.asarray(v, dtype=outputs[k].dtype) for k, v in result.items()}
    result[REGIME_VAR] = np.asarray(n_regime, dtype="int64")
    return result


def compute_point(job: Job, config: RunConfig, point: dict) -> dict[str, np.ndarray]:
    """Run ``job`` at one grid point; RegimeWarnings are counted (``regime_warnings``), not lost.

    Errors are re-raised with the grid point they happened at.
    """
    (result,), (n_regime,) = _run(job, config, [point])
    return _checked(job, config, result, n_regime)


def compute_chunk(job: Job, config: RunConfig, chunk: int) -> dict[str, np.ndarray]:
    """Outputs at every point of chunk ``chunk``, stacked along a leading axis."""
    sweep = config.sweep
    points = [sweep.point(i) for i in sweep.chunk_indices(chunk)]
    results, counts = _run(job, config, points)
    rows = [_checked(job, config, r, n) for r, n in zip(results, counts, strict=True)]
    return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


# ------------------------------------------------------------------------------- on disk
@dataclass(frozen=True)
class ChunkStore:
    """The folder of finished chunks of one sweep (``OUT.chunks/``)."""

    folder: Path

    @classmethod
    def next_to(cls, output: Path) -> ChunkStore:
        return cls(Path(output).with_name(Path(output).name + ".chunks"))

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def path(self, chunk: int) -> Path:
        return self.folder / f"chunk-{chunk:06d}.npz"

    def open(self, config: RunConfig, *, fresh: bool = False) -> dict:
        """Create the folder or check that it belongs to ``config``; return the manifest.

        ``fresh=True`` discards chunks from an earlier run first.
        """
        if fresh:
            self.remove()
        fingerprint = config.fingerprint()
        if self.manifest_path.exists():
            manifest = json.loads(self.manifest_path.read_text())
            if manifest.get("fingerprint") != fingerprint:
                raise ValueError(
                    f"{str(self.folder)!r} holds chunks of a different sweep (another config); "
                    "rerun with --fresh to discard them, or choose another output path"
                )
            for stale in self.folder.glob(".chunk-*.tmp-*"):  # a write cut short by a kill
                stale.unlink(missing_ok=True)
            return manifest
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "fingerprint": fingerprint,
            "calculation": config.calculation,
            "n_chunks": config.sweep.n_chunks,
            "date_created": utc_now(),
            "git_commit": git_commit(),
        }
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1))
        return manifest

    def done(self, n_chunks: int) -> set[int]:
        """Chunk numbers whose files are present."""
        return {i for i in range(n_chunks) if self.path(i).exists()}

    def write(self, chunk: int, data: dict[str, np.ndarray]) -> None:
        """Write one chunk atomically (temp file in the folder, then rename)."""
        path = self.path(chunk)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        buffer = io.BytesIO()
        np.savez(buffer, **data)
        try:
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def read(self, chunk: int) -> dict[str, np.ndarray]:
        with np.load(self.path(chunk)) as f:
            return {k: f[k] for k in f.files}

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------------------- assembling
def build_dataset(
    job: Job,
    config: RunConfig,
    data: dict[str, np.ndarray],
    *,
    date_created: str | None = None,
    commit: str | None = None,
) -> xr.Dataset:
    """The labelled dataset: grid coordinates, units, provenance.

    ``data`` maps each output to an array of shape ``grid shape + extra dims`` (grid shape () for
    a single run).
    """
    axes = config.sweep.axes if config.sweep is not None else ()
    grid_dims = tuple(a.dim for a in axes)
    coords = {
        a.dim: (a.dim, np.asarray(a.values), {"units": a.units, "long_name": a.long_name})
        for a in axes
    }
    coords.update(
        {
            name: (dim, values, attrs)
            for name, (dim, values, attrs) in job.coords(config.parameters).items()
        }
    )
    outputs = job.outputs(config.parameters)
    data_vars = {
        name: (grid_dims + var.dims, data[name], {"units": var.units, "long_name": var.long_name})
        for name, var in outputs.items()
    }
    data_vars[REGIME_VAR] = (
        grid_dims,
        data[REGIME_VAR],
        {"units": "1", "long_name": "number of RegimeWarnings (0: inside the theory's regime)"},
    )
    attrs = provenance(
        title=job.title(config.parameters), config_toml=config.to_toml(), date_created=date_created
    )
    attrs["calculation"] = config.calculation
    if commit is not None and commit != attrs["git_commit"]:
        attrs["git_commit"] = f"{commit} (resumed at {attrs['git_commit']})"
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def assemble(job: Job, config: RunConfig, chunks: list[dict[str, np.ndarray]], **kw) -> xr.Dataset:
    """Concatenate chunk results (in chunk order) and reshape them onto the grid."""
    shape = config.sweep.shape
    data = {}
    for name in chunks[0]:
        flat = np.concatenate([c[name] for c in chunks])
        data[name] = flat.reshape(shape + flat.shape[1:])
    return build_dataset(job, config, data, **kw)
