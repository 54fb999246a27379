"""Options shared by commands that need a surface model, and their conversion to model units."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

import typer

from .._validation import numerics
from ..io.schema import Parameter, check_flags
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
    float,
    typer.Option(
        "--delta-sd",
        help="Exchange Delta_sd = -J_sd S (m = moment direction), same unit as --energy.",
    ),
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
        help="si: energies meV, q in rad/um, frequency in GHz, D in m^2/s, times s. "
        "dimensionless: hbar = v = 1 in the unit of --energy.",
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table or json")]


#: Largest magnitude of a dimensionless input (energies, q, omega in model units): beyond it the
#: squares and products of the closed forms leave the floating-point range.
BIG = 1.0e6

#: The rules of the surface-model flags (the CLI twin of tisot.sweeps.jobs.MODEL_SCHEMA).
MODEL_FLAGS: dict[str, Parameter] = {
    "--energy": Parameter(
        kind=float, units="meV", long_name="Fermi energy", low=0.0, low_open=True, high=BIG
    ),
    "--delta-sd": Parameter(kind=float, units="meV", long_name="exchange", low=-BIG, high=BIG),
    "--mz": Parameter(kind=float, long_name="m_z", low=-1.0, high=1.0),
    # as in a device file: alpha >= 1e-6 and 1e3 <= v <= 1e7 m/s keep every number in range
    "--alpha": Parameter(kind=float, long_name="disorder", low=1.0e-6, high=1.0, high_open=True),
    "--velocity": Parameter(
        kind=float, units="m s-1", long_name="Dirac velocity", low=1.0e3, high=1.0e7
    ),
}  # fmt: skip


def given(ctx: typer.Context, name: str) -> bool:
    """True if the parameter ``name`` (its Python name) was set on the command line."""
    source = ctx.get_parameter_source(name)  # typer may carry its own click: compare names
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def flag_name(ctx: typer.Context, name: str) -> str:
    """The command-line spelling (``--rtol``) of the parameter ``name``."""
    for param in ctx.command.params:
        if param.name == name:
            return max(param.opts, key=len)
    return f"--{name.replace('_', '-')}"


def refuse_unused(
    ctx: typer.Context, selector: str, chosen: str, used_by: Mapping[str, tuple[str, ...]]
) -> None:
    """Refuse a flag given on the command line that ``selector chosen`` ignores.

    ``used_by`` maps a parameter's Python name to the choices of ``selector`` that use it, e.g.
    ``refuse_unused(ctx, "--method", method, {"dt": ("geometric",)})``.
    """
    for name, users in used_by.items():
        if chosen not in users and given(ctx, name):
            raise ValueError(
                f"{flag_name(ctx, name)} is used only with {selector} {' or '.join(users)}; it "
                f"has no effect with {selector} {chosen}: leave it out"
            )


#: The library's parameter names and the flags that set them, for error messages.
_LIBRARY_NAMES = {
    "fermi_energy_mev": "--energy",
    "exchange_energy_mev": "--delta-sd",
    "fermi_energy": "--energy",
    "exchange_energy": "--delta-sd",
    "disorder (alpha)": "--alpha",
    "magnetization": "--mz",
}


def in_flag_names(text: str, names: Mapping[str, str] = _LIBRARY_NAMES) -> str:
    """``text`` with the library's parameter names put as their flags (``fermi_energy`` ->
    ``--energy``); ``names`` maps name -> flag."""
    for name, flag in names.items():
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w(])", flag, text)
    return text


@contextlib.contextmanager
def _in_flag_names():
    """Re-word the model's ValueErrors in the flags' names (``fermi_energy`` -> ``--energy``)."""
    try:
        yield
    except ValueError as err:
        raise ValueError(in_flag_names(str(err))) from None


def build_model(
    energy: float, delta_sd: float, mz: float, alpha: float, velocity: float, units: Units
) -> SurfaceModel:
    """The model the options describe (raises ValueError naming the bad option)."""
    flags = {"--energy": energy, "--delta-sd": delta_sd, "--mz": mz, "--alpha": alpha}
    if units is Units.si:
        flags["--velocity"] = velocity
    check_flags(MODEL_FLAGS, flags)
    m = (math.sqrt(max(0.0, 1.0 - mz * mz)), 0.0, mz)
    with numerics("the surface model", flags), _in_flag_names():
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


def parse_pair(text: str, name: str, *, limit: float = BIG) -> tuple[float, float]:
    """'QX,QY' -> (qx, qy), each finite with magnitude <= ``limit``."""
    parts = [p for p in text.replace(" ", "").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{name} must be two numbers 'X,Y', got {text!r}") from None
    if len(values) != 2:
        raise ValueError(f"{name} must be two numbers 'X,Y', got {text!r}")
    if not all(math.isfinite(v) and abs(v) <= limit for v in values):
        raise ValueError(
            f"{name} must be two finite numbers of magnitude <= {limit:g}, got {text!r}"
        )
    return values  # type: ignore[return-value]


def to_model_units(model: SurfaceModel, q: tuple[float, float], omega: float, units: Units):
    """Convert q (rad/um) and omega (rad/ns) to model units when ``units`` is si."""
    if units is Units.dimensionless:
        return q, omega
    s = model.scales
    return (q[0] * 1e6 / s.wavevector, q[1] * 1e6 / s.wavevector), omega * 1e9 / s.rate
