"""Cost of the maximally crossed (Cooperon) series: tisot's FFT evaluation against the plain
position-space sum a user would write.

Problem: eps = 1, Delta_z = 0.3 (renormalised; bare parameters at p_c = 5 eps), eta = Gamma/4.

1. Same grid, both methods (alpha = 0.2, the grid's size n forced to 8 ... 24):

   * tisot: ``cooperon._series_on``, the chains W P^(n-1) summed per total momentum Q and the
     vertex ends contracted after FFTs (cost ~ n^2 log n);
   * baseline: ``cooperon._position_space_series``, the diagrams written from the Wick
     contraction in position space, the rungs one dense transfer operator over all site pairs
     summed by a dense solve (1 - T)^-1 (cost ~ (4 n^2)^3, memory ~ (4 n^2)^2).

   Same answer: the largest relative difference over every term and both tails.

2. Scaling at the production grids (``cooperon_series``, resolution 1): n grows as 1/alpha
   (the step follows Im k_F ~ Gamma), so the cost goes as ~ alpha^-2 log(1/alpha) and the
   memory as alpha^-2 (peak measured with tracemalloc); the dense baseline there would need
   (4 n^2)^2 complex numbers (printed, not run).

3. The crossed self-energy of the one-crossing set (``one_crossing.crossed_self_energy``: one
   product of three functions in position space, cost ~ n^2 log n) against its double momentum
   sum as written (``one_crossing._literal_crossed_self_energy``, cost ~ N^3 for the N grid
   momenta inside the cutoff), on the same grids as 1.

Run: ``.venv/bin/python benchmarks/bench_cooperon.py [--quick]`` (``--quick``: the smallest
sizes only, a check that it runs).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from tisot.model import SurfaceModel
from tisot.response.cooperon import (
    _cooperon_grid,
    _position_space_series,
    _series_on,
    cooperon_series,
)
from tisot.response.exact.average import broadening
from tisot.response.one_crossing import _literal_crossed_self_energy, crossed_self_energy

KEYS = ("x2", "x_tail", "psi_r1", "psi_r_tail", "psi_a1", "psi_a_tail")


def model(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=alpha)


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def same_grid(sizes):
    m = model(0.2)
    eta = 0.25 * broadening(m)
    print("1. same grid (alpha = 0.2, eta = Gamma/4)")
    print(
        f"{'n':>4} {'tisot FFT (s)':>14} {'dense position space (s)':>25} {'ratio':>8} {'max rel diff':>13}"
    )
    for n in sizes:
        grid = _cooperon_grid(m, eta, 5.0, 1.0, size=n)
        t_fft, ours = best_of(lambda g=grid: _series_on(g, eta), 3)
        t_dense, theirs = best_of(lambda g=grid: _position_space_series(g), 1)
        diff = max(
            np.abs(getattr(ours, k) - theirs[k]).max() / np.abs(theirs[k]).max() for k in KEYS
        )
        print(f"{n:>4} {t_fft:>14.4f} {t_dense:>25.3f} {t_dense / t_fft:>8.0f} {diff:>13.1e}")


def peak_gb(f):
    """Peak of the memory numpy allocates during f() (tracemalloc; a second, untimed run)."""
    import tracemalloc

    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1] / 1e9
    finally:
        tracemalloc.stop()


def production(alphas):
    print("\n2. production grids (cooperon_series, resolution 1, eta = Gamma/4)")
    print(
        f"{'alpha':>6} {'n':>6} {'time (s)':>9} {'peak memory (GB)':>17} "
        f"{'dense baseline memory (GB)':>27}"
    )
    for a in alphas:
        m = model(a)
        series = lambda m=m: cooperon_series(m, 0.25 * broadening(m))  # noqa: E731
        t, s = best_of(series, 1)
        dense_gb = (4 * s.grid**2) ** 2 * 16 / 1e9
        print(f"{a:>6g} {s.grid:>6d} {t:>9.2f} {peak_gb(series):>17.2f} {dense_gb:>27.3g}")


def self_energy(sizes):
    m = model(0.2)
    eta = 0.25 * broadening(m)
    print("\n3. crossed self-energy, same grid (alpha = 0.2, eta = Gamma/4)")
    print(
        f"{'n':>4} {'tisot FFT (s)':>14} {'double momentum sum (s)':>24} {'ratio':>8} {'max rel diff':>13}"
    )
    for n in sizes:
        grid = _cooperon_grid(m, eta, 5.0, 1.0, size=n)
        t_fft, ours = best_of(lambda g=grid: crossed_self_energy(g), 5)
        t_sum, theirs = best_of(lambda g=grid: _literal_crossed_self_energy(g), 1)
        diff = np.abs(ours - theirs).max() / np.abs(theirs).max()
        print(f"{n:>4} {t_fft:>14.5f} {t_sum:>24.3f} {t_sum / t_fft:>8.0f} {diff:>13.1e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes only")
    args = parser.parse_args()
    same_grid((8, 12) if args.quick else (8, 12, 16, 20, 24))
    production((0.2,) if args.quick else (0.2, 0.1, 0.05, 0.03, 0.02, 0.01))
    self_energy((8, 12) if args.quick else (8, 12, 16, 24))


if __name__ == "__main__":
    main()
