r"""Spin-torque-resonance observables and spectra (Sec. IV, Fig. 3) and their figures.

Observables of a simulated run (:func:`observables`), averaged over a window in the steady state:

* ``m_H`` (time-resolved) and its mean; ``one_minus_m_H`` = <1 - m_H>;
* the cone angle theta = arccos m_H (mean and maximum);
* the absorbed power. The explicit torques of Eq. (18) derive from an energy (in rate units,
  energy unit M_s V / |gamma|) eps = -omega_h.m + f(t) m_z^2 / 2 + b(t).m (the diffusive term
  f m_z (m x z) = (-f m_z z) x m is an oscillating uniaxial anisotropy; T_FL = m x b), so the
  power the drives pump in is p = <d eps/dt at fixed m> = <f'(t) m_z^2 / 2 + b'(t).m>
  = -<f m_z dm_z/dt + b.dm/dt> (by parts; tisot evaluates the second form), which in
  the steady state equals the power the damping dissipates, alpha_g <|P_z dm/dt|^2> +
  alpha_iso <|dm/dt|^2> (both in rad^2/s^2 or omega0^2; multiply by M_s V / |gamma| for watts).

Spectra (:func:`spectrum`) run one batched simulation over a swept parameter: the drive
frequency ``omega``, the field magnitude ``omega0`` = gamma H, the field angle ``chi`` from the TI
normal, the drive amplitude ``f0`` or the damping ``alpha_g``; :func:`linewidth` reads the
centre and full width at half maximum of a peak.

Linear response (:func:`linear_response`), the independent check: write m = e3 + u e1 + v e2
with e3 = H/|H| = (sin chi, 0, cos chi), e1 = (cos chi, 0, -sin chi), e2 = y. To first order in
u, v, f0 (uniform f = f0 cos omega t, the paper's geometry) Eq. (18) gives

.. math::  \dot u = -\omega_0 v - a_1 \dot v,\qquad
           \dot v = \omega_0 u + a_2 \dot u - \tfrac{f_0}{2}\sin 2\chi \cos\omega t,

a_1 = alpha_g + alpha_iso, a_2 = alpha_g cos^2 chi + alpha_iso (the TI-normal projection of
Eq. 18 damps e1 less). The drive torque is (f0/2) sin 2 chi: the sin 2 chi law. Near omega0 the
response is a Lorentzian of full width alpha_g omega0 (1 + cos^2 chi) (alpha_iso = 0).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.integrate import cumulative_trapezoid

from .._validation import finite
from ..dynamics import MacrospinBatch, simulate
from .steady import steady_window

SWEEPS = ("omega", "omega0", "chi", "f0", "alpha_g")

_LONG_NAMES = {
    "omega": ("drive frequency omega", "rate"),
    "omega0": ("gamma H", "rate"),
    "chi": ("field angle chi from the TI normal", "rad"),
    "f0": ("drive amplitude f0", "rate"),
    "alpha_g": ("Gilbert damping alpha_G", "1"),
}


# --------------------------------------------------------------------------- observables
def _window_mask(t: np.ndarray, window) -> np.ndarray:
    lo, hi = (float(t[0]), float(t[-1])) if window is None else (float(window[0]), float(window[1]))
    mask = (t >= lo) & (t <= hi)
    if mask.sum() < 3:
        raise ValueError(
            f"the averaging window {window!r} holds {mask.sum()} output times; give t_eval "
            "dense outputs inside it (>= 20 per drive period)"
        )
    return mask


def _time_derivative(m: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dm/dt along axis 1: 5-point (4th-order) central differences on a uniform grid."""
    d = np.gradient(m, t, axis=1, edge_order=2)
    h = np.diff(t)
    if t.size >= 5 and np.allclose(h, h[0], rtol=1e-9, atol=0):
        d[:, 2:-2] = (m[:, :-4] - 8 * m[:, 1:-3] + 8 * m[:, 3:-1] - m[:, 4:]) / (12 * h[0])
    return d


