"""The shipped verdict data: complete, with error bars, and what it says about the Hall value."""

import numpy as np

from tisot.response.exact.verdict import load_verdict, verdict_table


def test_shipped_verdict_has_error_bars_and_convergence_parameters():
    ds = load_verdict()
    assert ds is not None, "src/tisot/data/beyond_ladder.nc is missing"
    for key in ("exact_sigma_xx_err", "exact_sigma_xy_err", "exact_D_err"):
        assert np.all(ds[key] > 0)
    for key in ("box_over_ell", "moments", "resolution", "realisations"):
        assert key in ds
    v = ds.where(ds.kind == "verdict", drop=True)  # the convergence scans go beyond on purpose
    assert np.all(v.box_over_ell > 4) and np.all(v.resolution < v.gamma / 3)
    assert verdict_table(ds).count("\n") == 1 + int((ds.kind == "verdict").sum())


def test_exact_hall_value_rules_out_the_noncrossing_one():
    """At every alpha the exact sigma_xy lies > 4 error bars below the noncrossing ladder's."""
    ds = load_verdict()
    v = ds.where(ds.kind == "verdict", drop=True)
    gap = (v.ladder_sigma_xy - v.exact_sigma_xy) / v.exact_sigma_xy_err
    assert np.all(gap > 4)
