"""Exact disorder average of the surface's response: plane-wave box + Chebyshev (KPM) Kubo-Bastin."""

from .average import ExactAccuracyWarning as ExactAccuracyWarning
from .average import exact_average as exact_average
from .box import PlaneWaveBox as PlaneWaveBox
from .fermi import exact_fermi_surface as exact_fermi_surface
