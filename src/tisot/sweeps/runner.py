"""Running configs: one point (:func:`run_point`) or a resumable Dask sweep (:func:`run_sweep`).

A sweep is executed with :mod:`dask.distributed`: on an embedded :class:`LocalCluster` by
default, or on an external cluster given by its scheduler address. Each chunk is one task; the
client writes every finished chunk to its own file at once (see :mod:`tisot.sweeps.chunks`), so
a sweep killed at any moment resumes where it stopped, and the final dataset, assembled from the
chunk files, is identical to that of an uninterrupted run. The final file is written atomically
and the chunk folder removed only after it is in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import xarray as xr

from ..io.config import ExecutionSpec, OutputSpec, RunConfig, format_from_suffix
from ..io.store import check_writable, save_dataset
from .chunks import ChunkStore, assemble, build_dataset, compute_chunk, compute_point
from .progress import chunk_progress
from .registry import get_job

#: Seconds to wait for an external scheduler before giving up.
CONNECT_TIMEOUT = "10s"


def default_workers() -> int:
    """One worker per CPU core available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def dask_client(
    *, scheduler: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator:
    """A :class:`distributed.Client`: on ``scheduler`` if given, else on an embedded LocalCluster.

    The embedded cluster has ``workers`` single-threaded workers (default: one per core), as
    processes (``processes=True``, each limited to one numba thread so that the sweep spreads
    over the cores) or as threads in this process (cheap start, shares the GIL).
    """
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise ValueError(
                f"cannot reach the dask scheduler at {scheduler!r} ({err}); start one with "
                "`dask scheduler` and `dask worker ADDRESS`, or leave out --scheduler to use a "
                "local cluster"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or default_workers()
    # one compiled thread per worker: the sweep, not numba's prange, uses the cores
    extra = {"env": {"NUMBA_NUM_THREADS": "1"}} if processes else {}
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # task errors reach the client; shutdown chatter not
            **extra,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _with_overrides(config: RunConfig, out, workers, scheduler) -> RunConfig:
    if out is not None:
        out = Path(out)
        config = replace(config, output=OutputSpec(path=out, format=format_from_suffix(out)))
    if workers is not None or scheduler is not None:
        ex = config.execution
        config = replace(
            config,
            execution=ExecutionSpec(
                workers=workers if workers is not None else ex.workers,
                scheduler=scheduler if scheduler is not None else ex.scheduler,
                processes=ex.processes,
            ),
        )
    return config


def run_point(config: RunConfig, *, out: str | os.PathLike | None = None) -> xr.Dataset:
    """Run the calculation of ``config`` once (no sweep), in this process.

    The dataset is written to ``out`` (or ``output.path``) if one is given. A ``[sweep]``
    section is an error here: use :func:`run_sweep`.
    """
    config = _with_overrides(config, out, None, None)
    if config.sweep is not None:
        raise ValueError("the config has a [sweep] section: run it with `tisot sweep` (run_sweep)")
    path = config.output.path
    if path is not None:
        check_writable(path)
    job = get_job(config.calculation)
    ds = build_dataset(job, config, compute_point(job, config, {}))
    if path is not None:
        save_dataset(ds, path, format=config.output.format)
    return ds


def run_sweep(
    config: RunConfig,
    *,
    out: str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client=None,
    fresh: bool = False,
    progress: bool | None = None,
) -> xr.Dataset:
    """Run the grid of ``config`` on Dask, chunk by chunk, resumable; return the dataset.

    Parameters
    ----------
    config
        a validated config with a ``[sweep]`` section.
    out
        output path (overrides ``output.path``); ``.zarr`` gives a Zarr store, else netCDF.
        Without any output path nothing is written and the sweep cannot resume.
    workers
        workers of the embedded LocalCluster (default ``execution.workers``, else one per core).
    scheduler
        address of an external dask scheduler (``tcp://host:8786``); its workers need tisot.
    client
        an existing :class:`distributed.Client` to use instead (it is not closed).
    fresh
        discard chunks of an earlier, interrupted run instead of resuming from them.
    progress
        show the rich progress bar (default: only on a terminal).

    Returns
    -------
    xarray.Dataset
        one coordinate per swept parameter, the job's outputs (complex ones complex), units,
        provenance in ``attrs``.
    """
    config = _with_overrides(config, out, workers, scheduler)
    if config.sweep is None:
        raise ValueError("the config has no [sweep] section: add [sweep.axes] or use `tisot run`")
    job = get_job(config.calculation)
    sweep = config.sweep
    path = config.output.path
    store = None
    manifest = {}
    if path is not None:
        path = check_writable(path)
        store = ChunkStore.next_to(path)
        manifest = store.open(config, fresh=fresh)
    done = store.done(sweep.n_chunks) if store else set()
    results = {}
    todo = [i for i in range(sweep.n_chunks) if i not in done]
    if todo:
        ex = config.execution
        context = (
            contextlib.nullcontext(client)
            if client is not None
            else dask_client(scheduler=ex.scheduler, workers=ex.workers, processes=ex.processes)
        )
        bar, task = chunk_progress(
            sweep.n_chunks, done=len(done), description=config.calculation, enabled=progress
        )
        with context as c, bar:
            for chunk, data in _execute(c, job, config, todo):
                if store is not None:
                    store.write(chunk, data)
                else:
                    results[chunk] = data
                bar.advance(task)
    chunks = [store.read(i) if store is not None else results[i] for i in range(sweep.n_chunks)]
    ds = assemble(
        job,
        config,
        chunks,
        date_created=manifest.get("date_created"),
        commit=manifest.get("git_commit"),
    )
    if path is not None:
        save_dataset(ds, path, format=config.output.format)
        store.remove()
    return ds


def _execute(client, job, config: RunConfig, todo: list[int]):
    """Submit one task per chunk; yield (chunk, result) in completion order."""
    from distributed import as_completed

    prefix = f"tisot-{config.fingerprint()[:12]}-chunk"
    futures = {
        client.submit(compute_chunk, job, config, i, key=f"{prefix}-{i}", pure=False): i
        for i in todo
    }
    try:
        for future in as_completed(futures):
            chunk = futures.pop(future)
            yield chunk, future.result()
            future.release()
    finally:
        if futures:
            client.cancel(list(futures))
