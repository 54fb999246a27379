"""(q, omega) points per second of the exact ladder vs a plain ``scipy.integrate.dblquad`` of M.

Problem: eps = 1, Delta_z = 0.3, alpha = 0.02 (tau_tr ~ 10 hbar/eps), cutoff 5 eps, points drawn
across the crossover: 1e-3 <= |q| <= 0.9 k_F in any direction, 1e-5 <= omega <= 1 (log-uniform),
i.e. omega tau_tr from 1e-4 to 10 and q ell from 1e-2 to 10.

* tisot: ``ladder_dataset`` (M, K, det, error per point) at rtol 1e-6 on K, and ``ladder_kernel``
  (M alone, rtol 1e-6 on M) for many points at once; numba compilation is timed separately
  (first call) and excluded from the rates.
* baseline: ``tisot.response._ladder_reference.kernel_entry``, i.e. dblquad (epsrel 1e-6) of
  the trace Tr[s_a G^R s_b G^A] built from 2x2 matrices, for all 16 complex entries of M (32
  real integrals) at a few of the same points. The two are compared entry by entry.

Run: ``.venv/bin/python benchmarks/bench_ladder.py [--points N] [--baseline-points B]``.
Threads: NUMBA_NUM_THREADS (default: all cores).
"""

from __future__ import annotations

import argparse
import math
import time

import numba
import numpy as np

from tisot.model import SurfaceModel
from tisot.response._ladder_reference import kernel_entry
from tisot.response.ladder import (
    ladder_dataset,
    ladder_kernel,
    ladder_response,
    surface_parameters,
)

MODEL = SurfaceModel(exchange_energy=0.3, disorder=0.02)
CUTOFF = 5.0
RTOL = 1e-6


def crossover_points(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    kf = math.sqrt(1 - 0.3**2)
    qa = 10 ** rng.uniform(-3, math.log10(0.9 * kf), n)
    th = rng.uniform(0, 2 * math.pi, n)
    q = np.stack([qa * np.cos(th), qa * np.sin(th)], axis=-1)
    return q, 10 ** rng.uniform(-5, 0, n)


def best_of(fn, repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20000)
    parser.add_argument("--baseline-points", type=int, default=2)
    args = parser.parse_args()

    q, w = crossover_points(args.points)
    t = time.perf_counter()
    ladder_dataset(MODEL, q[:4], w[:4], rtol=RTOL, cutoff=CUTOFF)
    first = time.perf_counter() - t
    t_ds = best_of(lambda: ladder_dataset(MODEL, q, w, rtol=RTOL, cutoff=CUTOFF))
    t_m = best_of(lambda: ladder_kernel(MODEL, q, w, rtol=RTOL, cutoff=CUTOFF))
    ds = ladder_dataset(MODEL, q, w, rtol=RTOL, cutoff=CUTOFF)
    single = best_of(lambda: ladder_response(MODEL, q[0], w[0], rtol=RTOL, cutoff=CUTOFF), 20)
    single_ds = best_of(lambda: ladder_dataset(MODEL, q[0], w[0], rtol=RTOL, cutoff=CUTOFF), 20)

    par = surface_parameters(MODEL, CUTOFF)
    nb = args.baseline_points
    M_fast = ladder_kernel(MODEL, q[:nb], w[:nb], rtol=1e-12, cutoff=CUTOFF)
    t = time.perf_counter()
    calls, worst = 0, 0.0
    for k in range(nb):
        for a in range(4):
            for b in range(4):
                val, n = kernel_entry(par, q[k], w[k], a, b, epsrel=RTOL, epsabs=1e-9)
                calls += n
                worst = max(worst, abs(val - M_fast[k, a, b]) / np.abs(M_fast[k]).max())
    t_base = (time.perf_counter() - t) / nb

    per_ds, per_m = t_ds / args.points, t_m / args.points
    print(f"ladder benchmark: eps=1, Delta_z=0.3, alpha=0.02, cutoff={CUTOFF} eps, rtol={RTOL}")
    print(
        f"numba threads: {numba.get_num_threads()}; first call (compile/cache load): {first:.2f} s"
    )
    print(f"points across the crossover: {args.points}")
    print(
        f"tisot ladder_dataset (M, K, det, error): {1 / per_ds:10.0f} points/s "
        f"({per_ds * 1e6:.1f} us/point; mean nodes {ds.angles.values.mean():.0f}, "
        f"max est. error {float(ds.error.max()):.1e})"
    )
    print(f"tisot ladder_kernel (M only):             {1 / per_m:10.0f} points/s")
    print(
        f"one point per call: ladder_response {single * 1e3:.2f} ms, "
        f"ladder_dataset {single_ds * 1e3:.2f} ms (Python and xarray overhead)"
    )
    print(
        f"scipy dblquad, 16 complex entries of M:   {1 / t_base:10.4f} points/s "
        f"({t_base:.1f} s/point, {calls / nb:.0f} integrand calls/point, {nb} points)"
    )
    print(f"dblquad vs tisot M: max |dM|/max|M| = {worst:.1e}")
    print(
        f"speed-up vs dblquad: ladder_dataset {t_base / per_ds:.0f}x, kernel {t_base / per_m:.0f}x"
    )


if __name__ == "__main__":
    main()
