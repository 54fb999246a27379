"""The three-line diagrams beyond the ladder, X, Psi and the Cooperon series, at q = 0.

With scalar white noise every disorder line ties two vertices to one position, so a closed
diagram of n lines is a ring of 2n vertices at n positions, joined by propagators that depend
only on differences of positions. At q = 0 a current vertex s_a sits on a propagator,
G1(k) s_a G2(k). The ring's trace, with the last position at the origin, is a sum over the
other n - 1 positions (per unit area):

    T = W^n Int d^2P_0 ... d^2P_{n-2} Tr[F_0(X_0 - X_1) F_1(X_1 - X_2) ... F_{2n-1}(X_{2n-1} - X_0)]

(W = 2 pi alpha, Eq. 5; X_k the position of vertex k's line; F_k(y) = Int d^2k/(2 pi)^2 e^{iky}
f_k(k), the propagator from vertex k to vertex k + 1, every momentum inside |p| < p_c). For
n = 3 each propagator depends on P_0, P_1 or P_0 - P_1: the double integral is one convolution
(FFT) and one sum. ``_Ring.trace`` evaluates it on ``cooperon``'s grid, for any pairing of the
ring's vertices; with n = 2 it reproduces X + Psi (tested).

Going round the ring from s_a, the propagators are retarded up to s_b and advanced back to s_a
(Tr[s_a G^R s_b G^A ...], Eq. 12's order). Every pairing of the vertices, with the two current
vertices at fixed places, is one diagram, counted once. The SCBA's G already holds every
noncrossing rainbow, so a pairing with a line between neighbouring vertices of the ring is not
a skeleton and is left out. What is left at n = 3 are two classes of the ring diagram
(``classify``):

* ``maximally crossed`` (the three lines cross each other): its cuts with no line (X_3) or one
  line (Psi) on one side of the current vertices are the third terms of the Cooperon series
  (``cooperon``); the ``partners`` are the rest, the cuts with two or three lines on one side:
  the insertion of the crossed rainbow Sigma_3 in G and the vertices that keep its Ward identity;
* ``two crossings`` (one line crosses the other two, which do not cross): a conserving set of
  its own, none of it computed elsewhere.

Each class with its self-energy inserted in G and the SCBA's response to it (as
``one_crossing`` does for Sigma_X) keeps the Ward identity eta K00(q = 0)/pi = nu order by
order (tested). Both are relative O(alpha) to X + Psi in the Hall response (each extra
crossing costs ~ 1/(k_F l)), the order of the exact average's remaining Hall excess
(docs/beyond-ladder.md, 3d).
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
from dataclasses import dataclass

import numpy as np

from ..model.surface import SurfaceModel
from ._ladder_kernel import PAULI
from .cooperon import CURRENT_SLOTS, MAX_BYTES, _cooperon_grid, _Grid
from .one_crossing import DENSITY_SLOTS, _flip, _pauli_components

LETTERS = "abcdefgh"
#: the two classes of three-line skeleton rings (module docstring)
CLASSES = ("two crossings", "maximally crossed")


def pairings(n_vertices: int):
    """Every perfect matching of range(n_vertices), as a tuple of the line of each vertex."""

    def rec(free):
        if not free:
            yield []
            return
        first, rest = free[0], free[1:]
        for i, other in enumerate(rest):
            for tail in rec(rest[:i] + rest[i + 1 :]):
                yield [(first, other), *tail]

    for pairs in rec(list(range(n_vertices))):
        line = [0] * n_vertices
        for k, (u, v) in enumerate(pairs):
            line[u] = line[v] = k
        yield tuple(line)


def classify(line) -> str | None:
    """The ring diagram's class (CLASSES, or "one crossing" at n = 2), or None for a pairing
    that is not a skeleton (a line between neighbouring vertices of the ring)."""
    n = len(line)
    if any(line[k] == line[(k + 1) % n] for k in range(n)):
        return None
    ends = {}
    for k, c in enumerate(line):
        ends.setdefault(c, []).append(k)
    chords = list(ends.values())
    crossings = sum(
        (a0 < b0 < a1) != (a0 < b1 < a1) for (a0, a1), (b0, b1) in itertools.combinations(chords, 2)
    )
    if n == 4:
        return "one crossing"
    return {2: "two crossings", 3: "maximally crossed"}.get(crossings)


def same_side_lines(line, retarded: int) -> int:
    """Lines with both ends on the retarded arc (vertices < ``retarded``) or both on the
    advanced one: 0 for X_n, 1 for Psi."""
    ends = {}
    for k, c in enumerate(line):
        ends.setdefault(c, []).append(k < retarded)
    return sum(a == b for a, b in ends.values())


#: the ring classes by their number of lines
LINES = {"one crossing": 2, "two crossings": 3, "maximally crossed": 3, "partners": 3}


class _Ring:
    """The rings' traces on one grid, with the position-space propagators cached by key."""

    def __init__(self, grid: _Grid):
        self.grid = grid
        self._space = {}

    def propagator(self, key, f_k):
        if key not in self._space:
            self._space[key] = self.grid.to_space(f_k)
        return self._space[key]

    def trace(self, line, props) -> complex:
        """T of the module docstring for the pairing ``line`` (2n vertices, n = 2 or 3) and the
        position-space propagators ``props`` (F_k from vertex k to vertex k + 1)."""
        from scipy import fft

        n_v, n_lines = len(line), max(line) + 1
        last = n_lines - 1
        groups = {}  # propagators by the difference they depend on: P_c (c < last), P_0 - P_1
        for k, F in enumerate(props):
            c, d = line[k], line[(k + 1) % n_v]
            if d != last and (c, d) != (0, 1):  # F(X_c - X_d) = F(-y) of the canonical y
                c, d, F = d, c, _flip(F)
            groups.setdefault((c, d), []).append((k, F))
        tensors = {}  # each edge's product, indices of the neighbouring edges left open
        for edge, members in groups.items():
            used = [LETTERS[k] + LETTERS[(k + 1) % n_v] for k, _ in members]
            flat = "".join(used)
            out = "".join(x for x in dict.fromkeys(flat) if flat.count(x) == 1)
            spec = ",".join(f"xy{u}" for u in used) + f"->xy{out}"
            tensors[edge] = (out, np.einsum(spec, *(F for _, F in members)))
        h2, W = self.grid.h**2, self.grid.W
        if n_lines == 2:  # one position: four momenta < p_c meet, inside the grid's period
            ((_, t),) = tensors.values()
            return complex(t.sum()) * h2 * W**2
        if any(len(g) != 2 for g in groups.values()):  # three would wrap round the period
            raise ValueError("a three-line ring needs two propagators on each edge")
        (o02, t02), (o12, t12), (o01, t01) = (tensors[e] for e in ((0, 2), (1, 2), (0, 1)))
        both = "".join(x for x in o01 + o12 if (o01 + o12).count(x) == 1)
        a = fft.fft2(t01, axes=(0, 1), workers=-1)
        b = fft.fft2(t12, axes=(0, 1), workers=-1)
        # Int d^2P_1 t01(P_0 - P_1) t12(P_1): the convolution, its shared indices summed
        conv = fft.ifft2(np.einsum(f"xy{o01},xy{o12}->xy{both}", a, b), axes=(0, 1), workers=-1)
        return complex(np.einsum(f"xy{o02},xy{both}->", t02, conv)) * h2 * h2 * W**3


