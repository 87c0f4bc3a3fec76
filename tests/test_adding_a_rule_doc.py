"""docs/adding-a-rule.md is enough: its example rule, dropped into a copy of the package, appears in
`kansa rules list`, the scan's flags, and both reports. Its example test is the one the doc shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-rule.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.slow
def test_the_documented_rule_appears_in_the_list_the_scan_and_both_reports(tmp_path: Path) -> None:
    rule = _blocks("yaml")[0]
    package = tmp_path / "src" / "kansa"
    shutil.copytree(ROOT / "src" / "kansa", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "conduct" / "rules" / "large_single_trade_elderly.yaml").write_text(rule, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}

    def kansa(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "kansa", *args], env=env, capture_output=True, text=True,
                              timeout=600, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    files = sum(len(list((package / d / "rules").glob("*.yaml"))) for d in ("conduct", "cyber"))
    assert f"{files} files checked, 0 with problems" in kansa("rules", "lint", "--lang", "en")  # the new one among them
    assert "large_single_trade_elderly" in kansa("rules", "list", "--lang", "en")
    data = tmp_path / "data"
    kansa("synth", "conduct", "--out", str(data), "--customers", "300")
    trades = (data / "trades.csv").read_text(encoding="utf-8").splitlines()
    header = trades[0].split(",")
    # make one planted case certain: the first buy by a customer born before 1946 becomes 12M JPY
    customers = {r.split(",")[0]: r.split(",")[2] for r in (data / "customers.csv").read_text().splitlines()[1:]}
    for i, line in enumerate(trades[1:], start=1):
        cells = line.split(",")
        row = dict(zip(header, cells, strict=False))
        if row["side"] == "buy" and customers.get(row["customer_id"], "9999") < "1945-01-01" \
                and row["trade_date"] < "2026-03-01":
            cells[header.index("amount_jpy")] = "12000000"
            trades[i] = ",".join(cells)
            break
    (data / "trades.csv").write_text("\n".join(trades) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    kansa("conduct", "scan", str(data), "--out", str(out), "--format", "csv,html,xlsx", "--lang", "en")
    assert "large_single_trade_elderly" in (out / "flags.csv").read_text(encoding="utf-8")
    assert "Large single trade by an elderly customer" in (out / "report.html").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    book = load_workbook(out / "report.xlsx", read_only=True)
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert any("large_single_trade_elderly" in c or "Large single trade" in c for c in cells)


def test_the_documented_test_passes_against_the_documented_rule(tmp_path: Path) -> None:
    from kansa.engine import load_spec
    from kansa.engine.duckdb_engine import DuckDBEngine
    from kansa.engine.testing import customer, d, duckdb_world, product, trade

    path = tmp_path / "large_single_trade_elderly.yaml"
    path.write_text(_blocks("yaml")[0], encoding="utf-8")
    spec = load_spec(path)
    world = {
        "customers": [customer("C80", "1945-01-01"), customer("C79", "1946-06-01")],
        "products": [product("P1")],
        "trades": [trade("T1", "2026-03-01", "C80", "P1", amount_jpy=10_000_000),
                   trade("T2", "2026-03-01", "C80", "P1", amount_jpy=9_999_999),
                   trade("T3", "2026-03-01", "C79", "P1", amount_jpy=20_000_000)],
    }
    flags = DuckDBEngine(duckdb_world(world)).run([spec], as_of=d("2026-03-31"))
    assert set(flags.column("entity_id").to_pylist()) == {"T1"}
