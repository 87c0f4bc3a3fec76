"""Every CSV and workbook kansa writes is neutralised: log-borne formulas never reach Excel live."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow as pa
from typer.testing import CliRunner

from kansa.cli import app
from kansa.outputs import write_csv_rows, write_csv_table

SRC = Path(__file__).resolve().parents[2] / "src" / "kansa"
_FORMULA_START = ("=", "+", "-", "@")


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _live(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(_FORMULA_START) and not re.fullmatch(r"[+-]?[0-9.,]+", c)]


def test_parse_logs_events_csv_has_no_live_formula(hostile_auth_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "events.csv"
    result = CliRunner().invoke(app, ["cyber", "parse-logs", str(hostile_auth_log), "--out", str(out),
                                      "--year", "2026", "--lang", "en"])
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    assert _live(cells) == []
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # kept, only made inert
    assert "'@SUM(1+1)" in cells


def test_parse_logs_errors_csv_has_no_live_formula(hostile_auth_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "events.csv"
    CliRunner().invoke(app, ["cyber", "parse-logs", str(hostile_auth_log), "--out", str(out), "--year", "2026"])
    cells = _cells(out.with_name("events.errors.csv"))
    assert any("cmd|" in c for c in cells)
    assert _live(cells) == []


def test_the_one_csv_writer_escapes_rows_and_tables(tmp_path: Path) -> None:
    rows_path = write_csv_rows(tmp_path / "a.csv", ["id", "note"], [["=1+1", "-5"], ["@x", "plain"]])
    assert _cells(rows_path) == ["id", "note", "'=1+1", "-5", "'@x", "plain"]
    table = pa.table({"user": ["＝evil()", "bob"], "n": [1, -2]})
    table_path = write_csv_table(tmp_path / "b.csv", table)
    assert _cells(table_path) == ["user", "n", "'＝evil()", "1", "bob", "-2"]
    assert table_path.read_bytes().startswith(b"\xef\xbb\xbf")


# Modules that write tabular files which are not exports: generators of synthetic *input* data (they must
# look like what an institution sends, formulas and all) and blank templates built from kansa's own texts.
_NOT_EXPORTS = {
    "outputs.py", "reports/excel.py",
    "synth/conduct.py", "synth/cyber.py", "synth/writer.py", "assessment/synth.py", "fd/synth_world.py",
    "fd/synth_files.py", "fd/kpi_synth.py", "assessment/template.py", "fd/kpi_template.py",
    "assessment/institutions.py",  # a population in the input format read_institutions reads (synth)
    "assessment/store.py",  # the store's own index (read back by kansa, never opened by a person)
}
_DIRECT_WRITER = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|pacsv\.write_csv\(|\bwrite_csv\(.*pacsv"
                            r"|pyarrow\.csv\.write_csv|xlsxwriter\.Workbook\(|openpyxl.*Workbook\(\)|\bWorkbook\(\)")


def test_no_module_writes_csv_or_xlsx_except_through_the_one_writer() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in _NOT_EXPORTS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _DIRECT_WRITER.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == [], "write tabular outputs through kansa.outputs:\n" + "\n".join(offenders)
