"""The "film" job: a FM film along a grated gate, from the surface to the film-averaged signal, in SI.

One grid point is the chain of ``tisot film`` (:mod:`tisot.cli.drive`) followed by the steady
state of :func:`tisot.experiments.resonance.film_spectrum`:

1. the surface at the equilibrium magnetization m = H/|H| (angle chi from the TI normal), built
   from the FM coupling (Delta_sd = -J_sd S; ``Coupling.surface``): D, sigma0 (Eq. 9);
2. the field of a grated top gate (:class:`tisot.drive.GratingGate`, Laplace's equation per
   harmonic) and, harmonic by harmonic, the diffusive drive f(x, t) of Eq. (4) (with dephasing)
   and the local sheet current J(x, t) (:func:`tisot.drive.fourier_drive`);
3. ``film.points`` macrospins per gate period (:class:`tisot.experiments.film.Film`, periodic),
   each obeying Eq. (18) with its *local* drives: the diffusive torque f(x_j, t) m x m_perp,
   the fieldlike torque m x b(x_j, t) of Eq. (3), alpha_G (Eq. 18, corrected prefactor); an
   interface torque shared by ``layers`` FM monolayers is divided by ``layers``; optional
   nearest-neighbour exchange J_ex = gamma 2 A_ex / (M_s h^2), h = period / points
   (:func:`tisot.experiments.film.exchange_rate`);
4. the steady state in the field H (omega0 = gamma H), the observables of every point
   (:func:`tisot.experiments.resonance.observables`) and their film averages (what a probe of
   the whole grating sees); the absorbed power per unit film area is P/A = p M_s d / |gamma|.

The per-point profile is on ``x_over_period`` (x / gate period, fixed by ``film.points``), so
that the gate period can be swept. As in :mod:`tisot.experiments.film`, D and eta are evaluated
at the equilibrium m_z; their dependence on m_z^2 during the precession is neglected (Eq. 18).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from ..io.schema import Parameter, Schema
from .device import DEVICE_COUPLING, DEVICE_DYNAMICS
from .jobs import MODEL_SCHEMA, whole_periods
from .registry import Job, OutputVar, Params, register_job

#: [gate]: a grated top gate V(x) cos(2 pi f t) at distance d (tisot.drive.GratingGate).
GATE_SCHEMA = {
    "period_um": Parameter(
        kind=float, default=1.0, units="um", long_name="grating period L", low=0.0,
        low_open=True,
    ),
    "distance_nm": Parameter(
        kind=float, default=50.0, units="nm", long_name="gate-to-surface distance d", low=0.0,
    ),
    "voltage": Parameter(
        kind=float, default=0.1, units="V", long_name="gate voltage amplitude V0 (biased strips)",
    ),
    "frequency_ghz": Parameter(
        kind=float, default=9.5, units="GHz", long_name="gate drive frequency f = omega / 2 pi",
        low=0.0, low_open=True,
    ),
    "duty_cycle": Parameter(
        kind=float, default=0.5, units="1", long_name="fraction of the period under the biased strip",
        low=0.0, high=1.0, low_open=True, high_open=True,
    ),
    "permittivity": Parameter(
        kind=float, default=9.0, units="1", long_name="relative permittivity of the gate dielectric",
        low=0.0, low_open=True,
    ),
    "substrate_permittivity": Parameter(
        kind=float, default=100.0, units="1", long_name="relative permittivity below the surface",
        low=0.0, low_open=True,
    ),
    "harmonics": Parameter(
        kind=int, default=15, long_name="gate harmonics n = 1..N kept", low=1,
    ),
    "dephasing_length_um": Parameter(
        kind=float, default=math.inf, units="um",
        long_name="dephasing length L_phi (inf: none); 1/tau_phi = D / L_phi^2",
        low=0.0, low_open=True, high=math.inf,
    ),
}  # fmt: skip

#: [film]: the grid of macrospins over one gate period and their exchange.
FILM_SCHEMA = {
    "points": Parameter(
        kind=int, default=8, long_name="film points per gate period", low=1, high=4096,
        sweepable=False,
    ),
    "exchange_stiffness_pj_per_m": Parameter(
        kind=float, default=0.0, units="pJ m-1",
        long_name="exchange stiffness A_ex of the FM (0: uncoupled points)", low=0.0,
    ),
}  # fmt: skip

_FILM_OUTPUTS = {
    "one_minus_m_H": ("1", "film average of <1 - m_H> in the steady state"),
    "cone_angle": ("rad", "film average of the mean precession cone angle arccos(m_H)"),
    "absorbed_power": ("W m-2", "film average of the absorbed power per unit area, p M_s d / |gamma|"),
    "dissipated_power": ("W m-2", "film average of the dissipated power per unit area"),
    "linear_one_minus_m_H": (
        "1", "film average of <1 - m_H>, linear response of uncoupled points to the local diffusive drive",
    ),
    "alpha_g": ("1", "anisotropic Gilbert damping alpha_G per FM moment"),
    "omega0": ("rad s-1", "precession frequency gamma H"),
    "exchange_rate": ("rad s-1", "nearest-neighbour exchange rate J_ex = gamma 2 A_ex / (M_s h^2)"),
    "D": ("m2 s-1", "diffusion constant at the equilibrium m_z"),
}  # fmt: skip

_PROFILE_OUTPUTS = {
    "one_minus_m_H_profile": ("1", "<1 - m_H> at each film point"),
    "cone_angle_profile": ("rad", "mean cone angle at each film point"),
    "absorbed_power_profile": ("W m-2", "absorbed power per unit area at each film point"),
    "f_amplitude": ("s-1", "|f|, local diffusive drive of Eq. (4) per FM moment"),
    "f_phase": ("rad", "phase phi of the local drive f = |f| cos(omega t + phi)"),
    "fieldlike_amplitude": ("s-1", "|b|, local fieldlike torque rate of Eq. (3) per FM moment"),
}


class FilmJob(Job):
    """Surface + FM film + grated gate -> local torques -> film-averaged resonance signal
    (module docstring)."""

    name = "film"
    description = "FM film along a grated gate: local torques and the film-averaged signal, in SI"
    schema: ClassVar[Schema] = {
        "model": {k: v for k, v in MODEL_SCHEMA.items() if k not in ("exchange_energy_mev", "m_z")},
        "coupling": DEVICE_COUPLING,
        "gate": GATE_SCHEMA,
        "film": FILM_SCHEMA,
        "dynamics": DEVICE_DYNAMICS,
    }

    def outputs(self, params: Params) -> dict[str, OutputVar]:
        scalars = {k: OutputVar((), u, n) for k, (u, n) in _FILM_OUTPUTS.items()}
        profile = {k: OutputVar(("x_over_period",), u, n) for k, (u, n) in _PROFILE_OUTPUTS.items()}
        return scalars | profile

    def coords(self, params: Params) -> dict[str, tuple[str, np.ndarray, dict]]:
        n = params["film"]["points"]
        attrs = {"units": "1", "long_name": "film position x / gate period"}
        return {"x_over_period": ("x_over_period", np.arange(n) / n, attrs)}

    def compute(self, params: Params) -> dict[str, np.ndarray]:
        from ..drive import DiffusiveMedium, GratingGate, fourier_drive
        from ..dynamics import simulate
        from ..experiments.film import Film, exchange_rate, film_batch
        from ..experiments.resonance import linear_response, observables
        from ..model import Coupling, fieldlike_coefficient, gilbert_damping

        m, c, g, fm, y = (params[k] for k in ("model", "coupling", "gate", "film", "dynamics"))
        chi = math.radians(y["field_angle_deg"])
        direction = np.array([math.sin(chi), 0.0, math.cos(chi)])
        coupling = Coupling(
            exchange_coupling_mev=c["exchange_coupling_mev"],
            cell_area=c["cell_area_nm2"] * 1e-18,
            spin=c["spin"],
        )
        model = coupling.surface(  # 1. the surface at m = H / |H|
            fermi_energy_mev=m["fermi_energy_mev"],
            magnetization=tuple(direction),
            disorder=m["disorder"],
            velocity=m["velocity"],
        )
        D = model.transport("si").diffusion_constant
        layers = c["layers"]
        bare = DiffusiveMedium.from_model(
            model, coupling, dephasing_time=(g["dephasing_length_um"] * 1e-6) ** 2 / D
        )
        medium = DiffusiveMedium(  # the interface torque shared by the layers
            diffusion_constant=bare.diffusion_constant,
            strength=bare.strength / layers,
            dephasing_time=bare.dephasing_time,
            sheet_conductance=bare.sheet_conductance,
        )
        gate = GratingGate(
            period=g["period_um"] * 1e-6,
            distance=g["distance_nm"] * 1e-9,
            voltage=g["voltage"],
            frequency=g["frequency_ghz"] * 1e9,
            duty_cycle=g["duty_cycle"],
            permittivity=g["permittivity"],
            substrate_permittivity=g["substrate_permittivity"],
            harmonics=g["harmonics"],
        )
        drive = fourier_drive(gate.field(), medium)  # 2. f (Eq. 4) and J, harmonic by harmonic
        points = fm["points"]
        ms, gamma = y["saturation_magnetization"], y["gyromagnetic_ratio"]
        stiffness = fm["exchange_stiffness_pj_per_m"] * 1e-12
        j_ex = exchange_rate(stiffness, ms, gate.period / points, gamma) if stiffness > 0 else 0.0
        film = Film(length=gate.period, points=points, exchange=j_ex)  # 3. the film
        alpha_g = gilbert_damping(model, coupling) / layers
        coef = fieldlike_coefficient(model, coupling) / layers if y["fieldlike"] else 0.0
        omega0 = gamma * y["field_tesla"]
        batch = film_batch(
            film, drive, omega_h=omega0 * direction, alpha_g=alpha_g,
            fieldlike_coefficient=coef, alpha_iso=y["alpha_iso"],
        )  # fmt: skip
        # 4. the steady state, windows as in tisot.experiments.resonance.spectrum
        omega = gate.omega
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
        to_watts = ms * y["thickness_nm"] * 1e-9 / gamma  # P / A = p M_s d / |gamma|
        f0 = np.asarray(batch.f0, dtype=float)
        lin = linear_response(
            omega0=omega0, chi=chi, f0=f0, omega=omega, alpha_g=alpha_g, alpha_iso=y["alpha_iso"]
        )
        model.check_regime(gate.wavevector / model.scales.wavevector, omega / model.scales.rate)
        profile = {
            "one_minus_m_H_profile": obs.one_minus_m_H.values,
            "cone_angle_profile": obs.cone_angle.values,
            "absorbed_power_profile": obs.absorbed_power.values * to_watts,
            "f_amplitude": f0,
            "f_phase": np.asarray(batch.phase, dtype=float),
            "fieldlike_amplitude": np.linalg.norm(np.asarray(batch.fieldlike), axis=-1),
        }
        return {
            "one_minus_m_H": np.asarray(obs.one_minus_m_H.values.mean()),
            "cone_angle": np.asarray(obs.cone_angle.values.mean()),
            "absorbed_power": np.asarray(obs.absorbed_power.values.mean() * to_watts),
            "dissipated_power": np.asarray(obs.dissipated_power.values.mean() * to_watts),
            "linear_one_minus_m_H": np.asarray(np.mean(lin["one_minus_m_H"])),
            "alpha_g": np.asarray(alpha_g),
            "omega0": np.asarray(omega0),
            "exchange_rate": np.asarray(j_ex),
            "D": np.asarray(D),
        } | {k: np.ascontiguousarray(v, dtype=float) for k, v in profile.items()}


register_job(FilmJob())
