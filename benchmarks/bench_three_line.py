"""Cost of the three-line rings (``tisot.response.three_line``): tisot's position-space
evaluation (one FFT convolution and one sum per ring, cost ~ n^2 log n) against the ring
summed in momentum space as written, one disorder line's momentum at a time
(``three_line._literal_ring``, cost ~ N_in N_Q^3 for N_in grid momenta inside the cutoff and
N_Q momentum transfers), the baseline a user would write.

Problem: eps = 1, Delta_z = 0.3 (renormalised; bare parameters at p_c = 5 eps), alpha = 0.2,
eta = Gamma/2.

1. Same grid, both methods (the grid's side n forced to 8 ... 12): one two-crossing ring with
   the current vertices on both arcs and the maximally crossed one; time per ring, the ratio,
   and the largest relative difference (same answer).
2. The production class at the grids ``three_line`` chooses (resolution 1; n grows as
   1/alpha): seconds for both classes with the R-R pair, the cost of one row of
   docs/beyond-ladder.md, 3f.
3. The maximally crossed family at every order (``tisot.response.maximally_crossed``): the
   geometric series in closed form (one 4 x 4 inverse per Q) against the chains summed one
   order at a time, n = 3, 4, ... until the kernel moves by < 1e-6 of itself, with every pair
   propagator built once and the powers of RA, RR, AA accumulated as n grows (the baseline a
   user would write without the geometric series; ``_order_by_order`` here). Both without
   the SCBA's response to Sigma_C, which is one solve either way; time, orders needed, the
   ratio and the largest relative difference.

Run: ``.venv/bin/python benchmarks/bench_three_line.py [--quick]`` (``--quick``: the smallest
size and alpha = 0.2 only, a check that it runs).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from tisot.model import SurfaceModel
from tisot.response._ladder_kernel import PAULI
from tisot.response.cooperon import CURRENT_SLOTS, _cooperon_grid
from tisot.response.exact.average import broadening
from tisot.response.maximally_crossed import _family, _Pairs
from tisot.response.one_crossing import DENSITY_SLOTS
from tisot.response.three_line import _gap_functions, _literal_ring, _Ring, three_line

RINGS = (((0, 1, 0, 2, 1, 2), 2), ((0, 1, 2, 0, 1, 2), 3))  # (pairing, vertices on the R arc)


def model(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=alpha)


def same_grid(sizes):
    m = model(0.2)
    eta = 0.5 * broadening(m)
    print("1. one ring, same grid: FFT convolution vs momentum sum")
    print(f"{'n':>4} {'tisot (s)':>10} {'literal (s)':>12} {'literal/tisot':>14} {'rel. diff':>10}")
    for n in sizes:
        g = _cooperon_grid(m, eta, 5.0, 1.0, size=n)
        fast = slow = diff = 0.0
        for line, retarded in RINGS:
            funcs = [f for _, f in _gap_functions(g, retarded, 6, 1, 2, False)]
            t = time.perf_counter()
            ours = _Ring(g).trace(line, [g.to_space(f) for f in funcs])
            fast += time.perf_counter() - t
            t = time.perf_counter()
            theirs = _literal_ring(g, line, funcs)
            slow += time.perf_counter() - t
            diff = max(diff, abs(ours - theirs) / abs(theirs))
        print(f"{n:>4} {fast / 2:>10.4f} {slow / 2:>12.3f} {slow / fast:>14.0f} {diff:>10.1e}")


def production(alphas):
    print("\n2. both classes with the R-R pair at the production grid (eta = Gamma/2)")
    print(f"{'alpha':>6} {'n':>5} {'seconds':>8}")
    for alpha in alphas:
        m = model(alpha)
        eta = 0.5 * broadening(m)
        t = time.perf_counter()
        for kind in ("two crossings", "partners"):
            th = three_line(m, eta, kind, rr=True)
        print(f"{alpha:>6} {th.grid:>5} {time.perf_counter() - t:>8.1f}")


def _order_by_order(grid, slots, tol=1e-6):
    """The family's chains (maximally_crossed's module docstring) summed order by order."""
    gr, ga = grid.gr_k, grid.ga_k
    pairs = _Pairs(grid, gr, ga)
    chains = {"RA": pairs.pair("R", "A"), "RR": pairs.pair("R", "R"), "AA": pairs.pair("A", "A")}
    ends = {}
    for a, b in slots:
        vb, va = gr @ PAULI[b] @ ga, ga @ PAULI[a] @ gr
        ends[a, b] = [pairs.pair(*fg) for fg in ((vb, va), (vb, "A"), ("A", va), ("R", vb))]
        ends[a, b] += [pairs.pair("R", va), pairs.pair("R", vb @ PAULI[a] @ gr)]
        ends[a, b] += [pairs.pair("A", va @ PAULI[b] @ ga)]
    one = np.broadcast_to(np.eye(4), chains["RA"].shape)
    powers = {k: [one, x] for k, x in chains.items()}  # x^0 ... x^(n - 1)
    close, total, n = pairs.close, np.zeros((4, 4), complex), 2
    while True:
        n += 1
        for k, x in chains.items():
            powers[k].append(powers[k][-1] @ x)
        ra, rr, aa = powers["RA"], powers["RR"], powers["AA"]
        term = np.zeros((4, 4), complex)
        for (a, b), (b_x, b_vb_a, b_a_va, b_r_vb, b_r_va, b_ins_r, b_ins_a) in ends.items():
            t = close(ra[n - 1], b_x) + close(rr[n - 1], b_ins_r) + close(aa[n - 1], b_ins_a)
            for r in range(1, n):
                t += close(ra[r - 1], b_vb_a, aa[n - r - 1], b_a_va)
            for r in range(n + 1, 2 * n):
                t += close(rr[r - n - 1], b_r_vb, ra[2 * n - r - 1], b_r_va)
            term[a, b] = t
        total += term
        if np.abs(term).max() < tol * np.abs(total).max():
            return total, n - 2


def family(ratios):
    print("\n3. the maximally crossed family at every order: closed form vs order by order")
    print(
        f"{'eta/Gamma':>9} {'n':>4} {'closed (s)':>10} {'orders':>6} {'by order (s)':>12} "
        f"{'ratio':>6} {'rel. diff':>9}"
    )
    m = model(0.2)
    for ratio in ratios:
        eta = ratio * broadening(m)
        g = _cooperon_grid(m, eta, 5.0, 1.0)
        slots = CURRENT_SLOTS + DENSITY_SLOTS
        t = time.perf_counter()
        whole = sum(_family(_Pairs(g, g.gr_k, g.ga_k), slots, None, True)[0].values())
        closed = time.perf_counter() - t
        t = time.perf_counter()
        total, orders = _order_by_order(g, slots)
        slow = time.perf_counter() - t
        diff = np.abs(total - whole).max() / np.abs(whole).max()
        print(
            f"{ratio:>9} {g.n:>4} {closed:>10.2f} {orders:>6} {slow:>12.1f} "
            f"{slow / closed:>6.1f} {diff:>9.1e}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    same_grid((8,) if quick else (8, 10, 12))
    production((0.2,) if quick else (0.2, 0.1, 0.05))
    family((2.0,) if quick else (2.0, 0.5))
