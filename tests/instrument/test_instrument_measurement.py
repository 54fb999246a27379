"""Reading measured spectra: every bad file gets an error naming the column and the row."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tisot.io.measurement import read_measurement, write_measurement_csv


def _csv(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_csv_with_comments_extra_columns_and_errors(tmp_path):
    path = _csv(
        tmp_path,
        "# a comment\nfield_mt,temperature,signal,error\n10,2,1.5,0.1\n20,2,2.5,0.1\n30,2,1.0,0.2\n",
    )
    m = read_measurement(path, n_free=2)
    assert m.axis == "field_mt"
    np.testing.assert_array_equal(m.x, [10, 20, 30])
    np.testing.assert_array_equal(m.signal, [1.5, 2.5, 1.0])
    np.testing.assert_array_equal(m.error, [0.1, 0.1, 0.2])


def test_reads_descending_sweep_and_frequency_axis(tmp_path):
    m = read_measurement(_csv(tmp_path, "frequency_ghz,signal\n12,1\n10,2\n8,3\n"))
    assert m.axis == "frequency_ghz" and m.error is None
    np.testing.assert_array_equal(m.x, [12, 10, 8])


def test_round_trip_and_netcdf(tmp_path):
    x = np.linspace(50, 150, 11)
    y = np.sin(x)
    path = write_measurement_csv(tmp_path / "w.csv", "field_mt", x, y, 0.01)
    m = read_measurement(path)
    np.testing.assert_array_equal(m.x, x)
    np.testing.assert_array_equal(m.signal, y)
    ds = xr.Dataset({"signal": ("field_mt", y)}, coords={"field_mt": x})
    ds.to_netcdf(tmp_path / "m.nc", engine="h5netcdf")
    m = read_measurement(tmp_path / "m.nc")
    np.testing.assert_array_equal(m.signal, y)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("field_mt,value\n1,2\n2,3\n", "missing column 'signal'"),
        ("b_field,signal\n1,2\n2,3\n", "field_mt"),
        (
            "field_mt,signal\n1,2\n2,abc\n",
            r"column 'signal', row 2 \(line 3\): 'abc' is not a number",
        ),
        ("field_mt,signal\n1,2\nNaN,3\n", r"column 'field_mt', row 2 \(line 3\)"),
        ("field_mt,signal\n1,2\n2,nan\n3,1\n", r"column 'signal', row 2 \(line 3\) is 'nan'"),
        ("field_mt,signal\n1,2\n3,3\n2,1\n", r"not sorted: row 3 \(line 4\)"),
        ("field_mt,signal\n1,2\n2,3\n2,1\n", "duplicated value 2.0 in rows 2 and 3"),
        ("field_mt,signal,error\n1,2,0.1\n2,3,0\n", r"column 'error', row 2"),
        ("field_mt,signal\n1,2\n2,\n", "line 3: no value in column 'signal'"),
        ("field_mt,signal\n", "no data rows"),
        ("", "empty file"),
        ("field_mt,signal\n-5,1\n1,2\n", r"column 'field_mt', row 1"),
    ],
)
def test_bad_files_are_named(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        read_measurement(_csv(tmp_path, text))


def test_fewer_points_than_free_parameters(tmp_path):
    path = _csv(tmp_path, "field_mt,signal\n1,2\n2,3\n")
    with pytest.raises(ValueError, match="2 data points cannot fix 2 free parameters"):
        read_measurement(path, n_free=2)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_measurement(tmp_path / "nope.csv")
