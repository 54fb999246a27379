"""Cost of one disorder realisation of the exact average: KPM / streamed resolvents vs dense.

Problem: eps = 1, Delta_z = 0.3, alpha = 0.2 (renormalised; bare parameters at p_c = 5 eps),
boxes L = 8 ... 24 hbar v/eps (basis 2 n_pw ~ 0.8 (p_c L)^2 / pi, 258 ... 2274 states).

1. Kubo-Bastin (``average.py``, N = 256 Chebyshev moments):

   * tisot KPM: ``sample_response`` with R random-phase vectors (H applied by FFT, cost ~ N R L^2
     log L for the vectors plus N^2 R L^2 for the one double expansion of sigma_xy);
   * baseline: dense diagonalisation, the plain code a user would write (``numpy.linalg.eigh`` of
     the matrix written out element by element, then the same Chebyshev moments summed over the
     eigenbasis: exact traces, cost ~ L^6), which is also tisot's ``method="dense"``.

2. Fermi surface (``fermi.py``: sigma^I, nu, K00(q) at eta = Gamma/4 and Gamma/2, q = 2 pi/L
   along x and y, the defaults of ``exact_fermi_surface`` but tol = 1e-4):

   * tisot: ``sample_fermi_surface``, Chebyshev resolvents streamed over R = 2 random-phase start
     vectors (cost ~ N R L^2 log L, N ~ 1/eta terms, memory ~ L^2), continued past the dense
     range to L = 32, 40, 50 (4058 ... 9.9e3 states), the boxes an alpha = 0.05 run needs
     (7-11 mean free paths, ell = 4.37 there; its N is ~4 x larger, eta ~ alpha);
   * baseline: ``dense_sample_fermi_surface``, the same quantities from the eigenbasis (~ L^6).

   Same answer on the L = 8 sample: the streamed path with the basis' unit vectors as start
   vectors (an exact trace) against dense (differs by the series' remainder, ~tol), and with
   R = 2 random vectors, repeated, as mean +- standard error against dense.

3. The dense eigensolver behind ``dense_sample_fermi_surface``: LAPACK's MRRR driver (zheevr,
   ``scipy.linalg.eigh(driver="evr")``) against ``numpy.linalg.eigh`` (divide and conquer,
   zheevd), on the same Hamiltonians, with the orthonormality max |U^+ U - 1| and residual
   max |H U - U E| of each.

"Same answer" of section 1: at L = 12 the KPM estimate with many vectors is compared with the
exact trace of the same sample.

Threads: the FFTs of ``PlaneWaveBox.apply`` use scipy.fft workers=-1, i.e. os.cpu_count()
threads; BLAS/LAPACK (dense eigh) is given the same number here (set before numpy loads), so
dense/streamed compares the two on the same cores. Timings on a loaded machine scatter: run the
full table on an idle one. Run: ``.venv/bin/python benchmarks/bench_exact.py [--quick]``
(``--quick``: the two smallest boxes only, a check that it runs).
"""

from __future__ import annotations

import argparse
import math
import os
import time

# box.apply's FFTs run on os.cpu_count() threads (scipy.fft workers=-1); BLAS gets the same
# (set before numpy loads OpenBLAS, overriding a shell's OPENBLAS_NUM_THREADS=1)
os.environ["OPENBLAS_NUM_THREADS"] = str(os.cpu_count() or 1)
os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"]
os.environ["MKL_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"]

import numpy as np
import scipy.linalg

from tisot.model import SurfaceModel
from tisot.response.exact import PlaneWaveBox
from tisot.response.exact.average import broadening, dense_sample_response, sample_response
from tisot.response.exact.fermi import dense_sample_fermi_surface, sample_fermi_surface
from tisot.response.ladder import surface_parameters

THREADS = int(os.environ["OPENBLAS_NUM_THREADS"])  #: FFT workers and BLAS threads alike
MOMENTS = 256
VECTORS = 4
BOXES = (8.0, 12.0, 16.0, 20.0, 24.0)
DENSE_MAX = 2500  #: largest basis timed with dense diagonalisation

FERMI_BOXES = (*BOXES, 32.0, 40.0, 50.0)  #: 258 ... 9.9e3 states; L = 32-50 is 7-11 ell(0.05)
ETA_OVER_GAMMA = (0.25, 0.5)
Q_ORDERS = (1,)
FERMI_VECTORS = 2
TOL = 1e-4
DRAWS = 16  #: independent sets of FERMI_VECTORS random vectors for the error bar


def blas_threads() -> int | None:
    """Threads OpenBLAS actually runs with (numpy's bundled scipy-openblas), None if unknown."""
    import ctypes
    import glob

    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*blas*"))
    for path in libs:
        try:
            return int(ctypes.CDLL(path).scipy_openblas_get_num_threads64_())
        except (OSError, AttributeError):
            continue
    return None


