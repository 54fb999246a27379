"""Chunks of a sweep: computing one, storing it on disk, and assembling the labelled dataset.

A sweep of N grid points is cut into chunks of ``sweep.chunk_size`` consecutive points (C order,
first axis slowest). Each finished chunk goes to its own file ``chunk-000042.npz`` in a folder
next to the output (``OUT.chunks/``), written atomically. A ``manifest.json`` there holds the
config's fingerprint, so a later run of the same config skips the chunks already done, and a run
of a different config refuses to mix its chunks in. The final dataset is always assembled from
the chunk files, whether they came from one session or several, so a resumed sweep gives the same
numbers as an uninterrupted one.

Concurrency and code changes:

* one sweep at a time per output: :meth:`ChunkStore.lock` takes an exclusive ``flock`` on
  ``OUT.chunks.lock``, which names the holder's process id. A second sweep on the same output
  refuses (naming that PID) or waits for it (``wait=True``). The kernel drops the lock of a
  process that dies, so a killed sweep leaves no lock to clean up; its file is taken over.
* every chunk file carries the code version (:func:`tisot.io.dataset.code_version`) and the
  config fingerprint; the manifest lists every version that wrote chunks. Resuming with another
  code version is refused unless ``allow_mixed=True``, and the dataset records all of them
  (``code_versions`` attribute).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import math
import os
import re
import shutil
import socket
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from .._validation import most_extreme
from ..io.config import RunConfig
from ..io.dataset import code_version, git_commit, provenance, utc_now
from ..io.store import atomic_write_bytes, atomic_write_text
from ..model import RegimeWarning
from .registry import Job

REGIME_VAR = "regime_warnings"
#: Names of the bookkeeping entries of a chunk file (not outputs).
_VERSION_KEY = "__tisot_code_version__"
_FINGERPRINT_KEY = "__config_fingerprint__"


class SweepBusy(ValueError):
    """Another live process is running a sweep on the same output."""


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
                with np.errstate(all="ignore"):  # outputs are checked to be finite instead
                    out = call()
            except ValueError as err:  # the job's own words; name a suspect if they name none
                cause = ""
                if len(where) == 1 and not _names_a_key(job, str(err)):
                    cause = _likely_cause(job, config.at(where[0]), decades=6)
                raise ValueError(f"{job.name} failed at {label}: {err}{cause}") from err
            except Exception as err:  # an overflow, a failed integration, ...: name a suspect
                cause = (
                    _likely_cause(job, config.at(where[0]), decades=6) if len(where) == 1 else ""
                )
                raise RuntimeError(f"{job.name} failed at {label}: {err}{cause}") from err
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


def _likely_cause(job: Job, params: dict, *, decades: float = 0.0) -> str:
    """``"; the likely cause is section.key = value"``: the number parameter farthest (on a log
    scale) from its default, if it is at least ``decades`` away; else ``""``."""
    ratios, values = {}, {}
    for section, keys in job.schema.items():
        for key, param in keys.items():
            value = params.get(section, {}).get(key)
            if param.kind is not float or not isinstance(value, int | float) or value == 0:
                continue
            if value == param.default:  # a value left at its default is no suspect
                continue
            ref = abs(param.default) if param.default and math.isfinite(param.default) else 1.0
            ratios[f"{section}.{key}"] = value / ref
            values[f"{section}.{key}"] = value
    name = most_extreme(ratios)
    if name is None or not abs(math.log10(min(abs(ratios[name]), 1e308))) >= decades:
        return ""
    return f"; the likely cause is {name} = {values[name]!r}: bring it into a physical range"


def _names_a_key(job: Job, text: str) -> bool:
    """Whether ``text`` names one of the job's parameters (its key, or the key less its unit)."""
    for keys in job.schema.values():
        for key in keys:
            if key in text or re.sub(r"_(mev|ghz|um|nm|nm2|deg|mt|ns|ps)$", "", key) in text:
                return True
    return False


def _check_finite(job: Job, config: RunConfig, point: dict, result: dict) -> None:
    """A non-finite output is an error that names the input most likely to blame (the number
    parameter farthest from its default)."""
    for name, value in result.items():
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            cause = _likely_cause(job, config.at(point))
            raise ValueError(
                f"{job.name} gave a non-finite {name} (overflow or an undefined result) at "
                f"{_point_label(point)}{cause}"
            )


def compute_point(job: Job, config: RunConfig, point: dict) -> dict[str, np.ndarray]:
    """Run ``job`` at one grid point; RegimeWarnings are counted (``regime_warnings``), not lost.

    Errors are re-raised with the grid point they happened at.
    """
    (result,), (n_regime,) = _run(job, config, [point])
    result = _checked(job, config, result, n_regime)
    _check_finite(job, config, point, result)
    return result


def compute_chunk(job: Job, config: RunConfig, chunk: int) -> dict[str, np.ndarray]:
    """Outputs at every point of chunk ``chunk``, stacked along a leading axis."""
    sweep = config.sweep
    points = [sweep.point(i) for i in sweep.chunk_indices(chunk)]
    results, counts = _run(job, config, points)
    rows = [_checked(job, config, r, n) for r, n in zip(results, counts, strict=True)]
    for point, row in zip(points, rows, strict=True):
        _check_finite(job, config, point, row)
    return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


