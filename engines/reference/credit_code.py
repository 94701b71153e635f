"""统一社会信用代码 (GB 32100-2015): check-character validation and computation."""

from __future__ import annotations

import re

# GB 32100-2015 uses 31 characters: digits and capitals without I, O, Z, S, V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {char: index for index, char in enumerate(CHARSET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31
_SHAPE = re.compile(rf"[{CHARSET}]{{18}}")
# GB 11714 organization code (positions 9-17) has its own check digit.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 characters of a credit code."""
    total = sum(VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str:
    """The GB 11714 check character for an 8-character organization code body."""
    total = sum(int(char, 36) * weight for char, weight in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code_problem(code: object) -> str | None:
    """Return why a credit code is invalid, or None when it is valid."""
    if not isinstance(code, str):
        return "not text"
    if len(code) != 18:
        return f"has {len(code)} characters, needs 18"
    if not _SHAPE.fullmatch(code):
        bad = next(char for char in code if char not in VALUE)
        return f"contains {bad!r}; only digits and capitals except I, O, Z, S, V are allowed"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]}, should be {expected}"
    return None


def is_valid_credit_code(code: object) -> bool:
    """True for an 18-character code whose GB 32100-2015 check character is right."""
    return credit_code_problem(code) is None
