"""Unreadable is not empty: a log kansa cannot read is an error naming the file, in the exit code and the report."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

from typer.testing import CliRunner

from kansa.cli import app
from kansa.cyber.logs import parse_logs


def _garbage_evtx(path: Path) -> Path:
    """A valid EVTX file header (ElfFile, one chunk announced) followed by random bytes."""
    header = bytearray(4096)
    header[0:8] = b"ElfFile\x00"
    struct.pack_into("<QQQI", header, 8, 0, 1, 2, 128)  # first/last chunk, next record id, header size
    struct.pack_into("<HHH", header, 36, 1, 3, 4096)  # minor, major version, header block size
    struct.pack_into("<H", header, 42, 1)  # chunk count
    path.write_bytes(bytes(header) + os.urandom(65536))
    return path


def _unreadable_files(tmp_path: Path) -> list[Path]:
    random_bytes = tmp_path / "random.log"
    random_bytes.write_bytes(os.urandom(20000))
    pdf = tmp_path / "report.log"
    pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    return [_garbage_evtx(tmp_path / "Security.evtx"), random_bytes, pdf]


def test_parse_logs_lists_every_unreadable_file(tmp_path: Path) -> None:
    files = _unreadable_files(tmp_path)
    result = parse_logs(files)
    assert sorted(result.unreadable) == sorted(f.name for f in files)
    assert all(e.source.startswith(tuple(f.name for f in files)) for e in result.errors)
    assert result.events.num_rows == 0


def test_parse_logs_cli_exits_5_naming_the_unreadable_file(tmp_path: Path, hostile_auth_log: Path) -> None:
    bad = _garbage_evtx(tmp_path / "Security.evtx")
    out = tmp_path / "out" / "events.csv"
    result = CliRunner().invoke(app, ["cyber", "parse-logs", str(hostile_auth_log), str(bad), "--out", str(out),
                                      "--year", "2026", "--lang", "en"])
    assert result.exit_code == 5, result.output
    assert "Security.evtx" in result.output
    assert out.is_file()  # what could be read is written


def test_cyber_scan_with_an_unreadable_log_exits_5_and_says_so_in_the_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = CliRunner().invoke(app, ["synth", "cyber", "--out", str(data)])
    assert made.exit_code == 0, made.output
    bad = _garbage_evtx(tmp_path / "Security.evtx")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["cyber", "scan", str(data), "--out", str(out), "--logs", str(bad),
                                      "--format", "csv,html", "--lang", "en"])
    assert result.exit_code == 5, result.output
    assert "Security.evtx" in result.output
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "Security.evtx" in html and "unreadable" in html.lower()
    shutil.rmtree(out)
