"""tisot's engine against cmtj on a thin film with demagnetisation and perpendicular anisotropy.

The problem (no spin torques): a film with mu0 Ms = 1 T, demagnetising tensor diag(0, 0, 1),
uniaxial Ku = 0.8 MJ/m^3 along the normal (net perpendicular anisotropy field 2 Ku/Ms - Ms =
0.6 T), Gilbert damping 0.02, in a 0.3 T field tilted from the normal, relaxing from m0 =
(0.6, 0, 0.8) for 2 ns. N field angles from 0 to 80 degrees are N independent runs.

cmtj (pip install cmtj, the ``bench`` extra) integrates each junction with its fixed-step RK4
projected on |m| = 1, in the Landau-Lifshitz form with gamma/(1 + alpha^2), fields in A/m,
H_anis = 2 K (m.z)/Ms z, H_demag = -N m Ms/mu0 (Ms in T, its own mu0 = 1.2566e-6). The same
equation in tisot (Eq. M1 of tisot.dynamics.equation): omega_h = gamma0 H,
anisotropy_z = gamma0 (2 Ku/Ms - Ms/mu0), alpha_iso = alpha (Gilbert form, identical to LL
with gamma/(1 + alpha^2)), gamma0 = cmtj's gyromagnetic ratio (m/(A s)).

Printed: the wall time and spin-steps/s of each (all N runs of both timed, nothing
extrapolated), their ratio, and the agreement of the trajectories, max over trajectories and
logged times of |m_tisot - m_cmtj|. cmtj's log at time t holds the state one step later
(t + dt); the comparison accounts for that.

Run: ``.venv/bin/python benchmarks/bench_cmtj_magnetostatics.py [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from tisot.dynamics import MacrospinBatch, simulate

MS_T = 1.0  # mu0 Ms, T (cmtj's Ms)
KU = 8e5  # J/m^3
ALPHA = 0.02
FIELD_T = 0.3
M0 = np.array([0.6, 0.0, 0.8])


def cmtj_constants() -> tuple[float, float]:
    from cmtj import constants

    pc = constants.PhysicalConstants
    return pc.gyromagnetic_ratio(), pc.magnetic_permeability()


def field_am(theta_deg: np.ndarray) -> np.ndarray:
    """(N, 3) applied H in A/m (cmtj's mu0) at polar angles theta from the normal, in x-z."""
    _, mu0 = cmtj_constants()
    th = np.radians(theta_deg)
    return FIELD_T / mu0 * np.stack([np.sin(th), np.zeros_like(th), np.cos(th)], axis=-1)


def run_cmtj(h_am: np.ndarray, dt: float, t_end: float, write: float):
    """One cmtj junction; returns (times with the one-step shift applied, (T, 3) m)."""
    from cmtj import AxialDriver, CVector, Junction, Layer, ScalarDriver, constantDriver

    layer = Layer(
        "free",
        mag=CVector(*M0),
        anis=CVector(0, 0, 1),
        Ms=MS_T,
        thickness=1e-9,
        cellSurface=1e-16,
        demagTensor=[CVector(0, 0, 0), CVector(0, 0, 0), CVector(0, 0, 1)],
        damping=ALPHA,
    )
    layer.setAnisotropyDriver(ScalarDriver.getConstantDriver(KU))
    layer.setExternalFieldDriver(AxialDriver(*(constantDriver(float(c)) for c in h_am)))
    junction = Junction([layer])
    junction.runSimulation(t_end, dt, write)
    log = junction.getLog()
    m = np.stack([log["free_mx"], log["free_my"], log["free_mz"]], axis=1)
    return np.asarray(log["time"]) + dt, m


def tisot_batch(h_am: np.ndarray) -> MacrospinBatch:
    gamma0, mu0 = cmtj_constants()
    return MacrospinBatch(
        omega_h=gamma0 * h_am,
        anisotropy=(0.0, 0.0, gamma0 * (2 * KU / MS_T - MS_T / mu0)),
        alpha_iso=ALPHA,
        time_unit="s",
    )


def _best(fn, repeat: int = 3):
    """(result, best wall time of ``repeat`` calls): the machine is shared, take the least load."""
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trajectories")
    args = parser.parse_args()
    dt, t_end = 1e-13, 2e-9
    steps = round(t_end / dt)
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared with other processes)")
    simulate(tisot_batch(field_am(np.array([30.0]))), M0, [dt * 10], method="geometric", dt=dt)
    for n in (1, 16) if args.quick else (1, 64, 1024):
        theta = np.linspace(0.0, 80.0, n)
        h = field_am(theta)
        # cmtj runs one junction at a time (~0.04 s each): timed on all N, once for large N
        cm, cm_el = _best(
            lambda h=h: [run_cmtj(hi, dt, t_end, t_end / 200) for hi in h],
            repeat=3 if n <= 64 else 1,
        )
        batch = tisot_batch(h)
        t_log = cm[0][0]
        geo, geo_el = _best(lambda b=batch, t=t_log: simulate(b, M0, t, method="geometric", dt=dt))
        dop, dop_el = _best(lambda b=batch, t=t_log: simulate(b, M0, t, rtol=1e-10, atol=1e-12))
        ref = np.stack([m for _, m in cm])
        d_geo = np.max(np.abs(geo.m.values - ref))
        d_dop = np.max(np.abs(dop.m.values - ref))
        rate = n * steps
        print(f"\nN = {n}: {steps} RK4 steps of {dt:g} s each (every run timed, none scaled)")
        print(f"  {'':34}{'wall s':>10}{'spin-steps/s':>15}{'max |dm|':>11}")
        print(f"  {'cmtj RK4 (one junction at a time)':34}{cm_el:>10.3f}{rate / cm_el:>15.3e}")
        print(
            f"  {'tisot geometric (same RK4, dt)':34}{geo_el:>10.3f}{rate / geo_el:>15.3e}{d_geo:>11.1e}"
        )
        print(
            f"  {'tisot dopri rtol 1e-10':34}{dop_el:>10.3f}{'':>15}{d_dop:>11.1e}"
            f"   ({int(dop.steps.values.mean())} steps per trajectory)"
        )
        print(f"  ratio tisot geometric / cmtj: {cm_el / geo_el:.1f}x faster")
        print(f"  ratio tisot dopri / cmtj    : {cm_el / dop_el:.1f}x faster")
        print(f"  final m_z (theta_H = {theta[-1]:.0f} deg): {geo.m.values[-1, -1, 2]:.6f}")


if __name__ == "__main__":
    main()
