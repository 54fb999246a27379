"""The "device_macrospin" and "film" jobs: a device's FM under its gate, time-integrated, in SI.

Both call :func:`tisot.experiments.device_dynamics.steady_state`; the jobs only orchestrate.
Their config has the five tables of a device file ([surface], [fm], [interface], [gate],
[environment]; :mod:`tisot.device.schema`) and a [dynamics] table. In the device tables every
key is optional: ``surface.material`` and ``fm.material`` name presets (default Bi2Se3 and EuS)
and the keys given override them, so that any device key can be swept
(``"environment.field_mt" = {start = 50, stop = 200, num = 31}``).

* "device_macrospin": one macrospin at x = 0 (under the middle of a biased strip);
* "film": ``dynamics.points`` macrospins over one gate period, coupled by exchange and by the
  dynamic dipolar field of the film; film averages and per-point profiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np

from ..device.schema import DEVICE_SCHEMA
from ..io.schema import Parameter, Schema
from .registry import Job, OutputVar, Params, register_job


@dataclass(frozen=True, kw_only=True)
class OptionalParameter(Parameter):
    """A device key in a job config: NaN (0 for integers, "" for text) means "from the preset"."""

    def check(self, key: str, value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value) and self.kind is float:
            return value
        if (value == "" and self.kind is str) or (value == 0 and self.kind is int):
            return value
        return super().check(key, value)


def _optional(param: Parameter) -> OptionalParameter:
    """The same key with an "unset" default (TOML has no unset boolean: text true/false/"")."""
    rules = {f.name: getattr(param, f.name) for f in fields(param)}
    rules["long_name"] = param.long_name + " (nan, 0 or empty: the preset's value)"
    if param.kind is bool:
        rules.update(kind=str, choices=("true", "false"))
    rules["default"] = {float: math.nan, str: "", int: 0}[rules["kind"]]
    return OptionalParameter(**rules)


def device_tables() -> Schema:
    """The device file's tables with every key optional (presets Bi2Se3 / EuS by default)."""
    tables = {s: {k: _optional(p) for k, p in keys.items()} for s, keys in DEVICE_SCHEMA.items()}
    for section, name in (("surface", "Bi2Se3"), ("fm", "EuS")):
        p = tables[section]["material"]
        tables[section]["material"] = Parameter(kind=str, default=name, long_name=p.long_name)
    return tables


def build_device(params: Params):
    """The :class:`tisot.device.Device` of a job config's device tables."""
    from ..device import Device

    data: dict[str, dict[str, Any]] = {}
    for section in DEVICE_SCHEMA:
        table = {}
        for key, value in params[section].items():
            if (isinstance(value, float) and math.isnan(value)) or value == "":
                continue
            if DEVICE_SCHEMA[section][key].kind is bool:
                value = value == "true"
            elif DEVICE_SCHEMA[section][key].kind is int and value == 0:
                continue
            table[key] = value
        data[section] = table
    return Device.from_dict(data)


DYNAMICS_SCHEMA = {
    "fieldlike": Parameter(
        kind=bool, default=True, long_name="include the fieldlike torque of Eq. (3)"
    ),
    "settle_ns": Parameter(
        kind=float, default=0.0, units="ns",
        long_name="time discarded before averaging (0: 12 decay times of the uniform mode)",
        low=0.0, high=1e6,
    ),
    "average_ns": Parameter(
        kind=float, default=0.0, units="ns",
        long_name="averaging window, rounded up to whole drive periods (0: 20 periods)",
        low=0.0, high=1e6,
    ),
    "samples_per_period": Parameter(
        kind=int, default=32, long_name="outputs per drive period in the window", low=20,
        high=1000, sweepable=False,
    ),
    "rtol": Parameter(
        kind=float, default=1e-8, long_name="relative tolerance (dopri)", low=1e-13,
        high=1e-2, sweepable=False,
    ),
}  # fmt: skip

