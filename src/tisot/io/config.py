"""Run configs: TOML in, validated frozen dataclasses out, and the resolved TOML back.

A config names one calculation and gives its parameters section by section. ``[sweep.axes]``
turns any of those parameters into a grid axis; ``[output]`` and ``[execution]`` say where the
result goes and how it is computed::

    calculation = "response"          # see `tisot.sweeps.available_jobs()`

    [model]                            # the TI surface (meV, m/s)
    fermi_energy_mev = 100.0
    exchange_mev = 30.0
    m_z = 0.7071
    disorder = 0.02

    [drive]
    period_um = 1.0
    frequency_ghz = 10.0

    [sweep]
    chunk_size = 8                     # grid points per task and per chunk file
    [sweep.axes]                       # "section.key" = list, or {start, stop, num, spacing}
    "drive.frequency_ghz" = { start = 1.0, stop = 20.0, num = 20 }
    "model.m_z" = [0.3, 0.5, 0.7071]

    [output]
    path = "response.nc"               # .nc -> netCDF (h5netcdf), .zarr -> Zarr

    [execution]
    workers = 2                        # embedded dask LocalCluster
    scheduler = ""                     # or "tcp://host:8786": an external dask cluster
    worker_timeout = 60.0              # s (> 0) with no worker left before the sweep stops

Every error names the offending key and says what it accepts. The core never reads files:
:func:`load_config` is the only function here that touches the disk.
"""

from __future__ import annotations

import hashlib
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from .schema import Parameter, Schema, resolve_section
from .store import FORMATS, atomic_write_text, format_from_suffix

_TOP_LEVEL = ("calculation", "sweep", "output", "execution")
_SWEEP_KEYS = ("chunk_size", "axes")
_OUTPUT_KEYS = ("path", "format")
_EXECUTION_KEYS = ("workers", "scheduler", "processes", "worker_timeout")
#: The largest grid a config may request (points); beyond it, split the sweep.
MAX_POINTS = 50_000_000
#: execution.worker_timeout: seconds a sweep waits with no worker before it stops, > 0 (0 would
#: stop a sweep the first moment no worker is seen, e.g. while one restarts; it has no meaning
#: of "no timeout"), at most a day.
WORKER_TIMEOUT = Parameter(
    kind=float,
    default=60.0,
    units="s",
    long_name="wait with no worker",
    low=0.0,
    low_open=True,
    high=86400.0,
)


