"""The whole one-crossing set at q = 0: the crossed self-energy Sigma_X with its SCBA feedback,
and all of the X and Psi blocks, not only their Hall part.

X and Psi (``crossed``; Ado et al., EPL 111, 37004 (2015)) enter sigma_xy at the leading order
through their Hall entry c_h alone. They are the vertex partners of one self-energy, the
rainbow with its two disorder lines crossed,

    Sigma_X(p) = W^2 Int d^2k1/(2 pi)^2 d^2k2/(2 pi)^2 G(k1) G(k1 + k2 - p) G(k2)
               = Int d^2y e^{-ipy} W^2 G(y) G(-y) G(y)          (a product in position space)

(W = 2 pi alpha, Eq. 5; G the SCBA Green's function of Eq. 10 at eps + i eta, every momentum
inside |p| < p_c). dSigma_X/dG is X + Psi^R + Psi^A (cutting its middle or an outer line), so
{Sigma_X, X, Psi} is the conserving set with one crossing: with it the Ward identity
eta K00(q = 0)/pi = nu holds order by order (tested), and without Sigma_X it fails by the
size of X + Psi themselves. To first order in that set:

    dG   = G (Sigma_X + dSigma) G,  dSigma = W Int d^2k/(2 pi)^2 dG(k)
           (the SCBA's own response to Sigma_X: the rainbow recomputed with G + dG)
    dM_ab = Int d^2k/(2 pi)^2 Tr[s_a dG^R s_b G^A + s_a G^R s_b dG^A]     (Eq. 12's bubble)
    M -> M + dM + C,  C = X + Psi^R + Psi^A (4 x 4),  dressed by Eq. (11)

Their symmetric parts and Sigma_X are relative O(alpha) (each crossing costs ~ 1/(k_F l)), like
the Cooperon series' tails (``cooperon``) and the three-line diagrams of other topologies, which
are not computed: docs/beyond-ladder.md, 3d, compares the set with the exact average.

The R-R pair of Kubo-Streda I's sigma_xx (``rr``) gets the same set with the second line
retarded too; its Ward identity is K^RR_00(q = 0) = -d/dz Int Tr G^R(z), z = eps + i eta
(tested by differentiating in eta).

Evaluated on ``cooperon``'s FFT grid (the same grid, Green's functions and cutoff as the
series; its first terms are X and Psi).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ..model.surface import SurfaceModel
from ._ladder_kernel import PAULI
from .cooperon import CURRENT_SLOTS, CooperonSeries, _cooperon_grid, _Grid, _series_on

#: the density and sigma_z entries of the kernel (the Ward identity's block at q = 0)
DENSITY_SLOTS = ((0, 0), (0, 3), (3, 0), (3, 3))


@dataclass(frozen=True)
class OneCrossing:
    """The one-crossing set's additions to the q = 0 kernel M_ab (4, 4; Pauli basis 0, x, y, z;
    in (hbar v)^-2, as M of Eq. 12) at broadening ``eta``; the x-y block always, the density
    and sigma_z block with ``density``."""

    eta: float
    self_energy: np.ndarray  #: dM: Sigma_X and its SCBA feedback inserted in the bubble
    crossed: np.ndarray  #: C = X + Psi^R + Psi^A, all parts
    dos_shift: float  #: d nu = -Im Int Tr dG^R / pi (E0^-1 (hbar v/E0)^-2)
    bubble: np.ndarray  #: M on the same grid (the Ward identity's reference)
    series: CooperonSeries  #: the grid's maximally crossed series (its first terms are C)
    grid: int
    #: with ``rr``: the same set for the R-R pair of Kubo-Streda I's sigma_xx (both lines
    #: retarded), its dM, C and bubble M^RR
    rr_self_energy: np.ndarray | None = None
    rr_crossed: np.ndarray | None = None
    rr_bubble: np.ndarray | None = None
    dos_trace: complex | None = None  #: Int Tr G^R (the R-R Ward identity's)
    dos_trace_shift: complex | None = None  #: Int Tr dG^R

    @property
    def kernel(self) -> np.ndarray:
        """dM + C: what the set adds to M."""
        return self.self_energy + self.crossed


def _flip(f):
    """f(-y) on the periodic grid (index i -> -i mod n)."""
    return np.roll(np.flip(f, axis=(0, 1)), 1, axis=(0, 1))


def crossed_self_energy(grid: _Grid) -> np.ndarray:
    """Sigma_X^R(k) (n, n, 2, 2) inside the cutoff: W^2 G(y) G(-y) G(y) transformed (module
    docstring). The product of three functions inside |k| < p_c reaches 3 p_c, and the grid's
    period (> 4 p_c) folds none of it back inside the cutoff."""
    gy = grid.to_space(grid.gr_k)
    _, _, inside = grid.momenta()
    return grid.to_momentum(grid.W**2 * (gy @ _flip(gy) @ gy)) * inside


def _literal_crossed_self_energy(grid: _Grid) -> np.ndarray:
    """Sigma_X(p) as written, W^2 sum_k1 sum_k2 G(k1) G(k1 + k2 - p) G(k2) over the grid's
    momenta inside the cutoff (cost ~ N^3 for N of them): the check of the FFT evaluation
    (tests, benchmarks/bench_cooperon.py)."""
    n, weight = grid.n, 1.0 / (grid.n * grid.h) ** 2
    kx, ky, inside = grid.momenta()
    step = 2 * math.pi / (n * grid.h)
    cells = np.argwhere(inside[..., 0, 0])
    integer = np.rint(np.stack([kx[tuple(cells.T)], ky[tuple(cells.T)]], axis=-1) / step).astype(
        int
    )
    where = {tuple(k): i for i, k in enumerate(integer)}
    g = grid.gr_k[tuple(cells.T)]  # (N, 2, 2)
    out = np.zeros_like(grid.gr_k)
    for (i, j), p in zip(cells, integer, strict=True):
        total = np.zeros((2, 2), complex)
        for a, ka in enumerate(integer):
            mids = [where.get(tuple(ka + kb - p), -1) for kb in integer]
            ok = np.flatnonzero(np.array(mids) >= 0)
            if ok.size:
                mid = np.array(mids)[ok]
                total += np.einsum("ij,bjk,bkl->il", g[a], g[mid], g[ok])
        out[i, j] = grid.W**2 * weight**2 * total
    return out


def _pauli_components(m):
    return np.array([0.5 * np.trace(PAULI[i] @ m) for i in range(4)])


def _bubble(g1, g2, weight) -> np.ndarray:
    return weight * np.einsum("aij,xyjk,bkl,xyli->ab", PAULI, g1, PAULI, g2)


def one_crossing(
    model: SurfaceModel,
    eta: float,
    *,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    density: bool = False,
    rr: bool = False,
) -> OneCrossing:
    """The one-crossing set at broadening ``eta`` > 0 (model units) and q = 0: dM (Sigma_X and
    its SCBA feedback) and the whole X + Psi block C, on ``cooperon_series``' grid (its
    ``resolution``), with the grid's maximally crossed series. ``density`` adds the density and
    sigma_z entries (twice the cost): the Ward identity's. ``rr`` adds the same set for the R-R
    pair (about twice the cost): the same diagrams with the second line retarded too."""
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be finite and > 0 (model units), got {eta!r}")
    for name, flag in (("density", density), ("rr", rr)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    if not (math.isfinite(resolution) and 0.25 <= resolution <= 4):
        raise ValueError(f"resolution must lie in [0.25, 4], got {resolution!r}")
    grid = _cooperon_grid(model, eta, cutoff, resolution)
    return _one_crossing_on(grid, eta, density, rr)


def _one_crossing_on(
    grid: _Grid, eta: float, density: bool = False, rr: bool = False
) -> OneCrossing:
    weight = 1.0 / (grid.n * grid.h) ** 2  # sum over the grid -> Int d^2k/(2 pi)^2
    gr, ga = grid.gr_k, grid.ga_k
    _, _, inside = grid.momenta()
    sigma_x = crossed_self_energy(grid)
    # the SCBA's response: dSigma = W Int G (Sigma_X + dSigma) G, solved in Pauli components
    feedback = np.column_stack(
        [
            _pauli_components(grid.W * weight * (gr @ PAULI[j] @ gr).sum(axis=(0, 1)))
            for j in range(4)
        ]
    )
    source = _pauli_components(grid.W * weight * (gr @ sigma_x @ gr).sum(axis=(0, 1)))
    d_sigma = np.einsum("i,ijk->jk", np.linalg.solve(np.eye(4) - feedback, source), PAULI)
    dgr = gr @ (sigma_x + d_sigma) @ gr * inside
    dga = np.conj(np.swapaxes(dgr, -1, -2))
    d_m = _bubble(dgr, ga, weight) + _bubble(gr, dga, weight)
    slots = CURRENT_SLOTS + (DENSITY_SLOTS if density else ())
    series = _series_on(grid, eta, slots=slots)
    trace = complex(np.trace(dgr, axis1=-2, axis2=-1).sum()) * weight
    extra = {}
    if rr:  # G^A -> G^R on the second line: the same diagrams, the R-R pair
        both = _series_on(dataclasses.replace(grid, ga_k=gr), eta, slots=slots)
        extra = {
            "rr_self_energy": _block(_bubble(dgr, gr, weight) + _bubble(gr, dgr, weight), slots),
            "rr_crossed": both.x2 + both.psi_r1 + both.psi_a1,
            "rr_bubble": _block(_bubble(gr, gr, weight), slots),
            "dos_trace": complex(np.trace(gr, axis1=-2, axis2=-1).sum()) * weight,
            "dos_trace_shift": trace,
        }
    return OneCrossing(
        eta=float(eta),
        self_energy=_block(d_m, slots),
        crossed=series.x2 + series.psi_r1 + series.psi_a1,
        dos_shift=-trace.imag / math.pi,
        bubble=_block(_bubble(gr, ga, weight), slots),
        series=series,
        grid=grid.n,
        **extra,
    )


def _block(m, slots) -> np.ndarray:
    """m with only the entries ``slots`` kept (those the series was computed in)."""
    out = np.zeros_like(m)
    for c, d in slots:
        out[c, d] = m[c, d]
    return out


__all__ = ["DENSITY_SLOTS", "OneCrossing", "crossed_self_energy", "one_crossing"]
