"""Gate electrostatics: Laplace's equation, boundary conditions, e^{-|q| d} decay, bad input."""

import math

import numpy as np
import pytest

from tisot.drive import GratingGate, SurfaceField, UniformDrive, layered_transmission
from tisot.model import SurfaceModel

L = 1.0e-6  # 1 um period


def test_homogeneous_harmonics_decay_as_exp_minus_qd():
    # Each gate harmonic arrives at the surface multiplied by e^{-|q_n| d} (kappa = 1).
    d = 0.2e-6
    gate = GratingGate(period=L, distance=d, voltage=2.0, harmonics=8)
    q = gate.orders() * 2 * math.pi / L
    ratio = gate.surface_potential_harmonics() / gate.gate_harmonics()
    np.testing.assert_allclose(ratio, np.exp(-np.abs(q) * d), rtol=1e-13)


def test_first_harmonic_decay_with_distance_from_surface_field():
    # Far from the gate only n = +-1 survives: |E_x|max ~ e^{-q d}, independent of the hand algebra
    # above (measured from the real-space field).
    x = np.linspace(0, L, 400, endpoint=False)
    amps = []
    ds = np.array([0.5, 0.7, 0.9]) * L
    for d in ds:
        amps.append(np.max(np.abs(GratingGate(period=L, distance=d).surface_field(x))))
    slope = np.polyfit(ds, np.log(amps), 1)[0]
    assert slope == pytest.approx(-2 * math.pi / L, rel=1e-3)


def test_strip_harmonics_reproduce_the_square_profile():
    # Fourier series of strips: V0 on |x| < duty*L/2, 0 elsewhere (up to the n = 0 mean).
    gate = GratingGate(period=L, distance=0.0, voltage=1.5, duty_cycle=0.3, harmonics=400)
    x = np.array([0.0, 0.1, -0.1, 0.3, 0.5]) * L
    phi = gate.potential(x, np.full_like(x, 0.0))
    expected = np.where(np.abs(x) < 0.15 * L, 1.5, 0.0) - 1.5 * 0.3
    np.testing.assert_allclose(phi, expected, atol=0.01)


@pytest.mark.parametrize("eps_s", [None, 30.0])
def test_potential_satisfies_laplace_numerically(eps_s):
    # 5-point finite-difference Laplacian of phi(x, z) vanishes in each region.
    gate = GratingGate(
        period=L, distance=0.3 * L, harmonics=6, permittivity=4.0, substrate_permittivity=eps_s
    )
    h = 1e-4 * L
    for x0, z0 in [(0.13 * L, 0.15 * L), (0.41 * L, 0.05 * L), (0.2 * L, -0.1 * L)]:
        c = gate.potential(x0, z0)
        d2x = (gate.potential(x0 + h, z0) + gate.potential(x0 - h, z0) - 2 * c) / h**2
        d2z = (gate.potential(x0, z0 + h) + gate.potential(x0, z0 - h) - 2 * c) / h**2
        # each second derivative is large; their sum vanishes to the O(h^2) truncation error
        assert abs(d2x) > 1e3 * abs(d2x + d2z)


def test_layered_boundary_conditions():
    # phi continuous and eps dphi/dz continuous at the surface; phi = gate potential at z = d.
    eps_d, eps_s = 4.0, 100.0
    gate = GratingGate(
        period=L, distance=0.25 * L, harmonics=5, permittivity=eps_d, substrate_permittivity=eps_s
    )
    x = np.linspace(0, L, 7)
    h = 1e-6 * L
    up = (gate.potential(x, h) - gate.potential(x, 0.0)) / h
    down = (gate.potential(x, 0.0) - gate.potential(x, -h)) / h
    np.testing.assert_allclose(eps_d * up, eps_s * down, rtol=1e-4, atol=1e-9 * np.max(np.abs(up)))
    bare = GratingGate(period=L, distance=0.0, harmonics=5)
    np.testing.assert_allclose(gate.potential(x, 0.25 * L), bare.potential(x, 0.0), atol=1e-12)


