"""Host -> information asset: resolve the host written in a log to an asset of the register."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class HostResolution:
    """The events with `asset_id` filled where the host is in the register, and what stayed open."""

    events: pa.Table
    resolved: dict[str, str]        # host as written -> asset_id
    unresolved: tuple[str, ...]     # hosts in no asset of the register
    ambiguous: dict[str, tuple[str, ...]]  # short host names that fit several assets: left unresolved


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _short(name: str) -> str:
    """`web01.corp.example.jp` -> `web01`; IP addresses stay whole."""
    return name if _is_ip(name) else name.split(".", 1)[0]


def host_index(assets: pa.Table) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Exact keys (asset_id, name; lower case) and short-name keys (first DNS label) -> asset ids."""
    exact: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    ids = assets.column("asset_id").to_pylist()
    names = assets.column("name").to_pylist() if "name" in assets.column_names else [None] * len(ids)
    for asset_id, name in zip(ids, names, strict=True):
        for key in (asset_id, name):
            if key is None or not str(key).strip():
                continue
            k = str(key).strip().lower()
            exact.setdefault(k, str(asset_id))
            short.setdefault(_short(k), set()).add(str(asset_id))
    return exact, short


def resolve_host(host: str | None, exact: dict[str, str], short: dict[str, set[str]]
                 ) -> tuple[str | None, tuple[str, ...]]:
    """One host: (asset_id or None, candidate ids when the short name is ambiguous)."""
    if host is None or not host.strip():
        return None, ()
    h = host.strip().lower().rstrip(".")
    if h in exact:
        return exact[h], ()
    candidates = short.get(_short(h), set())
    if len(candidates) == 1:
        return next(iter(candidates)), ()
    return None, tuple(sorted(candidates))


def resolve_events(events: pa.Table, assets: pa.Table) -> HostResolution:
    """Fill `asset_id` of access_events from the host (case-insensitive; FQDN and short names agree).

    An asset_id the log source already carried is kept when it is in the register.
    """
    exact, short = host_index(assets)
    known_ids = set(exact.values())
    hosts = events.column("host")
    uniques = [h for h in pc.unique(hosts).to_pylist() if h is not None]
    resolved: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for h in uniques:
        asset_id, candidates = resolve_host(h, exact, short)
        if asset_id is not None:
            resolved[h] = asset_id
        elif candidates:
            ambiguous[h] = candidates
    keys = pa.array(list(resolved), pa.string())
    values = pa.array(list(resolved.values()), pa.string())
    looked_up = pc.take(values, pc.index_in(hosts, value_set=keys)) if len(keys) else pa.nulls(len(events),
                                                                                                pa.string())
    if "asset_id" in events.column_names:
        given = events.column("asset_id").cast(pa.string())
        given_ok = pc.is_in(given, value_set=pa.array(sorted(known_ids), pa.string()))
        filled = pc.if_else(pc.fill_null(given_ok, False), given, looked_up)
        events = events.set_column(events.column_names.index("asset_id"), "asset_id", filled)
    else:
        events = events.append_column("asset_id", looked_up)
    still_open = pc.unique(pc.filter(hosts, pc.is_null(events.column("asset_id")))).to_pylist()
    return HostResolution(
        events=events, resolved=resolved,
        unresolved=tuple(sorted(h for h in still_open if h is not None)), ambiguous=ambiguous,
    )
