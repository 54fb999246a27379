"""Screening of the gate field by the surface electrons: limits, electrostatics, conservation.

References independent of tisot.drive.screening: the Thomas-Fermi and quantum-capacitance
formulas with nu = eps/(2 pi hbar^2 v^2) worked out by hand; a finite-difference solution of
Poisson's equation across the layers; continuity of charge and current; the real-space
(Crank-Nicolson + Poisson) path; the exact ladder.
"""

import math

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import linalg as splinalg

from tisot.constants import CONDUCTANCE_QUANTUM, E_CHARGE, EPSILON_0, HBAR, MEV
from tisot.drive import (
    DiffusiveMedium,
    GratingGate,
    LayeredDielectric,
    Screening,
    SurfaceField,
    SurfacePolarizability,
    current_amplitude,
    drive_amplitude,
    fourier_drive,
    realspace_response,
    screening_factor,
    screening_wavevector,
)
from tisot.model import Coupling

EPS_MEV, VEL = 100.0, 5e5  # Bi2Se3-like surface
L = 1e-6
Q = 2 * math.pi / L


@pytest.fixture(scope="module")
def system():
    coupling = Coupling(exchange_coupling_mev=4.0, cell_area=1.5e-19, spin=3.0)
    model = coupling.surface(
        fermi_energy_mev=EPS_MEV, magnetization=(0.6, 0.0, 0.8), disorder=0.05, velocity=VEL
    )
    return model, coupling, DiffusiveMedium.from_model(model, coupling)


def e2nu_by_hand():
    """e^2 nu with nu = eps/(2 pi hbar^2 v^2), one Dirac cone (F/m^2)."""
    return E_CHARGE**2 * EPS_MEV * MEV / (2 * math.pi * HBAR**2 * VEL**2)


def test_static_far_gate_is_thomas_fermi(system):
    model = system[0]
    eps_d, eps_s = 9.0, 100.0
    q_s = e2nu_by_hand() / (EPSILON_0 * (eps_d + eps_s))  # e^2 nu / (2 eps0 eps_bar)
    assert screening_wavevector(model, 0.5 * (eps_d + eps_s)) == pytest.approx(q_s, rel=1e-10)
    assert 3 < q_s / Q < 5  # the "several times q" for Bi2Se3
    k = screening_factor(model, Q, 0.0, distance=20 * L, eps_gate=eps_d, eps_substrate=eps_s)
    assert k == pytest.approx(1 / (1 + q_s / Q), rel=1e-9)
    # several periods: 1/(1 + q_s/q)
    qs = Q * np.array([0.3, 1.0, 4.0])
    k = screening_factor(model, qs, 0.0, distance=20 * L, eps_gate=eps_d, eps_substrate=eps_s)
    np.testing.assert_allclose(k, 1 / (1 + q_s / qs), rtol=1e-9)


def test_static_close_gate_is_the_quantum_capacitance_ratio(system):
    model = system[0]
    d, eps_d = 10e-9, 5.0
    ratio = 1 / (1 + e2nu_by_hand() * d / (EPSILON_0 * eps_d))
    period = 100e-6  # q d = 6e-4
    k = screening_factor(
        model, 2 * math.pi / period, 0.0, distance=d, eps_gate=eps_d, eps_substrate=1.0
    )
    assert k == pytest.approx(ratio, rel=2e-4)
    assert 0.05 < ratio < 0.5  # a real effect: the surface holds most of the gate's charge


def test_dynamic_factor_moves_the_diffusion_pole_to_the_screened_rate(system):
    med = system[2]
    eps_bar, d = 50.0, 50 * L  # far gate
    layers = LayeredDielectric(distance=d, permittivity=eps_bar, substrate_permittivity=eps_bar)
    surface = SurfacePolarizability(system[0], "analytic", {"corrections": "leading"})
    q_s = e2nu_by_hand() / (2 * EPSILON_0 * eps_bar)
    gamma = med.diffusion_constant * Q * (Q + q_s)  # D q (q + q_s)
    omega = gamma * np.array([0.0, 0.1, 1.0, 10.0])
    E_ext = 1.0 + 0.0j
    k = Screening(layers, surface).factor(Q, omega)
    # the drive on the screened field: Eq. (4) times the factor has its pole at i omega = gamma
    f = drive_amplitude(med, [Q, 0.0], omega, np.stack([k * E_ext, 0 * k], -1))
    f_times_pole = f * (gamma - 1j * omega)
    np.testing.assert_allclose(f_times_pole, f_times_pole[0], rtol=1e-8)
    # at omega = gamma the drive has fallen to 1/sqrt(2) of its static value
    assert abs(f[2] / f[0]) == pytest.approx(1 / math.sqrt(2), rel=1e-8)
    # the library's screened rate is this pole, whichever way the surface is described
    for surf in (surface, med):
        rate = Screening(layers, surf).relaxation_rate(Q)
        assert rate == pytest.approx(gamma, rel=1e-8)