def _gap_functions(grid: _Grid, retarded: int, n_v: int, a: int, b: int, rr: bool):
    """(key, f_k(k)) of the ring's propagators with s_a before vertex 0 and s_b after vertex
    ``retarded`` - 1 (module docstring). With ``rr`` the advanced arc is retarded too
    (Kubo-Streda I's R-R pair)."""
    gr = grid.gr_k
    ga = gr if rr else grid.ga_k
    tag = "rr" if rr else "ra"
    out = []
    for k in range(n_v):
        if k == n_v - 1 and retarded == n_v:  # ... s_b G^A s_a G^R back to vertex 0
            out.append((("RbAaR", a, b, tag), gr @ PAULI[b] @ ga @ PAULI[a] @ gr))
        elif k == n_v - 1 and retarded == 0:
            out.append((("AaRbA", a, b, tag), ga @ PAULI[a] @ gr @ PAULI[b] @ ga))
        elif k == n_v - 1:
            out.append((("AaR", a, tag), ga @ PAULI[a] @ gr))
        elif k == retarded - 1:
            out.append((("RbA", b, tag), gr @ PAULI[b] @ ga))
        else:
            out.append((("R",), gr) if k < retarded - 1 else (("A", tag), ga))
    return out


def _wanted(kind, cls, line, retarded) -> bool:
    if kind == "partners":
        return cls == "maximally crossed" and same_side_lines(line, retarded) >= 2
    return cls == kind


