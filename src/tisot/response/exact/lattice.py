"""The SCBA diagrams in the exact average's own box: the ladder, X + Psi and the Cooperon series
summed over the plane waves of the periodic box that ``exact_fermi_surface`` diagonalises,
instead of integrated over the infinite plane (``reference.broadened_ladder``).

Why: the exact average lives in a box of side L = 5-10 l, and its momenta are the lattice
p = 2 pi n / L, |p| < p_c (``box.PlaneWaveBox``). Every momentum integral of the diagrams is then
a lattice sum, which differs from the integral by ~exp(-Im k_F L) with an oscillating sign (the
Fermi ring crossing lattice shells): several per cent of sigma_xx at eta <= Gamma/4 in these
boxes. Comparing the exact traces with the diagrams *in the same box* separates that finite-size
effect from the physics beyond the diagrams (docs/beyond-ladder.md, 3c).

What is summed (model units, bare parameters of ``ladder.surface_parameters``, W = 2 pi alpha):

* the SCBA on the lattice: Sigma = (W / L^2) sum_p G(p), G^-1 = eps + i eta - H_p - Sigma
  (Eqs. 10-11 with the box's sum), solved by damped iteration from the plane's solution;
* M_ab = (1/L^2) sum_p Tr[s_a G^R_p s_b G^A_p] (Eq. 12 at q = 0) and M^RR likewise, each dressed
  by Eq. (11), K = M [1 - pi alpha M]^-1; sigma = conductivity(K) with the RR part subtracted as
  in ``broadened_ladder`` (Kubo-Streda I);
* X + Psi and the maximally crossed series beyond them (``cooperon._series_on``) on the same
  lattice: ``cooperon._Grid`` with real-space period n h = L is the box's plane-wave basis, the
  Cooperon's momentum sum becoming the box's sum over Q = 2 pi m / L as well.

One piece of the disorder is not perturbative in a box: its Q = 0 Fourier component, a uniform
potential V_0 with variance W / L^2 (``PlaneWaveBox.potential``), shifts every level of a sample
together: by 0.05 eps at alpha = 0.1, L = 7 l, twice the mean level spacing 2 pi/(eps L^2) =
0.027. Its lines in all diagrams resum to an average over eps -> eps - V_0, done here by
Gauss-Hermite quadrature (``nodes``). Without the average the lattice sums miss the exact box's
finite-size shift of sigma_xx (tests).

Approximation: the Q = 0 line is then counted twice at its lowest order, once in the V_0
average and once in the lattice sums (the p' = p term of the SCBA's rainbow, the Q = 0 rung of
the ladder, and likewise in X, Psi and the series). Its weight is W/(L^2 Gamma^2): 0.34 at
alpha = 0.2 in a 5 l box, 0.09 at alpha = 0.1 in 7 l, 0.05 at alpha = 0.03 in 5 l. Removing it
from the SCBA and the ladder alone moves sigma_xx by 1-3 % in those boxes (a review's
measurement), the size of the shifts themselves at alpha >= 0.05; removing it consistently, from
the crossed diagrams too, is not done. So these sums model the finite-size shift to about that
accuracy; in boxes of 30 l and more they are the plane's values (to 4e-4).

Tests: on a fine lattice (a large box) every quantity equals ``broadened_ladder``'s quadrature
and closed forms; in a small box (one fixed set of samples) the exact traces follow these sums,
not the plane's.
"""

from __future__ import annotations

import math

import numpy as np

from ..._validation import finite
from ...model.surface import SurfaceModel
from .._crossed_common import _green
from .._ladder_kernel import PAULI
from ..cooperon import _Grid, _momenta, _series_on
from ..ladder import surface_parameters
from ..selfenergy import green_parameters
from .reference import dressed_conductivity

#: Gauss-Hermite nodes of the V_0 average (odd: the unshifted energy is one of them)
V0_NODES = 11
#: Largest lattice side (memory ~ 4 GB for the Cooperon series at n = 1024)
MAX_SIDE = 1024
#: The lattice SCBA's tolerance on (E~, Dz~) and its most iterations
SCBA_TOL, SCBA_STEPS = 1e-12, 400


