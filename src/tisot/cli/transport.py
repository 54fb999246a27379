"""`tisot transport` and `tisot response`: the static transport and the tensor K(q, omega)."""

from __future__ import annotations

import json
import warnings
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..model import RegimeWarning
from ..model.surface import UNIT_LABELS
from ..response import response_tensor
from .main import app, fail
from .options import (
    Alpha,
    DeltaSd,
    Energy,
    FormatOpt,
    Mz,
    OutputFormat,
    Units,
    UnitsOpt,
    Velocity,
    build_model,
    parse_pair,
    to_model_units,
)


def _emit_warnings(caught) -> None:
    """Show the physics and accuracy warnings (regime left, tolerance missed) on stderr."""
    from ..response.ladder import LadderAccuracyWarning

    for w in caught:
        if issubclass(w.category, RegimeWarning | LadderAccuracyWarning):
            typer.secho(f"warning: {w.message}", err=True, fg=typer.colors.YELLOW)


@app.command()
def transport(
    energy: Energy = 1.0,
    delta_sd: DeltaSd = 0.3,
    mz: Mz = 1.0,
    alpha: Alpha = 0.02,
    velocity: Velocity = 1.0e6,
    units: UnitsOpt = Units.dimensionless,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """sigma0, sigma_H (Eq. 9), D, tau_tr and the mean free path ell = sqrt(D tau_tr)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = build_model(energy, delta_sd, mz, alpha, velocity, units)
        except ValueError as err:
            fail(str(err))
    _emit_warnings(caught)
    coeffs = model.transport(units.value).as_dict()
    labels = UNIT_LABELS[units.value]
    if fmt is OutputFormat.json:
        coeffs["units"] = labels
        typer.echo(json.dumps(coeffs))
        return
    table = Table(title=f"TI-surface transport ({units.value})")
    for col in ("quantity", "value", "unit"):
        table.add_column(col)
    for key, unit in labels.items():
        table.add_row(key, f"{coeffs[key]:.6g}", unit)
    Console().print(table)


@app.command()
def response(
    energy: Energy = 1.0,
    delta_sd: DeltaSd = 0.3,
    mz: Mz = 1.0,
    alpha: Alpha = 0.02,
    velocity: Velocity = 1.0e6,
    q: Annotated[str, typer.Option("--q", help="Wavevector 'QX,QY' (rad/um in si).")] = "0.001,0",
    omega: Annotated[
        float, typer.Option("--omega", help="Angular frequency >= 0 (rad/ns in si).")
    ] = 0.0,
    method: Annotated[
        str, typer.Option("--method", help="analytic (App. B) or ladder (exact).")
    ] = "analytic",
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance (ladder).")] = 1e-6,
    cutoff: Annotated[
        float, typer.Option("--cutoff", help="Momentum cutoff in units of eps/(hbar v) (ladder).")
    ] = 5.0,
    units: UnitsOpt = Units.dimensionless,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """The response tensor K(q, omega) of Eq. (8)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = build_model(energy, delta_sd, mz, alpha, velocity, units)
            qm, wm = to_model_units(model, parse_pair(q, "--q"), omega, units)
            options = {"rtol": rtol, "cutoff": cutoff} if method == "ladder" else {}
            K = response_tensor(model, np.array(qm), wm, method=method, **options)
        except (ValueError, NotImplementedError) as err:
            fail(str(err))
    _emit_warnings(caught)
    coeffs = model.transport(units.value).as_dict()
    if fmt is OutputFormat.json:
        out = {
            "K": {"re": K.real.tolist(), "im": K.imag.tolist()},
            "sigma0": coeffs["sigma0"],
            "sigma_H": coeffs["sigma_H"],
            "D": coeffs["D"],
            "tau_tr": coeffs["tau_tr"],
            "method": method,
            "units": UNIT_LABELS[units.value],
        }
        typer.echo(json.dumps(out))
        return
    table = Table(title=f"K(q, omega), method={method}, Eq. (8): rows/cols x, y, z")
    table.add_column("")
    for name in "xyz":
        table.add_column(name, justify="right")
    for i, name in enumerate("xyz"):
        table.add_row(name, *(f"{K[i, j].real:.6g} {K[i, j].imag:+.6g}j" for j in range(3)))
    Console().print(table)
    labels = UNIT_LABELS[units.value]
    Console().print(
        ", ".join(
            f"{k} = {coeffs[k]:.6g} {labels[k]}" for k in ("sigma0", "sigma_H", "D", "tau_tr")
        )
    )
