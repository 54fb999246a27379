"""Real-space drive (tisot.drive.realspace_drive) against a plain scipy baseline, and the
Fourier path's cost per harmonic.

Problem: a 1 um grated gate (3 harmonics, 10 GHz) on a periodic line of N points, the diffusion
equation df/dt = D f'' - f/tau_phi - eta D dE/dx marched by Crank-Nicolson for S steps.

* tisot: numba Sherman-Morrison/Thomas kernel, sources of a harmonic field tabulated at once;
* baseline: the same scheme with scipy.sparse.linalg.splu and the field evaluated per step in a
  Python loop (the straightforward way);
* the two results are compared (same scheme: they must agree to rounding).

Run: ``.venv/bin/python benchmarks/bench_drive.py [--quick]``. Numba compilation is excluded.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl

from tisot.drive import DiffusiveMedium, GratingGate, fourier_drive, realspace_drive


def baseline(medium, gate, n, t):
    h = gate.period / n
    dt = t[1] - t[0]
    D = medium.diffusion_constant
    r = D * dt / (2 * h * h)
    dec = 0.5 * dt * medium.dephasing_rate
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
    medium = DiffusiveMedium(diffusion_constant=0.01, strength=-1e5, dephasing_time=1e-11)
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
