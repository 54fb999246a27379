"""Torques on the FM magnetization from the surface electrons (Eqs. 2, 3, 4, 6, 16, 17).

All torques are rates dm/dt in 1/s (SI); m is a unit vector (..., 3), z the TI normal.

Convention: m is the direction of the Eq. (18) LLG equation, which damping relaxes towards +H,
and the electrons feel -Delta_sd m.sigma (Eq. 1). With Eq. (6)'s overall sign corrected
(:func:`spin_density`), Eqs. (2), (3), (4) and (16) then hold as printed, except for the factor
1/2 in Eq. (16) (see ``tisot.model.damping_prefactor`` and docs/theory-notes.md).
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import finite, positive
from ..constants import E_CHARGE, H_PLANCK
from ..model.coupling import (
    Coupling,
    damping_prefactor,
    diffusive_strength,
    fieldlike_coefficient,
)
from ..model.surface import SurfaceModel

Z_HAT = np.array([0.0, 0.0, 1.0])


def _unit(m) -> np.ndarray:
    m = np.asarray(finite("m", m), dtype=float)
    if m.shape[-1:] != (3,):
        raise ValueError(f"m must have shape (..., 3), got {m.shape}")
    norm = np.linalg.norm(m, axis=-1, keepdims=True)
    if np.any(norm == 0):
        raise ValueError("m must be nonzero (|m| > 0); it is normalised to a unit vector")
    return m / norm


def _in_plane3(v, name: str) -> np.ndarray:
    v = np.asarray(finite(name, v))
    if v.shape[-1:] != (2,):
        raise ValueError(f"{name} must have shape (..., 2) (in-plane x, y), got {v.shape}")
    return np.concatenate([v, np.zeros((*v.shape[:-1], 1), dtype=v.dtype)], axis=-1)


def spin_density(model: SurfaceModel, K, *, field=None, magnetization_rate=None) -> np.ndarray:
    """Nonequilibrium spin density s (1/m^2) from the response tensor, Eq. (6) with its sign corrected.

    .. math:: s = -(v^2 h)^{-1} K [e v (E x z) + Delta_sd dm/dt]

    (complex amplitudes; dm/dt = -i omega m). The paper prints the opposite overall sign, which
    with K_xx = +sigma0 would contradict the exact identity s_par = (z x J)/(e v) (text before
    Eq. 3); the relative sign of the two terms is fixed by gauge invariance (an in-plane m is a
    vector potential) and is as printed.

    Parameters
    ----------
    K
        dimensionless (..., 3, 3) tensor of Eq. (8), e.g. from ``tisot.response.response_tensor``.
    field
        in-plane E (..., 2) in V/m (complex amplitude), or None.
    magnetization_rate
        dm/dt (..., 3) in 1/s (complex amplitude), or None.
    """
    sc = model._require_scales("spin_density")
    v = sc.velocity
    K = np.asarray(K, dtype=complex)
    drive = np.zeros((*K.shape[:-2], 3), dtype=complex)
    if field is not None:
        E = np.asarray(finite("field", field), dtype=complex)
        drive = drive + E_CHARGE * v * np.cross(_in_plane3(E, "field"), Z_HAT)
    if magnetization_rate is not None:
        dm = np.asarray(finite("magnetization_rate", magnetization_rate), dtype=complex)
        drive = drive + model.exchange_energy * sc.energy * dm
    return -np.einsum("...ij,...j->...i", K, drive) / (v**2 * H_PLANCK)


def fieldlike_torque(m, current_density, model: SurfaceModel, coupling: Coupling) -> np.ndarray:
    """T_FL = (J_sd A / (hbar e v)) m x (z x J), Eq. (3).

    ``current_density`` is the sheet current J (..., 2) in A/m. Exact for any q, omega, disorder.
    """
    m = _unit(m)
    J = _in_plane3(current_density, "current_density")
    return fieldlike_coefficient(model, coupling) * np.cross(m, np.cross(Z_HAT, J))


def eq4_drive(
    strength: float,
    diffusion_constant: float,
    q,
    omega,
    field_amplitude,
    *,
    leakage_rate: float = 0.0,
    refuse_dc: bool = False,
) -> np.ndarray:
    """Complex amplitude f = eta i D q.E / (i omega - D q^2 - 1/tau_L), Eq. (4), in 1/s.

    The one definition of Eq. (4): :func:`diffusive_drive` (from a model) and
    ``tisot.drive.drive_amplitude`` (from a ``DiffusiveMedium``) both call it. ``strength`` eta
    in 1/(V s), ``diffusion_constant`` D in m^2/s (> 0), q in 1/m (..., 2), omega in rad/s
    (>= 0), E in V/m (..., 2) complex, ``leakage_rate`` 1/tau_L in 1/s (>= 0). Where q.E = 0
    (a q = 0 harmonic: a uniform field has no divergence) f = 0; ``refuse_dc`` instead raises
    at q = 0, omega = 0 without leakage, where f diverges as 1/q on the way there.
    """
    strength = finite("strength", strength, allow_array=False)
    D = positive("diffusion_constant", diffusion_constant)
    q = np.asarray(finite("q", q), dtype=float)
    E = np.asarray(finite("field_amplitude", field_amplitude), dtype=complex)
    omega = np.asarray(positive("omega", omega, strict=False), dtype=float)
    positive("leakage_rate", leakage_rate, strict=False)
    qE = q[..., 0] * E[..., 0] + q[..., 1] * E[..., 1]
    denom = 1j * omega - D * np.sum(q * q, axis=-1) - leakage_rate  # Eq. (4)
    if refuse_dc and np.any(denom == 0):
        raise ValueError("q = 0, omega = 0 and leakage_rate = 0 together: the dc drive diverges")
    safe = np.where(denom == 0, 1.0, denom)  # denom = 0 only at q = 0, where q.E = 0
    return np.where(qE == 0, 0.0, strength * 1j * D * qE / safe)


def diffusive_drive(
    model: SurfaceModel,
    coupling: Coupling,
    q,
    omega,
    field_amplitude,
    *,
    leakage_rate: float = 0.0,
) -> np.ndarray:
    """Complex amplitude f = eta i D q.E / (i omega - D q^2 - 1/tau_L), Eq. (4), in 1/s.

    For E(r, t) = Re[E_q exp(i q.r - i omega t)] the diffusive torque is Re[f e^{...}] m x m_perp.
    q in 1/m (..., 2), omega in rad/s (>= 0), E in V/m (..., 2): the *total* field on the
    surface (``tisot.drive.screening`` for the gate's screened one). ``leakage_rate`` 1/tau_L in
    1/s (>= 0) is the relaxation of the surface charge into the bulk or the gate. There is no
    dephasing rate: dephasing conserves particle number and cannot cut off this charge-diffusion
    pole, whatever the text after Eq. (4) says (docs/theory-notes.md); screening and leakage do.
    D (Eq. 9) and eta (Eq. 4) come from the model; the formula is :func:`eq4_drive`.
    """
    s = model._require_scales("diffusive_drive")
    D = model.diffusion_constant * s.diffusion
    eta = diffusive_strength(model, coupling)
    return eq4_drive(eta, D, q, omega, field_amplitude, leakage_rate=leakage_rate, refuse_dc=True)


def diffusive_torque(m, drive) -> np.ndarray:
    """T_diff = f m x m_perp with m_perp = m_z z, Eq. (4); ``drive`` is f (real, 1/s)."""
    m = _unit(m)
    m_perp = m[..., 2:3] * Z_HAT
    return np.asarray(drive)[..., None] * np.cross(m, m_perp)


def gilbert_torque(
    m, dm_dt, model: SurfaceModel, coupling: Coupling, *, hall: bool = True
) -> np.ndarray:
    """Anisotropic Gilbert damping of Eq. (16), in 1/s.

    T_GD = (J_sd^2 A S / (2 pi hbar^2 v^2)) m x (sigma0 dm_par/dt + (sigma_H/m_z) dm_par/dt x m_perp)

    The prefactor is half the printed J_sd^2 A S / (pi hbar^2 v^2) (``tisot.model.damping_prefactor``).

    sigma0 and sigma_H are evaluated at Delta_z = Delta_sd m_z of the given m (they depend on
    m_z^2); (sigma_H/m_z) dm_par x m_perp = sigma_H dm_par x z, regular at m_z = 0.
    There is no dm_z/dt term at all (Q(q = 0) = 0).
    """
    m = _unit(m)
    dm = np.asarray(finite("dm_dt", dm_dt), dtype=float)
    dm_par = dm * np.array([1.0, 1.0, 0.0])
    e, dsd, a = model.fermi_energy, model.exchange_energy, model.disorder
    dz = dsd * m[..., 2]
    s0 = (e**2 - dz**2) / (np.pi * a * (e**2 + 3 * dz**2))  # Eq. (9)
    sh = 8 * e * dz**3 / (e**2 + 3 * dz**2) ** 2  # Eq. (9)
    inner = s0[..., None] * dm_par
    if hall:
        inner = inner + sh[..., None] * np.cross(dm_par, Z_HAT)
    return damping_prefactor(model, coupling) * np.cross(m, inner)


def torque_ratio(
    model: SurfaceModel, q: float, omega: float | None = None, *, q_angle_deg: float = 0.0
) -> float:
    """|T_diff| / |T_FL| for one longitudinal gate harmonic (E || q), Eq. (17) and its corrections.

    ``q`` and ``omega`` in model units (E0/(hbar v), E0/hbar).

    * ``omega=None``: Eq. (17) **as printed**, (Delta_sd / hbar q v) / sigma0. It drops two
      factors: the current along q is diffusion-suppressed, and the geometry.
    * ``omega`` given (>= 0): the ratio the two torques (Eqs. 3 and 4) really have,

      (Delta_sd / hbar q v) / sigma0 x (D q^2 / omega) x |m x m_perp| / |m x (z x q^)|,

      since J = sigma E i omega / (i omega - D q^2) along q while f ~ D q / (i omega - D q^2)
      (infinite at omega = 0, where no steady current flows along q). m is the model's; q
      points at ``q_angle_deg`` from x. For m at 45 degrees the geometric factor lies between
      1/2 (q || m_par) and 1/sqrt(2) (q perp m_par). Screening multiplies f and J by the same
      factor (both act on the total field), so it leaves this ratio unchanged.
    """
    q = float(positive("q", q))
    printed = abs(model.exchange_energy) / q / model.sigma0  # Eq. (17)
    if omega is None:
        return printed
    omega = float(positive("omega", omega, strict=False))
    m = np.asarray(model.magnetization)
    a = np.radians(finite("q_angle_deg", q_angle_deg))
    qhat = np.array([np.cos(a), np.sin(a), 0.0])
    across = np.linalg.norm(np.cross(m, np.cross(Z_HAT, qhat)))
    geometry = abs(m[2]) * np.hypot(m[0], m[1]) / across if across > 0 else 0.0
    if geometry == 0:
        return 0.0
    if omega == 0:
        return math.inf
    return printed * model.diffusion_constant * q * q / omega * geometry
