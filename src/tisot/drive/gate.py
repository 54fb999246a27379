r"""Drives of the TI surface: a grated top gate (Fig. 1 of the paper) and a uniform current.

Gate electrostatics
-------------------
A periodic gate lies in the plane z = d above the TI surface (z = 0). Its potential
V(x) cos(Omega t) (period L along x, strips at the amplitude ``voltage`` with a duty cycle, or an
arbitrary profile) is expanded in harmonics V_n exp(i q_n x), q_n = 2 pi n / L. Between gate and
surface lies a dielectric eps_d (``permittivity``), below the surface a medium eps_s
(``substrate_permittivity``; the TI itself). Laplace's equation, each harmonic separately
(quasi-static: L << c / f), gives for 0 <= z <= d

.. math::  \phi_n(z) = V_n \frac{\cosh q z + \kappa \sinh q z}{\cosh q d + \kappa \sinh q d},
           \qquad \kappa = \varepsilon_s / \varepsilon_d,\ q = |q_n|

and phi_n(0) e^{q z} for z < 0 (phi and eps dphi/dz continuous at z = 0, phi = V_n at z = d).
For a homogeneous dielectric (kappa = 1) every harmonic decays as e^{-|q_n| d}; otherwise it does
so asymptotically (|q_n| d >> 1) with a prefactor 2 / (1 + kappa). The in-plane field on the
surface is E_n = -i q_n phi_n(0) x-hat: the gate alone, as in the paper, whose theory has no
Coulomb interaction. ``field(screening=surface)`` returns instead the field screened
self-consistently by the surface electrons (:mod:`tisot.drive.screening`, docs/screening.md).

Uniform drive
-------------
A spatially uniform field (q = 0) drives no diffusive torque (div E = 0) but a current
J = sigma0 (e^2/h) E that drives the fieldlike torque of Eq. (3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from .._validation import finite, positive
from ..constants import CONDUCTANCE_QUANTUM
from ..model.surface import SurfaceModel
from .field import SurfaceField
from .screening import LayeredDielectric, Polarizability, Screening

#: Default number of gate harmonics n = 1..N kept (each with its -n partner).
DEFAULT_HARMONICS = 64


def _check_period_distance(period: float, distance: float) -> None:
    period = finite("period", period)
    if not period > 0:
        raise ValueError(f"period must be > 0 (grating period in m), got {period!r}")
    distance = finite("distance", distance)
    if not distance >= 0:
        raise ValueError(f"distance must be >= 0 (gate-to-surface distance in m), got {distance!r}")


def layered_transmission(q, distance: float, permittivity_ratio: float = 1.0) -> np.ndarray:
    """phi_n(0) / V_n = 1 / (cosh qd + kappa sinh qd) for |q| = ``q`` (1/m), kappa = eps_s/eps_d.

    Written as 2 e^{-qd} / ((1 + kappa) + (1 - kappa) e^{-2qd}) so that large qd cannot overflow.
    """
    qd = np.abs(np.asarray(q, dtype=float)) * distance
    k = permittivity_ratio
    return 2.0 * np.exp(-qd) / ((1.0 + k) + (1.0 - k) * np.exp(-2.0 * qd))


@dataclass(frozen=True, kw_only=True, eq=False)
class GratingGate:
    """A periodic top gate at distance d above the TI surface, driven at V(x) cos(2 pi f t).

    Parameters
    ----------
    period
        grating period L in m (> 0); q_1 = 2 pi / L.
    distance
        gate-to-surface distance d in m (>= 0).
    voltage
        voltage amplitude V0 in V (the biased strips; the others are grounded).
    frequency
        drive frequency f in Hz (>= 0; 0 is a static gate).
    duty_cycle
        fraction of each period covered by the biased strip, 0 < duty_cycle < 1 (strip centred
        on x = 0). Ignored when ``profile`` is given.
    profile
        optional arbitrary gate potential over one period, sampled at x_j = j L / M
        (j = 0..M-1), in units of ``voltage`` (dimensionless).
    permittivity
        relative permittivity eps_d of the gate dielectric (> 0).
    substrate_permittivity
        relative permittivity eps_s below the surface (> 0); ``None`` means eps_d (homogeneous).
    harmonics
        number N of harmonics n = 1..N kept (with their -n partners).
    """

    period: float
    distance: float
    voltage: float = 1.0
    frequency: float = 0.0
    duty_cycle: float = 0.5
    profile: np.ndarray | None = field(default=None)
    permittivity: float = 1.0
    substrate_permittivity: float | None = None
    harmonics: int = DEFAULT_HARMONICS

    def __post_init__(self) -> None:
        _check_period_distance(self.period, self.distance)
        finite("voltage", self.voltage)
        positive("frequency", self.frequency, strict=False)
        positive("permittivity", self.permittivity)
        if self.substrate_permittivity is not None:
            positive("substrate_permittivity", self.substrate_permittivity)
        if not (isinstance(self.harmonics, int | np.integer) and self.harmonics >= 1):
            raise ValueError(f"harmonics must be an integer >= 1, got {self.harmonics!r}")
        if self.profile is None:
            d = finite("duty_cycle", self.duty_cycle)
            if not 0.0 < d < 1.0:
                raise ValueError(f"duty_cycle must satisfy 0 < duty_cycle < 1, got {d!r}")
        else:
            p = np.asarray(finite("profile", self.profile), dtype=float)
            if p.ndim != 1 or p.size < 2:
                raise ValueError(
                    f"profile must be a 1D array of >= 2 samples over one period, got shape {p.shape}"
                )
            object.__setattr__(self, "profile", p)

    # ----------------------------------------------------------------- geometry
    @property
    def wavevector(self) -> float:
        """q_1 = 2 pi / L in 1/m."""
        return 2 * math.pi / self.period

    @property
    def omega(self) -> float:
        """Omega = 2 pi f in rad/s."""
        return 2 * math.pi * self.frequency

    @property
    def permittivity_ratio(self) -> float:
        """kappa = eps_s / eps_d (1 for a homogeneous dielectric)."""
        if self.substrate_permittivity is None:
            return 1.0
        return self.substrate_permittivity / self.permittivity

    def orders(self) -> np.ndarray:
        """Harmonic orders n = -N..-1, 1..N (n = 0 carries no in-plane field)."""
        n = np.arange(1, self.harmonics + 1)
        return np.concatenate([-n[::-1], n])

    def gate_harmonics(self) -> np.ndarray:
        """V_n of the gate potential V(x) = sum_n V_n e^{i q_n x}, in V, for :meth:`orders`."""
        n = self.orders()
        if self.profile is None:
            # strip |x| < d L / 2 at V0: V_n = V0 sin(pi n d) / (pi n)
            return self.voltage * np.sin(math.pi * n * self.duty_cycle) / (math.pi * n) + 0j
        p = self.profile
        coeffs = np.fft.fft(p) / p.size
        if self.harmonics >= p.size / 2:
            raise ValueError(
                f"harmonics = {self.harmonics} needs a profile of more than {2 * self.harmonics} "
                f"samples (got {p.size}): sample the profile finer or keep fewer harmonics"
            )
        return self.voltage * coeffs[n % p.size]

    def surface_potential_harmonics(self) -> np.ndarray:
        """phi_n(z = 0) in V: each gate harmonic attenuated by :func:`layered_transmission`."""
        q = self.orders() * self.wavevector
        return self.gate_harmonics() * layered_transmission(
            q, self.distance, self.permittivity_ratio
        )

    @property
    def layers(self) -> LayeredDielectric:
        """The electrostatics the surface charge sees: this gate, eps_d above, eps_s below."""
        eps_s = self.substrate_permittivity
        return LayeredDielectric(
            distance=self.distance,
            permittivity=self.permittivity,
            substrate_permittivity=self.permittivity if eps_s is None else eps_s,
        )

    def screening(self, surface: Polarizability) -> Screening:
        """The self-consistent screening of this gate's harmonics by ``surface``."""
        return Screening(self.layers, surface)

    def field(self, screening: Polarizability | None = None) -> SurfaceField:
        """The in-plane surface field E(x, t) = Re sum_n E_n x-hat e^{i q_n x - i Omega t}.

        Without ``screening`` (the default, the paper's drive) E_n = -i q_n phi_n(0), the gate
        alone. With the surface's response (a :class:`~tisot.drive.SurfacePolarizability` or a
        :class:`~tisot.drive.DiffusiveMedium`) each harmonic is the self-consistent total,
        E_n / (1 + G(q_n) chi(q_n, Omega)) (:mod:`tisot.drive.screening`).
        """
        q = self.orders() * self.wavevector
        Ex = -1j * q * self.surface_potential_harmonics()
        wavevectors = np.stack([q, np.zeros_like(q)], axis=-1)
        amplitudes = np.stack([Ex, np.zeros_like(Ex)], axis=-1)
        bare = SurfaceField(wavevectors, amplitudes, self.omega)
        return bare if screening is None else self.screening(screening).screen(bare)

    def potential(self, x, z) -> np.ndarray:
        """phi(x, z) at t = 0 in V, for z <= d (between gate and surface, and below it).

        x and z in m broadcast against each other. Built from the harmonics (no n = 0 term),
        so it solves Laplace's equation exactly harmonic by harmonic.
        """
        x = np.asarray(finite("x", x), dtype=float)
        z = np.asarray(finite("z", z), dtype=float)
        if np.any(z > self.distance * (1 + 1e-12)):
            raise ValueError(f"z must be <= distance = {self.distance} m (the gate plane)")
        n = self.orders()
        q = np.abs(n) * self.wavevector
        k = self.permittivity_ratio
        zz = z[..., None]
        zp = np.maximum(zz, 0.0)
        above = np.exp(q * (zp - self.distance)) * ((1 + k) + (1 - k) * np.exp(-2 * q * zp))
        above = above / ((1 + k) + (1 - k) * np.exp(-2 * q * self.distance))
        below = layered_transmission(q, self.distance, k) * np.exp(q * np.minimum(zz, 0.0))
        profile = np.where(zz >= 0, above, below)
        phase = np.exp(1j * n * self.wavevector * x[..., None])
        return np.real(np.sum(self.gate_harmonics() * profile * phase, axis=-1))

    def surface_field(self, x, t=0.0) -> np.ndarray:
        """E_x(x, t) on the surface in V/m for x in m (E_y = 0)."""
        x = np.asarray(finite("x", x), dtype=float)
        r = np.stack([x, np.zeros_like(x)], axis=-1)
        return self.field().evaluate(r, t)[..., 0]

    def to_dataset(self, x, t=0.0) -> xr.Dataset:
        """Surface field, its divergence and the surface potential along x (m) at time t (s)."""
        x = np.asarray(finite("x", x), dtype=float)
        r = np.stack([x, np.zeros_like(x)], axis=-1)
        f = self.field()
        phi0 = np.real(
            np.exp(1j * np.outer(x, self.orders() * self.wavevector))
            @ self.surface_potential_harmonics()
            * math.cos(self.omega * float(t))
        )
        ds = xr.Dataset(
            {
                "E_x": (
                    "x",
                    f.evaluate(r, t)[:, 0],
                    {"units": "V/m", "long_name": "in-plane field"},
                ),
                "div_E": ("x", f.divergence(r, t), {"units": "V/m^2", "long_name": "div E"}),
                "phi": ("x", phi0, {"units": "V", "long_name": "surface potential"}),
            },
            coords={"x": ("x", x, {"units": "m"})},
        )
        ds.attrs.update(self.describe() | {"time_s": float(t)})
        return ds

    def describe(self) -> dict[str, float | str]:
        """Parameters as attributes (provenance)."""
        return {
            "gate_period_m": self.period,
            "gate_distance_m": self.distance,
            "gate_voltage_V": self.voltage,
            "gate_frequency_Hz": self.frequency,
            "gate_profile": "strips" if self.profile is None else "custom",
            "gate_duty_cycle": self.duty_cycle if self.profile is None else float("nan"),
            "gate_permittivity": self.permittivity,
            "substrate_permittivity": self.permittivity * self.permittivity_ratio,
            "gate_harmonics": self.harmonics,
            "source": "Laplace's equation per harmonic (tisot.drive.gate)",
        }


