"""Running configs: one point (:func:`run_point`) or a resumable Dask sweep (:func:`run_sweep`).

A sweep is executed with :mod:`dask.distributed`: on an embedded :class:`LocalCluster` by
default, or on an external cluster given by its scheduler address. Each chunk is one task; the
client writes every finished chunk to its own file at once (see :mod:`tisot.sweeps.chunks`), so
a sweep killed at any moment resumes where it stopped, and the final dataset, assembled from the
chunk files, is identical to that of an uninterrupted run. The final file is written atomically
and the chunk folder removed only after it is in place.

Faults end in one :class:`SweepStopped` error (a ValueError) that says how to resume: the
scheduler lost, or no worker left for ``worker_timeout`` seconds; the finished chunks stay on
disk. Only one sweep at a time writes an output (see :meth:`ChunkStore.lock`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import queue
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import xarray as xr

from .._validation import check_memory
from ..io.config import WORKER_TIMEOUT as WORKER_TIMEOUT_RANGE
from ..io.config import ExecutionSpec, OutputSpec, RunConfig, format_from_suffix
from ..io.store import check_writable, save_dataset
from .chunks import ChunkStore, assemble, build_dataset, compute_chunk, compute_point
from .progress import chunk_progress
from .registry import get_job

#: Seconds to wait for an external scheduler before giving up.
CONNECT_TIMEOUT = "10s"
#: Seconds a sweep waits with no worker connected before it stops (chunks kept).
WORKER_TIMEOUT = 60.0
#: How often (seconds) the client looks at the cluster while it waits for chunks.
POLL = 0.5
_DASK_LOGGERS = ("distributed", "distributed.client", "tornado", "asyncio")


class SweepStopped(ValueError):
    """A sweep stopped before the end (cluster lost); the finished chunks are kept."""


@contextlib.contextmanager
def quiet_dask() -> Iterator[Callable[[], None]]:
    """Yield a function that silences dask's and tornado's logging; restore it on exit.

    Called when an interrupt or a fault is on its way out, so that the cluster's shutdown adds
    no worker tracebacks to tisot's one-line message.
    """
    loggers = [logging.getLogger(name) for name in _DASK_LOGGERS]
    levels = [lg.level for lg in loggers]
    # "Couldn't gather keys, rescheduling" and the like: the sweep reports faults itself
    logging.getLogger("distributed.client").setLevel(logging.ERROR)

    def silence() -> None:
        for lg in loggers:
            lg.setLevel(logging.CRITICAL + 1)

    try:
        yield silence
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


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
        with quiet_dask() as silence:
            try:
                yield client
            except BaseException:
                silence()
                raise
            finally:
                with contextlib.suppress(Exception):  # a lost scheduler must not hang the exit
                    _bounded(client.close, 10.0)
        return
    n = workers or default_workers()
    # one compiled thread per worker: the sweep, not numba's prange, uses the cores
    extra = {"env": {"NUMBA_NUM_THREADS": "1"}} if processes else {}
    with _workers_ignore_sigint(processes), warnings.catch_warnings():
        # the scheduler's HTTP endpoint moves to a free port if 8787 is taken: not news to a user
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # task errors reach the client; shutdown chatter not
            **extra,
        )
    with quiet_dask() as silence, cluster, Client(cluster) as client:
        try:
            yield client
        except BaseException:
            silence()
            raise


@contextlib.contextmanager
def _workers_ignore_sigint(processes: bool) -> Iterator[None]:
    """Start worker processes with SIGINT ignored (inherited across exec): a Ctrl-C at the
    terminal, sent to the whole process group, then stops only the client, which cancels the
    tasks and closes the cluster, instead of every worker printing its own traceback."""
    import signal
    import threading

    if not processes or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
                worker_timeout=ex.worker_timeout,
            ),
        )
    return config


#: Working memory of a job as a multiple of its outputs (intermediate arrays, the dataset copy).
WORKING_FACTOR = 4


def check_size(job, config: RunConfig) -> None:
    """Refuse, before anything runs, a request whose outputs would not fit in memory.

    The size comes from the job's declared outputs and their coordinates: one grid point holds
    ``prod(len(coord) for its dims) x itemsize`` per output; the whole grid is kept for the
    final dataset, and each chunk needs :data:`WORKING_FACTOR` times its own outputs.
    """
    coords = job.coords(config.parameters)
    per_point = 0
    for var in job.outputs(config.parameters).values():
        n = math.prod(len(coords[d][1]) if d in coords else 1 for d in var.dims)
        per_point += n * np.dtype(var.dtype).itemsize
    sweep = config.sweep
    points = sweep.size if sweep is not None else 1
    chunk = sweep.chunk_size if sweep is not None else 1
    total = per_point * (points + WORKING_FACTOR * min(chunk, points))
    check_memory(
        total,
        f"{config.calculation}: {points} grid point(s) x {per_point / 2**20:.3g} MiB of outputs",
        "lower the number of samples/points of each run or the size of the grid",
    )


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
    check_size(job, config)
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
    wait: bool = False,
    allow_mixed: bool = False,
    worker_timeout: float | None = None,
    on_wait: Callable[[dict], None] | None = None,
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
    wait
        if another sweep is writing the same output, wait for it instead of refusing
        (``on_wait(holder)`` is called once, with the holder's PID and start time).
    allow_mixed
        resume over chunks written by another code version (else refused); the dataset's
        ``code_versions`` attribute lists every version that contributed.
    worker_timeout
        seconds without any worker before the sweep stops, in (0, 86400] (default
        ``execution.worker_timeout``, else :data:`WORKER_TIMEOUT`); the finished chunks are kept.

    Raises
    ------
    SweepBusy
        another live process holds the output (``wait=False``).
    SweepStopped
        the scheduler was lost or no worker was left; the message says how to resume.

    Returns
    -------
    xarray.Dataset
        one coordinate per swept parameter, the job's outputs (complex ones complex), units,
        provenance in ``attrs``.
    """
    if worker_timeout is not None:
        worker_timeout = WORKER_TIMEOUT_RANGE.check("worker_timeout", worker_timeout)
    config = _with_overrides(config, out, workers, scheduler)
    if config.sweep is None:
        raise ValueError("the config has no [sweep] section: add [sweep.axes] or use `tisot run`")
    job = get_job(config.calculation)
    check_size(job, config)
    path = config.output.path
    if path is None:
        return _sweep(job, config, None, client, progress, worker_timeout)
    path = check_writable(path)
    store = ChunkStore.next_to(path)
    with store.lock(wait=wait, on_wait=on_wait):
        manifest = store.open(config, fresh=fresh, allow_mixed=allow_mixed)
        ds = _sweep(job, config, store, client, progress, worker_timeout, manifest=manifest)
        save_dataset(ds, path, format=config.output.format)
        store.remove()
    return ds


