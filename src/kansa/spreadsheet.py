"""Spreadsheet safety for every export: cells a spreadsheet would run as formulas are made inert."""

from __future__ import annotations

import re
from typing import Any

# =, +, -, @ (and their full-width forms) start a formula in Excel and LibreOffice; tab, CR and LF can
# smuggle one in after a field separator (OWASP "CSV injection").
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?")


def escape_formula(value: Any) -> Any:
    """Prefix an apostrophe to a string a spreadsheet would run as a formula; other values pass unchanged.

    A plain number such as -5 or +1,000 is no formula, and the auditor must see the value as it was.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
