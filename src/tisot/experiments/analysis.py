r"""The analyses an FMR lab does daily, on measured or computed spectra (lmfit).

* :func:`resonance_lines`: a field-swept spectrum at each frequency, fitted by
  :func:`tisot.experiments.spectra.lineshape`: resonance field and half width (HWHM) with errors.
* :func:`kittel_fit`: resonance field against frequency, Kittel's formulas (Kittel 1948) for the
  symmetric geometries,

  .. math::  f = \frac{\gamma}{2\pi}\sqrt{B (B + \mu_0 M_{\rm eff})}  \ \text{(in plane)},\qquad
             f = \frac{\gamma}{2\pi} (B - \mu_0 M_{\rm eff})         \ \text{(normal)},

  gamma = g mu_B / hbar, giving M_eff and g.
* :func:`linewidth_fit`: the field-swept HWHM against frequency,
  :math:`\Delta B = \Delta B_0 + 2\pi f \alpha / \gamma` (Gilbert slope and inhomogeneous
  broadening; exact to first order in alpha in both symmetric geometries).
* :func:`angle_dependence`: resonance field and HWHM against the polar angle of the field.
* :func:`torque_decomposition`: the share of the diffusive (Eq. 4) and the fieldlike (Eq. 3)
  torque in a device's signals, and the lineshape of each (docs/instrument.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.constants as sc
import xarray as xr

from ..magnet import MU0
from .spectra import Probe, decompose, lineshape, spectrum

#: electron g mu_B / hbar per unit g: gamma = g * GAMMA_PER_G (rad s^-1 T^-1)
GAMMA_PER_G = sc.physical_constants["Bohr magneton"][0] / sc.hbar


@dataclass(frozen=True)
class Fit:
    """Values, standard errors and reduced chi^2 of a small lmfit fit."""

    values: dict[str, float]
    stderr: dict[str, float]
    reduced_chi2: float

    def __getitem__(self, key: str) -> float:
        return self.values[key]


def _run(model, x, y, err, params) -> Fit:
    res = model.fit(y, params, x=x, weights=None if err is None else 1.0 / np.asarray(err),
                    scale_covar=err is None)  # fmt: skip
    if not res.success or not res.errorbars:
        raise ValueError(f"the fit did not converge ({res.message}): check the data")
    p = res.params
    return Fit(
        values={k: float(p[k].value) for k in p if p[k].vary},
        stderr={k: float(p[k].stderr) for k in p if p[k].vary},
        reduced_chi2=float(res.redchi),
    )


def kittel_frequency_ghz(field_mt, mu0_meff_mt, g, geometry: str = "in-plane"):
    """Kittel's uniform-mode frequency in GHz (module docstring)."""
    b = np.asarray(field_mt, dtype=float) * 1e-3
    m = mu0_meff_mt * 1e-3
    gamma = g * GAMMA_PER_G
    if geometry == "in-plane":
        return gamma / (2 * math.pi) * np.sqrt(np.clip(b * (b + m), 0.0, None)) * 1e-9
    if geometry == "normal":
        return gamma / (2 * math.pi) * (b - m) * 1e-9
    raise ValueError(f"geometry must be 'in-plane' or 'normal', got {geometry!r}")


