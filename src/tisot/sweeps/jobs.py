"""Built-in calculation kinds: "transport" (Eq. 9) and "response" (K of Eq. 8, analytic or ladder).

Config units are the laboratory's (meV, m/s, um, GHz); each job converts to model units
(hbar = v = 1, energy unit = Fermi energy) through :class:`tisot.model.Scales` and back.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from ..io.schema import Parameter, Schema
from ..model import SurfaceModel
from .registry import Job, OutputVar, Params, register_job

#: [model]: the TI surface of Eq. (1) with disorder (5); m = (sqrt(1 - m_z^2), 0, m_z).
MODEL_SCHEMA = {
    "fermi_energy_mev": Parameter(
        kind=float, default=100.0, units="meV", long_name="Fermi energy epsilon",
        low=0.0, low_open=True,
    ),
    "exchange_energy_mev": Parameter(
        kind=float, default=30.0, units="meV", long_name="exchange energy Delta_sd = J_sd S"
    ),
    "m_z": Parameter(
        kind=float, default=math.sqrt(0.5), units="1",
        long_name="magnetization component m_z along the TI normal", low=-1.0, high=1.0,
    ),
    "disorder": Parameter(
        kind=float, default=0.02, units="1", long_name="disorder strength alpha, Eq. (5)",
        low=0.0, high=1.0, low_open=True, high_open=True,
    ),
    "velocity": Parameter(
        kind=float, default=1.0e6, units="m s-1", long_name="Dirac velocity v",
        low=0.0, low_open=True,
    ),
}  # fmt: skip


def build_model(model: dict) -> SurfaceModel:
    """The :class:`SurfaceModel` of a ``[model]`` section (in-plane part of m along x)."""
    mz = model["m_z"]
    return SurfaceModel.from_physical(
        fermi_energy_mev=model["fermi_energy_mev"],
        exchange_energy_mev=model["exchange_energy_mev"],
        magnetization=(math.sqrt(max(0.0, 1.0 - mz * mz)), 0.0, mz),
        disorder=model["disorder"],
        velocity=model["velocity"],
    )


class TransportJob(Job):
    """Static transport of the surface: sigma0, sigma_H (Eq. 9), D, tau_tr, ell."""

    name = "transport"
    description = "static transport of the TI surface, Eq. (9)"
    schema: ClassVar[Schema] = {"model": MODEL_SCHEMA}

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {
            "sigma0": OutputVar((), "e^2/h", "longitudinal conductivity sigma_0, Eq. (9)"),
            "sigma_H": OutputVar((), "e^2/h", "anomalous Hall conductivity sigma_H, Eq. (9)"),
            "D": OutputVar((), "m2 s-1", "diffusion constant D = hbar v^2 sigma0 / epsilon"),
            "tau_tr": OutputVar((), "s", "transport time tau_tr (paper's, D = v^2 tau_tr)"),
            "ell": OutputVar((), "m", "diffusion length ell = sqrt(D tau_tr) (App. B)"),
            "delta_z": OutputVar((), "meV", "Delta_z = Delta_sd m_z"),
        }

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        model = build_model(params["model"])
        t = model.transport("si")
        return {
            "sigma0": np.asarray(t.sigma0),
            "sigma_H": np.asarray(t.sigma_hall),
            "D": np.asarray(t.diffusion_constant),
            "tau_tr": np.asarray(t.transport_time),
            "ell": np.asarray(t.mean_free_path),
            "delta_z": np.asarray(model.delta_z * model.scales.energy_mev),
        }


#: [drive]: the in-plane field E exp(i q.r - i omega t) of Eq. (6).
DRIVE_SCHEMA = {
    "period_um": Parameter(
        kind=float, default=1.0, units="um", long_name="drive period 2 pi / q",
        low=0.0, low_open=True, high=math.inf,
    ),
    "q_angle_deg": Parameter(
        kind=float, default=0.0, units="degree", long_name="angle of q from the x axis"
    ),
    "frequency_ghz": Parameter(
        kind=float, default=10.0, units="GHz", long_name="drive frequency f = omega / 2 pi",
        low=0.0,
    ),
}  # fmt: skip

#: [method]: how K is computed (tisot.response.response_tensor).
METHOD_SCHEMA = {
    "name": Parameter(
        kind=str, default="analytic", long_name="response method", choices=("analytic", "ladder")
    ),
    "corrections": Parameter(
        kind=bool, default=True, long_name="keep O(omega tau_tr) terms of App. B (analytic)"
    ),
    "rtol": Parameter(
        kind=float, default=1e-6, long_name="relative tolerance (ladder)",
        low=0.0, high=1.0, low_open=True, high_open=True,
    ),
    "cutoff": Parameter(
        kind=float, default=5.0, units="epsilon/(hbar v)", long_name="momentum cutoff (ladder)",
        low=1.0, low_open=True,
    ),
}  # fmt: skip

_XYZ = np.array(["x", "y", "z"])


def drive_in_model_units(model: SurfaceModel, drive: dict) -> tuple[np.ndarray, float]:
    """q (2,) and omega of a ``[drive]`` section in model units (E0/(hbar v), E0/hbar)."""
    s = model.scales
    q = 2 * math.pi / (drive["period_um"] * 1e-6) / s.wavevector  # q = 2 pi / period
    angle = math.radians(drive["q_angle_deg"])
    omega = 2 * math.pi * drive["frequency_ghz"] * 1e9 / s.rate  # omega = 2 pi f
    return np.array([q * math.cos(angle), q * math.sin(angle)]), omega


class ResponseJob(Job):
    """The response tensor K(q, omega) of Eq. (8), closed forms (App. B) or exact ladder."""

    name = "response"
    description = "spin response tensor K(q, omega), Eq. (8)"
    schema: ClassVar[Schema] = {
        "model": MODEL_SCHEMA,
        "drive": DRIVE_SCHEMA,
        "method": METHOD_SCHEMA,
    }

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {
            "K": OutputVar(
                ("row", "col"), "1", "response tensor K(q, omega), Eq. (8)", "complex128"
            ),
            "omega_tau_tr": OutputVar((), "1", "omega tau_tr (small parameter)"),
            "Dq2_tau_tr": OutputVar((), "1", "D q^2 tau_tr = (q ell)^2 (small parameter)"),
        }

    def coords(self, params: Params) -> dict[str, tuple[str, np.ndarray, dict]]:
        return {
            "row": ("row", _XYZ, {"long_name": "spin component alpha of K_alpha,beta"}),
            "col": ("col", _XYZ, {"long_name": "spin component beta of K_alpha,beta"}),
        }

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        from ..response import response_tensor

        model = build_model(params["model"])
        q, omega = drive_in_model_units(model, params["drive"])
        method = params["method"]
        if method["name"] == "analytic":
            options = {"corrections": method["corrections"]}
        else:
            options = {"rtol": method["rtol"], "cutoff": method["cutoff"]}
        K = response_tensor(model, q, omega, method=method["name"], **options)
        tau = model.transport_time
        return {
            "K": np.asarray(K, dtype=complex),
            "omega_tau_tr": np.asarray(omega * tau),
            "Dq2_tau_tr": np.asarray(model.diffusion_constant * float(q @ q) * tau),
        }


register_job(TransportJob())
register_job(ResponseJob())
