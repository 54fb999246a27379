"""From a grated top gate to the drive of the FM: gate electrostatics, screening, currents, f(r, t)."""

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
from .nonlocal_drive import realspace_response as realspace_response
from .screening import LayeredDielectric as LayeredDielectric
from .screening import Screening as Screening
from .screening import SurfacePolarizability as SurfacePolarizability
from .screening import screening_factor as screening_factor
from .screening import screening_wavevector as screening_wavevector

__all__ = [
    "SIGN_CONVENTION",
    "DiffusiveMedium",
    "GratingGate",
    "HarmonicDrive",
    "LayeredDielectric",
    "Screening",
    "SurfaceField",
    "SurfacePolarizability",
    "UniformDrive",
    "current_amplitude",
    "diffusion_kernel",
    "drive_amplitude",
    "fourier_drive",
    "layered_transmission",
    "line_kernel",
    "realspace_drive",
    "realspace_response",
    "screening_factor",
    "screening_wavevector",
]
