"""The "film" job against film_spectrum, the small-cone linear response (uncoupled points and
exchange spin waves), energy balance, and config validation."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
import scipy.constants as sc

from tisot.io import parse_config
from tisot.sweeps import get_job, run_point, run_sweep

GAMMA = abs(sc.physical_constants["electron gyromag. ratio"][0])  # rad/(s T)

BASE = """calculation = "film"
[model]
fermi_energy_mev = 100.0
disorder = 0.02
velocity = 5.0e5
[coupling]
exchange_coupling_mev = 10.0
cell_area_nm2 = 0.1542
spin = 3.5
layers = 5
[gate]
period_um = 1.0
distance_nm = 50.0
voltage = {voltage}
frequency_ghz = 9.5
permittivity = 9.0
substrate_permittivity = 100.0
harmonics = 15
[film]
points = 8
{film}
[dynamics]
field_tesla = 0.34
field_angle_deg = 45.0
alpha_iso = 3e-3
fieldlike = {fieldlike}
"""


def config(voltage=0.1, fieldlike="true", film="", extra=""):
    text = BASE.format(voltage=voltage, fieldlike=fieldlike, film=film) + extra
    return parse_config(tomllib.loads(text))


def local_drive(voltage):
    """f_j of the film points, built straight from the drive API (the CLI's `tisot film` chain)."""
    from tisot.drive import DiffusiveMedium, GratingGate, fourier_drive
    from tisot.experiments.film import Film
    from tisot.model import Coupling, fieldlike_coefficient, gilbert_damping

    coupling = Coupling(exchange_coupling_mev=10.0, cell_area=0.1542e-18, spin=3.5)
    h = (math.sqrt(0.5), 0.0, math.sqrt(0.5))
    model = coupling.surface(fermi_energy_mev=100.0, magnetization=h, disorder=0.02, velocity=5e5)
    bare = DiffusiveMedium.from_model(model, coupling)
    medium = DiffusiveMedium(
        diffusion_constant=bare.diffusion_constant, strength=bare.strength / 5,
        dephasing_time=bare.dephasing_time, sheet_conductance=bare.sheet_conductance,
    )  # fmt: skip
    gate = GratingGate(
        period=1e-6, distance=50e-9, voltage=voltage, frequency=9.5e9, permittivity=9.0,
        substrate_permittivity=100.0, harmonics=15,
    )  # fmt: skip
    drive = fourier_drive(gate.field(), medium)
    film = Film(length=1e-6, points=8)
    alpha_g = gilbert_damping(model, coupling) / 5
    return drive, film, alpha_g, fieldlike_coefficient(model, coupling) / 5


def test_film_job_matches_film_spectrum_and_balances_energy():
    """Nonlinear cone, fieldlike torque on: the job's film averages and profile are those of
    film_spectrum run directly on the same gate, film and window; absorbed = dissipated."""
    from tisot.experiments.resonance import film_spectrum

    ds = run_point(config(voltage=0.1))
    drive, film, alpha_g, coef = local_drive(0.1)
    omega, w0, chi = 2 * math.pi * 9.5e9, GAMMA * 0.34, math.pi / 4
    settle = 12.0 / (w0 * ((1 + 0.5) * alpha_g / 2 + 3e-3))
    periods = math.ceil(20 * omega / min(omega, w0) - 1e-9)
    spec = film_spectrum(
        film, drive, [w0], chi=chi, alpha_g=alpha_g, alpha_iso=3e-3, fieldlike_coefficient=coef,
        settle=settle, average=periods * 2 * math.pi / omega,
    )  # fmt: skip
    assert float(ds.omega0) == pytest.approx(w0, rel=1e-12)
    assert float(ds.alpha_g) == pytest.approx(alpha_g, rel=1e-12)
    to_watts = 1.22e6 * 1.7e-9 / GAMMA  # P / A = p M_s d / |gamma|
    for name in ("one_minus_m_H", "cone_angle"):
        np.testing.assert_allclose(ds[name], spec[f"{name}_film"][0], rtol=1e-6)
        np.testing.assert_allclose(ds[f"{name}_profile"], spec[name][0], rtol=1e-6)
    np.testing.assert_allclose(
        ds.absorbed_power, float(spec.absorbed_power_film[0]) * to_watts, rtol=1e-6
    )
    np.testing.assert_allclose(ds.absorbed_power, ds.dissipated_power, rtol=0.01)
    assert float(ds.one_minus_m_H) > 1e-3  # a real signal, not a trivially small one
    f = np.abs(drive.complex_drive(film.positions()))
    np.testing.assert_allclose(ds.f_amplitude, f, rtol=1e-9, atol=1e-9 * f.max())
    assert ds.absorbed_power.attrs["units"] == "W m-2"
    assert ds.one_minus_m_H_profile.dims == ("x_over_period",)
    np.testing.assert_allclose(ds.x_over_period, np.arange(8) / 8)


def spin_wave_linear_response(F, omega0, exchange, chi, omega, alpha_g, alpha_iso):
    """<1 - m_H>_j of a periodic chain under complex local drives F_j (f_j = Re F_j e^{-iwt}),
    to first order: each discrete Fourier mode k of the drive is answered by a macrospin of
    frequency omega0 + J_ex (2 - 2 cos(2 pi k / N)) (the exchange Laplacian on m = e3 + du)."""
    from tisot.experiments.resonance import linear_response

    n = F.size
    c = np.fft.fft(F) / n
    k = np.arange(n)
    lin = linear_response(
        omega0=omega0 + exchange * (2 - 2 * np.cos(2 * np.pi * k / n)), chi=chi, f0=1.0,
        omega=omega, alpha_g=alpha_g, alpha_iso=alpha_iso,
    )  # fmt: skip
    u = np.fft.ifft(lin["u"] * c) * n
    v = np.fft.ifft(lin["v"] * c) * n
    return (np.abs(u) ** 2 + np.abs(v) ** 2) / 4


def test_film_sweep_over_exchange_follows_linear_spin_waves():
    """A 2-point sweep over A_ex (small drive, no fieldlike torque) through tisot.sweeps:
    uncoupled points follow the single-macrospin linear response to their local |f|; coupled
    points follow the linear response of the chain's spin waves, which differs visibly."""
    extra = '[sweep.axes]\n"film.exchange_stiffness_pj_per_m" = [0.0, 5.0]\n'
    extra += "[execution]\nprocesses = false\n"
    ds = run_sweep(config(voltage=0.005, fieldlike="false", extra=extra), workers=2, progress=False)
    drive, film, alpha_g, _ = local_drive(0.005)
    F = drive.complex_drive(film.positions())
    omega, w0, chi = 2 * math.pi * 9.5e9, GAMMA * 0.34, math.pi / 4
    j_ex = GAMMA * 2 * 5e-12 / (1.22e6 * (1e-6 / 8) ** 2)  # gamma 2 A_ex / (M_s h^2)
    assert float(ds.exchange_rate[1]) == pytest.approx(j_ex, rel=1e-12)
    assert float(ds.exchange_rate[0]) == 0.0
    for i, rate in enumerate((0.0, j_ex)):
        theory = spin_wave_linear_response(F, w0, rate, chi, omega, alpha_g, 3e-3)
        point = ds.isel(exchange_stiffness_pj_per_m=i)
        # nonlinear corrections are O(cone^2) ~ 4 <1 - m_H> ~ 5e-4
        profile = point.one_minus_m_H_profile
        np.testing.assert_allclose(profile, theory, rtol=1e-3, atol=1e-6 * theory.max())
        np.testing.assert_allclose(point.one_minus_m_H, theory.mean(), rtol=1e-3)
    uncoupled, coupled = ds.one_minus_m_H.values
    assert float(ds.linear_one_minus_m_H[0]) == pytest.approx(uncoupled, rel=1e-3)
    assert abs(coupled / uncoupled - 1) > 0.05  # the exchange matters at this stiffness
    assert ds.exchange_stiffness_pj_per_m.attrs["units"] == "pJ m-1"


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("gate", "duty_cycle", "1.0", r"gate\.duty_cycle must be a number in \(0\.0, 1\.0\)"),
        ("gate", "period_um", "0.0", r"gate\.period_um must be a number in \(0\.0, inf\)"),
        ("gate", "harmonics", "0", r"gate\.harmonics must be an integer in \[1, inf\)"),
        ("film", "points", "0", r"film\.points must be an integer in \[1, 4096\]"),
        ("film", "exchange_stiffness_pj_per_m", "-1.0", r"film\.exchange_stiffness_pj_per_m"),
        ("dynamics", "field_tesla", "0.0", r"dynamics\.field_tesla must be"),
        ("coupling", "layers", "0", r"coupling\.layers must be an integer in \[1, inf\)"),
        ("film", "length_um", "1.0", r"unknown key film\.length_um"),
    ],
)
def test_film_config_errors_name_the_key(section, key, value, message):
    text = f'calculation = "film"\n[{section}]\n{key} = {value}\n'
    with pytest.raises(ValueError, match=message):
        parse_config(tomllib.loads(text))


def test_film_points_fix_the_profile_and_cannot_be_swept():
    text = 'calculation = "film"\n[sweep.axes]\n"film.points" = [4, 8]\n'
    with pytest.raises(ValueError, match=r"film\.points fixes the shape"):
        parse_config(tomllib.loads(text))
    job = get_job("film")
    params = config().parameters
    assert job.outputs(params)["f_amplitude"].dims == ("x_over_period",)
    assert all(var.units and var.long_name for var in job.outputs(params).values())


def test_film_template_is_a_valid_config_of_the_defaults():
    from tisot.io import template

    text = template("film")
    cfg = parse_config(tomllib.loads(text))
    schema = get_job("film").schema
    assert cfg.parameters == {s: {k: p.default for k, p in ks.items()} for s, ks in schema.items()}
    swept = "\n".join(
        line[2:] if line.startswith(("# [sweep", '# "')) else line for line in text.splitlines()
    )
    assert parse_config(tomllib.loads(swept)).sweep.size == 11
