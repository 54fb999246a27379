"""Spectra and fits in linear response (tisot.experiments.spectra / fitting) against the
time-integrated path a user would otherwise take.

Problem: Bi2Se3/EuS device (gate 1 um, 10 GHz, field at 60 deg from the normal), a 100-point field
sweep around the resonance and a 2-parameter fit (fm.damping, interface.exchange_mev) of a noisy
synthetic copy of it.

* tisot: :func:`tisot.experiments.spectra.spectrum` (every harmonic's spin wave in linear response)
  and :func:`tisot.experiments.fitting.fit_spectrum` (lmfit on it, equilibria and drives cached);
* baselines: the steady state of Eq. (18) integrated in time, (a) for the same film over one
  gate period (tisot.experiments.device_dynamics.steady_state, 64 points, exchange and dipolar
  kernel: the same physics; timed on a few fields and scaled to the sweep) and (b) for a
  macrospin (tisot.experiments.resonance.spectrum, one batched numba run over the sweep: less
  physics); a fit on them costs (evaluations of the tisot fit) x (one sweep), printed as
  "extrapolated" (a film fit would take hours; the macrospin sweep is timed once);
* agreement: the linear response and the time integration of the same uniform macrospin problem
  (small drive).

Run: ``.venv/bin/python benchmarks/bench_fit.py [--quick]``. Numba compilation is excluded.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from tisot.device import Device
from tisot.experiments import spectra
from tisot.experiments.fitting import fit_spectrum
from tisot.experiments.resonance import spectrum as time_integrated
from tisot.magnet import MU0, FilmMagnet


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(quick: bool) -> None:
    rng = np.random.default_rng(1)
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores shared)")
    n = 40 if quick else 100
    dev = Device.from_presets("Bi2Se3", "EuS", overrides={
        "fm.damping": 0.01, "surface.disorder_alpha": 0.05, "environment.field_theta_deg": 60.0})  # fmt: skip
    x = np.linspace(95.0, 150.0, n)

    # 1. one field sweep, cold (new device values: equilibria and drives computed) and warm
    spectra.spectrum(dev, field_mt=x[:2], frequency_ghz=10.0)  # imports, numba
    cold, _ = best_of(lambda: spectra.spectrum(
        dev.with_values({"gate.voltage_v": 0.1 + 1e-3 * rng.random()}), field_mt=x,
        frequency_ghz=10.0, observables=["power"]), 1)  # fmt: skip
    warm, _ = best_of(
        lambda: spectra.spectrum(dev, field_mt=x, frequency_ghz=10.0, observables=["power"]), 3
    )
    every, _ = best_of(lambda: spectra.spectrum(dev.with_values({"gate.voltage_v": 0.1 + 1e-3 * rng.random()}),
                                                field_mt=x, frequency_ghz=10.0), 1)  # fmt: skip

    # 2. baseline: the time-integrated macrospin steady state over the same number of points
    w = np.linspace(0.8, 1.2, n)  # drive frequency / omega0
    time_integrated("omega", w[:2], omega0=1.0, f0=1e-3, alpha_g=0.02)  # numba compile
    base, ref = best_of(lambda: time_integrated("omega", w, omega0=1.0, f0=1e-3, alpha_g=0.02), 1)
    # 2b. the same physics in time: the film over one gate period (device_dynamics.steady_state)
    from tisot.experiments.device_dynamics import steady_state

    picks = x[[n // 2]] if quick else x[[n // 4, n // 2, 3 * n // 4]]
    t0 = time.perf_counter()
    agree = []
    for b in picks:
        d = dev.with_values({"environment.field_mt": float(b)})
        ss = steady_state(d, points=64)
        lin1 = spectra.spectrum(d, field_mt=[float(b)], frequency_ghz=10.0, observables=["power"])
        agree.append(float(ss.absorbed_power.mean()) / float(lin1.power[0]) - 1)
    film_per_point = (time.perf_counter() - t0) / len(picks)
    print(f"\n{n}-point field sweep")
    print(f"  tisot linear response, power, cold (equilibria + drives)  {cold:8.3f} s")
    print(f"  tisot linear response, power, warm (cached, as in a fit)  {warm:8.3f} s")
    print(f"  tisot linear response, all 10 observables incl. dP/dH      {every:8.3f} s")
    print(f"  baseline: time-integrated Eq. (18), macrospin             {base:8.3f} s")
    print(f"  ratio baseline / tisot (cold)                             {base / cold:8.1f} x")
    print(
        f"  time-integrated film, 64 points, {len(picks)} field(s): per field   {film_per_point:8.2f} s"
    )
    print(
        f"    -> {n} fields (extrapolated: per field x {n})           {n * film_per_point:8.1f} s"
    )
    print(
        f"  ratio film (extrapolated) / tisot (cold)                  {n * film_per_point / cold:8.0f} x"
    )
    print(
        f"  agreement film vs linear (power, max rel.)                {max(map(abs, agree)):8.1e}"
    )

    # 3. agreement on the problem both can do: a uniform diffusive drive of a free macrospin
    ms = 1.0e6
    magnet = FilmMagnet(ms=ms, ku=0.5 * MU0 * ms**2)  # Meff = 0: the engine's macrospin
    b = 0.2
    om0 = magnet.gamma * b
    chi = math.pi / 4
    direction = np.array([math.sin(chi), 0.0, math.cos(chi)])
    lin = np.array([
        spectra.uniform_drive(magnet, b * direction[None], wi * om0 / (2e9 * math.pi),
                              lambda m: 1e-3 * om0 * m[2] * np.cross(m, [0.0, 0.0, 1.0]),
                              alpha_g=0.02, observables=("power",))["power"].real[0]
        for wi in w
    ]) / (ms * 1e-9 / magnet.gamma) / om0**2  # fmt: skip
    err = np.max(np.abs(lin - ref.absorbed_power.values)) / ref.absorbed_power.values.max()
    print(f"  agreement linear vs time-integrated (max |dP| / max P)    {err:8.1e}")

    # 4. a 2-parameter fit of a noisy synthetic spectrum
    truth = {"fm.damping": 0.012, "interface.exchange_mev": -8.0}
    y = spectra.spectrum(
        dev.with_values(truth), field_mt=x, frequency_ghz=10.0, observables=["power"]
    ).power.values
    sigma = 0.02 * y.max()
    y = y + sigma * np.random.default_rng(0).standard_normal(y.size)
    t0 = time.perf_counter()
    res = fit_spectrum(dev, x, y, np.full(n, sigma), free=list(truth), other=10.0)
    tfit = time.perf_counter() - t0
    print(f"\n2-parameter fit of {n} points (fm.damping, interface.exchange_mev)")
    for k, v in truth.items():
        print(f"  {k:24s} {res.values[k]:.5g} +- {res.stderr[k]:.2g}   (truth {v})")
    print(f"  reduced chi2 {res.reduced_chi2:.3f}, {res.nfev} evaluations")
    print(f"  tisot fit                                                 {tfit:8.2f} s")
    macro, film = res.nfev * base, res.nfev * n * film_per_point
    w = len("  tisot fit                                                 ")
    print(f"  baseline: {res.nfev} x macrospin sweep (extrapolated)".ljust(w) + f"{macro:8.2f} s")
    print(f"  baseline: {res.nfev} x film sweep (extrapolated)".ljust(w) + f"{film:8.0f} s")
    print(f"  ratio film (extrapolated) / tisot fit                     {film / tfit:8.0f} x")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="40 points instead of 100")
    main(p.parse_args().quick)
