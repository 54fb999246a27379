"""The Cooperon of the SCBA: the particle-particle ladder and its mass.

The diagrams beyond X and Psi that grow as the broadening falls are the maximally crossed ones,
whose sum is the Cooperon (quantum interference; weak (anti)localisation). With scalar white
noise (W = 2 pi alpha, Eq. 5), SCBA Green's functions G^R(eps + i eta), G^A(eps - i eta) and the
ladder's cutoff |k| < p_c, the two pair propagators at total momentum 0 are the maps

    diffuson:  X -> W Int d^2k/(2 pi)^2 G^R(k) X G^A(k)          (= pi alpha M of Eq. 12, q = 0)
    Cooperon:  X -> W Int d^2k/(2 pi)^2 G^R(k) X G^A(-k)^T       (both lines run forward)

on 2 x 2 matrices X. A ladder of n rungs is the n-th power, so a mode of eigenvalue lambda
relaxes at the rate (1 - lambda)/tau_eta. The diffuson's slowest mode is particle number:
its rate is 2 eta (Ward identity), which defines tau_eta = (1 - lambda_D)/2 eta (-> tau =
1/2 Gamma as eta -> 0). The Cooperon's rates minus 2 eta are its masses: with Delta_z = 0
(time reversal) one mode is massless, the symplectic class of the bare surface; the exchange
field Delta_z gives every mode a mass of order Gamma. Projected onto the conduction band
(alpha -> 0), the pair state picks up the product of two spinor overlaps, <u_k'|u_k>^2 =
(c^2 + s^2 e^{-i theta})^2 with c^2, s^2 = (1 -+ x)/2 and x = Delta_z/eps, so the three
Fermi-surface modes have

    1 - lambda = 2 x^2/(1 + x^2),  (1 - x)^2/[2(1 + x^2)],  (1 + x)^2/[2(1 + x^2)]

(with x = 0: 0, 1/2, 1/2; the fourth mode is interband, 1 - lambda -> 1). The smallest sets the
Cooperon mass Gamma_c = 2 Gamma min(...) (0.33 Gamma at x = 0.3): below eta ~ Gamma_c/2 the
interference corrections stop growing. The exact average's Hall residual does just that
(docs/beyond-ladder.md, section 3c).

``cooperon_series`` sums the series at q = 0 (and, with ``gradient``, its first order in q,
which ``crossed.crossed_response(cooperon=True)`` adds to K like the Hall part of X and Psi).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model.regime import RegimeWarning
from ..model.surface import SurfaceModel
from ._crossed_common import PAULI, _green, _green_gradient, hall_part
from .ladder import surface_parameters
from .selfenergy import green_parameters

#: Gauss-Legendre nodes per radial panel; the integrands' angular dependence is a trigonometric
#: polynomial of degree <= 2, so ANGLES = 8 equispaced angles integrate it exactly
RADIAL_NODES = 48
ANGLES = 8


@dataclass(frozen=True)
class PairSpectrum:
    """Eigenvalues of the diffuson and Cooperon pair propagators at total momentum 0.

    Both sorted by the real part, largest first (slowest mode first). ``tau`` is tau_eta of the
    module docstring (hbar/E0), ``rates`` the Cooperon modes' relaxation rates (E0/hbar),
    ``mass`` the slowest one minus 2 eta.
    """

    eta: float
    diffuson: np.ndarray
    cooperon: np.ndarray
    tau: float
    rates: np.ndarray
    mass: float


def _radial_nodes(kf: complex, cutoff: float, nodes: int):
    """Gauss-Legendre panels on [0, p_c], geometric around the pole at Re k_F."""
    x0, w0 = np.polynomial.legendre.leggauss(nodes)
    width = abs(kf.imag)
    steps = width * 2.0 ** np.arange(-2, 40)
    breaks = [kf.real + s for s in steps if kf.real + s < cutoff]
    breaks += [kf.real - s for s in steps if kf.real - s > 0]
    breaks = np.unique(np.concatenate([[0.0, kf.real, cutoff], breaks]))
    a, b = breaks[:-1, None], breaks[1:, None]
    return ((b - a) / 2 * x0 + (a + b) / 2).ravel(), ((b - a) / 2 * w0).ravel()


def pair_spectrum(
    model: SurfaceModel, eta: float, *, cutoff: float = 5.0, nodes: int = RADIAL_NODES
) -> PairSpectrum:
    """Diffuson and Cooperon spectra at broadening ``eta`` > 0 (model units; module docstring).

    ``model`` is read as renormalised at the cutoff ``cutoff`` (p_c / eps), as by the ladder.
    """
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be finite and > 0 (model units), got {eta!r}")
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 8:
        raise ValueError(f"nodes must be an integer >= 8, got {nodes!r}")
    par = surface_parameters(model, cutoff)
    e_t, d_t = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    e_t, d_t = complex(e_t), complex(d_t)
    kf = complex(np.sqrt(e_t * e_t - d_t * d_t))
    p, wp = _radial_nodes(kf, par.cutoff, int(nodes))
    t = 2 * math.pi * np.arange(ANGLES) / ANGLES
    px, py = (p[:, None] * np.cos(t)).ravel(), (p[:, None] * np.sin(t)).ravel()
    w = np.repeat(wp * p / (2 * math.pi * ANGLES), ANGLES)  # d^2k/(2 pi)^2
    gr = _green(e_t, d_t, px, py)
    ga = np.conj(np.swapaxes(gr, -1, -2))  # G^A(k) = G^R(k)^+
    ga_minus_t = np.conj(_green(e_t, d_t, -px, -py))  # G^A(-k)^T = conj G^R(-k)
    W = 2 * math.pi * par.bare_disorder

    def superoperator(right):  # (1/2) Tr[s_a G^R s_b right] W, in the Pauli basis
        return W / 2 * np.einsum("k,aij,kjl,blm,kmi->ab", w, PAULI, gr, PAULI, right)

    lam_d = np.linalg.eigvals(superoperator(ga))
    lam_c = np.linalg.eigvals(superoperator(ga_minus_t))
    lam_d, lam_c = (x[np.argsort(-x.real)] for x in (lam_d, lam_c))
    tau = float((1 - lam_d[0].real) / (2 * eta))
    rates = (1 - lam_c.real) / tau
    return PairSpectrum(
        eta=float(eta),
        diffuson=lam_d,
        cooperon=lam_c,
        tau=tau,
        rates=rates,
        mass=float(rates[0] - 2 * eta),
    )


def projected_cooperon_gaps(x: float) -> np.ndarray:
    """1 - lambda of the three Fermi-surface Cooperon modes, band-projected (alpha -> 0), sorted;
    x = Delta_z / eps (module docstring)."""
    x = float(x)
    if not (math.isfinite(x) and abs(x) < 1):
        raise ValueError(
            f"x = Delta_z/eps must be finite with |x| < 1 (eps above the gap), got {x!r}"
        )
    d = 1 + x * x
    return np.sort([2 * x * x / d, (1 - x) ** 2 / (2 * d), (1 + x) ** 2 / (2 * d)])


#: the largest grid cooperon_series accepts: (N^2 points) x 16 pair components, a few arrays
MAX_BYTES = 12e9


@dataclass(frozen=True)
class CooperonSeries:
    """The maximally crossed series beyond X and Psi at q = 0 (module docstring of
    ``cooperon_series``), (4, 4) in the Pauli basis like ``crossed.CrossedBlock``; only the
    current block (c, d in x, y) is computed, the rest is zero.

    ``x2``, ``psi_r1``, ``psi_a1`` are the series' first terms, i.e. X, Psi^R, Psi^A
    themselves, recomputed on the grid (the check against ``crossed.crossed_block``).
    ``dq_x`` (with ``gradient``): d/dq_x of the tails' total at q = 0 in the entries that
    couple the charge and sigma_z vertices to the spin along q (GRADIENT_SLOTS), else zero.
    """

    eta: float
    x_tail: np.ndarray  #: maximally crossed, n >= 3 R-A lines
    psi_r_tail: np.ndarray  #: an R-R line across m >= 2 crossed R-A lines
    psi_a_tail: np.ndarray  #: an A-A line across m >= 2 crossed R-A lines
    x2: np.ndarray
    psi_r1: np.ndarray
    psi_a1: np.ndarray
    grid: int
    spacing: float  #: real-space grid step h (hbar v/E0); momentum step 2 pi/(N h)
    dq_x: np.ndarray | None = None
    dq_x_first: np.ndarray | None = None  #: the same for X + Psi (the check against crossed.py)

    @property
    def total(self) -> np.ndarray:
        return self.x_tail + self.psi_r_tail + self.psi_a_tail

    def hall_part(self, q) -> np.ndarray:
        """The tails' Hall-type part to first order in q (..., 4, 4), like
        ``crossed.CrossedBlock.hall_part``: what ``crossed_response`` adds at finite q."""
        if self.dq_x is None:
            raise ValueError("this CooperonSeries was computed without gradient=True")
        return hall_part(self.hall, self.dq_x, q)

    @property
    def hall(self) -> float:
        """(C_xy - C_yx)/2 of the tails: what adds to the crossed block's c_h."""
        c = self.total
        return float(((c[1, 2] - c[2, 1]) / 2).real)


