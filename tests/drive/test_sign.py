"""The sign of the drive f of Eq. (4) from two independent routes, and the local current.

tisot's convention (docs/theory-notes.md): m is the moment direction, Delta_sd = -J_sd S
(``Coupling.surface``), Eq. (6) with its overall sign corrected (``tisot.torques.spin_density``),
T = (J_sd A/hbar) m x s (Eq. 2). Then f = eta i D q.E / (i omega - D q^2) (Eq. 4 as
printed) and the real-space kernel form carries a minus sign (tested in test_nonlocal_drive.py).

Route 1, by hand: continuity + Einstein relation give the diffusing charge n; electrons at the
Fermi level carry <sigma_z> = -Delta_z/eps; s_z = -(Delta_z/eps) n.
Route 2: Eq. (6) (corrected) with the closed-form K of tisot.response (App. B).
"""

import math

import numpy as np
import pytest

from tisot.constants import E_CHARGE, HBAR, MEV
from tisot.drive import DiffusiveMedium, current_amplitude, drive_amplitude
from tisot.model import Coupling
from tisot.response import analytic_response
from tisot.torques import diffusive_drive, spin_density

M_Z = 0.6
MAG = (0.8, 0.0, M_Z)


@pytest.fixture
def system():
    coupling = Coupling(exchange_coupling_mev=10.0, cell_area=1.5e-19, spin=3.0)
    model = coupling.surface(fermi_energy_mev=100.0, magnetization=MAG, disorder=0.05)
    return model, coupling, DiffusiveMedium.from_model(model, coupling)


def _q_omega(model):
    s = model.scales
    q_model, w_model = np.array([0.006, 0.008]), 0.004  # omega tau_tr, D q^2 tau_tr < 0.1
    return q_model, w_model, q_model * s.wavevector, w_model * s.rate


def _f_from_spin(s, coupling):
    # Eq. (2): T = (J_sd A / hbar) m x s; its part f m x (m_z z) comes from s_z alone (the
    # in-plane s is the fieldlike torque of Eq. 3)
    m = np.array(MAG)
    T = coupling.j_sd * coupling.cell_area / HBAR * np.cross(m, np.array([0.0, 0.0, s[2]]))
    m_x_mperp = np.cross(m, np.array([0.0, 0.0, M_Z]))
    return T[1] / m_x_mperp[1]  # m x z is along -y for m in the x-z plane


def test_sign_from_charge_diffusion_and_fermi_level_spin(system):
    model, coupling, med = system
    _, _, q, omega = _q_omega(model)
    E = np.array([2.0 + 1.0j, -0.5j])
    v = model.scales.velocity
    eps = 100.0 * MEV
    delta_z = coupling.exchange_energy_mev * MEV * M_Z  # Delta_sd m_z, Delta_sd = -J_sd S
    nu = eps / (2 * math.pi * HBAR**2 * v**2)  # density of states of one Dirac cone
    D = med.diffusion_constant
    # Einstein relation with the model's D and sigma0 (an independent consistency check)
    assert E_CHARGE**2 * nu * D == pytest.approx(med.sheet_conductance, rel=1e-12)
    # continuity: e (-i omega) n + i q.(sigma E - e D i q n) = 0
    n = 1j * E_CHARGE * nu * D * (q @ E) / (1j * omega - D * (q @ q))
    s = np.array(
        [0.0, 0.0, -(delta_z / eps) * n]
    )  # <sigma_z> = -Delta_z/eps, upper band of Eq. (1)
    f = drive_amplitude(med, q, omega, E)
    assert f == pytest.approx(_f_from_spin(s, coupling), rel=1e-12)
    # the same as the torque module's Eq. (4)
    assert f == pytest.approx(diffusive_drive(model, coupling, q, omega, E), rel=1e-12)


def test_sign_from_corrected_eq6_with_the_closed_form_K(system):
    model, coupling, med = system
    q_model, w_model, q, omega = _q_omega(model)
    K = analytic_response(model, q_model, w_model, corrections=False)
    E = np.array([1.0 - 0.3j, 0.7 + 0.2j])
    s = spin_density(model, K, field=E)
    assert drive_amplitude(med, q, omega, E) == pytest.approx(_f_from_spin(s, coupling), rel=1e-9)


def test_current_conserves_charge(system):
    # e (-i omega) n + i q.J = 0 with the diffusing charge n of the first test
    model, _, med = system
    _, _, q, omega = _q_omega(model)
    E = np.array([0.3 + 2.0j, 1.1])
    J = current_amplitude(med, q, omega, E)
    D = med.diffusion_constant
    n_e = 1j * med.sheet_conductance * (q @ E) / (1j * omega - D * (q @ q))  # e n = e^2 nu D ...
    assert -1j * omega * n_e + 1j * (q @ J) == pytest.approx(0.0, abs=1e-12 * abs(q @ J))
    # the transverse part flows freely: J_perp = G E_perp
    qhat = q / np.linalg.norm(q)
    perp = np.array([-qhat[1], qhat[0]])
    assert perp @ J == pytest.approx(med.sheet_conductance * (perp @ E), rel=1e-12)
