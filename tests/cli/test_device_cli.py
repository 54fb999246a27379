"""`tisot device` and `tisot film` on a device file; --set overrides; named errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.device import Device

runner = CliRunner()

CUSTOM = {
    "surface": {"fermi_energy_mev": 100.0, "mobility_cm2_per_vs": 1500.0, "velocity_m_per_s": 5e5},
    "fm": {"ms_ka_per_m": 1193.7, "thickness_nm": 2.0, "monolayer_nm": 0.4, "damping": 5e-3,
           "spin": 3.5, "cell_area_nm2": 0.1542},
    "interface": {"exchange_mev": -7.0},
    "gate": {"frequency_ghz": 10.0},
    "environment": {"field_mt": 114.29, "field_theta_deg": 45.0},
}  # fmt: skip


@pytest.fixture
def device_file(tmp_path):
    return Device.from_dict(CUSTOM).save(tmp_path / "dev.toml")


def test_device_summary_puts_m_near_the_plane(device_file):
    """mu0 Ms = 1.5 T, field 114.29 mT at 45 deg: m sits 87.07 deg from the normal and the
    uniform mode is at 10 GHz (by hand: (w/gamma)^2 = [B cos(th - thH) - mu0 Ms cos 2th]
    [B cos(th - thH) - mu0 Ms cos^2 th]); issue 10 quotes 111.9 mT, which gives 9.89 GHz."""
    res = runner.invoke(app, ["device", str(device_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["m_theta_deg"] == pytest.approx(87.07, abs=0.01)
    assert info["frequency_ghz"] == pytest.approx(10.0, abs=0.005)
    assert info["resonance_field_mt"] == pytest.approx(114.29, abs=0.05)
    # Eq. (17)'s m_z sin-law: the diffusive torque ~ m_z |m x z|, tiny near the plane
    m = np.array(info["m"])
    assert info["diffusive_torque_per_s"] > 0 and abs(m[2]) < 0.06


def test_set_overrides_a_key_and_rejects_unknown_ones(device_file):
    res = runner.invoke(
        app, ["device", str(device_file), "--set", "environment.field_theta_deg=0",
              "--set", "environment.field_mt=2000", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["m_theta_deg"] == pytest.approx(0.0, abs=1e-6)
    for bad, name in (("fm.dampin=0.1", "fm.dampin"), ("fm.ms_ka_per_m=-3", "fm.ms_ka_per_m"),
                      ("fm.damping", "KEY=VALUE")):  # fmt: skip
        res = runner.invoke(app, ["device", str(device_file), "--set", bad])
        assert res.exit_code == 2 and name in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["device", str(device_file.parent / "missing.toml")])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_film_command_balances_energy(device_file, tmp_path):
    out = tmp_path / "film.nc"
    res = runner.invoke(
        app, ["film", str(device_file), "--points", "8", "--set", "fm.damping=0.02",
              "--format", "json", "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["x_um"]) == 8 and out.exists()
    p_in, p_out = np.array(data["absorbed_power"]), np.array(data["dissipated_power"])
    assert np.sum(p_in) == pytest.approx(np.sum(p_out), rel=5e-3)
    assert math.degrees(math.acos(data["m0"][2])) == pytest.approx(87.0, abs=0.5)
    for points in ("0", "100000"):  # refused before anything runs (issue 14)
        res = runner.invoke(app, ["film", str(device_file), "--points", points])
        assert res.exit_code == 2 and "--points must be an integer in [1, 512]" in res.output
    res = runner.invoke(app, ["film", str(device_file), "--out", str(device_file)])
    assert res.exit_code == 2 and "Traceback" not in res.output  # the output would be the input
