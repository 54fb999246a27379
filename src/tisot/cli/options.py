"""Options shared by commands that need a surface model, and their conversion to model units."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated

import typer

from ..model import SurfaceModel


class Units(StrEnum):
    dimensionless = "dimensionless"
    si = "si"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


Energy = Annotated[
    float,
    typer.Option("--energy", help="Fermi energy eps: meV (si) or the energy unit (dimensionless)."),
]
DeltaSd = Annotated[
    float, typer.Option("--delta-sd", help="Exchange Delta_sd = J_sd S, same unit as --energy.")
]
Mz = Annotated[
    float,
    typer.Option(
        "--mz",
        help="m_z, z-component of the unit magnetization (-1..1); m = (sqrt(1-m_z^2), 0, m_z).",
    ),
]
Alpha = Annotated[
    float, typer.Option("--alpha", help="Disorder strength alpha of Eq. (5), 0 < alpha < 1.")
]
Velocity = Annotated[
    float,
    typer.Option("--velocity", help="Dirac velocity v in m/s (si only; hbar = v = 1 otherwise)."),
]
UnitsOpt = Annotated[
    Units,
    typer.Option(
        "--units",
        help="si: energies meV, q in rad/um, omega in rad/ns, D in m^2/s, times s. "
        "dimensionless: hbar = v = 1 in the unit of --energy.",
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table or json")]


def build_model(
    energy: float, delta_sd: float, mz: float, alpha: float, velocity: float, units: Units
) -> SurfaceModel:
    """The model the options describe (raises ValueError naming the bad option)."""
    if not -1.0 <= mz <= 1.0:
        raise ValueError(f"--mz must lie in [-1, 1], got {mz}")
    m = (math.sqrt(max(0.0, 1.0 - mz * mz)), 0.0, mz)
    if units is Units.si:
        return SurfaceModel.from_physical(
            fermi_energy_mev=energy,
            exchange_energy_mev=delta_sd,
            magnetization=m,
            disorder=alpha,
            velocity=velocity,
        )
    return SurfaceModel(
        fermi_energy=energy, exchange_energy=delta_sd, magnetization=m, disorder=alpha
    )


def parse_pair(text: str, name: str) -> tuple[float, float]:
    """'QX,QY' -> (qx, qy)."""
    parts = [p for p in text.replace(" ", "").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{name} must be two numbers 'X,Y', got {text!r}") from None
    if len(values) != 2:
        raise ValueError(f"{name} must be two numbers 'X,Y', got {text!r}")
    return values  # type: ignore[return-value]


def to_model_units(model: SurfaceModel, q: tuple[float, float], omega: float, units: Units):
    """Convert q (rad/um) and omega (rad/ns) to model units when ``units`` is si."""
    if units is Units.dimensionless:
        return q, omega
    s = model.scales
    return (q[0] * 1e6 / s.wavevector, q[1] * 1e6 / s.wavevector), omega * 1e9 / s.rate