def _whole_periods(t: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """Per trajectory, the index of the last output time that closes a whole number of drive
    periods inside [t[0], t[-1]] (all of it for omega = 0 or a window shorter than a period)."""
    span = t[-1] - t[0]
    period = np.where(omega > 0, 2 * np.pi / np.where(omega > 0, omega, 1.0), np.inf)
    whole = np.floor(span / period)
    t_end = np.where(whole >= 1, t[0] + whole * period, t[-1])
    return np.clip(np.searchsorted(t, t_end * (1 + 1e-12), side="right") - 1, 2, t.size - 1)


def _average(values: np.ndarray, t: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Trapezoidal time average of each row of ``values`` over t[0] .. t[last[row]]."""
    cumulative = cumulative_trapezoid(values, t, axis=-1, initial=0.0)
    rows = np.arange(values.shape[0])
    return cumulative[rows, last] / (t[last] - t[0])


def observables(ds: xr.Dataset, *, window=None, reference=None) -> xr.Dataset:
    """Steady-state observables of a :func:`tisot.dynamics.simulate` result, per trajectory.

    Parameters
    ----------
    ds
        the engine's Dataset (m, m_H at the output times; batch parameters as coordinates).
    window
        (t_start, t_end) of the averages, in the run's time unit; default all output times.
        Outputs inside it must resolve the drive period (>= 20 per period). Each trajectory
        averages over the whole drive periods that fit in the window.
    reference
        the axis the cone is measured from, (3,) or (N, 3); default the field direction (m_H).
        With anisotropy the equilibrium m0 is not along H: pass m0.

    Returns
    -------
    xarray.Dataset with ``m_H_mean``, ``one_minus_m_H``, ``cone_angle`` (mean, rad),
    ``cone_angle_max`` (rad), ``absorbed_power`` and ``dissipated_power`` (rate^2, energy unit
    M_s V/|gamma|; see the module docstring), on ``trajectory``.
    """
    t_all = np.asarray(ds["time"], dtype=float)
    mask = _window_mask(t_all, window)
    t = t_all[mask]
    m = np.asarray(ds["m"])[:, mask, :]
    if reference is None:
        m_h = np.asarray(ds["m_H"])[:, mask]
    else:
        ref = np.broadcast_to(np.asarray(reference, dtype=float), (m.shape[0], 3))
        m_h = np.einsum("ntc,nc->nt", m, ref / np.linalg.norm(ref, axis=1, keepdims=True))
    if int(ds.attrs.get("tabulated_drive", 0)):
        raise ValueError(
            "observables() computes the absorbed power of harmonic drives; this run used a "
            "tabulated drive (drive_samples)"
        )
    f0 = np.asarray(ds["f0"])[:, None]
    w = np.asarray(ds["omega"])[:, None]
    ph = np.asarray(ds["phase"])[:, None]
    b0 = np.asarray(ds["fieldlike"])[:, None, :]
    bph = np.asarray(ds["fieldlike_phase"])[:, None]
    # <d eps/dt at fixed m> = <f' m_z^2/2 + b'.m> = -<f m_z dm_z/dt + b.dm/dt> (by parts: the
    # boundary terms [f m_z^2/2 + b.m]/T are not extensive and would dominate a short window)
    mdot = _time_derivative(m, t)
    f = f0 * np.cos(w * t[None] + ph)
    b = np.cos(w * t[None] + bph)[..., None] * b0
    p_in = -f * m[..., 2] * mdot[..., 2] - np.einsum("ntc,ntc->nt", b, mdot)
    # dissipated: alpha_g |P_n dm/dt|^2 + alpha_iso |dm/dt|^2
    n_axis = np.asarray(ds["damping_axis"])[:, None, :]
    p_mdot = mdot - np.einsum("ntc,ntc->nt", mdot, n_axis)[..., None] * n_axis
    a_g = np.asarray(ds["alpha_g"])[:, None]
    a_i = np.asarray(ds["alpha_iso"])[:, None]
    p_out = a_g * np.sum(p_mdot**2, axis=-1) + a_i * np.sum(mdot**2, axis=-1)
    theta = np.arccos(np.clip(m_h, -1.0, 1.0))
    last = _whole_periods(t, np.asarray(ds["omega"], dtype=float))
    rate = ds.attrs.get("rate_unit", "rate")
    power_unit = "rad^2/s^2 (x M_s V/|gamma| = W)" if rate == "rad/s" else "omega0^2"
    out = xr.Dataset(
        {
            "m_H_mean": (
                "trajectory",
                _average(m_h, t, last),
                {"units": "1", "long_name": "<m_H>"},
            ),
            "one_minus_m_H": (
                "trajectory",
                _average(1 - m_h, t, last),
                {"units": "1", "long_name": "<1 - m_H>"},
            ),
            "cone_angle": ("trajectory", _average(theta, t, last), {"units": "rad"}),
            "cone_angle_max": ("trajectory", theta.max(axis=1), {"units": "rad"}),
            "absorbed_power": (
                "trajectory",
                _average(p_in, t, last),
                {"units": power_unit, "long_name": "power pumped in by the drives"},
            ),
            "dissipated_power": (
                "trajectory",
                _average(p_out, t, last),
                {"units": power_unit, "long_name": "power dissipated by damping"},
            ),
        },
        coords={"trajectory": np.asarray(ds["trajectory"])},
    )
    out.attrs.update(
        {
            "average_window": np.array([t[0], t[-1]]),
            "time_unit": ds.attrs.get("time_unit", ""),
            "observables": "tisot.experiments.resonance.observables",
        }
    )
    return out


def power_watts(power, saturation_magnetization: float, volume: float, gyromagnetic_ratio: float):
    """Absorbed power in W from p in rad^2/s^2: P = p M_s V / |gamma| (M_s A/m, V m^3, gamma rad/(s T))."""
    for name, value in (
        ("saturation_magnetization", saturation_magnetization),
        ("volume", volume),
    ):
        if not finite(name, value) > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    return np.asarray(power) * saturation_magnetization * volume / abs(gyromagnetic_ratio)


# --------------------------------------------------------------------------- linear response
def linear_response(*, omega0, chi, f0, omega, alpha_g, alpha_iso=0.0) -> dict[str, np.ndarray]:
    """Small-cone steady state of Eq. (18) under f = f0 cos(omega t) (module docstring).

    Returns complex amplitudes ``u``, ``v`` (m = e3 + Re[(u e1 + v e2) e^{-i omega t}]) and the
    averages ``one_minus_m_H`` = (|u|^2 + |v|^2)/4, ``cone_angle_rms``, ``absorbed_power``
    = omega^2 [a_g (|u|^2 cos^2 chi + |v|^2) + a_iso (|u|^2 + |v|^2)] / 2. Broadcasts.
    """
    w0, chi, f0, w = (np.asarray(x, dtype=float) for x in (omega0, chi, f0, omega))
    ag, ai = np.asarray(alpha_g, dtype=float), np.asarray(alpha_iso, dtype=float)
    c2 = np.cos(chi) ** 2
    a1, a2 = ag + ai, ag * c2 + ai
    drive = -0.5 * f0 * np.sin(2 * chi)
    # -i w U = -w0 V + i w a1 V ;  -i w V = w0 U - i w a2 U + drive
    A11, A12 = -1j * w, w0 - 1j * w * a1
    A21, A22 = -(w0 - 1j * w * a2), -1j * w
    det = A11 * A22 - A12 * A21
    u = (-A12 * drive) / det
    v = (A11 * drive) / det
    s = np.abs(u) ** 2 + np.abs(v) ** 2
    power = 0.5 * w**2 * (ag * (np.abs(u) ** 2 * c2 + np.abs(v) ** 2) + ai * s)
    return {
        "u": u,
        "v": v,
        "one_minus_m_H": s / 4,
        "cone_angle_rms": np.sqrt(s / 2),
        "absorbed_power": power,
    }


# --------------------------------------------------------------------------- spectra
def spectrum(
    dim: str,
    values,
    *,
    omega0=1.0,
    chi=math.pi / 4,
    omega=1.0,
    f0=0.01,
    alpha_g=0.02,
    alpha_iso=0.0,
    settle: float | None = None,
    average: float | None = None,
    samples_per_period: int = 32,
    time_unit: str = "1/omega0",
    method: str = "dopri",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    progress: bool = False,
) -> xr.Dataset:
    """A resonance curve: the steady state of Eq. (18) for each value of one swept parameter.

    All trajectories run together (one :func:`tisot.dynamics.simulate` batch). The field lies in
    the x-z plane at angle chi from the TI normal, m starts along H, f = f0 cos(omega t).

    Parameters
    ----------
    dim
        the swept parameter: one of ``"omega"``, ``"omega0"``, ``"chi"``, ``"f0"``, ``"alpha_g"``.
    values
        its values (1D); the other parameters are scalars (rates in ``time_unit``).
    settle
        time discarded before averaging; default 12 / (smallest linear decay rate), the
        decay rate being omega0 (a_1 + a_2)/2 (see the module docstring).
    average
        length of the averaging window; default 20 periods of the slowest of drive and
        precession.
    samples_per_period
        outputs per drive period inside the window (>= 20).

    Returns
    -------
    xarray.Dataset of :func:`observables` on dimension ``dim``, with the linear-response
    prediction ``linear_one_minus_m_H`` and ``linear_absorbed_power`` alongside.
    """
    if dim not in SWEEPS:
        raise ValueError(f"dim must be one of {SWEEPS}, got {dim!r}")
    vals = np.atleast_1d(np.asarray(finite(dim, values), dtype=float))
    if vals.ndim != 1:
        raise ValueError(f"values must be 1D, got shape {vals.shape}")
    if not (isinstance(samples_per_period, int) and samples_per_period >= 20):
        raise ValueError(f"samples_per_period must be an integer >= 20, got {samples_per_period!r}")
    params = {
        "omega0": omega0,
        "chi": chi,
        "omega": omega,
        "f0": f0,
        "alpha_g": alpha_g,
    }
    params[dim] = vals
    p = {
        k: np.broadcast_to(np.asarray(finite(k, v), dtype=float), vals.shape)
        for k, v in params.items()
    }
    if time_unit not in ("1/omega0", "s"):
        raise ValueError(f"time_unit must be '1/omega0' or 's', got {time_unit!r}")
    if np.any(p["omega0"] <= 0):
        raise ValueError("omega0 (gamma H) must be > 0")
    if np.any(p["omega"] <= 0):
        raise ValueError("omega (drive frequency) must be > 0 for a resonance curve")
    if np.any(p["alpha_g"] < 0) or alpha_iso < 0:
        raise ValueError("alpha_g and alpha_iso must be >= 0")
    c2 = np.cos(p["chi"]) ** 2
    decay = p["omega0"] * ((1 + c2) * p["alpha_g"] / 2 + alpha_iso)
    # Integrate in the drive phase tau = omega t (rates / omega, damping unchanged): then one
    # output grid closes whole drive periods exactly for every trajectory, which the absorbed
    # power (computed by parts in observables) needs; powers scale back by omega^2.
    scale = p["omega"]
    smax = float(scale.max())
    if average is None:
        average = 20 * 2 * math.pi / float(min(p["omega"].min(), p["omega0"].min()))
    win = steady_window(
        1.0,
        decay=float(decay.min()) / smax,
        settle=None if settle is None else settle * smax,
        average=average * smax,
        samples_per_period=samples_per_period,
    )
    settle = win.start / smax
    t_eval, window = win.t, win.window
    batch = MacrospinBatch.from_angle(
        p["chi"],
        omega0=p["omega0"] / scale,
        f0=p["f0"] / scale,
        omega=1.0,
        alpha_g=p["alpha_g"],
        alpha_iso=alpha_iso,
    )
    ds = simulate(
        batch, None, t_eval, method=method, rtol=rtol, atol=atol, averages=window,
        progress=progress,
    )  # fmt: skip
    obs = observables(ds, window=window)
    power_unit = "rad^2/s^2 (x M_s V/|gamma| = W)" if time_unit == "s" else "omega0^2"
    for name in ("absorbed_power", "dissipated_power"):
        obs[name] = (obs[name] * scale**2).assign_attrs(obs[name].attrs, units=power_unit)
    obs = obs.drop_vars([c for c in obs.coords if c != "trajectory"])
    lin = linear_response(
        omega0=p["omega0"],
        chi=p["chi"],
        f0=p["f0"],
        omega=p["omega"],
        alpha_g=p["alpha_g"],
        alpha_iso=alpha_iso,
    )
    long_name, unit = _LONG_NAMES[dim]
    if unit == "rate":
        unit = "rad/s" if time_unit == "s" else "omega0"
    out = (
        obs.drop_vars("trajectory")
        .rename_dims(trajectory=dim)
        .assign_coords({dim: (dim, vals, {"units": unit, "long_name": long_name})})
    )
    out["linear_one_minus_m_H"] = (dim, lin["one_minus_m_H"], {"units": "1"})
    out["linear_absorbed_power"] = (dim, lin["absorbed_power"], out["absorbed_power"].attrs)
    for k in ("omega0", "chi", "omega", "f0", "alpha_g"):
        if k != dim:
            out.attrs[k] = float(np.asarray(params[k]))
    out.attrs.update(
        {
            "alpha_iso": alpha_iso,
            "settle": settle,
            "average": average,
            "time_unit": time_unit,
            "method": method,
            "title": f"spin-torque resonance: sweep of {dim}",
            "reference": "Sokolewicz et al., Phys. Rev. B 99, 214444 (2019), Eq. (18), Fig. 3",
        }
    )
    return out


def linewidth(curve: xr.DataArray) -> dict[str, float]:
    """Centre, peak value and full width at half maximum of the highest peak of a 1D curve.

    The half-maximum crossings are found by linear interpolation on both sides of the peak;
    raises ValueError when the curve does not fall below half maximum on both sides.
    """
    if curve.ndim != 1:
        raise ValueError(f"linewidth needs a 1D curve, got dims {curve.dims}")
    x = np.asarray(curve[curve.dims[0]], dtype=float)
    y = np.asarray(curve, dtype=float)
    order = np.argsort(x)
    x, y = x[order], y[order]
    k = int(np.argmax(y))
    half = y[k] / 2
    left = np.flatnonzero(y[:k] < half)
    right = np.flatnonzero(y[k:] < half)
    if left.size == 0 or right.size == 0:
        raise ValueError(
            "the curve does not drop below half its maximum on both sides of the peak: "
            "widen the sweep"
        )
    i, j = left[-1], k + right[0]
    x_left = x[i] + (half - y[i]) * (x[i + 1] - x[i]) / (y[i + 1] - y[i])
    x_right = x[j - 1] + (half - y[j - 1]) * (x[j] - x[j - 1]) / (y[j] - y[j - 1])
    # centre: vertex of the parabola through the three points around the maximum
    centre = x[k]
    if 0 < k < x.size - 1:
        x0, x1, x2 = x[k - 1 : k + 2]
        y0, y1, y2 = y[k - 1 : k + 2]
        den = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den
        b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / den
        if a < 0:
            centre = -b / (2 * a)
    return {"centre": float(centre), "peak": float(y[k]), "fwhm": float(x_right - x_left)}


# --------------------------------------------------------------------------- figures
def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_time_trace(ds: xr.Dataset, *, trajectories=None, ax=None, label=None):
    """m_H against time for some trajectories of a simulate() result; returns the Axes."""
    ax = _axes(ax)
    idx = range(ds.sizes["trajectory"]) if trajectories is None else trajectories
    t = np.asarray(ds["time"])
    for i in idx:
        lab = label(i) if callable(label) else (f"trajectory {i}" if label is None else label)
        ax.plot(t, np.asarray(ds["m_H"][i]), lw=1, label=lab)
    ax.set_xlabel(f"time t ({ds.attrs.get('time_unit', '')})")
    ax.set_ylabel("m_H = m . H/|H|")
    ax.set_ylim(-0.05, 1.05)
    if len(list(idx)) <= 8:
        ax.legend(fontsize="small")
    return ax


def plot_spectrum(spec: xr.Dataset, observable: str = "one_minus_m_H", *, ax=None, theory=True):
    """A resonance curve (markers) with the linear-response prediction (line); returns the Axes."""
    ax = _axes(ax)
    dim = spec[observable].dims[0]
    x = np.asarray(spec[dim])
    ax.plot(x, np.asarray(spec[observable]), "o", ms=4, label="Eq. (18), simulated")
    lin = f"linear_{observable}"
    if theory and lin in spec:
        ax.plot(x, np.asarray(spec[lin]), "-", lw=1, label="linear response")
    units = spec[dim].attrs.get("units", "")
    ax.set_xlabel(f"{spec[dim].attrs.get('long_name', dim)} ({units})")
    ax.set_ylabel(f"{observable} ({spec[observable].attrs.get('units', '')})")
    ax.legend(fontsize="small")
    return ax


def plot_angle_law(spec: xr.Dataset, observable: str = "cone_angle", *, ax=None):
    """An angle sweep against chi with the drive torque (f0/2)|sin 2 chi| scaled to the peak."""
    ax = plot_spectrum(spec, observable, ax=ax)
    chi = np.asarray(spec["chi"])
    y = np.asarray(spec[observable])
    s = np.abs(np.sin(2 * chi))
    ax.plot(chi, s * y.max() / s.max(), "--", lw=1, label="|sin 2 chi| (scaled)")
    ax.legend(fontsize="small")
    return ax


def plot_film(ds: xr.Dataset, *, ax=None):
    """m_H(x, t) of a 1D film (simulate_film) as an image; returns the Axes."""
    ax = _axes(ax)
    x = np.asarray(ds["x"]) * 1e6
    t = np.asarray(ds["time"])
    mesh = ax.pcolormesh(t, x, np.asarray(ds["m_H"]), shading="auto", vmin=0, vmax=1)
    ax.figure.colorbar(mesh, ax=ax, label="m_H")
    ax.set_xlabel(f"time t ({ds.attrs.get('time_unit', '')})")
    ax.set_ylabel("x (um)")
    return ax