def test_unscreened_limit_at_high_frequency(system):
    model = system[0]
    eps_bar = 50.0
    layers = LayeredDielectric(
        distance=50 * L, permittivity=eps_bar, substrate_permittivity=eps_bar
    )
    surface = SurfacePolarizability(model, "analytic", {"corrections": "leading"})
    sigma = model.sigma0 * CONDUCTANCE_QUANTUM
    maxwell = sigma * Q / (2 * EPSILON_0 * eps_bar)  # 2D Maxwell rate sigma q / (2 eps0 eps_bar)
    omega = maxwell * np.array([1e2, 1e3, 1e4])
    k = Screening(layers, surface).factor(Q, omega)
    # 1 - k -> i maxwell / omega: the field is unscreened for omega >> D q (q + q_s)
    np.testing.assert_allclose((1 - k) * omega / (1j * maxwell), 1.0, rtol=2e-2)
    assert abs(1 - k[-1]) < 2e-4


def _poisson_fd(q, d, eps_d, eps_s, rho, per_d=200):
    """phi(z) of a sheet charge rho e^{iqx} at z = 0 by finite differences across the layers.

    d/dz(eps dphi/dz) - eps q^2 phi = -rho delta(z)/eps0, phi(d) = 0 (gate), phi(-Z) = 0, on a
    uniform grid with nodes on the sheet and on the gate.
    """
    h = d / per_d
    below = math.ceil(12.0 / q / h)
    z = h * np.arange(-below, per_d + 1)
    n, i0 = z.size, below
    eps_node = np.where(z > 0, eps_d, eps_s).astype(float)
    eps_node[i0] = 0.5 * (eps_d + eps_s)
    eps_half = np.where(0.5 * (z[1:] + z[:-1]) > 0, eps_d, eps_s)
    main = -(np.r_[eps_half, 0] + np.r_[0, eps_half]) / h**2 - eps_node * q**2
    A = sparse.diags([eps_half / h**2, main, eps_half / h**2], [-1, 0, 1], format="lil")
    b = np.zeros(n)
    b[i0] = -rho / (EPSILON_0 * h)
    for i in (0, n - 1):  # Dirichlet ends
        A[i, :] = 0
        A[i, i] = 1.0
        b[i] = 0.0
    return z, splinalg.spsolve(A.tocsr(), b), i0


@pytest.mark.parametrize(("d", "eps_d", "eps_s"), [(50e-9, 9.0, 100.0), (300e-9, 4.0, 1.0)])
def test_layered_green_function_against_finite_difference_poisson(d, eps_d, eps_s):
    layers = LayeredDielectric(distance=d, permittivity=eps_d, substrate_permittivity=eps_s)
    rho = 1e-4  # C/m^2
    z, phi, i0 = _poisson_fd(Q, d, eps_d, eps_s, rho)
    assert phi[i0] == pytest.approx(layers.green(Q) * rho, rel=1e-4)
    inside = (z > -3 / Q) & (z < d)
    np.testing.assert_allclose(
        phi[inside], layers.sheet_potential(Q, z[inside]) * rho, atol=2e-4 * abs(phi[i0])
    )


