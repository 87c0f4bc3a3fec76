"""The shared report blocks: formula escaping, workbooks a person can filter, PDFs with Japanese fonts, charts."""

from __future__ import annotations

import contextlib
import re
import zlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kansa.reports.charts import radar_svg
from kansa.reports.excel import Sheet, escape_formula, sheet_name, write_workbook
from kansa.reports.html import era, make_env, pct, yen
from kansa.reports.pdf import write_pdf
from kansa.reports.svg import bar_svg, heatmap_svg, scatter_svg


def test_it_escapes_cells_a_spreadsheet_would_run_as_formulas() -> None:
    assert escape_formula("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert escape_formula("+81-3-1234") == "'+81-3-1234"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("＝1+1") == "'＝1+1"
    assert escape_formula("普通の文字列") == "普通の文字列"
    assert escape_formula(-5) == -5  # numbers stay numbers


def test_it_writes_filtered_frozen_sheets_with_escaped_strings(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "r.xlsx", [
        Sheet("elderly_caution_no_approval", ["trade_id", "reason", "amount"],
              [["T1", "=cmd|' /C calc'!A0", 1_000_000], ["T2", "高齢顧客", 2.5]]),
        Sheet("a/b:c" * 10, ["x"], [[date(2026, 3, 31)]]),
    ])
    wb = openpyxl.load_workbook(path)
    ws = wb["elderly_caution_no_approval"]
    assert ws.auto_filter.ref == "A1:C3"
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == "'=cmd|' /C calc'!A0"
    assert ws["B2"].data_type == "s"
    assert ws["C2"].value == 1_000_000
    second = wb.worksheets[1]
    assert len(second.title) <= 31 and "/" not in second.title and ":" not in second.title
    assert second["A2"].value.date() == date(2026, 3, 31)


def test_sheet_names_stay_unique_after_truncation() -> None:
    taken: set[str] = set()
    a = sheet_name("x" * 40, taken)
    b = sheet_name("x" * 40, taken)
    assert a != b and len(a) <= 31 and len(b) <= 31


def test_filters_format_yen_percent_and_era_dates() -> None:
    assert yen(1234567) == "1,234,567円"
    assert yen(None) == "—"
    assert pct(0.1234) == "12.3%"
    assert era(date(2019, 5, 1)) == "令和元年5月1日"
    assert era("2026-03-31") == "令和8年3月31日"


def test_it_renders_japanese_html_to_a_pdf_with_embedded_ipaex_font(tmp_path: Path) -> None:
    env = make_env()
    template = env.from_string(
        "{% extends 'base.html.j2' %}{% block body %}<h1>内部監査報告書</h1>"
        "<p>{{ d | era }} {{ amount | yen }}</p>{{ chart | safe }}{% endblock %}")
    html = template.render(d=date(2026, 3, 31), amount=1_000_000,
                           chart=bar_svg(["投信", "仕組債"], {"件数": [3, 5]}))
    assert "令和8年3月31日" in html and "1,000,000円" in html
    pdf = write_pdf(html, tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"IPAexGothic" in _inflated(pdf)  # the Japanese font is embedded, not a tofu fallback


def _inflated(pdf: bytes) -> bytes:
    """All of a PDF's Flate streams decompressed (font names sit in compressed object streams)."""
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(m.group(1)))
    return b"".join(out)


def test_charts_are_inline_svg_with_their_labels() -> None:
    radar = radar_svg(["統制", "資産", "特権ID"], {"自機関": [80, 40, None], "中央値": [60, 60, 60]},
                      band=([50, 40, 30], [70, 80, 90]), band_label="四分位")
    assert radar.startswith("<svg") and "特権ID" in radar and "四分位" in radar
    scatter = scatter_svg([(1.5, 3.2, "F001"), (0.8, -1.0, "F002")], xlabel="コスト", ylabel="リターン")
    assert scatter.startswith("<svg") and "F002" in scatter
    heat = heatmap_svg(["本店", "梅田"], ["rule_a", "rule_b"], [[1, 0], [0, 7]])
    assert heat.startswith("<svg") and "梅田" in heat


@pytest.mark.parametrize("horizontal", [False, True])
def test_empty_bars_carry_no_zero_labels(horizontal: bool) -> None:
    svg = bar_svg(["高", "中", "低"], {"件数": [4, 0, 0]}, horizontal=horizontal)
    values = re.findall(r'<text[^>]*font-size="6.5"[^>]*>([^<]*)</text>', svg)  # the labels beside the bars
    assert values == ["4"]       # the bar with a value is labelled, the empty ones are not
    assert all(label in svg for label in ("高", "中", "低"))


def test_a_plain_number_is_no_formula_and_stays_as_written() -> None:
    assert escape_formula("-5") == "-5"
    assert escape_formula("+1,000") == "+1,000"
    assert escape_formula("-5 OR 1=1") == "'-5 OR 1=1"


def test_flags_csv_makes_user_text_inert_but_parquet_keeps_it(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kansa.engine.flags import FLAGS_SCHEMA, write_flags

    flags = pa.Table.from_pylist([{
        "rule_id": "host_not_in_register", "entity_type": "asset", "entity_id": "=HYPERLINK(\"http://x\")",
        "severity": "high", "score": 1.0, "event_date": date(2026, 3, 31), "reason": "@SUM(A1) は台帳にない",
        "evidence": "{}"}], schema=FLAGS_SCHEMA)
    written = write_flags(flags, tmp_path)
    csv_path, parquet_path = written["flags.csv"], written["flags.parquet"]
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert pq.read_table(parquet_path).column("entity_id")[0].as_py() == "=HYPERLINK(\"http://x\")"