def kittel_fit(frequency_ghz, resonance_field_mt, error_mt=None, *, geometry="in-plane",
               g_start=2.0, meff_start_mt=None) -> Fit:  # fmt: skip
    """Fit resonance fields against frequency with Kittel's formula; returns ``mu0_meff_mt``
    (mu0 M_eff in mT), ``meff_ka_per_m`` and ``g``.

    The field is the dependent variable (as measured): B_r(f) is Kittel's formula solved for B,
    in plane B = -M/2 + sqrt(M^2/4 + (2 pi f / gamma)^2), normal B = M + 2 pi f / gamma.
    """
    import lmfit

    f = np.asarray(frequency_ghz, dtype=float)
    b = np.asarray(resonance_field_mt, dtype=float)
    if f.shape != b.shape or f.size < 3:
        raise ValueError("kittel_fit needs >= 3 (frequency, resonance field) pairs of equal length")

    def field(x, mu0_meff_mt, g):
        w = 2 * math.pi * x * 1e9 / (g * GAMMA_PER_G) * 1e3  # 2 pi f / gamma in mT
        if geometry == "in-plane":
            return -mu0_meff_mt / 2 + np.sqrt(mu0_meff_mt**2 / 4 + w**2)
        if geometry == "normal":
            return mu0_meff_mt + w
        raise ValueError(f"geometry must be 'in-plane' or 'normal', got {geometry!r}")

    model = lmfit.Model(field)
    if meff_start_mt is None:  # invert the two extreme points with g = g_start
        w = 2 * math.pi * f * 1e9 / (g_start * GAMMA_PER_G) * 1e3
        meff_start_mt = (
            float(np.median(w**2 / b - b)) if geometry == "in-plane" else float(np.median(b - w))
        )
    params = model.make_params(mu0_meff_mt=meff_start_mt, g=g_start)
    params["g"].set(min=0.1, max=10.0)
    out = _run(model, f, b, error_mt, params)
    out.values["meff_ka_per_m"] = out.values["mu0_meff_mt"] * 1e-3 / MU0 * 1e-3
    out.stderr["meff_ka_per_m"] = out.stderr["mu0_meff_mt"] * 1e-3 / MU0 * 1e-3
    return out


def linewidth_fit(frequency_ghz, hwhm_mt, error_mt=None, *, g: float = 2.0) -> Fit:
    """Fit the field-swept HWHM against frequency: dB = dB0 + 2 pi f alpha / gamma; returns
    ``alpha`` (Gilbert damping) and ``dh0_mt`` (inhomogeneous HWHM, mT), with ``g`` given."""
    import lmfit

    f = np.asarray(frequency_ghz, dtype=float)
    w = np.asarray(hwhm_mt, dtype=float)
    if f.shape != w.shape or f.size < 3:
        raise ValueError("linewidth_fit needs >= 3 (frequency, linewidth) pairs of equal length")
    gamma = g * GAMMA_PER_G

    def width(x, alpha, dh0_mt):
        return dh0_mt + 2 * math.pi * x * 1e9 * alpha / gamma * 1e3

    model = lmfit.Model(width)
    slope, icpt = np.polyfit(f, w, 1)
    params = model.make_params(alpha=slope * gamma / (2 * math.pi * 1e12), dh0_mt=icpt)
    return _run(model, f, w, error_mt, params)


@dataclass(frozen=True)
class Lines:
    """Resonance field and HWHM (mT) with standard errors, one per frequency (GHz)."""

    frequency_ghz: np.ndarray
    field_mt: np.ndarray
    field_err_mt: np.ndarray
    hwhm_mt: np.ndarray
    hwhm_err_mt: np.ndarray

    def to_dataset(self) -> xr.Dataset:
        f = ("frequency_ghz", self.frequency_ghz, {"units": "GHz", "long_name": "frequency"})
        return xr.Dataset(
            {
                "resonance_field": ("frequency_ghz", self.field_mt, {"units": "mT", "long_name": "resonance field"}),
                "resonance_field_err": ("frequency_ghz", self.field_err_mt, {"units": "mT", "long_name": "1 sigma"}),
                "hwhm": ("frequency_ghz", self.hwhm_mt, {"units": "mT", "long_name": "field-swept half width at half maximum"}),
                "hwhm_err": ("frequency_ghz", self.hwhm_err_mt, {"units": "mT", "long_name": "1 sigma"}),
            },
            coords={"frequency_ghz": f},
        )  # fmt: skip


