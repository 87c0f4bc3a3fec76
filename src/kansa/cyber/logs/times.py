"""Event times to Asia/Tokyo wall time (naive), as the contract stores every datetime."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from kansa.messages import UsageError

TOKYO = ZoneInfo("Asia/Tokyo")
JST_OFFSET = timedelta(hours=9)  # Japan has kept +09:00 without summer time since 1951
_EPOCH = datetime(1970, 1, 1)
_DOTNET = re.compile(r"/Date\((-?\d+)")


class UnknownZone(UsageError, ValueError):
    """A time zone name that is not in the IANA database (kept a ValueError for older callers)."""


def zone(name: str) -> tzinfo:
    """The zone called `name` (IANA, e.g. Asia/Tokyo, UTC); a clear error when unknown."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise UnknownZone("unknown_time_zone", name=name) from exc


def utc_to_tokyo(value: datetime) -> datetime:
    """A naive UTC time to naive Tokyo wall time."""
    return value + JST_OFFSET


def aware_to_tokyo(value: datetime) -> datetime:
    """An aware time to naive Tokyo wall time."""
    return value.astimezone(UTC).replace(tzinfo=None) + JST_OFFSET


def local_to_tokyo(value: datetime, source_zone: tzinfo | None) -> datetime:
    """A naive wall time in `source_zone` (None = already Tokyo) to naive Tokyo wall time."""
    if source_zone is None:
        return value
    return aware_to_tokyo(value.replace(tzinfo=source_zone))


def parse_iso_utc(text: str) -> datetime:
    """An ISO 8601 time (Windows SystemTime, @timestamp) to Tokyo wall time; naive input counts as UTC."""
    text = text.strip()
    if text.endswith(" UTC"):
        text = text[:-4]
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        return aware_to_tokyo(value)
    return utc_to_tokyo(value)


def parse_dotnet_date(text: str) -> datetime:
    """A .NET JSON date `/Date(1600000000000)/` (ms since 1970 UTC) to Tokyo wall time."""
    match = _DOTNET.search(text)
    if match is None:
        raise ValueError(f"not a /Date(ms)/ value: {text!r}")
    return _EPOCH + timedelta(milliseconds=int(match.group(1))) + JST_OFFSET