def _lattice_green(par, energy: complex, kx, ky, inside, area: float):
    """(E~, Dz~, G^R(p)) of the SCBA solved on the lattice at complex ``energy`` (bare
    parameters ``par``), from the plane's solution by half-steps."""
    e_t, d_t = green_parameters(energy, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba")
    e_t, d_t = complex(e_t), complex(d_t)
    W = 2 * math.pi * par.bare_disorder
    for _ in range(SCBA_STEPS):
        s = W * (_green(e_t, d_t, kx, ky) * inside).sum(axis=(0, 1)) / area
        # G^-1 = E~ - Dz~ s_z - ..., so E~ = energy - Sigma_0 and Dz~ = Dz - Sigma_z
        e_new = energy - 0.5 * (s[0, 0] + s[1, 1])
        d_new = par.bare_delta_z - 0.5 * (s[0, 0] - s[1, 1])
        if abs(e_new - e_t) + abs(d_new - d_t) < SCBA_TOL:
            break
        e_t, d_t = 0.5 * (e_t + e_new), 0.5 * (d_t + d_new)
    else:
        raise RuntimeError(f"the lattice SCBA did not converge at energy {energy:.4g}")
    return e_t, d_t, _green(e_t, d_t, kx, ky) * inside


def _kernel(gr, g2, area: float) -> np.ndarray:
    """(1/L^2) sum_p Tr[s_a G1_p s_b G2_p], (4, 4), over the lattice points (p, 2, 2)."""
    return np.einsum("aij,pjk,bkl,pli->ab", PAULI, gr, PAULI, g2) / area


def lattice_side(model: SurfaceModel, box_length: float, cutoff: float = 5.0) -> int:
    """n of the n x n lattice ``box_ladder`` sums over for this box: real-space step L/n <=
    0.95 pi/(2 p_c), so that products of two functions inside |p| < p_c do not wrap."""
    par = surface_parameters(model, cutoff)
    return math.ceil(float(box_length) / (0.95 * math.pi / (2 * par.cutoff)))


def box_ladder(
    model: SurfaceModel,
    eta: float,
    box_length: float,
    *,
    cutoff: float = 5.0,
    nodes: int = V0_NODES,
):
    """The ladder, + X + Psi and + the Cooperon series at broadening ``eta`` > 0 in the periodic
    box of side ``box_length`` (model units; the exact average's box), averaged over the
    uniform potential V_0 (module docstring; ``nodes`` = 1 leaves it out).

    Returns an xarray Dataset with the conductivities of ``reference.broadened_ladder(
    crossed=True, cooperon=True)`` at q = 0 (sigma_xx, sigma_xx_RA, sigma_xy_noncrossing,
    sigma_xy_crossed, sigma_xy_cooperon, in e^2/h; not its dos or density response) and the
    lattice in its attrs. ``nodes`` up to 41; 11 agree with 41 to 1e-4 except where the V_0
    spread reaches the Dirac point (alpha = 0.2 in a 5 l box at eta = Gamma/8: 0.7 %).
    """
    import xarray as xr

    eta = finite("eta", eta)
    if not eta > 0:
        raise ValueError(f"eta must be > 0 (model units), got {eta!r}")
    L = finite("box_length", box_length)
    if not model.mean_free_path <= L:
        raise ValueError(
            f"box_length must be at least the mean free path l = {model.mean_free_path:.4g} "
            f"(model units), got {box_length!r}"
        )
    if isinstance(nodes, bool) or not isinstance(nodes, int | np.integer) or not 1 <= nodes <= 41:
        raise ValueError(f"nodes must be an integer in [1, 41], got {nodes!r}")
    par = surface_parameters(model, cutoff)
    n = lattice_side(model, L, cutoff)
    if par.cutoff * L / (2 * math.pi) < 2:
        raise ValueError(
            f"box_length {L:.4g} holds too few plane waves under the cutoff (p_c L / 2 pi < 2)"
        )
    if n > MAX_SIDE:
        raise ValueError(
            f"the box's lattice ({n} x {n}) is too large for the Cooperon series (at most "
            f"{MAX_SIDE}); use a smaller box_length"
        )
    h, area = L / n, L * L
    kx, ky, inside = _momenta(n, h, par.cutoff)
    keep = inside[..., 0, 0]
    W = 2 * math.pi * par.bare_disorder
    shift = math.sqrt(W) / L  # the standard deviation of V_0
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    rows = []
    for xi in x:
        energy = par.bare_fermi_energy - shift * xi + 1j * eta
        e_t, d_t, gr = _lattice_green(par, energy, kx, ky, inside, area)
        ga = np.conj(np.swapaxes(gr, -1, -2))
        m_ra = _kernel(gr[keep], ga[keep], area)
        m_rr = _kernel(gr[keep], gr[keep], area)
        grid = _Grid(n=n, h=h, W=W, gr_k=gr, ga_k=ga, e_t=e_t, d_t=d_t, cutoff=par.cutoff)
        series = _series_on(grid, eta)
        first = series.x2 + series.psi_r1 + series.psi_a1
        c_first = float(((first[1, 2] - first[2, 1]) / 2).real)
        s = dressed_conductivity(m_ra, par.bare_disorder)
        s_rr = dressed_conductivity(m_rr, par.bare_disorder)
        rows.append(
            [
                s[0, 0].real - s_rr[0, 0].real,  # Kubo-Streda I: - (RR + AA)/2 = - Re RR
                s[0, 0].real,
                s[0, 1].real,
                dressed_conductivity(m_ra, par.bare_disorder, c_first)[0, 1].real,
                dressed_conductivity(m_ra, par.bare_disorder, c_first + series.hall)[0, 1].real,
            ]
        )
    mean = w @ np.array(rows)
    names = ("sigma_xx", "sigma_xx_RA", "sigma_xy_noncrossing", "sigma_xy_crossed")
    names += ("sigma_xy_cooperon",)
    ds = xr.Dataset(
        {k: ((), float(v), {"units": "e^2/h"}) for k, v in zip(names, mean, strict=True)}
    )
    ds.attrs.update(
        eta=float(eta),
        cutoff=float(cutoff),
        box_length=float(L),
        box_length_over_ell=float(L / model.mean_free_path),
        lattice=n,
        v0_nodes=int(nodes),
        v0_std=float(shift),
        description="SCBA ladder, + X + Psi, + Cooperon series summed over the periodic box's "
        "plane waves |p| < p_c (the exact average's basis), averaged over the uniform V_0",
        units="model units hbar = v = 1",
    )
    return ds


__all__ = ["box_ladder", "lattice_side"]
