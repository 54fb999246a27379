"""`tisot --help`, `tisot transport`, `tisot response --method analytic` as a user calls them."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot import SurfaceModel
from tisot.cli import app
from tisot.response import analytic_response

runner = CliRunner()
HBAR_EV_S = 6.582119569e-16


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("transport", "response"):
        assert command in result.output


def test_transport_si_json_by_hand():
    # eps = 100 meV, Delta_z = 0, alpha = 0.02: sigma0 = 1/(pi 0.02), tau_tr = hbar/(pi alpha eps)
    result = run(
        "transport",
        "--units",
        "si",
        "--energy",
        100,
        "--delta-sd",
        30,
        "--mz",
        0,
        "--alpha",
        0.02,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    tau = HBAR_EV_S / (math.pi * 0.02 * 0.1)
    assert out["sigma0"] == pytest.approx(1 / (math.pi * 0.02))
    assert out["sigma_H"] == 0.0
    assert out["tau_tr"] == pytest.approx(tau, rel=1e-9)
    assert out["D"] == pytest.approx(1e12 * tau, rel=1e-9)
    assert out["units"]["D"] == "m^2/s"


def test_response_json_matches_the_library_in_both_unit_systems():
    args = [
        "response",
        "--method",
        "analytic",
        "--energy",
        1,
        "--delta-sd",
        0.3,
        "--mz",
        0.8,
        "--alpha",
        0.02,
        "--q",
        "0.001,0.002",
        "--omega",
        1e-5,
        "--format",
        "json",
    ]
    out = json.loads(run(*args).stdout)
    model = SurfaceModel(exchange_energy=0.3, magnetization=(0.6, 0, 0.8), disorder=0.02)
    K = analytic_response(model, [0.001, 0.002], 1e-5)
    np.testing.assert_allclose(np.array(out["K"]["re"]) + 1j * np.array(out["K"]["im"]), K)
    assert set(out) >= {"K", "sigma0", "sigma_H", "D", "tau_tr"}
    # the same physics in SI: eps = 50 meV, q in rad/um, f = omega / 2 pi in GHz
    eps_j = 50e-3
    q_unit_per_um = eps_j / (HBAR_EV_S * 1e6) * 1e-6  # E0/(hbar v) in rad/um
    w_unit_per_ns = eps_j / HBAR_EV_S * 1e-9  # E0/hbar in rad/ns
    si = json.loads(
        run(
            "response",
            "--units",
            "si",
            "--energy",
            50,
            "--delta-sd",
            15,
            "--mz",
            0.8,
            "--alpha",
            0.02,
            "--q",
            f"{0.001 * q_unit_per_um},{0.002 * q_unit_per_um}",
            "--frequency-ghz",
            1e-5 * w_unit_per_ns / (2 * math.pi),
            "--format",
            "json",
        ).stdout
    )
    np.testing.assert_allclose(np.array(si["K"]["re"]) + 1j * np.array(si["K"]["im"]), K, rtol=1e-8)


def test_response_table_is_human_readable():
    result = run("response")
    assert result.exit_code == 0
    assert "K(q, omega)" in result.stdout and "sigma0 =" in result.stdout


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["transport", "--alpha", 2], "alpha"),
        (["transport", "--energy", 0.2, "--delta-sd", 0.3], "inside the exchange gap"),
        (["transport", "--mz", 1.5], "--mz must be a number in [-1.0, 1.0]"),
        (["response", "--q", "1,2,3"], "--q must be two numbers"),
        (["response", "--q", "0,0", "--omega", 0], "singular"),
        (["response", "--omega", -1], "--omega must be a number in [0.0"),
        (["response", "--method", "magic"], "method must be one of"),
    ],
)
def test_bad_input_exits_with_a_named_error(args, pattern):
    result = run(*args)
    assert result.exit_code == 2
    assert pattern in result.output


def test_regime_warning_is_shown_not_fatal():
    result = run("response", "--q", "0.05,0", "--omega", 0)
    assert result.exit_code == 0
    assert "D*q^2*tau_tr" in result.output


def test_ladder_accuracy_warning_reaches_the_user():
    # near the diffusion pole (D q^2 tau_tr = 1e-9) rtol 1e-13 is below the rounding floor
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    q = math.sqrt(1e-9 / (model.diffusion_constant * model.transport_time))
    result = run(
        "response", "--method", "ladder", "--q", f"{q},0", "--omega", 0, "--rtol", 1e-13, "--mz", 1
    )
    assert result.exit_code == 0
    assert "warning:" in result.output and "reached" in result.output


# ------------------------------------------------- issue 14: each was a traceback or silent
def _one_line_error(result, flag):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and flag in lines[0], lines
    return lines[0]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["transport", "--energy", "1e300"], "--energy"),  # was OverflowError
        (["response", "--q", "1e300,0"], "--q"),  # was OverflowError
        (["response", "--q", "nan,0"], "--q"),
        (["transport", "--alpha", "nan"], "--alpha"),
        (["transport", "--units", "si", "--velocity", "1e300"], "--velocity"),  # was D = inf
        (["response", "--units", "si", "--velocity", "1e-300"], "--velocity"),  # overflow
        (["response", "--omega", "inf"], "--omega"),
    ],
)
def test_huge_and_non_finite_flags_are_named(args, flag):
    _one_line_error(run(*args), flag)


@pytest.mark.parametrize(
    ("args", "flag", "user"),
    [
        (["response", "--rtol", "1e-3"], "--rtol", "--method ladder"),  # was silently ignored
        (["response", "--cutoff", "4"], "--cutoff", "--method ladder"),
        (["transport", "--velocity", "2e6"], "--velocity", "--units si"),
        (["response", "--frequency-ghz", "10"], "--frequency-ghz", "--units si"),
    ],
)
def test_a_flag_the_method_ignores_is_refused(args, flag, user):
    assert user in _one_line_error(run(*args), flag)


def test_si_response_takes_the_frequency_in_ghz():
    line = _one_line_error(run("response", "--units", "si", "--omega", "62.83"), "--omega")
    assert "--frequency-ghz" in line
    si = ["response", "--units", "si", "--energy", 100, "--q", "0.6283,0", "--format", "json"]
    by_f = json.loads(run(*si, "--frequency-ghz", 10).stdout)
    # by hand: omega = 2 pi 10 GHz in units of E0/hbar, E0 = 100 meV
    omega = 2 * math.pi * 10e9 * HBAR_EV_S / 0.1
    q = 0.6283e6 * HBAR_EV_S * 1e6 / 0.1  # q hbar v / E0, v = 1e6 m/s
    model = SurfaceModel(exchange_energy=0.003, magnetization=(0, 0, 1), disorder=0.02)
    K = analytic_response(model, [q, 0.0], omega)
    np.testing.assert_allclose(np.array(by_f["K"]["re"]) + 1j * np.array(by_f["K"]["im"]), K,
                               rtol=1e-7)  # fmt: skip


def test_transport_json_contract_is_unchanged():
    out = json.loads(run("transport", "--format", "json").stdout)
    assert list(out) == ["sigma0", "sigma_H", "D", "tau_tr", "ell", "units"]
    assert out["units"] == {"sigma0": "e^2/h", "sigma_H": "e^2/h", "D": "hbar v^2/E0",
                            "tau_tr": "hbar/E0", "ell": "hbar v/E0"}  # fmt: skip
