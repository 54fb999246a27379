"""Input checks shared by the whole package: fail fast, name the parameter and its range.

Besides the checks of single values (see also :mod:`tisot.io.schema`), three guards for whole
requests:

* :func:`check_memory` and :func:`check_work`: an estimate made *before* a computation starts;
  a request beyond the machine is refused with the number and what to change;
* :func:`numerics`: a block whose arithmetic overflows (OverflowError, a non-finite result) fails
  with a ValueError that names the input most likely to blame (the one farthest from order one),
  instead of a traceback or a silent NaN.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping

import numpy as np

#: A request may use at most this fraction of the machine's physical memory.
MEMORY_FRACTION = 0.5
#: Work beyond this estimated wall time (seconds, one core) is refused before it starts.
MAX_SECONDS = 24 * 3600.0


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


# ------------------------------------------------------------------------ whole requests
def physical_memory() -> int:
    """Bytes of physical memory of this machine (16 GiB if it cannot be told)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 16 * 2**30


def _bytes(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def check_memory(nbytes: float, what: str, change: str) -> None:
    """Refuse ``what`` when its estimated memory ``nbytes`` exceeds :data:`MEMORY_FRACTION` of
    the machine; the message gives the estimate, the limit and ``change`` (what to lower)."""
    limit = MEMORY_FRACTION * physical_memory()
    if not nbytes <= limit:  # also catches NaN
        raise ValueError(
            f"{what} would need about {_bytes(nbytes)} of memory, more than the "
            f"{_bytes(limit)} allowed on this machine; {change}"
        )


def check_work(seconds: float, what: str, change: str) -> None:
    """Refuse ``what`` when its estimated run time exceeds :data:`MAX_SECONDS`."""
    if not seconds <= MAX_SECONDS:
        raise ValueError(
            f"{what} would take about {seconds:.3g} s (more than {MAX_SECONDS:.0f} s) by an "
            f"estimate made before starting; {change}"
        )


def most_extreme(inputs: Mapping[str, object]) -> str | None:
    """The name of the numeric input farthest from order one on a log scale (None: none)."""
    best, score = None, -1.0
    for name, value in inputs.items():
        try:
            arr = np.abs(np.asarray(value, dtype=float)).ravel()
        except (TypeError, ValueError):
            continue
        arr = arr[arr > 0]
        if arr.size == 0:
            continue
        s = float(np.max(np.abs(np.log10(np.minimum(arr, 1e308)))))
        if s > score:
            best, score = name, s
    return best


def _blame(what: str, inputs: Mapping[str, object], cause: str) -> ValueError:
    name = most_extreme(inputs)
    if name is None:
        return ValueError(f"{what} {cause}")
    return ValueError(
        f"{what} {cause}; the likely cause is {name} = {inputs[name]!r}: bring it into a "
        "physical range"
    )


def finite_result(what: str, value, inputs: Mapping[str, object]):
    """Return ``value`` if every entry is finite; else a ValueError that blames an input."""
    arr = np.asarray(value)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        raise _blame(what, inputs, "is not finite (overflow or an undefined result)")
    return value


@contextlib.contextmanager
def numerics(what: str, inputs: Mapping[str, object]) -> Iterator[None]:
    """Turn an overflow inside the block into a ValueError naming the input that caused it."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            yield
    except (OverflowError, FloatingPointError, ZeroDivisionError) as err:
        raise _blame(what, inputs, f"overflowed ({err})") from None