def scaling(name: str, sizes, times) -> None:
    """Fitted exponent of time ~ basis^s (least squares in log-log)."""
    sizes, times = np.asarray(sizes, dtype=float), np.asarray(times, dtype=float)
    ok = np.isfinite(times)
    if ok.sum() < 2:
        return
    slope = np.polyfit(np.log(sizes[ok]), np.log(times[ok]), 1)[0]
    span = f"basis {sizes[ok].min():.0f}-{sizes[ok].max():.0f}, {ok.sum()} sizes"
    print(f"{name}: time ~ basis^{slope:.2f}  ({span})")


def bastin_section(boxes, rng) -> None:
    print("\n== Kubo-Bastin: KPM (FFT, random vectors) vs dense ==")
    par = surface_parameters(SurfaceModel(fermi_energy=1, exchange_energy=0.3, disorder=0.2), 5.0)
    e = par.bare_fermi_energy
    rows = []
    for L in boxes:
        box = PlaneWaveBox(L, par.cutoff, par.bare_delta_z)
        V = box.potential(par.bare_disorder, rng)
        t = time.perf_counter()
        sample_response(box, V, e, MOMENTS, VECTORS, rng)
        t_kpm = time.perf_counter() - t
        t_dense = math.nan
        if box.size <= DENSE_MAX:
            t = time.perf_counter()
            dense_sample_response(box, V, e, MOMENTS)
            t_dense = time.perf_counter() - t
        rows.append((L, box.size, t_kpm, t_dense))
        print(
            f"L = {L:5.1f}  basis {box.size:6d}  KPM ({VECTORS} vectors) {t_kpm:7.2f} s   "
            f"dense {t_dense:7.2f} s   dense/KPM = {t_dense / t_kpm:6.2f}"
        )
    sizes = [r[1] for r in rows]
    scaling("KPM", sizes, [r[2] for r in rows])
    scaling("dense", sizes, [r[3] for r in rows])
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


def random_phases(rng, box: PlaneWaveBox, count: int) -> np.ndarray:
    """``count`` random-phase start vectors (count, n_pw, 2), as exact_fermi_surface draws them."""
    return np.exp(2j * math.pi * rng.random((count, box.px.size, 2)))


def unit_vectors(box: PlaneWaveBox) -> np.ndarray:
    """The basis' unit vectors as start vectors: with weight 1 the trace is exact."""
    starts = np.zeros((box.size, box.px.size, 2), dtype=complex)
    starts.reshape(box.size, -1)[np.arange(box.size), np.arange(box.size)] = 1.0
    return starts


def observables(sigma, nu, k00) -> np.ndarray:
    """(..., eta, 4): sigma_xx = (xx + yy)/2, sigma_xy = (xy - yx)/2, nu, K00 averaged over the
    x and y orientations of q (the combinations exact_fermi_surface reports)."""
    nq = k00.shape[-1] // 2
    return np.stack(
        [
            0.5 * (sigma[..., 0, 0] + sigma[..., 1, 1]),
            0.5 * (sigma[..., 0, 1] - sigma[..., 1, 0]),
            nu,
            0.5 * (k00[..., 0] + k00[..., nq]),
        ],
        axis=-1,
    )


