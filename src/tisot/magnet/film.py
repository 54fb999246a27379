"""The FM film as a single domain: magnetic energy, effective field and its curvature.

Conventions (docs/magnetostatics.md): z is the film normal; m = M/Ms is a unit vector at polar
angle theta from z and azimuth phi from x; fields are mu0 H in tesla, energies in J/m^3.

Energy density of a thin film (demagnetising tensor diag(0, 0, 1), Kittel 1948):

    E(m) = -mu0 Ms H.m + (mu0 Ms^2 / 2) m_z^2 - Ku m_z^2 - Ku_ip (m.u)^2
           + Kc (m_x^2 m_y^2 + m_y^2 m_z^2 + m_z^2 m_x^2)

and the effective field mu0 H_eff = -(1/Ms) dE/dm (Cartesian gradient, as in the LLG):

    mu0 H_eff = mu0 H + (2 Ku / Ms - mu0 Ms) m_z z + (2 Ku_ip / Ms) (m.u) u
                - (2 Kc / Ms) (m_x (m_y^2 + m_z^2), m_y (m_z^2 + m_x^2), m_z (m_x^2 + m_y^2)).

=================  ====================  =========
symbol             code                  unit
=================  ====================  =========
Ms                 ``ms``                A/m
Ku                 ``ku``                J/m^3
Kc (K1)            ``kc``                J/m^3
Ku_ip, u           ``ku_inplane``,       J/m^3,
                   ``ku_inplane_axis``   unit vector
g, gamma           ``g``, ``gamma``      1, rad/(s T)
Meff               ``meff``              A/m
mu0 H              ``field_tesla``       T
=================  ====================  =========
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.constants as _sc

from .._validation import finite

MU0: float = _sc.mu_0  #: vacuum permeability, T m/A
MU_B: float = _sc.physical_constants["Bohr magneton"][0]  #: J/T

#: azimuths (deg) at which the in-plane easy axis lies along x or y (the engine's diagonal form)
_AXIS_TOL_DEG = 1e-9


@dataclass(frozen=True, kw_only=True)
class FilmMagnet:
    """A thin FM film as a macrospin: saturation magnetisation, anisotropies and g-factor.

    Parameters
    ----------
    ms
        saturation magnetisation Ms in A/m, > 0 (shape anisotropy mu0 Ms in T).
    ku
        first-order uniaxial anisotropy along the film normal z in J/m^3; positive favours the
        normal (perpendicular anisotropy), negative the plane.
    kc
        cubic anisotropy K1 in J/m^3, cubic axes along x, y, z:
        Kc (m_x^2 m_y^2 + m_y^2 m_z^2 + m_z^2 m_x^2). Kc > 0: easy axes <100>.
    ku_inplane
        optional in-plane uniaxial anisotropy in J/m^3 (positive: easy axis u).
    ku_inplane_azimuth_deg
        azimuth of u from x in degrees (u = (cos, sin, 0)).
    g
        spectroscopic g-factor, > 0 (default 2.0); gamma = g mu_B / hbar.
    """

    ms: float
    ku: float = 0.0
    kc: float = 0.0
    ku_inplane: float = 0.0
    ku_inplane_azimuth_deg: float = 0.0
    g: float = 2.0

    def __post_init__(self) -> None:
        for name in ("ms", "ku", "kc", "ku_inplane", "ku_inplane_azimuth_deg", "g"):
            object.__setattr__(self, name, finite(name, getattr(self, name), allow_array=False))
        if self.ms <= 0:
            raise ValueError(f"ms (saturation magnetisation) must be > 0 A/m, got {self.ms!r}")
        if self.g <= 0:
            raise ValueError(f"g (g-factor) must be > 0, got {self.g!r}")

    # ------------------------------------------------------------------ derived
    @property
    def gamma(self) -> float:
        """Gyromagnetic ratio g mu_B / hbar in rad s^-1 T^-1 (positive)."""
        return self.g * MU_B / _sc.hbar

    @property
    def meff(self) -> float:
        """Effective magnetisation Meff = Ms - 2 Ku / (mu0 Ms) in A/m (> 0: easy plane)."""
        return self.ms - 2.0 * self.ku / (MU0 * self.ms)

    @property
    def ku_inplane_axis(self) -> np.ndarray:
        """The in-plane easy axis u = (cos phi_u, sin phi_u, 0)."""
        a = math.radians(self.ku_inplane_azimuth_deg)
        return np.array([math.cos(a), math.sin(a), 0.0])

    @property
    def energy_scale(self) -> float:
        """A typical anisotropy energy density in J/m^3 (for tolerances): mu0 Ms^2 + |K|'s."""
        return MU0 * self.ms**2 + abs(self.ku) + abs(self.kc) + abs(self.ku_inplane)

    # ------------------------------------------------------------------ energy
    def energy(self, m, field_tesla) -> np.ndarray:
        """Energy density E(m, H) in J/m^3 (module docstring); m (..., 3), field (..., 3) in T."""
        m = np.asarray(m, dtype=float)
        b = np.asarray(field_tesla, dtype=float)
        mx, my, mz = m[..., 0], m[..., 1], m[..., 2]
        mu = m @ self.ku_inplane_axis
        return (
            -self.ms * np.sum(b * m, axis=-1)
            + (0.5 * MU0 * self.ms**2 - self.ku) * mz**2
            - self.ku_inplane * mu**2
            + self.kc * (mx**2 * my**2 + my**2 * mz**2 + mz**2 * mx**2)
        )

    def effective_field(self, m, field_tesla) -> np.ndarray:
        """mu0 H_eff = -(1/Ms) dE/dm in T, (..., 3) (module docstring)."""
        m = np.asarray(m, dtype=float)
        b = np.asarray(field_tesla, dtype=float)
        m2 = m**2
        u = self.ku_inplane_axis
        aniso = np.zeros(m.shape)
        aniso[..., 2] = (2.0 * self.ku / self.ms - MU0 * self.ms) * m[..., 2]
        aniso += (2.0 * self.ku_inplane / self.ms) * (m @ u)[..., None] * u
        cubic = m * (np.sum(m2, axis=-1, keepdims=True) - m2)  # m_i (m_j^2 + m_k^2)
        return b + aniso - (2.0 * self.kc / self.ms) * cubic

    def energy_hessian(self, m) -> np.ndarray:
        """Cartesian Hessian d^2E/dm_i dm_j in J/m^3, (..., 3, 3) (the Zeeman term is linear)."""
        m = np.asarray(m, dtype=float)
        m2 = m**2
        u = self.ku_inplane_axis
        hess = np.zeros((*m.shape[:-1], 3, 3))
        hess[..., 2, 2] = MU0 * self.ms**2 - 2.0 * self.ku
        hess -= 2.0 * self.ku_inplane * np.outer(u, u)
        # Kc: d^2/dm_i^2 = 2 (m_j^2 + m_k^2), d^2/dm_i dm_j = 4 m_i m_j
        cubic = 2.0 * m[..., :, None] * m[..., None, :]
        idx = np.arange(3)
        cubic[..., idx, idx] = np.sum(m2, axis=-1, keepdims=True) - m2
        return hess + 2.0 * self.kc * cubic

    def tangent_hessian(self, m, field_tesla) -> np.ndarray:
        """Hessian of E on the sphere at m in the frame :func:`local_frame`, (..., 2, 2), J/m^3.

        For the chart m(a, b) = (m + a e1 + b e2) / sqrt(1 + a^2 + b^2),
        d^2E/da_i da_j = e_i.(d^2E/dm^2).e_j - delta_ij m.dE/dm. At an equilibrium this is the
        curvature tensor of Smit & Beljers (1955), det = (E_tt E_pp - E_tp^2) / sin^2(theta).
        """
        m = np.asarray(m, dtype=float)
        e = np.stack(local_frame(m), axis=-1)  # (..., 3, 2)
        grad = -self.ms * self.effective_field(m, field_tesla)
        hess = np.swapaxes(e, -1, -2) @ self.energy_hessian(m) @ e
        return hess - np.sum(m * grad, axis=-1)[..., None, None] * np.eye(2)

    # ------------------------------------------------------------------ engine form
    def anisotropy_rates(self) -> tuple[float, float, float]:
        """(lambda_x, lambda_y, lambda_z) in rad/s for the dynamics engine's diagonal term.

        gamma mu0 H_eff = omega_h + lambda * m (elementwise) - cubic_rate m_i (m_j^2 + m_k^2),
        lambda_z = gamma (2 Ku / Ms - mu0 Ms); an in-plane easy axis along x (or y) adds
        gamma 2 Ku_ip / Ms to lambda_x (lambda_y). Other azimuths are not diagonal: ValueError.
        """
        lam = [0.0, 0.0, self.gamma * (2.0 * self.ku / self.ms - MU0 * self.ms)]
        if self.ku_inplane != 0.0:
            az = self.ku_inplane_azimuth_deg % 180.0
            if abs(az) < _AXIS_TOL_DEG or abs(az - 180.0) < _AXIS_TOL_DEG:
                axis = 0
            elif abs(az - 90.0) < _AXIS_TOL_DEG:
                axis = 1
            else:
                raise ValueError(
                    "anisotropy_rates: the engine's diagonal anisotropy needs the in-plane easy "
                    "axis along x or y (ku_inplane_azimuth_deg in {0, 90, 180, 270}), got "
                    f"{self.ku_inplane_azimuth_deg!r}"
                )
            lam[axis] += self.gamma * 2.0 * self.ku_inplane / self.ms
        return (lam[0], lam[1], lam[2])

    def cubic_rate(self) -> float:
        """gamma 2 Kc / Ms in rad/s: the engine's omega_i -= cubic m_i (m_j^2 + m_k^2)."""
        return self.gamma * 2.0 * self.kc / self.ms