def _sweep(job, config, store, client, progress, worker_timeout, *, manifest=None) -> xr.Dataset:
    """Compute the chunks not yet in ``store`` (all of them without one) and assemble."""
    sweep = config.sweep
    manifest = manifest or {}
    done = store.done(sweep.n_chunks) if store else set()
    results = {}
    todo = [i for i in range(sweep.n_chunks) if i not in done]
    ex = config.execution
    timeout = worker_timeout if worker_timeout is not None else ex.worker_timeout
    if todo:
        context = (
            contextlib.nullcontext(client)
            if client is not None
            else dask_client(scheduler=ex.scheduler, workers=ex.workers, processes=ex.processes)
        )
        bar, task = chunk_progress(
            sweep.n_chunks, done=len(done), description=config.calculation, enabled=progress
        )
        resume = _resume_hint(store)
        with context as c, bar:
            for chunk, data in _execute(c, job, config, todo, timeout=timeout, resume=resume):
                if store is not None:
                    store.write(chunk, data)
                else:
                    results[chunk] = data
                bar.advance(task)
    chunks, versions = [], []
    for i in range(sweep.n_chunks):
        if store is None:
            chunks.append(results[i])
            continue
        data, version = store.read_with_version(i)
        chunks.append(data)
        if version not in versions:
            versions.append(version)
    return assemble(
        job,
        config,
        chunks,
        date_created=manifest.get("date_created"),
        commit=manifest.get("git_commit"),
        code_versions=versions or None,
    )


def _resume_hint(store) -> str:
    if store is None:
        return "nothing was kept (no output path); give one to make the sweep resumable"
    return (
        f"the finished chunks are kept in {str(store.folder)!r}; run the same command again "
        "to resume"
    )


def _bounded(fn, seconds: float):
    """``fn()`` in a daemon thread, waited for at most ``seconds`` (TimeoutError after that).

    A dask client whose scheduler is gone can block its synchronous calls forever; the sweep
    must keep the upper hand to report it.
    """
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


_RESCHEDULED = object()