@dataclass(frozen=True)
class _Grid:
    """SCBA G^R(k), G^A(k) inside |k| < p_c on an n x n FFT grid of real-space step h."""

    n: int
    h: float
    W: float  #: 2 pi alpha (bare), Eq. (5)
    gr_k: np.ndarray
    ga_k: np.ndarray
    e_t: complex  #: the SCBA's E~ and Dz~ (Eq. 10) at eps + i eta
    d_t: complex
    cutoff: float  #: p_c (absolute)

    def momenta(self):
        """(kx, ky, inside): the grid's momenta (n, n) and the cutoff mask |k| < p_c (n, n, 1, 1)."""
        return _momenta(self.n, self.h, self.cutoff)

    def to_space(self, f):  # Int d^2k/(2 pi)^2 e^{iky} f(k)
        from scipy import fft

        return fft.ifft2(f, axes=(0, 1), workers=-1) / self.h**2

    def to_momentum(self, f):  # Int d^2y e^{-iQy} f(y)
        from scipy import fft

        return fft.fft2(f, axes=(0, 1), workers=-1) * self.h**2

    def outer_ft(self, a, b, order: str = "ijkl"):
        """Int d^2y e^{-iQy} a_ij(y) b_kl(y), (n, n, 2, 2, 2, 2) with its last four indices in
        ``order`` (a permutation of "ijkl"), transformed in place: the grid's largest arrays
        are these, and no second copy is made."""
        from scipy import fft

        out = np.einsum(f"xyij,xykl->xy{order}", a, b, order="C")  # reshapes without a copy
        out = fft.fft2(out, axes=(0, 1), workers=-1, overwrite_x=True)
        out *= self.h**2
        return out


