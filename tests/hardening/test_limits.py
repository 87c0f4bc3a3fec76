"""Bounded cost: bombs and endless lines fail fast, naming the file, in bounded memory."""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import pytest

from kansa.contract.load import load_directory
from kansa.cyber.logs import parse_logs
from kansa.limits import LIMITS, Limits, limit

_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>0</t></is></c></row>'


def _xlsx_bomb(path: Path, inflated: int) -> Path:
    """A real workbook package whose sheet XML inflates to `inflated` bytes (highly repetitive rows)."""
    block = _ROW * (1 << 14)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="customers" sheetId="1"/></sheets></workbook>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < inflated:
                sheet.write(block)
                written += len(block)
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.slow
def test_an_xlsx_bomb_is_refused_by_name_before_it_is_inflated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    bomb = _xlsx_bomb(data / "customers.xlsx", 1_700_000_000)
    assert bomb.stat().st_size < 16_000_000
    before, started = _peak_mb(), time.perf_counter()
    result = load_directory(data)
    assert not result.ok
    text = " ".join(f"{i.file} {i.message}" for i in result.issues)
    assert "customers.xlsx" in text and "KANSA_MAX_INFLATED_MB" in text
    assert time.perf_counter() - started < 5
    assert _peak_mb() - before < 300


def test_a_zip_whose_members_inflate_too_much_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "logs.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("auth.log", b"Mar  3 10:15:01 db01 sshd[9]: x\n" + b"\n" * 3_000_000)
    with limit(max_inflated_mb=1):
        result = parse_logs([path])
    assert result.unreadable == ["logs.zip"]
    assert any("KANSA_MAX_INFLATED_MB" in e.detail for e in result.errors)


def test_a_zip_with_an_absurd_compression_ratio_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "logs.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("auth.log", b"\n" * 30_000_000)
    result = parse_logs([path])
    assert result.unreadable == ["logs.zip"]
    assert any("KANSA_MAX_RATIO" in e.detail for e in result.errors)


@pytest.mark.slow
def test_a_2gb_sparse_log_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "auth.log"
    with path.open("wb") as f:
        f.write(b"Mar  3 10:15:02 db01 sshd[9]: Accepted password for alice from 10.0.0.5 port 22 ssh2\n")
        f.truncate(2 << 30)  # a hole of NUL bytes with no newline
    before, started = _peak_mb(), time.perf_counter()
    result = parse_logs([path], year=2026)
    assert time.perf_counter() - started < 30
    assert _peak_mb() - before < 300
    assert result.events.num_rows == 1
    assert [e.code for e in result.errors] == ["line_too_long"]
    assert result.errors[0].source == "auth.log:2"
    assert result.unreadable == ["auth.log"]


def test_limits_are_documented_and_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "hardening.md").read_text(encoding="utf-8")
    for setting in Limits.settings():
        assert setting in docs
    monkeypatch.setenv("KANSA_MAX_LINE_KB", "7")
    assert Limits.from_env().max_line_kb == 7
    assert LIMITS.get().max_line_kb == 7
