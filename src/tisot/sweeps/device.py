"""The "device" job: from the surface, the FM and the gate drive to the resonance signal, in SI.

One grid point is the whole chain of the paper for a macrospin at one point of the grating:

1. the surface at the equilibrium magnetization m = H/|H| (angle chi from the TI normal), built
   from the FM coupling (Delta_sd = -J_sd S; ``Coupling.surface``): D, sigma0 (Eq. 9);
2. the drive of a longitudinal field E cos(q x - omega t): f of Eq. (4) (with dephasing) and the
   local sheet current J (drift minus diffusion, charge conserving), both at x = 0
   (:mod:`tisot.drive`);
3. the torques on the FM: diffusive f m x m_perp (Eq. 4), fieldlike m x b with
   b = (J_sd A / hbar e v) z x J (Eq. 3), anisotropic Gilbert damping alpha_G (Eq. 18, the
   corrected prefactor of docs/theory-notes.md); an interface torque shared by ``layers`` FM
   monolayers is divided by ``layers``;
4. the steady state of Eq. (18) in the field H (omega0 = gamma H), its observables and the
   absorbed power per unit film area, P/A = p M_s d / |gamma|
   (:func:`tisot.experiments.resonance.observables`).

As in :mod:`tisot.experiments.film`, D and eta are evaluated at the equilibrium m_z; their
dependence on m_z^2 during the precession is neglected (as in Eq. 18).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from ..constants import GAMMA_ELECTRON
from ..io.schema import Parameter, Schema
from .jobs import COUPLING_SCHEMA, MODEL_SCHEMA, TORQUE_DRIVE_SCHEMA, whole_periods
from .registry import Job, OutputVar, Params, register_job

#: |gamma| of the free electron, rad/(s T) (CODATA via scipy).
_GAMMA = abs(GAMMA_ELECTRON)

DEVICE_COUPLING = {
    **COUPLING_SCHEMA,
    "layers": Parameter(
        kind=int, default=1, long_name="FM monolayers sharing the interface torque", low=1
    ),
}

DEVICE_DYNAMICS = {
    "field_tesla": Parameter(
        kind=float, default=0.34, units="T", long_name="applied field mu0 H", low=0.0,
        low_open=True,
    ),
    "field_angle_deg": Parameter(
        kind=float, default=45.0, units="degree",
        long_name="angle chi of H from the TI normal (x-z plane, q along x)", low=0.0,
        high=180.0,
    ),
    "gyromagnetic_ratio": Parameter(
        kind=float, default=_GAMMA, units="rad s-1 T-1", long_name="|gamma| of the FM",
        low=0.0, low_open=True,
    ),
    "alpha_iso": Parameter(
        kind=float, default=0.0, units="1", long_name="isotropic Gilbert damping of the FM",
        low=0.0,
    ),
    "saturation_magnetization": Parameter(
        kind=float, default=1.22e6, units="A m-1", long_name="M_s of the FM (EuS: 1.22e6)",
        low=0.0, low_open=True,
    ),
    "thickness_nm": Parameter(
        kind=float, default=1.7, units="nm", long_name="FM film thickness d", low=0.0,
        low_open=True,
    ),
    "fieldlike": Parameter(
        kind=bool, default=True, long_name="include the fieldlike torque of Eq. (3)"
    ),
    "settle": Parameter(
        kind=float, default=0.0, units="s",
        long_name="time discarded before averaging (0: 12 / linear decay rate)", low=0.0,
    ),
    "average": Parameter(
        kind=float, default=0.0, units="s",
        long_name="averaging window, rounded up to whole drive periods (0: 20 periods of the "
        "slower of drive and precession)",
        low=0.0,
    ),
    "samples_per_period": Parameter(
        kind=int, default=32, long_name="outputs per drive period in the window", low=20,
        sweepable=False,
    ),
    "rtol": Parameter(
        kind=float, default=1e-8, long_name="relative tolerance (dopri)", low=1e-13,
        high=1e-2, sweepable=False,
    ),
}  # fmt: skip

_OUTPUTS = {
    "one_minus_m_H": ("1", "<1 - m_H> in the steady state"),
    "cone_angle": ("rad", "mean precession cone angle arccos(m_H)"),
    "absorbed_power": ("W m-2", "power absorbed per unit film area, p M_s d / |gamma|"),
    "dissipated_power": ("W m-2", "power dissipated per unit film area"),
    "linear_one_minus_m_H": ("1", "<1 - m_H>, linear response to the diffusive drive alone"),
    "f_amplitude": ("s-1", "|f|, diffusive drive of Eq. (4) per FM moment"),
    "fieldlike_amplitude": ("s-1", "|b|, fieldlike torque rate of Eq. (3) per FM moment"),
    "alpha_g": ("1", "anisotropic Gilbert damping alpha_G per FM moment"),
    "omega0": ("rad s-1", "precession frequency gamma H"),
    "D": ("m2 s-1", "diffusion constant at the equilibrium m_z"),
}


class DeviceJob(Job):
    """Surface + FM + gate drive -> torques -> steady-state resonance signal (module docstring)."""

    name = "device"
    description = "gated TI surface under a FM: torques and the resonance signal, in SI"
    schema: ClassVar[Schema] = {
        "model": {k: v for k, v in MODEL_SCHEMA.items() if k not in ("exchange_energy_mev", "m_z")},
        "coupling": DEVICE_COUPLING,
        "drive": TORQUE_DRIVE_SCHEMA,
        "dynamics": DEVICE_DYNAMICS,
    }

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        return {k: OutputVar((), u, n) for k, (u, n) in _OUTPUTS.items()}

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        from ..drive import DiffusiveMedium, current_amplitude, drive_amplitude
        from ..dynamics import MacrospinBatch, simulate
        from ..experiments.resonance import linear_response, observables
        from ..model import Coupling, fieldlike_coefficient, gilbert_damping

        m, c, d, y = params["model"], params["coupling"], params["drive"], params["dynamics"]
        chi = math.radians(y["field_angle_deg"])
        coupling = Coupling(
            exchange_coupling_mev=c["exchange_coupling_mev"],
            cell_area=c["cell_area_nm2"] * 1e-18,
            spin=c["spin"],
        )
        model = coupling.surface(  # 1. the surface at m = H / |H|
            fermi_energy_mev=m["fermi_energy_mev"],
            magnetization=(math.sin(chi), 0.0, math.cos(chi)),
            disorder=m["disorder"],
            velocity=m["velocity"],
        )
        D = model.transport("si").diffusion_constant
        medium = DiffusiveMedium.from_model(
            model, coupling, dephasing_time=(d["dephasing_length_um"] * 1e-6) ** 2 / D
        )
        q = np.array([2 * math.pi / (d["period_um"] * 1e-6), 0.0])  # along x
        omega = 2 * math.pi * d["frequency_ghz"] * 1e9
        E = np.array([d["field_v_per_m"], 0.0])
        layers = c["layers"]
        f = complex(drive_amplitude(medium, q, omega, E)) / layers  # 2. Eq. (4) at x = 0
        J = complex(current_amplitude(medium, q, omega, E)[0])  # along x
        coef = fieldlike_coefficient(model, coupling) / layers
        # 3. b = coef z x J: z x x^ = y^; Re[X e^{-i omega t}] = |X| cos(omega t - arg X)
        b = coef * abs(J) if y["fieldlike"] else 0.0  # signed: e < 0
        alpha_g = gilbert_damping(model, coupling) / layers
        omega0 = y["gyromagnetic_ratio"] * y["field_tesla"]
        batch = MacrospinBatch.from_angle(
            chi,
            omega0=omega0,
            f0=abs(f),
            omega=omega,
            phase=-np.angle(f),
            fieldlike=(0.0, b, 0.0),
            fieldlike_phase=-np.angle(J),
            alpha_g=alpha_g,
            alpha_iso=y["alpha_iso"],
            time_unit="s",
        )
        # 4. the steady state, windows as in tisot.experiments.resonance.spectrum
        decay = omega0 * ((1 + math.cos(chi) ** 2) * alpha_g / 2 + y["alpha_iso"])
        if y["settle"] == 0 and decay <= 0:
            raise ValueError("no damping, no steady state: give dynamics.settle explicitly")
        settle = y["settle"] or 12.0 / decay
        periods = whole_periods(y["average"] or 20 * 2 * math.pi / min(omega, omega0), omega)
        average = periods * 2 * math.pi / omega
        n_out = periods * y["samples_per_period"] + 1
        t = np.concatenate([[0.0], settle + np.linspace(0.0, average, n_out)])
        window = (settle, settle + average)
        run = simulate(batch, None, t, rtol=y["rtol"], atol=y["rtol"] * 1e-2, averages=window)
        obs = observables(run, window=window)
        to_watts = (
            y["saturation_magnetization"] * y["thickness_nm"] * 1e-9 / y["gyromagnetic_ratio"]
        )  # P / A = p M_s d / |gamma|
        lin = linear_response(
            omega0=omega0, chi=chi, f0=abs(f), omega=omega, alpha_g=alpha_g,
            alpha_iso=y["alpha_iso"],
        )  # fmt: skip
        model.check_regime(q[0] / model.scales.wavevector, omega / model.scales.rate)
        return {
            "one_minus_m_H": obs.one_minus_m_H.values[0],
            "cone_angle": obs.cone_angle.values[0],
            "absorbed_power": obs.absorbed_power.values[0] * to_watts,
            "dissipated_power": obs.dissipated_power.values[0] * to_watts,
            "linear_one_minus_m_H": np.asarray(lin["one_minus_m_H"]),
            "f_amplitude": np.asarray(abs(f)),
            "fieldlike_amplitude": np.asarray(abs(b)),
            "alpha_g": np.asarray(alpha_g),
            "omega0": np.asarray(omega0),
            "D": np.asarray(D),
        }


register_job(DeviceJob())