def _cuts(ring: _Ring, kind: str, slots, rr: bool):
    """(insertion, cuts) (4, 4): the class's rings with the current vertices in every place,
    split by the number of vertices on the retarded arc (0 or 2n: its self-energy inserted)."""
    n_v = 2 * LINES[kind]
    classes = [(line, classify(line)) for line in pairings(n_v)]
    insertion, cuts = np.zeros((4, 4), complex), np.zeros((4, 4), complex)
    for retarded in range(n_v + 1):
        target = insertion if retarded in (0, n_v) else cuts
        for line, cls in classes:
            if not _wanted(kind, cls, line, retarded):
                continue
            for a, b in slots:
                funcs = _gap_functions(ring.grid, retarded, n_v, a, b, rr)
                target[a, b] += ring.trace(line, [ring.propagator(k, f) for k, f in funcs])
    return insertion, cuts


def _triple(s1, g1, m, g2, s2, g3, weight) -> complex:
    """weight sum_k Tr[s1 g1(k) m g2(k) s2 g3(k)] (m a constant matrix)."""
    return weight * complex(np.einsum("ij,xyjk,kl,xylm,mn,xyni->", s1, g1, m, g2, s2, g3))


@dataclass(frozen=True)
class ThreeLine:
    """A ring class's additions to the q = 0 kernel M_ab (4, 4; Pauli basis 0, x, y, z; in
    (hbar v)^-2, as M of Eq. 12) at broadening ``eta``, in the entries it was computed in."""

    kind: str
    eta: float
    self_energy: np.ndarray  #: its self-energy inserted in G, with the SCBA's response
    crossed: np.ndarray  #: the cuts with vertices on both arcs
    dos_shift: float  #: d nu = -Im Int Tr dG^R / pi (E0^-1 (hbar v/E0)^-2)
    bubble: np.ndarray  #: M on the same grid (the Ward identity's reference)
    grid: int
    #: with ``rr``: the same for the R-R pair (both arcs retarded)
    rr_self_energy: np.ndarray | None = None
    rr_crossed: np.ndarray | None = None
    rr_bubble: np.ndarray | None = None

    @property
    def kernel(self) -> np.ndarray:
        """What the class adds to M."""
        return self.self_energy + self.crossed


def three_line(
    model: SurfaceModel,
    eta: float,
    kind: str = "two crossings",
    *,
    cutoff: float = 5.0,
    resolution: float = 1.0,
    density: bool = False,
    rr: bool = False,
    size: int | None = None,
) -> ThreeLine:
    """The ring class ``kind`` at broadening ``eta`` > 0 (model units) and q = 0 on
    ``cooperon_series``' grid (its ``resolution``): its self-energy inserted in G with the
    SCBA's response, and its cuts. Kinds: "two crossings", "maximally crossed", "partners" (the
    maximally crossed cuts that the Cooperon series leaves out: two or three lines on one arc,
    the insertion among them) and "one crossing" (X + Psi with Sigma_X: ``one_crossing``'s set,
    the check of this evaluation). ``density`` adds the density and sigma_z entries (the Ward
    identity's), ``rr`` the R-R pair. ``size`` overrides the grid's side (tests)."""
    if kind not in LINES:
        raise ValueError(f"kind must be one of {tuple(LINES)}, got {kind!r}")
    _check(eta, resolution, density, rr, size)
    grid = _ring_grid(model, eta, cutoff, resolution, size, PEAK_ARRAYS)
    return _three_line_on(grid, eta, kind, density, rr)


#: measured peak (tracemalloc, n = 160, density and rr): 21 grid arrays of 16 components
PEAK_ARRAYS = 22
#: the smallest grid side ``size`` may set: below it the Fermi ring is not resolved
MIN_SIZE = 8


