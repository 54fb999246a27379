"""The five parts of a device, each a small frozen, validated record with SI properties.

A part holds the values of one table of the device file (:mod:`tisot.device.schema`), in the
file's lab units, as attributes (``fm.ms_ka_per_m``); its properties give the SI numbers the
physics uses (``fm.ms`` in A/m). Construction checks every key, its type and range, and the
groups of alternative keys (exactly one Fermi level, exactly one disorder).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from ..io.schema import resolve_section
from .schema import ALTERNATIVES, DEVICE_SCHEMA


def is_unset(value: Any) -> bool:
    """True for the default of an alternative key that was not given (NaN)."""
    return isinstance(value, float) and math.isnan(value)


class Part:
    """One table of the device file: read-only attributes named like its keys."""

    section: ClassVar[str]

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        resolved = resolve_section(self.section, dict(values or {}), DEVICE_SCHEMA[self.section])
        object.__setattr__(self, "_values", resolved)
        self._check_alternatives()
        self._check()

    def _check_alternatives(self) -> None:
        for group, keys in ALTERNATIVES.items():
            section, what = group.split(".", 1)
            if section != self.section:
                continue
            given = [k for k in keys if not is_unset(self._values[k])]
            if len(given) != 1:
                names = ", ".join(f"{section}.{k}" for k in keys)
                state = "none" if not given else " and ".join(f"{section}.{k}" for k in given)
                raise ValueError(f"give exactly one {what} ({names}); got {state}")

    def _check(self) -> None:
        """Checks across keys of this part (overridden)."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"[{self.section}] has no key {key!r}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(
            f"device parts are frozen: use Device.with_values({{'{self.section}.{key}': ...}})"
        )

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and _same(self._values, other._values)

    def __hash__(self) -> int:
        return hash((self.section, tuple(sorted((k, repr(v)) for k, v in self._values.items()))))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{type(self).__name__}({given})"

    def to_dict(self) -> dict[str, Any]:
        """The keys of this part that are set (unset alternatives left out)."""
        return {k: v for k, v in self._values.items() if not is_unset(v)}


def _same(a: Mapping, b: Mapping) -> bool:
    return a.keys() == b.keys() and all(
        (is_unset(a[k]) and is_unset(b[k])) or a[k] == b[k] for k in a
    )


class Surface(Part):
    """The TI surface: Fermi level, disorder, Dirac velocity (Eqs. 1, 5, 9)."""

    section = "surface"

    def _check(self) -> None:
        v, c = self._values["backgate_voltage_v"], self._values["backgate_capacitance_nf_per_cm2"]
        if is_unset(v) != is_unset(c):
            raise ValueError(
                "surface.backgate_voltage_v and surface.backgate_capacitance_nf_per_cm2 go "
                "together: give both or neither"
            )
        if not is_unset(v) and is_unset(self._values["carrier_density_per_cm2"]):
            raise ValueError(
                "a back gate shifts the density: give surface.carrier_density_per_cm2 (the "
                "density at 0 V) with surface.backgate_voltage_v"
            )
        if not is_unset(self.density_per_m2) and self.density_per_m2 <= 0:
            raise ValueError(
                f"the back gate empties the surface band: n = {self.density_per_m2 * 1e-4:.4g} "
                "cm^-2 <= 0 (surface.backgate_voltage_v); tisot models electrons above the "
                "Dirac point"
            )

    @property
    def velocity(self) -> float:
        """Dirac velocity v in m/s."""
        return self.velocity_m_per_s

    @property
    def density_per_m2(self) -> float:
        """Carrier density n in 1/m^2 (back gate included); NaN when the Fermi energy is given."""
        from ..constants import ELEMENTARY_CHARGE

        n = self.carrier_density_per_cm2 * 1e4
        if not is_unset(self.backgate_voltage_v):
            capacitance = self.backgate_capacitance_nf_per_cm2 * 1e-9 / 1e-4  # F/m^2
            n += capacitance * self.backgate_voltage_v / ELEMENTARY_CHARGE
        return n

    @property
    def leakage_time(self) -> float:
        """Relaxation time of the surface charge into bulk or gate, s (inf: none)."""
        return self.leakage_time_ps * 1e-12


class Ferromagnet(Part):
    """The FM insulator film: magnetostatics (Ms, anisotropies, g), damping, interface cell."""

    section = "fm"

    def _check(self) -> None:
        if self.monolayer_nm > self.thickness_nm:
            raise ValueError(
                f"fm.monolayer_nm = {self.monolayer_nm!r} exceeds fm.thickness_nm = "
                f"{self.thickness_nm!r}: the film has at least one monolayer"
            )

    def ms_at(self, temperature_k: float) -> float:
        """Ms(T) in A/m: Kuz'min's law, Ms(0) [1 - s t^{3/2} - (1 - s) t^{5/2}]^{1/3}, t = T/Tc,
        s = 1/2 (M. D. Kuz'min, PRL 94, 107204 (2005)); Ms(0) when Tc = inf."""
        tc = self.curie_temperature_k
        if math.isinf(tc):
            return self.ms_ka_per_m * 1e3
        if not temperature_k < tc:
            raise ValueError(
                f"environment.temperature_k = {temperature_k!r} is not below "
                f"fm.curie_temperature_k = {tc!r}: the film is not ferromagnetic"
            )
        t = temperature_k / tc
        return self.ms_ka_per_m * 1e3 * (1 - 0.5 * t**1.5 - 0.5 * t**2.5) ** (1 / 3)

    @property
    def thickness(self) -> float:
        """d in m."""
        return self.thickness_nm * 1e-9

    @property
    def layers(self) -> float:
        """Monolayers sharing the interface torque: thickness / monolayer (>= 1)."""
        return self.thickness_nm / self.monolayer_nm

    @property
    def exchange_stiffness(self) -> float:
        """A_ex in J/m."""
        return self.exchange_stiffness_pj_per_m * 1e-12


class Interface(Part):
    """The sd exchange Delta_sd between the surface electrons and the FM (Eq. 1)."""

    section = "interface"


class Gate(Part):
    """The grated top gate of Fig. 1: period, distance, duty, dielectric, voltage, frequency."""

    section = "gate"

    @property
    def period(self) -> float:
        """L in m."""
        return self.period_um * 1e-6

    @property
    def distance(self) -> float:
        """d in m."""
        return self.distance_nm * 1e-9

    @property
    def frequency(self) -> float:
        """f in Hz."""
        return self.frequency_ghz * 1e9

    @property
    def omega(self) -> float:
        """2 pi f in rad/s."""
        return 2 * math.pi * self.frequency


class Environment(Part):
    """The applied field (magnitude, polar angle from the TI normal, azimuth from the grating
    wavevector) and the temperature."""

    section = "environment"

    @property
    def field_tesla(self):
        """mu0 H as a 3-vector in T: x along the grating wavevector, z the TI normal."""
        import numpy as np

        b = self.field_mt * 1e-3
        th, ph = math.radians(self.field_theta_deg), math.radians(self.field_phi_deg)
        return b * np.array(
            [math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th)]
        )


PARTS: dict[str, type[Part]] = {
    p.section: p for p in (Surface, Ferromagnet, Interface, Gate, Environment)
}
