"""The maximally crossed diagrams at every order: the Cooperon series and its partners, at q = 0.

In the maximally crossed ring of n disorder lines (three_line's ring, vertex k on line k mod n)
propagators j and j + n run between the same two positions, F_j(y_j) and F_{j+n}(y_j) with
y_j = P_j - P_{j+1}. Paired, they make one pair propagator per line, and the ring is a chain of
n of them at one total momentum Q, closed by the swap S (S_(ab),(cd) = delta_ad delta_bc):

    T = Int d^2Q/(2 pi)^2 Tr[S B_0(Q) ... B_{n-1}(Q)],   B_j(Q) = W Int d^2y e^{-iQy} F_j(y) (x) F_{j+n}(y)

(W = 2 pi alpha, Eq. 5). With s_a on propagator 2n - 1 and s_b on propagator r - 1, the r - 1
propagators before s_b are retarded and the rest advanced (Tr[s_a G^R s_b G^A ...], Eq. 12's
order). Writing RA = B[G^R, G^A] (``cooperon``'s P, the Cooperon), AA, RR likewise and
V_b = G^R s_b G^A, V_a = G^A s_a G^R, the chain for each r is

    r = n:          (RA)^(n-1) B[V_b, V_a]                        X_n: no line on one arc
    r < n:          (RA)^(r-1) B[V_b, G^A] (AA)^(n-r-1) B[G^A, V_a]  n - r lines on the advanced arc
    r > n:          (RR)^(r-n-1) B[G^R, V_b] (RA)^(2n-r-1) B[G^R, V_a]  r - n on the retarded one
    r = 2n:         (RR)^(n-1) B[G^R, G^R s_b G^A s_a G^R]        Sigma_C inserted in G^R
    r = 0:          (AA)^(n-1) B[G^A, G^A s_a G^R s_b G^A]        ... and in G^A

(a line has both ends on the retarded arc if both its vertices are among 0 ... r - 1). One line
on one arc is Psi; X_n and Psi are the Cooperon series (``cooperon_series``). The rest, two or
more lines on one arc and the insertion of Sigma_C = the maximally crossed rainbows, with the
SCBA's response to it, are the series' *partners*: without them the series keeps no Ward
identity (docs/beyond-ladder.md, 3d). Summed over n >= 3 each power is a geometric series,
(1 - RA)^-1 etc., so the family is a handful of 4 x 4 products per Q: the partners at every
order, which ``three_line`` has at n = 3 only (tested: ``lines=3`` is three_line's maximally
crossed class, ``lines=2`` the one-crossing set, the resummed X and Psi are the series').
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

from ..model.surface import SurfaceModel
from ._ladder_kernel import PAULI
from .cooperon import CURRENT_SLOTS, _Grid, _row_blocks
from .one_crossing import DENSITY_SLOTS
from .three_line import _check, _ring_grid, _scba_response, _triple

#: the swap that closes the chain: S[(a b), (c d)] = delta_ad delta_bc (pair index 2 a + b)
SWAP = np.einsum("ad,bc->abcd", np.eye(2), np.eye(2)).reshape(4, 4)
#: the parts of the family (module docstring): X_n, Psi, the partner cuts (two or more lines on
#: one arc) and the insertion of Sigma_C with the SCBA's response; the last two are the partners
PARTS = ("x", "psi", "partner cuts", "insertion")
#: measured peak (tracemalloc, n = 160, density and rr): 24 grid arrays of 16 components
PEAK_ARRAYS = 25


@dataclass(frozen=True)
class MaximallyCrossed:
    """The family's additions to the q = 0 kernel M_ab (4, 4; Pauli basis 0, x, y, z; in
    (hbar v)^-2, as M of Eq. 12) at broadening ``eta``, for n >= 3 lines (``lines`` None) or
    exactly ``lines`` lines, split into PARTS; with ``rr`` the same for the R-R pair."""

    eta: float
    lines: int | None
    parts: dict  #: part -> (4, 4)
    dos_shift: float  #: d nu = -Im Int Tr dG^R / pi of Sigma_C (with the SCBA's response)
    bubble: np.ndarray  #: M on the same grid (the Ward identity's reference)
    grid: int
    rr_parts: dict | None = None
    rr_bubble: np.ndarray | None = None

    @property
    def kernel(self) -> np.ndarray:
        """The whole family."""
        return sum(self.parts.values())

    @property
    def partners(self) -> np.ndarray:
        """What the Cooperon series lacks: the partner cuts and the insertion."""
        return self.parts["partner cuts"] + self.parts["insertion"]


class _Pairs:
    """Pair propagators B[f, g](Q) (n, n, 4, 4) on one grid, and the chains' traces."""

    def __init__(self, grid: _Grid, gr, ga):
        self.grid, self.gr, self.ga = grid, gr, ga
        self.space = {"R": grid.to_space(gr), "A": grid.to_space(ga)}
        self.weight = 1.0 / (grid.n * grid.h) ** 2  # Int d^2Q/(2 pi)^2 -> sum over the grid

    def pair(self, f, g) -> np.ndarray:
        """B[f, g] = W FT[F(y) (x) G(y)]; f, g a key of ``space`` or a momentum-space array."""
        f = self.space[f] if isinstance(f, str) else self.grid.to_space(f)
        g = self.space[g] if isinstance(g, str) else self.grid.to_space(g)
        n = self.grid.n
        return self.grid.W * self.grid.outer_ft(f, g, "ikjl").reshape(n, n, 4, 4)

    def close(self, *chain) -> complex:
        """Int d^2Q/(2 pi)^2 Tr[S chain(Q)] (the factors multiplied in order), by rows of Q."""
        total = 0.0
        for rows in _row_blocks(self.grid.n):
            m = chain[0][rows]
            for c in chain[1:]:
                m = m @ c[rows]
            total += np.einsum("ab,xyba->", SWAP, m)
        return complex(total) * self.weight


