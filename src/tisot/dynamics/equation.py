"""The equation of motion of the FM magnetization: Eq. (18) with the torques of Eqs. (3) and (16).

    dm/dt = omega_eff(m) x m                 precession gamma H_eff x m              (Eq. 2, 18)
          + f(t) m x m_perp                  diffusive torque, m_perp = m_z z         (Eq. 4, 18)
          + m x b(t)                         fieldlike torque, b = c z x J(t)         (Eq. 3)
          + alpha_g m x P_n dm/dt            anisotropic Gilbert damping, sigma0 term (Eq. 16, 18)
          + alpha_hall m x ((P_z dm/dt) x z) sigma_H term of Eq. (16)
          + alpha_iso m x dm/dt              ordinary isotropic damping of the FM

The effective field (rate units, gamma mu0 H_eff) is the applied field plus the magnet's own,
omega_eff = -dE/dm with the energy density (in the same rate units)

    E(m) = -omega_h . m - (1/2) sum_i a_i m_i^2 + (c/2) (mx^2 my^2 + my^2 mz^2 + mz^2 mx^2),
    omega_eff,i = omega_h,i + a_i m_i - c m_i (m_j^2 + m_k^2)   ({i, j, k} = {x, y, z})  (M1)

(a = ``anisotropy``: a_z = gamma (2 Ku/Ms - mu0 Ms) for a film with normal z, Kittel's shape
plus uniaxial anisotropy; c = ``cubic`` = gamma 2 K1 / Ms; Landau & Lifshitz, ECM vol. 8,
Sec. 39-40), plus, on a grid, the exchange J Lap(m) and the k != 0 dipolar field of
:class:`~tisot.dynamics.batch.DipolarKernel` (Eq. D2 there). Without damping and drive E is
conserved (dE/dt = -omega_eff . dm/dt = 0); the damping terms below lower it:
dE/dt = -alpha_g |P_n dm/dt|^2 - alpha_iso |dm/dt|^2 (for alpha_hall = 0).

P_n = 1 - n n^T drops the component along the damping axis n (Eq. 18: n = z, so only the
in-plane dm_par/dt is damped; Eq. C2 of the paper writes n = H/|H|). In Eq. (16),
(sigma_H/m_z) dm_par/dt x m_perp = sigma_H dm_par/dt x z, regular at m_z = 0.

The damping terms contain dm/dt itself. Writing u = dm/dt and a for the explicit torques
(all of the form m x something, so a . m = 0), the 3x3 linear system

    u = a + g m x (u - n (n.u)) + h m x (u x z) + s m x u        (g, h, s = alpha_g, _hall, _iso)

is solved in closed form (``solve_rate``), exactly for any |m|:

1. m . u = m . a = 0, so m x (u x z) = m_z u: the sigma_H term of Eq. (16) only rescales the
   rate, u = lam (a + ...), lam = 1/(1 - h m_z). (It is not a damping: it renormalises gamma
   and every torque by the same factor.) Replace a, g, s by lam a, lam g, lam s.
2. With beta = g + s and c = a - g nu (m x n), nu = n . u: u - beta m x u = c, c . m = 0,
   whose solution is u = (c + beta m x c) / (1 + beta^2 |m|^2).
3. Projecting on n: nu = (n.a + beta n.(m x a)) / (1 + beta s |m|^2 + beta g (m.n)^2).

The denominators are >= 1 for g, s >= 0 and |h m_z| < 1, so the system is never singular.
tests/dynamics/test_dynamics_equation.py checks the formula against numpy.linalg.solve of the explicit
3x3 matrix 1 - [m]_x B and against tisot.torques.gilbert_torque.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .batch import TERMS, MacrospinBatch


@njit(cache=True, error_model="numpy", inline="always")
def solve_rate(mx, my, mz, ax, ay, az, g, hh, s, nx, ny, nz):
    """u = dm/dt solving u = a + g m x P_n u + hh m x (u x z) + s m x u in closed form.

    g, hh, s: alpha_g, alpha_hall, alpha_iso; (nx, ny, nz): unit damping axis n. a must be
    perpendicular to m (it is: every explicit torque is m x something). Derivation in the
    module docstring; exact for any |m| (RK stages leave the sphere slightly).
    """
    # Hall term: m x (u x z) = m_z u (u . m = 0), a rescaling by lam = 1 / L, L = 1 - hh m_z.
    # Steps 2-3 of the module docstring with a, g, s scaled by 1/L and multiplied out, so that a
    # single division serves both denominators (D_nu = L^2 d_nu, D_u = L^2 d_u):
    #   nu = n.(L a + G m x a) / D_nu,  u = (L c + G m x c) / D_u,  c = a - g nu (m x n),
    #   D_nu = L^2 + G (s |m|^2 + g (m.n)^2),  D_u = L^2 + G^2 |m|^2,  G = g + s.
    el = 1.0 - hh * mz
    big_g = g + s
    m2 = mx * mx + my * my + mz * mz
    mn = mx * nx + my * ny + mz * nz
    pax = my * az - mz * ay  # m x a
    pay = mz * ax - mx * az
    paz = mx * ay - my * ax
    el2 = el * el
    d_nu = el2 + big_g * (s * m2 + g * mn * mn)
    d_u = el2 + big_g * big_g * m2
    r = 1.0 / (d_nu * d_u)  # one division for both denominators
    nu = (
        nx * (el * ax + big_g * pax) + ny * (el * ay + big_g * pay) + nz * (el * az + big_g * paz)
    ) * (d_u * r)
    gnu = g * nu
    cx = ax - gnu * (my * nz - mz * ny)
    cy = ay - gnu * (mz * nx - mx * nz)
    cz = az - gnu * (mx * ny - my * nx)
    inv = d_nu * r
    ux = (el * cx + big_g * (my * cz - mz * cy)) * inv
    uy = (el * cy + big_g * (mz * cx - mx * cz)) * inv
    uz = (el * cz + big_g * (mx * cy - my * cx)) * inv
    return ux, uy, uz


@njit(cache=True, error_model="numpy", inline="always")
def rate(mx, my, mz, wx, wy, wz, kx, ky, kz, kc, f, bx, by, bz, g, hh, s, nx, ny, nz):
    """dm/dt of Eq. (18) extended (module docstring) for one macrospin at one instant.

    (wx, wy, wz): omega_h (+ exchange and dipolar fields); (kx, ky, kz), kc: the anisotropy and
    cubic rates of Eq. (M1); f: diffusive drive f(t); (bx, by, bz): b(t).
    """
    # omega_eff of Eq. (M1)
    x2 = mx * mx
    y2 = my * my
    z2 = mz * mz
    wx = wx + (kx - kc * (y2 + z2)) * mx
    wy = wy + (ky - kc * (z2 + x2)) * my
    wz = wz + (kz - kc * (x2 + y2)) * mz
    fz = f * mz
    ax = wy * mz - wz * my + fz * my + my * bz - mz * by
    ay = wz * mx - wx * mz - fz * mx + mz * bx - mx * bz
    az = wx * my - wy * mx + mx * by - my * bx
    return solve_rate(mx, my, mz, ax, ay, az, g, hh, s, nx, ny, nz)


def _cross(a, b):
    return np.cross(a, b)


def explicit_torques(batch: MacrospinBatch, m, t) -> dict[str, np.ndarray]:
    """The explicit (dm/dt-free) terms of the right-hand side, each (N, 3), in the batch rate unit.

    Keys: ``precession`` (omega_h x m), ``anisotropy`` (omega_a(m) x m, Eq. M1 without
    omega_h), ``dipolar`` (h_dip(m) x m, Eq. D2 of DipolarKernel, by FFT; zero without a
    kernel), ``diffusive`` (f m_z m x z), ``fieldlike`` (m x b). Exchange is not included (it
    needs the neighbours; see the kernels).
    """
    m = np.asarray(m, dtype=float)
    z = np.array([0.0, 0.0, 1.0])
    f = drive(batch, t)
    b = batch.fieldlike * np.cos(batch.omega * t + batch.fieldlike_phase)[:, None]
    sq = m * m
    others = sq.sum(axis=1, keepdims=True) - sq  # m_j^2 + m_k^2, written independently of rate()
    omega_a = batch.anisotropy * m - batch.cubic[:, None] * m * others
    h_dip = np.zeros_like(m) if batch.dipolar is None else batch.dipolar.field(m)
    return {
        "precession": _cross(batch.omega_h, m),
        "anisotropy": _cross(omega_a, m),
        "dipolar": _cross(h_dip, m),
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
        the parameters (exchange, if any, is ignored here; the dipolar kernel is applied by FFT).
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
        (
            explicit[k]
            for k in ("precession", "anisotropy", "dipolar", "diffusive", "fieldlike")
            if k in terms
        ),
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


def energy(batch: MacrospinBatch, m) -> np.ndarray:
    """E(m) of Eq. (M1) per trajectory (batch rate unit): Zeeman, anisotropy and cubic terms.

    ``m``: (N, 3) or (N, ..., 3) (e.g. ``simulate(...).m``, (N, time, 3)); returns m's shape
    without the last axis. omega_eff = -dE/dm; exchange and dipolar energies are not included.
    """
    m = np.asarray(m, dtype=float)
    if m.ndim < 2 or m.shape[0] != batch.size or m.shape[-1] != 3:
        raise ValueError(f"m must have shape (N, ..., 3) with N = {batch.size}, got {m.shape}")
    lead = (batch.size,) + (1,) * (m.ndim - 2)
    w = batch.omega_h.reshape(*lead, 3)
    a = batch.anisotropy.reshape(*lead, 3)
    c = batch.cubic.reshape(lead)
    sq = m * m
    pairs = sq[..., 0] * sq[..., 1] + sq[..., 1] * sq[..., 2] + sq[..., 2] * sq[..., 0]
    return -np.sum(w * m, axis=-1) - 0.5 * np.sum(a * sq, axis=-1) + 0.5 * c * pairs
