"""Coded errors of audit management: every one names what is wrong so a face can say it in ja or en."""

from __future__ import annotations

from kansa.messages import ConfigError, InputError, OutputError, UsageError


class BookError(InputError):
    """An audit book file that cannot be read, or a field in it that is wrong (names file and field)."""


class BookWriteError(OutputError):
    """The audit book cannot be written."""


class TransitionError(UsageError):
    """A state change the state machine does not allow (code audit_illegal_transition or audit_retest_required)."""


class AuditUsageError(UsageError):
    """An operation asked the wrong way: unknown id, missing override reason, bad value."""


class AuditConfigError(ConfigError):
    """A weights file or work-program library that is wrong."""
