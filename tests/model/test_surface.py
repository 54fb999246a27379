"""The surface model: Eq. (9), the derived D, tau_tr, ell, validation and the regime warning."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tisot.model import RegimeWarning, SurfaceModel

HBAR_EV_S = 6.582119569e-16


def test_no_exchange_limit():
    # Delta_z -> 0: sigma0 = 1/(pi alpha), sigma_H = 0, D = tau_tr = 1/(pi alpha eps)
    model = SurfaceModel(fermi_energy=2.0, exchange_energy=0.0, disorder=0.04)
    assert model.sigma0 == pytest.approx(1 / (math.pi * 0.04))
    assert model.sigma_hall == 0.0
    assert model.transport_time == pytest.approx(1 / (math.pi * 0.04 * 2.0))
    assert model.diffusion_constant == pytest.approx(1 / (math.pi * 0.04 * 2.0))


def test_in_plane_magnetization_is_a_gauge():
    a = SurfaceModel(exchange_energy=0.6, magnetization=(1, 0, 0), disorder=0.02)
    b = SurfaceModel(exchange_energy=0.0, disorder=0.02)
    assert a.delta_z == 0.0
    assert a.transport().as_dict() == b.transport().as_dict()


def test_eq9_by_hand():
    # eps = 1, Delta_z = 0.5: sigma0 = 0.75 / (pi alpha 1.75), sigma_H = 8 * 0.125 / 1.75^2
    model = SurfaceModel(exchange_energy=0.5, disorder=0.01)
    assert model.sigma0 == pytest.approx(0.75 / (math.pi * 0.01 * 1.75))
    assert model.sigma_hall == pytest.approx(1 / 3.0625)
    assert model.transport_time == pytest.approx(model.sigma0 / 1.25)
    assert model.mean_free_path**2 == pytest.approx(model.diffusion_constant * model.transport_time)


def test_diffusion_constant_in_si_by_hand():
    # eps = 100 meV, Delta = 0, alpha = 0.02, v = 1e6 m/s:
    # tau_tr = hbar / (pi alpha eps) = 6.582e-16 eV s / (pi * 0.02 * 0.1 eV) = 1.0476e-13 s,
    # D = v^2 tau_tr = 0.10476 m^2/s, ell = v tau_tr = 104.8 nm.
    model = SurfaceModel.from_physical(
        fermi_energy_mev=100.0, exchange_energy_mev=0.0, disorder=0.02, velocity=1e6
    )
    t = model.transport("si")
    tau = HBAR_EV_S / (math.pi * 0.02 * 0.1)
    assert t.transport_time == pytest.approx(tau, rel=1e-9)
    assert t.diffusion_constant == pytest.approx(1e12 * tau, rel=1e-9)
    assert t.mean_free_path == pytest.approx(1e6 * tau, rel=1e-9)


@given(eps=st.floats(0.1, 10), ratio=st.floats(-0.99, 0.99), alpha=st.floats(1e-3, 0.1))
def test_conductivity_is_positive_and_hall_is_odd(eps, ratio, alpha):
    plus = SurfaceModel(fermi_energy=eps, exchange_energy=ratio * eps, disorder=alpha)
    minus = SurfaceModel(fermi_energy=eps, exchange_energy=-ratio * eps, disorder=alpha)
    assert plus.sigma0 > 0
    assert plus.sigma0 == pytest.approx(minus.sigma0)
    assert plus.sigma_hall == pytest.approx(-minus.sigma_hall, abs=1e-15)
    # the Born sigma0 falls from 1/(pi alpha) at Dz = 0 towards 0 at the gap edge
    assert plus.sigma0 <= 1 / (math.pi * alpha) * (1 + 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (dict(exchange_energy=0.1, disorder=0.0), r"alpha.*0\.0 < "),
        (dict(exchange_energy=0.1, disorder=1.0), r"alpha"),
        (dict(exchange_energy=0.1, disorder=-0.1), r"alpha"),
        (dict(exchange_energy=1.5, disorder=0.02), r"inside the exchange gap"),
        (dict(exchange_energy=1.0, disorder=0.02), r"fermi_energy > \|Delta_z\|"),
        (dict(exchange_energy=float("nan"), disorder=0.02), r"exchange_energy must be finite"),
        (dict(fermi_energy=float("inf"), exchange_energy=0.1, disorder=0.02), r"fermi_energy"),
        (
            dict(exchange_energy=0.1, disorder=0.02, magnetization=(0, 0, 0)),
            r"magnetization must be nonzero",
        ),
        (
            dict(exchange_energy=0.1, disorder=0.02, magnetization=(0, 1)),
            r"magnetization must be a 3-vector",
        ),
    ],
)
def test_bad_parameters_are_named(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        SurfaceModel(**kwargs)


def test_gap_is_about_delta_z_not_delta_sd():
    # Delta_sd > eps is fine when m_z is small enough
    model = SurfaceModel(exchange_energy=1.5, magnetization=(0.8, 0, 0.6), disorder=0.02)
    assert model.delta_z == pytest.approx(0.9)


def test_physical_needs_electron_doping():
    with pytest.raises(ValueError, match="fermi_energy_mev must be > 0"):
        SurfaceModel.from_physical(fermi_energy_mev=-10, exchange_energy_mev=0, disorder=0.02)


def test_regime_warnings_name_the_failing_condition():
    with pytest.warns(RegimeWarning, match="alpha = 0.2"):
        SurfaceModel(exchange_energy=0.1, disorder=0.2)
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    tau, D = model.transport_time, model.diffusion_constant
    with pytest.warns(RegimeWarning, match=r"omega\*tau_tr"):
        model.check_regime(q=0.0, omega=0.5 / tau)
    with pytest.warns(RegimeWarning, match=r"D\*q\^2\*tau_tr"):
        model.check_regime(q=np.sqrt(0.5 / (D * tau)), omega=0.0)
    assert model.check_regime(q=np.sqrt(0.01 / (D * tau)), omega=0.01 / tau) == []
