"""A deliberately plain evaluation of M_ab(q, omega) (Eq. 12) with ``scipy.integrate.dblquad``.

It is the independent check of :mod:`tisot.response.ladder` (no partial fractions, no Pauli
trace tables: 2x2 Green's functions of Eq. 10 multiplied as matrices, integrated in polar
coordinates of the mean momentum p over |p| < p_c) and the baseline of
``benchmarks/bench_ladder.py``. Slow on purpose; use it for a few entries at a few points.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate

from .selfenergy import Renormalised, green_parameters

PAULI = (
    np.eye(2, dtype=complex),
    np.array([[0, 1], [1, 0]], dtype=complex),
    np.array([[0, -1j], [1j, 0]], dtype=complex),
    np.array([[1, 0], [0, -1]], dtype=complex),
)


def green(e_t: complex, d_t: complex, px: float, py: float) -> np.ndarray:
    """G = (E~ - H~)^-1 with H~ = p_x sigma_y - p_y sigma_x - Dz~ sigma_z, inverted numerically."""
    h = px * PAULI[2] - py * PAULI[1] - d_t * PAULI[3]
    return np.linalg.inv(e_t * PAULI[0] - h)


def kernel_entry(
    par: Renormalised,
    q,
    omega: float,
    a: int,
    b: int,
    *,
    epsrel: float = 1e-6,
    epsabs: float = 0.0,
) -> tuple[complex, int]:
    """M_ab = Int_{|p|<p_c} d^2p/(2 pi)^2 Tr[s_a G^R_{p+q/2}(eps+omega) s_b G^A_{p-q/2}(eps)].

    ``epsrel``/``epsabs`` go to each of the two dblquad calls (real and imaginary part); give an
    ``epsabs`` where a part may vanish. Returns (value, number of integrand evaluations).
    """
    e, d, al, pc = par.bare_fermi_energy, par.bare_delta_z, par.bare_disorder, par.cutoff
    e_r, d_r = (complex(x) for x in green_parameters(e + omega, d, al, pc, par.self_energy))
    e_0, d_0 = (complex(x) for x in green_parameters(e, d, al, pc, par.self_energy))
    e_a, d_a = e_0.conjugate(), d_0.conjugate()
    qx, qy = float(q[0]) / 2, float(q[1]) / 2
    calls = [0]

    def trace(theta, r):
        calls[0] += 1
        px, py = r * math.cos(theta), r * math.sin(theta)
        gr = green(e_r, d_r, px + qx, py + qy)
        ga = green(e_a, d_a, px - qx, py - qy)
        return np.trace(PAULI[a] @ gr @ PAULI[b] @ ga) * r / (4 * math.pi**2)

    opts = {"epsrel": epsrel, "epsabs": epsabs}
    re = integrate.dblquad(lambda t, r: trace(t, r).real, 0, pc, 0, 2 * math.pi, **opts)[0]
    im = integrate.dblquad(lambda t, r: trace(t, r).imag, 0, pc, 0, 2 * math.pi, **opts)[0]
    return complex(re, im), calls[0]
