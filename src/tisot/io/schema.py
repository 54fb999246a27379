"""Typed, range-checked parameters: the one vocabulary in which every input is validated.

A calculation (see :mod:`tisot.sweeps.registry`) declares its parameters as
``{section: {key: Parameter}}``; :func:`tisot.io.config.parse_config` checks a TOML file against
that schema. Every parameter carries its unit and a ``long_name`` so that a swept parameter becomes
a labelled xarray coordinate without further work.

Command-line flags go through the same :class:`Parameter` objects, so a flag and the config key
it mirrors accept exactly the same values, and the message names the flag::

    from tisot.io.schema import Parameter, check_flags

    FLAGS = {
        "--period-um": DRIVE_SCHEMA["period_um"],          # reuse the config key's rules
        "--harmonics": Parameter(kind=int, default=64, low=1, high=4096),  # a cap on the size
    }
    try:
        values = check_flags(FLAGS, {"--period-um": period_um, "--harmonics": harmonics})
    except ValueError as err:
        fail(str(err))                                     # "--harmonics must be an integer ..."

A command that also needs a memory or work estimate before it starts uses
:func:`tisot._validation.check_memory` / :func:`tisot._validation.check_work`; one whose numbers
can overflow wraps the computation in :func:`tisot._validation.numerics` so that the error names
the input that caused it. Flags that only some methods use are refused under the others with
:func:`tisot.cli.options.refuse_unused`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_TYPE_NAMES = {float: "a number", int: "an integer", str: "a string", bool: "true or false"}


@dataclass(frozen=True, kw_only=True)
class Parameter:
    """One configurable value.

    Parameters
    ----------
    kind
        ``float``, ``int``, ``str`` or ``bool``.
    default
        value used when the config omits the key; ``None`` makes the key required.
    units
        CF-style unit string (``"meV"``, ``"GHz"``, ``"1"`` for dimensionless).
    long_name
        human-readable description (becomes the coordinate's ``long_name``).
    low, high
        bounds for numbers (``None``: unbounded); ``low_open``/``high_open`` exclude the bound.
    choices
        the allowed strings, for ``kind=str``.
    sweepable
        False for parameters that fix the shape of the outputs (e.g. a number of time samples).
    """

    kind: type
    default: Any = None
    units: str = "1"
    long_name: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] | None = None
    sweepable: bool = True

    @property
    def allowed(self) -> str:
        """The allowed range in words, for error messages."""
        if self.kind is str:
            return "one of " + ", ".join(repr(c) for c in self.choices) if self.choices else "text"
        if self.kind is bool:
            return "true or false"
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        left = "(" if self.low is None or self.low_open else "["
        right = ")" if self.high is None or self.high_open else "]"
        return f"{_TYPE_NAMES[self.kind]} in {left}{lo}, {hi}{right}"

    def check(self, key: str, value: Any) -> Any:
        """Return ``value`` converted to ``kind``; raise ValueError naming ``key`` otherwise."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false, got {value!r}")
            return value
        if self.kind is str:
            if not isinstance(value, str):
                raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
            if self.choices and value not in self.choices:
                raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
            return value
        numeric = (int, float) if self.kind is float else (int,)
        if isinstance(value, bool) or not isinstance(value, numeric):
            raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
        value = self.kind(value)
        if math.isnan(value) or (math.isinf(value) and not self._inf_allowed(value)):
            raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            raise ValueError(f"{key} must be {self.allowed}, got {value!r}")
        return value

    def _inf_allowed(self, value: float) -> bool:
        bound = self.high if value > 0 else self.low
        return (
            bound is not None
            and math.isinf(bound)
            and not (self.high_open if value > 0 else self.low_open)
        )

    def attrs(self) -> dict[str, str]:
        """CF attributes for a coordinate made from this parameter."""
        return {"units": self.units, "long_name": self.long_name}


#: ``{section: {key: Parameter}}``: what a calculation accepts.
Schema = Mapping[str, Mapping[str, Parameter]]


def resolve_section(
    section: str, given: Mapping[str, Any], schema: Mapping[str, Parameter]
) -> dict[str, Any]:
    """Fill defaults and check every key of one config section (errors name ``section.key``)."""
    unknown = sorted(set(given) - set(schema))
    if unknown:
        raise ValueError(
            f"unknown key {section}.{unknown[0]}; [{section}] accepts: " + ", ".join(sorted(schema))
        )
    resolved = {}
    for key, param in schema.items():
        if key in given:
            resolved[key] = param.check(f"{section}.{key}", given[key])
        elif param.default is None:
            raise ValueError(f"missing key {section}.{key} ({param.long_name}, {param.allowed})")
        else:
            resolved[key] = param.default
    return resolved


def check_flag(flag: str, param: Parameter, value: Any) -> Any:
    """Check one command-line value against ``param``: the config key's rules, the flag's name.

    Raises ValueError ``--flag must be <allowed>, got <value>``.
    """
    return param.check(flag, value)


def check_flags(flags: Mapping[str, Parameter], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check each ``{"--flag": value}`` against ``flags["--flag"]`` (``None`` values: not given).

    Returns the checked values; the first bad one raises ValueError naming its flag.
    """
    unknown = sorted(set(values) - set(flags))
    if unknown:
        raise KeyError(f"no Parameter declared for {unknown[0]}")
    return {
        flag: value if value is None else check_flag(flag, flags[flag], value)
        for flag, value in values.items()
    }
