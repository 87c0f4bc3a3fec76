"""Importers that build framework documents from the real published sources (run at use time)."""

from __future__ import annotations

from kansa.assessment.importers.ffiec_cat import import_ffiec_cat
from kansa.assessment.importers.nist_csf import import_nist_csf

IMPORTERS = {"nist-csf": import_nist_csf, "ffiec-cat": import_ffiec_cat}

__all__ = ["IMPORTERS", "import_ffiec_cat", "import_nist_csf"]
