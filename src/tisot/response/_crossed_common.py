"""What the crossed diagrams (crossed.py) and the Cooperon series (cooperon.py) share: the SCBA
Green's function of Eq. (10) on momentum arrays, its momentum gradient, and the Hall-type part
of a crossed kernel to first order in q (crossed.py's module docstring)."""

from __future__ import annotations

import numpy as np

from ._ladder_kernel import PAULI


def _green(e, d, px, py):
    """G^R (..., 2, 2) of Eq. (10) with SCBA parameters E~ = e, Dz~ = d (complex)."""
    z = e * e - d * d
    num = e * PAULI[0] + px[..., None, None] * PAULI[2] - py[..., None, None] * PAULI[1]
    num = num - d * PAULI[3]
    return num / (z - px * px - py * py)[..., None, None]


def _green_gradient(e, d, px, py):
    """(dG^R/dp_x, dG^R/dp_y), each (..., 2, 2): d/dp_j [N/(z - p^2)], N of Eq. (10)."""
    z = e * e - d * d
    den = (z - px * px - py * py)[..., None, None]
    num = e * PAULI[0] + px[..., None, None] * PAULI[2] - py[..., None, None] * PAULI[1]
    num = num - d * PAULI[3]
    gx = PAULI[2] / den + 2 * px[..., None, None] * num / den**2
    gy = -PAULI[1] / den + 2 * py[..., None, None] * num / den**2
    return gx, gy


def hall_part(hall: float, dq_x: np.ndarray, q) -> np.ndarray:
    """The Hall-type part of a crossed block to first order in q (..., 4, 4) (module docstring).

    ``hall`` in the antisymmetric (x, y) block, and the entries coupling the charge and sigma_z
    vertices to the in-plane spin *along* q (C_0a, C_a0, C_za, C_az proportional to q_a, with
    the coefficients of q_x in ``dq_x`` = dC/dq_x; rotation about z gives those of q_y; the
    ladder's own couplings go to the spin perpendicular to q, Eq. B1e corrected).
    """
    q = np.asarray(q, dtype=float)
    C = np.zeros((*q.shape[:-1], 4, 4), dtype=complex)
    C[..., 1, 2] = hall
    C[..., 2, 1] = -hall
    for a in (1, 2):
        qa = q[..., a - 1]
        C[..., 0, a] = dq_x[0, 1] * qa
        C[..., a, 0] = dq_x[1, 0] * qa
        C[..., 3, a] = dq_x[3, 1] * qa
        C[..., a, 3] = dq_x[1, 3] * qa
    return C


__all__ = ["PAULI", "hall_part"]
