"""`tisot dynamics`: one macrospin under Eq. (18) (+ Eqs. 3, 16), m_H(t) at chosen times."""

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

from .main import app, fail
from .options import FormatOpt, OutputFormat, Units


class DampingForm(StrEnum):
    eq18 = "eq18"
    c2 = "c2"


def _parse_times(text: str | None, t_max: float, points: int) -> np.ndarray:
    if not math.isfinite(t_max) or t_max <= 0:
        raise ValueError(f"--t-max must be > 0, got {t_max!r}")
    if text is None:
        if points < 2:
            raise ValueError(f"--points must be >= 2, got {points}")
        return np.linspace(0.0, t_max, points)
    try:
        times = np.array([float(p) for p in text.replace(" ", "").split(",") if p])
    except ValueError:
        raise ValueError(f"--times must be numbers 'T1,T2,...', got {text!r}") from None
    if times.size == 0 or not np.all(np.isfinite(times)):
        raise ValueError(f"--times must be finite numbers 'T1,T2,...', got {text!r}")
    if np.any(times < 0) or np.any(times > t_max) or np.any(np.diff(times) < 0):
        raise ValueError(f"--times must be increasing and lie in [0, --t-max = {t_max:g}]")
    return times


@app.command()
def dynamics(
    chi: Annotated[
        float, typer.Option("--chi", help="Angle of H from the TI normal z, rad (H in x-z plane).")
    ] = math.pi / 4,
    f0: Annotated[
        float, typer.Option("--f0", help="Drive amplitude f0 of f = f0 cos(omega t) (Eq. 18).")
    ] = 0.1,
    omega: Annotated[float, typer.Option("--omega", help="Drive angular frequency omega.")] = 1.0,
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
            "--f0 and --omega in rad/ns, times in ns.",
        ),
    ] = Units.dimensionless,
    fmt: FormatOpt = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also save the full dataset (.nc netCDF).")
    ] = None,
) -> None:
    """Integrate one macrospin with m starting along H; print m_H = m.H/|H| and m.

    dimensionless: omega0 = gamma H = 1, rates in omega0, times in 1/omega0.
    si: --field-mt sets omega0 = gamma mu0 H; --f0 and --omega in rad/ns, times in ns.
    """
    from ..dynamics import MacrospinBatch, simulate

    try:
        t = _parse_times(times, t_max, points)
        h = np.array([math.sin(chi), 0.0, math.cos(chi)])
        axis = h if damping_form is DampingForm.c2 else (0.0, 0.0, 1.0)
        kw = dict(
            alpha_g=alpha_g,
            alpha_hall=alpha_hall,
            alpha_iso=alpha_iso,
            damping_axis=axis,
        )
        if units is Units.si:
            if not (math.isfinite(field_mt) and field_mt > 0):
                raise ValueError(f"--field-mt must be > 0, got {field_mt!r}")
            batch = MacrospinBatch.from_physical(
                field_tesla=field_mt * 1e-3 * h, f0=f0 * 1e9, omega=omega * 1e9, **kw
            )
            scale = 1e-9
        else:
            batch = MacrospinBatch.from_angle(chi, f0=f0, omega=omega, **kw)
            scale = 1.0
        batch = batch.with_terms([p for p in terms.replace(" ", "").split(",") if p])
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
        if out is not None:
            from ..io.store import check_writable, save_dataset

            save_dataset(ds, check_writable(out))
    except (ValueError, RuntimeError) as err:
        fail(str(err))
    m = ds.m.values[0]
    m_h = ds.m_H.values[0]
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({"t": t.tolist(), "m_H": m_h.tolist(), "m": m.tolist()}))
        return
    tu = "ns" if units is Units.si else "1/omega0"
    table = Table(
        title=f"m(t), chi = {chi:.4g}, f0 = {f0:g}, omega = {omega:g}, alpha_G = {alpha_g:g}"
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
