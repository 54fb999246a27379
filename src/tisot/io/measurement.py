"""Measured spectra: CSV or netCDF files of ``field_mt`` (or ``frequency_ghz``), ``signal`` and an
optional ``error`` column, read and checked before any fit starts.

CSV: a header line naming the columns (any order, extra columns ignored; lines starting with
``#`` are comments). netCDF: a variable ``signal`` (and ``error``) on a coordinate ``field_mt``
or ``frequency_ghz``. The swept column must be strictly monotonic (a sweep up or down), without
repeated values; every value must be a finite number; ``error`` (one standard deviation, the
unit of ``signal``) must be > 0. Each failure is a ValueError naming the file, the column and
the row (data rows count from 1, the line number of the file is given too).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: the swept axis a measurement may have, with its unit
AXES = {"field_mt": "mT", "frequency_ghz": "GHz"}


@dataclass(frozen=True)
class Measurement:
    """A measured spectrum: ``axis`` (``field_mt`` or ``frequency_ghz``) values ``x``, the
    ``signal`` and its ``error`` (None when the file has none)."""

    axis: str
    x: np.ndarray
    signal: np.ndarray
    error: np.ndarray | None
    path: str

    def __len__(self) -> int:
        return int(self.x.size)

    def check_points(self, n_free: int) -> None:
        """:func:`check_points` for this file."""
        check_points(len(self), n_free, source=self.path)


def check_points(n_points: int, n_free: int, *, source: str = "") -> None:
    """A fit of ``n_free`` parameters needs more points than that (one degree of freedom):
    ValueError otherwise, naming ``source`` (the data file) when given."""
    if n_points <= n_free:
        raise ValueError(
            f"{source + ': ' if source else ''}{n_points} data points cannot fix {n_free} free "
            f"parameters (need at least {n_free + 1}); measure more points or free fewer keys"
        )


def read_measurement(path, *, n_free: int = 0) -> Measurement:
    """Read and check a measured spectrum (module docstring); ``n_free``: the fit's free
    parameters, which the file must outnumber."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"data file {str(path)!r} does not exist")
    if path.suffix.lower() in (".nc", ".netcdf", ".h5", ".nc4"):
        axis, columns, lines = _read_netcdf(path)
    else:
        axis, columns, lines = _read_csv(path)
    m = _checked(path, axis, columns, lines)
    m.check_points(n_free)
    return m


def _read_csv(path: Path):
    rows: list[tuple[int, list[str]]] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for lineno, row in enumerate(csv.reader(fh), start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            rows.append((lineno, [c.strip() for c in row]))
    if not rows:
        raise ValueError(f"{path}: empty file (expected a header 'field_mt,signal[,error]')")
    _, header = rows[0]
    names = [h.lower() for h in header]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: repeated column names in the header {header}")
    axis = _axis(path, names)
    if "signal" not in names:
        raise ValueError(f"{path}: missing column 'signal' (found: {', '.join(header)})")
    wanted = [axis, "signal"] + (["error"] if "error" in names else [])
    columns: dict[str, list] = {name: [] for name in wanted}
    lines = []
    for lineno, row in rows[1:]:
        for name in wanted:
            j = names.index(name)
            if j >= len(row) or row[j] == "":
                raise ValueError(f"{path}: line {lineno}: no value in column {name!r}")
            columns[name].append(row[j])
        lines.append(lineno)
    return axis, columns, lines


def _axis(path: Path, names) -> str:
    found = [a for a in AXES if a in names]
    if len(found) != 1:
        raise ValueError(
            f"{path}: needs exactly one swept column, 'field_mt' (mT) or 'frequency_ghz' (GHz); "
            f"found columns {', '.join(names)}"
        )
    return found[0]


def _read_netcdf(path: Path):
    import xarray as xr

    from .store import NETCDF_ENGINE

    try:
        ds = xr.load_dataset(path, engine=NETCDF_ENGINE)
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not a readable netCDF file ({err})") from None
    names = list(ds.variables)
    axis = _axis(path, names)
    if "signal" not in ds:
        raise ValueError(f"{path}: missing variable 'signal' (found: {', '.join(names)})")
    columns = {axis: list(np.ravel(ds[axis].values)), "signal": list(np.ravel(ds["signal"].values))}
    if "error" in ds:
        columns["error"] = list(np.ravel(ds["error"].values))
    n = len(columns[axis])
    for name, values in columns.items():
        if len(values) != n:
            raise ValueError(f"{path}: variable {name!r} has {len(values)} values, {axis} has {n}")
    return axis, columns, list(range(1, n + 1))


def _number(path: Path, name: str, text, row: int, line: int) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(
            f"{path}: column {name!r}, row {row} (line {line}): {text!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{path}: column {name!r}, row {row} (line {line}) is {text!r}: remove the row or "
            "give a finite number"
        )
    return value


def _checked(path: Path, axis: str, columns: dict, lines: list[int]) -> Measurement:
    arrays = {
        name: np.array([_number(path, name, t, i + 1, lines[i]) for i, t in enumerate(values)])
        for name, values in columns.items()
    }
    x = arrays[axis]
    if x.size == 0:
        raise ValueError(f"{path}: no data rows below the header")
    bad = x <= 0 if axis == "frequency_ghz" else x < 0
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            f"{path}: column {axis!r}, row {i + 1} (line {lines[i]}): {float(x[i])!r} is not allowed "
            f"({axis} must be {'> 0' if axis == 'frequency_ghz' else '>= 0'}; the field "
            "direction is set by the device's angles)"
        )
    step = np.diff(x)
    if np.any(step == 0):
        i = int(np.argmax(step == 0)) + 1
        raise ValueError(
            f"{path}: column {axis!r}: duplicated value {float(x[i])!r} in rows {i} and {i + 1} "
            f"(lines {lines[i - 1]} and {lines[i]}); average or remove repeated points"
        )
    if x.size > 1 and not (np.all(step > 0) or np.all(step < 0)):
        sign = np.sign(step[0])
        i = int(np.argmax(np.sign(step) != sign)) + 1
        raise ValueError(
            f"{path}: column {axis!r} is not sorted: row {i + 1} (line {lines[i]}) = {float(x[i])!r} "
            f"after {float(x[i - 1])!r}; sort the file (a sweep up or down)"
        )
    error = arrays.get("error")
    if error is not None and np.any(error <= 0):
        i = int(np.argmax(error <= 0))
        raise ValueError(
            f"{path}: column 'error', row {i + 1} (line {lines[i]}): {float(error[i])!r}; errors are "
            "standard deviations and must be > 0"
        )
    return Measurement(axis=axis, x=x, signal=arrays["signal"], error=error, path=str(path))


def write_measurement_csv(path, axis: str, x, signal, error=None) -> Path:
    """Write a spectrum as ``axis,signal[,error]`` CSV (atomically)."""
    from .store import atomic_write_text

    if axis not in AXES:
        raise ValueError(f"axis must be one of {', '.join(AXES)}, got {axis!r}")
    cols = [np.asarray(x, float), np.asarray(signal, float)]
    header = [axis, "signal"]
    if error is not None:
        cols.append(np.broadcast_to(np.asarray(error, float), cols[0].shape))
        header.append("error")
    lines = [",".join(header)] + [
        ",".join(repr(float(v)) for v in row) for row in zip(*cols, strict=True)
    ]
    return atomic_write_text(Path(path), "\n".join(lines) + "\n")