def _grid_size(kappa: float, q_c: float, cutoff: float, resolution: float) -> tuple[int, float]:
    """FFT grid: momentum period 2 pi/h >= 4 p_c (products of two functions inside |p| < p_c
    do not wrap), and a momentum step that resolves both poles: <= Im k_F/2 (the Green's
    functions' distance from the real axis) and <= q_c, the Cooperon pole's distance in Q,
    q_c = sqrt((Gamma_c + 2 eta)/D). A grid sum of a function with a pole d from the real axis
    errs by ~exp(-2 pi d/step): 2e-3 for the Cooperon at the bound, the size of the sharp disk
    cutoff's irregular convergence on a Cartesian grid (~1e-3 on P(0), 1e-4 at resolution 2;
    the Hall tail ~0.3 %, tested). At Delta_z = 0.3 the first bound decides; a light Cooperon
    (small Delta_z or eta) needs the second, or its Q = 0 term is overcounted."""
    from scipy import fft

    h = 0.95 * math.pi / (2 * cutoff)
    cells = 2 * math.pi / (h * min(kappa / 2, q_c) / resolution)
    if not cells < 2**20:  # far beyond any memory: the caller refuses it
        return 2**20, h
    return fft.next_fast_len(max(math.ceil(cells), MIN_CELLS)), h


