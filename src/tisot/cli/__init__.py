"""Command-line interface: ``tisot --help``. Each module registers its commands on ``app``."""

from . import transport as _transport  # noqa: F401
from .main import app as app
