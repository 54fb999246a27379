"""`tisot exact`: the exact disorder average from the command line (issue 12).

A tiny run (alpha = 0.3, 4 mean free paths, 64 moments, 2 dense realisations: ~0.1 s of work)
checks the plumbing against the library (same seed, same numbers), the JSON contract, the
netCDF file, dimensional analysis, and the refusals of bad flags before anything is computed;
the same for --kind fermi-surface (exact_fermi_surface). The slow test reproduces the shipped
verdict data.
"""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.io.store import load_dataset
from tisot.model import SurfaceModel
from tisot.response.exact import exact_average
from tisot.response.exact.verdict import load_verdict

runner = CliRunner()
SMALL = ["--alpha", "0.3", "--moments", "64", "--realisations", "2", "--method", "dense"]
TINY = [*SMALL, "--box-over-ell", "4"]
VALUES = ("sigma_xx", "sigma_yy", "sigma_xy", "sigma_yx", "sigma_long", "sigma_hall", "dos",
          "D", "ladder_sigma_xx")  # fmt: skip


def run(*args):
    return runner.invoke(app, ["exact", *args])


@pytest.fixture(scope="module")
def tiny_json():
    res = run(*TINY, "--seed", "3", "--format", "json")
    assert res.exit_code == 0, res.output
    return res


def test_json_is_the_library_average_for_the_same_seed(tiny_json):
    """The CLI's numbers are exact_average's for the same model, box and seed (plumbing)."""
    out = json.loads(tiny_json.stdout)
    assert set(out) == {*VALUES, "parameters"}
    for key in VALUES:
        assert set(out[key]) == {"value", "stderr", "units"}
    with warnings.catch_warnings():  # alpha = 0.3 leaves the closed forms' regime; too few moments
        warnings.simplefilter("ignore")
        model = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.3)
        ds = exact_average(
            model,
            box_length=4 * model.mean_free_path,
            moments=64,
            realisations=2,
            seed=3,
            method="dense",
        )
    assert out["sigma_xx"]["value"] == pytest.approx(float(ds.sigma_mean[0, 0]), rel=1e-12)
    assert out["sigma_xy"]["stderr"] == pytest.approx(float(ds.sigma_err[0, 1]), rel=1e-12)
    assert out["D"]["value"] == pytest.approx(float(ds.D), rel=1e-12)
    # the Hall and longitudinal parts are averaged per realisation; the mean is linear
    half = 0.5 * (out["sigma_xy"]["value"] - out["sigma_yx"]["value"])
    assert out["sigma_hall"]["value"] == pytest.approx(half, rel=1e-12)
    half = 0.5 * (out["sigma_xx"]["value"] + out["sigma_yy"]["value"])
    assert out["sigma_long"]["value"] == pytest.approx(half, rel=1e-12)
    assert out["ladder_sigma_xx"]["stderr"] is None
    p = out["parameters"]
    assert p["box_over_ell"] == pytest.approx(4.0)
    assert p["box_length"] == pytest.approx(4 * model.mean_free_path)
    assert (p["moments"], p["realisations"], p["method"], p["seed"]) == (64, 2, "dense", 3)
    assert p["basis_size"] == ds.attrs["basis_size"]
    assert p["random_vectors"] is None  # dense traces use none