#: the fewest cells per side: at eta >> Gamma both poles are far from the real axis, and the
#: sharp disk |p| < p_c alone must be resolved (n = 64: step 0.33 k_F at p_c = 5 k_F; the
#: one-crossing set's sigma_xy within 0.3 % of n = 256 up to eta = 16 Gamma, n = 8 was 30 % off)
MIN_CELLS = 64


def _momenta(n: int, h: float, cutoff: float):
    from scipy import fft

    k = 2 * math.pi * fft.fftfreq(n, d=h)
    kx, ky = np.meshgrid(k, k, indexing="ij")
    return kx, ky, (kx * kx + ky * ky < cutoff**2)[..., None, None]


def _cooperon_grid(
    model: SurfaceModel, eta: float, cutoff: float, resolution: float, size: int | None = None
) -> _Grid:
    """The grid of ``cooperon_series`` (``size`` overrides n: the tests' small grids)."""
    par = surface_parameters(model, cutoff)
    e_t, d_t = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    e_t, d_t = complex(e_t), complex(d_t)
    kappa = abs(complex(np.sqrt(e_t * e_t - d_t * d_t)).imag)
    # pair_spectrum needs eta > 0 (tau_eta from the Ward identity); for the static SCBA its mass
    # at eta = 1e-3 Gamma stands in (the mass moves by O(eta): only the step is chosen), and
    # the pole's distance is the mass plus the real 2 eta, not the stand-in's
    spectrum = pair_spectrum(model, eta or 1e-3 * abs(e_t.imag), cutoff=cutoff)
    width = spectrum.mass + 2 * eta
    if size is None and not width > 1e-6 * abs(e_t.imag):
        raise ValueError(
            f"the Cooperon is (nearly) massless here (Gamma_c + 2 eta = {width:.2g}): the series "
            "diverges as eta -> 0 (weak antilocalisation); raise |Delta_z| (m_z) or eta"
        )
    q_c = math.sqrt(max(width, 0.0) / model.diffusion_constant)
    n, h = _grid_size(kappa, q_c, par.cutoff, resolution)
    if size is not None:
        n = int(size)
    # measured peak (tracemalloc, n = 480): 5.6 grid arrays of 16 components, 6.1 with gradient
    nbytes = 7 * n * n * 16 * 16
    if nbytes > MAX_BYTES:
        fix = (
            "raise eta, or lower resolution"
            if eta
            else "the static series needs alpha >~ 0.0095 at Delta_z = 0.3 eps, more at smaller "
            "|Delta_z|; or lower resolution"
        )
        raise ValueError(
            f"the Cooperon grid ({n} x {n}) needs {nbytes / 1e9:.0f} GB: alpha, Delta_z or eta "
            f"is too small for this method ({fix})"
        )
    kx, ky, inside = _momenta(n, h, par.cutoff)
    gr_k = _green(e_t, d_t, kx, ky) * inside
    ga_k = np.conj(np.swapaxes(gr_k, -1, -2))
    return _Grid(
        n=n,
        h=h,
        W=2 * math.pi * par.bare_disorder,
        gr_k=gr_k,
        ga_k=ga_k,
        e_t=e_t,
        d_t=d_t,
        cutoff=par.cutoff,
    )


