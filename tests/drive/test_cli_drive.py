"""CLI: `tisot gate`, `tisot resonance` against the library; named errors; --out."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.drive import GratingGate
from tisot.experiments.resonance import linear_response

runner = CliRunner()


def test_gate_json_matches_the_library():
    res = runner.invoke(
        app,
        ["gate", "--period-um", "2", "--distance-nm", "100", "--points", "8", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    gate = GratingGate(
        period=2e-6, distance=100e-9, voltage=0.1, frequency=10e9, harmonics=32,
        permittivity=9.0, substrate_permittivity=100.0,
    )  # fmt: skip
    x = np.array(data["x_um"]) * 1e-6
    np.testing.assert_allclose(data["E_x_V_per_m"], gate.surface_field(x), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gate", "--period-um", "0"], "--period-um must be a number in [0.001"),
        (["gate", "--distance-nm", "-1"], "--distance-nm must be a number in [0.0"),
        (["resonance", "--chi-deg", "400"], "--chi-deg must be"),
        (["resonance", "--num", "1000000000"], "--num must be"),
        (["resonance", "--alpha-g", "0"], "--alpha-g and --alpha-iso are both 0"),
        (["gate", "--harmonics", "100000000"], "--harmonics must be an integer in [1, 4096]"),
        (["gate", "--period-um", "1e-300"], "--period-um must be a number in [0.001"),
        (["gate", "--eps-gate", "nan"], "--eps-gate must be a number"),
        (["resonance", "--sweep", "temperature"], "--sweep must be one of 'omega'"),
    ],
)
def test_bad_input_is_named(args, message):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.output
    assert len(res.output.strip().splitlines()) == 1  # one line, not 70


def test_resonance_json_follows_linear_response(tmp_path):
    out = tmp_path / "spec.nc"
    res = runner.invoke(
        app,
        ["resonance", "--start", "0.96", "--stop", "1.04", "--num", "5", "--format", "json",
         "--out", str(out), "--plot", str(tmp_path / "spec.png")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    lin = linear_response(
        omega0=1.0, chi=math.pi / 4, f0=0.002, omega=np.array(data["omega"]), alpha_g=0.02
    )
    np.testing.assert_allclose(data["one_minus_m_H"], lin["one_minus_m_H"], rtol=5e-3)
    assert out.exists() and (tmp_path / "spec.png").exists()


def test_resonance_angle_sweep_is_in_degrees():
    """sin 2 chi law: the drive torque (f0/2) sin 2 chi vanishes at 0 and 90 degrees."""
    res = runner.invoke(
        app, ["resonance", "--sweep", "chi", "--start", "0", "--stop", "90", "--num", "3",
              "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["chi"] == [0.0, 45.0, 90.0]
    cone = data["one_minus_m_H"]
    assert cone[0] < 1e-12 * cone[1] and cone[2] < 1e-9 * cone[1]
