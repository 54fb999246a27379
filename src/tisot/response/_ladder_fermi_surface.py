"""The ladder at leading order in alpha, in closed form for any omega tau_tr and q ell.

For alpha -> 0 at fixed omega tau_tr and q ell (omega ~ alpha eps, q ~ alpha k_F) the product
G^R_{p+q/2}(eps+omega) G^A_{p-q/2}(eps) of Eq. (12) is dominated by the Fermi surface. There
G^R ~ P(t) / (omega - xi - v_F q_u/2 + i Gamma), with P(t) = (1 + n.sigma)/2 the projector on the
upper Dirac band at k_F (direction t), n = (-k_F sin t, k_F cos t, -Delta_z)/eps, v_F = k_F/eps,
Gamma = pi alpha (eps^2 + Delta_z^2)/(2 eps) (Im of Eq. 10's denominator over 2 eps), and the
density of states eps/(2 pi). The xi integral gives 2 pi / (2 Gamma - i omega + i v_F q_u):

    M_ab = eps Int dt/(2 pi) Tr[s_a P(t) s_b P(t)] / (A + i B cos(t - phi)),
    A = 2 Gamma - i omega,  B = v_F |q|,  phi = direction of q,

and Tr[s_a P s_b P] is a trigonometric polynomial of degree 2, so with
Int dt/(2 pi) e^{i m t}/(A + i B cos t) = w^|m| / sqrt(A^2 + B^2), w = -i B/(A + sqrt(A^2 + B^2)),
M is closed-form (a Boltzmann-level result: no alpha ln(p_c/eps), no O(alpha^0) Hall terms).
At q = omega = 0 it is (B1b) without its pi alpha eps Delta_z entries, and it keeps the Ward
identity exactly. It is the independent check of the numerical ladder in the ballistic regime.
"""

from __future__ import annotations

import math

import numpy as np

from ._ladder_kernel import PAULI, TRACE4

#: Samples of the angle for the Fourier coefficients of Tr[s_a P s_b P] (degree 2: 8 is exact).
_T = 2 * math.pi * np.arange(8) / 8


def _trace_harmonics(eps: float, delta_z: float) -> np.ndarray:
    """c[m + 2, a, b], m = -2..2: Tr[s_a P(t) s_b P(t)] = sum_m c_m e^{i m t}."""
    kf = math.sqrt(eps * eps - delta_z * delta_z)
    N = np.zeros((_T.size, 4), dtype=complex)  # P = N_mu sigma_mu / 2
    N[:, 0] = 1.0
    N[:, 1] = -kf * np.sin(_T) / eps
    N[:, 2] = kf * np.cos(_T) / eps
    N[:, 3] = -delta_z / eps
    T = np.einsum("ambn,km,kn->kab", TRACE4, N, N) / 4
    m = np.arange(-2, 3)
    return np.einsum("mk,kab->mab", np.exp(-1j * np.outer(m, _T)), T) / _T.size


def fermi_surface_kernel(eps: float, delta_z: float, alpha: float, q, omega) -> np.ndarray:
    """M_ab (..., 4, 4) at leading order in alpha (module docstring); q (..., 2), omega (...)."""
    q = np.asarray(q, dtype=float)
    omega = np.asarray(omega, dtype=complex)
    kf = math.sqrt(eps * eps - delta_z * delta_z)
    gamma = math.pi * alpha * (eps * eps + delta_z * delta_z) / (2 * eps)
    A = 2 * gamma - 1j * omega
    B = (kf / eps) * np.hypot(q[..., 0], q[..., 1])
    phi = np.arctan2(q[..., 1], q[..., 0])
    root = np.sqrt(A * A + B * B)
    w = -1j * B / (A + root)
    c = _trace_harmonics(eps, delta_z)
    M = np.zeros((*np.broadcast_shapes(A.shape, B.shape), 4, 4), dtype=complex)
    for m in range(-2, 3):
        factor = np.exp(1j * m * phi) * w ** abs(m) / root
        M += factor[..., None, None] * c[m + 2]
    return eps * M


def fermi_surface_response(eps: float, delta_z: float, alpha: float, q, omega) -> np.ndarray:
    """K (..., 3, 3) = spin block of M [1 - pi alpha M]^-1 (Eq. 13) with the kernel above."""
    M = fermi_surface_kernel(eps, delta_z, alpha, q, omega)
    K = M @ np.linalg.inv(np.eye(4) - math.pi * alpha * M)
    return K[..., 1:, 1:]


__all__ = ["PAULI", "fermi_surface_kernel", "fermi_surface_response"]