def _pair_propagator(grid: _Grid) -> np.ndarray:
    """P(Q) = W Int d^2k/(2 pi)^2 G^R(k) (x) G^A(Q - k), (n, n, 4, 4) with pair index (m r):
    a product in position space, G^R(y) G^A(y)."""
    n = grid.n
    gr, ga = grid.to_space(grid.gr_k), grid.to_space(grid.ga_k)
    P = grid.outer_ft(gr, ga, "ikjl").reshape(n, n, 4, 4)
    P *= grid.W
    return P


#: rows of the Q grid per block when the chains are formed and contracted (bounds the scratch)
ROWS = 64


def _row_blocks(n: int):
    return (slice(start, min(start + ROWS, n)) for start in range(0, n, ROWS))


@dataclass(frozen=True)
class _Chains:
    """The Cooperon chains between the first and last crossed line, kept as two grid arrays,
    P(Q) and T(Q) = W P (1 - P)^-1, and formed per block of rows of Q (``block``):

        X_2: W P      X tail (n >= 3 lines): W P^2 (1 - P)^-1 = P T
        Psi_1: W      Psi tail (m >= 2):     W P (1 - P)^-1 = T
    """

    P: np.ndarray
    T: np.ndarray
    W: float

    @classmethod
    def on(cls, grid: _Grid) -> _Chains:
        P = _pair_propagator(grid)
        T = np.empty_like(P)
        one = np.eye(4)
        for rows in _row_blocks(grid.n):
            T[rows] = grid.W * P[rows] @ np.linalg.inv(one - P[rows])
        return cls(P=P, T=T, W=grid.W)

    def block(self, rows: slice, kind: str) -> dict[str, np.ndarray]:
        """{"first", "tail"}: the ``kind`` ("x" or "psi") chains on ``rows`` of Q."""
        P, T = self.P[rows], self.T[rows]
        if kind == "x":
            return {"first": self.W * P, "tail": P @ T}
        return {"first": np.broadcast_to(self.W * np.eye(4), P.shape), "tail": T}


def _contract(grid: _Grid, chains: _Chains, ends) -> dict[str, np.ndarray]:
    """The bare (X) and dressed (Psi^R, Psi^A) Hikami boxes around the Cooperon chains K(Q)
    (``cooperon_series``' docstring). ``ends``: (slot, L, R) with the vertex pairs
    L = G^A s_c G^R, R = G^R s_d G^A on the momentum grid (an iterable: they are made one at a
    time), summed into entry ``slot`` = (c, d) of {"x:first", "x:tail", "psi_r:first", ...:
    (4, 4), Pauli basis}. Each Hikami box's two ends are Fourier transformed, then contracted
    with the chains block by block in Q: at most two such transforms are held at once."""
    n, W = grid.n, grid.W
    gr, ga = grid.to_space(grid.gr_k), grid.to_space(grid.ga_k)
    weight = 1.0 / (n * grid.h) ** 2  # Int d^2Q/(2 pi)^2 -> sum over the grid
    out = {
        f"{s}:{k}": np.zeros((4, 4), dtype=complex)
        for s in ("x", "psi_r", "psi_a")
        for k in ("first", "tail")
    }

    def psi(key: str, left, right, pattern: str, slot) -> None:
        for rows in _row_blocks(n):
            for name, chain in chains.block(rows, "psi").items():
                K6 = chain.reshape(chain.shape[:2] + (2,) * 4)
                total = np.einsum(pattern, left[rows], right[rows], K6)
                out[f"{key}:{name}"][slot] += W * weight * total

    for slot, left_k, right_k in ends:
        L, R = grid.to_space(left_k), grid.to_space(right_k)
        del left_k, right_k  # not held while the next pair is made
        box = grid.outer_ft(L, R, "jlki").reshape(n, n, 4, 4)  # (m r),(n s) of L_sm R_nr
        for rows in _row_blocks(n):
            for name, chain in chains.block(rows, "x").items():
                out[f"x:{name}"][slot] += weight * np.einsum("xyab,xyab->", box[rows], chain)
        del box
        # the right-hand ends sit at -x1, read at -Q: FT[f(-y)](-Q) = FT[f](Q), no flips
        left, right = grid.outer_ft(L, gr), grid.outer_ft(gr, R)  # L_sa G^R_nb, G^R_am R_br
        psi("psi_r", left, right, "xysanb,xyambr,xymrns->", slot)
        del left, right
        left, right = grid.outer_ft(R, ga), grid.outer_ft(L, ga)  # R_na G^A_bs, L_sm G^A_ar
        psi("psi_a", left, right, "xynabs,xysmar,xymrnb->", slot)
        del left, right, L, R
    return out