@dataclass(frozen=True, kw_only=True, eq=False)
class UniformDrive:
    """A spatially uniform in-plane field E0 cos(2 pi f t) (q = 0): fieldlike torque only.

    Parameters
    ----------
    field
        (E_x, E_y) amplitude in V/m.
    frequency
        f in Hz (>= 0).
    """

    field: tuple[float, float]
    frequency: float = 0.0

    def __post_init__(self) -> None:
        E = np.asarray(finite("field", self.field), dtype=float)
        if E.shape != (2,):
            raise ValueError(f"field must be (E_x, E_y) in V/m, got shape {E.shape}")
        object.__setattr__(self, "field", (float(E[0]), float(E[1])))
        positive("frequency", self.frequency, strict=False)

    @classmethod
    def from_current(cls, current_density, frequency: float, model: SurfaceModel) -> UniformDrive:
        """The field that drives a sheet current J (A/m) through a surface of conductivity sigma0 (Eq. 9)."""
        J = np.asarray(finite("current_density", current_density), dtype=float)
        if J.shape != (2,):
            raise ValueError(f"current_density must be (J_x, J_y) in A/m, got shape {J.shape}")
        g = model.sigma0 * CONDUCTANCE_QUANTUM
        return cls(field=tuple(J / g), frequency=frequency)

    @property
    def omega(self) -> float:
        return 2 * math.pi * self.frequency

    def surface_field(self) -> SurfaceField:
        return SurfaceField(np.zeros((1, 2)), np.asarray([self.field], dtype=complex), self.omega)

    def current_density(self, model: SurfaceModel) -> np.ndarray:
        """J = sigma0 (e^2/h) E0 in A/m (uniform field: no diffusion current)."""
        return model.sigma0 * CONDUCTANCE_QUANTUM * np.asarray(self.field)
