"""`tisot fmr` and `tisot fmr-field`: the film's equilibrium and uniform-mode resonance.

Lab units on the flags (kA/m, kJ/m^3, mT, GHz, degrees), SI in :mod:`tisot.magnet`. The film
normal is z; the field lies at theta-h from it, x along its in-plane projection when phi-h = 0.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..magnet import (
    MU0,
    FilmMagnet,
    equilibrium_at,
    field_vector,
    kittel_field,
    resonance_frequency,
)
from .main import app, fail
from .options import FormatOpt, OutputFormat

Ms = Annotated[
    float,
    typer.Option(
        "--ms", help="Saturation magnetisation Ms in kA/m (> 0; 1193.7 kA/m: mu0 Ms = 1.5 T)."
    ),
]
Ku = Annotated[
    float,
    typer.Option(
        "--ku", help="Uniaxial anisotropy Ku in kJ/m^3 along the normal (> 0 favours it)."
    ),
]
Kc = Annotated[
    float, typer.Option("--kc", help="Cubic anisotropy K1 in kJ/m^3, cubic axes along x, y, z.")
]
ThetaH = Annotated[
    float, typer.Option("--theta-h", help="Field polar angle from the film normal in degrees.")
]
PhiH = Annotated[float, typer.Option("--phi-h", help="Field azimuth from x in degrees.")]
G = Annotated[float, typer.Option("--g", help="g-factor (> 0); gamma = g mu_B / hbar.")]


def _magnet(ms: float, ku: float, kc: float, g: float, **others: float) -> FilmMagnet:
    """The film from the flags; a bad value (of these or of the field flags ``others``) exits
    with an error naming its flag."""
    from ..device.schema import ENVIRONMENT, FM, GATE
    from ..io.schema import check_flags

    rules = {  # the device file's rules for the same quantities, with the flags' names
        "--ms": FM["ms_ka_per_m"], "--ku": FM["ku_kj_per_m3"], "--kc": FM["kc_kj_per_m3"],
        "--g": FM["g_factor"], "--field": ENVIRONMENT["field_mt"],
        "--theta-h": ENVIRONMENT["field_theta_deg"], "--phi-h": ENVIRONMENT["field_phi_deg"],
        "--frequency-ghz": GATE["frequency_ghz"],
    }  # fmt: skip
    try:
        check_flags(rules, {"--ms": ms, "--ku": ku, "--kc": kc, "--g": g, **others})
    except ValueError as err:
        fail(str(err))
    return FilmMagnet(ms=1e3 * ms, ku=1e3 * ku, kc=1e3 * kc, g=g)


def _print(title: str, rows: dict[str, str], fmt: OutputFormat, out: dict) -> None:
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(out))
        return
    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for key, value in rows.items():
        table.add_row(key, value)
    Console().print(table)


def _state(eq) -> dict:
    return {
        "m": [float(c) for c in eq.m],
        "theta_deg": eq.theta_deg,
        "phi_deg": eq.phi_deg,
        "hysteretic": eq.hysteretic,
        "minima": [
            {
                "m": [float(c) for c in f.m],
                "theta_deg": f.theta_deg,
                "phi_deg": f.phi_deg,
                "energy_j_per_m3": f.energy,
            }
            for f in eq.minima
        ],
    }


@app.command()
def fmr(
    ms: Ms,
    field: Annotated[float, typer.Option("--field", help="Applied field mu0 H in mT (>= 0).")],
    theta_h: ThetaH,
    ku: Ku = 0.0,
    phi_h: PhiH = 0.0,
    g: G = 2.0,
    kc: Kc = 0.0,
    m_guess: Annotated[
        str | None,
        typer.Option(
            "--m-guess",
            help="Start direction 'MX,MY,MZ': follow that hysteresis branch (default: global).",
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Equilibrium m (energy minimum) and uniform-mode frequency (Smit–Beljers) of a thin film."""
    magnet = _magnet(ms, ku, kc, g, **{"--field": field, "--theta-h": theta_h, "--phi-h": phi_h})
    guess = None
    if m_guess is not None:
        try:
            guess = [float(c) for c in m_guess.split(",")]
        except ValueError:
            guess = []
        if len(guess) != 3 or not all(map(math.isfinite, guess)) or not any(guess):
            fail(f"--m-guess must be a nonzero direction 'MX,MY,MZ', got {m_guess!r}")
    b = field_vector(1e-3 * field, theta_h, phi_h)
    try:
        eq = equilibrium_at(magnet, 1e-3 * field, theta_h, phi_h, m_guess=guess)
        f = resonance_frequency(magnet, b, eq.m)
    except ValueError as err:
        fail(f"--field {field:g} mT at --theta-h {theta_h:g}, --phi-h {phi_h:g} deg: {err}")
    out = {"m": [float(c) for c in eq.m], "frequency_ghz": 1e-9 * f}
    out |= _state(eq) | {"meff_ka_per_m": 1e-3 * magnet.meff}
    rows = {
        "m": ", ".join(f"{c:.6f}" for c in eq.m),
        "theta, phi of m (deg)": f"{eq.theta_deg:.4f}, {eq.phi_deg:.4f}",
        "frequency (GHz)": f"{1e-9 * f:.6g}",
        "mu0 Meff (T)": f"{MU0 * magnet.meff:.6g}",
        "local minima": str(len(eq.minima)) + (" (hysteretic)" if eq.hysteretic else ""),
    }
    _print("Thin-film FMR (z = normal)", rows, fmt, out)


@app.command("fmr-field")
def fmr_field(
    ms: Ms,
    frequency: Annotated[
        float,
        typer.Option("--frequency-ghz", "--frequency", help="Microwave frequency in GHz (> 0)."),
    ],
    theta_h: ThetaH,
    ku: Ku = 0.0,
    phi_h: PhiH = 0.0,
    g: G = 2.0,
    kc: Kc = 0.0,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Resonance field (mT) at fixed frequency: a field sweep down from saturation."""
    magnet = _magnet(
        ms, ku, kc, g, **{"--frequency-ghz": frequency, "--theta-h": theta_h, "--phi-h": phi_h}
    )
    try:
        roots = kittel_field(magnet, 1e9 * frequency, theta_h, phi_h, all_roots=True)
        # the branch swept down from saturation, which starts along the field
        eq = equilibrium_at(
            magnet, roots[0], theta_h, phi_h, m_guess=field_vector(1.0, theta_h, phi_h)
        )
    except ValueError as err:
        fail(f"--frequency-ghz {frequency:g}: {err}")
    out = {"field_mt": 1e3 * roots[0], "all_fields_mt": [1e3 * r for r in roots]} | _state(eq)
    rows = {
        "resonance field (mT)": ", ".join(f"{1e3 * r:.6g}" for r in roots),
        "m at the highest": ", ".join(f"{c:.6f}" for c in eq.m),
        "theta, phi of m (deg)": f"{eq.theta_deg:.4f}, {eq.phi_deg:.4f}",
    }
    _print(f"Resonance field at {frequency:g} GHz", rows, fmt, out)
