"""Two real devices from their device files: where the line is, how large each torque is, and
at which field angle the diffusive torque is largest (docs/realistic-device.md).

Run: python examples/realistic_device.py [OUTPUT_DIR]      (about 30 s on 2 cores)

Devices (examples/devices/*.toml, every number from tisot.device.presets with its source):
Bi2Se3 under 5 nm EuS (easy plane, mu0 Ms = 1.5 T) and (Bi,Sb)2Te3 under 10 nm TmIG
(perpendicular anisotropy, mu0 Meff < 0), both with a 1 um grated gate at 10 GHz, screened.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from tisot.device import Device
from tisot.experiments.device_torques import (
    device_summary,
    plot_torques_vs_field_angle,
    torques_vs_field_angle,
)
from tisot.experiments.spectra import Probe, spectrum
from tisot.io.store import atomic_save_figure, atomic_write_text

HERE = Path(__file__).parent
DEVICES = {
    "Bi2Se3/EuS": HERE / "devices" / "bi2se3_eus.toml",
    "(Bi,Sb)2Te3/TmIG": HERE / "devices" / "bst_tmig.toml",
}
ANGLES = np.linspace(0.0, 90.0, 31)


def field_window(device, half_width_mt: float) -> np.ndarray:
    b = device.environment.field_mt
    return np.linspace(b - half_width_mt, b + half_width_mt, 201)


def main(out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    angle_scans = {}
    fig, axes = plt.subplots(1, len(DEVICES), figsize=(10.5, 3.8))
    for ax, (name, path) in zip(axes, DEVICES.items(), strict=True):
        device = Device.from_file(path)
        report[name] = {"summary": device_summary(device)}
        scan = torques_vs_field_angle(device, ANGLES)
        angle_scans[name] = scan
        best = int(np.nanargmax(scan.diffusive.values))
        report[name]["best_angle"] = {
            "theta_h_deg": float(scan.theta_h_deg[best]),
            "field_mt": float(scan.field_mt[best]),
            "m0_theta_deg": float(scan.m0_theta_deg[best]),
            "diffusive_per_s": float(scan.diffusive[best]),
            "fieldlike_per_s": float(scan.fieldlike[best]),
        }
        width = 10 * device.fm.damping * device.gate.frequency_ghz / 28.0 * 1e3  # ~10 linewidths
        fields = field_window(device, max(width, 2.0))
        curves = {
            "both torques": Probe(),
            "diffusive only": Probe(fieldlike=False),
            "fieldlike only": Probe(diffusive=False),
        }
        peaks = {}
        for label, probe in curves.items():
            spec = spectrum(device, field_mt=fields, probe=probe, observables=["power"])
            ax.plot(fields, spec.power.values * 1e6, label=label)
            peaks[label] = {
                "field_mt": float(fields[int(np.argmax(spec.power.values))]),
                "power_uW_per_m2": float(spec.power.values.max() * 1e6),
            }
        report[name]["spectrum_peaks"] = peaks
        ax.set_xlabel("applied field μ0H (mT)")
        ax.set_ylabel("absorbed power (µW/m²)")
        ax.set_title(f"{name}: {device.gate.frequency_ghz:g} GHz, θ_H = "
                     f"{device.environment.field_theta_deg:g}°")  # fmt: skip
        ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_save_figure(fig, out / "device_spectra.png", dpi=130)
    plot_torques_vs_field_angle(angle_scans, out / "torques_vs_field_angle.png")
    atomic_write_text(out / "realistic_device.json", json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    result = main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("realistic-device-output"))
    print(json.dumps(result, indent=1))