def test_gate_field_with_screening_is_self_consistent(system):
    # phi_tot(0) = phi_gate(0) + G rho and rho = -chi phi_tot: Poisson and the response at once
    med = system[2]
    gate = GratingGate(
        period=L, distance=80e-9, frequency=5e9, harmonics=5, permittivity=9.0,
        substrate_permittivity=100.0,
    )  # fmt: skip
    bare, total = gate.field(), gate.field(screening=med)
    scr = gate.screening(med)
    q = gate.orders() * gate.wavevector
    phi_bare = 1j * bare.amplitudes[:, 0] / q  # E = -i q phi
    phi_tot = 1j * total.amplitudes[:, 0] / q
    rho = scr.induced_charge(total)
    np.testing.assert_allclose(phi_tot, phi_bare + gate.layers.green(q) * rho, rtol=1e-12)
    # the default is the paper's unscreened field
    np.testing.assert_array_equal(gate.field().amplitudes, bare.amplitudes)
    assert np.all(np.abs(total.amplitudes[:, 0]) < np.abs(bare.amplitudes[:, 0]))


def test_screened_charge_and_current_obey_continuity(system):
    model, coupling, _ = system
    med = DiffusiveMedium.from_model(model, coupling, leakage_time=2e-12)
    gate = GratingGate(period=L, distance=60e-9, frequency=20e9, harmonics=4, permittivity=20.0)
    total = gate.field(screening=med)
    rho = gate.screening(med).induced_charge(total)
    J = current_amplitude(med, total.wavevectors, total.omega, total.amplitudes)
    qJ = np.einsum("ni,ni->n", total.wavevectors, J)
    residual = -1j * total.omega * rho + 1j * qJ + rho / med.leakage_time
    assert np.max(np.abs(residual)) < 1e-12 * np.max(np.abs(qJ))


