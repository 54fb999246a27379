"""`tisot response --method ladder` as a user calls it: same JSON as --method analytic."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot import SurfaceModel
from tisot.cli import app
from tisot.response.ladder import ladder_response

runner = CliRunner()
ARGS = ["response", "--energy", "1", "--delta-sd", "0.3", "--alpha", "0.02", "--q", "0.001,0"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def as_complex(out):
    return np.array(out["K"]["re"]) + 1j * np.array(out["K"]["im"])


def test_ladder_json_matches_api_and_analytic_layout():
    result = run(
        *ARGS,
        "--omega",
        "1e-5",
        "--method",
        "ladder",
        "--rtol",
        "1e-8",
        "--cutoff",
        "3",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    analytic = json.loads(run(*ARGS, "--omega", "1e-5", "--format", "json").stdout)
    assert set(out) == set(analytic)
    assert out["method"] == "ladder"
    K = as_complex(out)
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    ref = ladder_response(model, [0.001, 0.0], 1e-5, rtol=1e-8, cutoff=3.0)
    np.testing.assert_allclose(K, ref, rtol=1e-12)
    # same physics as the closed forms to O(alpha), zeta's sign aside (docs/theory-notes.md)
    Ka = as_complex(analytic)
    for i, j in [(0, 0), (1, 1), (1, 2)]:
        assert K[i, j] == pytest.approx(Ka[i, j], rel=0.1)
    # zeta: Dz^2/(eps (D q^2 - i omega)), the sign of Eq. (15)/(B4b) corrected
    assert abs(K[2, 2]) == pytest.approx(abs(Ka[2, 2]), rel=0.1)
    D, q, w = model.diffusion_constant, 0.001, 1e-5
    assert K[2, 2] == pytest.approx(0.09 / (D * q * q - 1j * w), rel=0.1)


def test_ladder_table_output_and_bad_option():
    result = run(*ARGS, "--omega", "1e-5", "--method", "ladder")
    assert result.exit_code == 0, result.output
    assert "method=ladder" in result.stdout
    bad = run(*ARGS, "--omega", "1e-5", "--method", "ladder", "--cutoff", "0.5")
    assert bad.exit_code == 2
    assert "--cutoff must be a number in [1.5" in bad.output
