"""k-suppression holds in every output: CSV, JSON, Excel, the overview (HTML, PDF) and the feedback reports."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kansa.assessment.benchmark import Benchmark, Round, run_benchmark
from kansa.assessment.feedback import FeedbackRenderer, write_reports
from kansa.assessment.institutions import Institution
from kansa.assessment.model import Framework
from kansa.assessment.outputs import SUPPRESSED_MARK, write_outputs
from kansa.assessment.synth import previous_framework

ANSWERS = ["no", "partial", "yes", "yes", "partial", "yes"]
HIDDEN = {"regional_bank/large", "regional_bank/medium"}     # 2 members, and the sibling that would reveal them
HIDDEN_LABELS = ("地方銀行・大規模", "地方銀行・中規模")
STAT_COLUMNS = ("n", "mean", "median", "q1", "q3", "count", "share")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Benchmark, Path]:
    """Regional banks: 7 small, 5 medium, 2 large (k=5); a previous round for the trend; outputs written once."""
    from kansa.assessment.loader import parse_framework

    from .conftest import SMALL, submission

    fw: Framework = parse_framework(SMALL)
    prev = previous_framework(fw)
    people, subs, before = [], {}, {}
    for band, count in (("small", 7), ("medium", 5), ("large", 2)):
        for i in range(count):
            iid = f"{band[0].upper()}{i}"
            people.append(Institution(iid, f"{band}{i}銀行", "regional_bank", band))
            value = "yes" if band == "large" else ANSWERS[i % len(ANSWERS)]
            tier = "t2" if band == "large" else "t3"
            subs[iid] = submission(fw, iid, {"GOV-01-1": value, "GOV-01-2": value, "GOV-02-1": value,
                                             "PRO-01-1": tier, "PRO-02-1": value})
            before[iid] = submission(prev, iid, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"})
    bench = run_benchmark(Round(fw, subs), people, k=5, previous=Round(prev, before))
    out = tmp_path_factory.mktemp("bench")
    write_outputs(bench, out)
    renderer = FeedbackRenderer(bench)
    write_reports(renderer, out, pdf=False)
    if shutil.which("pdftotext"):
        from kansa.reports.pdf import write_pdf

        write_pdf(renderer.overview_html(), out / "overview.pdf")
        write_pdf(renderer.feedback_html("L0"), out / "feedback" / "L0.pdf")
    return bench, out


def test_the_case_has_a_primary_and_a_secondary_suppression(written: tuple[Benchmark, Path]) -> None:
    bench, _ = written
    assert bench.cohorts["regional_bank/large"].reason == "n<k"
    assert bench.cohorts["regional_bank/medium"].reason == "secondary"
    assert bench.cohorts["regional_bank/small"].published


def test_csv_files_carry_no_statistic_of_a_hidden_cohort(written: tuple[Benchmark, Path]) -> None:
    _, out = written
    checked = 0
    for name in ("cohorts", "domain_stats", "question_stats", "option_shares", "trend_domain"):
        with (out / f"{name}.csv").open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row["cohort"] in HIDDEN:
                    checked += 1
                    assert row["suppressed"] == "true"
                    assert all(row.get(c, "") == "" for c in STAT_COLUMNS), (name, row)
    assert checked > 20
    with (out / "institution_scores.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["peer_cohort"] in HIDDEN:
                assert row["percentile_in_peer_cohort"] == ""
                assert row["benchmark_cohort"] == "regional_bank"


def test_json_carries_no_statistic_of_a_hidden_cohort(written: tuple[Benchmark, Path]) -> None:
    _, out = written
    doc = json.loads((out / "benchmark.json").read_text(encoding="utf-8"))
    rows = [r for t in ("cohorts", "domain_stats", "question_stats", "option_shares", "trend_domain")
            for r in doc[t] if r["cohort"] in HIDDEN]
    assert rows and all(r["suppressed"] is True for r in rows)
    assert all(r.get(c) is None for r in rows for c in STAT_COLUMNS)


def test_excel_shows_the_mark_never_a_number(written: tuple[Benchmark, Path]) -> None:
    _, out = written
    wb = openpyxl.load_workbook(out / "benchmark.xlsx")
    seen = 0
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "cohort" not in header:
            continue
        col = header.index("cohort")
        stats = [i for i, h in enumerate(header) if h in STAT_COLUMNS]
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[col] in HIDDEN:
                seen += 1
                assert all(row[i] == SUPPRESSED_MARK for i in stats), (ws.title, row)
    assert seen > 20


def _rows_of(html: str, label: str) -> list[str]:
    return [m for m in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S) if f">{label}</td>" in m]


def test_the_overview_marks_hidden_cells_and_prints_no_number(written: tuple[Benchmark, Path]) -> None:
    _, out = written
    html = (out / "overview.html").read_text(encoding="utf-8")
    for label in HIDDEN_LABELS:
        rows = _rows_of(html, label)
        assert len(rows) == 2                      # the distribution table and the trend table
        for row in rows:
            text = re.sub(r"<[^>]+>", " ", row).replace(label, "")
            assert "秘匿" in text and not re.search(r"\d", text), text
    shown = _rows_of(html, "地方銀行・小規模")[0]
    assert re.search(r"\d+\.\d", shown)            # the published cohort does show figures


def test_the_feedback_of_a_hidden_cohort_member_compares_with_the_type(written: tuple[Benchmark, Path]) -> None:
    bench, out = written
    html = (out / "feedback" / "L0.html").read_text(encoding="utf-8")
    assert "地方銀行・大規模" in html and "秘匿" in html and "「地方銀行」と比較" in html
    context = FeedbackRenderer(bench).feedback_context("L0")
    type_median = bench.domain_stat("regional_bank", "GOV")
    assert type_median is not None
    assert context["domains"][0]["median"] == type_median["median"]
    own = [r for r in bench.domain_stats if r["cohort"] == "regional_bank/large"]
    assert all(r["median"] is None for r in own)


def test_the_pdfs_print_no_number_for_a_hidden_cohort(written: tuple[Benchmark, Path]) -> None:
    _, out = written
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(out / "overview.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [ln for ln in text.splitlines() if any(label in ln for label in HIDDEN_LABELS)]
    assert len(lines) >= 4
    for line in lines:
        rest = line
        for label in HIDDEN_LABELS:
            rest = rest.replace(label, "")
        assert "秘匿" in rest and not re.search(r"\d", rest), line
    feedback = subprocess.run(["pdftotext", "-layout", str(out / "feedback" / "L0.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert "秘匿" in feedback and "地方銀行" in feedback
