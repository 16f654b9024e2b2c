"""Writes for rehabilitation, one module per part of the programme; each write is audited in
its transaction."""

from .legal import *  # noqa: F403
from .placements import *  # noqa: F403
from .progress import *  # noqa: F403
from .reintegration import *  # noqa: F403
