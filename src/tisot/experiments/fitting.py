"""Fit a measured spectrum with the device's linear-response spectrum (lmfit).

The model of a measured signal y(x) (x the field in mT or the frequency in GHz) is

    y(x) = scale * Re[e^{-i phase} S(x; device)] + offset + slope * (x - x_mid)

with S the phasor of one observable of :func:`tisot.experiments.spectra.spectrum` for the device
with its free keys set. Free parameters are device keys (dotted, ``fm.damping``,
``interface.exchange_mev``, ``fm.inhomogeneous_broadening_mt``, ...; every other value comes from
the device file) and the fit-only parameters of :data:`FIT_ONLY`. Bounds come from the device
schema. With an ``error`` column the errors are taken as known standard deviations (the
covariance is not rescaled, reduced chi^2 tests them); without one, unit weights and the
covariance scaled by the reduced chi^2 (lmfit's default).

A fit that does not converge, or converges without a covariance, raises :class:`FitError`:
it never returns numbers that look valid.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from ..io.measurement import check_points
from .spectra import OBSERVABLES, PHASORS, Probe, signal, spectrum

#: fit-only parameters: (default, unit, meaning)
FIT_ONLY: dict[str, tuple[float, str, str]] = {
    "scale": (1.0, "1", "amplitude scale of the model signal"),
    "phase_deg": (0.0, "degree", "detection phase phi: Re[e^{-i phi} phasor]"),
    "offset": (0.0, "signal", "constant background"),
    "slope": (0.0, "signal per x unit", "linear background about the middle of the sweep"),
}
#: relative finite-difference step of the Jacobian (the model is smooth; the equilibrium is
#: converged to ~1e-12, so steps far below 1e-5 would differentiate its noise)
JACOBIAN_STEP = 1e-5


class FitError(ValueError):
    """The fit did not converge or gave no usable uncertainties."""


@dataclass(frozen=True)
class FitResult:
    """Best-fit values, standard errors, correlations and the data against the fit."""

    values: dict[str, float]
    stderr: dict[str, float]
    correlations: dict[str, dict[str, float]]
    reduced_chi2: float
    chi2: float
    dof: int
    nfev: int
    seconds: float
    axis: str
    x: np.ndarray
    y: np.ndarray
    error: np.ndarray | None
    best_fit: np.ndarray
    observable: str
    message: str = ""
    device_toml: str = field(default="", repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON: ``{"KEY": {"value": v, "stderr": s}, ..., "reduced_chi2": r,
        "correlations": {"KEY": {"OTHER": c, ...}, ...}}``. Each free key holds exactly its value
        and standard error; ``reduced_chi2`` and ``correlations`` are the only other top-level
        entries (no device key or fit-only parameter has those names)."""
        out: dict[str, Any] = {
            k: {"value": self.values[k], "stderr": self.stderr[k]} for k in self.values
        }
        out["reduced_chi2"] = self.reduced_chi2
        out["correlations"] = {k: dict(self.correlations.get(k, {})) for k in self.values}
        return out

    def to_dataset(self) -> xr.Dataset:
        """Data, error and best fit on the swept axis; values and errors in the attributes."""
        unit = {"field_mt": "mT", "frequency_ghz": "GHz"}[self.axis]
        units, long_name = OBSERVABLES[self.observable]
        data = {
            "data": (self.axis, self.y, {"units": units, "long_name": f"measured {long_name}"}),
            "fit": (self.axis, self.best_fit, {"units": units, "long_name": f"fitted {long_name}"}),
        }
        if self.error is not None:
            data["error"] = (self.axis, self.error, {"units": units, "long_name": "1 sigma error"})
        ds = xr.Dataset(data, coords={self.axis: (self.axis, self.x, {"units": unit})})
        for k in self.values:
            ds.attrs[f"fit.{k}"] = self.values[k]
            ds.attrs[f"fit.{k}.stderr"] = self.stderr[k]
        ds.attrs.update(reduced_chi2=self.reduced_chi2, dof=self.dof, device=self.device_toml)
        return ds

    def plot(self, ax=None):
        """Data (with error bars) against the fit and the residuals' scale; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 3.8))
        if self.error is None:
            ax.plot(self.x, self.y, "o", ms=3, label="data")
        else:
            ax.errorbar(self.x, self.y, yerr=self.error, fmt="o", ms=3, label="data")
        ax.plot(self.x, self.best_fit, "-", label=f"fit, reduced chi2 = {self.reduced_chi2:.3g}")
        units, long_name = OBSERVABLES[self.observable]
        ax.set_xlabel({"field_mt": "mu0 H (mT)", "frequency_ghz": "f (GHz)"}[self.axis])
        ax.set_ylabel(f"{long_name} ({units})")
        text = "\n".join(f"{k} = {self.values[k]:.4g} ± {self.stderr[k]:.2g}" for k in self.values)
        ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", fontsize=8)
        ax.legend(loc="upper right", fontsize=8)
        return ax


def _device_parameter(key: str):
    from ..device.schema import DEVICE_SCHEMA

    section, _, name = key.partition(".")
    if section not in DEVICE_SCHEMA or name not in DEVICE_SCHEMA[section]:
        raise ValueError(
            f"unknown free key {key!r}: give a device key (section.key, e.g. fm.damping, "
            f"interface.exchange_mev) or one of {', '.join(FIT_ONLY)}"
        )
    param = DEVICE_SCHEMA[section][name]
    if param.kind is not float:
        raise ValueError(
            f"free key {key!r} is not a real number ({param.allowed}); it cannot be fitted"
        )
    return param


def _bounds(param) -> tuple[float, float]:
    lo = -np.inf if param.low is None else float(param.low)
    hi = np.inf if param.high is None else float(param.high)
    return lo, hi


def model_signal(device, x, axis: str, values: Mapping[str, float], *, observable="power",
                 probe: Probe | None = None, other: float | None = None) -> np.ndarray:  # fmt: skip
    """The fit model at parameter ``values`` (device keys and :data:`FIT_ONLY`), on ``x``.

    ``other``: the fixed frequency (GHz) of a field sweep or the fixed field (mT) of a frequency
    sweep (default the device's).
    """
    dev_values = {k: float(v) for k, v in values.items() if k not in FIT_ONLY}
    dev = device.with_values(dev_values) if dev_values else device
    kw = {"field_mt": x, "frequency_ghz": other} if axis == "field_mt" else {
        "frequency_ghz": x, "field_mt": other}  # fmt: skip
    ds = spectrum(dev, probe=probe, observables=[observable], **kw)
    fit_only = {k: float(values.get(k, FIT_ONLY[k][0])) for k in FIT_ONLY}
    s = signal(ds, observable, phase_deg=fit_only["phase_deg"])
    x = np.asarray(x, dtype=float)
    mid = 0.5 * (x.min() + x.max())
    return fit_only["scale"] * s + fit_only["offset"] + fit_only["slope"] * (x - mid)


def fit_spectrum(
    device,
    x,
    y,
    error=None,
    *,
    free: Sequence[str],
    axis: str = "field_mt",
    other: float | None = None,
    observable: str = "power",
    probe: Probe | None = None,
    initial: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    max_nfev: int = 400,
) -> FitResult:
    """Fit ``y(x)`` (± ``error``) with :func:`model_signal`, the keys in ``free`` varied.

    Parameters
    ----------
    device
        :class:`tisot.device.Device`: every value not free comes from it.
    x, y, error
        the swept axis (mT or GHz), the signal and its 1-sigma error (None: unknown).
    free
        device keys (``fm.damping``, ...) and fit-only parameters (:data:`FIT_ONLY`).
    axis
        ``"field_mt"`` or ``"frequency_ghz"``; ``other`` the fixed value of the other one.
    initial
        starting values (default: the device's values, the fit-only defaults).
    fixed
        values of fit-only parameters that are not free (e.g. ``{"scale": 2.0}``).

    Raises
    ------
    ValueError
        an unknown or non-numeric free key, bad data, fewer points than free parameters.
    FitError
        the fit did not converge or gave no covariance.
    """
    import lmfit

    free = list(dict.fromkeys(free))
    if not free:
        raise ValueError("give at least one free parameter (--free KEY[,KEY...])")
    if observable not in OBSERVABLES:
        raise ValueError(f"unknown observable {observable!r}; choose from {', '.join(OBSERVABLES)}")
    if "phase_deg" in free and observable not in PHASORS:
        raise ValueError(f"observable {observable!r} is quadratic in dm: it has no phase to fit")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    err = None if error is None else np.asarray(error, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or (err is not None and err.shape != x.shape):
        raise ValueError("x, y and error must be 1-D arrays of the same length")
    check_points(x.size, len(free))
    initial = dict(initial or {})
    fixed = dict(fixed or {})
    params = lmfit.Parameters()
    names = {}
    for i, key in enumerate(free):
        pname = f"p{i}"  # lmfit names must be identifiers; dotted keys are mapped
        names[pname] = key
        if key in FIT_ONLY:
            start = initial.get(key, fixed.get(key, FIT_ONLY[key][0]))
            if key == "scale" and start == 0:
                start = 1.0
            params.add(pname, value=float(start))
            continue
        param = _device_parameter(key)
        lo, hi = _bounds(param)
        start = float(initial.get(key, device.value(key)))
        if not math.isfinite(start):
            raise ValueError(
                f"free key {key!r} has no value in the device file; give a start value"
            )
        if start <= lo:  # a start on the bound stalls the bounded transform
            start = lo + (0.1 if hi - lo > 1 else 0.01 * (hi - lo)) if math.isfinite(lo) else start
        params.add(pname, value=start, min=lo, max=hi)
    for key in fixed:
        if key not in FIT_ONLY:
            raise ValueError(
                f"fixed takes fit-only parameters ({', '.join(FIT_ONLY)}), got {key!r}"
            )
    weights = None if err is None else 1.0 / err

    def values_of(p) -> dict[str, float]:
        return {**fixed, **{names[k]: float(p[k].value) for k in names}}

    def model(p) -> np.ndarray:  # the one model call of the fit and of its best-fit curve
        return model_signal(device, x, axis, values_of(p), observable=observable, probe=probe,
                            other=other)  # fmt: skip

    def residual(p):
        try:
            model_y = model(p)
        except ValueError:  # a trial value the device rejects (e.g. the Fermi level in the gap)
            return np.full(x.size, 1e30)
        r = model_y - y
        return r if weights is None else r * weights

    t0 = time.perf_counter()
    result = lmfit.minimize(
        residual, params, method="leastsq", scale_covar=err is None, max_nfev=max_nfev,
        epsfcn=JACOBIAN_STEP**2,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    bad = [names[k] for k in names if result.params[k].stderr is None
           or not math.isfinite(result.params[k].stderr)]  # fmt: skip
    if not result.success or not result.errorbars or bad or not math.isfinite(result.redchi):
        raise FitError(
            "the fit did not converge"
            + (f" ({result.message})" if result.message else "")
            + (f"; no uncertainty for {', '.join(bad)}" if bad else "")
            + f" after {result.nfev} evaluations: give better start values (--set), free fewer "
            "keys or check that the data show a line inside the sweep"
        )
    at_bound = [
        names[k] for k in names
        for bound in (result.params[k].min, result.params[k].max)
        if math.isfinite(bound) and abs(result.params[k].value - bound) <= 1e-9 * max(1.0, abs(bound))
    ]  # fmt: skip
    if at_bound:
        raise FitError(
            f"the fit ran into the bound of {', '.join(at_bound)} (the device schema's range): "
            "its error bar is meaningless; check the data or fix that key"
        )
    values = {names[k]: float(result.params[k].value) for k in names}
    stderr = {names[k]: float(result.params[k].stderr) for k in names}
    corr = {
        names[k]: {names[j]: float(c) for j, c in (result.params[k].correl or {}).items()}
        for k in names
    }
    best = model(result.params)
    return FitResult(
        values=values, stderr=stderr, correlations=corr, reduced_chi2=float(result.redchi),
        chi2=float(result.chisqr), dof=int(result.nfree), nfev=int(result.nfev),
        seconds=seconds, axis=axis, x=x, y=y, error=err, best_fit=best, observable=observable,
        message=str(result.message), device_toml=device.to_toml(),
    )  # fmt: skip


def fit_measurement(device, measurement, *, free: Sequence[str], **kw) -> FitResult:
    """:func:`fit_spectrum` of a :class:`tisot.io.measurement.Measurement` (which checks that the
    points outnumber the free keys)."""
    return fit_spectrum(
        device, measurement.x, measurement.signal, measurement.error, free=free,
        axis=measurement.axis, **kw,
    )  # fmt: skip
