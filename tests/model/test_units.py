"""Unit conversions against hand-worked numbers and round trips."""

import math

import pytest

from tisot.model import Scales, SurfaceModel

# hbar = 6.582119569e-16 eV s (CODATA), written out by hand, not taken from the code.
HBAR_EV_S = 6.582119569e-16


def test_hbar_q_v_for_a_one_micron_period():
    # hbar q v = h v / period = 4.135667696e-15 eV s * 1e6 m/s / 1e-6 m = 4.1357 meV
    s = Scales.from_mev(1.0, velocity=1.0e6)
    q = 2 * math.pi / 1e-6  # 1/m
    hqv_mev = q / s.wavevector  # energy of hbar q v in units of 1 meV
    assert hqv_mev == pytest.approx(4.1357, rel=1e-4)


def test_time_length_and_rate_scales_by_hand():
    s = Scales.from_mev(10.0, velocity=5.0e5)
    assert s.time == pytest.approx(HBAR_EV_S / 10e-3, rel=1e-9)  # 65.8 fs
    assert s.length == pytest.approx(HBAR_EV_S / 10e-3 * 5.0e5, rel=1e-9)  # 32.9 nm
    assert s.rate * s.time == pytest.approx(1.0)
    assert s.diffusion == pytest.approx(s.length**2 / s.time)


def test_physical_round_trip():
    kw = dict(fermi_energy_mev=120.0, exchange_energy_mev=-35.0, disorder=0.03, velocity=4.5e5)
    model = SurfaceModel.from_physical(magnetization=(1, 1, 1), **kw)
    back = model.physical_parameters()
    for key, value in kw.items():
        assert back[key] == pytest.approx(value, rel=1e-12)


def test_changing_the_energy_unit_leaves_the_physics_unchanged():
    model = SurfaceModel.from_physical(
        fermi_energy_mev=80.0, exchange_energy_mev=20.0, magnetization=(0, 0.6, 0.8), disorder=0.02
    )
    other = model.with_scales(Scales.from_mev(1.0, velocity=1.0e6))
    assert other.fermi_energy == pytest.approx(80.0)
    for a, b in zip(
        model.transport("si").as_dict().values(),
        other.transport("si").as_dict().values(),
        strict=True,
    ):
        assert a == b or a == pytest.approx(b, rel=1e-12)


def test_dimensionless_and_back():
    model = SurfaceModel.from_physical(
        fermi_energy_mev=50.0, exchange_energy_mev=10.0, disorder=0.05, velocity=3e5
    )
    dimless = model.dimensionless()
    assert dimless.scales is None
    assert dimless.exchange_energy == pytest.approx(0.2)
    again = dimless.with_scales(Scales.from_mev(50.0, velocity=3e5))
    assert again.transport("si").diffusion_constant == pytest.approx(
        model.transport("si").diffusion_constant, rel=1e-12
    )


def test_si_transport_needs_scales():
    with pytest.raises(ValueError, match="physical scales"):
        SurfaceModel(exchange_energy=0.1, disorder=0.02).transport("si")
    with pytest.raises(ValueError, match="units must be"):
        SurfaceModel(exchange_energy=0.1, disorder=0.02).transport("cgs")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(energy=-1.0, velocity=1e6), "energy"),
        (dict(energy=1e-20, velocity=0.0), "velocity"),
        (dict(energy=float("nan"), velocity=1e6), "energy"),
    ],
)
def test_bad_scales(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Scales(**kwargs)
