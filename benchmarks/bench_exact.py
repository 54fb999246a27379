"""Cost of one disorder realisation of the exact average: KPM (FFT, random vectors) vs dense.

Problem: eps = 1, Delta_z = 0.3, alpha = 0.2 (renormalised; bare parameters at p_c = 5 eps),
N = 256 Chebyshev moments, boxes L = 8 ... 24 hbar v/eps (basis 2 n_pw ~ 0.8 (p_c L)^2 / pi).

* tisot KPM: ``sample_response`` with R random-phase vectors (H applied by FFT, cost ~ N R L^2
  log L for the vectors plus N^2 R L^2 for the one double expansion of sigma_xy);
* baseline: dense diagonalisation, the plain code a user would write (``numpy.linalg.eigh`` of
  the matrix written out element by element, then the same Chebyshev moments summed over the
  eigenbasis: exact traces, cost ~ L^6), which is also tisot's ``method="dense"``.

"Same answer": at the smallest box the KPM estimate with many vectors is compared with the
exact trace of the same sample. Run: ``.venv/bin/python benchmarks/bench_exact.py``.
"""

from __future__ import annotations

import math
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from tisot.model import SurfaceModel
from tisot.response.exact import PlaneWaveBox
from tisot.response.exact.average import dense_sample_response, sample_response
from tisot.response.ladder import surface_parameters

MOMENTS = 256
VECTORS = 4


def main() -> None:
    print("load average:", os.getloadavg())
    par = surface_parameters(SurfaceModel(fermi_energy=1, exchange_energy=0.3, disorder=0.2), 5.0)
    e = par.bare_fermi_energy
    rng = np.random.default_rng(0)
    rows = []
    for L in (8.0, 12.0, 16.0, 20.0, 24.0):
        box = PlaneWaveBox(L, par.cutoff, par.bare_delta_z)
        V = box.potential(par.bare_disorder, rng)
        t = time.perf_counter()
        sample_response(box, V, e, MOMENTS, VECTORS, rng)
        t_kpm = time.perf_counter() - t
        t_dense = math.nan
        if box.size <= 2500:
            t = time.perf_counter()
            dense_sample_response(box, V, e, MOMENTS)
            t_dense = time.perf_counter() - t
        rows.append((L, box.size, t_kpm, t_dense))
        print(
            f"L = {L:5.1f}  basis {box.size:6d}  KPM ({VECTORS} vectors) {t_kpm:7.2f} s   "
            f"dense {t_dense:7.2f} s   dense/KPM = {t_dense / t_kpm:6.2f}"
        )
    sizes = np.array([r[1] for r in rows], dtype=float)
    for name, col in (("KPM", 2), ("dense", 3)):
        t = np.array([r[col] for r in rows])
        ok = np.isfinite(t)
        slope = np.polyfit(np.log(sizes[ok]), np.log(t[ok]), 1)[0]
        print(f"{name}: time ~ basis^{slope:.2f}")
    # same answer on a small box: many vectors against the exact trace, with the resolution
    # (N = 128) well above the level spacing, as exact_average demands (else the estimator's
    # noise is dominated by single levels and heavy-tailed)
    box = PlaneWaveBox(12.0, par.cutoff, par.bare_delta_z)
    V = box.potential(par.bare_disorder, rng)
    exact, _, _ = dense_sample_response(box, V, e, 128)
    runs = np.array([sample_response(box, V, e, 128, 64, rng)[0] for _ in range(8)])
    est, err = runs.mean(axis=0), runs.std(axis=0, ddof=1) / math.sqrt(len(runs))
    print("exact trace sigma:\n", np.round(exact, 4))
    print("KPM, 512 vectors:\n", np.round(est, 4), "\n+-", np.round(err, 4))
    print("(KPM - exact) / error:\n", np.round((est - exact) / err, 2))


if __name__ == "__main__":
    main()
