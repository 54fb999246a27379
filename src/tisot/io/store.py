"""Atomic writers (netCDF via h5netcdf, Zarr, text) and the dataset loader.

Nothing half-written ever appears under the final name: every writer writes to a temporary name in
the same folder and moves it into place with :func:`os.replace` (a Zarr store, being a folder, is
swapped in with two renames). A failed write removes its temporary file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import xarray as xr

from .dataset import merge_complex, split_complex

#: Engine for netCDF files: h5netcdf (netCDF4/HDF5 files, complex-free).
NETCDF_ENGINE = "h5netcdf"
#: Zarr v2 layout: its consolidated metadata and string dtypes are specified and widely readable.
ZARR_FORMAT = 2


#: Dataset file formats: netCDF (.nc, the default) and Zarr (.zarr).
FORMATS = ("netcdf", "zarr")


def format_from_suffix(path: Path) -> str:
    """``.zarr`` -> "zarr", anything else -> "netcdf"."""
    return "zarr" if Path(path).suffix == ".zarr" else "netcdf"


def check_writable(
    path: Path,
    *,
    inputs: tuple[str | os.PathLike, ...] = (),
    create_parents: bool = True,
) -> Path:
    """Fail early, before any computation, if ``path`` cannot be written.

    Parameters
    ----------
    path
        the output file (or ``.zarr`` store).
    inputs
        files the command reads (a config, a device file): an output that is one of them is
        refused, so that a run never overwrites its own input.
    create_parents
        create missing parent folders (outputs); False: a missing folder is an error (figures,
        ``--plot``, whose folder the user is expected to have).

    Raises ValueError naming the path and what to do.
    """
    path = Path(path).expanduser().absolute()
    for given in inputs:
        source = Path(given).expanduser().absolute()
        same = source == path or (path.exists() and source.exists() and path.samefile(source))
        if same:
            raise ValueError(
                f"output path {str(path)!r} is an input of this command; writing it would "
                "overwrite the input: choose another output name"
            )
    if path.suffix == ".zarr":
        require_zarr()
    if path.is_dir() and path.suffix != ".zarr":
        raise ValueError(f"output path {str(path)!r} is a folder; give a file name like out.nc")
    if not create_parents and not path.parent.is_dir():
        raise ValueError(
            f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist; "
            "create it first or choose another path"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.probe"):
            pass
    except OSError as err:
        raise ValueError(
            f"output path {str(path)!r} is not writable ({err.strerror}); choose another "
            "folder with --out or output.path"
        ) from None
    return path


def require_zarr() -> None:
    """Raise a ValueError that says what to install when the optional zarr package is missing."""
    try:
        import zarr  # noqa: F401
    except ImportError:
        raise ValueError(
            "writing a .zarr store needs the zarr package: pip install 'tisot[zarr]' "
            "(or write netCDF: give a path ending in .nc)"
        ) from None


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")


def atomic_save_figure(fig, path: Path, *, dpi: int = 150) -> Path:
    """Save a matplotlib figure to ``path`` atomically; the format follows the suffix."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp-{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        fig.savefig(tmp, dpi=dpi)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file ``.NAME.tmp-XXXXXXXX`` in the same
    folder + rename): a failed or interrupted write leaves the old file, or none."""
    path = Path(path)
    tmp = _temp_name(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, UTF-8 (:func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def save_dataset(ds: xr.Dataset, path: str | os.PathLike, *, format: str | None = None) -> Path:
    """Write ``ds`` to ``path`` as netCDF (h5netcdf) or Zarr, atomically.

    Complex variables are stored as real arrays with a trailing ``part`` = (re, im) dimension
    (netCDF has no complex type); :func:`load_dataset` joins them back.

    Parameters
    ----------
    ds
        the dataset; attributes must be strings or numbers.
    path
        destination; an existing file or store there is replaced only once the new one is complete.
    format
        "netcdf" or "zarr"; by default from the suffix (``.zarr`` -> Zarr).
    """
    path = Path(path)
    format = format or format_from_suffix(path)
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if format == "zarr":
        require_zarr()
    ds = split_complex(ds)
    tmp = _temp_name(path)
    try:
        if format == "netcdf":
            ds.to_netcdf(tmp, engine=NETCDF_ENGINE)
            os.replace(tmp, path)
        else:
            ds.to_zarr(tmp, mode="w", consolidated=True, zarr_format=ZARR_FORMAT)
            if path.exists():
                old = _temp_name(path)
                os.replace(path, old)
                os.replace(tmp, path)
                _remove(old)
            else:
                os.replace(tmp, path)
    finally:
        _remove(tmp)
    return path


def load_dataset(path: str | os.PathLike, *, complex: bool = True) -> xr.Dataset:
    """Load a dataset written by tisot (netCDF or Zarr) into memory.

    With ``complex=True`` (default) variables split along ``part`` are joined back to complex.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"no dataset at {str(path)!r}")
    if format_from_suffix(path) == "zarr" or path.is_dir():
        ds = xr.open_zarr(path, consolidated=True).load()
    else:
        with xr.open_dataset(path, engine=NETCDF_ENGINE) as f:
            ds = f.load()
    return merge_complex(ds) if complex else ds
