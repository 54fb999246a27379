"""The steady state of a device's FM under its gate, by time integration of Eq. (18).

One call runs the whole chain for a :class:`tisot.device.Device`:

1. the FM's equilibrium m0 in the applied field (magnetostatics: shape, uniaxial and cubic
   anisotropy, :func:`tisot.magnet.equilibrium`), and its uniform-mode frequency (Smit–Beljers);
2. the surface at m0 and the gate's drive, harmonic by harmonic (``Device.drive``): the
   diffusive f of Eq. (4) and the fieldlike b of Eq. (3), per FM moment, evaluated at
   ``points`` positions x_j = j L / points over one gate period L;
3. Eq. (18) with the full effective field, gamma mu0 H_eff(m) = omega_h + anisotropy * m -
   cubic m_i (m_j^2 + m_k^2) (:class:`tisot.dynamics.MacrospinBatch`), the anisotropic damping
   alpha_G of Eq. (18) and the FM's own Gilbert damping; for a film (points >= 2) the
   nearest-neighbour exchange and the dynamic dipolar field of the film (thin-film lowest
   mode, :class:`tisot.dynamics.DipolarKernel`) couple the points;
4. the steady state (:mod:`tisot.experiments.steady`), its observables relative to m0
   (``one_minus_m0`` = <1 - m.m0>, the cone about m0) and the absorbed power per area,
   P/A = p Ms d / gamma.

D and eta are evaluated at m0; their dependence on m_z^2 during the precession is neglected,
as in Eq. (18). Use :mod:`tisot.experiments.spectra` for the linear-response spectra (fast);
this path is exact in the drive amplitude and checks them.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..dynamics import DipolarKernel, ExchangeGrid, MacrospinBatch, simulate
from ..magnet import MU0, resonance_frequency
from .film import exchange_rate, real_amplitude_and_phase
from .resonance import observables
from .steady import steady_window


def device_batch(device, *, points: int = 1, fieldlike: bool = True, m0=None):
    """``(batch, m0, x)``: the MacrospinBatch of the device's FM at ``points`` positions x (m)
    over one gate period, at the equilibrium m0 (computed unless given)."""
    if isinstance(points, bool) or not isinstance(points, int | np.integer) or points < 1:
        raise ValueError(f"points must be an integer >= 1, got {points!r}")
    if m0 is None:
        m0 = device.equilibrium().m
    m0 = np.asarray(m0, dtype=float)
    magnet = device.magnet
    gamma = magnet.gamma
    drive = device.drive(m0)
    period = device.gate.period
    x = np.arange(points) * period / points
    phases = np.exp(1j * np.outer(x, drive.wavevectors[:, 0]))
    F = phases @ drive.f
    b = phases @ drive.b if fieldlike else np.zeros((points, 3), complex)
    b0, b_phase = real_amplitude_and_phase(b)
    exchange = dipolar = None
    if points >= 2:
        spacing = period / points
        stiffness = device.fm.exchange_stiffness
        if stiffness > 0:
            exchange = ExchangeGrid((points,), exchange_rate(stiffness, magnet.ms, spacing, gamma))
        dipolar = DipolarKernel(
            omega_m=gamma * MU0 * magnet.ms, thickness=device.fm.thickness, spacing=spacing,
            points=points,
        )  # fmt: skip
    batch = MacrospinBatch(
        omega_h=gamma * device.field_tesla,
        anisotropy=magnet.anisotropy_rates(),
        cubic=magnet.cubic_rate(),
        f0=np.abs(F),
        phase=-np.angle(F),
        omega=drive.omega,
        fieldlike=b0,
        fieldlike_phase=b_phase,
        alpha_g=device.alpha_g(m0),
        alpha_iso=device.fm.damping,
        exchange=exchange,
        dipolar=dipolar,
        time_unit="s",
    )
    return batch, m0, x


def steady_state(
    device,
    *,
    points: int = 1,
    fieldlike: bool = True,
    settle_ns: float | None = None,
    average_ns: float | None = None,
    samples_per_period: int = 32,
    rtol: float = 1e-8,
    progress: bool = False,
) -> xr.Dataset:
    """The driven steady state of the device's FM (module docstring), as a labelled Dataset.

    ``points`` = 1 is one macrospin at x = 0 (under the middle of a biased strip); more points
    are a film over one gate period, coupled by exchange and the dipolar field. Times in ns.
    """
    batch, m0, x = device_batch(device, points=points, fieldlike=fieldlike)
    magnet = device.magnet
    f_res = resonance_frequency(magnet, device.field_tesla, m0)
    omega_res = 2 * math.pi * f_res
    alpha_g = float(batch.alpha_g[0])
    # the uniform mode's decay: alpha (w1 + w2)/2 >= alpha w_res; alpha_G damps only dm_par,
    # all of the cone for m0 along z, half of it for m0 in the plane: alpha_G (1 + m0z^2) / 2
    decay = omega_res * (device.fm.damping + 0.5 * alpha_g * (1 + m0[2] ** 2))
    win = steady_window(
        batch.omega[0], decay=decay, precession=omega_res,
        settle=None if settle_ns is None else settle_ns * 1e-9,
        average=None if average_ns is None else average_ns * 1e-9,
        samples_per_period=samples_per_period,
    )  # fmt: skip
    start = np.broadcast_to(m0, (batch.size, 3))
    run = simulate(
        batch, start, win.t, rtol=rtol, atol=rtol * 1e-2, averages=win.window, progress=progress
    )
    obs = observables(run, window=win.window, reference=m0)
    to_area = magnet.ms * device.fm.thickness / magnet.gamma  # P / A = p Ms d / gamma
    theta0 = math.degrees(math.acos(max(-1.0, min(1.0, m0[2]))))
    phi0 = math.degrees(math.atan2(m0[1], m0[0]))
    xc = {"x_um": ("x_um", x * 1e6, {"units": "um", "long_name": "position along the grating"})}

    def per_point(values, units, long_name):
        return ("x_um", np.asarray(values, dtype=float), {"units": units, "long_name": long_name})

    ds = xr.Dataset(
        {
            "one_minus_m0": per_point(obs.one_minus_m_H, "1", "<1 - m.m0> about the equilibrium"),
            "cone_angle_deg": per_point(np.degrees(obs.cone_angle), "degree", "mean cone angle"),
            "absorbed_power": per_point(
                obs.absorbed_power * to_area, "W m-2", "absorbed power per film area"
            ),
            "dissipated_power": per_point(
                obs.dissipated_power * to_area, "W m-2", "dissipated power per film area"
            ),
            "f_amplitude": per_point(batch.f0, "s-1", "|f|, diffusive drive of Eq. (4)"),
            "fieldlike_amplitude": per_point(
                np.linalg.norm(batch.fieldlike, axis=1), "s-1", "|b|, fieldlike rate of Eq. (3)"
            ),
        },
        coords=xc,
    )
    ds.attrs.update(device.as_attrs())
    ds.attrs.update(
        {
            "title": "tisot device steady state (Eq. 18 with magnetostatics)",
            "m0": np.asarray(m0),
            "m0_theta_deg": theta0,
            "m0_phi_deg": phi0,
            "resonance_frequency_ghz": f_res * 1e-9,
            "alpha_g": alpha_g,
            "points": points,
            "fieldlike": int(fieldlike),
            "settle_ns": win.start * 1e9,
            "average_ns": (win.stop - win.start) * 1e9,
            "norm_drift": float(run.attrs.get("norm_drift", np.nan)),
        }
    )
    return ds
