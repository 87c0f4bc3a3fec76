"""`kansa fd` as a new user runs it: one command from documents and conduct data to a report in Japanese."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from kansa.cli import app
from kansa.fd.kpi_synth import write_submissions

from .test_saydo import POLICY

runner = CliRunner()


def _pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(str(path)).pages).replace("\n", "").replace(" ", "")


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs" / "みどり銀行"
    docs.mkdir(parents=True)
    (docs / "2025_取組方針.txt").write_text(POLICY, encoding="utf-8")
    (docs / "2024_取組方針.txt").write_text(POLICY, encoding="utf-8")
    return docs.parent


def test_read_writes_a_japanese_report_and_tables(small_corpus: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for firm in sorted(small_corpus.iterdir())[:3]:
        shutil.copytree(firm, docs / firm.name)
    result = runner.invoke(app, ["fd", "read", str(docs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "具体的" in result.output and "言い換えのみ" in result.output
    text = _pdf_text(tmp_path / "out" / "report.pdf")
    assert "原則の項目ごとの記載状況" in text and "見出しごとの言い換えの度合いと具体性" in text
    assert "原則の項目の記載状況(金融機関×項目)" in text.replace("（", "(").replace("）", ")")
    with (tmp_path / "out" / "coverage.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["verdict"] for r in rows} <= {"concrete", "restated", "not_applicable", "not_addressed"}
    assert len(rows) % 21 == 0 and len({r["firm"] for r in rows}) == 3


def test_audit_goes_from_documents_and_conduct_data_to_the_report(conduct_data: Path, tmp_path: Path) -> None:
    docs, out = _docs(tmp_path), tmp_path / "audit"
    result = runner.invoke(app, ["fd", "audit", str(docs), "--data", str(conduct_data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "conduct" / "flags.parquet").is_file()
    text = _pdf_text(out / "report.pdf")
    assert "方針と実態(言行一致)の点検" in text.replace("（", "(").replace("）", ")")
    assert "守られていない" in text and "staff_affiliated_skew" in text
    assert "前年から改定されていません" in text or "改定されていません" in text   # 2024 and 2025 are the same text
    with (out / "saydo.csv").open(encoding="utf-8-sig") as fh:
        saydo = list(csv.DictReader(fh))
    target = next(r for r in saydo if r["kind"] == "suitability")
    assert target["proposed"] == "not_kept"
    decisions = out / "decisions.csv"
    lines = decisions.read_text(encoding="utf-8-sig").splitlines()
    edited = [lines[0]] + [line.replace(",not_kept,,", ",not_kept,cannot_tell,顧客カードの更新漏れを確認中,", 1)
                           if line.startswith(target["promise_id"]) else line for line in lines[1:]]
    decisions.write_text("\n".join(edited) + "\n", encoding="utf-8")
    again = runner.invoke(app, ["fd", "say-do", str(docs), "--scan", str(out / "conduct"), "--decisions",
                                str(decisions), "--out", str(tmp_path / "again"), "--lang", "en"])
    assert again.exit_code == 0, again.output
    with (tmp_path / "again" / "saydo.csv").open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if r["promise_id"] == target["promise_id"])
    assert (row["proposed"], row["final"], row["reason"]) == ("not_kept", "cannot_tell", "顧客カードの更新漏れを確認中")
    assert "Say-do gap" in (tmp_path / "again" / "report.html").read_text(encoding="utf-8")


def test_bad_input_exits_1_and_bad_usage_exits_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["fd", "read", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 1 and "フォルダがありません" in missing.output
    (tmp_path / "d").mkdir()
    text = "顧客本位の業務運営に関する取組方針\n当社は誠実に行動します。\n"
    (tmp_path / "d" / "方針.txt").write_text(text, encoding="utf-8")
    no_year = runner.invoke(app, ["fd", "read", str(tmp_path / "d"), "--out", str(tmp_path / "o"), "--lang", "en"])
    assert no_year.exit_code == 1 and "no year found" in no_year.output and "方針.txt" in no_year.output
    assert runner.invoke(app, ["fd", "read", str(tmp_path / "d"), "--out", "o", "--lang", "fr"]).exit_code == 2
    assert runner.invoke(app, ["fd", "audit", str(tmp_path / "d"), "--out", "o"]).exit_code == 2
    not_scan = runner.invoke(app, ["fd", "say-do", str(tmp_path / "d"), "--scan", str(tmp_path), "--out", "o"])
    assert not_scan.exit_code == 1 and "flags.parquet" in not_scan.output
    bad_date = runner.invoke(app, ["fd", "kpi-template", "--out", str(tmp_path / "t.xlsx"), "--as-of", "2025-04-01"])
    assert bad_date.exit_code == 2


def test_kpi_commands(tmp_path: Path, shared_data: Path) -> None:
    ok = runner.invoke(app, ["fd", "kpi-template", "--out", str(tmp_path / "t.xlsx"), "--firm", "あおば信用金庫",
                             "--type", "cooperative", "--as-of", "令和7年3月31日"])
    assert ok.exit_code == 0 and (tmp_path / "t.xlsx").is_file()
    paths = write_submissions(tmp_path / "subs", firms=6, bad=1)
    check = runner.invoke(app, ["fd", "kpi-check", *map(str, paths)])
    assert check.exit_code == 1
    assert "セル B4:B11" in check.output and check.output.count("OK ") == len(paths) - 1
    cmp = runner.invoke(app, ["fd", "compare", str(tmp_path / "subs"), "--published",
                              str(shared_data / "fd" / "common_kpi_published.csv"), "--out", str(tmp_path / "cmp")])
    assert cmp.exit_code == 0, cmp.output
    assert "11 / 12 workbooks" in cmp.output and (tmp_path / "cmp" / "compare.pdf").is_file()


def test_audit_on_a_workspace_checks_sales_after_a_promised_stop(conduct_data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    loaded = runner.invoke(app, ["load", str(conduct_data), "--workspace", str(ws)])
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "audit"
    result = runner.invoke(app, ["fd", "audit", str(_docs(tmp_path)), "--workspace", str(ws), "--out", str(out),
                                 "--formats", "html"])
    assert result.exit_code == 0, result.output
    assert not (out / "report.pdf").exists()
    with (out / "saydo.csv").open(encoding="utf-8-sig") as fh:
        stop = next(r for r in csv.DictReader(fh) if r["kind"] == "structured_bond_stop")
    assert stop["proposed"] == "not_kept" and "2023-04-01 以降の仕組債の買付" in stop["evidence"]
