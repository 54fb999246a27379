"""Torques from the response: fieldlike (Eq. 3), diffusive (Eq. 4), Gilbert damping (Eq. 16)."""

from .estimate import eq17_estimate as eq17_estimate
from .estimate import format_estimate as format_estimate
from .formulas import diffusive_drive as diffusive_drive
from .formulas import diffusive_torque as diffusive_torque
from .formulas import eq4_drive as eq4_drive
from .formulas import fieldlike_torque as fieldlike_torque
from .formulas import gilbert_torque as gilbert_torque
from .formulas import spin_density as spin_density
from .formulas import torque_ratio as torque_ratio