def lines_from_spectra(frequency_ghz: Sequence[float], spectra: Sequence[tuple], *,
                       derivative: bool = False) -> Lines:  # fmt: skip
    """Lineshape fits of measured field sweeps ``[(field_mt, signal), ...]``, one per frequency."""
    shapes = [lineshape(x, y, derivative=derivative) for x, y in spectra]
    return Lines(
        frequency_ghz=np.asarray(frequency_ghz, dtype=float),
        field_mt=np.array([s.centre for s in shapes]),
        field_err_mt=np.array([s.stderr["centre"] for s in shapes]),
        hwhm_mt=np.array([s.width for s in shapes]),
        hwhm_err_mt=np.array([s.stderr["width"] for s in shapes]),
    )


def resonance_lines(device, frequency_ghz: Sequence[float], *, observable: str = "power",
                    probe: Probe | None = None, points: int = 121, window: float = 8.0) -> Lines:  # fmt: skip
    """Field sweeps of ``device`` at each frequency, centred on the uniform-mode resonance field
    (:func:`tisot.magnet.kittel_field`) and ``window`` linewidths wide, fitted by their lineshape."""
    from ..magnet import kittel_field

    env = device.environment
    fm = device.fm
    gamma = device.magnet.gamma
    sweeps = []
    for f in frequency_ghz:
        b0 = kittel_field(device.magnet, f * 1e9, env.field_theta_deg, env.field_phi_deg) * 1e3
        width = (
            2 * math.pi * f * 1e9 * (fm.damping + 1e-4) / gamma
        ) * 1e3 + fm.inhomogeneous_broadening_mt
        x = np.linspace(max(b0 - window * width, 0.0), b0 + window * width, points)
        ds = spectrum(device, field_mt=x, frequency_ghz=f, probe=probe, observables=[observable])
        sweeps.append((x, np.asarray(ds[observable])))
    return lines_from_spectra(frequency_ghz, sweeps, derivative=observable == "dpdh")


def angle_dependence(device, theta_h_deg: Sequence[float] | None = None, frequency_ghz: float = 10.0,
                     *, phi_h_deg: Sequence[float] | None = None, observable: str = "power",
                     probe: Probe | None = None, points: int = 121, window: float = 8.0) -> xr.Dataset:  # fmt: skip
    """Resonance field and HWHM against the polar angle of the applied field (``theta_h_deg``,
    its azimuth ``environment.field_phi_deg`` fixed) or against its azimuth (``phi_h_deg``, from
    the grating wavevector; the polar angle fixed)."""
    if (theta_h_deg is None) == (phi_h_deg is None):
        raise ValueError("angle_dependence sweeps one angle: give theta_h_deg or phi_h_deg")
    name, key, values = (
        ("theta_h_deg", "environment.field_theta_deg", theta_h_deg)
        if theta_h_deg is not None
        else ("phi_h_deg", "environment.field_phi_deg", phi_h_deg)
    )
    rows = []
    for a in values:
        dev = device.with_values({key: float(a)})
        lines = resonance_lines(dev, [frequency_ghz], observable=observable, probe=probe,
                                points=points, window=window)  # fmt: skip
        rows.append(
            (lines.field_mt[0], lines.field_err_mt[0], lines.hwhm_mt[0], lines.hwhm_err_mt[0])
        )
    r = np.array(rows)
    long_name = (
        "field polar angle"
        if name == "theta_h_deg"
        else "field azimuth from the grating wavevector"
    )
    coord = (name, np.asarray(values, float), {"units": "degree", "long_name": long_name})
    return xr.Dataset(
        {
            "resonance_field": (name, r[:, 0], {"units": "mT", "long_name": "resonance field"}),
            "resonance_field_err": (name, r[:, 1], {"units": "mT", "long_name": "1 sigma"}),
            "hwhm": (name, r[:, 2], {"units": "mT", "long_name": "field-swept HWHM"}),
            "hwhm_err": (name, r[:, 3], {"units": "mT", "long_name": "1 sigma"}),
        },
        coords={name: coord},
        attrs={"frequency_ghz": frequency_ghz, **device.as_attrs()},
    )  # fmt: skip


