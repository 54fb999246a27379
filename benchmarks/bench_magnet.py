"""tisot.magnet against the code a user would otherwise write, in the same run.

1. Equilibrium + Smit–Beljers frequency along a field sweep (the lab's FMR sweep at 45 deg):
   * tisot: ``equilibrium`` (scan + Newton on the sphere) and ``resonance_frequency``;
   * baseline: scipy.optimize.minimize (Nelder–Mead on theta, phi) from 12 starts per field and
     the Smit–Beljers formula by finite differences of E(theta, phi).
2. A driven spectrum (linear response at 1e5 frequencies):
   * tisot: ``driven_response`` (closed-form 2x2 solve, vectorised over frequency);
   * baseline: numpy.linalg.solve of the 3x3 linearised LLG per frequency in a Python loop.

The results of each pair are compared. Run: ``.venv/bin/python benchmarks/bench_magnet.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
from scipy.optimize import minimize

from tisot.magnet import (
    FilmMagnet,
    driven_response,
    equilibrium,
    field_vector,
    resonance_frequency,
)

MAGNET = FilmMagnet(ms=1193.7e3, ku=1e5, kc=1e4)


def sphere(t, p):
    return np.array([math.sin(t) * math.cos(p), math.sin(t) * math.sin(p), math.cos(t)])


def baseline_point(magnet, b):
    """Multi-start Nelder–Mead, then Smit–Beljers by central differences (spherical angles)."""

    def energy(x):
        return float(magnet.energy(sphere(*x), b))

    best = None
    for t0 in np.linspace(0.2, math.pi - 0.2, 3):
        for p0 in np.linspace(-math.pi, math.pi, 4, endpoint=False):
            r = minimize(
                energy, [t0, p0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}
            )
            if best is None or r.fun < best.fun:
                best = r
    t, p = best.x
    h = 1e-4
    ett = (energy([t + h, p]) - 2 * energy([t, p]) + energy([t - h, p])) / h**2
    epp = (energy([t, p + h]) - 2 * energy([t, p]) + energy([t, p - h])) / h**2
    etp = (energy([t + h, p + h]) - energy([t + h, p - h]) - energy([t - h, p + h])
           + energy([t - h, p - h])) / (4 * h * h)  # fmt: skip
    f = magnet.gamma * math.sqrt(max(ett * epp - etp**2, 0)) / (magnet.ms * abs(math.sin(t)))
    return sphere(t, p), f / (2 * math.pi)


def baseline_spectrum(magnet, b, m0, freqs, torque, alpha):
    """3x3 linearised LLG, (-i w (1 - alpha [m0]x) - A) dm = T_perp, one solve per frequency."""

    def rate(m):
        return -magnet.gamma * np.cross(m, magnet.effective_field(m, b))

    h = 1e-7
    a = np.column_stack([(rate(m0 + h * e) - rate(m0 - h * e)) / (2 * h) for e in np.eye(3)])
    cross = np.array([[0, -m0[2], m0[1]], [m0[2], 0, -m0[0]], [-m0[1], m0[0], 0]])
    t_perp = torque - m0 * (m0 @ torque)
    out = np.empty((freqs.size, 3), dtype=complex)
    for i, f in enumerate(freqs):
        w = 2 * math.pi * f
        out[i] = np.linalg.solve(-1j * w * (np.eye(3) - alpha * cross) - a, t_perp)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_fields = 10 if args.quick else 40
    n_freq = 10_000 if args.quick else 100_000
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: timings are indicative)")

    fields = [field_vector(b, 45.0, 10.0) for b in np.linspace(0.02, 1.5, n_fields)]
    t = time.perf_counter()
    ours = []
    for b in fields:
        m = equilibrium(MAGNET, b).m
        ours.append((m, resonance_frequency(MAGNET, b, m)))
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    base = [baseline_point(MAGNET, b) for b in fields]
    t_base = time.perf_counter() - t
    dm = max(np.linalg.norm(o[0] - r[0]) for o, r in zip(ours, base, strict=True))
    df = max(abs(o[1] / r[1] - 1) for o, r in zip(ours, base, strict=True))
    print(
        f"equilibrium + f, {n_fields} fields: tisot {1e3 * t_ours / n_fields:.2f} ms/field, "
        f"baseline {1e3 * t_base / n_fields:.2f} ms/field, ratio {t_base / t_ours:.1f}x; "
        f"max |dm| {dm:.1e}, max rel df {df:.1e}"
    )

    b = fields[n_fields // 3]
    m0 = ours[n_fields // 3][0]
    f0 = ours[n_fields // 3][1]
    freqs = np.linspace(0.5, 1.5, n_freq) * f0
    torque = np.array([1e7, 3e6j, 0.0])
    t = time.perf_counter()
    spec = driven_response(MAGNET, b, m0, freqs, torque, alpha=0.01)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    spec_base = baseline_spectrum(MAGNET, b, m0, freqs, torque, 0.01)
    t_base = time.perf_counter() - t
    err = np.abs(spec - spec_base).max() / np.abs(spec).max()
    print(
        f"driven spectrum, {n_freq} frequencies: tisot {1e3 * t_ours:.1f} ms, baseline "
        f"{1e3 * t_base:.1f} ms, ratio {t_base / t_ours:.0f}x; max rel difference {err:.1e}"
    )


if __name__ == "__main__":
    main()
