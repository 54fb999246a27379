"""The worked example examples/realistic_device.py: a self-consistent device in the regime."""

import importlib.util
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from tisot.model import RegimeWarning

EXAMPLE = Path(__file__).parents[2] / "examples" / "realistic_device.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("realistic_device", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("frequency", [7e9, 12e9])
def test_device_is_inside_the_regime_of_the_theory(example, frequency):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegimeWarning)
        dev = example.build_device(frequency)
        numbers = example.summary(dev)
    assert numbers["alpha (disorder, from the mobility)"] < 0.1
    assert numbers["omega tau_tr"] < 0.1
    assert numbers["D q^2 tau_tr = (q ell)^2"] < 0.1
    assert numbers["omega / D q^2"] < 0.5


def test_mobility_sets_the_conductivity(example):
    # sigma0 e^2/h = n e mu with n = k_F^2 / 4 pi (hand-worked with the example's numbers)
    dev = example.build_device()
    kf = 0.1 * 1.602176634e-19 / (1.054571817e-34 * 5.0e5)
    sheet = kf**2 / (4 * math.pi) * 1.602176634e-19 * 0.15
    assert dev["medium"].sheet_conductance == pytest.approx(sheet, rel=1e-9)


def test_torque_ratio_follows_eq17_with_its_missing_factors(example):
    # For the first gate harmonic alone: T_diff/T_FL = (Delta_sd/hbar q v)/sigma0 (Eq. 17) times
    # |Dq^2/(i w - Dq^2 - 1/tau_phi)| / |i w/(i w - Dq^2)| (the current along q is diffusion-
    # suppressed) times m_z sin chi (the geometric factor the paper drops), per layer identical.
    from dataclasses import replace

    from tisot.drive import fourier_drive

    dev = example.build_device(9.5e9)
    dev["gate"] = replace(dev["gate"], harmonics=1)
    dev["drive"] = fourier_drive(dev["gate"].field(), dev["medium"])
    numbers = example.summary(dev)
    si = dev["model"].transport("si")
    q, w = dev["gate"].wavevector, dev["gate"].omega
    Dq2 = si.diffusion_constant * q**2
    g = 1 / dev["medium"].dephasing_time
    factor = abs(Dq2 / (1j * w - Dq2 - g)) / abs(1j * w / (1j * w - Dq2)) * 0.5
    first_harmonic = numbers["Eq. (17): (Delta_sd / hbar q v) / sigma0"] * factor
    assert numbers["T_diff / T_FL at m = H, computed"] == pytest.approx(first_harmonic, rel=1e-6)
    assert np.isfinite(first_harmonic)


@pytest.mark.slow
def test_example_runs(example, tmp_path):
    example.main(tmp_path)
    assert (tmp_path / "realistic_device_resonance.png").exists()