def test_ladder_comparison_is_tisot_response_at_q_zero_plus_the_rr_term(tiny_json):
    """ladder_sigma_xx = Kubo-Streda I = the RA part, the physical K_yy (j = e v (sigma x z),
    Eq. 8) of `tisot response --method ladder` at q = 0 (another command's path), plus the RR
    term, whose bare bubble is Re[p_c^2/(p_c^2 - eps^2)]/(2 pi) = 0.166 e^2/h at p_c = 5 eps
    (by hand; its ladder changes it by O(alpha))."""
    out = json.loads(tiny_json.stdout)
    res = runner.invoke(
        app, ["response", "--method", "ladder", "--alpha", "0.3", "--q", "0,0", "--omega",
              "1e-9", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    K_yy = json.loads(res.stdout)["K"]["re"][1][1]
    rr = out["ladder_sigma_xx"]["value"] - K_yy
    assert rr == pytest.approx(25 / 24 / (2 * 3.141592653589793), rel=0.25)


def test_only_ratios_to_the_fermi_energy_enter(tiny_json):
    """Dimensional analysis (hbar = v = 1): scaling eps and Delta_sd by 7 with the box fixed in
    mean free paths leaves sigma (e^2/h) unchanged and scales D (hbar v^2/E0) by 1/7."""
    res = run(*TINY, "--seed", "3", "--energy", "7", "--delta-sd", "2.1", "--format", "json")
    assert res.exit_code == 0, res.output
    out, ref = json.loads(res.stdout), json.loads(tiny_json.stdout)
    for key in ("sigma_xx", "sigma_xy", "sigma_hall", "ladder_sigma_xx"):
        assert out[key]["value"] == pytest.approx(ref[key]["value"], rel=1e-7), key
    assert 7 * out["D"]["value"] == pytest.approx(ref["D"]["value"], rel=1e-7)
    assert out["parameters"]["box_length"] == pytest.approx(ref["parameters"]["box_length"] / 7)


def test_accuracy_warnings_are_shown_once_in_the_flags_names(tiny_json):
    """64 moments do not resolve Gamma at alpha = 0.3: exact_average warns, the CLI says which
    flag to raise, once."""
    err = tiny_json.stderr
    assert err.count("warning: too few --moments") == 1, err
    assert "use --moments >=" in err
    assert "RegimeWarning" not in err and "closed forms" not in err


def test_table_lists_values_and_convergence_parameters():
    res = run(*TINY)
    assert res.exit_code == 0, res.output
    for word in ("sigma_xx", "sigma_hall", "ladder_sigma_xx", "box_over_ell = 4", "basis_size",
                 "moments = 64", "resolution_over_gamma", "realisations = 2"):  # fmt: skip
        assert word in res.stdout, res.stdout


def test_out_writes_the_dataset_as_netcdf(tmp_path, tiny_json):
    path = tmp_path / "exact.nc"
    res = run(*TINY, "--seed", "3", "--format", "json", "--out", str(path))
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exact.nc"]  # no temporary left
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # netCDF4 = HDF5
    ds = load_dataset(path)
    out = json.loads(tiny_json.stdout)
    assert float(ds.sigma_mean[0, 0]) == pytest.approx(out["sigma_xx"]["value"], rel=1e-12)
    assert ds.sigma.sizes["realisation"] == 2
    assert float(ds.ladder_sigma_xx) == pytest.approx(out["ladder_sigma_xx"]["value"])
    assert ds.attrs["moments"] == 64 and ds.sigma.attrs["units"] == "e^2/h"


def test_out_is_refused_before_computing_and_nothing_is_left_on_error(tmp_path):
    folder = tmp_path / "already_a_folder"
    folder.mkdir()
    res = run(*TINY, "--out", str(folder))
    assert res.exit_code == 2 and "--out" in res.output and "folder" in res.output
    # a run that fails inside exact_average (too few moments) leaves no file and no temporary
    path = tmp_path / "exact.nc"
    res = run(*TINY, "--moments", "3", "--out", str(path))
    assert res.exit_code == 2 and "--moments" in res.output, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["already_a_folder"]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--alpha", "0"], "--alpha"),
        (["--alpha", "-0.1"], "--alpha"),
        (["--box-length", "0.5"], "--box-length"),  # ell = 0.73
        (["--box-over-ell", "0.5"], "--box-over-ell"),
        (["--box-length", "3", "--box-over-ell", "4"], "--box-over-ell"),  # alternatives
        (["--box-over-ell", "1e5"], "--box-over-ell"),  # 1e11 plane waves: refused unbuilt
        (["--moments", "3"], "--moments"),
        (["--moments", "100000000000"], "--moments"),
        (["--realisations", "1"], "--realisations"),
        (["--method", "magic"], "--method"),
        (["--vectors", "4"], "--vectors"),  # dense traces take no random vectors
        (["--cutoff", "30"], "--cutoff"),
        (["--seed", "-1"], "--seed"),
        (["--kind", "magic"], "--kind"),
        (["--q-orders", "1"], "--q-orders"),  # a fermi-surface flag
        (["--eta-over-gamma", "0.5"], "--eta-over-gamma"),  # a fermi-surface flag
        (["--energy", "0.2"], "--energy"),  # inside the gap |Delta_z| = 0.3
        (["--energy", "1e-300", "--mz", "0"], "--energy"),  # eps^2 underflows
    ],
)
def test_bad_flags_exit_2_naming_the_flag(args, flag):
    """Each is refused before anything is computed, in one line naming the flag."""
    res = run(*SMALL, *args)
    assert res.exit_code == 2, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and flag in errors[0], res.output
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_reproduces_the_shipped_verdict_at_alpha_02():
    """The α = 0.2 row of src/tisot/data/beyond_ladder.nc, written by
    examples/beyond_ladder_verdict.py (seed 1, dense, L = 12, N = 256, 48 samples): the command
    gives the same numbers (about a minute)."""
    res = run("--alpha", "0.2", "--box-length", "12", "--moments", "256", "--realisations", "48",
              "--method", "dense", "--seed", "1", "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ds = load_verdict()
    row = ds.where((ds.kind == "verdict") & (ds.alpha == 0.2), drop=True).isel(run=0)
    for key, name in (("sigma_long", "exact_sigma_xx"), ("sigma_hall", "exact_sigma_xy"),
                      ("D", "exact_D"), ("ladder_sigma_xx", "ladder_sigma_xx")):  # fmt: skip
        assert out[key]["value"] == pytest.approx(float(row[name]), rel=1e-9), key
    assert out["sigma_long"]["stderr"] == pytest.approx(float(row.exact_sigma_xx_err), rel=1e-9)


# ------------------------------------------------------------------ --kind fermi-surface
#: 10 mean free paths (the default): q = 2 pi / L = 0.63 / ell stays below k_F = 0.95
FERMI = ["--kind", "fermi-surface", "--alpha", "0.3", "--realisations", "2", "--method",
         "dense", "--eta-over-gamma", "0.25,0.5"]  # fmt: skip


def test_fermi_surface_json_is_the_library_average_for_the_same_seed(tmp_path):
    from tisot.response.exact.fermi import exact_fermi_surface

    path = tmp_path / "fs.nc"
    res = run(*FERMI, "--seed", "5", "--format", "json", "--out", str(path))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.3)
        ds = exact_fermi_surface(
            model,
            box_length=10 * model.mean_free_path,
            eta_over_gamma=(0.25, 0.5),
            q_orders=(1,),
            realisations=2,
            seed=5,
            method="dense",
        )
    for key in ("sigma_xx", "sigma_xy", "D_density", "D_einstein"):
        assert out[key]["value"] == pytest.approx(float(ds[key]), rel=1e-12), key
        assert out[key]["stderr"] == pytest.approx(float(ds[f"{key}_err"]), rel=1e-12), key
    p = out["parameters"]
    assert p["kind"] == "fermi-surface" and p["eta_over_gamma"] == [0.25, 0.5]
    # the defaults: L = 10 ell, one density wave q = 2 pi / L
    assert p["box_over_ell"] == pytest.approx(10.0)
    assert p["q_ell"] == pytest.approx([2 * 3.141592653589793 / 10])
    saved = load_dataset(path)
    assert float(saved.D_density) == pytest.approx(out["D_density"]["value"], rel=1e-12)
    assert "ladder_sigma_xx" in saved
    # the equal-broadening comparison: exact at eta = Gamma/4 (no extrapolation) ...
    for key in ("sigma_xx", "sigma_xy"):
        v = out[f"{key}_eta_min"]
        assert v["value"] == pytest.approx(float(ds[f"{key}_at_eta"][0]), rel=1e-12), key
        assert v["stderr"] == pytest.approx(float(ds[f"{key}_at_eta_err"][0]), rel=1e-12), key
    # ... and the ladder at the same eta, below its eta -> 0 value (a shorter lifetime)
    assert 0 < out["ladder_sigma_xx_eta_min"]["value"] < out["ladder_sigma_xx"]["value"]
    assert out["crossed_sigma_xy_eta_min"]["stderr"] is None
    # the Cooperon series lowers the Hall value further (docs/beyond-ladder.md, section 3c)
    assert 0 < out["cooperon_sigma_xy_eta_min"]["value"] < out["crossed_sigma_xy_eta_min"]["value"]
    # and the library's one-crossing columns at the same eta (section 3d)
    from tisot.response.exact.reference import broadened_ladder

    ref = broadened_ladder(model, float(ds.eta[0]), one_crossing=True)
    for key in ("sigma_xx", "sigma_xy"):
        got = out[f"one_crossing_{key}_eta_min"]
        assert got["value"] == pytest.approx(float(ref[f"{key}_one_crossing"]), rel=1e-9), key
        assert got["stderr"] is None and got["units"] == "e^2/h"
    # and the same diagrams in this 10 l box: the library's lattice sums
    from tisot.response.exact.lattice import box_ladder

    box = box_ladder(model, float(ds.eta[0]), 10 * model.mean_free_path)
    assert out["box_ladder_sigma_xx_eta_min"]["value"] == pytest.approx(float(box.sigma_xx))
    assert out["box_cooperon_sigma_xy_eta_min"]["value"] == pytest.approx(
        float(box.sigma_xy_cooperon)
    )


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--moments", "64"], "--moments"),  # a bastin flag
        (["--q-orders", "x"], "--q-orders"),
        (["--q-orders", "0"], "--q-orders"),
        (["--q-orders", "4"], "--q-orders"),  # q = 2 pi 4 / L above k_F
        (["--eta-over-gamma", "3"], "--eta-over-gamma"),  # (0, 2]
        (["--eta-over-gamma", ","], "--eta-over-gamma"),
        (["--eta-over-gamma", "1e-9,0.5"], "--eta-over-gamma"),  # ~1e11 resolvent terms
    ],
)
def test_fermi_surface_bad_flags_exit_2_naming_the_flag(args, flag):
    res = run(*FERMI, *args)
    assert res.exit_code == 2, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and flag in errors[0], res.output
