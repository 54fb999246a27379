"""Commands on a device file: `tisot device` (what the device is and does) and `tisot film`
(the film under its gate, time-integrated). `tisot template device` prints a device file."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .._validation import numerics
from ..experiments.device_torques import device_summary
from ..io.schema import Parameter, check_flags
from ..model import RegimeWarning
from .main import app, fail
from .options import FormatOpt, OutputFormat

DeviceArg = Annotated[
    Path, typer.Argument(help="Device file (TOML; `tisot template device` prints one).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override one device key: --set fm.damping=0.01 (dotted key of the device file; "
        "repeat for more).",
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Save the dataset (.nc or .zarr).")]


def load_device(path: Path, overrides: list[str] | None):
    """The device of ``path`` with ``--set`` overrides; a bad file or key raises ValueError."""
    from ..device import Device, parse_overrides

    return Device.from_file(path, parse_overrides(overrides))


def emit_warnings(caught) -> None:
    """Each distinct warning once, on stderr."""
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, RegimeWarning | UserWarning) and text not in seen:
            seen.add(text)
            typer.secho(f"warning: {text}", err=True, fg=typer.colors.YELLOW)


_LABELS = {
    "m_theta_deg": ("equilibrium m: polar angle from the TI normal", "deg"),
    "m_phi_deg": ("equilibrium m: azimuth from the grating wavevector", "deg"),
    "hysteretic": ("several energy minima (hysteresis)", ""),
    "frequency_ghz": ("uniform-mode frequency at the applied field", "GHz"),
    "resonance_field_mt": ("resonance field at the gate frequency, same direction", "mT"),
    "fermi_energy_mev": ("Fermi energy above the Dirac point", "meV"),
    "disorder_alpha": ("disorder alpha (Eq. 5)", ""),
    "sigma0_e2_per_h": ("sigma0 (Eq. 9)", "e^2/h"),
    "D_cm2_per_s": ("diffusion constant D", "cm^2/s"),
    "tau_tr_ps": ("transport time tau_tr", "ps"),
    "alpha_g": ("anisotropic Gilbert damping alpha_G (Eq. 18)", ""),
    "diffusive_torque_per_s": ("|T_diff| at the first harmonic (Eq. 4)", "1/s"),
    "fieldlike_torque_per_s": ("|T_FL| at the first harmonic (Eq. 3)", "1/s"),
    "diffusive_over_fieldlike": ("|T_diff| / |T_FL|", ""),
}


@app.command("device")
def device_cmd(
    device_file: DeviceArg,
    overrides: SetOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """What a device is and does: the FM's equilibrium and resonance, the surface, the torques."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            dev = load_device(device_file, overrides)
            from ..device import parse_overrides

            with numerics("tisot device", parse_overrides(overrides)):
                info = device_summary(dev)
            bad = [k for k, v in info.items() if isinstance(v, float) and not math.isfinite(v)]
            if bad:
                raise ValueError(f"the device gives non-finite {bad[0]}: check the values set")
        except ValueError as err:
            fail(str(err))
    emit_warnings(caught)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(info))
        return
    table = Table(title=f"{dev!r}")
    for col in ("quantity", "value", "unit"):
        table.add_column(col)
    table.add_row("equilibrium m", ", ".join(f"{c:+.4f}" for c in info["m"]), "")
    for key, (label, unit) in _LABELS.items():
        value = info[key]
        if value is None:
            text = "n/a"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = f"{value:.5g}"
        table.add_row(label, text, unit)
    sf = info["screening_factor"]
    table.add_row("screening E_tot/E_gate, first harmonic", f"{sf['re']:.4g}{sf['im']:+.3g}j", "")
    Console().print(table)


FILM_FLAGS = {
    "--points": Parameter(kind=int, low=1, high=512, long_name="film points per gate period"),
    "--settle-ns": Parameter(kind=float, low=0.0, high=1e6, low_open=True),
    "--average-ns": Parameter(kind=float, low=0.0, high=1e6, low_open=True),
}


@app.command()
def film(
    device_file: DeviceArg,
    overrides: SetOpt = None,
    points: Annotated[
        int, typer.Option("--points", help="Film points per gate period (1: one macrospin).")
    ] = 16,
    fieldlike: Annotated[
        bool, typer.Option("--fieldlike/--no-fieldlike", help="Include the Eq. (3) torque.")
    ] = True,
    settle_ns: Annotated[
        float | None,
        typer.Option("--settle-ns", help="Settling time in ns (default: 12 decay times)."),
    ] = None,
    average_ns: Annotated[
        float | None,
        typer.Option("--average-ns", help="Averaging window in ns (default: 20 periods)."),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    out: OutOpt = None,
) -> None:
    """The FM film of a device under its gate (Eq. 18, magnetostatics, exchange, dipolar field):
    the steady state at each point along one gate period."""
    from ..experiments.device_dynamics import steady_state

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check_flags(
                FILM_FLAGS,
                {"--points": points, "--settle-ns": settle_ns, "--average-ns": average_ns},
            )
            if out is not None:
                from ..io.store import check_writable

                check_writable(out, inputs=(device_file,))
            dev = load_device(device_file, overrides)
            ds = steady_state(
                dev, points=points, fieldlike=fieldlike, settle_ns=settle_ns,
                average_ns=average_ns, progress=fmt is OutputFormat.table,
            )  # fmt: skip
            if out is not None:
                from ..io.store import save_dataset

                save_dataset(ds, out)
        except (ValueError, RuntimeError) as err:
            fail(str(err))
    emit_warnings(caught)
    if fmt is OutputFormat.json:
        payload = {
            "x_um": ds.x_um.values.tolist(),
            "m0": [float(c) for c in ds.attrs["m0"]],
            "resonance_frequency_ghz": ds.attrs["resonance_frequency_ghz"],
            **{k: ds[k].values.tolist() for k in ds.data_vars},
        }
        typer.echo(json.dumps(payload))
        return
    table = Table(
        title=f"film under the gate, {dev.gate.frequency_ghz} GHz, mu0 H = "
        f"{dev.environment.field_mt} mT at {dev.environment.field_theta_deg} deg; m0 at "
        f"{ds.attrs['m0_theta_deg']:.2f} deg from the normal"
    )
    for col in ("x [um]", "|f| [1/s]", "|b| [1/s]", "cone [deg]", "P [W/m^2]"):
        table.add_column(col, justify="right")
    for i in range(ds.sizes["x_um"]):
        table.add_row(
            f"{ds.x_um.values[i]:.4g}",
            f"{ds.f_amplitude.values[i]:.4g}",
            f"{ds.fieldlike_amplitude.values[i]:.4g}",
            f"{ds.cone_angle_deg.values[i]:.4g}",
            f"{ds.absorbed_power.values[i]:.4g}",
        )
    Console().print(table)