def _power(x, exact=None):
    """(1 - x)^-1 per Q (the geometric series), or the single power x^exact."""
    one = np.eye(4)
    if exact is not None:
        return np.broadcast_to(one, x.shape) if exact == 0 else np.linalg.matrix_power(x, exact)
    inv = np.empty_like(x)
    for rows in _row_blocks(x.shape[0]):
        inv[rows] = np.linalg.inv(one - x[rows])
    return inv


def _converges(**chains) -> None:
    """The geometric series (1 - x)^-1 sums x^n only if x's spectral radius is < 1 at every Q.
    The row-sum norm bounds the radius, so eigenvalues are needed only where it reaches 1."""
    for name, x in chains.items():
        near = np.abs(x).sum(axis=-1).max(axis=-1) >= 1
        radius = np.abs(np.linalg.eigvals(x[near])).max() if near.any() else 0.0
        if not radius < 1:
            raise ValueError(
                f"the maximally crossed series diverges here: the {name} pair propagator has "
                f"spectral radius {radius:.3g} >= 1 (the Cooperon is too close to massless); "
                "raise eta or |Delta_z|, or sum a finite number of lines (lines=n)"
            )


def _family(pairs: _Pairs, slots, lines, sigma_insertion):
    """(PARTS without the SCBA's response, for every slot (a, b); ``lines`` None: n >= 3) and
    the map f -> Int Tr[Sigma_C^R f] that the SCBA's response to Sigma_C needs."""
    gr, ga = pairs.gr, pairs.ga
    RA, RR, AA = pairs.pair("R", "A"), pairs.pair("R", "R"), pairs.pair("A", "A")
    out = {p: np.zeros((4, 4), complex) for p in PARTS}
    if lines is None:
        _converges(RA=RA, RR=RR, AA=AA)
        g_ra, g_rr, g_aa = (_power(x) for x in (RA, RR, AA))
        ra1, ra2 = RA @ g_ra, RA @ RA @ g_ra
        rr1, rr2, aa1, aa2 = RR @ g_rr, RR @ RR @ g_rr, AA @ g_aa, AA @ AA @ g_aa
    for a, b in slots:
        vb, va = gr @ PAULI[b] @ ga, ga @ PAULI[a] @ gr
        # named by their two propagators: b_vb_a = B[V_b, G^A] etc.
        b_vb_va = pairs.pair(vb, va)
        b_vb_a, b_a_va = pairs.pair(vb, "A"), pairs.pair("A", va)
        b_r_vb, b_r_va = pairs.pair("R", vb), pairs.pair("R", va)
        close = pairs.close
        if lines is None:
            out["x"][a, b] += close(ra2, b_vb_va)
            out["psi"][a, b] += close(ra1, b_vb_a, b_a_va) + close(b_r_vb, ra1, b_r_va)
            out["partner cuts"][a, b] += close(g_ra, b_vb_a, aa1, b_a_va) + close(
                rr1, b_r_vb, g_ra, b_r_va
            )
        else:
            n, p = lines, _power
            out["x"][a, b] += close(p(RA, n - 1), b_vb_va)
            for r in range(1, 2 * n):
                if r < n:
                    chain = (p(RA, r - 1), b_vb_a, p(AA, n - r - 1), b_a_va)
                elif r > n:
                    chain = (p(RR, r - n - 1), b_r_vb, p(RA, 2 * n - r - 1), b_r_va)
                else:
                    continue
                out["psi" if abs(n - r) == 1 else "partner cuts"][a, b] += close(*chain)
        if sigma_insertion:  # Sigma_C in G^R (r = 2n) and in G^A (r = 0)
            t_r, t_a = vb @ PAULI[a] @ gr, va @ PAULI[b] @ ga
            if lines is None:
                ins = close(rr2, pairs.pair("R", t_r)) + close(aa2, pairs.pair("A", t_a))
            else:
                ins = close(_power(RR, lines - 1), pairs.pair("R", t_r))
                ins += close(_power(AA, lines - 1), pairs.pair("A", t_a))
            out["insertion"][a, b] += ins
    rr_chain = rr2 if lines is None else _power(RR, lines - 1)
    return out, (lambda f: pairs.close(rr_chain, pairs.pair("R", f)))  # Int Tr[Sigma_C^R f]