# ------------------------------------------------------------------------------- on disk
def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (Linux /proc), to tell a reused PID from its holder."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


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

    @property
    def lock_path(self) -> Path:
        return self.folder.with_name(self.folder.name + ".lock")

    def path(self, chunk: int) -> Path:
        return self.folder / f"chunk-{chunk:06d}.npz"

    def holder(self) -> dict:
        """What the lock file says about the sweep holding it (``{}`` if unreadable)."""
        try:
            return json.loads(self.lock_path.read_text())
        except (OSError, ValueError):
            return {}

    @contextlib.contextmanager
    def lock(
        self,
        *,
        wait: bool = False,
        poll: float = 0.5,
        on_wait: Callable[[dict], None] | None = None,
    ) -> Iterator[None]:
        """Hold the output for this process: one sweep at a time writes the chunks and the file.

        A second sweep raises :class:`SweepBusy` naming the holder's PID, or, with ``wait=True``,
        polls every ``poll`` seconds until the holder is done (``on_wait(holder)`` is called
        once). The kernel releases the lock of a process that dies (SIGKILL included), so a dead
        holder's lock file is simply taken over.
        """
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        told = False
        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                holder = self.holder()
                if not wait:
                    raise SweepBusy(self._busy_message(holder)) from None
                if not told and on_wait is not None:
                    on_wait(holder)
                told = True
                time.sleep(poll)
                continue
            try:  # the holder may have removed the file between our open and our flock
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "process_start": _process_start(os.getpid()),
            "since": utc_now(),
        }
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.lock_path)
            os.close(fd)  # releases the flock

    def _busy_message(self, holder: dict) -> str:
        who = f"process {holder['pid']}" if "pid" in holder else "another process"
        if holder.get("host") and holder["host"] != socket.gethostname():
            who += f" on {holder['host']}"
        since = f" since {holder['since']}" if "since" in holder else ""
        return (
            f"another sweep ({who}{since}) is writing {str(self.folder)!r}; wait for it to "
            "finish, rerun with --wait to start after it, or choose another output path"
        )

    def open(self, config: RunConfig, *, fresh: bool = False, allow_mixed: bool = False) -> dict:
        """Create the folder or check that it belongs to ``config``; return the manifest.

        ``fresh=True`` discards chunks from an earlier run first. Chunks written by another code
        version are refused unless ``allow_mixed`` (the manifest then lists both versions).
        Call it with the :meth:`lock` held.
        """
        if fresh:
            self.remove()
        fingerprint = config.fingerprint()
        version = code_version()
        if self.manifest_path.exists():
            manifest = json.loads(self.manifest_path.read_text())
            if manifest.get("fingerprint") != fingerprint:
                raise ValueError(
                    f"{str(self.folder)!r} holds chunks of a different sweep (another config); "
                    "rerun with --fresh to discard them, or choose another output path"
                )
            versions = manifest.setdefault("code_versions", [])
            if version not in versions:
                if versions and not allow_mixed:
                    raise ValueError(
                        f"{str(self.folder)!r} holds chunks computed by another code version "
                        f"({', '.join(versions)}; this is {version}); rerun with --fresh to "
                        "recompute them, or with --allow-mixed to keep them (the dataset then "
                        "records every version)"
                    )
                versions.append(version)
                atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1))
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
            "code_versions": [version],
        }
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1))
        return manifest

    def done(self, n_chunks: int) -> set[int]:
        """Chunk numbers whose files are present."""
        return {i for i in range(n_chunks) if self.path(i).exists()}

    def write(self, chunk: int, data: dict[str, np.ndarray]) -> None:
        """Write one chunk atomically (temp file in the folder, then rename), with the code
        version and the config fingerprint of the manifest."""
        manifest = json.loads(self.manifest_path.read_text())
        buffer = io.BytesIO()
        meta = {
            _VERSION_KEY: np.array(code_version()),
            _FINGERPRINT_KEY: np.array(manifest["fingerprint"]),
        }
        np.savez(buffer, **data, **meta)
        atomic_write_bytes(self.path(chunk), buffer.getvalue())

    def read(self, chunk: int) -> dict[str, np.ndarray]:
        """The outputs of one chunk (checked to belong to this folder's config)."""
        data, _ = self.read_with_version(chunk)
        return data

    def read_with_version(self, chunk: int) -> tuple[dict[str, np.ndarray], str]:
        """The outputs of one chunk and the code version that computed it."""
        with np.load(self.path(chunk)) as f:
            data = {k: f[k] for k in f.files}
        version = str(data.pop(_VERSION_KEY, "unknown"))
        fingerprint = data.pop(_FINGERPRINT_KEY, None)
        expected = json.loads(self.manifest_path.read_text())["fingerprint"]
        if fingerprint is not None and str(fingerprint) != expected:
            raise ValueError(
                f"{str(self.path(chunk))!r} belongs to another config than its folder; rerun "
                "with --fresh to recompute the sweep"
            )
        return data, version

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
    code_versions: list[str] | None = None,
) -> xr.Dataset:
    """The labelled dataset: grid coordinates, units, provenance.

    ``data`` maps each output to an array of shape ``grid shape + extra dims`` (grid shape () for
    a single run). ``code_versions``: every code version that computed part of it (default:
    this one), recorded in the ``code_versions`` attribute.
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
    attrs["code_versions"] = ", ".join(code_versions or [code_version()])
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
