"""Hypothesis strategies for command-line values and config values: the hostile corners first.

Every strategy draws *text*, as a shell would pass it. ``deep=False`` keeps random numbers in a
moderate range so that a value the command accepts runs quickly (the default suite); ``deep=True``
(the ``-m slow`` run) draws any float, any integer and any string.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

#: The values that break naive code: non-finite, signed zero, extremes, denormals, not numbers.
EDGE_FLOATS = ("nan", "-nan", "inf", "-inf", "0", "-0.0", "-1", "1e300", "-1e300", "1e-300",
               "5e-324", "1e308", "abc", "", "1,2", "0x10", "1e", "--")  # fmt: skip
EDGE_INTS = ("0", "-1", "1e8", "100000000000", "99999999999999999999", "x", "2.5", "", "nan")
EDGE_PAIRS = ("1,2,3", "a,b", "1e300,0", "nan,0", "0,inf", "", ",", "1;2", "1", "-1e300,-1e300")
EDGE_TEXT = ("", " ", "nan", "magic", "a,b,,c", "\u00e9", "--help", "1e300", "x" * 300)


def floats(deep: bool = False) -> st.SearchStrategy[str]:
    numbers = (
        st.floats(allow_nan=True, allow_infinity=True)
        if deep
        else st.floats(-1e3, 1e3, allow_nan=False)
    )
    return st.sampled_from(EDGE_FLOATS) | numbers.map(repr)


def ints(deep: bool = False) -> st.SearchStrategy[str]:
    numbers = st.integers() if deep else st.integers(-5, 50)
    return st.sampled_from(EDGE_INTS) | numbers.map(str)


def pairs(deep: bool = False) -> st.SearchStrategy[str]:
    f = floats(deep)
    return st.sampled_from(EDGE_PAIRS) | st.tuples(f, f).map(",".join)


def text(deep: bool = False) -> st.SearchStrategy[str]:
    return st.sampled_from(EDGE_TEXT) | (st.text(max_size=40) if deep else st.just("x"))


def choice(*allowed: str) -> st.SearchStrategy[str]:
    return st.sampled_from((*allowed, "magic", "", allowed[0].upper()))


KINDS = {"float": floats, "int": ints, "pair": pairs, "text": text}


def value(kind, deep: bool = False) -> st.SearchStrategy[str]:
    """The strategy of one flag: a kind name ("float", "int", "pair", "text") or a strategy."""
    return KINDS[kind](deep) if isinstance(kind, str) else kind


# ------------------------------------------------------------------------- config values
#: TOML values a config key may receive: every type TOML has, the non-finite floats TOML allows.
EDGE_TOML = (math.nan, math.inf, -math.inf, 0, -1, 0.0, -0.0, 1e300, -1e300, 1e-300,
             10**18, True, "text", [], [1.0, 2.0], {"a": 1})  # fmt: skip


def toml_values(deep: bool = False) -> st.SearchStrategy:
    numbers = st.floats(allow_nan=True, allow_infinity=True) if deep else st.floats(-1e3, 1e3)
    return st.sampled_from(EDGE_TOML) | numbers | st.integers(-(10**6), 10**6)