def test_transverse_and_uniform_fields_pass_unscreened(system):
    med = system[2]
    layers = LayeredDielectric(distance=50e-9, permittivity=9.0, substrate_permittivity=50.0)
    f = SurfaceField(np.array([[Q, 0.0], [0.0, 0.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), 1e10)
    out = Screening(layers, med).screen(f)
    k = Screening(layers, med).factor(Q, 1e10)
    np.testing.assert_allclose(out.amplitudes, [[k, 2.0], [3.0, 4.0]], rtol=1e-14)


def test_model_response_and_medium_closed_form_agree(system):
    # K's longitudinal entry by continuity (leading order) = the medium's sigma q^2/(D q^2 - i w)
    med = system[2]
    surface = SurfacePolarizability(system[0], "analytic", {"corrections": "leading"})
    q = Q * np.array([0.5, 1.0, 3.0])
    for omega in (0.0, 2 * math.pi * 1e9, 2 * math.pi * 200e9):
        np.testing.assert_allclose(
            surface.polarizability(q, omega), med.polarizability(q, omega), rtol=1e-9
        )


def test_leakage_in_the_model_response_matches_the_medium(system):
    model, coupling, _ = system
    med = DiffusiveMedium.from_model(model, coupling, leakage_time=3e-12)
    surface = SurfacePolarizability(model, "analytic", {"corrections": "leading"}, 3e-12)
    q = Q * np.array([0.5, 2.0])
    for omega in (0.0, 2 * math.pi * 50e9):
        np.testing.assert_allclose(
            surface.polarizability(q, omega), med.polarizability(q, omega), rtol=1e-9
        )
    # leakage empties the static charge at long wavelengths: chi(q -> 0, 0) -> sigma q^2 tau_L
    chi = med.polarizability(1e3, 0.0)
    assert chi == pytest.approx(med.sheet_conductance * 1e6 * 3e-12, rel=1e-3)


def test_ladder_screening_agrees_with_the_closed_form_in_the_diffusive_regime(system):
    model = system[0]
    kw = dict(distance=50e-9, eps_gate=9.0, eps_substrate=100.0)
    omega = np.array([0.0, 2 * math.pi * 10e9])
    lad = screening_factor(model, Q, omega, method="ladder", **kw)
    ana = screening_factor(model, Q, omega, method="analytic", **kw)
    # the ladder differs by O(alpha ln(p_c/eps)) and O(q ell) terms only (alpha = 0.05 here)
    np.testing.assert_allclose(lad, ana, rtol=4e-2)
    assert abs(lad[0].imag) < 1e-5


@pytest.mark.parametrize("screen", [False, True])
def test_realspace_and_fourier_agree_with_screening(system, screen):
    med = system[2]
    gate = GratingGate(
        period=L, distance=50e-9, voltage=0.1, frequency=10e9, harmonics=3, permittivity=9.0,
        substrate_permittivity=100.0,
    )  # fmt: skip
    period_t = 1 / gate.frequency
    t = np.linspace(0, 1.5 * period_t, 301)
    ds = realspace_response(
        med, length=L, points=256, times=t, field=gate.field(), substeps=4,
        screening=gate.layers if screen else None,
    )  # fmt: skip
    x = ds.x.values
    r = np.stack([x, 0 * x], -1)
    total = gate.field(screening=med if screen else None)
    hd = fourier_drive(total, med)
    late = t > 0.5 * period_t
    f_ref = hd.evaluate(r, t)
    assert np.max(np.abs(ds.f.values[late] - f_ref[late])) < 3e-3 * np.max(np.abs(f_ref))
    phase = np.exp(-1j * gate.omega * t)[:, None]
    E_ref = np.real(total._phases(r) @ total.amplitudes[:, 0] * phase)
    xm = ds.x_mid.values
    J_ref = np.real(hd.complex_current(np.stack([xm, 0 * xm], -1))[:, 0] * phase)
    assert np.max(np.abs(ds.E_x.values[late] - E_ref[late])) < 3e-3 * np.max(np.abs(E_ref))
    # J is a small difference of drift and diffusion (omega << D q^2): O((k h)^2) of each
    assert np.max(np.abs(ds.J_x.values[late] - J_ref[late])) < 1e-2 * np.max(np.abs(J_ref))
    # the same from the layers passed to the Fourier path directly
    hd2 = fourier_drive(gate.field(), med, screening=gate.layers if screen else None)
    np.testing.assert_allclose(hd2.drive, hd.drive, rtol=1e-12)
    if screen:  # screening is a real, large effect here
        unscreened = fourier_drive(gate.field(), med).evaluate(r, t)
        assert np.max(np.abs(f_ref)) < 0.5 * np.max(np.abs(unscreened))


def test_realspace_charge_and_current_obey_continuity(system):
    # Crank-Nicolson is the trapezoid rule in time, so with one step per output
    # (rho_{n+1} - rho_n)/dt + mean_n,n+1(div J + rho/tau_L) = 0 must hold for the reported
    # charge, total field (gate + induced) and current, to rounding.
    model, coupling, _ = system
    med = DiffusiveMedium.from_model(model, coupling, leakage_time=20e-12)
    gate = GratingGate(period=L, distance=50e-9, frequency=10e9, harmonics=3, permittivity=9.0)
    t = np.linspace(0, 20e-12, 201)
    n = 128
    ds = realspace_response(
        med, length=L, points=n, times=t, field=gate.field(), substeps=1, screening=gate.layers
    )
    rho, J, h = ds.rho.values, ds.J_x.values, L / n
    div_J = (J - np.roll(J, 1, axis=1)) / h  # J on the midpoints
    loss = div_J + rho / med.leakage_time
    residual = (rho[1:] - rho[:-1]) / (t[1] - t[0]) + 0.5 * (loss[1:] + loss[:-1])
    assert np.max(np.abs(residual)) < 1e-9 * np.max(np.abs(div_J))
    # the screening field is really there: E_x differs from the gate's by the induced part
    E_gate = gate.surface_field(ds.x.values, t[-1])
    assert np.max(np.abs(ds.E_x.values[-1] - E_gate)) > 0.3 * np.max(np.abs(E_gate))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distance": -1e-9}, "distance must be >= 0"),
        ({"eps_gate": -2.0}, "permittivity must be > 0"),
        ({"eps_substrate": 0.0}, "substrate_permittivity must be > 0"),
        ({"omega": -1.0}, "omega must be >= 0"),
    ],
)
def test_bad_screening_input(system, kwargs, message):
    args = {"distance": 50e-9, "eps_gate": 9.0, "eps_substrate": 100.0, "omega": 0.0} | kwargs
    omega = args.pop("omega")
    with pytest.raises(ValueError, match=message):
        screening_factor(system[0], Q, omega, **args)


def test_bad_polarizability_input(system):
    with pytest.raises(ValueError, match="method must be one of"):
        SurfacePolarizability(system[0], "magic")
    with pytest.raises(ValueError, match="q must be nonzero"):
        SurfacePolarizability(system[0]).polarizability(0.0, 1.0)
    with pytest.raises(ValueError, match="screening must be a LayeredDielectric"):
        realspace_response(system[2], length=L, points=16, times=[0, 1e-12], screening=3.0)
