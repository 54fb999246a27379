"""tisot: spin-orbit torques at the surface of a topological insulator.

Implements Sokolewicz, Ado, Katsnelson, Ostrovsky, Titov, PRB 99, 214444 (2019); see ``cite()``.
"""

from importlib.metadata import PackageNotFoundError, version

from .model import Coupling as Coupling
from .model import RegimeWarning as RegimeWarning
from .model import Scales as Scales
from .model import SurfaceModel as SurfaceModel
from .model import gilbert_damping as gilbert_damping
from .response import analytic_response as analytic_response
from .response import response_tensor as response_tensor

try:
    __version__ = version("tisot")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

CITATION = """@article{Sokolewicz2019,
  author  = {Sokolewicz, R. J. and Ado, I. A. and Katsnelson, M. I. and Ostrovsky, P. M. and Titov, M.},
  title   = {Spin-torque resonance due to diffusive dynamics at a surface of topological insulator},
  journal = {Phys. Rev. B}, volume = {99}, pages = {214444}, year = {2019},
  doi     = {10.1103/PhysRevB.99.214444}
}"""


def cite() -> str:
    """BibTeX of the paper tisot implements."""
    return CITATION


__all__ = [
    "CITATION",
    "Coupling",
    "RegimeWarning",
    "Scales",
    "SurfaceModel",
    "__version__",
    "analytic_response",
    "cite",
    "gilbert_damping",
    "response_tensor",
]
