"""The crossed X and Psi diagrams beyond the ladder (Ado et al., EPL 111, 37004 (2015)).

The noncrossing ladder (:mod:`tisot.response.ladder`) gives the Hall conductivity
sigma_xy^nc = 4 eps Dz (eps^2 + Dz^2)/(eps^2 + 3 Dz^2)^2; the paper's Eq. (9),
sigma_H = 8 eps Dz^3/(eps^2 + 3 Dz^2)^2, needs the diagrams with two crossed impurity lines
(Ado et al.: they are of the same order alpha^0 as the noncrossing Hall term, because the
pairs of Green's functions on the two sides of the crossing are each pinched at the Fermi
surface, ~1/alpha, which compensates the two extra disorder lines, alpha^2).

What is computed (hbar = v = 1, W = 2 pi alpha the disorder correlator of Eq. 5, bare alpha):
with L^c(p) = G^A_p sigma_c G^R_p, R^d(p) = G^R_p sigma_d G^A_p (the pinched pairs at the two
ladder-dressed vertices) and the self-consistent Born G of :mod:`tisot.response.selfenergy`,

    X_cd     = W^2 sum Tr[L^c(p1) G^R(p2) R^d(p3) G^A(p4)]      (both lines R-A, crossed)
    Psi^R_cd = W^2 sum Tr[L^c(p1) G^R(p2) G^R(p3) R^d(p4)]      (one R-R line across an R-A one)
    Psi^A_cd = W^2 sum Tr[L^c(p1) R^d(p2) G^A(p3) G^A(p4)]      (its mirror)

summed over p1 - p2 + p3 - p4 = 0, every momentum inside the ladder's cutoff |p| < p_c (at
q = 0 the ladder's mean momentum is each momentum, so this is the ladder's convention, and the
plane-wave basis of :mod:`tisot.response.exact`). The constraint makes each sum one integral in
position: sum f1(p1) f2(p2) f3(p3) f4(p4) = Int d^2r F1(r) F2(-r) F3(r) F4(-r) with
F(r) = Int d^2p/(2 pi)^2 e^{i p.r} f(p). Each f is a 2 x 2 matrix whose angular dependence is a
trigonometric polynomial of degree <= 2, so F(r) = sum_m i^m e^{i m phi} H_m[f_m](r) with Hankel
transforms H_m[f](r) = (1/2 pi) Int_0^{p_c} p J_m(p r) f(p) dp, done by Gauss-Legendre panels
clustered at the Fermi momentum; the angle of r is integrated exactly on 16 nodes, the radius by
Gauss-Legendre panels up to r_max (the integrand decays as exp(-4 Im k_F r)). Not an expansion
in alpha: SCBA Green's functions, cutoff and all.

C = X + Psi^R + Psi^A enters exactly like a correction to the kernel M of Eq. (12): chaining
ladders and crossed blocks gives K = (M + C)[1 - pi alpha (M + C)]^-1 (the left dressed vertex
is [1 - pi alpha M^T]^-1, the right one [1 - pi alpha M]^-1; see docs/beyond-ladder.md).

Which part of C is kept. At q = 0 rotation symmetry splits C into the (0, z) block and an
isotropic current block [[c_s, c_h], [-c_h, c_s]]. The Hall entry c_h is O(alpha^0), the same
order as the ladder's own Hall entries of (B1b): it is the leading crossed contribution and gives
Eq. (9). The symmetric c_s and the (0, z) block are O(alpha^0) against M ~ 1/alpha, i.e.
relative order alpha; at that order they come with the crossed (second-order) self-energy, which
the SCBA leaves out, and the (0, z) block alone would break the Ward identity
det[1 - pi alpha M(0, 0)] = 0 at order alpha (an O(alpha/tau) gap at the diffusion pole).
At finite q the Hall entry needs its partners at first order in q (``gradient``): the couplings
of the charge and sigma_z vertices to the in-plane spin *along* q (C_0a, C_za ~ q_a, odd in the
Hall sense, like c_h), without which the Hall part of K loses the diffusion-pole form that charge
conservation demands. So ``crossed_response`` adds C_H(q) = c_h (e_x e_y^T - e_y e_x^T) + q_a
(those entries), the leading order alpha^0 (relative to the Hall terms; their own q- and
omega-dependence beyond first order in q ell is left out, as is everything of relative order
alpha): then (sigma_xy - sigma_yx)/2 = sigma_xy(0) i omega/(i omega - D q^2) and
Q_perp/Q_par = -sigma_xy/sigma_xx hold with the crossed sigma_xy to O(alpha) (tested).
``cooperon=True`` adds the same Hall-type part of the maximally crossed series beyond X and Psi
(:mod:`tisot.response.cooperon`), c_h and its first-order partners, under the same rules.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from ..model.regime import RegimeWarning
from ..model.surface import SurfaceModel
from . import ladder as _ladder
from ._crossed_common import PAULI, _green, _green_gradient, hall_part
from .selfenergy import green_parameters

#: Gauss-Legendre nodes per radial panel (momentum and position).
PANEL_NODES = 16
#: Angles of p used to split each 2 x 2 matrix into harmonics m = -2..2 (degree 2: 8 is exact).
P_ANGLES = 8
#: Angles of r for the final integral (the integrand has degree <= 6 in e^{i phi}).
R_ANGLES = 16
#: The position integral runs to R_DECAY / Im k_F (integrand ~ exp(-4 Im k_F r): e^-4R_DECAY).
R_DECAY = 8.0


@dataclass(frozen=True)
class CrossedBlock:
    """C = X + Psi^R + Psi^A (4 x 4 in (0, x, y, z)) at q = omega = 0, and its parts."""

    X: np.ndarray
    psi_r: np.ndarray
    psi_a: np.ndarray
    M: np.ndarray  #: the ladder kernel M(0, 0) from the same real-space quadrature (a check)
    resolution: float
    dq: np.ndarray | None = None  #: dC/dq_j at q = 0, (2, 4, 4), if computed
    dM: np.ndarray | None = None  #: dM/dq_j at q = 0 from the same harmonics (a check)

    @property
    def total(self) -> np.ndarray:
        return self.X + self.psi_r + self.psi_a

    @property
    def hall(self) -> float:
        """c_h = (C_xy - C_yx)/2, the O(alpha^0) Hall entry of the kernel."""
        c = self.total
        return float(((c[1, 2] - c[2, 1]) / 2).real)

    def hall_part(self, q) -> np.ndarray:
        """C_H(q) (..., 4, 4): the Hall-type part of C to first order in q (``hall_part``)."""
        if self.dq is None:
            raise ValueError("this CrossedBlock was computed without gradient=True")
        return hall_part(self.hall, self.dq[0], q)


def _panels(breaks, width, n=PANEL_NODES):
    """Gauss-Legendre nodes and weights on [breaks[0], breaks[-1]], panels at most ``width``."""
    x0, w0 = np.polynomial.legendre.leggauss(n)
    nodes, weights = [], []
    for a, b in itertools.pairwise(breaks):
        k = max(1, math.ceil((b - a) / width))
        edges = np.linspace(a, b, k + 1)
        h = np.diff(edges)[:, None] / 2
        mid = (edges[:-1, None] + edges[1:, None]) / 2
        nodes.append((mid + h * x0).ravel())
        weights.append((h * w0).ravel())
    return np.concatenate(nodes), np.concatenate(weights)


def _momentum_nodes(kf, kappa, pc, r_max, resolution):
    """Radial momentum quadrature: geometric panels around the Fermi-surface peak, then uniform."""
    scales = kappa * 2.0 ** np.arange(-1, 60)
    left = [kf - s for s in scales if kf - s > 0]
    right = [kf + s for s in scales if kf + s < pc]
    breaks = np.unique(np.concatenate([[0.0], left, [kf], right, [pc]]))
    # panels short enough for the oscillation of J_m(p r) at r = r_max
    width = min(0.5, 4 * math.pi / r_max) / resolution
    return _panels(breaks, width)


def _bessels(x):
    """J_0 .. J_3 at x >= 0 (J_2, J_3 by the recurrence J_{n+1} = 2n J_n/x - J_{n-1})."""
    j0, j1 = special.j0(x), special.j1(x)
    safe = np.where(x > 0, x, 1.0)
    j2 = np.where(x > 0, 2 * j1 / safe - j0, 0.0)
    j3 = np.where(x > 0, 4 * j2 / safe - j1, 0.0)
    return j0, j1, j2, j3


#: Angular harmonics kept: m = -3..3 (the q-derivatives have degree 3; 8 angles are exact).
HARMONICS = np.arange(-3, 4)


def _harmonics(values):
    """f(p, theta_j) (np, P_ANGLES, ...) -> f_m(p) for m = -3..3, shape (7, np, ...)."""
    coeff = np.fft.fft(values, axis=1) / values.shape[1]
    return np.stack([coeff[:, m % P_ANGLES] for m in HARMONICS])


def _transforms(fm, p, wp, rb):
    """F(r, phi) and F(-r, phi) (nr, R_ANGLES, ...) from the harmonics fm (Hankel transforms)."""
    weight = wp * p / (2 * math.pi)
    phi = 2 * math.pi * np.arange(R_ANGLES) / R_ANGLES
    jm = [j * weight for j in _bessels(np.outer(rb, p))]
    shape = (rb.size, R_ANGLES, *fm.shape[2:])
    F = np.zeros(shape, dtype=complex)
    Fm = np.zeros(shape, dtype=complex)
    extra = (None,) * (len(fm.shape) - 2)
    for i, m in enumerate(HARMONICS):
        J = jm[abs(m)] * (-1.0) ** m if m < 0 else jm[m]  # J_-m = (-1)^m J_m
        # Int d^2p/(2 pi)^2 e^{i p.r} f_m(p) e^{i m theta} = i^m e^{i m phi} H_m[f_m](r)
        h = (1j**m) * np.tensordot(J, fm[i], axes=(1, 0))
        ph = np.exp(1j * m * phi)
        F += h[:, None] * ph[(None, slice(None), *extra)]
        Fm += h[:, None] * ((-1.0) ** m * ph)[(None, slice(None), *extra)]  # r -> -r
    return F, Fm


def _blocks(w, L, gr_m, R, ga_m, gr, ga, R_m):
    """X, Psi^R, Psi^A integrands summed: Int d^2r of the traces (module docstring)."""
    x = np.einsum("xt,xtcij,xtjk,xtdkl,xtli->cd", w, L, gr_m, R, ga_m, optimize=True)
    pr = np.einsum("xt,xtcij,xtjk,xtkl,xtdli->cd", w, L, gr_m, gr, R_m, optimize=True)
    pa = np.einsum("xt,xtcij,xtdjk,xtkl,xtli->cd", w, L, R_m, ga, ga_m, optimize=True)
    return np.stack([x, pr, pa])


def crossed_block(
    e_r: complex,
    d_r: complex,
    alpha: float,
    cutoff: float,
    resolution: float = 1.0,
    *,
    gradient: bool = False,
) -> CrossedBlock:
    """X, Psi^R, Psi^A at q = omega = 0 for SCBA parameters (E~, Dz~) = (e_r, d_r), bare alpha.

    ``cutoff`` is the absolute momentum cutoff p_c; ``resolution`` scales the number of
    quadrature nodes (2 doubles them: the convergence check). With ``gradient`` also dC/dq_j
    at q = 0 (R line at p + q/2, A line at p - q/2, the cutoff on the mean momentum as in the
    ladder), in ``CrossedBlock.dq`` (2, 4, 4).
    """
    z = e_r * e_r - d_r * d_r
    k = np.sqrt(z)
    kf, kappa = k.real, k.imag
    r_max = R_DECAY / kappa
    p, wp = _momentum_nodes(kf, kappa, cutoff, r_max, resolution)
    r, wr = _panels(np.array([0.0, r_max]), 1.0 / resolution)
    theta = 2 * math.pi * np.arange(P_ANGLES) / P_ANGLES
    px = p[:, None] * np.cos(theta)[None, :]
    py = p[:, None] * np.sin(theta)[None, :]
    gr = _green(e_r, d_r, px, py)  # (np, nt, 2, 2)
    ga = np.conj(np.swapaxes(gr, -1, -2))
    pair = "ptij,cjk,ptkl->ptcil"
    funcs = [gr[:, :, None], ga[:, :, None]]
    funcs += [np.einsum(pair, ga, PAULI, gr), np.einsum(pair, gr, PAULI, ga)]  # L^c, R^d
    if gradient:
        for dgr in _green_gradient(e_r, d_r, px, py):
            dga = np.conj(np.swapaxes(dgr, -1, -2))
            # d/dq_j of G^A_{p-q/2} s G^R_{p+q/2} and of G^R_{p+q/2} s G^A_{p-q/2}
            funcs.append(0.5 * (np.einsum(pair, ga, PAULI, dgr) - np.einsum(pair, dga, PAULI, gr)))
            funcs.append(0.5 * (np.einsum(pair, dgr, PAULI, ga) - np.einsum(pair, gr, PAULI, dga)))
    funcs = np.concatenate(funcs, axis=2)
    fm = _harmonics(funcs)
    out = np.zeros((3, 4, 4), dtype=complex)
    dq = np.zeros((2, 3, 4, 4), dtype=complex)
    m_check = np.zeros((4, 4), dtype=complex)
    for start in range(0, r.size, 1024):
        rb, wb = r[start : start + 1024], wr[start : start + 1024]
        F, Fm = _transforms(fm, p, wp, rb)
        w = (wb * rb)[:, None] * (2 * math.pi / R_ANGLES)
        g_r, g_a, L, R = F[:, :, 0], F[:, :, 1], F[:, :, 2:6], F[:, :, 6:10]
        g_r_m, g_a_m, R_m = Fm[:, :, 0], Fm[:, :, 1], Fm[:, :, 6:10]
        out += _blocks(w, L, g_r_m, R, g_a_m, g_r, g_a, R_m)
        for j in range(2 if gradient else 0):
            dL, dR = F[:, :, 10 + 8 * j : 14 + 8 * j], F[:, :, 14 + 8 * j : 18 + 8 * j]
            dR_m = Fm[:, :, 14 + 8 * j : 18 + 8 * j]
            dq[j] += _blocks(w, dL, g_r_m, R, g_a_m, g_r, g_a, R_m)
            dq[j] += _blocks(w, L, g_r_m, dR, g_a_m, g_r, g_a, dR_m)
        # Parseval check: M_cd = Int d^2r Tr[sigma_c G^R(r) sigma_d G^A(-r)]
        m_check += np.einsum("xt,cij,xtjk,dkl,xtli->cd", w, PAULI, g_r, PAULI, g_a_m)
    W2 = (2 * math.pi * alpha) ** 2
    dm_check = None
    if gradient:
        # dM_cd/dq_j = Tr[sigma_d dL^c_j(r = 0)]: only m = 0 survives at r = 0 (a check)
        at_zero = np.tensordot(wp * p / (2 * math.pi), fm[3], axes=(0, 0))
        dL0 = np.stack([at_zero[10:14], at_zero[18:22]])  # (2, c, 2, 2)
        dm_check = np.einsum("dkl,jclk->jcd", PAULI, dL0)
    return CrossedBlock(
        W2 * out[0],
        W2 * out[1],
        W2 * out[2],
        m_check,
        resolution,
        W2 * dq.sum(axis=1) if gradient else None,
        dm_check,
    )


@lru_cache(maxsize=64)
def _block_for(e, d, a, cutoff, resolution, gradient, eta=0.0):
    with warnings.catch_warnings():  # the caller's model has already warned about its regime
        warnings.simplefilter("ignore", RegimeWarning)
        model = SurfaceModel(fermi_energy=e, exchange_energy=d, disorder=a)
    par = _ladder.surface_parameters(model, cutoff)
    # G^R(eps + i eta) with the SCBA at that energy; G^A(eps - i eta) = G^R(eps + i eta)^dagger
    e_r, d_r = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    block = crossed_block(
        complex(e_r), complex(d_r), par.bare_disorder, par.cutoff, resolution, gradient=gradient
    )
    return par, block


def crossed_kernel(
    model: SurfaceModel,
    *,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    gradient: bool = False,
    eta: float = 0.0,
) -> CrossedBlock:
    """The crossed block C (4 x 4, basis 0, x, y, z) at q = omega = 0 for ``model``.

    Same reading of the model's parameters as the ladder's default (renormalised, bare ones
    solved for at ``cutoff`` = p_c/eps). Returns a :class:`CrossedBlock` (with dC/dq if
    ``gradient``). Cached; about a second at alpha = 0.05, ~ 1/alpha^2 slower as alpha falls.
    ``eta`` > 0 (model units) broadens every Green's function, G^R(eps + i eta) and
    G^A(eps - i eta) with the SCBA at those energies: the resolvents of the exact average.
    """
    _ladder._check_options(1e-6, cutoff, "renormalised", "scba")
    if not 0.25 <= resolution <= 8:
        raise ValueError(f"resolution must satisfy 0.25 <= resolution <= 8, got {resolution!r}")
    if not (math.isfinite(eta) and eta >= 0):
        raise ValueError(f"eta must be finite and >= 0 (model units), got {eta!r}")
    m = model
    args = (m.fermi_energy, m.delta_z, m.disorder, cutoff, resolution, gradient, float(eta))
    return _block_for(*args)[1]


def crossed_hall(e: float, d: float) -> float:
    """sigma_xy^X + Psi = sigma_H(Eq. 9) - sigma_xy^nc = -4 e d (e^2 - d^2)/(e^2 + 3 d^2)^2 (Ado et al.)."""
    return -4 * e * d * (e * e - d * d) / (e * e + 3 * d * d) ** 2


def crossed_response(
    model: SurfaceModel,
    q,
    omega,
    *,
    rtol: float = 1e-6,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    cooperon: bool = False,
) -> np.ndarray:
    """K (..., 3, 3) of Eq. (8): the exact ladder plus the crossed Hall block (module docstring).

    K = (M + C_H)[1 - pi alpha (M + C_H)]^-1 with C_H = c_h (e_x e_y^T - e_y e_x^T) the Hall
    entry of X + Psi at q = omega = 0; the SCBA and the cutoff as in ``ladder_response``.
    ``cooperon`` also adds the Hall part of the maximally crossed series beyond X and Psi
    (``cooperon.cooperon_series`` at eta = 0, with its first order in q; the same order as
    C_H, and its q- and omega-dependence beyond that is left out likewise; it needs
    Delta_z != 0, and takes seconds to minutes as alpha falls, cached).
    """
    _ladder._check_options(rtol, cutoff, "renormalised", "scba")
    if not isinstance(cooperon, bool | np.bool_):
        raise ValueError(f"cooperon must be True or False, got {cooperon!r}")
    if cooperon and model.delta_z == 0:
        raise ValueError(
            "cooperon=True needs Delta_z != 0 (an exchange field, m_z != 0): without it the "
            "Cooperon is massless and the series diverges (weak antilocalisation)"
        )
    if cooperon and not (math.isfinite(resolution) and 0.25 <= resolution <= 4):
        raise ValueError(
            f"resolution must lie in [0.25, 4] with cooperon=True (the Cooperon grid's range), "
            f"got {resolution!r}"
        )
    par = _ladder.surface_parameters(model, cutoff)
    q, omega, shape = _ladder._check_points(q, omega, par, allow_static=False)
    finite_q = bool(np.any(q != 0))
    block = crossed_kernel(model, cutoff=cutoff, resolution=resolution, gradient=finite_q)
    M = _ladder.ladder_kernel(model, q, omega, rtol=rtol, cutoff=cutoff).reshape(-1, 4, 4)
    parts = [block]
    if cooperon:
        from .cooperon import static_series

        m = model
        parts.append(
            static_series(m.fermi_energy, m.delta_z, m.disorder, cutoff, resolution, finite_q)
        )
    M = M.copy()
    for part in parts:
        if finite_q:
            M += part.hall_part(q.reshape(-1, 2))
        else:
            M[:, 1, 2] += part.hall
            M[:, 2, 1] -= part.hall
    eye = np.eye(4)
    with np.errstate(all="ignore"):
        K = np.linalg.solve(
            np.swapaxes(eye - math.pi * par.bare_disorder * M, -1, -2), np.swapaxes(M, -1, -2)
        )
    return np.swapaxes(K, -1, -2)[:, 1:, 1:].reshape(*shape, 3, 3)


__all__ = ["CrossedBlock", "crossed_block", "crossed_hall", "crossed_kernel", "crossed_response"]
