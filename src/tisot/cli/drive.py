"""`tisot gate`, `tisot film` and `tisot resonance`: from a grated gate to spin-torque resonance."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..io.store import atomic_save_figure
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
    from ..drive import GratingGate

    if not period_um > 0:
        raise ValueError(f"--period-um must be > 0 (grating period), got {period_um!r}")
    if not distance_nm >= 0:
        raise ValueError(
            f"--distance-nm must be >= 0 (gate-to-surface distance), got {distance_nm!r}"
        )
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
    eps_gate: EpsGate = 1.0,
    eps_substrate: EpsSub = None,
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
        if points < 2:
            raise ValueError(f"--points must be >= 2, got {points}")
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


@app.command()
def film(
    energy_mev: Annotated[float, typer.Option("--energy-mev", help="Fermi energy in meV.")] = 100.0,
    jsd_mev: Annotated[float, typer.Option("--jsd-mev", help="sd exchange J_sd in meV.")] = 2.0,
    spin: Annotated[float, typer.Option("--spin", help="Spin S per FM cell.")] = 3.5,
    cell_area: Annotated[
        float, typer.Option("--cell-area", help="FM cell area A in m^2.")
    ] = 1.542e-19,
    alpha: Annotated[float, typer.Option("--alpha", help="Disorder alpha of Eq. (5).")] = 0.07,
    velocity: Annotated[float, typer.Option("--velocity", help="Dirac velocity in m/s.")] = 5e5,
    layers: Annotated[int, typer.Option("--layers", help="FM monolayers sharing the torque.")] = 1,
    tau_phi_ps: Annotated[
        float, typer.Option("--tau-phi-ps", help="Dephasing time in ps, > 0 (inf: none).")
    ] = math.inf,
    field_mt: Annotated[float, typer.Option("--field-mt", help="mu0 H in mT, > 0.")] = 340.0,
    chi: Annotated[float, typer.Option("--chi", help="Field angle from the TI normal, rad.")] = (
        math.pi / 4
    ),
    alpha_iso: Annotated[float, typer.Option("--alpha-iso", help="FM Gilbert damping.")] = 3e-3,
    fieldlike: Annotated[
        bool, typer.Option("--fieldlike/--no-fieldlike", help="Include the Eq. (3) torque.")
    ] = True,
    exchange_ghz: Annotated[
        float, typer.Option("--exchange-ghz", help="Exchange rate J_ex/2pi in GHz, >= 0.")
    ] = 0.0,
    points: Annotated[int, typer.Option("--points", help="Film points per period.")] = 8,
    t_max_ns: Annotated[float, typer.Option("--t-max-ns", help="Duration in ns, > 0.")] = 5.0,
    period_um: PeriodUm = 1.0,
    distance_nm: DistanceNm = 50.0,
    voltage: Voltage = 0.1,
    frequency_ghz: FrequencyGhz = 9.5,
    duty: Duty = 0.5,
    eps_gate: EpsGate = 9.0,
    eps_substrate: EpsSub = 100.0,
    harmonics: Harmonics = 15,
    fmt: FormatOpt = OutputFormat.table,
    out: Out = None,
) -> None:
    """A film along a grated gate (SI): local drive f and current per point, m_H over time."""
    from ..drive import DiffusiveMedium, fourier_drive
    from ..experiments.film import Film, simulate_film
    from ..model import Coupling, fieldlike_coefficient, gilbert_damping

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if not tau_phi_ps > 0:
                raise ValueError(
                    f"--tau-phi-ps must be > 0 (dephasing time; inf for none), got {tau_phi_ps!r}"
                )
            if layers < 1:
                raise ValueError(f"--layers must be >= 1, got {layers}")
            if not (math.isfinite(field_mt) and field_mt > 0):
                raise ValueError(f"--field-mt must be > 0, got {field_mt!r}")
            if not (math.isfinite(t_max_ns) and t_max_ns > 0):
                raise ValueError(f"--t-max-ns must be > 0, got {t_max_ns!r}")
            coupling = Coupling(exchange_coupling_mev=jsd_mev, cell_area=cell_area, spin=spin)
            h = np.array([math.sin(chi), 0.0, math.cos(chi)])
            model = coupling.surface(
                fermi_energy_mev=energy_mev, magnetization=h, disorder=alpha, velocity=velocity
            )
            g = _gate(
                period_um,
                distance_nm,
                voltage,
                frequency_ghz,
                duty,
                eps_gate,
                eps_substrate,
                harmonics,
            )
            bare = DiffusiveMedium.from_model(model, coupling, dephasing_time=tau_phi_ps * 1e-12)
            medium = DiffusiveMedium(
                diffusion_constant=bare.diffusion_constant,
                strength=bare.strength / layers,
                dephasing_time=bare.dephasing_time,
                sheet_conductance=bare.sheet_conductance,
            )
            model.check_regime(g.wavevector / model.scales.wavevector, g.omega / model.scales.rate)
            drive = fourier_drive(g.field(), medium)
            from ..experiments.film import GYROMAGNETIC_RATIO

            f = Film(length=g.period, points=points, exchange=2 * math.pi * exchange_ghz * 1e9)
            t = np.linspace(0.0, t_max_ns * 1e-9, 101)
            ds = simulate_film(
                f, drive, t, omega_h=GYROMAGNETIC_RATIO * field_mt * 1e-3 * h,
                alpha_g=gilbert_damping(model, coupling) / layers, alpha_iso=alpha_iso,
                fieldlike_coefficient=fieldlike_coefficient(model, coupling) / layers if fieldlike else 0.0,
                progress=fmt is OutputFormat.table,
            )  # fmt: skip
            _save(ds, out)
        except (ValueError, RuntimeError) as err:
            fail(str(err))
    _emit(caught)
    x_um = ds.x.values * 1e6
    if fmt is OutputFormat.json:
        payload = {
            "x_um": x_um.tolist(),
            "drive_amplitude_per_s": ds.drive_amplitude.values.tolist(),
            "drive_phase_rad": ds.drive_phase.values.tolist(),
            "m_H_min": ds.m_H_min.values.tolist(),
            "m_H_mean": ds.m_H_mean.values.tolist(),
        }
        typer.echo(json.dumps(payload))
        return
    table = Table(title=f"film under the gate, {frequency_ghz} GHz, mu0 H = {field_mt} mT")
    for col in ("x [um]", "|f| [1/s]", "phase [rad]", "|b| [1/s]", "min m_H", "<m_H>"):
        table.add_column(col, justify="right")
    b = np.linalg.norm(ds.fieldlike.values, axis=1)
    for i in range(ds.sizes["trajectory"]):
        table.add_row(
            f"{x_um[i]:.4g}",
            f"{ds.drive_amplitude.values[i]:.4g}",
            f"{ds.drive_phase.values[i]:+.4f}",
            f"{b[i]:.4g}",
            f"{ds.m_H_min.values[i]:.6f}",
            f"{ds.m_H_mean.values[i]:.6f}",
        )
    Console().print(table)


@app.command()
def resonance(
    sweep: Annotated[
        str, typer.Option("--sweep", help="Swept parameter: omega, omega0, chi, f0 or alpha_g.")
    ] = "omega",
    start: Annotated[float, typer.Option("--start", help="First value of the sweep.")] = 0.9,
    stop: Annotated[float, typer.Option("--stop", help="Last value of the sweep.")] = 1.1,
    num: Annotated[int, typer.Option("--num", help="Number of values, >= 1.")] = 21,
    omega0: Annotated[float, typer.Option("--omega0", help="gamma H (unit of rates).")] = 1.0,
    chi: Annotated[float, typer.Option("--chi", help="Field angle from z, rad.")] = math.pi / 4,
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
        if num < 1:
            raise ValueError(f"--num must be >= 1, got {num}")
        spec = spectrum(
            sweep, np.linspace(start, stop, num), omega0=omega0, chi=chi, omega=omega, f0=f0,
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
    x = spec[sweep].values
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
