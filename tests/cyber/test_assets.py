"""Host -> asset resolution: case-insensitive, FQDN and short names, ambiguity, ids given by the source."""

from __future__ import annotations

import pyarrow as pa

from kansa.cyber.assets import resolve_events

ASSETS = pa.table({
    "asset_id": ["A1", "A2", "A3", "A4", "A5"],
    "name": ["web01.corp.example.jp", "DB01", "app01.tokyo.example.jp", "app01.osaka.example.jp", "10.0.0.5"],
})


def _events(hosts: list[str], asset_ids: list[str | None] | None = None) -> pa.Table:
    cols: dict[str, list] = {"host": hosts}
    if asset_ids is not None:
        cols["asset_id"] = asset_ids
    return pa.table(cols, schema=pa.schema([("host", pa.string())] + ([("asset_id", pa.string())]
                                                                         if asset_ids is not None else [])))


def test_it_resolves_short_names_fqdns_ids_and_case() -> None:
    result = resolve_events(_events(["WEB01", "web01.corp.example.jp.", "db01.corp.example.jp", "a2", "10.0.0.5"]),
                            ASSETS)
    assert result.events.column("asset_id").to_pylist() == ["A1", "A1", "A2", "A2", "A5"]
    assert result.unresolved == ()


def test_an_ip_address_is_not_cut_at_its_first_dot() -> None:
    result = resolve_events(_events(["10.9.9.9", "10.0.0.5"]), ASSETS)
    assert result.events.column("asset_id").to_pylist() == [None, "A5"]
    assert result.unresolved == ("10.9.9.9",)


def test_an_ambiguous_short_name_stays_unresolved_and_is_reported() -> None:
    result = resolve_events(_events(["app01", "app01.tokyo.example.jp"]), ASSETS)
    assert result.events.column("asset_id").to_pylist() == [None, "A3"]
    assert result.ambiguous == {"app01": ("A3", "A4")}
    assert result.unresolved == ("app01",)


def test_an_asset_id_given_by_the_source_wins_when_it_is_in_the_register() -> None:
    result = resolve_events(_events(["x-unknown", "web01", "web01"], ["A2", "ZZ9", None]), ASSETS)
    assert result.events.column("asset_id").to_pylist() == ["A2", "A1", "A1"]
    assert result.unresolved == ()
