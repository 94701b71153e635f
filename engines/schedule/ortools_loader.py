"""OR-Tools is an optional extra: import CP-SAT only when a solve asks for it."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from engines.schedule.errors import SolverUnavailableError


def cp_model() -> ModuleType:
    """The `ortools.sat.python.cp_model` module, or SolverUnavailableError when the extra is missing."""
    try:
        return import_module("ortools.sat.python.cp_model")
    except ImportError:
        raise SolverUnavailableError() from None


def available() -> bool:
    """Whether CP-SAT can be imported here."""
    try:
        cp_model()
    except SolverUnavailableError:
        return False
    return True
