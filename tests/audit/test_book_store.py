"""The audit book file: round trip, atomic write, and bad files as coded errors naming file and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.audit.demo import demo_book
from kansa.audit.errors import BookError
from kansa.audit.store import JsonBookStore, book_to_dict, read_book, write_book


def test_a_book_survives_a_round_trip(tmp_path: Path) -> None:
    book = demo_book("bank")
    store = JsonBookStore(tmp_path)
    store.save(book)
    again = store.load("bank")
    assert again == book
    assert [p.name for p in tmp_path.iterdir()] == ["bank.json"]   # no temporary file left behind


def test_a_missing_book_loads_empty(tmp_path: Path) -> None:
    assert JsonBookStore(tmp_path).load("new").entities == {}


@pytest.mark.parametrize("path, value, field", [
    (("findings", "F-01", "due"), "31/12/2025", "findings.F-01.due"),
    (("findings", "F-02", "status"), "done", "findings.F-02.status"),
    (("engagements", "E-01", "days"), "forty", "engagements.E-01.days"),
    (("engagements", "E-05", "team", 1, "role"), "wizard", "engagements.E-05.team[1].role"),
    (("plans", "2025", "version"), 1.5, "plans.2025.version"),
    (("entities", "theme:cyber", "cycle_months"), True, "entities.theme:cyber.cycle_months"),
])
def test_a_wrong_field_is_named_with_its_path(tmp_path: Path, path: tuple[Any, ...], value: Any,
                                             field: str) -> None:
    data = book_to_dict(demo_book("bank"))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    file = tmp_path / "bank.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BookError) as exc:
        read_book(file)
    assert exc.value.code == "audit_book_field"
    assert str(file) in exc.value.render("en") and field in exc.value.render("ja")


def test_a_missing_required_field_and_an_unknown_one_are_named(tmp_path: Path) -> None:
    data = book_to_dict(demo_book("bank"))
    del data["findings"]["F-03"]["true_cause"]
    file = write_book(demo_book("bank"), tmp_path / "x.json")
    file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BookError, match=r"findings\.F-03\.true_cause"):
        read_book(file)
    data["findings"]["F-03"]["true_cause"] = "x"
    data["findings"]["F-03"]["colour"] = "red"
    file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BookError, match=r"findings\.F-03\.colour"):
        read_book(file)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["institution", "entities", "plans", "engagements", "findings",
                                             "events", "format", "other"]), json_values, max_size=6))
def test_any_json_is_a_book_or_a_coded_error_never_a_traceback(tmp_path: Path, data: dict[str, Any]) -> None:
    file = tmp_path / "fuzz.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    try:
        read_book(file)
    except BookError as exc:
        assert exc.code in ("audit_book_field", "audit_book_unreadable") and str(file) in exc.render("en")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_are_a_book_or_a_coded_error(tmp_path: Path, raw: bytes) -> None:
    file = tmp_path / "bytes.json"
    file.write_bytes(raw)
    try:
        read_book(file)
    except BookError as exc:
        assert str(file) in exc.render("ja")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(finding_field=st.sampled_from(["due", "severity", "root_cause", "retest", "identified_on", "owner"]),
       value=json_values)
def test_a_mangled_finding_field_is_named(tmp_path: Path, finding_field: str, value: Any) -> None:
    data = book_to_dict(demo_book("bank"))
    data["findings"]["F-01"][finding_field] = value
    file = tmp_path / "m.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    try:
        read_book(file)
    except BookError as exc:
        assert f"findings.F-01.{finding_field}" in exc.render("en")
