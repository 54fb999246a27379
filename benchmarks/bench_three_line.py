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
   geometric series in closed form (one 4 x 4 inverse per Q) against the sum one order at a
   time (``lines=n``, n = 3, 4, ... until the kernel moves by < 1e-6 of itself), the baseline
   a user would write; time, orders needed, the ratio and the largest relative difference.

Run: ``.venv/bin/python benchmarks/bench_three_line.py [--quick]`` (``--quick``: the smallest
size and alpha = 0.2 only, a check that it runs).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from tisot.model import SurfaceModel
from tisot.response.cooperon import _cooperon_grid
from tisot.response.exact.average import broadening
from tisot.response.maximally_crossed import _maximally_crossed_on
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
        t = time.perf_counter()
        whole = _maximally_crossed_on(g, eta, density=True).kernel
        closed = time.perf_counter() - t
        t = time.perf_counter()
        total, n = 0.0, 3
        while True:
            term = _maximally_crossed_on(g, eta, density=True, lines=n).kernel
            total = total + term
            if np.abs(term).max() < 1e-6 * np.abs(total).max():
                break
            n += 1
        slow = time.perf_counter() - t
        diff = np.abs(total - whole).max() / np.abs(whole).max()
        print(
            f"{ratio:>9} {g.n:>4} {closed:>10.2f} {n - 2:>6} {slow:>12.1f} "
            f"{slow / closed:>6.0f} {diff:>9.1e}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    same_grid((8,) if quick else (8, 10, 12))
    production((0.2,) if quick else (0.2, 0.1, 0.05))
    family((2.0,) if quick else (2.0, 0.5))
