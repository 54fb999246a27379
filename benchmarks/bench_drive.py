"""Real-space drive (tisot.drive.realspace_drive) against plain scipy baselines, and the
Fourier path's cost per harmonic.

Problem: a 1 um grated gate (3 harmonics, 10 GHz) on a periodic line of N points, the diffusion
equation df/dt = D f'' - f/tau_L - eta D dE/dx marched by Crank-Nicolson for S steps; then the
same with screening (the induced charge's potential from the layered Green's function, a dense
circulant coupling every point to every other).

* tisot: numba Sherman-Morrison/Thomas kernel (unscreened) or the circulant system solved mode
  by mode after an FFT (screened); sources of a harmonic field tabulated at once;
* baselines: the same schemes with scipy.sparse.linalg.splu (unscreened) or a dense LU of the
  full CN matrix, Green's function as an N x N circulant (screened), the field evaluated per step
  in a Python loop (the straightforward way);
* the results are compared (same scheme: they must agree to rounding).

Run: ``.venv/bin/python benchmarks/bench_drive.py [--quick]``. Numba compilation is excluded.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spl

from tisot.drive import DiffusiveMedium, GratingGate, fourier_drive, realspace_drive


def screened_baseline(medium, gate, n, t):
    """CN for du/dt = D lap u - u/tau_L - d/dx(E_ext - d/dx C sigma u), C the dense circulant."""
    h = gate.period / n
    dt = t[1] - t[0]
    D, sig = medium.diffusion_constant, medium.sheet_conductance
    eye = np.eye(n)
    lap = (np.roll(eye, 1, 1) + np.roll(eye, -1, 1) - 2 * eye) / h**2
    der = (np.roll(eye, 1, 1) - np.roll(eye, -1, 1)) / (2 * h)  # (der @ u)_j = (u_{j+1}-u_{j-1})/2h
    k = 2 * np.pi * np.fft.fftfreq(n, d=h)
    g = np.zeros(n)
    g[1:] = gate.layers.green(np.abs(k[1:]))
    col = np.real(np.fft.ifft(g))  # first column of the Green's-function circulant
    C = sla.circulant(col)
    A = D * lap - medium.leakage_rate * eye + sig * der @ der @ C
    lu = sla.lu_factor(eye - 0.5 * dt * A)
    B = eye + 0.5 * dt * A
    x = np.arange(n) * h
    pos = np.stack([x, 0 * x], -1)
    field = gate.field()

    def source(tk):
        return -der @ field.evaluate(pos, tk)[:, 0]

    u = np.zeros(n)
    s_old = source(t[0])
    for j in range(t.size - 1):
        s_new = source(t[j + 1])
        u = sla.lu_solve(lu, B @ u + 0.5 * dt * (s_old + s_new))
        s_old = s_new
    return medium.strength * D * u


def baseline(medium, gate, n, t):
    h = gate.period / n
    dt = t[1] - t[0]
    D = medium.diffusion_constant
    r = D * dt / (2 * h * h)
    dec = 0.5 * dt * medium.leakage_rate
    lap = sp.diags([np.ones(n - 1), -2 * np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="lil")
    lap[0, n - 1] = lap[n - 1, 0] = 1
    lap = lap.tocsc()
    eye = sp.identity(n, format="csc")
    lu = spl.splu((eye * (1 + dec) - r * lap).tocsc())
    B = (eye * (1 - dec) + r * lap).tocsc()
    x = np.arange(n) * h
    pos = np.stack([x, 0 * x], -1)
    field = gate.field()

    def source(tk):
        Ex = field.evaluate(pos, tk)[:, 0]
        return -medium.strength * D * (np.roll(Ex, -1) - np.roll(Ex, 1)) / (2 * h)

    f = np.zeros(n)
    s_old = source(t[0])
    for k in range(t.size - 1):
        s_new = source(t[k + 1])
        f = lu.solve(B @ f + 0.5 * dt * (s_old + s_new))
        s_old = s_new
    return f


def main(quick: bool) -> None:
    medium = DiffusiveMedium(
        diffusion_constant=0.01, strength=-1e5, leakage_time=1e-11, sheet_conductance=2.4e-4
    )
    gate = GratingGate(period=1e-6, distance=1e-7, frequency=10e9, harmonics=3)
    steps = 4000 if quick else 20000
    print(
        f"{'N':>6s} {'steps':>7s} {'tisot (s)':>10s} {'scipy (s)':>10s} {'speed-up':>9s} {'max rel diff':>13s}"
    )
    for n in (128, 512, 2048):
        t = np.linspace(0, steps * 1e-14, steps + 1)
        realspace_drive(medium, length=gate.period, points=n, times=t[:3], field=gate.field())
        t0 = time.perf_counter()
        da = realspace_drive(medium, length=gate.period, points=n, times=t, field=gate.field())
        t_tisot = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = baseline(medium, gate, n, t)
        t_base = time.perf_counter() - t0
        diff = np.max(np.abs(da.values[-1] - ref)) / np.max(np.abs(ref))
        print(
            f"{n:6d} {steps:7d} {t_tisot:10.3f} {t_base:10.3f} {t_base / t_tisot:9.1f} {diff:13.2e}"
        )
    print("\nwith screening (d = 50 nm, eps 9 / 100): FFT-circulant CN vs dense-LU CN")
    sgate = GratingGate(
        period=1e-6, distance=5e-8, frequency=10e9, harmonics=3, permittivity=9.0,
        substrate_permittivity=100.0,
    )  # fmt: skip
    print(
        f"{'N':>6s} {'steps':>7s} {'tisot (s)':>10s} {'scipy (s)':>10s} {'speed-up':>9s} {'max rel diff':>13s}"
    )
    s_steps = steps // 4
    for n in (128, 512):
        t = np.linspace(0, s_steps * 1e-14, s_steps + 1)
        kw = dict(length=sgate.period, points=n, field=sgate.field(), screening=sgate.layers)
        realspace_drive(medium, times=t[:3], **kw)
        t0 = time.perf_counter()
        da = realspace_drive(medium, times=t, **kw)
        t_tisot = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = screened_baseline(medium, sgate, n, t)
        t_base = time.perf_counter() - t0
        diff = np.max(np.abs(da.values[-1] - ref)) / np.max(np.abs(ref))
        print(
            f"{n:6d} {s_steps:7d} {t_tisot:10.3f} {t_base:10.3f} {t_base / t_tisot:9.1f} {diff:13.2e}"
        )
    # Fourier path: one evaluation of f(x) for a film
    gate_many = GratingGate(period=1e-6, distance=1e-7, frequency=10e9, harmonics=256)
    x = np.linspace(0, 1e-6, 4096, endpoint=False)
    r = np.stack([x, 0 * x], -1)
    t0 = time.perf_counter()
    hd = fourier_drive(gate_many.field(), medium)
    hd.complex_drive(r)
    print(f"Fourier path: 512 harmonics x 4096 points in {time.perf_counter() - t0:.4f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps")
    main(parser.parse_args().quick)
