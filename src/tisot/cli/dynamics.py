"""`tisot dynamics`: one macrospin under Eq. (18) (+ Eqs. 3, 16), m_H(t) at chosen times.

Every flag is checked by the same :class:`tisot.io.schema.Parameter` rules as the [dynamics]
config keys (angles in degrees, frequencies in GHz in si), with caps on sizes; the run is refused
before it starts when its memory or step count would exceed the machine.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .._validation import check_memory, check_work, finite_result, numerics
from ..constants import GAMMA_ELECTRON
from ..io.schema import Parameter, check_flags
from ..sweeps.jobs import DYNAMICS_SCHEMA
from .main import app, fail
from .options import BIG, FormatOpt, OutputFormat, Units, refuse_unused


class DampingForm(StrEnum):
    eq18 = "eq18"
    c2 = "c2"


#: Integrator steps per radian of the fastest rate, and seconds per step (DOPRI5 in numba):
#: 2e-5 s per radian, about 5 times less than measured (1e-4 s per 1/omega0 at rtol 1e-8, on a
#: loaded 2-core machine), so that the estimate refuses only what surely takes too long.
STEPS_PER_RADIAN = 2.0
SECONDS_PER_STEP = 1e-5

#: The flags' rules: the [dynamics] config keys where they match, caps on sizes and rates.
FLAGS = {
    "--chi-deg": DYNAMICS_SCHEMA["field_angle_deg"],
    "--f0": Parameter(kind=float, long_name="drive amplitude", low=0.0, high=BIG),
    "--omega": Parameter(kind=float, long_name="drive frequency / omega0", low=0.0, high=BIG),
    "--frequency-ghz": Parameter(kind=float, units="GHz", long_name="f", low=0.0, high=BIG),
    "--alpha-g": Parameter(kind=float, long_name="alpha_G", low=0.0, high=1e3),
    "--alpha-hall": Parameter(kind=float, long_name="alpha_Hall", low=-1e3, high=1e3),
    "--alpha-iso": Parameter(kind=float, long_name="alpha_iso", low=0.0, high=1e3),
    "--t-max": Parameter(kind=float, long_name="duration", low=0.0, low_open=True, high=1e15),
    "--points": Parameter(kind=int, long_name="output times", low=2, high=10**9),
    "--field-mt": Parameter(kind=float, units="mT", long_name="field", low=0.0, low_open=True,
                            high=1e6),
    "--method": DYNAMICS_SCHEMA["method"],
    "--rtol": DYNAMICS_SCHEMA["rtol"],
    "--dt": Parameter(kind=float, long_name="largest step", low=0.0, low_open=True, high=BIG),
}  # fmt: skip


def _parse_times(text: str | None, t_max: float, points: int) -> np.ndarray:
    if text is None:
        check_memory(points * 4 * 8.0, f"--points {points}", "lower --points")
        return np.linspace(0.0, t_max, points)
    try:
        times = np.array([float(p) for p in text.replace(" ", "").split(",") if p])
    except ValueError:
        raise ValueError(f"--times must be numbers 'T1,T2,...', got {text!r}") from None
    if times.size == 0 or not np.all(np.isfinite(times)):
        raise ValueError(f"--times must be finite numbers 'T1,T2,...', got {text!r}")
    if np.any(times < 0) or np.any(times > t_max) or np.any(np.diff(times) < 0):
        raise ValueError(f"--times must be increasing and lie in [0, --t-max = {t_max:g}]")
    if times[-1] <= 0:
        raise ValueError(f"--times must end after t = 0, got {text!r}")
    return times


def _check_work(t_max: float, rates: dict[str, float]) -> None:
    """Refuse a run whose step count, ~ t_max x the fastest rate, would take longer than a day.

    ``t_max`` in 1/omega0, ``rates`` in omega0 (precession: 1).
    """
    fastest = max(rates, key=rates.get)
    steps = t_max * max(1.0, rates[fastest]) * STEPS_PER_RADIAN
    check_work(
        steps * SECONDS_PER_STEP,
        f"integrating to t = {t_max:.3g}/omega0 with {fastest} = {rates[fastest]:.3g} omega0",
        f"lower --t-max or {fastest}",
    )


@app.command()
def dynamics(
    chi_deg: Annotated[
        float,
        typer.Option("--chi-deg", help="Angle of H from the TI normal z in degrees (H in x-z)."),
    ] = 45.0,
    f0: Annotated[
        float,
        typer.Option("--f0", help="Drive amplitude f0 of f = f0 cos(omega t) (Eq. 18); si: 1/ns."),
    ] = 0.1,
    omega: Annotated[
        float,
        typer.Option("--omega", help="Drive angular frequency in omega0 (dimensionless only)."),
    ] = 1.0,
    frequency_ghz: Annotated[
        float | None,
        typer.Option("--frequency-ghz", help="si only: drive frequency omega / 2 pi in GHz."),
    ] = None,
    alpha_g: Annotated[
        float, typer.Option("--alpha-g", help="Anisotropic Gilbert damping alpha_G >= 0 (Eq. 18).")
    ] = 0.005,
    alpha_hall: Annotated[
        float, typer.Option("--alpha-hall", help="Coefficient of the sigma_H term of Eq. (16).")
    ] = 0.0,
    alpha_iso: Annotated[
        float, typer.Option("--alpha-iso", help="Ordinary isotropic damping of the FM, >= 0.")
    ] = 0.0,
    damping_form: Annotated[
        DampingForm,
        typer.Option("--damping-form", help="eq18: project dm/dt on the plane (Eq. 18); c2: on H."),
    ] = DampingForm.eq18,
    t_max: Annotated[float, typer.Option("--t-max", help="Duration, > 0.")] = 100.0,
    times: Annotated[
        str | None,
        typer.Option("--times", help="Output times 'T1,T2,...' in [0, t-max] (default: --points)."),
    ] = None,
    points: Annotated[
        int, typer.Option("--points", help="Equally spaced outputs when --times is not given.")
    ] = 11,
    terms: Annotated[
        str,
        typer.Option(
            "--terms",
            help="Terms kept: precession,diffusive,fieldlike,damping,hall,isotropic.",
        ),
    ] = "precession,diffusive,fieldlike,damping,hall,isotropic",
    field_mt: Annotated[
        float, typer.Option("--field-mt", help="si only: field mu0 H in mT (omega0 = gamma H).")
    ] = 100.0,
    method: Annotated[
        str, typer.Option("--method", help="dopri (adaptive) or geometric.")
    ] = "dopri",
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance (dopri).")] = 1e-8,
    dt: Annotated[
        float | None, typer.Option("--dt", help="Largest step (geometric); default automatic.")
    ] = None,
    units: Annotated[
        Units,
        typer.Option(
            "--units",
            help="dimensionless: omega0 = gamma H = 1, times in 1/omega0. si: --field-mt, "
            "--f0 in 1/ns, --frequency-ghz, times in ns.",
        ),
    ] = Units.dimensionless,
    fmt: FormatOpt = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also save the full dataset (.nc netCDF).")
    ] = None,
    ctx: typer.Context = None,
) -> None:
    """Integrate one macrospin with m starting along H; print m_H = m.H/|H| and m.

    dimensionless: omega0 = gamma H = 1, rates in omega0, times in 1/omega0.
    si: --field-mt sets omega0 = gamma mu0 H; --f0 in 1/ns, --frequency-ghz, times in ns.
    """
    from ..dynamics import MacrospinBatch, simulate

    try:
        flags = {
            "--chi-deg": chi_deg, "--f0": f0, "--alpha-g": alpha_g, "--alpha-hall": alpha_hall,
            "--alpha-iso": alpha_iso, "--t-max": t_max, "--points": points, "--method": method,
            "--rtol": rtol, "--dt": dt,
        }  # fmt: skip
        refuse_unused(ctx, "--method", method, {"rtol": ("dopri",), "dt": ("geometric",)})
        refuse_unused(
            ctx, "--units", units.value, {"field_mt": ("si",), "frequency_ghz": ("si",),
                                          "omega": ("dimensionless",)}
        )  # fmt: skip
        if units is Units.si:
            flags.update({"--field-mt": field_mt, "--frequency-ghz": frequency_ghz})
        else:
            flags["--omega"] = omega
        check_flags(FLAGS, flags)
        if units is Units.si:
            w0 = abs(GAMMA_ELECTRON) * field_mt * 1e-3  # omega0 = |gamma| mu0 H, rad/s
            # omega in rad/ns; default: at resonance, omega = omega0
            w = w0 * 1e-9 if frequency_ghz is None else 2 * math.pi * frequency_ghz
            rates = {"--f0": f0 * 1e9 / w0, "--frequency-ghz": w * 1e9 / w0}
            _check_work(t_max * 1e-9 * w0, rates)
        else:
            w = omega
            _check_work(t_max, {"--f0": f0, "--omega": omega})
        if out is not None:
            from ..io.store import check_writable

            out = check_writable(out)
        t = _parse_times(times, t_max, points)
        chi = math.radians(chi_deg)
        h = np.array([math.sin(chi), 0.0, math.cos(chi)])
        axis = h if damping_form is DampingForm.c2 else (0.0, 0.0, 1.0)
        kw = dict(
            alpha_g=alpha_g,
            alpha_hall=alpha_hall,
            alpha_iso=alpha_iso,
            damping_axis=axis,
        )
        if units is Units.si:
            batch = MacrospinBatch.from_physical(
                field_tesla=field_mt * 1e-3 * h, f0=f0 * 1e9, omega=w * 1e9, **kw
            )
            scale = 1e-9
        else:
            batch = MacrospinBatch.from_angle(chi, f0=f0, omega=w, **kw)
            scale = 1.0
        try:
            batch = batch.with_terms([p for p in terms.replace(" ", "").split(",") if p])
        except ValueError as err:
            raise ValueError(f"--terms: {err}") from None
        with numerics("m(t)", flags):
            ds = simulate(
                batch,
                None,
                t * scale,
                method=method,
                rtol=rtol,
                atol=rtol * 1e-2,
                dt=None if dt is None else dt * scale,
                progress=fmt is OutputFormat.table,
            )
        finite_result("m(t)", ds.m.values, flags)
        if out is not None:
            from ..io.store import save_dataset

            save_dataset(ds, out)
    except (ValueError, RuntimeError) as err:
        fail(str(err))
    m = ds.m.values[0]
    m_h = ds.m_H.values[0]
    if fmt is OutputFormat.json:
        drift = float(ds.attrs["norm_drift"])  # max | |m| - 1 | over the run (issue 14)
        typer.echo(
            json.dumps({"t": t.tolist(), "m_H": m_h.tolist(), "m": m.tolist(), "norm_drift": drift})
        )
        return
    tu = "ns" if units is Units.si else "1/omega0"
    table = Table(
        title=f"m(t), chi = {chi_deg:.4g} deg, f0 = {f0:g}, "
        + (f"f = {w / (2 * math.pi):g} GHz" if units is Units.si else f"omega = {w:g} omega0")
        + f", alpha_G = {alpha_g:g}"
    )
    for col in (f"t [{tu}]", "m_H", "m_x", "m_y", "m_z"):
        table.add_column(col, justify="right")
    for ti, mh, mi in zip(t, m_h, m, strict=True):
        table.add_row(f"{ti:.6g}", f"{mh:.6f}", *(f"{c:+.6f}" for c in mi))
    console = Console()
    console.print(table)
    console.print(
        f"method {method}: {int(ds.steps.values[0])} steps, error estimate "
        f"{float(ds.error_estimate.values[0]):.2e}, | |m| - 1 | <= {float(ds.norm_drift.values[0]):.1e}"
    )