@dataclass(frozen=True)
class SweepAxis:
    """One swept parameter: its ``section.key`` name, its values, unit and description."""

    name: str
    values: tuple
    units: str
    long_name: str

    @property
    def dim(self) -> str:
        """The xarray dimension name: the key without its section (``frequency_ghz``)."""
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class SweepSpec:
    """The grid: outer product of ``axes`` (first axis slowest), cut into chunks."""

    axes: tuple[SweepAxis, ...]
    chunk_size: int = 16

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def n_chunks(self) -> int:
        return -(-self.size // self.chunk_size)

    def chunk_indices(self, chunk: int) -> range:
        """Flat (C-order) grid indices of chunk number ``chunk``."""
        start = chunk * self.chunk_size
        return range(start, min(start + self.chunk_size, self.size))

    def point(self, flat_index: int) -> dict[str, Any]:
        """``{"section.key": value}`` at one flat grid index."""
        idx = np.unravel_index(flat_index, self.shape)
        return {a.name: a.values[int(i)] for a, i in zip(self.axes, idx, strict=True)}


@dataclass(frozen=True)
class OutputSpec:
    """Where the dataset is written (``path`` None: not written) and in which format."""

    path: Path | None = None
    format: str = "netcdf"


@dataclass(frozen=True)
class ExecutionSpec:
    """How a sweep runs: ``workers`` of an embedded LocalCluster, or an external ``scheduler``."""

    workers: int | None = None
    scheduler: str | None = None
    processes: bool = True
    #: seconds with no worker before a sweep stops, keeping its chunks (None: the default, 60)
    worker_timeout: float | None = None


@dataclass(frozen=True)
class RunConfig:
    """A validated run config. ``parameters`` is ``{section: {key: value}}``, defaults filled."""

    calculation: str
    parameters: Mapping[str, Mapping[str, Any]]
    sweep: SweepSpec | None = None
    output: OutputSpec = field(default_factory=OutputSpec)
    execution: ExecutionSpec = field(default_factory=ExecutionSpec)

    def value(self, name: str) -> Any:
        """The base value of ``"section.key"``."""
        section, key = name.split(".", 1)
        return self.parameters[section][key]

    def at(self, point: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """Parameters with the swept values of ``point`` (``{"section.key": value}``) put in."""
        params = {s: dict(v) for s, v in self.parameters.items()}
        for name, value in point.items():
            section, key = name.split(".", 1)
            params[section][key] = value
        return params

    def to_dict(self) -> dict[str, Any]:
        """The resolved config as plain TOML-able data (what :func:`parse_config` reads back)."""
        out: dict[str, Any] = {"calculation": self.calculation}
        out.update({s: dict(v) for s, v in self.parameters.items()})
        if self.sweep is not None:
            out["sweep"] = {
                "chunk_size": self.sweep.chunk_size,
                "axes": {a.name: list(a.values) for a in self.sweep.axes},
            }
        if self.output.path is not None:
            out["output"] = {"path": str(self.output.path), "format": self.output.format}
        execution = {
            "workers": self.execution.workers,
            "scheduler": self.execution.scheduler,
            "processes": self.execution.processes,
            "worker_timeout": self.execution.worker_timeout,
        }
        execution = {k: v for k, v in execution.items() if v is not None}
        if execution:
            out["execution"] = execution
        return out

    def to_toml(self) -> str:
        """The resolved config as TOML text (stored in every dataset's attributes)."""
        return tomli_w.dumps(_toml_safe(self.to_dict()))

    def fingerprint(self) -> str:
        """SHA-256 of what determines the numbers (calculation, parameters, grid, chunking).

        Output and execution settings are left out: a sweep may resume with other workers.
        """
        core = self.to_dict()
        core.pop("output", None)
        core.pop("execution", None)
        return hashlib.sha256(tomli_w.dumps(_toml_safe(core)).encode()).hexdigest()


def _toml_safe(data):
    """TOML has no null; floats like inf are fine."""
    if isinstance(data, Mapping):
        return {k: _toml_safe(v) for k, v in data.items() if v is not None}
    if isinstance(data, list | tuple):
        return [_toml_safe(v) for v in data]
    if isinstance(data, np.generic):
        return data.item()
    return data


# ---------------------------------------------------------------------------------- parsing
def _axis(name: str, spec: Any, schema: Schema) -> SweepAxis:
    key = f"sweep.axes.{name!r}"
    if not isinstance(name, str) or name.count(".") != 1:
        raise ValueError(f"{key}: axis names are 'section.key', e.g. 'drive.frequency_ghz'")
    section, pkey = name.split(".")
    if section not in schema or pkey not in schema[section]:
        choices = ", ".join(f"{s}.{k}" for s, keys in schema.items() for k in keys)
        raise ValueError(f"{key}: no parameter {name}; sweepable: {choices}")
    param: Parameter = schema[section][pkey]
    if not param.sweepable:
        raise ValueError(f"{key}: {name} fixes the shape of the results and cannot be swept")
    if isinstance(spec, list):
        raw = spec
    elif isinstance(spec, Mapping):
        unknown = sorted(set(spec) - {"start", "stop", "num", "spacing"})
        if unknown:
            raise ValueError(
                f"{key}.{unknown[0]}: unknown; a range is {{start, stop, num, spacing}}"
            )
        missing = [k for k in ("start", "stop", "num") if k not in spec]
        if missing:
            raise ValueError(f"{key}.{missing[0]} is missing; a range is {{start, stop, num}}")
        num = spec["num"]
        if isinstance(num, bool) or not isinstance(num, int) or num < 1:
            raise ValueError(f"{key}.num must be an integer >= 1, got {num!r}")
        spacing = spec.get("spacing", "linear")
        if spacing not in ("linear", "log"):
            raise ValueError(f"{key}.spacing must be 'linear' or 'log', got {spacing!r}")
        if param.kind is not float:
            raise ValueError(f"{key}: a {{start, stop, num}} range needs a number parameter")
        lo = param.check(f"{key}.start", spec["start"])
        hi = param.check(f"{key}.stop", spec["stop"])
        if spacing == "log":
            if lo <= 0 or hi <= 0:
                raise ValueError(f"{key}: spacing = 'log' needs start > 0 and stop > 0")
            raw = np.geomspace(lo, hi, num).tolist()
        else:
            raw = np.linspace(lo, hi, num).tolist()
    else:
        raise ValueError(f"{key} must be a list of values or a table {{start, stop, num}}")
    if not raw:
        raise ValueError(f"{key} has no values")
    values = tuple(param.check(f"{key}[{i}]", v) for i, v in enumerate(raw))
    if len(set(values)) != len(values):
        raise ValueError(f"{key} repeats a value; each grid value must be distinct")
    return SweepAxis(name=name, values=values, units=param.units, long_name=param.long_name)


def _table(data: Mapping, name: str) -> Mapping:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a table [{name}], got {value!r}")
    return value


def _check_keys(table: Mapping, section: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown key {section}.{unknown[0]}; [{section}] accepts: " + ", ".join(allowed)
        )


def _sweep(data: Mapping, schema: Schema) -> SweepSpec | None:
    if "sweep" not in data:
        return None
    table = _table(data, "sweep")
    _check_keys(table, "sweep", _SWEEP_KEYS)
    chunk = table.get("chunk_size", 16)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"sweep.chunk_size must be an integer >= 1, got {chunk!r}")
    axes_table = table.get("axes", {})
    if not isinstance(axes_table, Mapping) or not axes_table:
        raise ValueError(
            "sweep.axes must list at least one axis, e.g. "
            '[sweep.axes] "drive.frequency_ghz" = [1.0, 2.0]'
        )
    axes = tuple(_axis(name, spec, schema) for name, spec in axes_table.items())
    dims = [a.dim for a in axes]
    if len(set(dims)) != len(dims):
        raise ValueError(f"sweep.axes: two axes share the key name {dims}; sweep each key once")
    spec = SweepSpec(axes=axes, chunk_size=chunk)
    if spec.size > MAX_POINTS:
        raise ValueError(f"sweep.axes: {spec.size} grid points > {MAX_POINTS}; split the sweep")
    return spec


def _output(data: Mapping, base: Path | None) -> OutputSpec:
    table = _table(data, "output")
    _check_keys(table, "output", _OUTPUT_KEYS)
    path = table.get("path")
    if path is None:
        if "format" in table:
            fmt = table["format"]
            if fmt not in FORMATS:
                raise ValueError(f"output.format must be one of {FORMATS}, got {fmt!r}")
        return OutputSpec()
    if not isinstance(path, str) or not path:
        raise ValueError(f"output.path must be a file name, got {path!r}")
    path = Path(path).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    fmt = table.get("format", format_from_suffix(path))
    if fmt not in FORMATS:
        raise ValueError(f"output.format must be one of {FORMATS}, got {fmt!r}")
    return OutputSpec(path=path, format=fmt)


def _execution(data: Mapping) -> ExecutionSpec:
    table = _table(data, "execution")
    _check_keys(table, "execution", _EXECUTION_KEYS)
    workers = table.get("workers")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"execution.workers must be an integer >= 1, got {workers!r}")
    scheduler = table.get("scheduler") or None
    if scheduler is not None and not isinstance(scheduler, str):
        raise ValueError(
            f"execution.scheduler must be an address like 'tcp://host:8786', got {scheduler!r}"
        )
    processes = table.get("processes", True)
    if not isinstance(processes, bool):
        raise ValueError(f"execution.processes must be true or false, got {processes!r}")
    timeout = table.get("worker_timeout")
    if timeout is not None:
        timeout = WORKER_TIMEOUT.check("execution.worker_timeout", timeout)
    return ExecutionSpec(
        workers=workers, scheduler=scheduler, processes=processes, worker_timeout=timeout
    )


