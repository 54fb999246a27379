"""Which field angle gives the diffusive torque: both torques at the real equilibrium m0.

For each polar angle theta_H of the applied field (azimuth fixed), the field is set to the
resonance field at the gate frequency (:func:`tisot.magnet.kittel_field`), the FM relaxes to
its equilibrium m0 (shape and crystal anisotropy pull it off the field), and the gate's first
harmonic drives

* the diffusive torque |T_diff| = |f_1| |m0_z| |m0 x z| (Eqs. 4, 18: vanishes for m0 in the
  plane and along the normal; the paper's sin 2 chi law with chi the angle of m0, not of H);
* the fieldlike torque |T_FL| = |m0 x b_1| (Eq. 3).

The result says at which applied angle a user must set the field to see the diffusive torque.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def first_harmonic_torques(drive, m0, period: float) -> tuple[int, float, float]:
    """``(n, |T_diff|, |T_FL|)`` of the gate harmonic at q = 2 pi / period (1/s): the amplitudes
    |f_1| |m0_z| |m0 x z| (Eqs. 4, 18) and |m0 x b_1| (Eq. 3) at the equilibrium m0."""
    n = int(np.argmin(np.abs(drive.wavevectors[:, 0] - 2 * np.pi / period)))
    t_diff = abs(drive.f[n]) * abs(m0[2]) * np.linalg.norm(np.cross(m0, [0.0, 0.0, 1.0]))
    t_fl = float(np.linalg.norm(np.cross(m0, drive.b[n])))
    return n, float(t_diff), t_fl


def torques_vs_field_angle(device, theta_h_deg) -> xr.Dataset:
    """Both torques at resonance against the applied field's polar angle (module docstring)."""
    from ..magnet import kittel_field

    theta_h = np.atleast_1d(np.asarray(theta_h_deg, dtype=float))
    keys = ("field_mt", "m0_theta_deg", "diffusive", "fieldlike")
    out = {k: np.full(theta_h.shape, np.nan) for k in keys}
    phi_h = device.environment.field_phi_deg
    for i, th in enumerate(theta_h):
        try:
            b = kittel_field(device.magnet, device.gate.frequency, theta_h_deg=th, phi_h_deg=phi_h)
        except ValueError:  # no resonance at this frequency and angle
            continue
        dev = device.with_values(
            {"environment.field_mt": b * 1e3, "environment.field_theta_deg": th}
        )
        m0 = dev.equilibrium().m
        _, t_diff, t_fl = first_harmonic_torques(dev.drive(m0), m0, dev.gate.period)
        out["field_mt"][i] = b * 1e3
        out["m0_theta_deg"][i] = np.degrees(np.arccos(np.clip(m0[2], -1, 1)))
        out["diffusive"][i], out["fieldlike"][i] = t_diff, t_fl
    attrs = {
        "field_mt": {"units": "mT", "long_name": "resonance field at the gate frequency"},
        "m0_theta_deg": {"units": "degree", "long_name": "equilibrium angle of m from the normal"},
        "diffusive": {"units": "s-1", "long_name": "|T_diff|, first gate harmonic (Eq. 4)"},
        "fieldlike": {"units": "s-1", "long_name": "|T_FL|, first gate harmonic (Eq. 3)"},
    }
    ds = xr.Dataset(
        {k: ("theta_h_deg", v, attrs[k]) for k, v in out.items()},
        coords={"theta_h_deg": ("theta_h_deg", theta_h, {"units": "degree",
                "long_name": "polar angle of the applied field from the TI normal"})},
    )  # fmt: skip
    ds["ratio"] = ("theta_h_deg", ds.diffusive.values / ds.fieldlike.values, {"units": "1"})
    ds.attrs.update(device.as_attrs())
    ds.attrs["frequency_ghz"] = device.gate.frequency_ghz
    return ds


def plot_torques_vs_field_angle(datasets: dict, path=None):
    """One panel per device: both torques (left axis, log) and the angle of m0 (right axis)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(datasets), figsize=(5.2 * len(datasets), 3.8), squeeze=False)
    for ax, (title, ds) in zip(axes[0], datasets.items(), strict=True):
        th = ds.theta_h_deg.values
        ax.semilogy(th, ds.diffusive, label="diffusive |T_diff| (Eq. 4)")
        ax.semilogy(th, ds.fieldlike, "--", label="fieldlike |T_FL| (Eq. 3)")
        top = float(np.nanmax([ds.diffusive.max(), ds.fieldlike.max()]))
        ax.set_ylim(top * 1e-3, top * 3)  # the diffusive torque vanishes at 0 and 90 degrees
        ax.set_xlabel("applied field angle from the TI normal θ_H (deg)")
        ax.set_ylabel("torque rate at resonance (1/s)")
        ax.set_title(f"{title}, {ds.attrs['frequency_ghz']:g} GHz")
        twin = ax.twinx()
        twin.plot(th, ds.m0_theta_deg, ":", color="grey")
        twin.set_ylabel("equilibrium angle of m (deg, dotted)")
        twin.set_ylim(0, 90)
        ax.legend(fontsize=8, loc="lower center")
    fig.tight_layout()
    if path is not None:
        from ..io.store import atomic_save_figure

        atomic_save_figure(fig, path, dpi=130)
    return fig


def device_summary(device) -> dict:
    """What a user wants to know first about a device, in lab units (``tisot device``): the
    FM's equilibrium and resonance, the surface's transport, the screening and both torques at
    the first gate harmonic."""

    from ..magnet import kittel_field, resonance_frequency

    eq = device.equilibrium()
    m0 = eq.m
    model = device.surface_model(m0)
    transport = model.transport("si")
    drive = device.drive(m0)
    first, t_diff, t_fl = first_harmonic_torques(drive, m0, device.gate.period)
    magnet = device.magnet
    theta_h = device.environment.field_theta_deg
    phi_h = device.environment.field_phi_deg
    try:
        b_res = kittel_field(magnet, device.gate.frequency, theta_h_deg=theta_h, phi_h_deg=phi_h)
    except ValueError:
        b_res = None  # no resonance at this frequency along the field direction
    bare = device.grating().field().amplitudes[first, 0]  # the gate's field, unscreened
    return {
        "m": [float(c) for c in m0],
        "m_theta_deg": float(eq.theta_deg),
        "m_phi_deg": float(eq.phi_deg),
        "hysteretic": bool(eq.hysteretic),
        "frequency_ghz": float(resonance_frequency(magnet, device.field_tesla, m0)) * 1e-9,
        "resonance_field_mt": None if b_res is None else float(b_res) * 1e3,
        "fermi_energy_mev": device.fermi_energy_mev(m0),
        "disorder_alpha": device.disorder(m0),
        "sigma0_e2_per_h": transport.sigma0,
        "D_cm2_per_s": transport.diffusion_constant * 1e4,
        "tau_tr_ps": transport.transport_time * 1e12,
        "alpha_g": device.alpha_g(m0),
        "screening_factor": {"re": float((drive.field[first, 0] / bare).real),
                             "im": float((drive.field[first, 0] / bare).imag)},
        "diffusive_torque_per_s": float(t_diff),
        "fieldlike_torque_per_s": float(t_fl),
        "diffusive_over_fieldlike": float(t_diff / t_fl) if t_fl > 0 else None,  # no coupling
    }  # fmt: skip
