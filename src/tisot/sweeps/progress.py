"""A rich progress bar for sweeps: chunks done of total, elapsed and remaining time.

Silent when the output stream is not a terminal (logs, CI, pipes) unless forced.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def chunk_progress(
    total: int,
    *,
    done: int = 0,
    description: str = "sweep",
    console: Console | None = None,
    enabled: bool | None = None,
) -> tuple[Progress, int]:
    """A :class:`rich.progress.Progress` with one task counting chunks; returns (progress, task).

    Parameters
    ----------
    total
        number of chunks in the sweep.
    done
        chunks already on disk (a resumed sweep starts part-way; they do not count toward the
        time-left estimate, which uses the speed of this session only).
    console
        where to draw (default: stderr).
    enabled
        force on or off; by default on only when ``console`` is a terminal.
    """
    console = console or Console(stderr=True)
    if enabled is None:
        enabled = console.is_terminal
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("chunks,"),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
        disable=not enabled,
        transient=False,
    )
    task = progress.add_task(description, total=total, completed=done)
    return progress, task
