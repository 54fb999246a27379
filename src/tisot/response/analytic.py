"""Closed-form response tensor K(q, omega) of the paper (Eq. 8, App. B).

K is the dimensionless 3x3 spin-spin tensor of Eq. (7), arranged as in Eq. (8)::

        | s_xx  s_xy   Q_y |
    K = | s_yx  s_yy  -Q_x |
        | Q_y   -Q_x   zeta|

All inputs are in model units (hbar = v = 1, energies in the model's unit E0): q is a wavevector
(..., 2) in E0/(hbar v), omega an angular frequency (...) in E0/hbar. K itself is dimensionless.

Implemented: Eqs. (B3a-d) for the conductivities, (B4a) for Q (Eq. 14 at leading order),
(B4b) for zeta (Eq. 15 at q = 0), sigma_0 and sigma_H from Eq. (9), and the rotated frame
(B5-B7). ``corrections=False`` keeps only the leading terms (drops every omega*tau_tr factor).
Misprints (B6c sign, B7's Q) are recorded in docs/theory-notes.md.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import finite
from ..model.surface import SurfaceModel


def _prepare(model: SurfaceModel, q, omega, check_regime: bool):
    q = finite("q", q)
    omega = finite("omega", omega)
    q = np.asarray(q, dtype=float)
    omega = np.asarray(omega, dtype=float)
    if q.shape[-1:] != (2,):
        raise ValueError(f"q must have shape (..., 2) = (q_x, q_y), got shape {q.shape}")
    if np.any(omega < 0):
        raise ValueError("omega must be >= 0 (K is defined with eps + hbar*omega above eps)")
    qabs = np.hypot(q[..., 0], q[..., 1])
    if np.any((qabs == 0) & (omega == 0)):
        raise ValueError(
            "K is singular at q = 0 and omega = 0 together (diffusion pole; the limits do not "
            "commute): give q > 0 or omega > 0"
        )
    if check_regime:
        model.check_regime(qabs, omega, stacklevel=4)
    return q, omega, qabs


def _direction(q, qabs):
    """Unit vector along q; any direction at q = 0 (all terms that use it vanish there)."""
    safe = np.where(qabs > 0, qabs, 1.0)
    c = np.where(qabs > 0, q[..., 0] / safe, 1.0)
    s = np.where(qabs > 0, q[..., 1] / safe, 0.0)
    return c, s


def diffusion_factor(model: SurfaceModel, qabs, omega):
    """P = D q^2 / (i omega - D q^2), the diffuson that multiplies the q-dependent terms."""
    dq2 = model.diffusion_constant * np.asarray(qabs) ** 2
    return dq2 / (1j * np.asarray(omega) - dq2)


def _coefficients(model: SurfaceModel):
    e, d, a = model.fermi_energy, model.delta_z, model.disorder
    return e, d, a, e * e, d * d


def analytic_response(
    model: SurfaceModel, q, omega, *, corrections: bool = True, check_regime: bool = True
) -> np.ndarray:
    """K(q, omega) of Eq. (8) from Eqs. (B3a-d), (B4a-b) and (9).

    Parameters
    ----------
    model
        the surface (its ``delta_z``, ``disorder``, ``fermi_energy`` enter).
    q
        wavevector(s), shape (..., 2), in E0/(hbar v); any direction.
    omega
        angular frequency (...), >= 0, in E0/hbar; broadcast against q[..., 0].
    corrections
        keep the O(omega tau_tr) terms of App. B (default) or only the leading ones.
    check_regime
        warn (``RegimeWarning``) when omega tau_tr or D q^2 tau_tr exceeds 0.1.

    Returns
    -------
    complex array (..., 3, 3)
    """
    q, omega, qabs = _prepare(model, q, omega, check_regime)
    e, d, a, e2, d2 = _coefficients(model)
    s0, sh, D, tau = model.sigma0, model.sigma_hall, model.diffusion_constant, model.transport_time
    c, s = _direction(q, qabs)
    P = diffusion_factor(model, qabs, omega)
    iwt = 1j * omega * tau if corrections else np.zeros_like(omega, dtype=complex)
    pa = math.pi * a
    A = (e2 + 2 * d2) / (e2 + d2)
    aniso = 3.0 * (c * c - s * s) / (2 * pa)

    sxx = s0 + P * (s * s * s0 - iwt * (2 * A / pa + aniso))  # (B3a)
    syy = s0 + P * (c * c * s0 - iwt * (2 * A / pa - aniso))  # (B3b)
    sym = P * (-c * s * s0 - iwt * 3 * c * s / pa)  # (B3c-d), symmetric part
    pole = 1j * omega - D * qabs**2
    qfac = d * 1j * D / pole * (1 + iwt * (e2 + 7 * d2) / (e2 + d2))  # (B4a), pole != 0
    Qx, Qy = qfac * q[..., 0], qfac * q[..., 1]
    X = (e2 - 5 * d2) / (e2 - d2)
    w2 = omega**2 * tau * X if corrections else 0.0
    zeta = (d2 / e) * (1 - iwt * X) / (pole + w2)  # (B4b)

    shape = np.broadcast_shapes(np.shape(sxx), np.shape(Qx), np.shape(zeta))
    K = np.empty((*shape, 3, 3), dtype=complex)
    K[..., 0, 0] = sxx
    K[..., 0, 1] = sym + sh
    K[..., 1, 0] = sym - sh
    K[..., 1, 1] = syy
    K[..., 0, 2] = K[..., 2, 0] = Qy
    K[..., 1, 2] = K[..., 2, 1] = -Qx
    K[..., 2, 2] = zeta
    return K


def rotation_matrix(q) -> np.ndarray:
    """U of Eq. (B5): columns q-hat, z-hat x q-hat, z-hat; K~ = U^T K U has x~ along q."""
    q = np.asarray(q, dtype=float)
    qabs = np.hypot(q[..., 0], q[..., 1])
    if np.any(qabs == 0):
        raise ValueError("rotation_matrix needs q != 0 (the direction of q defines the frame)")
    c, s = q[..., 0] / qabs, q[..., 1] / qabs
    U = np.zeros((*qabs.shape, 3, 3))
    U[..., 0, 0], U[..., 0, 1] = c, -s
    U[..., 1, 0], U[..., 1, 1] = s, c
    U[..., 2, 2] = 1.0
    return U


def rotated_response(
    model: SurfaceModel, q_parallel, omega, *, corrections: bool = True, check_regime: bool = True
) -> np.ndarray:
    """K~ of Eq. (B7) in the frame x~ || q, from Eqs. (B6a-c) and (B4a-b).

    With the sign of (B6c) corrected (sigma~_xy = -sigma~_yx = sigma_H, as B7 and Eq. 8 have it)
    and B7's off-diagonal entry read as -Q_parallel (Eq. 8 with Q along x~).
    """
    qp = np.asarray(q_parallel, dtype=float)
    q2d = np.stack([qp, np.zeros_like(qp)], axis=-1)
    _, omega, qabs = _prepare(model, q2d, omega, check_regime)
    e, d, a, e2, d2 = _coefficients(model)
    s0, sh, D, tau = model.sigma0, model.sigma_hall, model.diffusion_constant, model.transport_time
    P = diffusion_factor(model, qabs, omega)
    iwt = 1j * omega * tau if corrections else np.zeros_like(omega, dtype=complex)
    pa = math.pi * a
    sxx = s0 - P * iwt * (7 * e2 + 11 * d2) / (2 * pa * (e2 + d2))  # (B6a)
    syy = s0 + P * (s0 - iwt * (e2 + 5 * d2) / (2 * pa * (e2 + d2)))  # (B6b)
    pole = 1j * omega - D * qabs**2
    qpar = d * 1j * D * qp / pole * (1 + iwt * (e2 + 7 * d2) / (e2 + d2))  # (B4a)
    X = (e2 - 5 * d2) / (e2 - d2)
    w2 = omega**2 * tau * X if corrections else 0.0
    zeta = (d2 / e) * (1 - iwt * X) / (pole + w2)  # (B4b)
    shape = np.broadcast_shapes(np.shape(sxx), np.shape(qpar), np.shape(zeta))
    K = np.zeros((*shape, 3, 3), dtype=complex)
    K[..., 0, 0] = sxx
    K[..., 0, 1] = sh  # (B6c) corrected, (B7)
    K[..., 1, 0] = -sh
    K[..., 1, 1] = syy
    K[..., 1, 2] = K[..., 2, 1] = -qpar
    K[..., 2, 2] = zeta
    return K


def conductivity(K: np.ndarray) -> np.ndarray:
    """The physical conductivity tensor (e^2/h) from K's in-plane block: sigma = R K R^T.

    The current operator is j = e v (sigma x z) = e v (sigma_y, -sigma_x), so the current-current
    correlator is K rotated by 90 degrees about z: sigma_xx = K_yy, sigma_yy = K_xx,
    sigma_xy = -K_yx, sigma_yx = -K_xy. Eq. (8) names K's entries sigma_ij; the two agree for an
    isotropic tensor (q = 0) but not at finite q, where the *longitudinal* physical conductivity
    (the paper's sigma~_yy, Eq. B6b) carries the diffusion pole, as charge conservation demands.
    """
    K = np.asarray(K)
    return np.stack(
        [
            np.stack([K[..., 1, 1], -K[..., 1, 0]], axis=-1),
            np.stack([-K[..., 0, 1], K[..., 0, 0]], axis=-1),
        ],
        axis=-2,
    )


def torque_vector_Q(K: np.ndarray) -> np.ndarray:
    """Read Q = (Q_x, Q_y) back out of K (Eq. 8)."""
    return np.stack([-K[..., 1, 2], K[..., 0, 2]], axis=-1)
