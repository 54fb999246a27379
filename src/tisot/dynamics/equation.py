"""The equation of motion of the FM magnetization: Eq. (18) with the torques of Eqs. (3) and (16).

    dm/dt = omega_h x m                      precession gamma H x m                  (Eq. 2, 18)
          + f(t) m x m_perp                  diffusive torque, m_perp = m_z z         (Eq. 4, 18)
          + m x b(t)                         fieldlike torque, b = c z x J(t)         (Eq. 3)
          + alpha_g m x P_n dm/dt            anisotropic Gilbert damping, sigma0 term (Eq. 16, 18)
          + alpha_hall m x ((P_z dm/dt) x z) sigma_H term of Eq. (16)
          + alpha_iso m x dm/dt              ordinary isotropic damping of the FM

P_n = 1 - n n^T drops the component along the damping axis n (Eq. 18: n = z, so only the
in-plane dm_par/dt is damped; Eq. C2 of the paper writes n = H/|H|). In Eq. (16),
(sigma_H/m_z) dm_par/dt x m_perp = sigma_H dm_par/dt x z, regular at m_z = 0.

The damping terms contain dm/dt itself. Writing u = dm/dt and a for the explicit torques,

    u = a + [m]_x B u,   B = alpha_g P_n + alpha_iso 1 + alpha_hall C,   C u = (u_y, -u_x, 0),

so (1 - [m]_x B) u = a, a 3x3 linear system solved here in closed form (Cramer's rule with the
adjugate). For B symmetric positive semidefinite (alpha_hall = 0), [m]_x B is similar to the
skew matrix B^1/2 [m]_x B^1/2, so det(1 - [m]_x B) = 1 + lambda^2 >= 1: the system is never
singular. Since a and [m]_x B u are both perpendicular to m, so is u: |m| is conserved.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .batch import MacrospinBatch

TERMS = ("precession", "diffusive", "fieldlike", "damping", "hall", "isotropic")


@njit(cache=True, inline="always")
def solve_rate(mx, my, mz, ax, ay, az, g, hh, s, nx, ny, nz):
    """u = dm/dt from (1 - [m]_x B) u = a in closed form (see module docstring).

    g, hh, s: alpha_g, alpha_hall, alpha_iso; (nx, ny, nz): unit damping axis.
    """
    # B = g (1 - n n^T) + s 1 + hh C
    b00 = g * (1.0 - nx * nx) + s
    b11 = g * (1.0 - ny * ny) + s
    b22 = g * (1.0 - nz * nz) + s
    gxy = -g * nx * ny
    b01 = gxy + hh
    b10 = gxy - hh
    b02 = -g * nx * nz
    b20 = b02
    b12 = -g * ny * nz
    b21 = b12
    # A = 1 - [m]_x B, rows of [m]_x: (0, -mz, my), (mz, 0, -mx), (-my, mx, 0)
    a00 = 1.0 + mz * b10 - my * b20
    a01 = mz * b11 - my * b21
    a02 = mz * b12 - my * b22
    a10 = -mz * b00 + mx * b20
    a11 = 1.0 - mz * b01 + mx * b21
    a12 = -mz * b02 + mx * b22
    a20 = my * b00 - mx * b10
    a21 = my * b01 - mx * b11
    a22 = 1.0 + my * b02 - mx * b12
    # adjugate and determinant
    c00 = a11 * a22 - a12 * a21
    c01 = a02 * a21 - a01 * a22
    c02 = a01 * a12 - a02 * a11
    c10 = a12 * a20 - a10 * a22
    c11 = a00 * a22 - a02 * a20
    c12 = a02 * a10 - a00 * a12
    c20 = a10 * a21 - a11 * a20
    c21 = a01 * a20 - a00 * a21
    c22 = a00 * a11 - a01 * a10
    inv_det = 1.0 / (a00 * c00 + a01 * c10 + a02 * c20)
    ux = (c00 * ax + c01 * ay + c02 * az) * inv_det
    uy = (c10 * ax + c11 * ay + c12 * az) * inv_det
    uz = (c20 * ax + c21 * ay + c22 * az) * inv_det
    return ux, uy, uz


@njit(cache=True, inline="always")
def rate(mx, my, mz, wx, wy, wz, f, bx, by, bz, g, hh, s, nx, ny, nz):
    """dm/dt of Eq. (18) extended (module docstring) for one macrospin at one instant.

    (wx, wy, wz): omega_h (+ exchange field); f: diffusive drive f(t); (bx, by, bz): b(t).
    """
    fz = f * mz
    ax = wy * mz - wz * my + fz * my + my * bz - mz * by
    ay = wz * mx - wx * mz - fz * mx + mz * bx - mx * bz
    az = wx * my - wy * mx + mx * by - my * bx
    return solve_rate(mx, my, mz, ax, ay, az, g, hh, s, nx, ny, nz)


def _cross(a, b):
    return np.cross(a, b)


def explicit_torques(batch: MacrospinBatch, m, t) -> dict[str, np.ndarray]:
    """The explicit (dm/dt-free) terms of the right-hand side, each (N, 3), in the batch rate unit.

    Keys: ``precession`` (omega_h x m), ``diffusive`` (f m_z m x z), ``fieldlike`` (m x b).
    Exchange is not included (it needs the neighbours; see the kernels).
    """
    m = np.asarray(m, dtype=float)
    z = np.array([0.0, 0.0, 1.0])
    f = drive(batch, t)
    b = batch.fieldlike * np.cos(batch.omega * t + batch.fieldlike_phase)[:, None]
    return {
        "precession": _cross(batch.omega_h, m),
        "diffusive": (f * m[:, 2])[:, None] * _cross(m, z),
        "fieldlike": _cross(m, b),
    }


def damping_torques(batch: MacrospinBatch, m, dm_dt) -> dict[str, np.ndarray]:
    """The damping terms of Eqs. (16, 18) for a given dm/dt, each (N, 3).

    Keys: ``damping`` (alpha_g m x P_n dm/dt), ``hall`` (alpha_hall m x (P_z dm/dt x z)),
    ``isotropic`` (alpha_iso m x dm/dt).
    """
    m = np.asarray(m, dtype=float)
    u = np.asarray(dm_dt, dtype=float)
    n = batch.damping_axis
    u_perp_n = u - np.sum(u * n, axis=1, keepdims=True) * n
    u_par = u * np.array([1.0, 1.0, 0.0])
    z = np.array([0.0, 0.0, 1.0])
    return {
        "damping": batch.alpha_g[:, None] * _cross(m, u_perp_n),
        "hall": batch.alpha_hall[:, None] * _cross(m, _cross(u_par, z)),
        "isotropic": batch.alpha_iso[:, None] * _cross(m, u),
    }


def drive(batch: MacrospinBatch, t) -> np.ndarray:
    """f(t) = f0 cos(omega t + phase) + tabulated drive (linear interpolation, 0 outside), (N,)."""
    f = batch.f0 * np.cos(batch.omega * t + batch.phase)
    if batch.drive_samples is not None:
        tab = batch.drive_samples
        x = (t - batch.drive_t0) / batch.drive_dt
        nt = tab.shape[1]
        if 0.0 <= x <= nt - 1:
            k = min(int(x), nt - 2)
            w = x - k
            f = f + (1.0 - w) * tab[:, k] + w * tab[:, k + 1]
    return f


def dm_dt(batch: MacrospinBatch, m, t: float, *, terms=TERMS) -> np.ndarray:
    """dm/dt (N, 3) of the extended Eq. (18) at time ``t`` (numpy, for checks and solve_ivp).

    Parameters
    ----------
    batch
        the parameters (exchange, if any, is ignored here).
    m
        (N, 3) magnetization (unit vectors).
    t
        time in the batch time unit.
    terms
        which terms to keep, a subset of ``TERMS``; an unknown name raises ValueError.
    """
    terms = tuple(terms)
    unknown = sorted(set(terms) - set(TERMS))
    if unknown:
        raise ValueError(f"unknown term name(s) {unknown}; choose from {list(TERMS)}")
    m = np.asarray(m, dtype=float).reshape(batch.size, 3)
    explicit = explicit_torques(batch, m, t)
    a = sum(
        (explicit[k] for k in ("precession", "diffusive", "fieldlike") if k in terms),
        np.zeros_like(m),
    )
    g = batch.alpha_g if "damping" in terms else np.zeros(batch.size)
    hh = batch.alpha_hall if "hall" in terms else np.zeros(batch.size)
    s = batch.alpha_iso if "isotropic" in terms else np.zeros(batch.size)
    n = batch.damping_axis
    return np.stack(
        _solve_rate_array(
            m[:, 0],
            m[:, 1],
            m[:, 2],
            a[:, 0],
            a[:, 1],
            a[:, 2],
            g,
            hh,
            s,
            n[:, 0],
            n[:, 1],
            n[:, 2],
        ),
        axis=1,
    )


_solve_rate_array = solve_rate.py_func