# --------------------------------------------------------------------------- the two torques
#: a part whose largest |signal| is below this fraction of the full signal's has no line
NULL_SIGNAL = 1e-9
#: torque switches of the decomposition
TORQUE_PARTS = {"both": (True, True), "diffusive": (True, False), "fieldlike": (False, True)}


def torque_decomposition(device, field_mt, frequency_ghz: float | None = None, *,
                         observables=("power", "mixing_voltage"), probe: Probe | None = None) -> xr.Dataset:  # fmt: skip
    """Each signal with both torques, the diffusive (Eq. 4) alone and the fieldlike (Eq. 3) alone,
    and their lineshapes.

    Returns a Dataset with the spectra on (``torques``, ``field_mt``) and, on (``torques``,
    ``observable``), the lineshape's ``symmetric`` and ``antisymmetric`` amplitudes, ``centre``
    and ``width`` (mT), and ``peak`` (the largest |signal|). The absorbed power is quadratic in
    the torques: ``both`` - ``diffusive`` - ``fieldlike`` is their interference.
    """
    probe = probe or Probe()
    field_mt = np.asarray(field_mt, dtype=float)
    specs, shapes = [], []
    for name, (dif, fl) in TORQUE_PARTS.items():
        ds = spectrum(device, field_mt=field_mt, frequency_ghz=frequency_ghz,
                      probe=replace(probe, diffusive=dif, fieldlike=fl), observables=list(observables))  # fmt: skip
        specs.append(ds[list(observables)].expand_dims(torques=[name]))
        row = []
        for obs in observables:
            peak = float(np.max(np.abs(ds[obs].values)))
            if name != "both" and peak <= NULL_SIGNAL * float(np.max(np.abs(specs[0][obs].values))):
                row.append(
                    [0.0, 0.0, math.nan, math.nan, peak]
                )  # no line (e.g. cancelled by symmetry)
                continue
            try:
                s = decompose(ds, obs)
                row.append([s.symmetric, s.antisymmetric, s.centre, s.width, peak])
            except ValueError:
                row.append([math.nan] * 4 + [peak])
        shapes.append(row)
    out = xr.concat(specs, dim="torques")
    arr = np.array(shapes)  # (torques, observable, 5)
    dims = ("torques", "observable")
    for i, (key, unit) in enumerate(
        [
            ("symmetric", "signal"),
            ("antisymmetric", "signal"),
            ("centre", "mT"),
            ("width", "mT"),
            ("peak", "signal"),
        ]
    ):
        out[key] = (dims, arr[..., i], {"units": unit, "long_name": f"lineshape {key}"})
    out = out.assign_coords(observable=list(observables))
    out.attrs.update(device.as_attrs())
    return out