def field_vector(magnitude_tesla, theta_h_deg, phi_h_deg=0.0) -> np.ndarray:
    """mu0 H (..., 3) in T from its magnitude (T), polar angle from the normal and azimuth (deg)."""
    b = np.asarray(finite("magnitude_tesla", magnitude_tesla), dtype=float)
    th = np.radians(finite("theta_h_deg", theta_h_deg))
    ph = np.radians(finite("phi_h_deg", phi_h_deg))
    return b[..., None] * np.stack(
        np.broadcast_arrays(np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)), axis=-1
    )


def angles_deg(m) -> tuple[np.ndarray, np.ndarray]:
    """(theta, phi) of m in degrees: polar from z in [0, 180], azimuth from x in (-180, 180]."""
    m = np.asarray(m, dtype=float)
    theta = np.degrees(np.arctan2(np.hypot(m[..., 0], m[..., 1]), m[..., 2]))
    return theta, np.degrees(np.arctan2(m[..., 1], m[..., 0]))


def local_frame(m) -> tuple[np.ndarray, np.ndarray]:
    """Right-handed transverse frame (e_theta, e_phi) of m, e_theta x e_phi = m, (..., 3) each.

    At the poles phi = 0 (e_theta = +-x, e_phi = y), so the frame is defined everywhere.
    """
    m = np.asarray(m, dtype=float)
    m = m / np.linalg.norm(m, axis=-1, keepdims=True)
    theta = np.arctan2(np.hypot(m[..., 0], m[..., 1]), m[..., 2])
    phi = np.arctan2(m[..., 1], m[..., 0])
    ct, st, cp, sp = np.cos(theta), np.sin(theta), np.cos(phi), np.sin(phi)
    e_theta = np.stack([ct * cp, ct * sp, -st], axis=-1)
    e_phi = np.stack([-sp, cp, np.zeros_like(sp)], axis=-1)
    return e_theta, e_phi
