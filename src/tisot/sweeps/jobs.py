"""Built-in calculation kinds: "transport" (Eq. 9), "response" (K of Eq. 8, analytic or ladder)
"macrospin" (dynamics of Eq. 18, Fig. 3), "resonance" (its steady state under a drive) and
"torques" (the torque strengths of a gated surface, Eqs. 3, 4, 17, 18). The whole device chain
lives in ``device.py`` ("device_macrospin": one macrospin, "film": a film along the grating), built on
:class:`tisot.device.Device`.

Config units are the laboratory's (meV, m/s, um, GHz); each job converts to model units
(hbar = v = 1, energy unit = Fermi energy) through :class:`tisot.model.Scales` and back.
"""

from __future__ import annotations

import math
from dataclasses import replace
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
    "exchange_mev": Parameter(
        kind=float, default=30.0, units="meV",
        long_name="sd exchange Delta_sd of Eq. (1) (m the moment direction; = -J_sd S)",
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
        exchange_energy_mev=model["exchange_mev"],
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
        kind=str, default="corrected", choices=("corrected", "paper", "leading"),
        long_name="first-order terms of the closed forms: the ladder's, App. B's, or none (analytic)",
    ),
    "rtol": Parameter(
        kind=float, default=1e-6, long_name="relative tolerance (ladder)",
        low=1e-13, high=1.0, high_open=True,
    ),
    "cutoff": Parameter(
        kind=float, default=5.0, units="epsilon/(hbar v)", long_name="momentum cutoff (ladder)",
        low=1.5, high=1e6,
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


#: [dynamics]: a macrospin under Eq. (18) in the geometry of Fig. 3; rates in units of omega0.
DYNAMICS_SCHEMA = {
    "field_angle_deg": Parameter(
        kind=float, default=45.0, units="degree",
        long_name="angle chi of the field H from the TI normal (x-z plane)", low=0.0, high=180.0,
    ),
    "drive_amplitude": Parameter(
        kind=float, default=0.1, units="omega0", long_name="drive amplitude f0 / omega0",
        low=0.0,
    ),
    "drive_frequency": Parameter(
        kind=float, default=1.0, units="omega0", long_name="drive frequency omega / omega0",
        low=0.0,
    ),
    "drive_phase_deg": Parameter(
        kind=float, default=0.0, units="degree", long_name="drive phase: f0 cos(omega t + phase)"
    ),
    "alpha_g": Parameter(
        kind=float, default=0.005, units="1", long_name="anisotropic Gilbert damping alpha_G",
        low=0.0,
    ),
    "alpha_iso": Parameter(
        kind=float, default=0.0, units="1", long_name="isotropic Gilbert damping of the FM",
        low=0.0,
    ),
    "damping_axis": Parameter(
        kind=str, default="normal", long_name="axis the alpha_G term drops: TI normal (Eq. 18) "
        "or field (Eq. C2)", choices=("normal", "field"),
    ),
    "t_max": Parameter(
        kind=float, default=300.0, units="1/omega0", long_name="duration of the run",
        low=0.0, low_open=True, sweepable=False,
    ),
    "samples": Parameter(
        kind=int, default=601, long_name="output times, uniform on [0, t_max]", low=2,
        sweepable=False,
    ),
    "method": Parameter(
        kind=str, default="dopri", long_name="integrator", choices=("dopri", "geometric"),
        sweepable=False,
    ),
    "rtol": Parameter(
        kind=float, default=1e-8, long_name="relative tolerance (dopri)", low=1e-13, high=1e-2,
        sweepable=False,
    ),
}  # fmt: skip


class MacrospinJob(Job):
    """m(t) of a macrospin under Eq. (18), m starting along H (Fig. 3); one chunk, one batch."""

    name = "macrospin"
    description = "macrospin dynamics under Eq. (18), geometry of Fig. 3"
    schema: ClassVar[Schema] = {"dynamics": DYNAMICS_SCHEMA}
    batched = True

    def _times(self, params: Params) -> np.ndarray:
        d = params["dynamics"]
        return np.linspace(0.0, d["t_max"], d["samples"])

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {
            "m": OutputVar(("time", "component"), "1", "magnetization direction m"),
            "m_H": OutputVar(("time",), "1", "m_H = m . H / |H|"),
            "m_H_mean": OutputVar((), "1", "time average of m_H over the run"),
            "m_H_min": OutputVar((), "1", "smallest m_H over the run"),
        }

    def coords(self, params: Params) -> dict[str, tuple[str, np.ndarray, dict]]:
        return {
            "time": ("time", self._times(params), {"units": "1/omega0", "long_name": "time t"}),
            "component": ("component", _XYZ, {"long_name": "Cartesian component (z: TI normal)"}),
        }

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        return self.compute_many([params])[0]

    def compute_many(self, params: list[Params]) -> list[dict[str, np.ndarray]]:
        from ..dynamics import MacrospinBatch, simulate

        d = {k: np.array([p["dynamics"][k] for p in params]) for k in DYNAMICS_SCHEMA}
        chi = np.radians(d["field_angle_deg"])
        field_axis = np.stack([np.sin(chi), np.zeros_like(chi), np.cos(chi)], axis=-1)
        axis = np.where((d["damping_axis"] == "field")[:, None], field_axis, [0.0, 0.0, 1.0])
        batch = MacrospinBatch.from_angle(
            chi,
            omega0=1.0,
            f0=d["drive_amplitude"],
            omega=d["drive_frequency"],
            phase=np.radians(d["drive_phase_deg"]),
            alpha_g=d["alpha_g"],
            alpha_iso=d["alpha_iso"],
            damping_axis=axis,
        )
        first = params[0]["dynamics"]
        ds = simulate(
            batch, None, self._times(params[0]), method=first["method"], rtol=first["rtol"]
        )
        names = ("m", "m_H", "m_H_mean", "m_H_min")
        return [{k: ds[k].values[i] for k in names} for i in range(len(params))]


#: [dynamics] of the steady-state resonance: rates in omega0, times in 1/omega0; 0 = automatic.
RESONANCE_SCHEMA = {
    "field_angle_deg": DYNAMICS_SCHEMA["field_angle_deg"],
    "drive_amplitude": Parameter(
        kind=float, default=0.01, units="omega0", long_name="drive amplitude f0 / omega0",
        low=0.0,
    ),
    "drive_frequency": Parameter(
        kind=float, default=1.0, units="omega0", long_name="drive frequency omega / omega0",
        low=0.0, low_open=True,
    ),
    "alpha_g": Parameter(
        kind=float, default=0.02, units="1", long_name="anisotropic Gilbert damping alpha_G",
        low=0.0,
    ),
    "alpha_iso": DYNAMICS_SCHEMA["alpha_iso"],
    "settle": Parameter(
        kind=float, default=0.0, units="1/omega0",
        long_name="time discarded before averaging (0: 12 / linear decay rate)", low=0.0,
    ),
    "average": Parameter(
        kind=float, default=0.0, units="1/omega0",
        long_name="averaging window, rounded up to whole drive periods (0: 20 periods of the "
        "slower of drive and precession)",
        low=0.0,
    ),
    "samples_per_period": Parameter(
        kind=int, default=32, long_name="outputs per drive period in the window", low=20,
        sweepable=False,
    ),
    "rtol": DYNAMICS_SCHEMA["rtol"],
}  # fmt: skip

_RESONANCE_OUTPUTS = {
    "m_H_mean": ("1", "<m_H> in the steady state"),
    "one_minus_m_H": ("1", "<1 - m_H> in the steady state"),
    "cone_angle": ("rad", "mean precession cone angle arccos(m_H)"),
    "cone_angle_max": ("rad", "largest cone angle in the window"),
    "absorbed_power": ("omega0^2", "power pumped in by the drive (x M_s V/|gamma| omega0^2 = W)"),
    "dissipated_power": ("omega0^2", "power dissipated by the damping"),
    "linear_one_minus_m_H": ("1", "<1 - m_H>, small-cone linear response"),
    "linear_absorbed_power": ("omega0^2", "absorbed power, small-cone linear response"),
}


class ResonanceJob(Job):
    """Steady state of Eq. (18) under f0 cos(omega t): the spin-torque-resonance observables
    (:func:`tisot.experiments.resonance.spectrum` at one point), with the linear response."""

    name = "resonance"
    description = "steady-state spin-torque resonance of Eq. (18) (Sec. IV)"
    schema: ClassVar[Schema] = {"dynamics": RESONANCE_SCHEMA}

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {k: OutputVar((), u, n) for k, (u, n) in _RESONANCE_OUTPUTS.items()}

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        from ..experiments.resonance import spectrum
        from ..experiments.steady import whole_periods

        d = params["dynamics"]
        omega = d["drive_frequency"]
        periods = whole_periods(d["average"] or 20 * 2 * math.pi / min(omega, 1.0), omega)
        ds = spectrum(
            "omega",
            [d["drive_frequency"]],
            omega0=1.0,
            chi=math.radians(d["field_angle_deg"]),
            f0=d["drive_amplitude"],
            alpha_g=d["alpha_g"],
            alpha_iso=d["alpha_iso"],
            settle=d["settle"] or None,
            average=periods * 2 * math.pi / omega,
            samples_per_period=d["samples_per_period"],
            rtol=d["rtol"],
            atol=d["rtol"] * 1e-2,
        )
        return {k: ds[k].values[0] for k in _RESONANCE_OUTPUTS}


#: [coupling]: the FM cell at the interface (Eq. 2); J_sd = -Delta_sd / S (docs/theory-notes.md).
COUPLING_SCHEMA = {
    "cell_area_nm2": Parameter(
        kind=float, default=0.1542, units="nm2",
        long_name="FM unit-cell area A (EuS (111): sqrt(3) a^2 / 4)", low=0.0, low_open=True,
    ),
    "spin": Parameter(
        kind=float, default=3.5, units="1", long_name="spin S per FM cell", low=0.0,
        low_open=True,
    ),
}  # fmt: skip

#: [drive] of the torque strengths: a longitudinal field E cos(q x - omega t), q along x.
TORQUE_DRIVE_SCHEMA = {
    "period_um": Parameter(
        kind=float, default=1.0, units="um", long_name="gate period 2 pi / q",
        low=0.0, low_open=True,
    ),
    "frequency_ghz": Parameter(
        kind=float, default=10.0, units="GHz", long_name="drive frequency f = omega / 2 pi",
        low=0.0, low_open=True,
    ),
    "field_v_per_m": Parameter(
        kind=float, default=1.0e4, units="V m-1", long_name="in-plane field amplitude E along q",
        low=0.0, low_open=True,
    ),
    "leakage_time_ps": Parameter(
        kind=float, default=math.inf, units="ps",
        long_name="relaxation time of the surface charge into bulk or gate (inf: none)",
        low=0.0, low_open=True, high=math.inf,
    ),
}  # fmt: skip


class TorquesJob(Job):
    """Torque strengths of a gated surface: the diffusive drive f (Eq. 4), the fieldlike
    torque of the local current (Eq. 3), their ratio against Eq. (17), and alpha_G (Eq. 18)."""

    name = "torques"
    description = "diffusive and fieldlike torque strengths, Eqs. (3), (4), (17), (18)"
    schema: ClassVar[Schema] = {
        "model": MODEL_SCHEMA,
        "coupling": COUPLING_SCHEMA,
        "drive": TORQUE_DRIVE_SCHEMA,
    }

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {
            "f": OutputVar((), "s-1", "diffusive drive f of Eq. (4), complex amplitude", "complex128"),
            "current": OutputVar((), "A m-1", "sheet current J along q, complex amplitude", "complex128"),
            "fieldlike": OutputVar((), "s-1", "fieldlike torque rate |J_sd A / (hbar e v)| |J|, Eq. (3)"),
            "torque_ratio": OutputVar((), "1", "|T_diff| / |T_FL| for this m and drive"),
            "eq17_ratio": OutputVar((), "1", "(Delta_sd / hbar q v) / sigma0, Eq. (17)"),
            "omega_over_Dq2": OutputVar((), "1", "omega / D q^2"),
            "alpha_g": OutputVar((), "1", "anisotropic Gilbert damping alpha_G, Eq. (18) corrected"),
            "delta_sd": OutputVar((), "meV", "Delta_sd = -J_sd S"),
            "D": OutputVar((), "m2 s-1", "diffusion constant D"),
        }  # fmt: skip

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        from ..drive import DiffusiveMedium, current_amplitude, drive_amplitude
        from ..model import Coupling, fieldlike_coefficient, gilbert_damping
        from ..torques import torque_ratio

        m, c, d = params["model"], params["coupling"], params["drive"]
        if m["exchange_mev"] == 0:
            raise ValueError(
                "model.exchange_mev = 0: the FM does not couple to the surface, there are no "
                "torques and their ratio is undefined; give Delta_sd != 0"
            )
        coupling = Coupling(
            exchange_coupling_mev=-m["exchange_mev"] / c["spin"],  # J_sd = -Delta_sd / S
            cell_area=c["cell_area_nm2"] * 1e-18,
            spin=c["spin"],
        )
        mz = m["m_z"]
        mx = math.sqrt(max(0.0, 1.0 - mz * mz))
        model = coupling.surface(
            fermi_energy_mev=m["fermi_energy_mev"],
            magnetization=(mx, 0.0, mz),
            disorder=m["disorder"],
            velocity=m["velocity"],
        )
        D = model.transport("si").diffusion_constant
        medium = DiffusiveMedium.from_model(
            model, coupling, leakage_time=d["leakage_time_ps"] * 1e-12
        )
        q = 2 * math.pi / (d["period_um"] * 1e-6)  # along x
        omega = 2 * math.pi * d["frequency_ghz"] * 1e9
        E = np.array([d["field_v_per_m"], 0.0])
        f = drive_amplitude(medium, np.array([q, 0.0]), omega, E)  # Eq. (4)
        J = current_amplitude(medium, np.array([q, 0.0]), omega, E)[0]  # along q
        b = abs(fieldlike_coefficient(model, coupling) * J)  # |T_FL| = |coef| |m x (z x J)|
        # |m x m_perp| = |m_z| |m_x|; |m x (z x J)| = |J| |m x y| = |J| for m in the x-z plane
        ratio = abs(f) * abs(mz) * mx / b
        q_model = q / model.scales.wavevector
        model.check_regime(q_model, omega / model.scales.rate)  # counted in regime_warnings
        return {
            "f": np.asarray(f, dtype=complex),
            "current": np.asarray(J, dtype=complex),
            "fieldlike": np.asarray(b),
            "torque_ratio": np.asarray(ratio),
            "eq17_ratio": np.asarray(torque_ratio(model, q_model)),
            "omega_over_Dq2": np.asarray(omega / (D * q * q)),
            "alpha_g": np.asarray(gilbert_damping(model, coupling)),
            "delta_sd": np.asarray(coupling.exchange_energy_mev),
            "D": np.asarray(D),
        }


#: Bounds far beyond any run that makes sense, so that every number stays in floating-point range
#: and a size is refused before anything is allocated: (low, high) per key (None: keep).
_CAPS = {
    id(MODEL_SCHEMA): {"fermi_energy_mev": (None, 1.0e4), "exchange_mev": (-1.0e4, 1.0e4),
                       "velocity": (None, 1.0e7)},
    id(DRIVE_SCHEMA): {"frequency_ghz": (None, 1.0e5), "q_angle_deg": (-360.0, 360.0)},
    id(DYNAMICS_SCHEMA): {"drive_amplitude": (None, 1.0e3), "drive_frequency": (None, 1.0e3),
                          "drive_phase_deg": (-360.0, 360.0), "alpha_g": (None, 100.0),
                          "alpha_iso": (None, 100.0), "t_max": (None, 1.0e6),
                          "samples": (None, 1_000_000)},
    id(RESONANCE_SCHEMA): {"drive_amplitude": (None, 1.0e3), "drive_frequency": (None, 1.0e3),
                           "alpha_g": (None, 100.0), "alpha_iso": (None, 100.0),
                           "settle": (None, 1.0e7), "average": (None, 1.0e7),
                           "samples_per_period": (None, 1000)},
    id(COUPLING_SCHEMA): {"cell_area_nm2": (None, 1.0e4), "spin": (None, 100.0)},
    id(TORQUE_DRIVE_SCHEMA): {"period_um": (1.0e-3, 1.0e4), "frequency_ghz": (None, 1.0e5),
                              "field_v_per_m": (None, 1.0e10)},
}  # fmt: skip
for _schema in (MODEL_SCHEMA, DRIVE_SCHEMA, DYNAMICS_SCHEMA, RESONANCE_SCHEMA, COUPLING_SCHEMA,
                TORQUE_DRIVE_SCHEMA):  # fmt: skip
    for _key, (_low, _high) in _CAPS[id(_schema)].items():
        _p = _schema[_key]
        _schema[_key] = replace(
            _p, low=_p.low if _low is None else _low, high=_high, high_open=False,
            low_open=_p.low_open if _low is None else False,
        )  # fmt: skip


register_job(TransportJob())
register_job(ResponseJob())
register_job(MacrospinJob())
register_job(ResonanceJob())
register_job(TorquesJob())
