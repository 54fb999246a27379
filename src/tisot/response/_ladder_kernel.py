"""Hot loop of the exact ladder: the momentum integral of Eq. (12), radial part in closed form.

For p = r (cos t, sin t), the two Green's functions of Eq. (12) (energy E+omega, momentum p+q/2,
retarded; energy E, momentum p-q/2, advanced; both of the form of Eq. 10) have denominators

    z_R - |p + q/2|^2 = -(r - r1)(r - r2),      z_A - |p - q/2|^2 = -(r - r3)(r - r4),
    r_{1,2} = -q_u/2 +- sqrt(z_R - q_perp^2/4),  r_{3,4} = q_u/2 +- sqrt(z_A - q_perp^2/4),

(q_u = q.u, q_perp^2 = q^2 - q_u^2, u = (cos t, sin t)), and numerators linear in r. At fixed t the
radial integrals are therefore done exactly by partial fractions,

    I_m(t) = Int_0^{p_c} r^m dr / prod_i (r - r_i) = sum_i r_i^m [log(p_c - r_i) - log(-r_i)]
                                                     / prod_{j != i} (r_i - r_j),   m = 1, 2, 3,

(no root lies on the real axis while Im z_R > 0 > Im z_A, so the principal logs are continuous
along [0, p_c]). What is left is a smooth periodic function of t, integrated by the trapezoidal
rule, which converges exponentially; the caller doubles the number of angles until the result
stops changing. Only six angular moments are needed (see ``MOMENTS``).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

#: The angular moments the kernel returns, in order: Int dt f(t) I_m(t) for (f, m).
MOMENTS = (("1", 1), ("cos", 2), ("sin", 2), ("cos^2", 3), ("sin^2", 3), ("cos sin", 3))


@nb.njit(cache=True, fastmath=False)
def _radial(z_r, z_a, qu, qperp2, cutoff):
    """(I_1, I_2, I_3) at one angle: exact radial integrals by partial fractions."""
    w_r = np.sqrt(z_r - 0.25 * qperp2)
    w_a = np.sqrt(z_a - 0.25 * qperp2)
    h = 0.5 * qu
    r0 = -h + w_r
    r1 = -h - w_r
    r2 = h + w_a
    r3 = h - w_a
    roots = (r0, r1, r2, r3)
    i1 = 0j
    i2 = 0j
    i3 = 0j
    for i in range(4):
        ri = roots[i]
        den = 1.0 + 0j
        for j in range(4):
            if j != i:
                den *= ri - roots[j]
        c = (np.log(cutoff - ri) - np.log(-ri)) / den
        i1 += c * ri
        i2 += c * ri * ri
        i3 += c * ri * ri * ri
    return i1, i2, i3


@nb.njit(cache=True)
def _point_sums(z_r, z_a, qx, qy, cutoff, n, shift, out):
    """Add the six moment sums of one point to ``out`` (length 6); nodes aligned with q."""
    q2 = qx * qx + qy * qy
    phi = math.atan2(qy, qx)
    s0 = s1 = s2 = s3 = s4 = s5 = 0j
    for j in range(n):
        t = phi + 2.0 * math.pi * (j + shift) / n
        c = math.cos(t)
        s = math.sin(t)
        qu = qx * c + qy * s
        i1, i2, i3 = _radial(z_r, z_a, qu, max(q2 - qu * qu, 0.0), cutoff)
        s0 += i1
        s1 += c * i2
        s2 += s * i2
        s3 += c * c * i3
        s4 += s * s * i3
        s5 += c * s * i3
    out[0] += s0
    out[1] += s1
    out[2] += s2
    out[3] += s3
    out[4] += s4
    out[5] += s5


@nb.njit(cache=True, parallel=True)
def _angular_sums_parallel(z_r, z_a, qx, qy, cutoff, n, shift, out):
    for k in nb.prange(z_r.shape[0]):
        _point_sums(z_r[k], z_a[k], qx[k], qy[k], cutoff, n, shift, out[k])


@nb.njit(cache=True)
def _angular_sums_serial(z_r, z_a, qx, qy, cutoff, n, shift, out):
    for k in range(z_r.shape[0]):
        _point_sums(z_r[k], z_a[k], qx[k], qy[k], cutoff, n, shift, out[k])


#: Below this many points the serial kernel wins (thread start-up costs more than the work).
PARALLEL_MIN_POINTS = 256


def angular_sums(z_r, z_a, qx, qy, cutoff, n, shift, out):
    """Add to ``out[k, :]`` the sums over t_j = phi_k + 2 pi (j + shift)/n of the six moments.

    z_r, z_a, qx, qy: arrays over points k (phi_k is the direction of q_k; nodes aligned with q).
    The trapezoidal rule is (2 pi / n) times these sums. Threads for many points, serial else.
    """
    kernel = _angular_sums_parallel if z_r.shape[0] >= PARALLEL_MIN_POINTS else _angular_sums_serial
    kernel(z_r, z_a, qx, qy, float(cutoff), int(n), float(shift), out)


def _pauli() -> np.ndarray:
    s = np.zeros((4, 2, 2), dtype=complex)
    s[0] = np.eye(2)
    s[1] = [[0, 1], [1, 0]]
    s[2] = [[0, -1j], [1j, 0]]
    s[3] = [[1, 0], [0, -1]]
    return s


PAULI = _pauli()
#: T[a, m, b, n] = Tr(sigma_a sigma_m sigma_b sigma_n), a, m, b, n in (0, x, y, z).
TRACE4 = np.einsum("aij,mjk,bkl,nli->ambn", PAULI, PAULI, PAULI, PAULI)


def assemble(moments, e_r, d_r, e_a, d_a, qx, qy):
    """M_ab (points, 4, 4) of Eq. (12) from the angular integrals of ``angular_sums``.

    Numerators of Eq. (10): n^R = a^R + r b(t), n^A = a^A + r b(t) in the basis (0, x, y, z), with
    a^R = (E~_R, -q_y/2, q_x/2, -Dz~_R), a^A = (E~_A, q_y/2, -q_x/2, -Dz~_A), b = (0, -sin, cos, 0)
    ((p x sigma)_z = p_x sigma_y - p_y sigma_x). M_ab = (2 pi)^-2 sum T_ambn Int dt r dr n^R_m n^A_n
    / (D^R D^A); ``moments`` already holds the angular integrals (trapezoid weight included).
    """
    npts = moments.shape[0]
    j1, jc, js, jcc, jss, jcs = (moments[:, i] for i in range(6))
    a_r = np.zeros((npts, 4), dtype=complex)
    a_a = np.zeros((npts, 4), dtype=complex)
    a_r[:, 0], a_r[:, 1], a_r[:, 2], a_r[:, 3] = e_r, -qy / 2, qx / 2, -d_r
    a_a[:, 0], a_a[:, 1], a_a[:, 2], a_a[:, 3] = e_a, qy / 2, -qx / 2, -d_a
    jb = np.zeros((npts, 4), dtype=complex)
    jb[:, 1], jb[:, 2] = -js, jc
    jbb = np.zeros((npts, 4, 4), dtype=complex)
    jbb[:, 1, 1], jbb[:, 2, 2] = jss, jcc
    jbb[:, 1, 2] = jbb[:, 2, 1] = -jcs
    outer = (
        a_r[:, :, None] * a_a[:, None, :] * j1[:, None, None]
        + a_r[:, :, None] * jb[:, None, :]
        + jb[:, :, None] * a_a[:, None, :]
        + jbb
    )
    return np.einsum("ambn,pmn->pab", TRACE4, outer) / (4 * math.pi**2)