def parse_config(data: Mapping[str, Any], *, base: Path | None = None) -> RunConfig:
    """Validate config data (as from :func:`tomllib.loads`) into a :class:`RunConfig`.

    Parameters
    ----------
    data
        the parsed TOML.
    base
        folder that a relative ``output.path`` is relative to (the config file's folder).

    Raises
    ------
    ValueError
        naming the offending key: unknown keys, wrong types, out-of-range values.
    """
    from ..sweeps.registry import available_jobs, get_job

    if "calculation" not in data:
        raise ValueError(f"missing key calculation; one of: {', '.join(available_jobs())}")
    name = data["calculation"]
    if not isinstance(name, str) or name not in available_jobs():
        raise ValueError(f"calculation must be one of {', '.join(available_jobs())}; got {name!r}")
    schema = get_job(name).schema
    unknown = sorted(set(data) - set(_TOP_LEVEL) - set(schema))
    if unknown:
        raise ValueError(
            f"unknown key {unknown[0]}; a {name!r} config has sections "
            + ", ".join(f"[{s}]" for s in (*schema, "sweep", "output", "execution"))
        )
    parameters = {s: resolve_section(s, _table(data, s), keys) for s, keys in schema.items()}
    return RunConfig(
        calculation=name,
        parameters=parameters,
        sweep=_sweep(data, schema),
        output=_output(data, base),
        execution=_execution(data),
    )


