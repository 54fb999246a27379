"""CLI: `tisot screening` against Thomas-Fermi by hand, the library, and named errors."""

import json
import math

import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.constants import E_CHARGE, EPSILON_0, HBAR, MEV

runner = CliRunner()
BASE = [
    "screening", "--energy-mev", "100", "--delta-sd-mev", "20", "--mz", "0.7", "--alpha", "0.05",
    "--velocity", "5e5", "--period-um", "1", "--distance-nm", "50000", "--eps-gate", "50",
    "--eps-substrate", "50", "--format", "json",
]  # fmt: skip


def _run(*extra):
    res = runner.invoke(app, [*BASE, *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_static_factor_is_thomas_fermi_by_hand():
    data = _run("--frequency-ghz", "0")
    nu = 100 * MEV / (2 * math.pi * HBAR**2 * 5e5**2)
    q_s = E_CHARGE**2 * nu / (2 * EPSILON_0 * 50.0)
    q = 2 * math.pi / 1e-6
    assert data["screening_factor"]["re"] == pytest.approx(1 / (1 + q_s / q), rel=1e-8)
    assert abs(data["screening_factor"]["im"]) < 1e-9
    assert data["q_s_per_um"] == pytest.approx(q_s * 1e-6, rel=1e-10)


def test_dynamic_factor_and_pole():
    data = _run("--frequency-ghz", "10")
    k = complex(data["screening_factor"]["re"], data["screening_factor"]["im"])
    assert 0 < abs(k) < 1
    # the pole moved from D q^2 to D q (q + q_s) (far gate)
    ratio = data["screened_rate_per_ns"] / data["diffusion_rate_per_ns"]
    assert ratio == pytest.approx(1 + data["q_s_per_um"] / data["q_per_um"], rel=1e-6)
    lad = _run("--frequency-ghz", "10", "--method", "ladder")
    assert complex(lad["screening_factor"]["re"], lad["screening_factor"]["im"]) == pytest.approx(
        k, rel=5e-2
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--eps-gate", "-1", "--eps-gate must be a number in [1.0"),
        ("--eps-substrate", "0", "--eps-substrate must be a number in [1.0"),
        ("--distance-nm", "-5", "--distance-nm must be a number in [0.0"),
        ("--frequency-ghz", "-1", "--frequency-ghz must be a number in [0.0"),
        ("--frequency-ghz", "1e300", "--frequency-ghz must be a number in [0.0"),
        ("--velocity", "0", "--velocity must be a number in [1000.0"),
        ("--period-um", "nan", "--period-um must be a number"),
        ("--mz", "2", "--mz must be a number in [-1.0, 1.0]"),
        ("--alpha", "1.5", "--alpha must be a number in [1e-06, 1.0)"),
        ("--energy-mev", "1e300", "--energy-mev must be a number in [0.001"),
        ("--energy-mev", "5", "inside the exchange gap"),
    ],
)
def test_bad_input_is_one_named_line(flag, value, message):
    res = runner.invoke(app, [*BASE, flag, value])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
