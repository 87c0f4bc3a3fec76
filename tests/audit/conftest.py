"""Fixtures of the audit tests (builders.py has the helpers)."""

from tests.audit.builders import workspace

__all__ = ["workspace"]
