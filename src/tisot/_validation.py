"""Input checks shared by the whole package: fail fast, name the parameter and its range."""

from __future__ import annotations

import math

import numpy as np


def finite(name: str, value, *, allow_array: bool = True):
    """Return ``value`` as a float (or a float/complex array) after checking it is finite."""
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "fc":
            arr = arr.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not allow_array and arr.ndim:
        raise ValueError(f"{name} must be a single number, got {value!r}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if arr.ndim == 0:
        return complex(arr) if arr.dtype.kind == "c" else float(arr)
    return arr


def in_open_interval(name: str, value: float, low: float, high: float) -> float:
    """Check ``low < value < high``."""
    value = finite(name, value)
    if not low < value < high:
        raise ValueError(f"{name} must satisfy {low} < {name} < {high}, got {value!r}")
    return value


def positive(name: str, value, *, strict: bool = True):
    """Check ``value > 0`` (or ``>= 0`` when ``strict`` is False), elementwise."""
    arr = finite(name, value)
    bad = np.any(np.asarray(arr) <= 0) if strict else np.any(np.asarray(arr) < 0)
    if bad:
        rel = ">" if strict else ">="
        raise ValueError(f"{name} must be {rel} 0, got {value!r}")
    return arr


def unit_vector(name: str, value) -> tuple[float, float, float]:
    """Normalise a 3-vector; reject zero length and non-finite entries."""
    arr = finite(name, value)
    if np.shape(arr) != (3,):
        raise ValueError(f"{name} must be a 3-vector (x, y, z), got shape {np.shape(arr)}")
    norm = math.sqrt(float(arr @ arr))
    if norm == 0.0:
        raise ValueError(
            f"{name} must be nonzero (|{name}| > 0); it is normalised to a unit vector"
        )
    return tuple(float(c) / norm for c in arr)