def _bubble(g1, g2, slots, weight):
    out = np.zeros((4, 4), complex)
    for a, b in slots:
        out[a, b] = weight * np.einsum("ij,xyjk,kl,xyli->", PAULI[a], g1, PAULI[b], g2)
    return out


def maximally_crossed(
    model: SurfaceModel,
    eta: float,
    *,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    density: bool = False,
    rr: bool = False,
    lines: int | None = None,
    size: int | None = None,
) -> MaximallyCrossed:
    """The maximally crossed family at broadening ``eta`` > 0 (model units), q = 0, on
    ``cooperon_series``' grid (its ``resolution``): every order n >= 3 (``lines`` None) or
    exactly ``lines`` >= 2 lines (the checks), split into X, Psi, the partner cuts and the
    insertion of Sigma_C with the SCBA's response. ``density`` adds the density and sigma_z
    entries (the Ward identity's), ``rr`` the R-R pair. ``size`` overrides the grid (tests)."""
    _check(eta, resolution, density, rr, size)
    if lines is not None:
        try:
            n = operator.index(lines)
        except TypeError:
            n = -1
        if n < 2:
            raise ValueError(f"lines must be None (every n >= 3) or an integer >= 2, got {lines!r}")
        lines = n
    grid = _ring_grid(model, eta, cutoff, resolution, size, PEAK_ARRAYS)
    return _maximally_crossed_on(grid, eta, density, rr, lines)


def _maximally_crossed_on(grid: _Grid, eta, density=False, rr=False, lines=None):
    slots = CURRENT_SLOTS + (DENSITY_SLOTS if density else ())
    gr, ga = grid.gr_k, grid.ga_k
    weight = 1.0 / (grid.n * grid.h) ** 2
    parts, with_sigma = _family(_Pairs(grid, gr, ga), slots, lines, True)
    d_sigma, trace = _scba_response(grid, with_sigma)  # Sigma_C's; trace: Int Tr dG^R
    d_sigma_a = np.conj(d_sigma.T)  # Sigma^A = (Sigma^R)^+
    for a, b in slots:
        parts["insertion"][a, b] += _triple(PAULI[a], gr, d_sigma, gr, PAULI[b], ga, weight)
        parts["insertion"][a, b] += _triple(PAULI[a], gr, PAULI[b], ga, d_sigma_a, ga, weight)
    extra = {}
    if rr:  # both arcs retarded: G^A -> G^R everywhere, Sigma_C^R on both
        rr_parts, _ = _family(_Pairs(grid, gr, gr), slots, lines, True)
        for a, b in slots:
            rr_parts["insertion"][a, b] += _triple(PAULI[a], gr, d_sigma, gr, PAULI[b], gr, weight)
            rr_parts["insertion"][a, b] += _triple(PAULI[a], gr, PAULI[b], gr, d_sigma, gr, weight)
        extra = {"rr_parts": rr_parts, "rr_bubble": _bubble(gr, gr, slots, weight)}
    return MaximallyCrossed(
        eta=float(eta),
        lines=lines,
        parts=parts,
        dos_shift=-trace.imag / math.pi,
        bubble=_bubble(gr, ga, slots, weight),
        grid=grid.n,
        **extra,
    )


__all__ = ["PARTS", "MaximallyCrossed", "maximally_crossed"]