FILM_DYNAMICS_SCHEMA = {
    **DYNAMICS_SCHEMA,
    "points": Parameter(
        kind=int,
        default=16,
        long_name="film points per gate period",
        low=2,
        high=512,
        sweepable=False,
    ),
}

_SCALARS = {
    "one_minus_m0": ("1", "<1 - m.m0> about the equilibrium m0"),
    "cone_angle_deg": ("degree", "mean precession cone angle about m0"),
    "absorbed_power": ("W m-2", "absorbed power per film area"),
    "dissipated_power": ("W m-2", "dissipated power per film area"),
    "m0_theta_deg": ("degree", "equilibrium polar angle of m from the TI normal"),
    "m0_phi_deg": ("degree", "equilibrium azimuth of m from the grating wavevector"),
    "resonance_frequency_ghz": ("GHz", "uniform-mode (Smit-Beljers) frequency"),
    "alpha_g": ("1", "anisotropic Gilbert damping alpha_G of Eq. (18) per FM moment"),
}
_PROFILES = {
    "one_minus_m0_profile": ("one_minus_m0", "1", "<1 - m.m0> at each point"),
    "absorbed_power_profile": ("absorbed_power", "W m-2", "absorbed power per area at each point"),
    "f_amplitude": ("f_amplitude", "s-1", "|f|, local diffusive drive of Eq. (4)"),
    "fieldlike_amplitude": ("fieldlike_amplitude", "s-1", "|b|, local fieldlike rate of Eq. (3)"),
}


class DeviceJob(Job):
    """One macrospin of the device under its gate at x = 0 (module docstring)."""

    name = "device_macrospin"
    description = "a TI/FM device under its grated gate: steady state of one macrospin, in SI"
    schema: ClassVar[Schema] = {**device_tables(), "dynamics": DYNAMICS_SCHEMA}

    def points(self, params: Params) -> int:
        return 1

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {k: OutputVar((), u, n) for k, (u, n) in _SCALARS.items()}

    def run(self, params: Params):
        from ..experiments.device_dynamics import steady_state

        y = params["dynamics"]
        return steady_state(
            build_device(params),
            points=self.points(params),
            fieldlike=y["fieldlike"],
            settle_ns=y["settle_ns"] or None,
            average_ns=y["average_ns"] or None,
            samples_per_period=y["samples_per_period"],
            rtol=y["rtol"],
        )

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        return _scalars(self.run(params))


def _scalars(ds) -> dict[str, np.ndarray]:
    """The film averages of the steady state and the equilibrium's attributes."""
    out = {k: np.asarray(ds[k].values.mean()) for k in list(_SCALARS)[:4]}
    out.update({k: np.asarray(float(ds.attrs[k])) for k in list(_SCALARS)[4:]})
    return out


class FilmJob(DeviceJob):
    """A film of macrospins over one gate period (module docstring)."""

    name = "film"
    description = "a TI/FM device under its grated gate: the film over one period, in SI"
    schema: ClassVar[Schema] = {**device_tables(), "dynamics": FILM_DYNAMICS_SCHEMA}

    def points(self, params: Params) -> int:
        return params["dynamics"]["points"]

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        scalars = super().outputs(params)
        profiles = {k: OutputVar(("x_over_period",), u, n) for k, (_, u, n) in _PROFILES.items()}
        return scalars | profiles

    def coords(self, params: Params) -> dict[str, tuple[str, np.ndarray, dict]]:
        n = self.points(params)
        attrs = {"units": "1", "long_name": "film position x / gate period"}
        return {"x_over_period": ("x_over_period", np.arange(n) / n, attrs)}

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        ds = self.run(params)
        profiles = {k: np.ascontiguousarray(ds[v].values) for k, (v, _, _) in _PROFILES.items()}
        return _scalars(ds) | profiles


register_job(DeviceJob())
register_job(FilmJob())