#: the entries of d C/d q_x that the Hall part needs (_crossed_common.hall_part)
GRADIENT_SLOTS = ((0, 1), (1, 0), (3, 1), (1, 3))


#: the vertex pairs (c, d) of the kernel the series is made for: the current block, or all 16
CURRENT_SLOTS = tuple((c, d) for c in (1, 2) for d in (1, 2))
ALL_SLOTS = tuple((c, d) for c in range(4) for d in range(4))


def _ends(grid: _Grid, gradient: bool, slots=CURRENT_SLOTS):
    """The vertex ends of ``slots`` and, with ``gradient``, d/dq_x of GRADIENT_SLOTS' ends
    (R line at p + q/2, A line at p - q/2, as crossed.crossed_block: the internal lines'
    shift is absorbed by their momenta, so q enters at the ends only). Both are generators:
    each pair of ends is made when it is contracted."""
    gr, ga = grid.gr_k, grid.ga_k
    ends = (((c, d), ga @ PAULI[c] @ gr, gr @ PAULI[d] @ ga) for c, d in slots)
    if not gradient:
        return ends, iter(())

    def slope():
        kx, ky, inside = grid.momenta()
        dgr = _green_gradient(grid.e_t, grid.d_t, kx, ky)[0] * inside
        dga = np.conj(np.swapaxes(dgr, -1, -2))
        for c, d in GRADIENT_SLOTS:  # the (0, z) ends are not in ``ends``; made as yielded
            yield (c, d), 0.5 * (ga @ PAULI[c] @ dgr - dga @ PAULI[c] @ gr), gr @ PAULI[d] @ ga
            yield (c, d), ga @ PAULI[c] @ gr, 0.5 * (dgr @ PAULI[d] @ ga - gr @ PAULI[d] @ dga)

    return ends, slope()


