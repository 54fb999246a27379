"""The engine against cmtj (an independent LLG code) on a film with demag and anisotropy.

Skipped when cmtj (the optional ``bench`` extra) is not installed. cmtj's conventions (read in
its core/junction.hpp): fields in A/m, H_demag = -N m Ms/mu0 with Ms in T and its own
mu0 = 1.2566e-6, H_anis = 2 K (m.u)/Ms u, LL form with gamma0/(1 + alpha^2), fixed-step RK4
projected on |m| = 1, and the logged state at time t is the one of t + dt.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tisot.dynamics import MacrospinBatch, simulate

cmtj = pytest.importorskip("cmtj")

MS_T, KU, ALPHA, DT, T_END = 1.0, 8e5, 0.02, 1e-13, 1e-9
M0 = (0.6, 0.0, 0.8)


def _constants():
    pc = cmtj.constants.PhysicalConstants
    return pc.gyromagnetic_ratio(), pc.magnetic_permeability()


def _cmtj_run(h_am, demag_z, anis_axis):
    from cmtj import AxialDriver, CVector, Junction, Layer, ScalarDriver, constantDriver

    demag = [CVector(0, 0, 0), CVector(0, 0, 0), CVector(0, 0, demag_z)]
    layer = Layer(
        "free", mag=CVector(*M0), anis=CVector(*anis_axis), Ms=MS_T, thickness=1e-9,
        cellSurface=1e-16, demagTensor=demag, damping=ALPHA,
    )  # fmt: skip
    layer.setAnisotropyDriver(ScalarDriver.getConstantDriver(KU))
    layer.setExternalFieldDriver(AxialDriver(*(constantDriver(float(c)) for c in h_am)))
    junction = Junction([layer])
    junction.runSimulation(T_END, DT, T_END / 50)
    log = junction.getLog()
    m = np.stack([log["free_mx"], log["free_my"], log["free_mz"]], axis=1)
    return np.asarray(log["time"]) + DT, m


@pytest.mark.parametrize(
    ("theta_deg", "anis_axis"),
    [(30.0, (0, 0, 1)), (75.0, (0, 0, 1)), (45.0, (1, 0, 0))],
)
def test_film_with_demag_and_anisotropy_matches_cmtj(theta_deg, anis_axis):
    """Thin film (N = diag(0, 0, 1)) with uniaxial Ku along z (perpendicular) or x (in plane)
    in a tilted 0.3 T field: same scheme and step -> same trajectory to ~1e-10; DOPRI5 at
    rtol 1e-10 -> to its tolerance."""
    gamma0, mu0 = _constants()
    th = math.radians(theta_deg)
    h_am = 0.3 / mu0 * np.array([math.sin(th), 0.0, math.cos(th)])
    t, m_cmtj = _cmtj_run(h_am, 1.0, anis_axis)
    axis = np.asarray(anis_axis, dtype=float)
    batch = MacrospinBatch(
        omega_h=gamma0 * h_am,
        anisotropy=gamma0 * (2 * KU / MS_T * axis - MS_T / mu0 * np.array([0.0, 0.0, 1.0])),
        alpha_iso=ALPHA,
        time_unit="s",
    )
    geo = simulate(batch, M0, t, method="geometric", dt=DT).m.values[0]
    assert np.max(np.abs(geo - m_cmtj)) < 1e-9  # steps shortened to land on its log times
    dop = simulate(batch, M0, t, rtol=1e-10, atol=1e-12).m.values[0]
    assert np.max(np.abs(dop - m_cmtj)) < 1e-6
    assert np.max(np.abs(m_cmtj[-1] - m_cmtj[0])) > 0.05  # it really moved
