"""Files in and out: validated TOML run configs, labelled datasets with provenance, atomic writers."""

from .config import ExecutionSpec as ExecutionSpec
from .config import OutputSpec as OutputSpec
from .config import RunConfig as RunConfig
from .config import SweepAxis as SweepAxis
from .config import SweepSpec as SweepSpec
from .config import load_config as load_config
from .config import parse_config as parse_config
from .config import template as template
from .config import write_config as write_config
from .dataset import merge_complex as merge_complex
from .dataset import provenance as provenance
from .dataset import split_complex as split_complex
from .schema import Parameter as Parameter
from .store import atomic_save_figure as atomic_save_figure
from .store import atomic_write_bytes as atomic_write_bytes
from .store import atomic_write_text as atomic_write_text
from .store import check_writable as check_writable
from .store import load_dataset as load_dataset
from .store import save_dataset as save_dataset

__all__ = [
    "ExecutionSpec",
    "OutputSpec",
    "Parameter",
    "RunConfig",
    "SweepAxis",
    "SweepSpec",
    "atomic_save_figure",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_writable",
    "load_config",
    "load_dataset",
    "merge_complex",
    "parse_config",
    "provenance",
    "save_dataset",
    "split_complex",
    "template",
    "write_config",
]
