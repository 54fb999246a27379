"""A Bi2Se3 surface under EuS with a 1 um grated gate: drive, torques, resonance signal.

Run: python examples/realistic_device.py [OUTPUT_DIR]    (about a minute on 2 cores)

Every parameter carries its source (docs/realistic-device.md discusses them). The chain:
gate voltage -> surface field (Laplace, tisot.drive.GratingGate) -> diffusive drive f and local
current (Eq. 4, tisot.drive.fourier_drive) -> diffusive vs fieldlike torque (Eqs. 3, 4, 17) ->
field-swept spin-torque resonance of the film at 7, 9.5 and 12 GHz (Eq. 18 with the fieldlike
torque, tisot.experiments.resonance.film_spectrum).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from tisot.constants import MEV
from tisot.drive import DiffusiveMedium, GratingGate, fourier_drive
from tisot.experiments.film import Film
from tisot.experiments.resonance import film_spectrum, linewidth, power_watts
from tisot.model import Coupling, fieldlike_coefficient, gilbert_damping

# --------------------------------------------------------------------------- parameters
EUS_LATTICE = 5.968e-10  # m, rock salt [Mauger & Godart, Phys. Rep. 141, 51 (1986)]
PARAMETERS = {
    # TI surface: Bi2Se3
    "velocity": (
        5.0e5,
        "m/s",
        "Dirac velocity [Zhang et al., Nat. Phys. 5, 438 (2009); Xia et al., Nat. Phys. 5, 398 (2009)]",
    ),
    "fermi_energy_mev": (
        100.0,
        "meV",
        "above the Dirac point, inside the ~0.3 eV bulk gap [Xia 2009]; gated films",
    ),
    "mobility": (
        0.15,
        "m^2/(V s)",
        "1500 cm^2/Vs, surface mobilities of order 1e3 cm^2/Vs [Kim et al., Nat. Phys. 8, 459 (2012)]",
    ),
    "dephasing_length": (
        0.5e-6,
        "m",
        "L_phi of a few 100 nm at 2 K from weak antilocalization [Chen et al., PRL 105, 176602 (2010)]",
    ),
    "substrate_permittivity": (
        100.0,
        "",
        "static eps of Bi2Se3 ~ 100 [Butch et al., PRB 81, 241301(R) (2010)]",
    ),
    # FM: EuS (111) on Bi2Se3 (0001)
    "spin": (3.5, "", "Eu2+ 4f7, S = 7/2 [Mauger & Godart 1986]"),
    "cell_area": (
        math.sqrt(3) / 4 * EUS_LATTICE**2,
        "m^2",
        "area per Eu in a (111) plane, sqrt(3) a^2 / 4",
    ),
    "exchange_coupling_mev": (
        2.0,
        "meV",
        "J_sd, ASSUMED: proximity exchange of a few meV at EuS/Bi2Se3 [Wei et al., PRL 110, 186807 (2013); Katmis et al., Nature 533, 513 (2016)]",
    ),
    "layers": (5, "", "EuS (111) monolayers in the film (d = a/sqrt 3 = 0.34 nm each), ASSUMED"),
    "saturation_magnetization": (
        4 * 7 * 9.2740100783e-24 / EUS_LATTICE**3,
        "A/m",
        "7 mu_B per Eu, 4 Eu per a^3 (T << T_C = 16.6 K)",
    ),
    "gyromagnetic_ratio": (1.7609e11, "rad/(s T)", "g = 2 (Eu2+ is an S-state ion)"),
    "alpha_iso": (
        3e-3,
        "",
        "intrinsic Gilbert damping of thin EuS, ASSUMED (order of thin-film FMR values)",
    ),
    # gate and field
    "period": (1.0e-6, "m", "grating period (the paper's Fig. 1 estimate)"),
    "gate_distance": (50e-9, "m", "gate dielectric + EuS thickness, ASSUMED"),
    "gate_permittivity": (9.0, "", "Al2O3 gate dielectric"),
    "gate_voltage": (0.1, "V", "ac amplitude on the biased strips, duty cycle 1/2"),
    "chi": (math.pi / 4, "rad", "field angle from the TI normal (Fig. 3; maximises sin 2 chi)"),
}


def value(name):
    return PARAMETERS[name][0]


def surface_disorder(model_builder, mobility: float) -> float:
    """alpha such that sigma0 (e^2/h) = n e mu (n = k_F^2 / 4 pi, one Dirac cone), by bisection."""
    import warnings

    from scipy.optimize import brentq

    from tisot.constants import CONDUCTANCE_QUANTUM, ELEMENTARY_CHARGE, HBAR
    from tisot.model import RegimeWarning

    kf = value("fermi_energy_mev") * MEV / (HBAR * value("velocity"))
    target = kf**2 / (4 * math.pi) * ELEMENTARY_CHARGE * mobility / CONDUCTANCE_QUANTUM
    with warnings.catch_warnings():  # trial values of alpha may leave the regime
        warnings.simplefilter("ignore", RegimeWarning)
        return brentq(lambda a: model_builder(a).sigma0 - target, 1e-4, 0.9, xtol=1e-12)


def build_device(frequency: float = 9.5e9):
    """Model, coupling, medium, gate, drive and per-layer torque strengths at one frequency (Hz)."""
    chi = value("chi")
    m = (math.sin(chi), 0.0, math.cos(chi))
    coupling = Coupling(
        exchange_coupling_mev=value("exchange_coupling_mev"),
        cell_area=value("cell_area"),
        spin=value("spin"),
    )

    def model_for(alpha):
        return coupling.surface(
            fermi_energy_mev=value("fermi_energy_mev"), magnetization=m, disorder=alpha,
            velocity=value("velocity"),
        )  # fmt: skip

    model = model_for(surface_disorder(model_for, value("mobility")))
    D = model.transport("si").diffusion_constant
    layers = value("layers")
    bare = DiffusiveMedium.from_model(
        model, coupling, dephasing_time=value("dephasing_length") ** 2 / D
    )
    # the interface torque (Eq. 2) is shared by the N_L layers of the macrospin
    medium = DiffusiveMedium(
        diffusion_constant=bare.diffusion_constant,
        strength=bare.strength / layers,
        dephasing_time=bare.dephasing_time,
        sheet_conductance=bare.sheet_conductance,
    )
    gate = GratingGate(
        period=value("period"), distance=value("gate_distance"), voltage=value("gate_voltage"),
        frequency=frequency, permittivity=value("gate_permittivity"),
        substrate_permittivity=value("substrate_permittivity"), harmonics=15,
    )  # fmt: skip
    return {
        "model": model,
        "coupling": coupling,
        "medium": medium,
        "gate": gate,
        "drive": fourier_drive(gate.field(), medium),
        "fieldlike_coefficient": fieldlike_coefficient(model, coupling) / layers,
        "alpha_g": gilbert_damping(model, coupling) / layers,
    }


def summary(dev) -> dict[str, float]:
    """The numbers of docs/realistic-device.md: regime, drive, torques, Eq. (17)."""
    model, gate, drive = dev["model"], dev["gate"], dev["drive"]
    si = model.transport("si")
    q = gate.wavevector
    w = gate.omega
    x = np.linspace(0, gate.period, 256, endpoint=False)
    r = np.stack([x, 0 * x], -1)
    f = np.abs(drive.complex_drive(r))
    J = np.abs(drive.complex_current(r)[:, 0])
    b = abs(dev["fieldlike_coefficient"]) * J
    chi = value("chi")
    mz, mx = math.cos(chi), math.sin(chi)
    # |m x m_perp| = |m_z| |m x z| = m_z sin(chi); |m x (z x x^)| = |m x y^| = 1 for m in x-z
    t_diff = f.max() * mz * mx
    t_fl = b.max() * 1.0
    hqv_mev = 1.054571817e-34 * q * value("velocity") / MEV
    delta_sd = abs(dev["coupling"].exchange_energy_mev)
    return {
        "alpha (disorder, from the mobility)": model.disorder,
        "sigma0 (e^2/h)": si.sigma0,
        "D (cm^2/s)": si.diffusion_constant * 1e4,
        "tau_tr (ps)": si.transport_time * 1e12,
        "tau_phi (ps)": dev["medium"].dephasing_time * 1e12,
        "omega tau_tr": w * si.transport_time,
        "D q^2 tau_tr = (q ell)^2": si.diffusion_constant * q**2 * si.transport_time,
        "omega / D q^2": w / (si.diffusion_constant * q**2),
        "max |E_x| on the surface (kV/m)": np.max(np.abs(gate.surface_field(x))) / 1e3,
        "eta per layer (1/(V s))": dev["medium"].strength,
        "alpha_G per layer (Eq. 18, corrected)": dev["alpha_g"],
        "max |f| (1/s)": f.max(),
        "max |J| (A/m)": J.max(),
        "max |b| = |c J| (1/s)": b.max(),
        "T_diff / T_FL at m = H, computed": t_diff / t_fl,
        "Delta_sd / hbar q v": delta_sd / hqv_mev,
        "Eq. (17): (Delta_sd / hbar q v) / sigma0": delta_sd / hqv_mev / si.sigma0,
    }


def resonance(
    dev, *, fieldlike: bool = True, points: int = 16, span: float = 0.02, fields: int = 41
):
    """Field sweep around gamma H = omega for the film under the gate (uncoupled points)."""
    w = dev["gate"].omega
    return film_spectrum(
        Film(length=value("period"), points=points),
        dev["drive"],
        w * np.linspace(1 - span, 1 + span, fields),
        chi=value("chi"),
        alpha_g=dev["alpha_g"],
        alpha_iso=value("alpha_iso"),
        fieldlike_coefficient=dev["fieldlike_coefficient"] if fieldlike else 0.0,
    )


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    print("Parameters:")
    for k, (v, unit, src) in PARAMETERS.items():
        print(f"  {k:26s} {v:<12.4g} {unit:10s} {src}")
    dev = build_device(9.5e9)
    print("\nDevice at 9.5 GHz:")
    for k, v in summary(dev).items():
        print(f"  {k:42s} {v:.4g}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    gamma = value("gyromagnetic_ratio")
    area = value("period") * 1e-6  # a 1 um x 1 um patch of film
    volume = area * value("layers") * EUS_LATTICE / math.sqrt(3)
    print("\nField-swept resonance (film average, diffusive + fieldlike):")
    print(f"  {'f (GHz)':>8s} {'mu0 H_res (mT)':>15s} {'FWHM (mT)':>10s} {'<1-m_H>':>10s} "
          f"{'cone (deg)':>10s} {'P (pW/um^2)':>12s}")  # fmt: skip
    for f_ghz in (7.0, 9.5, 12.0):
        d = build_device(f_ghz * 1e9)
        spec = resonance(d)
        mu0h = spec.omega0.values / gamma * 1e3
        curve = spec.one_minus_m_H_film.assign_coords(omega0=mu0h)
        lw = linewidth(curve)
        k = int(np.argmax(curve.values))
        p_w = power_watts(
            spec.absorbed_power_film.values[k], value("saturation_magnetization"), volume, gamma
        )
        print(f"  {f_ghz:8.1f} {lw['centre']:15.2f} {lw['fwhm']:10.3f} {lw['peak']:10.3g} "
              f"{math.degrees(spec.cone_angle_film.values[k]):10.3f} {p_w * 1e12:12.4g}")  # fmt: skip
        ax.plot(mu0h, curve.values, label=f"{f_ghz} GHz")
        if f_ghz == 9.5:
            diff_only = resonance(d, fieldlike=False)
            peak_diff = diff_only.one_minus_m_H_film.values.max()
            print(f"  at 9.5 GHz, diffusive torque alone: peak <1-m_H> = {peak_diff:.3g} "
                  f"({peak_diff / lw['peak']:.2f} of the total)")  # fmt: skip
    ax.set_xlabel("mu0 H (mT), field at 45 deg from the TI normal")
    ax.set_ylabel("film-averaged <1 - m_H>")
    ax.set_title("Bi2Se3 / EuS, 1 um grated gate, 0.1 V")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "realistic_device_resonance.png"
    fig.savefig(path, dpi=120)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("realistic_device_output"))