def cooperon_series(
    model: SurfaceModel,
    eta: float,
    *,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    gradient: bool = False,
) -> CooperonSeries:
    """The Cooperon's contribution to the kernel beyond X and Psi, at q = 0 and broadening eta.

    X and Psi (``crossed``) are the first terms of three series of maximally crossed diagrams:
    X_n with n crossed R-A lines (X = X_2), and Psi^R_m (Psi^A_m) with one R-R (A-A) line
    across m crossed R-A lines (Psi = Psi_1), i.e. the bare and the two dressed Hikami boxes
    around the Cooperon. In position space the R-A chain between the first and last crossed
    line is the Cooperon K(u) = Int_Q e^{iQu} W P(Q)^{n-1}, P(Q) = W Int d^2k/(2 pi)^2
    G^R(k) (x) G^A(Q - k) (pair_spectrum's Cooperon at Q = 0), and with L^c = G^A s_c G^R,
    R^d = G^R s_d G^A (crossed.py) the vertex ends integrate into their Fourier transforms
    L(y), R(y). Then, with indices (mu rho),(nu sigma) of K,

        X_n      = Int d^2y L(y)_{s m} R(y)_{n r} K_n(-y)_{(m r),(n s)}
        Psi^R_m  = W Int d^2x1 d^2x2 [L(x2) (x) G^R(x2)] [G^R(-x1) (x) R(-x1)] K_m(x1 - x2)
        Psi^A_m  = W Int d^2x1 d^2x2 [R(x2) (x) G^A(x2)] [L(-x1) (x) G^A(-x1)] K_m(x1 - x2)

    (each a product in Q after one FFT), summed as W P^2 (1 - P)^-1 (n >= 3) and
    W P (1 - P)^-1 (m >= 2). The Cooperon is massive (``pair_spectrum``), so the series
    converge; their Hall part is ~ -c alpha ln(1/alpha) at eta -> 0, c = 0.10 .. 0.11, 0.14 .. 0.17
    and 0.13 .. 0.18 at Delta_z = 0.15, 0.3, 0.5 for alpha = 0.01 .. 0.07 (it vanishes as
    alpha -> 0, slowly: the largest correction to sigma_xy at realistic alpha;
    docs/beyond-ladder.md, 3c). SCBA Green's functions at eps +- i eta, every momentum inside
    |p| < p_c (the ladder's and the exact average's cutoff), on an FFT grid chosen from
    Im k_F (``resolution`` = 2 halves the momentum step: the convergence check).
    The self-energy partners of the series (and of X and Psi) are not included.

    ``eta`` = 0 is the static SCBA (crossed.crossed_response's Green's functions); it needs
    Delta_z != 0, since without the exchange field the Cooperon is massless and the series
    diverges as ln(1/eta) (weak antilocalisation). ``gradient`` adds ``dq_x``, the first
    order in q (CooperonSeries), for ``hall_part``.
    """
    if not (math.isfinite(eta) and eta >= 0):
        raise ValueError(f"eta must be finite and >= 0 (model units), got {eta!r}")
    if eta == 0 and model.delta_z == 0:
        raise ValueError(
            "eta = 0 needs Delta_z != 0: without the exchange field the Cooperon is massless "
            "and the series diverges (weak antilocalisation); give eta > 0"
        )
    if not (math.isfinite(resolution) and 0.25 <= resolution <= 4):
        raise ValueError(f"resolution must lie in [0.25, 4], got {resolution!r}")
    return _series_on(_cooperon_grid(model, eta, cutoff, resolution), eta, gradient)


