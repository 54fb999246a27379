"""Labelled results: provenance attributes and the complex <-> (re, im) convention.

Every dataset tisot writes carries, in its global attributes (CF-1.10 style):

==================  ==================================================================
``title``           what was computed
``tisot_version``   the package version
``config``          the full resolved run config, as TOML text
``git_commit``      commit of the source tree tisot was imported from (``-dirty`` when it
                    has uncommitted changes; ``none`` outside a git checkout)
``date_created``    ISO 8601 UTC time the calculation started
``constants``       where the physical constants come from (CODATA via SciPy)
``references``      the paper (DOI)
==================  ==================================================================

and every variable and coordinate has ``units`` and ``long_name``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import subprocess
from pathlib import Path

import numpy as np
import xarray as xr

from ..constants import CONSTANTS_SOURCE

PART = "part"  #: the dimension that holds (re, im) of a complex variable on disk
PAPER_DOI = "doi:10.1103/PhysRevB.99.214444"


@functools.cache
def git_commit() -> str:
    """The commit of the tisot source tree (``+dirty`` if modified), or ``"none"``."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return "none"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "none"
    return commit.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


@functools.cache
def source_hash(*parts: str) -> str:
    """SHA-256 (first 12 hex digits) of tisot's Python sources: changes exactly when the code
    does, committed or not, unlike the git commit of a modified checkout. ``parts`` (files or
    folders relative to the package, e.g. ``"response/cooperon.py"``, ``"model"``) restrict it
    to the code a result depends on; none means all of tisot. Cached per process: a result
    computed after an edit in the same process carries the hash from before it."""
    root = Path(__file__).resolve().parents[1]
    paths = set()
    for part in parts or (".",):
        target = (root / part).resolve()
        if not (target.exists() and target.is_relative_to(root)):
            raise ValueError(f"source_hash: {part!r} is not a file or folder of tisot")
        paths.update(target.rglob("*.py") if target.is_dir() else [target])
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def code_version() -> str:
    """What computed a result, ``"<tisot version>+src.<source hash>"``; a sweep's chunks carry
    it, so that a resume never mixes in chunks of other code unknowingly."""
    from .. import __version__

    return f"{__version__}+src.{source_hash()}"


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def provenance(*, title: str, config_toml: str, date_created: str | None = None) -> dict:
    """Global attributes recording what produced a dataset (see the module docstring)."""
    from .. import __version__

    return {
        "title": title,
        "Conventions": "CF-1.10",
        "tisot_version": __version__,
        "config": config_toml,
        "git_commit": git_commit(),
        "date_created": date_created or utc_now(),
        "constants": CONSTANTS_SOURCE,
        "references": f"Sokolewicz et al., Phys. Rev. B 99, 214444 (2019), {PAPER_DOI}",
    }


def split_complex(ds: xr.Dataset) -> xr.Dataset:
    """Store each complex variable as a real one with a trailing ``part`` = (re, im) dimension."""
    complex_vars = [n for n, v in ds.data_vars.items() if np.iscomplexobj(v.values)]
    if not complex_vars:
        return ds
    out = ds.copy()
    for name in complex_vars:
        var = ds[name]
        parts = xr.concat([var.real, var.imag], dim=PART).transpose(..., PART)
        parts.attrs = {**var.attrs, "complex_parts": "re, im along part"}
        out[name] = parts
    return out.assign_coords({PART: (PART, ["re", "im"], {"long_name": "real and imaginary part"})})


def merge_complex(ds: xr.Dataset) -> xr.Dataset:
    """Inverse of :func:`split_complex`: join ``part`` = (re, im) back into complex variables."""
    if PART not in ds.dims:
        return ds
    out = ds.copy()
    for name, var in ds.data_vars.items():
        if PART in var.dims:
            attrs = {k: v for k, v in var.attrs.items() if k != "complex_parts"}
            joined = var.sel({PART: "re"}, drop=True) + 1j * var.sel({PART: "im"}, drop=True)
            joined.attrs = attrs
            out[name] = joined
    return out.drop_vars(PART)
