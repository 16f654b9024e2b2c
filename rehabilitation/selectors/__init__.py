"""Reads for rehabilitation, one module per part of the programme; each starts from the
policy-scoped people."""

from .placements import *  # noqa: F403
from .progress import *  # noqa: F403
