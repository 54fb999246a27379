"""`tisot spectrum` and `tisot fit`: what the instrument records, and a fit of a measured spectrum."""

from __future__ import annotations

import json
import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from .device import DeviceArg, SetOpt, emit_warnings, load_device
from .main import app, fail


class SpectrumFormat(StrEnum):
    csv = "csv"
    json = "json"
    table = "table"


class FitFormat(StrEnum):
    json = "json"
    table = "table"


class DriveKind(StrEnum):
    gate = "gate"
    rf = "rf"


class Torques(StrEnum):
    both = "both"
    diffusive = "diffusive"
    fieldlike = "fieldlike"


def _observable_help() -> str:
    from ..experiments.spectra import OBSERVABLES

    return "Observable: " + ", ".join(OBSERVABLES) + " (default power: absorbed power, W/m^2)."


ObservableOpt = Annotated[str, typer.Option("--observable", help=_observable_help())]
DriveOpt = Annotated[
    DriveKind, typer.Option("--drive", help="gate: the device's grated gate; rf: uniform rf field.")
]
TorquesOpt = Annotated[
    Torques,
    typer.Option(
        "--torques", help="Gate torques kept: both, diffusive (Eq. 4), fieldlike (Eq. 3)."
    ),
]
PlotOpt = Annotated[
    Path | None, typer.Option("--plot", help="Also save a figure (png, pdf, svg) to this path.")
]


#: the range of each swept axis: the device file's rule for the same quantity
_AXIS_RULES = {
    "--field-mt": ("environment", "field_mt"),
    "--frequency-ghz": ("gate", "frequency_ghz"),
}


def _sweep(text: str, name: str) -> np.ndarray:
    """'START:STOP:N' -> linspace, or a single number -> [value]; every value in range."""
    from ..device.schema import DEVICE_SCHEMA

    parts = text.split(":")
    values = None
    try:
        if len(parts) == 1:
            values = np.array([float(parts[0])])
        elif len(parts) == 3:
            start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
            if 1 <= n <= 100_000:
                values = np.linspace(start, stop, n)
    except ValueError:
        pass
    if values is None:
        raise ValueError(f"{name} takes START:STOP:N (N = 1..100000) or one number, got {text!r}")
    if name in _AXIS_RULES:
        section, key = _AXIS_RULES[name]
        param = DEVICE_SCHEMA[section][key]
        for v in (values[0], values[-1]):
            param.check(name, float(v))
    return values


ProbeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--probe",
        help="Instrument setting, KEY=VALUE: rf_field_ut, rf_azimuth_deg, waveguide_width_um, "
        "sample_length_mm, impedance_ohm, strip_width_um, strip_length_um, derivative_step_mt.",
    ),
]
#: Probe fields settable with --probe (the others have their own flags)
_PROBE_KEYS = (
    "rf_field_ut", "rf_azimuth_deg", "waveguide_width_um", "sample_length_mm", "impedance_ohm",
    "strip_width_um", "strip_length_um", "derivative_step_mt",
)  # fmt: skip


def _probe(drive: DriveKind, torques: Torques, settings=None):
    from ..experiments.spectra import Probe

    values = {}
    for item in settings or ():
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or key not in _PROBE_KEYS:
            raise ValueError(
                f"--probe takes KEY=VALUE with KEY one of {', '.join(_PROBE_KEYS)}, got {item!r}"
            )
        try:
            values[key] = float(text)
        except ValueError:
            raise ValueError(f"--probe {key} must be a number, got {text!r}") from None
    return Probe(
        drive=drive.value,
        diffusive=torques is not Torques.fieldlike,
        fieldlike=torques is not Torques.diffusive,
        **values,
    )


#: figure formats --plot writes
_PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def _check_plot(path: Path | None, inputs) -> Path | None:
    """Refuse an unwritable or unknown --plot path before anything is computed."""
    if path is None:
        return None
    from ..io.store import check_writable

    if path.suffix.lower() not in _PLOT_SUFFIXES:
        raise ValueError(f"--plot must end in {', '.join(_PLOT_SUFFIXES)}, got {str(path)!r}")
    return check_writable(path, create_parents=False, inputs=inputs)


