"""Fuzzing the document readers: any bytes give blocks or an FdError naming the file, never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.fd.messages import FdError
from kansa.fd.readers import read_document
from kansa.fd.sections import sectionise

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
japanese = st.lists(st.sampled_from([*"顧客本位の業務運営原則方針。、「」（）【】1２3.・■①\n <>/&;",
                                     "</p>", "<h2>", "<li>", "<b>", "&amp;", "原則5（注1）"]),
                    max_size=150).map("".join)


def _read(path: Path) -> None:
    try:
        blocks = read_document(path)
    except FdError as exc:
        assert str(path) in exc.message("ja") and exc.message("en")
        return
    assert blocks and all(b.text.strip() for b in blocks)
    sectionise(blocks)


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".html", ".pdf", ".docx"]))
def test_random_bytes_in_any_format(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    _read(path)


@SETTINGS
@given(text=japanese, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
       suffix=st.sampled_from([".txt", ".html"]))
def test_random_japanese_text_and_markup(tmp_path: Path, text: str, encoding: str, suffix: str) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(text.encode(encoding))
    _read(path)
