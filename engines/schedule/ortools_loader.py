"""OR-Tools is an optional extra: import CP-SAT only when a solve asks for it."""

from __future__ import annotations

from types import ModuleType

from engines.schedule.errors import SolverUnavailableError


def cp_model() -> ModuleType:
    """The `ortools.sat.python.cp_model` module, or SolverUnavailableError when the extra is missing."""
    try:
        from ortools.sat.python import cp_model as module
    except ImportError:
        raise SolverUnavailableError() from None
    return module


def available() -> bool:
    """Whether CP-SAT can be imported here."""
    try:
        cp_model()
    except SolverUnavailableError:
        return False
    return True