def _fetch(future, patience: float):
    """A finished task's result, or :data:`_RESCHEDULED` if dask sent it back to be computed
    again (the worker holding it died) while we asked; TimeoutError after ``patience`` s."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return _bounded(future.result, 4 * POLL)
        except TimeoutError:
            if future.status == "pending":
                return _RESCHEDULED
            if time.monotonic() > deadline:
                raise


def _n_workers(client) -> int | None:
    """Workers the scheduler knows (None when it cannot be asked within a few POLLs)."""
    if client.status != "running":
        return None
    try:
        return len(_bounded(client.scheduler_info, 4 * POLL).get("workers", {}))
    except Exception:  # any comm failure means "cannot tell"
        return None


def _execute(client, job, config: RunConfig, todo: list[int], *, timeout=None, resume=""):
    """Submit one task per chunk; yield (chunk, result) in completion order.

    Each future's done callback puts it on a local queue, and the loop sleeps on that queue
    for at most :data:`POLL` s: it wakes when a chunk finishes, without looking at every pending
    future, and nothing here waits on a lost scheduler. No worker, or no scheduler answering,
    for ``timeout`` seconds (default :data:`WORKER_TIMEOUT`), or a closed client, raises
    :class:`SweepStopped` with ``resume``.
    """
    from concurrent.futures import CancelledError

    timeout = WORKER_TIMEOUT if timeout is None else timeout
    prefix = f"tisot-{config.fingerprint()[:12]}-chunk"
    futures = {
        client.submit(compute_chunk, job, config, i, key=f"{prefix}-{i}", pure=False): i
        for i in todo
    }
    pending = dict(futures)
    finished: queue.SimpleQueue = queue.SimpleQueue()
    for future in futures:
        future.add_done_callback(finished.put)  # called once, in dask's callback thread
    trouble_since = None
    last_check = time.monotonic()
    try:
        while pending:
            fetched = False
            for future in dict.fromkeys(_drain(finished, POLL)):  # each future once
                if future not in pending:  # already yielded
                    continue
                try:  # an error re-raises the job's exception; a lost cluster stops the sweep
                    result = _fetch(future, timeout)
                except TimeoutError:  # who is gone: the scheduler, or the worker with the data?
                    n = _n_workers(client)
                    if n is None:
                        raise SweepStopped(_lost(client, None, resume)) from None
                    if n == 0:
                        raise SweepStopped(_no_worker(timeout, len(pending), resume)) from None
                    finished.put(future)  # a slow transfer: ask again
                    continue
                except (CancelledError, OSError) as err:  # (TimeoutError, an OSError, is above)
                    raise SweepStopped(_lost(client, err, resume)) from None
                if result is _RESCHEDULED:  # its data went down with a worker: computed again
                    with contextlib.suppress(RuntimeError):  # a closed loop: the backstop finds it
                        future.add_done_callback(finished.put)  # the callback fires once: rearm
                    continue
                del pending[future]
                fetched = True
                yield futures[future], result
                future.release()
            if fetched:
                trouble_since = None
                continue
            if client.status == "closed":
                raise SweepStopped(_lost(client, None, resume))
            if time.monotonic() - last_check < POLL:
                continue
            last_check = time.monotonic()
            for future in pending:  # backstop for a callback lost to a closing loop (cheap)
                if future.status != "pending":
                    finished.put(future)
            n = _n_workers(client)
            if n:
                trouble_since = None
                continue
            trouble_since = trouble_since or time.monotonic()
            if time.monotonic() - trouble_since <= timeout:
                continue
            if n is None:
                raise SweepStopped(_lost(client, None, resume))
            raise SweepStopped(_no_worker(timeout, len(pending), resume))
    finally:
        if pending:
            with contextlib.suppress(Exception):
                _bounded(lambda: client.cancel(list(pending)), 4 * POLL)


def _drain(q: queue.SimpleQueue, seconds: float) -> list:
    """Everything on ``q``, waiting at most ``seconds`` for the first item ([] if none came)."""
    try:
        items = [q.get(timeout=seconds)]
    except queue.Empty:
        return []
    with contextlib.suppress(queue.Empty):
        while True:
            items.append(q.get_nowait())
    return items


def _no_worker(timeout: float, left: int, resume: str) -> str:
    return (
        f"no dask worker left for {timeout:g} s ({left} chunks to go); {resume} once workers "
        "are back (--worker-timeout sets the wait)"
    )


def _lost(client, err, resume: str) -> str:
    address = getattr(getattr(client, "scheduler", None), "address", None) or "the scheduler"
    why = f" ({type(err).__name__})" if err is not None else ""
    return f"lost the dask scheduler {address}{why}; {resume}"
