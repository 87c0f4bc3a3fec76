"""The say-do gap: promises of a policy against a scanned institution whose planted cases contradict some of
them; the same institution with those cases taken out keeps them; the auditor's decisions."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kansa.fd.coverage import coverage
from kansa.fd.decisions import read_decisions, write_template
from kansa.fd.messages import FdError, render
from kansa.fd.principles import default_principles
from kansa.fd.promises import Promise, find_promises
from kansa.fd.readers import TextBlock
from kansa.fd.saydo import Decision, apply_decisions, propose
from kansa.fd.scan_evidence import load_scan
from kansa.fd.sections import sectionise

from .conftest import KEPT_RULES

POLICY = """顧客本位の業務運営に関する取組方針
1. 利益相反の適切な管理
2024年度より、グループ会社商品の販売額を業績評価の対象から除外し、系列商品に偏った推奨を行わない体制としました。
商品提供会社から受け取る手数料の水準にかかわらずお客さまの意向に沿って推奨し、担当者別の手数料率を毎月点検します。
2. 重要な情報の分かりやすい提供
すべてのリスク性商品の販売時に重要情報シートを交付し、交付と説明の記録を営業支援システムに残します。
仕組債の販売は2023年4月から停止しました。
3. お客さまにふさわしいサービスの提供
75歳以上のお客さまに勧誘留意商品をお勧めする場合は、役席者が事前に面談して承認し、ご注文は翌日以降にお受けします。
短期間での乗換えはお勧めせず、保有期間1年未満の乗換えの提案には事前承認を必要とします。
お客さまの知識・経験・財産・投資目的に照らして適合性を確認し、確認結果を全件記録します。
投資信託を保有するお客さまには、購入後3か月以内に運用状況をご報告する面談を行います。
【KPI】苦情件数：2025年度目標 前年度比10%削減"""
RULES = {"no_inhouse_bias": "staff_affiliated_skew", "no_fee_bias": "staff_high_fee_skew",
         "explanation_recorded": "missing_explanation_record", "suitability": "suitability_mismatch",
         "no_short_term_switching": "short_term_switch", "elderly_care": "elderly_caution_no_approval"}


def _promises() -> list[Promise]:
    _t, sections = sectionise([TextBlock("line", line) for line in POLICY.splitlines()])
    return find_promises(coverage(sections, default_principles()).sentences, 2025)


def _flags(scan: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in pq.read_table(scan / "flags.parquet").to_pylist():
        out.setdefault(row["rule_id"], []).append(row["entity_id"])
    return out


def test_it_finds_the_policy_promises() -> None:
    kinds = sorted(p.kind for p in _promises())
    assert kinds == sorted(["no_inhouse_bias", "no_fee_bias", "explanation_recorded", "structured_bond_stop",
                            "elderly_care", "no_short_term_switching", "suitability", "after_sale_follow_up",
                            "complaint_reduction"])
    stop = next(p for p in _promises() if p.kind == "structured_bond_stop")
    assert stop.since == "2023-04"


def test_every_promise_the_planted_data_contradicts_is_not_kept_with_its_evidence(
        conduct_scan: Path, conduct_data: Path) -> None:
    rows = {r.promise.kind: r for r in propose(_promises(), load_scan(conduct_scan))}
    flags = _flags(conduct_scan)
    with (conduct_data / "answer_key.csv").open(encoding="utf-8") as fh:
        planted = {(r["rule_id"], r["entity_id"]) for r in csv.DictReader(fh) if r["expected"] == "flag"}
    for kind, rule in RULES.items():
        row = rows[kind]
        assert row.proposed == "not_kept", kind
        first = row.evidence[0]
        assert first.code == "ev_flags" and first.fields["rule"] == rule
        assert first.fields["count"] == len(flags[rule])
        shown = [(e.fields["rule"], e.fields["entity_id"]) for e in row.evidence if e.code == "ev_flag"]
        assert shown and all(s in planted for s in shown)                   # the planted cases, by id
        assert rule in render(first.code, first.fields, "ja") and "件" in render(first.code, first.fields, "ja")
    assert rows["structured_bond_stop"].proposed == "not_kept"
    assert any(e.code == "ev_sb_window" and e.fields["count"] > 0 for e in rows["structured_bond_stop"].evidence)
    assert rows["after_sale_follow_up"].proposed == "cannot_tell"


def test_the_same_promises_are_kept_where_the_planted_cases_are_gone(clean_scan: Path) -> None:
    rows = {r.promise.kind: r for r in propose(_promises(), load_scan(clean_scan))}
    flags = _flags(clean_scan)
    for kind in ("no_inhouse_bias", "no_fee_bias", "explanation_recorded"):
        assert RULES[kind] in KEPT_RULES and RULES[kind] not in flags
        assert rows[kind].proposed == "kept", rows[kind]
        assert rows[kind].evidence[0].code == "ev_no_flags" and rows[kind].evidence[0].fields["buys"] > 0
    assert rows["suitability"].proposed == "not_kept"      # not taken out: still contradicted


def test_complaints_are_compared_fiscal_year_on_year(conduct_scan: Path) -> None:
    counts: dict[int, int] = {}
    with (conduct_scan / "complaints_summary.csv").open(encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            if r["kind"] in ("complaint", "dispute"):
                counts[int(r["fiscal_year"])] = counts.get(int(r["fiscal_year"]), 0) + int(r["count"])
    last, before = sorted(counts)[-1], sorted(counts)[-2]
    [row] = [r for r in propose(_promises(), load_scan(conduct_scan)) if r.promise.kind == "complaint_reduction"]
    ev = row.evidence[0]
    assert (ev.fields["prev"], ev.fields["cur"]) == (counts[before], counts[last])
    reduced = (counts[before] - counts[last]) / counts[before] * 100 >= 10
    assert row.proposed == ("kept" if reduced else "not_kept")


def test_a_kpi_promise_is_held_to_its_target(conduct_scan: Path) -> None:
    scan = load_scan(conduct_scan)
    share = scan.kpis[-1]["investment_trust"]["positive_share"] * 100
    low = Promise("a", "positive_share_target", 2025, ("P6-N1",), "…", target=round(share - 5))
    high = Promise("b", "positive_share_target", 2025, ("P6-N1",), "…", target=round(share + 5))
    assert [r.proposed for r in propose([low, high], scan)] == ["kept", "not_kept"]


def test_a_folder_that_is_not_a_scan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FdError) as err:
        load_scan(tmp_path)
    assert err.value.code == "scan_missing" and "flags.parquet" in err.value.message("ja")


def test_decisions_confirm_or_override_with_a_reason(conduct_scan: Path, tmp_path: Path) -> None:
    rows = propose(_promises(), load_scan(conduct_scan))
    path = write_template(rows, tmp_path / "decisions.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], lines[1:]
    assert header.startswith("promise_id,proposed,verdict") and len(body) == len(rows)
    ids = [r.promise.id for r in rows]
    text = (header + "\n" + f"{ids[0]},,confirm,,監査部 佐藤,2026-04-10,\n"
            + f"{ids[1]},,cannot_tell,対象期間の取引が移管中のため判断を保留,監査部 佐藤,2026-04-10,\n")
    path.write_text(text, encoding="utf-8")
    final = apply_decisions(rows, read_decisions(path, rows))
    assert final[0].final == rows[0].proposed and not final[0].overridden
    assert final[1].final == "cannot_tell" and final[1].overridden and "移管" in final[1].decision.reason  # type: ignore[union-attr]
    assert final[2].decision is None and final[2].final == rows[2].proposed


@pytest.mark.parametrize(("line", "code"), [
    ("{id},,kept,,,,", "decision_no_reason"),
    ("no-such-promise,,kept,理由,,,", "decision_unknown"),
    ("{id},,maybe,理由,,,", "decision_verdict"),
])
def test_bad_decisions_name_the_row(conduct_scan: Path, tmp_path: Path, line: str, code: str) -> None:
    rows = propose(_promises(), load_scan(conduct_scan))
    target = next(r for r in rows if r.proposed == "not_kept")
    path = tmp_path / "d.csv"
    path.write_text("promise_id,proposed,verdict,reason,reviewer,decided_at,sentence\n"
                    + line.format(id=target.promise.id) + "\n", encoding="utf-8")
    with pytest.raises(FdError) as err:
        read_decisions(path, rows)
    assert err.value.code == code and "2" in str(err.value.fields["row"])


def test_applying_decisions_is_pure() -> None:
    p = Promise("x", "after_sale_follow_up", 2025, (), "…")
    from kansa.fd.saydo import SayDoRow

    row = SayDoRow(p, (), (), "cannot_tell")
    out = apply_decisions([row], {"x": Decision("x", "kept", "面談記録を別途確認", "鈴木")})
    assert row.decision is None and out[0].final == "kept" and out[0].overridden
