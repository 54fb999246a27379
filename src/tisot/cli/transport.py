"""`tisot transport` and `tisot response`: the static transport and the tensor K(q, omega)."""

from __future__ import annotations

import json
import warnings
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .._validation import finite_result, numerics
from ..io.schema import Parameter, check_flags
from ..model import RegimeWarning
from ..model.surface import UNIT_LABELS
from ..response import response_tensor
from ..sweeps.jobs import METHOD_SCHEMA
from .main import app, fail
from .options import (
    BIG,
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
    refuse_unused,
    to_model_units,
)

#: The response flags: the config's [method] rules, and caps on the drive.
RESPONSE_FLAGS = {
    "--method": METHOD_SCHEMA["name"],
    "--rtol": METHOD_SCHEMA["rtol"],
    "--cutoff": METHOD_SCHEMA["cutoff"],
    "--omega": Parameter(kind=float, long_name="omega in model units", low=0.0, high=BIG),
    "--frequency-ghz": Parameter(kind=float, units="GHz", long_name="f", low=0.0, high=BIG),
}


def _named(energy, delta_sd, mz, alpha, velocity, units: Units) -> dict:
    """The model's flags a failure may be blamed on (the velocity only where it is used)."""
    named = {"energy": energy, "delta_sd": delta_sd, "mz": mz, "alpha": alpha}
    return named | ({"velocity": velocity} if units is Units.si else {})


def _transport(model, units: Units, **inputs) -> dict:
    """The transport coefficients, every one finite (else an error naming the input)."""
    names = {f"--{k.replace('_', '-')}": v for k, v in inputs.items()}
    with numerics("the transport coefficients", names):
        coeffs = model.transport(units.value).as_dict()
    for key, value in coeffs.items():
        finite_result(key, value, names)
    return coeffs


def given_omega(ctx) -> bool:
    from .options import given

    return given(ctx, "omega")


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
    ctx: typer.Context = None,
) -> None:
    """sigma0, sigma_H (Eq. 9), D, tau_tr and the mean free path ell = sqrt(D tau_tr)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            refuse_unused(ctx, "--units", units.value, {"velocity": ("si",)})
            model = build_model(energy, delta_sd, mz, alpha, velocity, units)
            coeffs = _transport(
                model, units, **_named(energy, delta_sd, mz, alpha, velocity, units)
            )
        except ValueError as err:
            fail(str(err))
    _emit_warnings(caught)
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
        float, typer.Option("--omega", help="Angular frequency >= 0 (dimensionless units only).")
    ] = 0.0,
    frequency_ghz: Annotated[
        float | None,
        typer.Option("--frequency-ghz", help="Drive frequency f = omega / 2 pi in GHz (si only)."),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help="analytic (App. B) or ladder (exact).")
    ] = "analytic",
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance (ladder).")] = 1e-6,
    cutoff: Annotated[
        float, typer.Option("--cutoff", help="Momentum cutoff in units of eps/(hbar v) (ladder).")
    ] = 5.0,
    crossed: Annotated[
        bool, typer.Option("--crossed", help="Add the crossed X and Psi diagrams (ladder).")
    ] = False,
    cooperon: Annotated[
        bool,
        typer.Option(
            "--cooperon",
            help="With --crossed: also the maximally crossed (Cooperon) series beyond X and "
            "Psi (needs --delta-sd and --mz != 0; seconds at alpha = 0.1, minutes below 0.03).",
        ),
    ] = False,
    units: UnitsOpt = Units.dimensionless,
    fmt: FormatOpt = OutputFormat.table,
    ctx: typer.Context = None,
) -> None:
    """The response tensor K(q, omega) of Eq. (8)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check_flags(
                RESPONSE_FLAGS,
                {"--method": method, "--omega": omega, "--frequency-ghz": frequency_ghz},
            )
            refuse_unused(
                ctx,
                "--method",
                method,
                {
                    "rtol": ("ladder",),
                    "cutoff": ("ladder",),
                    "crossed": ("ladder",),
                    "cooperon": ("ladder",),
                },
            )
            if cooperon and not crossed:
                raise ValueError("--cooperon adds to the crossed diagrams: give --crossed too")
            refuse_unused(
                ctx, "--units", units.value, {"velocity": ("si",), "frequency_ghz": ("si",)}
            )
            if units is Units.si and given_omega(ctx):
                raise ValueError(
                    "--omega is the dimensionless angular frequency; with --units si give the "
                    "frequency in GHz: --frequency-ghz F"
                )
            options = {}
            if method == "ladder":
                options = check_flags(RESPONSE_FLAGS, {"--rtol": rtol, "--cutoff": cutoff})
                options = {"rtol": options["--rtol"], "cutoff": options["--cutoff"]}
            model = build_model(energy, delta_sd, mz, alpha, velocity, units)
            if cooperon and model.delta_z == 0:
                raise ValueError(
                    "--cooperon needs an exchange field, Delta_z = --delta-sd * --mz != 0: "
                    "without it the Cooperon is massless and its series diverges (weak "
                    "antilocalisation); give --delta-sd and --mz both nonzero"
                )
            qq = parse_pair(q, "--q")
            w = omega if units is Units.dimensionless else 2 * np.pi * (frequency_ghz or 0.0)
            inputs = {"--q": q, "--omega": omega, "--energy": energy, "--delta-sd": delta_sd,
                      "--mz": mz, "--alpha": alpha}  # fmt: skip
            if units is Units.si:
                inputs = {**inputs, "--frequency-ghz": frequency_ghz, "--velocity": velocity}
                del inputs["--omega"]
            with numerics("K(q, omega)", inputs):
                qm, wm = to_model_units(model, qq, w, units)  # 2 pi f in rad/ns
                if crossed:  # ladder + X and Psi diagrams (tisot.response.crossed)
                    from ..response.crossed import crossed_response

                    K = crossed_response(model, np.array(qm), wm, cooperon=cooperon, **options)
                else:
                    K = response_tensor(model, np.array(qm), wm, method=method, **options)
            finite_result("K(q, omega)", K, inputs)
            coeffs = _transport(
                model, units, **_named(energy, delta_sd, mz, alpha, velocity, units)
            )
        except (ValueError, NotImplementedError) as err:
            fail(str(err))
    _emit_warnings(caught)
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
    label = "ladder + crossed diagrams" if crossed else method
    label += " + Cooperon series" if cooperon else ""
    table = Table(title=f"K(q, omega), method={label}, Eq. (8): rows/cols x, y, z")
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
