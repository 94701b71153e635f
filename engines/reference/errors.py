"""Errors raised by reference-data loaders and lookups."""


class ReferenceDataError(RuntimeError):
    """A shipped reference table is inconsistent; raised at load, naming file and row."""


class UnknownCodeError(ValueError):
    """A code is malformed or not in the official table."""

    def __init__(self, kind: str, code: object, reason: str) -> None:
        self.kind = kind
        self.code = code
        self.reason = reason
        super().__init__(f"{kind} code {code!r}: {reason}")
