"""The device in the lab: one :class:`Device` built from a TOML device file or presets.

Public API
----------
Device
    TI surface + FM film + interface + gate + environment; builds the surface model, the
    magnet, the coupling and the gate's drive at the FM's equilibrium.
DeviceDrive
    the gate's drive at one magnetization, harmonic by harmonic.
DEVICE_SCHEMA
    every key of a device file, with its unit and range (:mod:`tisot.device.schema`).
device_template(ti, fm)
    an annotated, valid device file.
parse_overrides(["fm.damping=0.01", ...])
    ``--set`` overrides as a dict of dotted keys.
"""

from .device import Device as Device
from .device import DeviceDrive as DeviceDrive
from .file import device_template as device_template
from .file import parse_overrides as parse_overrides
from .parts import Environment as Environment
from .parts import Ferromagnet as Ferromagnet
from .parts import Gate as Gate
from .parts import Interface as Interface
from .parts import Surface as Surface
from .schema import DEVICE_SCHEMA as DEVICE_SCHEMA

__all__ = [
    "DEVICE_SCHEMA",
    "Device",
    "DeviceDrive",
    "Environment",
    "Ferromagnet",
    "Gate",
    "Interface",
    "Surface",
    "device_template",
    "parse_overrides",
]