def _save_plot(fig, path: Path) -> None:
    from ..io.store import atomic_save_figure

    atomic_save_figure(fig, path)
    typer.secho(f"figure: {path}", err=True)


@app.command()
def spectrum(
    device: DeviceArg,
    field_mt: Annotated[
        str | None, typer.Option("--field-mt", help="Field mu0 H in mT: START:STOP:N or one value.")
    ] = None,
    frequency_ghz: Annotated[
        str | None,
        typer.Option("--frequency-ghz", help="Drive frequency in GHz: START:STOP:N or one value."),
    ] = None,
    observable: ObservableOpt = "power",
    sets: SetOpt = None,
    drive: DriveOpt = DriveKind.gate,
    torques: TorquesOpt = Torques.both,
    probe: ProbeOpt = None,
    fmt: Annotated[SpectrumFormat, typer.Option("--format", help="csv, json or table")] = (
        SpectrumFormat.csv
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the whole dataset (.nc netCDF).")
    ] = None,
    plot: PlotOpt = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
) -> None:
    """Linear-response spectrum of a device: field- or frequency-swept (docs/instrument.md).

    The CSV starts with the swept axis and `signal` (the chosen observable), then every other
    observable; with --format json a list of rows.
    """
    from ..experiments.spectra import OBSERVABLES, Lineshape, decompose
    from ..experiments.spectra import spectrum as run

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if observable not in OBSERVABLES:
                raise ValueError(
                    f"--observable must be one of {', '.join(OBSERVABLES)}, got {observable!r}"
                )
            dev = load_device(device, sets)
            fields = None if field_mt is None else _sweep(field_mt, "--field-mt")
            freqs = None if frequency_ghz is None else _sweep(frequency_ghz, "--frequency-ghz")
            if out is not None:
                from ..io.store import check_writable

                out = check_writable(out, inputs=(device,))
            plot = _check_plot(plot, (device,) + ((out,) if out is not None else ()))
            if progress is None:
                progress = sys.stderr.isatty()
            ds = run(dev, field_mt=fields, frequency_ghz=freqs, probe=_probe(drive, torques, probe),
                     progress=progress)  # fmt: skip
        except ValueError as err:
            fail(str(err))
    emit_warnings(caught)
    dim = next(iter(ds[observable].dims))
    names = [observable] + [n for n in OBSERVABLES if n != observable and n in ds]
    if out is not None:
        from ..io.store import save_dataset

        save_dataset(ds, out)
        typer.secho(f"dataset: {out}", err=True)
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..experiments.spectra import plot_spectrum

        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        plot_spectrum(ds, observable, ax=ax)
        fig.tight_layout()
        _save_plot(fig, plot)
        plt.close(fig)
    x = np.asarray(ds[dim])
    if fmt is SpectrumFormat.csv:
        lines = [",".join([dim, "signal", *names[1:]])]
        for i in range(x.size):
            lines.append(
                ",".join(repr(float(v)) for v in [x[i]] + [ds[n].values[i] for n in names])
            )
        typer.echo("\n".join(lines))
        return
    if fmt is SpectrumFormat.json:
        rows = [
            {dim: float(x[i]), "signal": float(ds[observable].values[i]),
             **{n: float(ds[n].values[i]) for n in names[1:]}}
            for i in range(x.size)
        ]  # fmt: skip
        typer.echo(json.dumps({"observable": observable, "units": ds[observable].attrs["units"],
                               "rows": rows}))  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{ds[observable].attrs['long_name']} ({ds[observable].attrs['units']})")
    table.add_column(dim)
    table.add_column(observable, justify="right")
    for i in range(x.size):
        table.add_row(f"{x[i]:.6g}", f"{ds[observable].values[i]:.6g}")
    Console().print(table)
    if x.size >= 6:
        try:
            shape: Lineshape = decompose(ds, observable)
            Console().print(
                f"lineshape: centre {shape.centre:.6g}, HWHM {shape.width:.4g}, symmetric "
                f"{shape.symmetric:.4g}, antisymmetric {shape.antisymmetric:.4g}"
            )
        except ValueError as err:
            typer.secho(f"lineshape: {err}", err=True, fg=typer.colors.YELLOW)


