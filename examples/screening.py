"""How much of the gate's field the TI surface electrons leave, and where the drive's pole goes.

The two devices of docs/realistic-device.md (examples/devices/*.toml, the material presets: gate
dielectric eps_d = 9 at d = 50 nm, the TI below with its eps_s, the disorder from the mobility,
m at the FM's equilibrium):

* Bi2Se3 under EuS: E_F = 100 meV, v = 5e5 m/s, eps_s = 100;
* (Bi,Sb)2Te3 under TmIG: E_F = 80 meV, v = 4e5 m/s, eps_s = 200.

Panels: (a) |E_total/E_gate| at the first
harmonic q = 2 pi/L against the period, static and at 10 GHz, with the far-gate Thomas-Fermi
1/(1 + q_s/q); (b) against frequency at L = 1 um (lines: closed form; dots: exact ladder), with
the screened pole Gamma/2pi = D q (q + q_s)/2pi (layered) and the bare D q^2/2pi marked; (c) the
drive |f| of Eq. (4) for a fixed gate voltage, screened and unscreened, normalised to the
unscreened static value: the pole moves from D q^2 to Gamma.

Run: ``.venv/bin/python examples/screening.py [--out docs/figures/screening.png]`` (a few s).
Prints the numbers quoted in docs/screening.md.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from tisot.device import Device
from tisot.drive import (
    LayeredDielectric,
    Screening,
    SurfacePolarizability,
    screening_wavevector,
)
from tisot.io.store import atomic_save_figure

HERE = Path(__file__).parent
PRESETS = {
    "Bi2Se3": HERE / "devices" / "bi2se3_eus.toml",
    "(Bi,Sb)2Te3": HERE / "devices" / "bst_tmig.toml",
}
EPS_D, DISTANCE = 9.0, 50e-9
PERIODS_UM = (0.3, 1.0, 3.0, 10.0)


def device(name):
    """The surface at the FM's equilibrium and the layered dielectric of a device file."""
    dev = Device.from_file(PRESETS[name])
    model = dev.surface_model(dev.equilibrium().m)
    layers = LayeredDielectric(
        distance=dev.gate.distance, permittivity=dev.gate.permittivity,
        substrate_permittivity=dev.surface.permittivity,
    )  # fmt: skip
    return model, layers


def period_table(name):
    """Rows (L um, Dq^2/2pi GHz, Gamma/2pi GHz, static, 10 GHz, 10 GHz ladder) of the docs."""
    model, layers = device(name)
    D = model.diffusion_constant * model.scales.diffusion
    analytic = Screening(layers, SurfacePolarizability(model))
    ladder = Screening(layers, SurfacePolarizability(model, "ladder"))
    w = 2 * math.pi * 10e9
    rows = []
    for period in PERIODS_UM:
        q = 2 * math.pi / (period * 1e-6)
        rows.append((
            period, D * q * q / (2 * math.pi) * 1e-9,
            float(analytic.relaxation_rate(q)) / (2 * math.pi) * 1e-9,
            abs(complex(analytic.factor(q, 0.0))), abs(complex(analytic.factor(q, w))),
            abs(complex(ladder.factor(q, w))),
        ))  # fmt: skip
    return rows


def numbers(name):
    """The quantities quoted in docs/screening.md for one preset at L = 1 um."""
    model, layers = device(name)
    s = model.scales
    q = 2 * math.pi / 1e-6
    D = model.diffusion_constant * s.diffusion
    scr = Screening(layers, SurfacePolarizability(model))
    gamma = float(scr.relaxation_rate(q))
    k0, k10 = scr.factor(q, [0.0, 2 * math.pi * 10e9])
    return {
        "sigma0 (e^2/h)": model.sigma0,
        "D (cm^2/s)": D * 1e4,
        "tau_tr (fs)": model.transport_time * s.time * 1e15,
        "q_s (1/um), eps_bar": screening_wavevector(model, layers.mean_permittivity) * 1e-6,
        "q (1/um)": q * 1e-6,
        "D q^2 / 2pi (GHz)": D * q * q / (2 * math.pi) * 1e-9,
        "Gamma / 2pi (GHz)": gamma / (2 * math.pi) * 1e-9,
        "Gamma tau_tr": gamma * model.transport_time * s.time,
        "|E_tot/E_gate|, static": abs(k0),
        "|E_tot/E_gate|, 10 GHz": abs(k10),
        "power factor |.|^2, 10 GHz": abs(k10) ** 2,
    }