def load_config(path: str | os.PathLike) -> RunConfig:
    """Read and validate a TOML run config (relative ``output.path`` is relative to the file)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"config file {str(path)!r} does not exist (or is not a file)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"config file {str(path)!r} is not valid TOML: {err}") from None
    return parse_config(data, base=path.parent)


def template(calculation: str) -> str:
    """An annotated TOML config for ``calculation``: every key at its default, with its unit and
    allowed range, and commented-out [sweep], [output] and [execution] sections."""
    from ..sweeps.registry import get_job

    job = get_job(calculation)
    lines = [f"# {job.description}", f'calculation = "{calculation}"']
    first_axis = None
    for section, keys in job.schema.items():
        lines += ["", f"[{section}]"]
        for key, param in keys.items():
            value = tomli_w.dumps({key: param.default}).strip()
            unit = "" if param.units == "1" else f" [{param.units}]"
            fixed = "" if param.sweepable else "; not sweepable"
            lines.append(f"{value:<34} # {param.long_name}{unit}; {param.allowed}{fixed}")
            if first_axis is None and param.sweepable and param.kind is float:
                first_axis = (f"{section}.{key}", param.default)
    name, default = first_axis or ("section.key", 1.0)
    lo, hi = (0.5 * default, 1.5 * default) if default else (0.0, 1.0)
    lines += [
        "",
        "# [sweep]                         # for `tisot sweep`: a grid over any keys above",
        "# chunk_size = 16                 # grid points per task and per chunk file",
        "# [sweep.axes]                    # a list of values, or {start, stop, num, spacing}",
        f'# "{name}" = {{ start = {lo:g}, stop = {hi:g}, num = 11 }}',
        "",
        "# [output]",
        f'# path = "{calculation}.nc"        # .nc: netCDF, .zarr: Zarr; relative to this file',
        "",
        "# [execution]",
        "# workers = 2                     # embedded dask LocalCluster (default: one per core)",
        '# scheduler = "tcp://host:8786"   # or an external dask cluster',
    ]
    return "\n".join(lines) + "\n"


def write_config(config: RunConfig, path: str | os.PathLike) -> Path:
    """Write the resolved config as TOML, atomically."""

    return atomic_write_text(Path(path), config.to_toml())