@app.command()
def fit(
    device: DeviceArg,
    data: Annotated[
        Path,
        typer.Argument(
            help="Measured spectrum: CSV or netCDF with field_mt (or frequency_ghz), signal[, error]."
        ),
    ],
    free: Annotated[
        str,
        typer.Option(
            "--free",
            help="Free keys, comma separated: device keys (fm.damping, ...) and scale, phase_deg, offset, slope.",
        ),
    ],
    frequency_ghz: Annotated[
        float | None, typer.Option("--frequency-ghz", help="Frequency in GHz of a field sweep.")
    ] = None,
    field_mt: Annotated[
        float | None, typer.Option("--field-mt", help="Field in mT of a frequency sweep.")
    ] = None,
    observable: ObservableOpt = "power",
    sets: SetOpt = None,
    drive: DriveOpt = DriveKind.gate,
    torques: TorquesOpt = Torques.both,
    probe: ProbeOpt = None,
    fmt: Annotated[FitFormat, typer.Option("--format", help="json or table")] = FitFormat.table,
    plot: PlotOpt = None,
) -> None:
    """Fit a measured spectrum: the free keys varied, every other value from the device file.

    With --format json: {"KEY": {"value": v, "stderr": s}, ..., "reduced_chi2": r,
    "correlations": {"KEY": {"OTHER": c}, ...}}. A fit that does not converge exits with
    status 2 and prints no values.
    """
    from ..experiments.fitting import fit_measurement
    from ..io.measurement import read_measurement

    keys = [k.strip() for k in free.split(",") if k.strip()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if not keys:
                raise ValueError("--free needs at least one key (e.g. --free fm.damping)")
            dev = load_device(device, sets)
            for key in keys:  # name a bad key before reading the data
                from ..experiments.fitting import FIT_ONLY, _device_parameter

                if key not in FIT_ONLY:
                    _device_parameter(key)
            meas = read_measurement(data, n_free=len(set(keys)))
            if meas.axis == "field_mt" and field_mt is not None:
                raise ValueError("the data sweep the field: give --frequency-ghz, not --field-mt")
            if meas.axis == "frequency_ghz" and frequency_ghz is not None:
                raise ValueError(
                    "the data sweep the frequency: give --field-mt, not --frequency-ghz"
                )
            other = frequency_ghz if meas.axis == "field_mt" else field_mt
            if other is not None:  # the device file's rule for the same quantity
                flag = "--frequency-ghz" if meas.axis == "field_mt" else "--field-mt"
                _sweep(repr(float(other)), flag)
            plot = _check_plot(plot, (device, data))
            result = fit_measurement(dev, meas, free=keys, other=other, observable=observable,
                                     probe=_probe(drive, torques, probe))  # fmt: skip
        except ValueError as err:  # FitError included: no numbers that look valid
            fail(str(err))
    emit_warnings(caught)
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        result.plot(ax=ax)
        fig.tight_layout()
        _save_plot(fig, plot)
        plt.close(fig)
    if fmt is FitFormat.json:
        typer.echo(json.dumps(result.as_dict()))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"fit of {data.name} ({result.nfev} evaluations, {result.seconds:.2g} s)")
    for col in ("key", "value", "stderr"):
        table.add_column(col, justify="right" if col != "key" else "left")
    for k in result.values:
        table.add_row(k, f"{result.values[k]:.6g}", f"{result.stderr[k]:.3g}")
    Console().print(table)
    Console().print(f"reduced chi2 = {result.reduced_chi2:.4g} ({result.dof} degrees of freedom)")
    for k, row in result.correlations.items():
        for j, c in row.items():
            if k < j:
                Console().print(f"correlation({k}, {j}) = {c:+.3f}")
