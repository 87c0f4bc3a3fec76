"""Year on year: an unchanged policy found across formats, a readable diff, KPIs carried, the not-revised flag."""

from __future__ import annotations

from pathlib import Path

from kansa.fd.documents import YearDocs
from kansa.fd.kpi_text import extract
from kansa.fd.policy import read_year
from kansa.fd.principles import default_principles
from kansa.fd.synth_files import write_document
from kansa.fd.synth_layout import Block
from kansa.fd.years import compare_years


def _policy(target: str, extra: str = "") -> list[Block]:
    return [Block("title", "顧客本位の業務運営に関する取組方針"), Block("date", "2023年6月1日 改定"),
            Block("heading1", "1. お客さまの最善の利益の追求"),
            Block("para", "当行は、お客さまの最善の利益を追求いたします。" + extra),
            Block("heading1", "2. お客さまにふさわしいサービスの提供"),
            Block("para", f"【KPI】投資信託の運用損益がプラスのお客さまの割合：2023年度目標 {target}%以上")]


def _progress(year: int, result: str) -> list[Block]:
    return [Block("title", f"顧客本位の業務運営に関する取組状況（{year}年度）"),
            Block("heading1", "2. お客さまにふさわしいサービスの提供"),
            Block("para", f"投資信託の運用損益がプラスのお客さまの割合：{year}年度実績 {result}%（目標 70%以上）")]


def _year(tmp: Path, year: int, policy: list[Block], fmt: str, result: str) -> YearDocs:
    return YearDocs(year, [write_document(policy, tmp / f"{year}_policy.{fmt}", fmt)],
                    [write_document(_progress(year, result), tmp / f"{year}_progress.txt", "txt")])


def test_the_same_policy_in_another_format_is_unchanged_and_flagged(tmp_path: Path) -> None:
    p = default_principles()
    readings = [read_year(_year(tmp_path, 2024, _policy("70"), "pdf", "68.0"), p),
                read_year(_year(tmp_path, 2025, _policy("70"), "docx", "91.2"), p)]
    [change] = compare_years(readings)
    assert change.unchanged and change.previous == 2024 and change.year == 2025
    assert all(s.status == "unchanged" for s in change.sections)
    codes = [code for code, _f in change.flags]
    assert "not_revised_kpi" in codes                      # its own KPI moved from 68.0 to 91.2 and met the target
    assert "not_revised_expectation" in codes              # the best-interest duty came into force on 2024-11-01
    [kpi] = change.kpis
    assert (kpi.previous_result, kpi.result, kpi.target) == (68.0, 91.2, 70.0)


def test_a_revised_policy_shows_what_changed(tmp_path: Path) -> None:
    p = default_principles()
    readings = [read_year(_year(tmp_path, 2022, _policy("70"), "html", "70.5"), p),
                read_year(_year(tmp_path, 2023, _policy("75", "全営業店に推進リーダーを配置します。"), "txt", "71"), p)]
    [change] = compare_years(readings)
    assert not change.unchanged and change.flags == []
    changed = {s.heading: s for s in change.sections if s.status == "changed"}
    assert set(changed) == {"お客さまの最善の利益の追求", "お客さまにふさわしいサービスの提供"}
    diff = changed["お客さまの最善の利益の追求"].diff
    assert any(line.startswith("+ ") and "推進リーダー" in line for line in diff)
    assert not any(line.startswith("- ") for line in diff)   # a sentence added, none removed
    kpi_diff = changed["お客さまにふさわしいサービスの提供"].diff
    assert [line[:2] for line in kpi_diff] == ["- ", "+ "] and "75%" in kpi_diff[1]


def test_it_reads_targets_and_results_in_any_writing() -> None:
    values = extract(["積立投資信託の契約件数を２０２５年度末までに１２，０００件とすることを目標とします。",
                      "令和6年度末の積立投資信託の契約件数は10,500件となりました。",
                      "苦情件数：2024年度実績 前年度比8.9%削減（目標 14%削減）"])
    found = [(v.kind, v.value, v.unit) for v in values]
    assert ("target", 12000.0, "件") in found and ("result", 10500.0, "件") in found
    assert ("result", 8.9, "%") in found and ("target", 14.0, "%") in found
    keys = {v.key for v in values if v.unit == "件"}
    assert len(keys) == 1   # the same metric across the policy and the progress report
