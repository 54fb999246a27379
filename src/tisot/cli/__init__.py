"""Command-line interface: ``tisot --help``. Each module registers its commands on ``app``."""

from . import device as _device  # noqa: F401
from . import drive as _drive  # noqa: F401
from . import dynamics as _dynamics  # noqa: F401
from . import exact as _exact  # noqa: F401
from . import instrument as _instrument  # noqa: F401
from . import magnet as _magnet  # noqa: F401
from . import paper as _paper  # noqa: F401
from . import run as _run  # noqa: F401
from . import screening as _screening  # noqa: F401
from . import transport as _transport  # noqa: F401
from .main import app as app