def torque_table(dec: xr.Dataset) -> str:
    """A Markdown table of :func:`torque_decomposition`'s lineshape parameters."""
    lines = ["| signal | torques | symmetric | antisymmetric | A/S | centre (mT) | HWHM (mT) |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for obs in dec.observable.values:
        for t in dec.torques.values:
            v = {
                k: float(dec[k].sel(torques=t, observable=obs))
                for k in ("symmetric", "antisymmetric", "centre", "width")
            }
            ratio = v["antisymmetric"] / v["symmetric"] if v["symmetric"] else math.nan
            if v["symmetric"] == 0 and v["antisymmetric"] == 0:
                lines.append(f"| {obs} | {t} | 0 | 0 | - | - | - |")
                continue
            lines.append(
                f"| {obs} | {t} | {v['symmetric']:.3g} | {v['antisymmetric']:.3g} | {ratio:+.3f} | "
                f"{v['centre']:.2f} | {v['width']:.3f} |"
            )
    return "\n".join(lines)


def plot_torque_decomposition(dec: xr.Dataset, *, axes=None):
    """The spectra of :func:`torque_decomposition`, one panel per observable; returns the Axes."""
    import matplotlib.pyplot as plt

    obs = list(dec.observable.values)
    if axes is None:
        _, axes = plt.subplots(1, len(obs), figsize=(5 * len(obs), 3.6), squeeze=False)
        axes = axes[0]
    for ax, name in zip(axes, obs, strict=True):
        for t in dec.torques.values:
            ax.plot(dec.field_mt, dec[name].sel(torques=t), label=str(t))
        ax.set_xlabel("mu0 H (mT)")
        ax.set_ylabel(
            f"{dec[name].attrs.get('long_name', name)} ({dec[name].attrs.get('units', '')})"
        )
        ax.legend(fontsize=8)
    return axes


def torque_separation(device, *, theta_h_deg=None, period_um=None, frequency_ghz=None,
                      observable: str = "power") -> xr.Dataset:  # fmt: skip
    """The signal of each torque at the resonance, against one of: the field's polar angle, the
    gate period or the frequency (the others from the device).

    For each value, the field is set to the uniform-mode resonance field
    (:func:`tisot.magnet.kittel_field`) and ``observable`` is computed with both torques, the
    diffusive and the fieldlike one alone; ``m_z`` (equilibrium) and ``relaxation_ratio``
    omega / D q^2 (the drive frequency against the diffusion rate of the first harmonic) come
    along. Returns a Dataset on the swept coordinate.
    """
    from ..magnet import kittel_field

    given = [(k, v) for k, v in (("theta_h_deg", theta_h_deg), ("period_um", period_um),
                                 ("frequency_ghz", frequency_ghz)) if v is not None]  # fmt: skip
    if len(given) != 1:
        raise ValueError("torque_separation sweeps one of theta_h_deg, period_um, frequency_ghz")
    name, values = given[0]
    values = np.asarray(values, dtype=float)
    key = {"theta_h_deg": "environment.field_theta_deg", "period_um": "gate.period_um",
           "frequency_ghz": "gate.frequency_ghz"}[name]  # fmt: skip
    rows = {t: [] for t in TORQUE_PARTS}
    mz, ratio, fields = [], [], []
    for v in values:
        dev = device.with_values({key: float(v)})
        f = dev.gate.frequency_ghz
        env = dev.environment
        b_r = kittel_field(dev.magnet, f * 1e9, env.field_theta_deg, env.field_phi_deg) * 1e3
        fields.append(b_r)
        for t, (dif, fl) in TORQUE_PARTS.items():
            ds = spectrum(dev, field_mt=[b_r], frequency_ghz=f, observables=[observable],
                          probe=Probe(diffusive=dif, fieldlike=fl))  # fmt: skip
            rows[t].append(float(ds[observable].values[0]))
        m0 = ds.m0.values[0]
        mz.append(m0[2])
        d = dev.surface_model(m0).transport("si").diffusion_constant
        q = 2 * math.pi / dev.gate.period
        ratio.append(2 * math.pi * f * 1e9 / (d * q * q))
    units, long_name = spectra_observables()[observable]
    coord = {"theta_h_deg": ("degree", "field polar angle"), "period_um": ("um", "gate period"),
             "frequency_ghz": ("GHz", "drive frequency")}[name]  # fmt: skip
    data = {
        t: (name, np.array(r), {"units": units, "long_name": f"{long_name}, {t} torque(s)"})
        for t, r in rows.items()
    }
    data["m_z"] = (name, np.array(mz), {"units": "1", "long_name": "equilibrium m_z"})
    data["relaxation_ratio"] = (name, np.array(ratio), {"units": "1", "long_name": "omega / D q^2"})
    data["resonance_field"] = (
        name,
        np.array(fields),
        {"units": "mT", "long_name": "resonance field"},
    )
    return xr.Dataset(data, coords={name: (name, values, {"units": coord[0], "long_name": coord[1]})},
                      attrs={"observable": observable, **device.as_attrs()})  # fmt: skip


def spectra_observables():
    from .spectra import OBSERVABLES

    return OBSERVABLES


def plot_torque_separation(panels: Sequence[xr.Dataset], *, axes=None):
    """One panel per :func:`torque_separation` result: the diffusive and the fieldlike signal
    (and their sum with interference) against the swept quantity, log scale; returns the Axes."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(panels), figsize=(4.3 * len(panels), 3.5), squeeze=False)
        axes = axes[0]
    for ax, ds in zip(axes, panels, strict=True):
        dim = next(iter(ds.dims))
        for t, style in (("both", "k-"), ("diffusive", "C0--"), ("fieldlike", "C1-.")):
            ax.semilogy(ds[dim], np.abs(ds[t]), style, label=t)
        ax.set_xlabel(f"{ds[dim].attrs['long_name']} ({ds[dim].attrs['units']})")
        ax.set_ylabel(f"{ds.attrs['observable']} at resonance ({ds['both'].attrs['units']})")
        ax.legend(fontsize=8)
    return axes


def figure_torque_separation(device, *, theta_h_deg=4.8, frequency_ghz=None):
    """The figure of docs/instrument.md: (a) the spectrum of each torque at ``theta_h_deg``,
    (b) the signal at resonance against the field angle, (c) against the gate period (omega / D
    q^2 on the top axis). Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    from ..magnet import kittel_field

    dev = device.with_values({"environment.field_theta_deg": float(theta_h_deg)})
    if frequency_ghz is not None:
        dev = dev.with_values({"gate.frequency_ghz": float(frequency_ghz)})
    f = dev.gate.frequency_ghz
    b_r = kittel_field(dev.magnet, f * 1e9, theta_h_deg, dev.environment.field_phi_deg) * 1e3
    coarse = np.linspace(0.85 * b_r, 1.15 * b_r, 61)  # find the width, then +- 6 HWHM
    width = decompose(spectrum(dev, field_mt=coarse, frequency_ghz=f, observables=["power"])).width
    x = np.linspace(b_r - 6 * width, b_r + 6 * width, 121)
    dec = torque_decomposition(dev, x, f)
    angles = torque_separation(device.with_values({"gate.frequency_ghz": f}),
                               theta_h_deg=[0.5, 1, 2, 3, 4, 4.8, 5.5, 6, 7, 8, 10, 12, 15, 20, 30, 45, 60, 75, 89.5])  # fmt: skip
    periods = torque_separation(dev, period_um=[0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 8])
    fig, ax = plt.subplots(1, 3, figsize=(13.5, 3.8))
    for t, style in (("both", "k-"), ("diffusive", "C0--"), ("fieldlike", "C1-.")):
        ax[0].plot(dec.field_mt, dec.power.sel(torques=t), style, label=t)
    ax[0].set_xlabel("mu0 H (mT)")
    ax[0].set_ylabel("absorbed power (W m-2)")
    ax[0].set_title(f"(a) theta_H = {theta_h_deg} deg, {f:g} GHz", fontsize=9)
    ax[0].legend(fontsize=8)
    plot_torque_separation([angles, periods], axes=ax[1:])
    ax[1].set_title(f"(b) at resonance, {f:g} GHz, period {dev.gate.period_um:g} um", fontsize=9)
    ax[2].set_xscale("log")
    ax[2].xaxis.set_major_formatter(ScalarFormatter())
    ax[2].xaxis.set_minor_formatter(NullFormatter())
    ax[2].set_title(f"(c) at resonance, theta_H = {theta_h_deg} deg", fontsize=9)
    top = ax[2].secondary_xaxis(
        "top",
        functions=(
            lambda p: np.interp(p, periods.period_um, periods.relaxation_ratio),
            lambda r: np.interp(r, periods.relaxation_ratio, periods.period_um),
        ),
    )
    top.set_xlabel("omega / D q^2", fontsize=8)
    top.xaxis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    return fig
