"""Chebyshev (kernel polynomial) expansions of the Kubo-Bastin conductivity and the DOS.

Reference: Garcia, Covaci, Rappoport, PRL 114, 116602 (2015), Eqs. (3)-(5) (Kubo-Bastin with the
Fermi sea, T = 0), and Weisse et al., Rev. Mod. Phys. 78, 275 (2006), Eq. (71) (Jackson kernel).
With H~ = (H - b)/a in [-1, 1] and mu_nm = g_n g_m Tr[v_a T_m(H~) v_b T_n(H~)] / ((1 + d_n0)(1 + d_m0)):

    sigma_ab(mu) / (e^2/h) = (8 / (Omega a^2)) Int_{-1}^{mu~} de F(e) / (1 - e^2)^2,
    F(e) = sum_nm mu_nm [(e - i n s) e^{i n th} T_m(e) + (e + i m s) e^{-i m th} T_n(e)],

e = cos th, s = sin th (hbar = v = 1, e^2/h = e^2 / 2 pi hbar). The symmetric part at the Fermi
energy is also given by Kubo-Greenwood, sigma_aa = (2 pi^2/Omega) Tr[v_a d(mu - H) v_a d(mu - H)]
(a cross-check of the two formulas, tested).
"""

from __future__ import annotations

import math

import numpy as np


def jackson(n_moments: int) -> np.ndarray:
    """Jackson kernel g_n, n = 0..N-1 (Weisse et al. 2006, Eq. 71)."""
    N = n_moments
    n = np.arange(N)
    q = math.pi / (N + 1)
    return ((N - n + 1) * np.cos(q * n) + np.sin(q * n) / math.tan(q)) / (N + 1)


def jackson_resolution(n_moments: int, half_width: float) -> float:
    """Energy resolution (standard deviation of the Jackson kernel at the band centre), E0."""
    return math.pi * half_width / n_moments


def chebyshev_vectors(apply, start: np.ndarray, n_moments: int, scale, shift) -> np.ndarray:
    """T_n(H~) start for n < n_moments (H~ = (H - shift)/scale); ``apply(psi) = H psi``.

    ``start`` (k, ...) holds k vectors; returns (n_moments, k, ...). Recursion
    T_{n+1} = 2 H~ T_n - T_{n-1}.
    """
    out = np.empty((n_moments, *start.shape), dtype=complex)
    out[0] = start
    if n_moments > 1:
        out[1] = (apply(start) - shift * start) / scale
    for n in range(2, n_moments):
        out[n] = 2 * (apply(out[n - 1]) - shift * out[n - 1]) / scale - out[n - 2]
    return out


def bastin(mu_nm: np.ndarray, fermi: float, scale: float, shift: float, area: float, points=None):
    """sigma_ab(mu) in e^2/h from raw moments Tr[v_a T_m v_b T_n] (array [m, n]), module docstring.

    ``mu_nm[m, n]`` without the kernel; ``fermi`` in E0. The energy integral runs over
    th in (th_mu, pi) on ``points`` midpoints (default 4N), e = cos th.
    """
    N = mu_nm.shape[0]
    g = jackson(N)
    norm = g / np.where(np.arange(N) == 0, 2.0, 1.0)
    G = (mu_nm * norm[:, None] * norm[None, :]).T  # G[n, m] = mu_nm of Garcia et al.
    e_f = (fermi - shift) / scale
    if not -1 < e_f < 1:
        raise ValueError("the Fermi energy lies outside the spectral bounds")
    th_f = math.acos(e_f)
    K = points or 4 * N
    th = th_f + (math.pi - th_f) * (np.arange(K) + 0.5) / K
    e, s = np.cos(th), np.sin(th)
    n = np.arange(N)
    T = np.cos(np.outer(th, n))  # T_n(cos th)
    A = (e[:, None] - 1j * n[None, :] * s[:, None]) * np.exp(1j * np.outer(th, n))
    # F = sum_nm G_nm [A_n T_m + conj(A_m) T_n]
    F = np.sum((A @ G) * T, axis=1) + np.sum((T @ G) * np.conj(A), axis=1)
    integrand = F / s**3  # de / (1 - e^2)^2 = s dth / s^4
    integral = np.sum(integrand) * (math.pi - th_f) / K
    return 8 * integral / (area * scale**2)


def delta_coefficients(n_moments: int, fermi: float, scale: float, shift: float) -> np.ndarray:
    """c_n with d(E - H) = sum_n c_n T_n(H~) (Jackson-damped; Weisse et al. 2006, Eq. 80)."""
    e = (fermi - shift) / scale
    n = np.arange(n_moments)
    c = jackson(n_moments) * np.where(n == 0, 1.0, 2.0) * np.cos(n * math.acos(e))
    return c / (math.pi * scale * math.sqrt(1 - e * e))


def kubo_greenwood(mu_nm: np.ndarray, fermi: float, scale: float, shift: float, area: float):
    """sigma_aa(mu) = (2 pi^2 / Omega) Tr[v_a d(mu - H) v_a d(mu - H)] in e^2/h (symmetric part).

    From the raw moments Tr[v_a T_m v_a T_n] (array [m, n]).
    """
    c = delta_coefficients(mu_nm.shape[0], fermi, scale, shift)
    return 2 * math.pi**2 * (c @ mu_nm @ c) / area


def density_of_states(mu_n: np.ndarray, energy, scale: float, shift: float, area: float):
    """nu(E) = Tr d(E - H) / Omega, from raw moments mu_n = Tr T_n(H~) (per area, per E0)."""
    N = mu_n.shape[0]
    e = (np.asarray(energy, dtype=float) - shift) / scale
    n = np.arange(N)
    c = jackson(N) * np.where(n == 0, 1.0, 2.0) * mu_n
    T = np.cos(np.multiply.outer(np.arccos(e), n))
    return (T @ c).real / (math.pi * scale * np.sqrt(1 - e * e) * area)
