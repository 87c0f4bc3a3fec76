"""Hypothesis over the readers and parsers that had no fuzzing: any bytes give rows or coded messages, never a crash."""

from __future__ import annotations

import gzip
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.assessment.answers import read_answer_file
from kansa.assessment.registry import DEFAULT_FRAMEWORK, resolve_framework
from kansa.cyber.kev import KevFileError, load_kev
from kansa.cyber.logs import parse_logs
from kansa.engine.params import load_params
from kansa.messages import KansaError
from kansa.outputs import inert_column, printable
from kansa.safepath import safe_name
from kansa.spreadsheet import escape_formula

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_HEADS = st.sampled_from([b"", b"ElfFile\x00", b"PK\x03\x04", b"\x1f\x8b\x08", b"[", b"{", b"\xef\xbb\xbf",
                          b"Mar  3 10:15:01 db01 sshd[9]: ", b'{"event_time": "2026-01-01", "event_type": "logon"}\n'])


def _tmp(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kansa-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(head=_HEADS, body=st.binary(max_size=4096))
def test_any_bytes_as_a_log_give_events_or_named_errors(head: bytes, body: bytes) -> None:
    path = _tmp("x.log", head + body)
    result = parse_logs([path], year=2026, workers=1)
    assert result.events.num_rows >= 0
    for error in result.errors:
        assert error.source.startswith("x.log")
        assert error.reason("en") and error.reason("ja")
    if result.events.num_rows == 0 and result.errors:
        assert result.unreadable == ["x.log"]


@FUZZ
@given(members=st.lists(st.tuples(st.sampled_from(["a.log", "b.json", "c/d.log", "../e.log"]),
                                  st.binary(max_size=2048)), max_size=3), gz=st.booleans())
def test_any_zip_or_gzip_of_logs_gives_events_or_named_errors(members: list[tuple[str, bytes]], gz: bool) -> None:
    if gz:
        path = _tmp("x.log.gz", gzip.compress(b"".join(m for _, m in members)))
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in members:
                z.writestr(name, data)
        path = _tmp("x.zip", buf.getvalue())
    result = parse_logs([path], year=2026, workers=1)
    assert all(e.source.startswith(path.name) for e in result.errors)


@FUZZ
@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                        max_leaves=20), raw=st.binary(max_size=200), as_json=st.booleans())
def test_any_kev_file_loads_or_is_a_kev_file_error(doc: object, raw: bytes, as_json: bool) -> None:
    data = json.dumps({"vulnerabilities": doc}).encode() if as_json else raw
    path = _tmp("kev.json", data)
    try:
        load_kev(path)
    except KevFileError as exc:
        assert "kev.json" in str(exc)


@FUZZ
@given(text=st.text(max_size=300), suffix=st.sampled_from([".toml", ".yaml"]))
def test_any_params_file_loads_or_is_a_coded_error(text: str, suffix: str) -> None:
    path = _tmp("params" + suffix, text.encode("utf-8", "surrogatepass"))
    try:
        load_params(path)
    except KansaError as exc:
        assert exc.code and exc.render("ja") and exc.render("en")


@pytest.fixture(scope="module")
def framework() -> object:
    return resolve_framework(DEFAULT_FRAMEWORK)


@FUZZ
@given(raw=st.binary(max_size=2048), suffix=st.sampled_from([".xlsx", ".csv", ".json"]), zipped=st.booleans())
def test_any_answer_file_gives_submissions_or_problems(framework: object, raw: bytes, suffix: str,
                                                       zipped: bool) -> None:
    if zipped:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", raw)
        raw = buf.getvalue()
    result = read_answer_file(_tmp("B001" + suffix, raw), framework)  # type: ignore[arg-type]
    assert result.submissions or result.problems or result.notes is not None
    for p in result.problems:
        assert p.message("ja") and p.message("en")


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.none() | st.text(max_size=12) | st.from_regex(r"[-+=@＝]?[0-9,.]{0,6}", fullmatch=True),
                       max_size=30))
def test_the_vectorised_escape_equals_escape_formula(values: list[str | None]) -> None:
    column = pa.chunked_array([pa.array(values, pa.string())])
    assert inert_column(column).to_pylist() == [escape_formula(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(identifier=st.text(max_size=120))
def test_safe_name_is_always_one_plain_component(identifier: str) -> None:
    name = safe_name(identifier)
    assert name and "/" not in name and "\\" not in name and name not in (".", "..")
    assert not any(ord(c) < 32 for c in name)
    assert Path(name).name == name


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_printable_leaves_no_control_character_but_newline_and_tab(text: str) -> None:
    shown = printable(text)
    assert all(c in "\n\t" or (ord(c) >= 32 and ord(c) != 127 and not 0x80 <= ord(c) < 0xa0) for c in shown)