def test_layered_transmission_limits():
    q = 2 * math.pi / L
    # metallic substrate (kappa -> inf) screens; kappa -> 0 gives 1/cosh(qd)
    assert layered_transmission(q, 0.1 * L, 1e12) < 1e-11
    assert layered_transmission(q, 0.1 * L, 0.0) == pytest.approx(1 / math.cosh(q * 0.1 * L))
    # asymptotically e^{-qd} with prefactor 2/(1 + kappa)
    qd = 40.0
    assert layered_transmission(qd / L, L, 9.0) == pytest.approx(0.2 * math.exp(-qd), rel=1e-12)


def test_surface_field_is_minus_gradient_of_surface_potential():
    gate = GratingGate(period=L, distance=0.1 * L, harmonics=20, duty_cycle=0.4, frequency=1e9)
    x = np.linspace(0, L, 50)
    h = 1e-5 * L
    grad = (gate.potential(x + h, 0.0) - gate.potential(x - h, 0.0)) / (2 * h)
    np.testing.assert_allclose(
        gate.surface_field(x, t=0.0), -grad, rtol=1e-5, atol=1e-6 * np.max(np.abs(grad))
    )
    # t dependence: cos(2 pi f t)
    t = 0.1e-9
    np.testing.assert_allclose(
        gate.surface_field(x, t),
        gate.surface_field(x, 0.0) * math.cos(2 * math.pi * 1e9 * t),
        atol=1e-9,
    )


def test_custom_profile_matches_strips():
    M = 1000
    xs = np.arange(M) / M
    profile = ((xs < 0.25) | (xs >= 0.75)).astype(float)  # strip |x| < L/4
    custom = GratingGate(period=L, distance=0.2 * L, harmonics=5, profile=profile)
    strips = GratingGate(period=L, distance=0.2 * L, harmonics=5, duty_cycle=0.5)
    x = np.linspace(0, L, 33)
    np.testing.assert_allclose(
        custom.surface_field(x),
        strips.surface_field(x),
        rtol=0,
        atol=1e-2 * np.max(np.abs(strips.surface_field(x))),
    )


def test_dataset_has_units_and_provenance():
    ds = GratingGate(period=L, distance=0.1 * L).to_dataset(np.linspace(0, L, 10))
    assert ds.E_x.attrs["units"] == "V/m"
    assert ds.attrs["gate_period_m"] == L


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": 0.0, "distance": 0.1}, "period must be > 0"),
        ({"period": -1e-6, "distance": 0.1}, "period must be > 0"),
        ({"period": 1e-6, "distance": -1e-9}, "distance must be >= 0"),
        ({"period": 1e-6, "distance": 0.0, "duty_cycle": 1.0}, "duty_cycle"),
        ({"period": 1e-6, "distance": 0.0, "frequency": -1.0}, "frequency"),
        ({"period": 1e-6, "distance": 0.0, "permittivity": 0.0}, "permittivity"),
        ({"period": 1e-6, "distance": 0.0, "harmonics": 0}, "harmonics"),
    ],
)
def test_bad_gate_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GratingGate(**kwargs)


def test_uniform_drive_current_and_field():
    model = SurfaceModel.from_physical(
        fermi_energy_mev=100.0, exchange_energy_mev=20.0, disorder=0.05
    )
    J = np.array([3.0, -1.0])  # A/m
    drive = UniformDrive.from_current(J, 1e9, model)
    np.testing.assert_allclose(drive.current_density(model), J, rtol=1e-12)
    f = drive.surface_field()
    assert isinstance(f, SurfaceField)
    assert np.all(f.divergence_amplitudes == 0)
    with pytest.raises(ValueError, match="field"):
        UniformDrive(field=(1.0, 2.0, 3.0))


def test_fields_add_only_at_one_frequency():
    gate = GratingGate(period=L, distance=0.1 * L, frequency=1e9, harmonics=2)
    uni = UniformDrive(field=(5.0, 0.0), frequency=1e9).surface_field()
    both = gate.field() + uni
    r = np.array([[0.1 * L, 0.0], [0.4 * L, 0.0]])
    np.testing.assert_allclose(
        both.evaluate(r, 0.2e-9), gate.field().evaluate(r, 0.2e-9) + uni.evaluate(r, 0.2e-9)
    )
    with pytest.raises(ValueError, match="different frequencies"):
        gate.field() + UniformDrive(field=(5.0, 0.0), frequency=2e9).surface_field()
