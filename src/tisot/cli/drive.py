"""`tisot gate` (the grated gate's field) and `tisot resonance` (dimensionless resonance curves of
Eq. 18). A whole device under its gate: `tisot device`, `tisot film` (:mod:`tisot.cli.device`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..io.schema import Parameter, check_flags
from ..io.store import atomic_save_figure, check_writable
from ..model import RegimeWarning
from .main import app, fail
from .options import FormatOpt, OutputFormat

PeriodUm = Annotated[float, typer.Option("--period-um", help="Grating period in um, > 0.")]
DistanceNm = Annotated[
    float, typer.Option("--distance-nm", help="Gate-to-surface distance in nm, >= 0.")
]
Voltage = Annotated[float, typer.Option("--voltage", help="Gate voltage amplitude in V.")]
FrequencyGhz = Annotated[
    float, typer.Option("--frequency-ghz", help="Gate drive frequency f in GHz, >= 0.")
]
Duty = Annotated[float, typer.Option("--duty", help="Duty cycle of the biased strips, 0..1.")]
EpsGate = Annotated[float, typer.Option("--eps-gate", help="Gate dielectric permittivity, > 0.")]
EpsSub = Annotated[
    float | None,
    typer.Option("--eps-substrate", help="Permittivity below the surface (default: --eps-gate)."),
]
Harmonics = Annotated[int, typer.Option("--harmonics", help="Gate harmonics kept, >= 1.")]
Out = Annotated[Path | None, typer.Option("--out", help="Save the dataset (.nc netCDF or .zarr).")]


def _save(ds, out: Path | None) -> None:
    if out is not None:
        from ..io.store import check_writable, save_dataset

        save_dataset(ds, check_writable(out))


def _emit(caught) -> None:
    for w in caught:
        if issubclass(w.category, RegimeWarning):
            typer.secho(f"warning: {w.message}", err=True, fg=typer.colors.YELLOW)


def _gate(period_um, distance_nm, voltage, frequency_ghz, duty, eps_gate, eps_substrate, harmonics):
    from ..device.schema import GATE, SURFACE
    from ..drive import GratingGate

    check_flags(  # the device file's rules for the same quantities, with the flags' names
        {
            "--period-um": GATE["period_um"], "--distance-nm": GATE["distance_nm"],
            "--voltage": GATE["voltage_v"], "--duty": GATE["duty_cycle"],
            "--eps-gate": GATE["permittivity"], "--eps-substrate": SURFACE["permittivity"],
            "--harmonics": GATE["harmonics"],
            "--frequency-ghz": Parameter(kind=float, low=0.0, high=1.0e4, long_name="f"),
        },
        {
            "--period-um": period_um, "--distance-nm": distance_nm, "--voltage": voltage,
            "--duty": duty, "--eps-gate": eps_gate, "--eps-substrate": eps_substrate,
            "--harmonics": harmonics, "--frequency-ghz": frequency_ghz,
        },
    )  # fmt: skip
    return GratingGate(
        period=period_um * 1e-6,
        distance=distance_nm * 1e-9,
        voltage=voltage,
        frequency=frequency_ghz * 1e9,
        duty_cycle=duty,
        permittivity=eps_gate,
        substrate_permittivity=eps_substrate,
        harmonics=harmonics,
    )


@app.command()
def gate(
    period_um: PeriodUm = 1.0,
    distance_nm: DistanceNm = 50.0,
    voltage: Voltage = 0.1,
    frequency_ghz: FrequencyGhz = 10.0,
    duty: Duty = 0.5,
    eps_gate: EpsGate = 9.0,
    eps_substrate: EpsSub = 100.0,
    harmonics: Harmonics = 32,
    points: Annotated[int, typer.Option("--points", help="Points along one period.")] = 11,
    fmt: FormatOpt = OutputFormat.table,
    out: Out = None,
) -> None:
    """Surface field E_x(x) and div E of a grated top gate (Laplace's equation per harmonic)."""
    try:
        g = _gate(
            period_um, distance_nm, voltage, frequency_ghz, duty, eps_gate, eps_substrate, harmonics
        )
        check_flags({"--points": Parameter(kind=int, low=2, high=100_000)}, {"--points": points})
        ds = g.to_dataset(np.linspace(0.0, g.period, points, endpoint=False))
        _save(ds, out)
    except ValueError as err:
        fail(str(err))
    x_um = ds.x.values * 1e6
    if fmt is OutputFormat.json:
        payload = {
            "x_um": x_um.tolist(),
            "E_x_V_per_m": ds.E_x.values.tolist(),
            "div_E_V_per_m2": ds.div_E.values.tolist(),
            "phi_V": ds.phi.values.tolist(),
        }
        typer.echo(json.dumps(payload))
        return
    table = Table(
        title=f"gate surface field at t = 0 (period {period_um} um, d = {distance_nm} nm)"
    )
    for col in ("x [um]", "phi [V]", "E_x [V/m]", "div E [V/m^2]"):
        table.add_column(col, justify="right")
    for row in zip(x_um, ds.phi.values, ds.E_x.values, ds.div_E.values, strict=True):
        table.add_row(*(f"{v:.5g}" for v in row))
    Console().print(table)


#: the longest settling time (in 1/omega0) a resonance curve may need: 12 decay times
MAX_SETTLE = 1.0e7

RESONANCE_FLAGS = {
    "--num": Parameter(kind=int, low=1, high=4096, long_name="number of sweep values"),
    "--chi-deg": Parameter(kind=float, low=0.0, high=180.0, long_name="field angle"),
    "--start": Parameter(kind=float, low=-1e3, high=1e3, long_name="first value"),
    "--stop": Parameter(kind=float, low=-1e3, high=1e3, long_name="last value"),
    "--omega0": Parameter(kind=float, low=0.0, low_open=True, high=1e3, long_name="gamma H"),
    "--omega": Parameter(kind=float, low=0.0, low_open=True, high=1e3, long_name="drive"),
    "--f0": Parameter(kind=float, low=0.0, high=1e3, long_name="drive amplitude"),
    "--alpha-g": Parameter(kind=float, low=0.0, high=100.0, long_name="alpha_G"),
    "--alpha-iso": Parameter(kind=float, low=0.0, high=100.0, long_name="alpha_iso"),
    "--sweep": Parameter(kind=str, choices=("omega", "omega0", "chi", "f0", "alpha_g")),
}


@app.command()
def resonance(
    sweep: Annotated[
        str,
        typer.Option(
            "--sweep",
            help="Swept parameter: omega, omega0, chi (start/stop in degrees), f0 or alpha_g.",
        ),
    ] = "omega",
    start: Annotated[float, typer.Option("--start", help="First value of the sweep.")] = 0.9,
    stop: Annotated[float, typer.Option("--stop", help="Last value of the sweep.")] = 1.1,
    num: Annotated[int, typer.Option("--num", help="Number of values, >= 1.")] = 21,
    omega0: Annotated[float, typer.Option("--omega0", help="gamma H (unit of rates).")] = 1.0,
    chi_deg: Annotated[
        float, typer.Option("--chi-deg", help="Field angle from the TI normal, degrees.")
    ] = 45.0,
    omega: Annotated[float, typer.Option("--omega", help="Drive frequency.")] = 1.0,
    f0: Annotated[float, typer.Option("--f0", help="Drive amplitude f0.")] = 0.002,
    alpha_g: Annotated[float, typer.Option("--alpha-g", help="alpha_G of Eq. (18).")] = 0.02,
    alpha_iso: Annotated[float, typer.Option("--alpha-iso", help="Isotropic damping.")] = 0.0,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Save the resonance curve as an image (.png).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    out: Out = None,
) -> None:
    """A spin-torque-resonance curve of Eq. (18) (dimensionless: rates in omega0 units).

    Prints <1 - m_H>, the cone angle and the absorbed power in the steady state, the
    linear-response prediction, and the centre and FWHM of the peak.
    """
    from ..experiments.resonance import linewidth, plot_spectrum, spectrum

    try:
        check_flags(RESONANCE_FLAGS, {
            "--num": num, "--chi-deg": chi_deg, "--start": start, "--stop": stop,
            "--omega0": omega0, "--omega": omega, "--f0": f0, "--alpha-g": alpha_g,
            "--alpha-iso": alpha_iso, "--sweep": sweep,
        })  # fmt: skip
        if alpha_g + alpha_iso == 0 and sweep != "alpha_g":
            raise ValueError("--alpha-g and --alpha-iso are both 0: no damping, no steady state")
        decay = (alpha_g / 2 + alpha_iso) * omega0  # the slowest linear decay rate
        if sweep not in ("alpha_g", "omega0") and 12.0 / decay > MAX_SETTLE:
            raise ValueError(
                f"--alpha-g {alpha_g:g} / --alpha-iso {alpha_iso:g}: the transient would need "
                f"{12.0 / decay:.3g} / omega0 to settle (more than {MAX_SETTLE:g}); give more "
                "damping"
            )
        if plot is not None:
            check_writable(plot, create_parents=False, inputs=[out] if out else ())
        swept = {"omega": "--omega", "omega0": "--omega0", "chi": "--chi-deg", "f0": "--f0",
                 "alpha_g": "--alpha-g"}.get(sweep)  # fmt: skip
        if swept is not None:  # the swept values obey the rule of the flag they replace
            for name, value in (("--start", start), ("--stop", stop)):
                RESONANCE_FLAGS[swept].check(f"{name} (a value of {swept})", value)
        values = np.linspace(start, stop, num)
        if sweep == "chi":
            values = np.radians(values)
        spec = spectrum(
            sweep, values, omega0=omega0, chi=math.radians(chi_deg), omega=omega, f0=f0,
            alpha_g=alpha_g, alpha_iso=alpha_iso, progress=fmt is OutputFormat.table,
        )  # fmt: skip
        _save(spec, out)
        if plot is not None:
            import matplotlib

            matplotlib.use("Agg")
            ax = plot_spectrum(spec)
            atomic_save_figure(ax.figure, plot, dpi=120)
    except (ValueError, RuntimeError) as err:
        fail(str(err))
    try:
        lw = linewidth(spec.one_minus_m_H) if num >= 3 else None
    except ValueError:
        lw = None
    x = np.degrees(spec[sweep].values) if sweep == "chi" else spec[sweep].values
    if fmt is OutputFormat.json:
        payload = {
            sweep: x.tolist(),
            "one_minus_m_H": spec.one_minus_m_H.values.tolist(),
            "linear_one_minus_m_H": spec.linear_one_minus_m_H.values.tolist(),
            "cone_angle": spec.cone_angle.values.tolist(),
            "absorbed_power": spec.absorbed_power.values.tolist(),
            "linewidth": lw,
        }
        typer.echo(json.dumps(payload))
        return
    table = Table(title=f"spin-torque resonance, sweep of {sweep}")
    for col in (sweep, "<1 - m_H>", "linear", "cone [rad]", "absorbed", "dissipated"):
        table.add_column(col, justify="right")
    for i in range(x.size):
        table.add_row(
            f"{x[i]:.5g}",
            f"{spec.one_minus_m_H.values[i]:.5g}",
            f"{spec.linear_one_minus_m_H.values[i]:.5g}",
            f"{spec.cone_angle.values[i]:.5g}",
            f"{spec.absorbed_power.values[i]:.5g}",
            f"{spec.dissipated_power.values[i]:.5g}",
        )
    console = Console()
    console.print(table)
    if lw is not None:
        console.print(f"peak at {sweep} = {lw['centre']:.6g}, FWHM = {lw['fwhm']:.4g}")
