"""`tisot run CONFIG.toml` (one calculation) and `tisot sweep CONFIG.toml` (a resumable grid)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .main import app, fail

ConfigArg = Annotated[
    Path, typer.Argument(help="TOML run config (see docs/getting-started.md).", show_default=False)
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Output file (overrides output.path): .nc netCDF, .zarr Zarr."),
]


def _load(config: Path, out: Path | None):
    """The validated config; its output (``--out`` or output.path) checked to be writable and
    not the config itself."""
    from ..io import check_writable, load_config

    try:
        cfg = load_config(config)
        path = out or cfg.output.path
        if path is not None:
            check_writable(path, inputs=(config,))
        return cfg
    except ValueError as err:
        fail(f"{config}: {err}")


#: `tisot run` may allocate at most this fraction of physical memory (then MemoryError, one line).
RUN_MEMORY_FRACTION = 0.75


@contextlib.contextmanager
def _memory_cap() -> Iterator[int]:
    """Cap this process's data segment (RLIMIT_DATA) so that a request too big for the machine
    fails with MemoryError instead of swapping the machine to a halt; restored on exit."""
    from .._validation import physical_memory

    cap = int(RUN_MEMORY_FRACTION * physical_memory())
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        # never loosen a limit the user set: the lowest of ours, the soft and the hard one
        new = min(lim for lim in (cap, soft, hard) if lim != resource.RLIM_INFINITY)
        resource.setrlimit(resource.RLIMIT_DATA, (new, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not Linux, or not allowed
        yield cap
        return
    try:
        yield cap
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _one_line(err: BaseException, *, memory: int | None = None) -> str:
    """A failure of any kind as one line: its message, or its type when it has none."""
    text = " ".join(str(err).split())
    if isinstance(err, MemoryError) or isinstance(err.__cause__, MemoryError):
        cap = f" (allowed: {memory / 2**30:.3g} GiB)" if memory else ""
        return (
            f"out of memory{cap}: {text or 'the request is too large'}; lower the sizes in the "
            "config (samples, points, grid)"
        )
    if isinstance(err, ValueError):
        return text
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _summary(ds) -> None:
    """Print the scalar outputs of a single run; tensors row by row."""
    table = Table(title=ds.attrs.get("title", "result"))
    for col in ("quantity", "value", "unit"):
        table.add_column(col)
    for name, var in ds.data_vars.items():
        values = np.atleast_1d(var.values).ravel()
        if values.size > 9:
            shape = " x ".join(f"{d} {n}" for d, n in var.sizes.items())
            table.add_row(name, f"array ({shape}); write it with --out", var.attrs.get("units", ""))
            continue
        text = ", ".join(
            f"{v.real:.6g}{v.imag:+.6g}j" if np.iscomplexobj(v) else f"{v:.6g}" for v in values
        )
        table.add_row(name, text, var.attrs.get("units", ""))
    Console().print(table)


@app.command()
def run(config: ConfigArg, out: OutOpt = None) -> None:
    """Run the one calculation a config describes; print it, write it if an output is given."""
    from ..sweeps import run_point

    cfg = _load(config, out)
    with _memory_cap() as cap:
        try:
            ds = run_point(cfg, out=out)
        except Exception as err:  # any failure of the job: one line, never a traceback
            fail(_one_line(err, memory=cap))
    _summary(ds)
    path = out or cfg.output.path
    if path is not None:
        typer.echo(f"wrote {path}")


@app.command()
def sweep(
    config: ConfigArg,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a dask.distributed scheduler (tcp://host:8786); "
            "default: an embedded local cluster.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Workers of the local cluster (default: one per core)."
        ),
    ] = None,
    out: OutOpt = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Discard chunks of an interrupted run; start over.")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="If another sweep writes the same output, wait for it."),
    ] = False,
    allow_mixed: Annotated[
        bool,
        typer.Option(
            "--allow-mixed",
            help="Resume over chunks computed by another code version (recorded in the file).",
        ),
    ] = False,
    worker_timeout: Annotated[
        float | None,
        typer.Option(
            "--worker-timeout",
            help="Seconds with no dask worker before the sweep stops (default 60; chunks kept).",
        ),
    ] = None,
) -> None:
    """Run a config's [sweep] grid on Dask, chunk by chunk; a killed sweep resumes on rerun."""
    from ..io.config import WORKER_TIMEOUT
    from ..sweeps import run_sweep

    if scheduler and workers:
        fail("--workers sizes the local cluster; with --scheduler the cluster's own workers run")
    if worker_timeout is not None:
        try:
            WORKER_TIMEOUT.check("--worker-timeout", worker_timeout)
        except ValueError as err:
            fail(str(err))
    cfg = _load(config, out)
    if out is None and cfg.output.path is None:
        fail(f"{config}: no output path; give --out FILE.nc or set output.path")

    def waiting(holder: dict) -> None:
        typer.secho(
            f"waiting for the sweep of process {holder.get('pid', '?')} on the same output",
            err=True,
            fg=typer.colors.YELLOW,
        )

    try:
        ds = run_sweep(
            cfg,
            out=out,
            workers=workers,
            scheduler=scheduler,
            fresh=fresh,
            progress=progress,
            wait=wait,
            allow_mixed=allow_mixed,
            worker_timeout=worker_timeout,
            on_wait=waiting,
        )
    except Exception as err:  # any failure of a job or of the cluster: one line
        fail(_one_line(err))
    except KeyboardInterrupt:
        from ..sweeps import ChunkStore

        folder = ChunkStore.next_to(Path(out or cfg.output.path)).folder
        typer.secho(
            f"interrupted: the finished chunks are kept in {folder}; run the same command again "
            "to resume",
            err=True,
            fg=typer.colors.YELLOW,
        )
        raise typer.Exit(code=130) from None
    dims = ", ".join(f"{d} = {n}" for d, n in ds.sizes.items())
    typer.echo(f"wrote {out or cfg.output.path} ({dims})")


@app.command()
def template(
    calculation: Annotated[
        str, typer.Argument(help="transport, response, macrospin, ... (`tisot template --help`)")
    ],
) -> None:
    """Print an annotated TOML config for CALCULATION: every key, its default, unit and range.

    `tisot template device` prints a device file (the Bi2Se3/EuS presets) instead.
    """
    from ..io import template as make_template

    try:
        if calculation == "device":
            from ..device import device_template

            typer.echo(device_template(), nl=False)
            return
        typer.echo(make_template(calculation), nl=False)
    except ValueError as err:
        fail(str(err))
