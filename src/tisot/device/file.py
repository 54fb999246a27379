"""Device files: the annotated template and ``--set KEY=VALUE`` overrides."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from typing import Any

import tomli_w

from .parts import is_unset
from .schema import DEVICE_SCHEMA


def parse_overrides(items: Iterable[str] | None) -> dict[str, Any]:
    """``["fm.damping=0.01", "surface.material='Bi2Te3'"]`` -> ``{"fm.damping": 0.01, ...}``.

    Values are TOML scalars (``0.01``, ``true``, ``"Bi2Te3"``); a bare word is taken as a
    string. Keys are checked against the device schema (an unknown key is named).
    """
    from .device import _split

    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, text = str(item).partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key or not text:
            raise ValueError(f"--set takes KEY=VALUE (e.g. fm.damping=0.01), got {item!r}")
        _split(key)
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text  # a bare word: a material name
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"--set {key} must be a number, got nan")
        out[key] = value
    return out


def device_template(ti: str = "Bi2Se3", fm: str = "EuS", overrides=None, title: str = "") -> str:
    """An annotated, valid device file: every key with its unit and allowed range, at the
    values of the ``ti`` and ``fm`` presets with ``overrides`` (dotted keys) put in
    (alternatives left unset are commented out)."""
    from .device import Device

    device = Device.from_presets(ti, fm, overrides)
    lines = [f"# {title}"] if title else []
    lines += [
        "# tisot device file: a TI surface under a ferromagnetic insulator with a grated gate.",
        f"# Values of the {ti} and {fm} presets (docs/materials.md gives their sources); every",
        "# key overrides the preset named by `material`. Units are in the key names.",
        "# Load with `tisot <command> DEVICE.toml --set fm.damping=0.01 ...`.",
    ]
    for section, schema in DEVICE_SCHEMA.items():
        part = getattr(device, section)
        lines += ["", f"[{section}]"]
        for key, param in schema.items():
            value = getattr(part, key)
            unit = "" if param.units == "1" else f" [{param.units}]"
            comment = f"# {param.long_name}{unit}; {param.allowed}"
            if is_unset(value):
                lines.append(f"# {key} = ...{'':<{max(0, 28 - len(key))}} {comment}")
            else:
                text = tomli_w.dumps({key: value}).strip()
                lines.append(f"{text:<34} {comment}")
    return "\n".join(lines) + "\n"