def figure():
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.0))
    periods = np.geomspace(0.1e-6, 20e-6, 60)
    freqs = np.geomspace(0.1e9, 3e12, 80)
    for (name, style), colour in zip(
        [("Bi2Se3", "-"), ("(Bi,Sb)2Te3", "-")], ["C0", "C3"], strict=True
    ):
        model, layers = device(name)
        s = model.scales
        surface = SurfacePolarizability(model)
        scr = Screening(layers, surface)
        q = 2 * math.pi / periods
        q_s = screening_wavevector(model, layers.mean_permittivity)
        ax = axes[0]
        ax.semilogx(periods * 1e6, np.abs(scr.factor(q, 0.0)), style, c=colour, label=f"{name}, 0")
        ax.semilogx(
            periods * 1e6, np.abs(scr.factor(q, 2 * math.pi * 10e9)), "--", c=colour,
            label=f"{name}, 10 GHz",
        )  # fmt: skip
        ax.semilogx(periods * 1e6, 1 / (1 + q_s / q), ":", c=colour, lw=1)
        # (b) frequency at L = 1 um
        q1 = 2 * math.pi / 1e-6
        w = 2 * math.pi * freqs
        ax = axes[1]
        ax.loglog(freqs * 1e-9, np.abs(scr.factor(q1, w)), c=colour, label=name)
        fl = np.geomspace(1e9, 1e12, 7)
        lad = Screening(layers, SurfacePolarizability(model, "ladder")).factor(q1, 2 * math.pi * fl)
        ax.loglog(fl * 1e-9, np.abs(lad), "o", c=colour, ms=4)
        D = model.diffusion_constant * s.diffusion
        gamma = float(scr.relaxation_rate(q1))
        ax.axvline(gamma / (2 * math.pi) * 1e-9, c=colour, lw=0.8)
        ax.axvline(D * q1 * q1 / (2 * math.pi) * 1e-9, c=colour, lw=0.8, ls=":")
        # (c) the drive of Eq. (4) for a fixed gate field: |f| ~ |k D q / (i w - D q^2)|
        bare = np.abs(D * q1 / (1j * w - D * q1 * q1))
        ax = axes[2]
        ax.loglog(freqs * 1e-9, bare / bare[0], ":", c=colour, label=f"{name}, unscreened")
        ax.loglog(freqs * 1e-9, np.abs(scr.factor(q1, w)) * bare / bare[0], c=colour,
                  label=f"{name}, screened")  # fmt: skip
    axes[0].set(xlabel="period L (um)", ylabel="|E_total / E_gate| at q = 2 pi/L",
                title="(a) static (solid), 10 GHz (dashed), TF (dotted)")  # fmt: skip
    axes[1].set(xlabel="f (GHz)", ylabel="|E_total / E_gate|, L = 1 um",
                title="(b) lines analytic, dots ladder; Gamma/2pi, Dq^2/2pi")  # fmt: skip
    axes[2].set(xlabel="f (GHz)", ylabel="|f| / |f_unscreened(0)|, L = 1 um",
                title="(c) drive of Eq. (4): pole D q^2 -> Gamma")  # fmt: skip
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def main(out: Path) -> None:
    for name in PRESETS:
        print(f"\n{name} (eps_d = {EPS_D}, d = {DISTANCE * 1e9:g} nm, L = 1 um)")
        for key, value in numbers(name).items():
            print(f"  {key:<32s} {value:.4g}")
        print("  L (um) | Dq^2/2pi (GHz) | Gamma/2pi (GHz) | static | 10 GHz | 10 GHz, ladder")
        for row in period_table(name):
            print("  " + " | ".join(f"{v:.3g}" for v in row))
    atomic_save_figure(figure(), out, dpi=120)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/figures/screening.png"))
    main(parser.parse_args().out)
