"""Official reference tables (GB/T 4754, GB/T 2260, SME size rules, NBS DE classes), validated at load."""

from engines.reference.errors import ReferenceDataError, UnknownCodeError

__all__ = ["ReferenceDataError", "UnknownCodeError"]