def fermi_section(boxes, rng) -> None:
    print(
        f"\n== Fermi surface: streamed resolvents ({FERMI_VECTORS} random vectors, tol = {TOL:g}) "
        "vs dense =="
    )
    model = SurfaceModel(fermi_energy=1, exchange_energy=0.3, disorder=0.2)
    par = surface_parameters(model, 5.0)
    # Born half-width at the Fermi level, from Eq. (10)-(11): Im[(eps^R)^2 - (Dz^R)^2]
    # = pi alpha (eps^2 + Dz^2) over d(eps^2)/d eps = 2 eps; the Gamma of exact_fermi_surface
    gamma = broadening(model)
    etas = gamma * np.array(ETA_OVER_GAMMA)
    qs = [(n, 0) for n in Q_ORDERS] + [(0, n) for n in Q_ORDERS]  # as exact_fermi_surface
    e = par.bare_fermi_energy
    print(f"Gamma = {gamma:.4f} E0, eta = {np.round(etas, 4).tolist()} E0, q orders {Q_ORDERS}")
    rows = []
    for L in boxes:
        box = PlaneWaveBox(L, par.cutoff, par.bare_delta_z)
        V = box.potential(par.bare_disorder, rng)
        starts = random_phases(rng, box, FERMI_VECTORS)
        t = time.perf_counter()
        *_, n_terms = sample_fermi_surface(box, V, e, etas, qs, starts, tol=TOL)
        t_stream = time.perf_counter() - t
        t_dense = math.nan
        if box.size <= DENSE_MAX:
            t = time.perf_counter()
            dense_sample_fermi_surface(box, V, e, etas, qs)
            t_dense = time.perf_counter() - t
        rows.append((box.size, t_stream, t_dense))
        print(
            f"L = {L:5.1f}  basis {box.size:6d}  N = {n_terms:5d}  streamed {t_stream:7.2f} s   "
            f"dense {t_dense:7.2f} s   dense/streamed = {t_dense / t_stream:6.2f}"
        )
    sizes = [r[0] for r in rows]
    scaling("streamed", sizes, [r[1] for r in rows])
    scaling("dense", sizes, [r[2] for r in rows])

    # same answer, one sample of the smallest box
    box = PlaneWaveBox(boxes[0], par.cutoff, par.bare_delta_z)
    V = box.potential(par.bare_disorder, rng)
    dense = observables(*dense_sample_fermi_surface(box, V, e, etas, qs))  # (eta, 4)
    exact = observables(
        *sample_fermi_surface(box, V, e, etas, qs, unit_vectors(box), weight=1.0, tol=TOL)[:3]
    )
    rel = np.abs(exact - dense).max(axis=0) / np.abs(dense).max(axis=0)
    names = ("sigma_xx", "sigma_xy", "nu", "K00(q1)")
    print(
        f"L = {box.length:g}, basis {box.size}: streamed with the {box.size} unit vectors vs dense,"
    )
    print(
        "  max |diff| / max |dense| over eta: "
        + ", ".join(f"{n} {r:.1e}" for n, r in zip(names, rel, strict=True))
        + f"  (tol = {TOL:g})"
    )
    draws = np.array(
        [
            observables(
                *sample_fermi_surface(
                    box, V, e, etas, qs, random_phases(rng, box, FERMI_VECTORS), tol=TOL
                )[:3]
            )
            for _ in range(DRAWS)
        ]
    )  # (draw, eta, 4)
    mean, spread = draws.mean(axis=0), draws.std(axis=0, ddof=1)
    err = spread / math.sqrt(DRAWS)
    print(
        f"  {DRAWS} draws of {FERMI_VECTORS} random vectors: mean +- standard error "
        "[spread of one draw] vs dense"
    )
    for k, ratio in enumerate(ETA_OVER_GAMMA):
        for j, name in enumerate(names):
            print(
                f"  eta = {ratio:<4g} Gamma  {name:8s} {mean[k, j]:9.4f} +- {err[k, j]:.4f} "
                f"[{spread[k, j]:.4f}]   dense {dense[k, j]:9.4f}   "
                f"(est - dense)/err = {(mean[k, j] - dense[k, j]) / err[k, j]:5.2f}"
            )


def eigensolver_section(boxes, rng) -> None:
    print("\n== Dense eigensolver: scipy.linalg.eigh(driver='evr') vs numpy.linalg.eigh ==")
    par = surface_parameters(SurfaceModel(fermi_energy=1, exchange_energy=0.3, disorder=0.2), 5.0)
    for L in boxes:
        box = PlaneWaveBox(L, par.cutoff, par.bare_delta_z)
        if box.size > DENSE_MAX:
            break
        H = box.dense(box.potential(par.bare_disorder, rng))
        times, checks = [], []
        for evr in (False, True):
            t = time.perf_counter()
            E, U = scipy.linalg.eigh(H, driver="evr") if evr else np.linalg.eigh(H)
            times.append(time.perf_counter() - t)
            orth = np.abs(np.conj(U).T @ U - np.eye(box.size)).max()
            checks.append((orth, np.abs(H @ U - U * E).max()))
        print(
            f"L = {L:5.1f}  basis {box.size:6d}  numpy {times[0]:7.2f} s   evr {times[1]:7.2f} s"
            f"   numpy/evr = {times[0] / times[1]:5.2f}   orthonormality numpy {checks[0][0]:.0e},"
            f" evr {checks[1][0]:.0e}; residual {checks[0][1]:.0e}, {checks[1][1]:.0e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest boxes only")
    args = parser.parse_args()
    blas = blas_threads()
    print("load average:", os.getloadavg())
    print(
        f"threads: FFT (scipy.fft workers=-1) {THREADS}, BLAS/LAPACK "
        f"{'unknown' if blas is None else blas} (OPENBLAS/OMP/MKL_NUM_THREADS = {THREADS})"
    )
    rng = np.random.default_rng(0)
    bastin_section(BOXES[:2] if args.quick else BOXES, rng)
    fermi_section(FERMI_BOXES[:2] if args.quick else FERMI_BOXES, rng)
    eigensolver_section(BOXES[:2] if args.quick else BOXES, rng)


if __name__ == "__main__":
    main()
