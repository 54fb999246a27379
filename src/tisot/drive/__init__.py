"""From a grated top gate to the drive of the FM: gate electrostatics, currents, f(r, t)."""

from .field import SurfaceField as SurfaceField
from .gate import GratingGate as GratingGate
from .gate import UniformDrive as UniformDrive
from .gate import layered_transmission as layered_transmission
from .nonlocal_drive import SIGN_CONVENTION as SIGN_CONVENTION
from .nonlocal_drive import DiffusiveMedium as DiffusiveMedium
from .nonlocal_drive import HarmonicDrive as HarmonicDrive
from .nonlocal_drive import current_amplitude as current_amplitude
from .nonlocal_drive import diffusion_kernel as diffusion_kernel
from .nonlocal_drive import drive_amplitude as drive_amplitude
from .nonlocal_drive import fourier_drive as fourier_drive
from .nonlocal_drive import line_kernel as line_kernel
from .nonlocal_drive import realspace_drive as realspace_drive

__all__ = [
    "SIGN_CONVENTION",
    "DiffusiveMedium",
    "GratingGate",
    "HarmonicDrive",
    "SurfaceField",
    "UniformDrive",
    "current_amplitude",
    "diffusion_kernel",
    "drive_amplitude",
    "fourier_drive",
    "layered_transmission",
    "line_kernel",
    "realspace_drive",
]