def _position_space_series(grid: _Grid) -> dict[str, np.ndarray]:
    """The series' terms on ``grid`` in position space, written from the Wick contraction of
    Tr[s_c G^R V..V G^R s_d G^A V..V G^A] with every impurity line crossing: for X_n the R line
    visits x_1..x_n and the A line x_1..x_n again (x_1 = 0); for Psi^R_m the R line visits
    y, x_1..x_m, y and the A line x_1..x_m (y = 0), and mirror for Psi^A_m. The rungs form one
    transfer operator T[(x, pair), (x', pair')] = W dA G^R(x - x') (x) G^A(x - x') over every
    site pair, summed by a dense solve (1 - T)^-1: no convolution theorem (FFTs only to get
    G(x) and the vertex ends in position space). The independent check of ``_series_on``
    (tests) and the plain baseline of benchmarks/bench_cooperon.py; memory (4 n^2)^2 complex
    numbers, so small grids only.
    Keys as CooperonSeries' fields."""
    if grid.n > 32:
        raise ValueError(f"the position-space sum is for small grids, n <= 32; got n = {grid.n}")
    n, h, W = grid.n, grid.h, grid.W
    dA = h * h
    space = lambda f: np.fft.ifft2(f, axes=(0, 1)).reshape(n * n, 2, 2) / dA  # noqa: E731
    gR, gA = space(grid.gr_k), space(grid.ga_k)
    i, j = np.divmod(np.arange(n * n), n)
    diff = ((i[:, None] - i[None, :]) % n) * n + (j[:, None] - j[None, :]) % n
    T = np.einsum("stbB,stdD->sbdtBD", gR[diff], gA[diff]).reshape(4 * n * n, 4 * n * n)
    T *= W * dA
    one = np.eye(4 * n * n)
    resolvent = np.linalg.inv(one - T)
    chains = {"2": T, "tail": T @ T @ resolvent, "1": one, "psi_tail": T @ resolvent}
    chains = {k: v.reshape(n * n, 2, 2, n * n, 2, 2) for k, v in chains.items()}
    neg = (-i) % n * n + (-j) % n  # the site of -x
    out = {k: np.zeros((4, 4), complex) for k in ("x2", "x_tail", "psi_r1", "psi_r_tail")}
    out |= {k: np.zeros((4, 4), complex) for k in ("psi_a1", "psi_a_tail")}
    for c in (1, 2):
        for d in (1, 2):
            L = space(grid.ga_k @ PAULI[c] @ grid.gr_k)
            R = space(grid.gr_k @ PAULI[d] @ grid.ga_k)
            for key, chain in (("x2", "2"), ("x_tail", "tail")):
                out[key][c, d] = W * np.einsum("bdsca,sab,scd->", chains[chain][0], L, R)
            for key, chain in (("1", "1"), ("_tail", "psi_tail")):
                out["psi_r" + key][c, d] = (
                    W
                    * W
                    * dA
                    * np.einsum("ucgtea,tab,ubc,tef,ufg->", chains[chain], L, gR[neg], gR, R[neg])
                )
                out["psi_a" + key][c, d] = (
                    W
                    * W
                    * dA
                    * np.einsum("ubetcf,uab,tcd,ude,tfa->", chains[chain], L[neg], R, gA[neg], gA)
                )
    return out


@lru_cache(maxsize=16)
def static_series(
    fermi_energy: float,
    delta_z: float,
    alpha: float,
    cutoff: float,
    resolution: float,
    gradient: bool,
) -> CooperonSeries:
    """``cooperon_series`` at eta = 0 (the static SCBA), cached by the model's numbers: the
    series in ``crossed.crossed_response``. Its arrays are read-only (they are shared)."""
    with warnings.catch_warnings():  # the caller's model has already warned about its regime
        warnings.simplefilter("ignore", RegimeWarning)
        model = SurfaceModel(fermi_energy=fermi_energy, exchange_energy=delta_z, disorder=alpha)
    series = cooperon_series(model, 0.0, cutoff=cutoff, resolution=resolution, gradient=gradient)
    for value in vars(series).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return series


def _series_on(
    grid: _Grid, eta: float, gradient: bool = False, slots=CURRENT_SLOTS
) -> CooperonSeries:
    """``cooperon_series`` on a given grid: the chains W P^(n-1) summed, contracted, in the
    kernel entries ``slots`` (ALL_SLOTS: the density and sigma_z ones too, at 4x the cost)."""
    chains = _Chains.on(grid)
    ends, slope = _ends(grid, gradient, slots)
    out = _contract(grid, chains, ends)
    dq = dq_first = None
    if gradient:
        d = _contract(grid, chains, slope)
        dq = d["x:tail"] + d["psi_r:tail"] + d["psi_a:tail"]
        dq_first = d["x:first"] + d["psi_r:first"] + d["psi_a:first"]
    return CooperonSeries(
        eta=float(eta),
        x_tail=out["x:tail"],
        psi_r_tail=out["psi_r:tail"],
        psi_a_tail=out["psi_a:tail"],
        x2=out["x:first"],
        psi_r1=out["psi_r:first"],
        psi_a1=out["psi_a:first"],
        grid=grid.n,
        spacing=grid.h,
        dq_x=dq,
        dq_x_first=dq_first,
    )


__all__ = [
    "CooperonSeries",
    "PairSpectrum",
    "cooperon_series",
    "pair_spectrum",
    "projected_cooperon_gaps",
    "static_series",
]
