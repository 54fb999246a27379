"""The Device: lab inputs -> surface model, coupling and drive, checked by hand numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.constants import e as E
from scipy.constants import h as H
from scipy.constants import hbar as HBAR

from tisot.device import Device, parse_overrides
from tisot.device.parts import Ferromagnet

CUSTOM = {
    "surface": {"fermi_energy_mev": 100.0, "mobility_cm2_per_vs": 1500.0,
                "velocity_m_per_s": 5.0e5, "permittivity": 100.0},
    "fm": {"ms_ka_per_m": 1000.0, "thickness_nm": 1.7, "monolayer_nm": 0.34, "damping": 3e-3,
           "spin": 3.5, "cell_area_nm2": 0.1542},
    "interface": {"exchange_mev": -7.0},
    "gate": {"screening": False},
    "environment": {"field_mt": 300.0, "field_theta_deg": 45.0},
}  # fmt: skip


def custom(**overrides) -> Device:
    return Device.from_dict(CUSTOM, overrides)


def test_mobility_gives_the_drude_conductivity():
    dev = custom()
    m = (0.6, 0.0, 0.8)
    model = dev.surface_model(m)
    eps, dz = 100.0e-3 * E, -7.0e-3 * E * 0.8
    kf = math.sqrt(eps**2 - dz**2) / (HBAR * 5e5)
    sigma_si = kf**2 / (4 * math.pi) * E * 0.15  # n e mu, mu = 1500 cm^2/Vs
    assert model.sigma0 == pytest.approx(sigma_si / (E**2 / H), rel=1e-9)
    assert model.delta_z * model.scales.energy_mev == pytest.approx(-7.0 * 0.8)


def test_density_and_back_gate_give_the_fermi_energy():
    # n = 1e13 cm^-2: k_F = sqrt(4 pi n), hbar v k_F = 368.9 meV at v = 5e5 m/s
    dev = custom(**{"surface.carrier_density_per_cm2": 1e13})
    assert dev.fermi_energy_mev((0, 0, 1)) == pytest.approx(math.hypot(368.93, 7.0), rel=1e-4)
    # C = 10 nF/cm^2 at 10 V adds C V / e = 6.2415e11 cm^-2
    gated = dev.with_values(
        {"surface.backgate_voltage_v": 10.0, "surface.backgate_capacitance_nf_per_cm2": 10.0}
    )
    assert gated.surface.density_per_m2 * 1e-4 == pytest.approx(1e13 + 6.2415e11, rel=1e-4)
    with pytest.raises(ValueError, match="backgate_voltage_v"):
        gated.with_values({"surface.backgate_voltage_v": -1e5})


def test_tau_tr_round_trips_through_eq9():
    dev = custom(**{"surface.tau_tr_ps": 0.03})
    model = dev.surface_model((0.0, 0.0, 1.0))
    assert model.transport("si").transport_time == pytest.approx(0.03e-12, rel=1e-9)


def test_coupling_sign_and_layers():
    dev = custom()
    assert dev.coupling.exchange_energy_mev == pytest.approx(-7.0)  # Delta_sd = -J_sd S
    assert dev.layers == pytest.approx(5.0)


def test_ms_follows_kuzmin():
    fm = Ferromagnet({**CUSTOM["fm"], "curie_temperature_k": 16.0})
    assert fm.ms_at(0.0) == pytest.approx(1.0e6)
    # t = T/Tc = 0.5: [1 - t^1.5 / 2 - t^2.5 / 2]^(1/3) = 0.73483^(1/3)
    assert fm.ms_at(8.0) == pytest.approx(1.0e6 * 0.73483 ** (1 / 3), rel=1e-4)
    assert fm.ms_at(15.999) < 0.05e6
    with pytest.raises(ValueError, match="curie_temperature_k"):
        fm.ms_at(16.0)


def test_field_direction():
    dev = custom(**{"environment.field_theta_deg": 90.0, "environment.field_phi_deg": 90.0})
    assert np.allclose(dev.field_tesla, [0.0, 0.3, 0.0], atol=1e-15)


def test_unscreened_drive_is_eq4_per_moment():
    dev = custom()
    m = np.array([math.sin(0.7), 0.0, math.cos(0.7)])
    drive = dev.drive(m)
    model = dev.surface_model(m)
    D = model.transport("si").diffusion_constant
    jsd = 7.0e-3 * E / 3.5
    eta = -E * jsd**2 * 0.1542e-18 * 3.5 / (2 * math.pi * HBAR**3 * (5e5) ** 2)  # Eq. (4)
    q, Ex, w = drive.wavevectors[:, 0], drive.field[:, 0], 2 * math.pi * 10e9
    expected = eta * 1j * D * q * Ex / (1j * w - D * q**2) / 5.0
    assert np.allclose(drive.f, expected, rtol=1e-9, atol=0)
    # fieldlike b = (J_sd A / hbar e v) z x J / layers, Eq. (3): along y for J along x
    coef = jsd * 0.1542e-18 / (HBAR * -E * 5e5) / 5.0
    assert np.allclose(drive.b[:, 1], coef * drive.current[:, 0], rtol=1e-12)
    assert np.all(drive.b[:, [0, 2]] == 0)


def test_bad_input_names_the_key():
    with pytest.raises(ValueError, match=r"unknown device key fm\.dampin"):
        custom(**{"fm.dampin": 0.1})
    with pytest.raises(ValueError, match=r"missing key fm\.damping"):
        Device.from_dict(
            {**CUSTOM, "fm": {k: v for k, v in CUSTOM["fm"].items() if k != "damping"}}
        )
    with pytest.raises(ValueError, match=r"fm\.ms_ka_per_m"):
        custom(**{"fm.ms_ka_per_m": -1.0})
    with pytest.raises(ValueError, match="exactly one Fermi level"):
        Device.from_dict(
            {**CUSTOM, "surface": {**CUSTOM["surface"], "carrier_density_per_cm2": 1e12}}
        )
    with pytest.raises(ValueError, match="unknown device table"):
        Device.from_dict({**CUSTOM, "magnet": {}})
    with pytest.raises(ValueError, match="exchange gap"):
        custom(**{"interface.exchange_mev": 200.0}).surface_model((0, 0, 1))
    with pytest.raises(ValueError, match="mobility"):
        custom(**{"surface.mobility_cm2_per_vs": 1.0}).surface_model((0, 0, 1))


def test_overrides_and_file_round_trip(tmp_path):
    dev = custom()
    other = dev.with_values({"surface.disorder_alpha": 0.05})  # replaces the mobility
    assert (
        other.disorder((0, 0, 1)) == 0.05
        and "mobility_cm2_per_vs" not in other.to_dict()["surface"]
    )
    path = dev.save(tmp_path / "dev.toml")
    assert Device.from_file(path) == dev
    assert parse_overrides(["fm.damping=0.01", "surface.material=Bi2Te3", "gate.screening=true"]) == {
        "fm.damping": 0.01, "surface.material": "Bi2Te3", "gate.screening": True,
    }  # fmt: skip
    for bad in ("fm.damping", "fm.nope=1", "=3"):
        with pytest.raises(ValueError):
            parse_overrides([bad])
    (tmp_path / "nan.toml").write_text(path.read_text().replace("damping = 0.003", "damping = nan"))
    with pytest.raises(ValueError, match=r"fm\.damping"):
        Device.from_file(tmp_path / "nan.toml")


def test_screening_cuts_the_static_field_by_the_thomas_fermi_factor():
    """Close gate (qd << 1, eps_s q d << eps_d), low frequency: the quantum-capacitance ratio
    E_tot / E_gate -> 1 / (1 + e^2 nu d / eps0 eps_d),
    nu = eps / (2 pi (hbar v)^2) the density of states of one Dirac cone (Delta_z = 0 here)."""
    from scipy.constants import epsilon_0

    dev = custom(**{
        "gate.screening": True, "gate.distance_nm": 1.0, "gate.frequency_ghz": 1e-3,
        "interface.exchange_mev": 0.0, "gate.harmonics": 1, "surface.permittivity": 1.0,
    })  # fmt: skip
    m = (0.0, 0.0, 1.0)
    bare = dev.with_values({"gate.screening": False}).drive(m).field[:, 0]
    ratio = dev.drive(m).field[:, 0] / bare
    nu = 100e-3 * E / (2 * math.pi * (HBAR * 5e5) ** 2)  # states / (J m^2)
    expected = 1 / (1 + E**2 * nu * 1e-9 / (epsilon_0 * 9.0))  # eps_s / (eps_d / qd) ~ 7e-4
    assert np.allclose(ratio, expected, rtol=2e-3)
    assert dev.drive(m).screened


def test_presets_fill_keys_and_name_a_missing_interface():
    dev = Device.from_presets("Bi2Se3", "EuS", {"fm.damping": 0.01})
    assert dev.fm.damping == 0.01 and dev.fm.material == "EuS"
    assert dev.interface.exchange_mev == pytest.approx(-7.0)
    with pytest.raises(ValueError, match=r"interface\.exchange_mev"):
        Device.from_presets("BST", "TmIG")
    assert Device.from_presets("BST", "TmIG", {"interface.exchange_mev": -5.0}).fm.ku_kj_per_m3 > 0


def test_a_key_with_the_wrong_unit_gets_the_right_one_named():
    with pytest.raises(ValueError, match=r"did you mean environment\.field_mt \(unit: mT\)"):
        custom(**{"environment.field_t": 0.1})
    with pytest.raises(ValueError, match=r"did you mean fm\.thickness_nm"):
        Device.from_dict({**CUSTOM, "fm": {**CUSTOM["fm"], "thickness_um": 0.005}})
    with pytest.raises(ValueError, match=r"environment\.field_mt"):
        custom(**{"environment.field_mt": 0.0}).equilibrium()  # E(m) = E(-m): ambiguous
