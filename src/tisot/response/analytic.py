"""Closed-form response tensor K(q, omega) of the paper (Eq. 8, App. B).

K is the dimensionless 3x3 spin-spin tensor of Eq. (7), arranged as in Eq. (8)::

        | s_xx  s_xy   Q_y |
    K = | s_yx  s_yy  -Q_x |
        | Q_y   -Q_x   zeta|

All inputs are in model units (hbar = v = 1, energies in the model's unit E0): q is a wavevector
(..., 2) in E0/(hbar v), omega an angular frequency (...) in E0/hbar. K itself is dimensionless.

Implemented: the leading order (Eqs. 9, 14, 15 and the diffusion-pole structure of B3), App. B's
first-order terms as printed (Eqs. B3a-d, B4a-b, B5-B7: ``corrections="paper"``), and the first
order that the exact ladder actually has (``corrections="corrected"``, the default). zeta carries
the ladder's sign, opposite to Eqs. (15)/(B4b). Misprints (zeta's sign, the O(omega tau_tr) terms,
B6c's sign, B7's Q) are recorded with their evidence in docs/theory-notes.md.
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


CORRECTIONS = ("corrected", "paper", "leading")


def _resolve_corrections(corrections) -> str:
    if corrections is True:
        return "corrected"
    if corrections is False or corrections is None:
        return "leading"
    if corrections in CORRECTIONS:
        return corrections
    raise ValueError(
        f"corrections must be one of {CORRECTIONS} (or True/False), got {corrections!r}"
    )


def analytic_response(
    model: SurfaceModel,
    q,
    omega,
    *,
    corrections: str | bool = "corrected",
    check_regime: bool = True,
) -> np.ndarray:
    """K(q, omega) of Eq. (8) in closed form: Eqs. (9), (14), (15) and App. B.

    Parameters
    ----------
    model
        the surface (its ``delta_z``, ``disorder``, ``fermi_energy`` enter).
    q
        wavevector(s), shape (..., 2), in E0/(hbar v); any direction.
    omega
        angular frequency (...), >= 0, in E0/hbar; broadcast against q[..., 0].
    corrections
        the O(omega tau_tr, D q^2 tau_tr) terms:

        * ``"corrected"`` (default, also ``True``): the first order of the noncrossing ladder
          (Fermi-surface closed form, checked against the numerically exact ladder; see
          docs/theory-notes.md), which App. B gets wrong;
        * ``"paper"``: Eqs. (B3a-d), (B4a-b) as printed;
        * ``"leading"`` (also ``False``): leading order only.

        In every variant zeta has the sign of the ladder, opposite to Eqs. (15) and (B4b).
    check_regime
        warn (``RegimeWarning``) when omega tau_tr or D q^2 tau_tr exceeds 0.1.

    Returns
    -------
    complex array (..., 3, 3)
    """
    kind = _resolve_corrections(corrections)
    q, omega, qabs = _prepare(model, q, omega, check_regime)
    if kind == "corrected":
        return _corrected_response(model, q, omega, qabs)
    e, d, a, e2, d2 = _coefficients(model)
    s0, sh, D, tau = model.sigma0, model.sigma_hall, model.diffusion_constant, model.transport_time
    c, s = _direction(q, qabs)
    P = diffusion_factor(model, qabs, omega)
    paper = kind == "paper"
    iwt = 1j * omega * tau if paper else np.zeros_like(omega, dtype=complex)
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
    w2 = omega**2 * tau * X if paper else 0.0
    zeta = -(d2 / e) * (1 - iwt * X) / (pole + w2)  # (B4b), sign corrected (theory notes)

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


def _corrected_response(model: SurfaceModel, q, omega, qabs) -> np.ndarray:
    """Leading order times the ladder's first-order factors, built with x~ along q, rotated back.

    With X = eps^2 - Dz^2, Y = eps^2 + 3 Dz^2, S = eps^2 + Dz^2 and
    c = (Y D q^2 - 4 i S omega) / (2 X (D q^2 - i omega)) (docs/theory-notes.md, ladder section):
    K~_xx = sigma0 (1 + 2 i omega tau S/X - D q^2 tau Y/(2X)) (Drude at q = 0),
    K~_yy = sigma0 i omega/(i omega - D q^2) (1 + i omega tau c), Q likewise (Eq. 14),
    zeta = Dz^2/(eps (D q^2 - i omega)) (1 + D q^2 tau c), K~_xy = -K~_yx = sigma_H (Eq. 9).
    """
    e, d, _, e2, d2 = _coefficients(model)
    s0, sh, D, tau = model.sigma0, model.sigma_hall, model.diffusion_constant, model.transport_time
    X, Y, S = e2 - d2, e2 + 3 * d2, e2 + d2
    dq2 = D * qabs**2
    pole = 1j * omega - dq2  # != 0 (checked in _prepare)
    first = (Y * dq2 - 4j * S * omega) / (2 * X * (dq2 - 1j * omega))
    f_xx = 1 + 2j * omega * tau * S / X - dq2 * tau * Y / (2 * X)
    f_yy = 1 + 1j * omega * tau * first
    q_par = d * 1j * D * qabs / pole * f_yy  # Eq. (14) with its first order
    shape = np.broadcast_shapes(np.shape(f_xx), np.shape(q_par))
    Kt = np.zeros((*shape, 3, 3), dtype=complex)
    Kt[..., 0, 0] = s0 * f_xx
    Kt[..., 1, 1] = s0 * 1j * omega / pole * f_yy
    Kt[..., 0, 1] = sh
    Kt[..., 1, 0] = -sh
    Kt[..., 1, 2] = Kt[..., 2, 1] = -q_par
    Kt[..., 2, 2] = -(d2 / e) / pole * (1 + dq2 * tau * first)
    c, s = _direction(q, qabs)
    U = np.zeros((*np.shape(c), 3, 3))
    U[..., 0, 0], U[..., 0, 1], U[..., 1, 0], U[..., 1, 1], U[..., 2, 2] = c, -s, s, c, 1.0
    return U @ Kt @ np.swapaxes(U, -1, -2)


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
    """K~ of Eq. (B7) in the frame x~ || q, from Eqs. (B6a-c) and (B4a-b) as printed.

    ``corrections`` keeps App. B's O(omega tau_tr) terms (the paper's, compare
    ``analytic_response(..., corrections="paper")``) or drops them. With the sign of (B6c) corrected (sigma~_xy = -sigma~_yx = sigma_H, as B7 and Eq. 8 have it)
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
    zeta = -(d2 / e) * (1 - iwt * X) / (pole + w2)  # (B4b), sign corrected
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
