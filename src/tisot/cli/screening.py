"""`tisot screening`: how much of a gate harmonic's field the surface electrons leave (SI)."""

from __future__ import annotations

import json
import math
import warnings
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .._validation import numerics
from ..io.schema import Parameter, check_flags
from ..model import RegimeWarning
from .main import app, fail
from .options import FormatOpt, OutputFormat


class Method(StrEnum):
    analytic = "analytic"
    ladder = "ladder"


#: flags without a device-file key of their own
FLAGS = {
    "--mz": Parameter(kind=float, low=-1.0, high=1.0, long_name="m_z"),
    "--frequency-ghz": Parameter(kind=float, low=0.0, high=1.0e4, long_name="f"),
}


@app.command()
def screening(
    energy_mev: Annotated[
        float, typer.Option("--energy-mev", help="Fermi energy eps in meV, > 0.")
    ] = 100.0,
    delta_sd_mev: Annotated[
        float,
        typer.Option("--delta-sd-mev", help="Exchange Delta_sd in meV (|Delta_sd m_z| < eps)."),
    ] = 10.0,
    mz: Annotated[float, typer.Option("--mz", help="m_z of the unit magnetization, -1..1.")] = 0.7,
    alpha: Annotated[
        float, typer.Option("--alpha", help="Disorder alpha of Eq. (5), 0..1.")
    ] = 0.05,
    velocity: Annotated[
        float, typer.Option("--velocity", help="Dirac velocity in m/s, > 0.")
    ] = 5e5,
    period_um: Annotated[float, typer.Option("--period-um", help="Grating period L in um.")] = 1.0,
    distance_nm: Annotated[
        float, typer.Option("--distance-nm", help="Gate-to-surface distance d in nm, >= 0.")
    ] = 50.0,
    eps_gate: Annotated[
        float, typer.Option("--eps-gate", help="Permittivity eps_d of the gate dielectric, > 0.")
    ] = 9.0,
    eps_substrate: Annotated[
        float, typer.Option("--eps-substrate", help="Permittivity eps_s below the surface, > 0.")
    ] = 100.0,
    frequency_ghz: Annotated[
        float, typer.Option("--frequency-ghz", help="Gate frequency f in GHz, >= 0 (0: static).")
    ] = 10.0,
    method: Annotated[
        Method, typer.Option("--method", help="Density response: analytic (closed form) or ladder.")
    ] = Method.analytic,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """E_x(total)/E_x(gate alone) at the first harmonic q = 2 pi/L, and where the pole moved.

    The surface's induced charge (density response from K by continuity) screens the gate
    field in the layered geometry; without screening the factor is 1 (the paper's drive).
    """
    from ..device.schema import GATE, INTERFACE, SURFACE
    from ..drive import LayeredDielectric, Screening, SurfacePolarizability, screening_wavevector
    from ..model import SurfaceModel

    values = {
        "--energy-mev": energy_mev, "--delta-sd-mev": delta_sd_mev, "--mz": mz,
        "--alpha": alpha, "--velocity": velocity, "--period-um": period_um,
        "--distance-nm": distance_nm, "--eps-gate": eps_gate, "--eps-substrate": eps_substrate,
        "--frequency-ghz": frequency_ghz,
    }  # fmt: skip
    try:  # the device file's rules for the same quantities, with the flags' names
        check_flags(FLAGS | {
            "--energy-mev": SURFACE["fermi_energy_mev"], "--delta-sd-mev": INTERFACE["exchange_mev"],
            "--alpha": SURFACE["disorder_alpha"], "--velocity": SURFACE["velocity_m_per_s"],
            "--period-um": GATE["period_um"], "--distance-nm": GATE["distance_nm"],
            "--eps-gate": GATE["permittivity"], "--eps-substrate": SURFACE["permittivity"],
        }, values)  # fmt: skip
    except ValueError as err:
        fail(str(err))
    if abs(delta_sd_mev * mz) >= energy_mev:
        fail(
            f"--energy-mev = {energy_mev} lies inside the exchange gap |Delta_sd m_z| = "
            f"{abs(delta_sd_mev * mz):g} meV: the theory needs eps > |Delta_z|"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with numerics("tisot screening", values):
                model = SurfaceModel.from_physical(
                    fermi_energy_mev=energy_mev,
                    exchange_energy_mev=delta_sd_mev,
                    magnetization=(math.sqrt(max(0.0, 1 - mz * mz)), 0.0, mz),
                    disorder=alpha,
                    velocity=velocity,
                )
                layers = LayeredDielectric(
                    distance=distance_nm * 1e-9,
                    permittivity=eps_gate,
                    substrate_permittivity=eps_substrate,
                )
                q = 2 * math.pi / (period_um * 1e-6)
                omega = 2 * math.pi * frequency_ghz * 1e9
                s = model.scales
                if method is Method.analytic:  # the ladder holds at any q and omega
                    model.check_regime(q / s.wavevector, omega / s.rate)
                scr = Screening(layers, SurfacePolarizability(model, method.value))
                k = complex(scr.factor(q, omega))
                D = model.diffusion_constant * s.diffusion
                rate = float(scr.relaxation_rate(q))
                q_s = screening_wavevector(model, layers.mean_permittivity)
        except ValueError as err:
            fail(str(err).replace("fermi_energy_mev", "--energy-mev"))
    for w in caught:
        if issubclass(w.category, RegimeWarning) or "ladder" in str(w.message):
            typer.secho(f"warning: {w.message}", err=True, fg=typer.colors.YELLOW)
    payload = {
        "screening_factor": {"re": k.real, "im": k.imag},
        "screening_factor_abs": abs(k),
        "screening_factor_phase_deg": math.degrees(math.atan2(k.imag, k.real)),
        "q_per_um": q * 1e-6,
        "q_s_per_um": q_s * 1e-6,
        "diffusion_rate_per_ns": D * q * q * 1e-9,
        "screened_rate_per_ns": rate * 1e-9,
        "screened_pole_frequency_ghz": rate / (2 * math.pi) * 1e-9,
        "unscreened_pole_frequency_ghz": D * q * q / (2 * math.pi) * 1e-9,
        "method": method.value,
        "notes": "factor = E_x(total)/E_x(gate alone) at q = 2 pi/L; rates are diffusive "
        "(Gamma = D q^2 + sigma q^2 G(q)); pole frequency = Gamma/2pi",
    }
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(payload))
        return
    table = Table(title=f"screening of a {period_um} um gate harmonic at {frequency_ghz} GHz")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_row("E_total / E_gate", f"{k.real:.5g} {k.imag:+.5g}i")
    table.add_row("|E_total / E_gate|", f"{abs(k):.5g}")
    table.add_row("q [1/um]", f"{q * 1e-6:.5g}")
    table.add_row("q_s [1/um]", f"{q_s * 1e-6:.5g}")
    table.add_row("D q^2 / 2pi [GHz]", f"{payload['unscreened_pole_frequency_ghz']:.5g}")
    table.add_row("Gamma / 2pi [GHz]", f"{payload['screened_pole_frequency_ghz']:.5g}")
    Console().print(table)
