"""The guards that blame an input for a failure (used by the sweeps and the CLI), on inputs whose
answer is worked out by hand: |log10| of each value, largest wins."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from tisot._validation import finite_result, most_extreme, numerics


def test_most_extreme_picks_the_largest_decade_distance_from_one():
    # |log10|: a = 6, b = log10(300) = 2.48; text and zero are no candidates
    assert most_extreme({"a": 1e-6, "b": 300.0, "c": "text", "d": 0.0}) == "a"
    # an array counts by its worst entry: x = 9 beats y = 8
    assert most_extreme({"x": [1.0, -1e9], "y": 1e-8}) == "x"
    # inf is clipped at 1e308 (308 decades), still the most extreme
    assert most_extreme({"big": math.inf, "small": 1e-300}) == "big"
    # NaN is never the answer; a tie keeps the first name
    assert most_extreme({"n": math.nan, "m": 10.0}) == "m"
    assert most_extreme({"p": 100.0, "q": 0.01}) == "p"


def test_most_extreme_without_a_numeric_input_is_none():
    assert most_extreme({}) is None
    assert most_extreme({"s": "abc", "z": 0.0, "e": []}) is None


def test_finite_result_passes_finite_values_through_unchanged():
    value = np.array([1.0, 2.0 + 1j])
    assert finite_result("K", value, {"a": 1.0}) is value
    assert finite_result("n", [1, 2, 3], {}) == [1, 2, 3]  # integers are always finite


def test_finite_result_blames_the_most_extreme_input():
    with pytest.raises(ValueError, match=r"K is not finite .*likely cause is b = 1e\+30"):
        finite_result("K", [1.0, math.inf], {"a": 0.5, "b": 1e30})
    with pytest.raises(ValueError, match=r"m is not finite") as err:
        finite_result("m", complex(math.nan, 0.0), {"s": "text"})
    assert "likely cause" not in str(err.value)  # nothing numeric to blame


def test_numerics_turns_an_overflow_into_a_value_error_naming_the_input():
    blamed_x = pytest.raises(ValueError, match=r"f overflowed .*likely cause is x = 1000.0")
    with blamed_x, numerics("f", {"x": 1000.0, "y": 2.0}):
        math.exp(1000.0)
    blamed_d = pytest.raises(ValueError, match=r"g overflowed .*likely cause is d = 1e-12")
    with blamed_d, numerics("g", {"d": 1e-12}):
        _ = 1.0 / 0.0


def test_numerics_leaves_other_errors_and_silences_numpy_overflow():
    with pytest.raises(KeyError), numerics("h", {"x": 1.0}):
        raise KeyError("not arithmetic")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy overflow warning would raise here
        with numerics("h", {"x": 1.0}):
            out = np.float64(1e308) * 10.0
    assert out == math.inf  # the caller checks finiteness itself (finite_result)
