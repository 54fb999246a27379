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


def angle_dependence(device, theta_h_deg: Sequence[float], frequency_ghz: float, *,
                     observable: str = "power", probe: Probe | None = None,
                     points: int = 121, window: float = 8.0) -> xr.Dataset:  # fmt: skip
    """Resonance field and HWHM against the polar angle of the applied field (its azimuth
    ``environment.field_phi_deg`` fixed)."""
    rows = []
    for th in theta_h_deg:
        dev = device.with_values({"environment.field_theta_deg": float(th)})
        lines = resonance_lines(dev, [frequency_ghz], observable=observable, probe=probe,
                                points=points, window=window)  # fmt: skip
        rows.append(
            (lines.field_mt[0], lines.field_err_mt[0], lines.hwhm_mt[0], lines.hwhm_err_mt[0])
        )
    r = np.array(rows)
    th = (
        "theta_h_deg",
        np.asarray(theta_h_deg, float),
        {"units": "degree", "long_name": "field polar angle"},
    )
    return xr.Dataset(
        {
            "resonance_field": ("theta_h_deg", r[:, 0], {"units": "mT", "long_name": "resonance field"}),
            "resonance_field_err": ("theta_h_deg", r[:, 1], {"units": "mT", "long_name": "1 sigma"}),
            "hwhm": ("theta_h_deg", r[:, 2], {"units": "mT", "long_name": "field-swept HWHM"}),
            "hwhm_err": ("theta_h_deg", r[:, 3], {"units": "mT", "long_name": "1 sigma"}),
        },
        coords={"theta_h_deg": th},
        attrs={"frequency_ghz": frequency_ghz, **device.as_attrs()},
    )  # fmt: skip


# --------------------------------------------------------------------------- the two torques
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
            try:
                s = decompose(ds, obs)
                row.append([s.symmetric, s.antisymmetric, s.centre, s.width])
            except ValueError:
                row.append([math.nan] * 4)
            row[-1].append(float(np.max(np.abs(ds[obs].values))))
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
