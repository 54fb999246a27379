"""What the system is: the TI surface, its units, its coupling to the FM, and its regime."""

from .coupling import (
    Coupling as Coupling,
)
from .coupling import (
    damping_prefactor as damping_prefactor,
)
from .coupling import (
    diffusive_strength as diffusive_strength,
)
from .coupling import (
    fieldlike_coefficient as fieldlike_coefficient,
)
from .coupling import (
    gilbert_damping as gilbert_damping,
)
from .regime import REGIME_THRESHOLD as REGIME_THRESHOLD
from .regime import RegimeWarning as RegimeWarning
from .surface import SurfaceModel as SurfaceModel
from .surface import TransportCoefficients as TransportCoefficients
from .units import Scales as Scales
