"""`tisot fmr` and `tisot fmr-field` as a user calls them (lab units on the flags)."""

import json
import math

import pytest
from typer.testing import CliRunner

from tisot.cli import app

runner = CliRunner()
GAMMA_G2 = 2 * 9.2740100657e-24 / 1.054571817e-34  # g = 2, CODATA 2022


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def fmr_json(*args):
    result = run("fmr", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_reference_case_eus_at_45_degrees():
    """mu0 Ms = 1.5 T, Ku = 0, field 45 deg from the normal: 10 GHz at 114.29 mT, m at 87.07 deg
    (hand numbers in tests/magnet/test_magnet_resonance.py)."""
    out = fmr_json("--ms", 1193.7, "--ku", 0, "--field", 114.29, "--theta-h", 45)
    assert set(out) >= {"m", "frequency_ghz"}
    assert out["frequency_ghz"] == pytest.approx(10.0, abs=2e-3)
    mx, my, mz = out["m"]
    assert math.degrees(math.acos(mz)) == pytest.approx(87.07, abs=0.01)
    assert my == 0.0 and mx > 0  # x along the field's in-plane projection
    field = run(
        "fmr-field", "--ms", 1193.7, "--frequency-ghz", 10, "--theta-h", 45, "--format", "json"
    )
    assert json.loads(field.stdout)["field_mt"] == pytest.approx(114.29, abs=0.02)


def test_kittel_limits_by_hand():
    # in plane: f = gamma/2pi sqrt(B (B + mu0 Meff)), Meff = Ms - 2 Ku / (mu0 Ms)
    ms, ku, b = 800.0, 100.0, 50.0
    meff = ms * 1e3 - 2 * ku * 1e3 / (4e-7 * math.pi * ms * 1e3)
    mu0meff = 4e-7 * math.pi * meff
    out = fmr_json("--ms", ms, "--ku", ku, "--field", b, "--theta-h", 90, "--phi-h", 30)
    f = GAMMA_G2 / (2 * math.pi) * math.sqrt(0.05 * (0.05 + mu0meff)) * 1e-9
    assert out["frequency_ghz"] == pytest.approx(f, rel=1e-7)
    assert out["m"] == pytest.approx([math.cos(math.pi / 6), 0.5, 0.0], abs=1e-9)
    # normal, above saturation: f = gamma/2pi (B - mu0 Meff)
    out = fmr_json("--ms", ms, "--ku", ku, "--field", 1500, "--theta-h", 0, "--g", 2.1)
    f = 2.1 / 2 * GAMMA_G2 / (2 * math.pi) * (1.5 - mu0meff) * 1e-9
    assert out["frequency_ghz"] == pytest.approx(f, rel=1e-7)
    assert out["m"] == pytest.approx([0, 0, 1], abs=1e-12)


def test_perpendicular_film_reports_hysteresis():
    out = fmr_json("--ms", 400, "--ku", 200, "--field", 100, "--theta-h", 170)
    assert out["hysteretic"] is True
    assert len(out["minima"]) == 2
    assert out["m"][2] < 0  # the global minimum follows the field


def test_m_guess_follows_the_metastable_branch():
    args = ("--ms", 400, "--ku", 200, "--field", 100, "--theta-h", 180)
    assert fmr_json(*args)["m"] == pytest.approx([0, 0, -1], abs=1e-9)
    up = fmr_json(*args, "--m-guess", "0.1,0,1")
    assert up["m"] == pytest.approx([0, 0, 1], abs=1e-9)
    # easy axis, field reversed: f = gamma/2pi (H_K - B), H_K = 2 Ku / Ms - mu0 Ms
    h_k = 2 * 200e3 / 400e3 - 4e-7 * math.pi * 400e3
    assert up["frequency_ghz"] == pytest.approx(GAMMA_G2 / (2 * math.pi) * (h_k - 0.1) * 1e-9)
    bad = run("fmr", *args, "--m-guess", "0,0")
    assert bad.exit_code == 2 and "--m-guess" in bad.stderr


def test_table_output():
    result = run("fmr", "--ms", 1193.7, "--field", 100, "--theta-h", 45, "--kc", 5)
    assert result.exit_code == 0, result.output
    assert "frequency (GHz)" in result.output


@pytest.mark.parametrize(
    "args, flag",
    [
        (("--ms", 0, "--field", 100, "--theta-h", 45), "--ms"),
        (("--ms", -5, "--field", 100, "--theta-h", 45), "--ms"),
        (("--ms", "nan", "--field", 100, "--theta-h", 45), "--ms"),
        (("--ms", 800, "--field", "inf", "--theta-h", 45), "--field"),
        (("--ms", 800, "--field", 100, "--theta-h", "nan"), "--theta-h"),
        (("--ms", 800, "--ku", "nan", "--field", 100, "--theta-h", 45), "--ku"),
        (("--ms", 800, "--field", 100, "--theta-h", 45, "--g", 0), "--g"),
        (("--ms", 800, "--field", -3, "--theta-h", 45), "--field"),
        (("--ms", 800, "--field", 0, "--theta-h", 45), "--field"),  # E(m) = E(-m)
        (("--ms", 400, "--ku", 200, "--field", 50, "--theta-h", 90), "--field"),  # up = down
    ],
)
def test_bad_values_get_one_line_errors_naming_the_flag(args, flag):
    result = run("fmr", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and flag in lines[0]
    assert "Traceback" not in result.output


def test_fmr_field_rejects_a_bad_frequency():
    result = run("fmr-field", "--ms", 800, "--frequency-ghz", 0, "--theta-h", 45)
    assert result.exit_code == 2 and "--frequency-ghz" in result.stderr


def test_docs_python_example_runs_and_gives_its_numbers():
    import re
    from pathlib import Path

    import numpy as np

    doc = Path(__file__).resolve().parents[2] / "docs" / "magnetostatics.md"
    code = re.search(r"## In Python\n\n```python\n(.*?)```", doc.read_text(), re.S).group(1)
    ns: dict = {}
    exec(compile(code, "magnetostatics.md", "exec"), ns)
    assert ns["b_res"] == pytest.approx(0.11429, abs=1e-5)
    assert ns["eq"].theta_deg == pytest.approx(87.07, abs=0.01) and not ns["eq"].hysteretic
    assert ns["f0"] == pytest.approx(1e10, rel=1e-9)
    assert ns["dm"].shape == (201, 3)
    assert ns["f"][np.argmax(np.abs(ns["dm"]).sum(axis=1))] == pytest.approx(1e10, rel=2e-2)
    # k along x, m nearly along x: backward-volume-like, 0.3 % below the uniform mode
    assert ns["f_k"] / ns["f0"] == pytest.approx(0.99688, abs=1e-4)
