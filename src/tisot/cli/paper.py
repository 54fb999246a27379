"""`tisot paper ...`: reproduce the paper's figures (one subcommand per figure)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..io.schema import Parameter, check_flags
from .main import app, fail

#: Caps of the fig3 flags: the panels are 1/omega0 long, sampled at `--points` times.
FIG3_FLAGS = {
    "--t-max": Parameter(kind=float, low=0.0, low_open=True, high=1e6),
    "--points": Parameter(kind=int, low=2, high=10**6),
}

paper_app = typer.Typer(
    help="Reproduce the figures of Sokolewicz et al., PRB 99, 214444 (2019).",
    no_args_is_help=True,
)
app.add_typer(paper_app, name="paper")

OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="Folder for the figures and data (default: paper-output)."),
]
DEFAULT_OUT = Path("paper-output")


def _out(ctx: typer.Context, out: Path | None) -> Path:
    """The subcommand's --out, else the one given before it (`tisot paper --out X fig3`)."""
    if out is not None:
        return out
    parent = (ctx.parent.params if ctx.parent is not None else {}).get("out")
    return parent or DEFAULT_OUT


@paper_app.command("fig3")
def fig3(
    ctx: typer.Context,
    out: OutDir = None,
    t_max: Annotated[
        float, typer.Option("--t-max", help="Duration of the panels, in 1/omega0 (> 0).")
    ] = 1500.0,
    points: Annotated[int, typer.Option("--points", help="Output times per curve (>= 2).")] = 1501,
    settle: Annotated[
        bool,
        typer.Option("--settle/--no-settle", help="Also compute the settled m_H(alpha_G) study."),
    ] = True,
) -> None:
    """Fig. 3: m_H(t) at the diffusive spin-torque resonance (chi = pi/4, f0 = 0.1 omega0).

    Writes fig3.png/pdf (top: omega near omega0 at alpha_G = 0.005; bottom: omega = omega0 at
    several alpha_G with Eq. (19) as dots), fig3_c2.png/pdf (Eq. 18 vs Eq. C2),
    fig3_settling.png/pdf and the data fig3.nc.
    """
    from ..experiments import fig3 as experiment

    out = _out(ctx, out)
    try:
        from ..io.store import check_writable

        check_flags(FIG3_FLAGS, {"--t-max": t_max, "--points": points})
        check_writable(Path(out) / "fig3.nc")
        ds = experiment.compute(
            t_max=t_max,
            points=points,
            settle_alphas=experiment.SETTLE_ALPHAS if settle else (),
            progress=True,
        )
        paths = [*experiment.plot(ds, out), experiment.write(ds, out)]
    except ValueError as err:
        fail(str(err))
    for path in paths:
        typer.echo(str(path))


# ---------------------------------------------------------------- everything (owned by io/sweeps)
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
]


def _reproduce_all(out: Path, progress: bool | None) -> None:
    from ..experiments.paper import reproduce

    try:
        result = reproduce(out, progress=progress)
    except ValueError as err:
        fail(str(err))
    for path in result.files.values():
        typer.echo(str(path))
    typer.echo(f"report: {result.report}")


@paper_app.callback(invoke_without_command=True)
def paper_callback(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for everything (`tisot paper --out DIR` = `all`)."),
    ] = None,
    progress: ProgressOpt = None,
) -> None:
    """Reproduce the paper: `tisot paper --out DIR` runs everything; subcommands run one part."""
    if ctx.invoked_subcommand is None:
        _reproduce_all(out or DEFAULT_OUT, progress)


@paper_app.command("all")
def paper_all(ctx: typer.Context, out: OutDir = None, progress: ProgressOpt = None) -> None:
    """Everything the paper shows: Fig. 3 (both panels, Eq. C2 variant, settling), Eq. (19), the
    estimate below Eq. (17) and the closed forms against the exact ladder, with report.md."""
    _reproduce_all(_out(ctx, out), progress)
