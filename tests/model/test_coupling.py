"""Torque strengths eta (Eq. 4) and alpha_G (Eq. 18) against hand-worked numbers."""

import math

import pytest

from tisot.model import (
    Coupling,
    damping_prefactor,
    diffusive_strength,
    gilbert_damping,
)

HBAR_EV_S = 6.582119569e-16


def _pair(j_mev=10.0, spin=1.0, area=2.5e-19, mz=0.0):
    coupling = Coupling(exchange_coupling_mev=j_mev, cell_area=area, spin=spin)
    model = coupling.surface(
        fermi_energy_mev=100.0, magnetization=(math.sqrt(1 - mz * mz), 0, mz), disorder=0.02
    )
    return model, coupling


def test_exchange_energy_is_minus_j_s():
    # m is the moment direction; the spins point along -m (module docstring of tisot.model.coupling)
    model, _ = _pair(j_mev=4.0, spin=2.5)
    assert model.physical_parameters()["exchange_energy_mev"] == pytest.approx(-10.0)


def test_gilbert_damping_by_hand():
    # J^2 A / (hbar v)^2 = (0.01 eV)^2 * 2.5e-19 m^2 / (6.582e-10 eV m)^2 = 5.770e-5; / 2 pi = 9.18e-6
    # (Eq. 16 with the corrected 1/(2 pi); tests/torques checks the factor against Eqs. 2 and 6)
    model, coupling = _pair()
    expected = 0.01**2 * 2.5e-19 / (HBAR_EV_S * 1e6) ** 2 / (2 * math.pi)
    assert expected == pytest.approx(9.18e-6, rel=1e-3)
    assert damping_prefactor(model, coupling) == pytest.approx(expected, rel=1e-8)
    assert gilbert_damping(model, coupling) == pytest.approx(expected * model.sigma0, rel=1e-8)


def test_eta_by_hand():
    # eta = e J^2 A S / (2 pi hbar^3 v^2) with e = -|e|. Writing J = J[eV] |e| and
    # hbar = hbar[eV s] |e|, the charges cancel to -J[eV]^2 A S / (2 pi hbar[eV s]^3 v^2) in 1/(V s).
    model, coupling = _pair(spin=2.0, j_mev=5.0)
    expected = -(0.005**2) * 2.5e-19 * 2.0 / (2 * math.pi * HBAR_EV_S**3 * 1e12)
    assert diffusive_strength(model, coupling) == pytest.approx(expected, rel=1e-8)


def test_strengths_scale_as_dimensional_analysis_says():
    # alpha_G is dimensionless: doubling the cell area at fixed J_sd S... scales as A;
    # eta carries 1/(V s): it is independent of sigma0 (no disorder dependence), alpha_G is not.
    m1, c1 = _pair()
    m2, c2 = _pair(area=5.0e-19)
    assert gilbert_damping(m2, c2) == pytest.approx(2 * gilbert_damping(m1, c1))
    assert diffusive_strength(m2, c2) == pytest.approx(2 * diffusive_strength(m1, c1))


def test_mismatched_exchange_is_rejected():
    model, _ = _pair()
    with pytest.raises(ValueError, match="Delta_sd = -J_sd S"):
        diffusive_strength(model, Coupling(exchange_coupling_mev=1.0, cell_area=1e-19, spin=1.0))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(exchange_coupling_mev=1.0, cell_area=0.0, spin=1.0), "cell_area"),
        (dict(exchange_coupling_mev=1.0, cell_area=1e-19, spin=-1.0), "spin"),
        (
            dict(exchange_coupling_mev=float("nan"), cell_area=1e-19, spin=1.0),
            "exchange_coupling_mev",
        ),
    ],
)
def test_bad_coupling(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Coupling(**kwargs)