def _check(eta, resolution, density, rr, size=None) -> None:
    """The arguments every ring evaluation shares (three_line, maximally_crossed)."""
    allowed = {"eta": "> 0 (model units)", "resolution": "in [0.25, 4]"}
    for name, value in (("eta", eta), ("resolution", resolution)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a real number {allowed[name]}, got {value!r}")
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be finite and > 0 (model units), got {eta!r}")
    if not (math.isfinite(resolution) and 0.25 <= resolution <= 4):
        raise ValueError(f"resolution must lie in [0.25, 4], got {resolution!r}")
    for name, flag in (("density", density), ("rr", rr)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    if size is not None:
        try:
            side = operator.index(size)
        except TypeError:
            side = None
        if side is None or side < MIN_SIZE:
            raise ValueError(
                f"size must be None (the grid cooperon_series picks) or an integer >= {MIN_SIZE}, "
                f"got {size!r}"
            )


def _ring_grid(model, eta, cutoff, resolution, size, peak_arrays) -> _Grid:
    """``cooperon_series``' grid, refused when this evaluation's own peak, ``peak_arrays``
    grid arrays of 16 components (more than the series' 7), would pass MAX_BYTES."""
    grid = _cooperon_grid(model, eta, cutoff, resolution, size=size)
    nbytes = peak_arrays * grid.n**2 * 16 * 16
    if nbytes > MAX_BYTES:
        fix = "raise eta or alpha, or lower resolution" if size is None else "lower size"
        raise ValueError(
            f"this evaluation on the {grid.n} x {grid.n} grid needs {nbytes / 1e9:.2g} GB "
            f"(limit {MAX_BYTES / 1e9:.3g} GB): {fix}"
        )
    return grid


def _scba_response(grid: _Grid, with_sigma):
    """(dSigma^R (2, 2), Int Tr dG^R) for a self-energy Sigma given by ``with_sigma(f) =
    Int Tr[Sigma(k) f(k)]``: the SCBA's response dSigma = W Int G (Sigma + dSigma) G, solved in
    Pauli components (``one_crossing``'s) through traces with Sigma alone, source_i =
    W Tr[s_i G Sigma G]/2."""
    gr, W = grid.gr_k, grid.W
    weight = 1.0 / (grid.n * grid.h) ** 2
    feedback = np.column_stack(
        [_pauli_components(W * weight * (gr @ PAULI[j] @ gr).sum(axis=(0, 1))) for j in range(4)]
    )
    source = np.array([0.5 * W * with_sigma(gr @ PAULI[i] @ gr) for i in range(4)])
    d_sigma = np.einsum("i,ijk->jk", np.linalg.solve(np.eye(4) - feedback, source), PAULI)
    gg = (gr @ gr).sum(axis=(0, 1)) * weight
    return d_sigma, with_sigma(gr @ gr) + complex(np.trace(d_sigma @ gg))


def _three_line_on(grid: _Grid, eta: float, kind: str, density=False, rr=False) -> ThreeLine:
    weight = 1.0 / (grid.n * grid.h) ** 2  # sum over the grid -> Int d^2k/(2 pi)^2
    slots = CURRENT_SLOTS + (DENSITY_SLOTS if density else ())
    ring = _Ring(grid)
    gr, ga = grid.gr_k, grid.ga_k
    n_v = 2 * LINES[kind]
    sigma_kind = "maximally crossed" if kind == "partners" else kind
    lines = [line for line in pairings(n_v) if classify(line) == sigma_kind]

    def with_sigma(f_k):  # Int Tr[Sigma(k) f(k)]: cut at the last propagator, each ring of the
        # class is one of its self-energy diagrams (vertices 0 ... 2n-1 in order)
        props = [ring.propagator(("R",), gr)] * (n_v - 1) + [grid.to_space(f_k)]
        return sum(ring.trace(line, props) for line in lines)

    d_sigma, trace = _scba_response(grid, with_sigma)  # trace: Int Tr dG^R
    d_sigma_a = np.conj(d_sigma.T)  # Sigma^A = (Sigma^R)^+
    insertion, cuts = _cuts(ring, kind, slots, rr=False)
    bubble = np.zeros((4, 4), complex)
    for a, b in slots:  # dSigma's insertions on both arcs
        insertion[a, b] += _triple(PAULI[a], gr, d_sigma, gr, PAULI[b], ga, weight)
        insertion[a, b] += _triple(PAULI[a], gr, PAULI[b], ga, d_sigma_a, ga, weight)
        bubble[a, b] = weight * np.einsum("ij,xyjk,kl,xyli->", PAULI[a], gr, PAULI[b], ga)
    extra = {}
    if rr:
        ins_rr, cuts_rr = _cuts(ring, kind, slots, rr=True)
        bubble_rr = np.zeros((4, 4), complex)
        for a, b in slots:
            ins_rr[a, b] += _triple(PAULI[a], gr, d_sigma, gr, PAULI[b], gr, weight)
            ins_rr[a, b] += _triple(PAULI[a], gr, PAULI[b], gr, d_sigma, gr, weight)
            bubble_rr[a, b] = weight * np.einsum("ij,xyjk,kl,xyli->", PAULI[a], gr, PAULI[b], gr)
        extra = {"rr_self_energy": ins_rr, "rr_crossed": cuts_rr, "rr_bubble": bubble_rr}
    return ThreeLine(
        kind=kind,
        eta=float(eta),
        self_energy=insertion,
        crossed=cuts,
        dos_shift=-trace.imag / math.pi,
        bubble=bubble,
        grid=grid.n,
        **extra,
    )


def _literal_ring(g: _Grid, line, funcs) -> complex:
    """The check of ``_Ring.trace`` (tests, benchmarks/bench_three_line.py), n = 3:
    W^n sum over the free momenta of Tr[f_0(p_0) ... f_5(p_5)], p_5 = P free and p_j =
    p_{j-1} + s_j Q_{line j} (s_j = +1 at a line's first vertex, -1 at its second): the ring in
    momentum space, one disorder line's momentum Q at a time, no FFT."""
    n, h = g.n, g.h
    step = 2 * math.pi / (n * h)
    radius = int(g.cutoff / step) + 1
    span = 2 * radius + 1
    ints = np.array(
        [(i, j) for i in range(-radius, radius + 1) for j in range(-radius, radius + 1)]
    )
    inside = (ints**2).sum(axis=1) * step**2 < g.cutoff**2
    tables = []
    for f in funcs:  # f at integer momentum m, zero outside the disk
        t = np.zeros((span, span, 2, 2), complex)
        for (i, j), ok in zip(ints, inside, strict=True):
            if ok:
                t[i + radius, j + radius] = f[i % n, j % n]
        tables.append(t)
    P = ints[inside]
    qr = 2 * radius
    Q = np.array([(i, j) for i in range(-qr, qr + 1) for j in range(-qr, qr + 1)])
    Q = Q[(Q**2).sum(axis=1) * step**2 < 4 * g.cutoff**2]  # differences of two momenta inside
    line = list(line)
    sign = [1 if line.index(c) == k else -1 for k, c in enumerate(line)]

    def look(t, p):
        ok = (np.abs(p) <= radius).all(axis=-1)
        idx = np.clip(p + radius, 0, span - 1)
        return t[idx[..., 0], idx[..., 1]] * ok[..., None, None]

    total = 0.0
    for q0 in Q:
        # (P, Q1, Q2) vectorised for one Q0
        qs = [np.broadcast_to(q0, (len(P), len(Q), len(Q), 2))]
        qs.append(np.broadcast_to(Q[None, :, None, :], qs[0].shape))
        qs.append(np.broadcast_to(Q[None, None, :, :], qs[0].shape))
        p = np.broadcast_to(P[:, None, None, :], qs[0].shape)
        prod = None
        for k, c in enumerate(line):
            p = p + sign[k] * qs[c]
            m = look(tables[k], p)
            prod = m if prod is None else prod @ m
        total += np.trace(prod, axis1=-2, axis2=-1).sum()
    weight = 1.0 / (n * h) ** 2
    return total * weight**4 * g.W**3


__all__ = ["CLASSES", "LINES", "ThreeLine", "classify", "pairings", "three_line"]
