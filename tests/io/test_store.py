"""Datasets on disk: lossless netCDF/Zarr round trips, complex split, provenance, atomic writes."""

from __future__ import annotations

import os
import tomllib

import numpy as np
import pytest
import xarray as xr

import tisot
from tisot.io import load_dataset, merge_complex, provenance, save_dataset, split_complex
from tisot.io.dataset import PART


def _dataset() -> xr.Dataset:
    rng = np.random.default_rng(7)
    K = rng.normal(size=(4, 3, 3)) + 1j * rng.normal(size=(4, 3, 3))
    ds = xr.Dataset(
        {
            "K": (("f", "row", "col"), K, {"units": "1", "long_name": "response tensor"}),
            "s": ("f", rng.normal(size=4), {"units": "e^2/h", "long_name": "conductivity"}),
        },
        coords={
            "f": ("f", [1.0, 2.0, 3.0, 4.0], {"units": "GHz", "long_name": "frequency"}),
            "row": ("row", ["x", "y", "z"]),
            "col": ("col", ["x", "y", "z"]),
        },
    )
    ds.attrs = provenance(title="test", config_toml='calculation = "response"\n')
    return ds


def test_split_then_merge_is_lossless():
    ds = _dataset()
    split = split_complex(ds)
    assert split.K.dims == ("f", "row", "col", PART)
    assert not np.iscomplexobj(split.K.values)
    np.testing.assert_array_equal(split.K.sel(part="im").values, ds.K.values.imag)
    xr.testing.assert_identical(merge_complex(split), ds)
    assert "complex_parts" not in ds.K.attrs  # the input is not modified


@pytest.mark.parametrize("suffix", [".nc", ".zarr"])
def test_round_trip_is_identical(tmp_path, suffix):
    ds = _dataset()
    path = save_dataset(ds, tmp_path / f"out{suffix}")
    xr.testing.assert_identical(load_dataset(path), ds)
    raw = load_dataset(path, complex=False)
    assert PART in raw.dims
    # overwriting an existing file or store replaces it whole
    save_dataset(ds.isel(f=slice(0, 2)), path)
    assert load_dataset(path).sizes["f"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{suffix}"]  # no temp left


def test_provenance_attributes():
    attrs = _dataset().attrs
    assert attrs["tisot_version"] == tisot.__version__
    assert tomllib.loads(attrs["config"]) == {"calculation": "response"}
    assert attrs["git_commit"] == "none" or len(attrs["git_commit"].split("-")[0]) == 40
    assert attrs["date_created"].endswith("+00:00")
    assert "CODATA" in attrs["constants"] or "scipy.constants" in attrs["constants"]
    assert "214444" in attrs["references"]


def test_failed_write_leaves_nothing_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.nc"
    save_dataset(_dataset(), path)
    before = path.read_bytes()
    bad = _dataset().assign_attrs(unwritable={"nested": "dict"})  # netCDF attrs can't be dicts
    with pytest.raises((TypeError, ValueError)):
        save_dataset(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.nc"]
    with pytest.raises((TypeError, ValueError)):
        save_dataset(bad, tmp_path / "new.nc")
    assert not (tmp_path / "new.nc").exists()


def test_unwritable_output_and_missing_dataset(tmp_path):
    from tisot.io import check_writable

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ValueError, match=r"output path .* is not writable"):
        check_writable(blocker / "out.nc")
    with pytest.raises(ValueError, match=r"is a folder"):
        check_writable(tmp_path)
    with pytest.raises(ValueError, match=r"no dataset at"):
        load_dataset(tmp_path / "missing.nc")
    with pytest.raises(ValueError, match=r"format must be one of"):
        save_dataset(_dataset(), tmp_path / "x.nc", format="hdf4")


def test_zarr_without_the_package_says_what_to_install(monkeypatch, tmp_path):
    import sys

    from tisot.io.store import check_writable

    monkeypatch.setitem(sys.modules, "zarr", None)  # as if not installed
    with pytest.raises(ValueError, match=r"pip install 'tisot\[zarr\]'"):
        check_writable(tmp_path / "out.zarr")


def test_check_writable_refuses_an_input_and_a_missing_figure_folder(tmp_path):
    from tisot.io import check_writable

    config = tmp_path / "run.toml"
    config.write_text("calculation = 'transport'\n")
    with pytest.raises(ValueError, match="is an input of this command"):
        check_writable(config, inputs=(config,))
    with pytest.raises(ValueError, match="is an input of this command"):  # same file, other name
        check_writable(tmp_path / "." / "run.toml", inputs=(str(config),))
    assert config.read_text() == "calculation = 'transport'\n"
    with pytest.raises(ValueError, match=r"folder .* does not exist"):
        check_writable(tmp_path / "missing" / "plot.png", create_parents=False)
    assert not (tmp_path / "missing").exists()
    assert check_writable(tmp_path / "new" / "out.nc") == tmp_path / "new" / "out.nc"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_check_writable_refuses_a_read_only_folder(tmp_path):
    from tisot.io import check_writable

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ValueError, match="not writable"):
            check_writable(folder / "plot.png", create_parents=False)
    finally:
        folder.chmod(0o700)


def _disk_full_halfway(monkeypatch):
    """Make Path.write_bytes write half its data, then fail as a full disk would."""
    import errno
    from pathlib import Path

    def write_half(self, data):
        with open(self, "wb") as f:
            f.write(bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", write_half)


def test_atomic_write_bytes_failing_mid_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from tisot.io import atomic_write_bytes

    old = tmp_path / "old.bin"
    atomic_write_bytes(old, b"complete old content")
    assert old.read_bytes() == b"complete old content"
    _disk_full_halfway(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(old, b"new content that does not fit")
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(tmp_path / "new.bin", b"0123456789")
    assert old.read_bytes() == b"complete old content"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["old.bin"]  # no partial file, no temp


def test_chunk_file_failing_mid_write_is_not_counted_as_done(tmp_path, monkeypatch):
    import json

    from tisot.sweeps.chunks import ChunkStore

    store = ChunkStore(tmp_path / "out.nc.chunks")
    store.folder.mkdir()
    store.manifest_path.write_text(json.dumps({"fingerprint": "abc"}))
    store.write(0, {"x": np.arange(3.0)})
    _disk_full_halfway(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        store.write(1, {"x": np.arange(1000.0)})
    assert store.done(2) == {0}
    assert sorted(p.name for p in store.folder.iterdir()) == ["chunk-000000.npz", "manifest.json"]
    np.testing.assert_array_equal(store.read(0)["x"], [0.0, 1.0, 2.0])


def test_source_hash_of_a_part_is_the_hash_of_its_files():
    """source_hash restricted to files is SHA-256 over (relative path, bytes) in path order,
    worked out here by hand; a folder covers its files; an unknown part is named."""
    import hashlib
    from pathlib import Path

    from tisot.io.dataset import source_hash

    root = Path(tisot.__file__).resolve().parent
    parts = ("response/cooperon.py", "_validation.py")
    digest = hashlib.sha256()
    for part in sorted(parts):
        digest.update(part.encode())
        digest.update((root / part).read_bytes())
    assert source_hash(*parts) == digest.hexdigest()[:12]
    assert source_hash(*reversed(parts)) == source_hash(*parts)
    assert source_hash("model") != source_hash("model", "_validation.py") != source_hash()
    with pytest.raises(ValueError, match="'respons' is not a file or folder of tisot"):
        source_hash("respons")
