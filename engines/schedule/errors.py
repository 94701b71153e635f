"""The scheduling engine's errors: a bad input file, a bad instance, a missing solver."""

from __future__ import annotations


class ScheduleInputError(ValueError):
    """An instance file that cannot be read, with the 1-based file line that shows the problem."""

    def __init__(self, line: int, reason: str, reason_zh: str = "") -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
        self.reason_zh = reason_zh or reason

    @property
    def message_zh(self) -> str:
        """The error in Chinese, naming the line as the English one does."""
        return f"第 {self.line} 行：{self.reason_zh}"


class InstanceError(ValueError):
    """An instance the engine refuses to plan: a cyclic routing, an index out of range, a bad period."""

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_en = message
        self.message_zh = message_zh or message


class SolverUnavailableError(RuntimeError):
    """OR-Tools (the `schedule` extra) is not installed, so only the greedy planner can run."""

    def __init__(self) -> None:
        super().__init__("OR-Tools is not installed: pip install 'funeng[schedule]'")
