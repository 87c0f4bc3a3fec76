"""Header recognition: canonical names, common Japanese headers per table, and a user's mapping file."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from kansa.contract.schema import TABLES

# Headers that mean the same column in any table that has it.
_COMMON: dict[str, str] = {
    "顧客id": "customer_id",
    "顧客番号": "customer_id",
    "顧客コード": "customer_id",
    "お客様番号": "customer_id",
    "口座番号": "customer_id",
    "顧客no": "customer_id",
    "cif": "customer_id",
    "cif番号": "customer_id",
    "世帯id": "household_id",
    "世帯番号": "household_id",
    "世帯コード": "household_id",
    "生年月日": "birth_date",
    "誕生日": "birth_date",
    "商品コード": "product_id",
    "商品id": "product_id",
    "銘柄コード": "product_id",
    "ファンドコード": "product_id",
    "店番": "branch_id",
    "店番号": "branch_id",
    "支店コード": "branch_id",
    "店舗コード": "branch_id",
    "部店コード": "branch_id",
    "取扱店": "branch_id",
    "取扱店番": "branch_id",
    "支店番号": "branch_id",
    "担当者コード": "staff_id",
    "担当者id": "staff_id",
    "担当者番号": "staff_id",
    "職員番号": "staff_id",
    "社員番号": "staff_id",
    "行員番号": "staff_id",
    "職員コード": "staff_id",
    "担当者": "staff_id",
    "資産id": "asset_id",
    "資産番号": "asset_id",
    "資産管理番号": "asset_id",
    "機器番号": "asset_id",
    "ユーザー名": "username",
    "ユーザid": "username",
    "ユーザーid": "username",
    "アカウント名": "username",
    "商品分類": "product_type",
    "商品種別": "product_type",
    "商品区分": "product_type",
}

# Headers whose meaning depends on the table (名称 is a product's name in products, a branch's in branches).
_BY_TABLE: dict[str, dict[str, str]] = {
    "customers": {
        "投資経験": "investment_experience",
        "リスク許容度": "risk_tolerance",
        "投資目的": "investment_purpose",
        "金融資産": "financial_assets_jpy",
        "金融資産額": "financial_assets_jpy",
        "年収": "annual_income_jpy",
        "認知機能確認日": "cognitive_check_date",
        "理解度確認日": "cognitive_check_date",
        "特定投資家": "is_professional",
        "口座開設日": "opened_on",
        "開設日": "opened_on",
    },
    "products": {
        "商品名": "name",
        "銘柄名": "name",
        "ファンド名": "name",
        "名称": "name",
        "リスク区分": "risk_class",
        "リスク分類": "risk_class",
        "リスクランク": "risk_class",
        "複雑な商品": "is_complex",
        "複雑": "is_complex",
        "勧誘留意商品": "is_caution_product",
        "自社グループ商品": "is_affiliated",
        "系列": "is_affiliated",
        "通貨": "currency",
        "販売手数料率": "upfront_fee_rate",
        "購入時手数料率": "upfront_fee_rate",
        "手数料率": "upfront_fee_rate",
        "信託報酬": "annual_cost_rate",
        "信託報酬率": "annual_cost_rate",
        "運用管理費用": "annual_cost_rate",
        "組成コスト": "implied_cost_rate",
        "設定日": "inception_date",
        "償還日": "maturity_date",
        "満期日": "maturity_date",
        "ノックイン価格": "knock_in_level",
        "ノックイン水準": "knock_in_level",
        "5年リターン": "return_5y_annualized",
        "5年リスク": "risk_5y_annualized",
        "mmf": "is_money_market",
    },
    "trades": {
        "取引id": "trade_id",
        "取引番号": "trade_id",
        "約定番号": "trade_id",
        "受注番号": "trade_id",
        "約定日": "trade_date",
        "取引日": "trade_date",
        "売買区分": "side",
        "売買": "side",
        "取引区分": "side",
        "金額": "amount_jpy",
        "約定金額": "amount_jpy",
        "取引金額": "amount_jpy",
        "受渡金額": "amount_jpy",
        "手数料": "fee_jpy",
        "販売手数料": "fee_jpy",
        "手数料額": "fee_jpy",
        "チャネル": "channel",
        "取引経路": "channel",
        "受注経路": "channel",
        "勧誘": "solicited",
        "勧誘有無": "solicited",
        "勧誘あり": "solicited",
        "勧誘日": "solicitation_date",
        "乗換id": "switch_group_id",
        "乗換番号": "switch_group_id",
        "役席承認日時": "manager_approval_at",
        "役席者承認": "manager_approval_at",
        "事前承認日時": "manager_approval_at",
        "約定後連絡日時": "post_trade_contact_at",
        "約定後連絡者": "post_trade_contact_by",
        "重要事項説明": "explanation_recorded",
        "説明記録": "explanation_recorded",
    },
    "positions": {
        "基準日": "as_of_date",
        "評価金額": "market_value_jpy",
        "評価額": "market_value_jpy",
        "時価": "market_value_jpy",
        "累計買付金額": "cumulative_purchase_jpy",
        "累計売付金額": "cumulative_sale_jpy",
        "累計受取分配金": "cumulative_distribution_jpy",
        "累計分配金": "cumulative_distribution_jpy",
    },
    "complaints": {
        "苦情id": "complaint_id",
        "苦情番号": "complaint_id",
        "受付番号": "complaint_id",
        "受付日": "received_date",
        "区分": "kind",
        "種別": "kind",
        "分類": "category",
        "内容": "text",
        "苦情内容": "text",
        "本文": "text",
        "完了日": "closed_date",
        "対応完了日": "closed_date",
    },
    "branches": {
        "店名": "name",
        "店舗名": "name",
        "支店名": "name",
        "名称": "name",
        "地域": "region",
        "エリア": "region",
    },
    "staff": {
        "役職": "role",
        "職位": "role",
        "役割": "role",
        "入社日": "hired_on",
        "入行日": "hired_on",
        "所属店": "branch_id",
        "所属店番": "branch_id",
    },
    "assets": {
        "資産名": "name",
        "名称": "name",
        "資産種別": "asset_type",
        "種別": "asset_type",
        "管理責任者": "owner",
        "責任者": "owner",
        "所管部署": "department",
        "部署": "department",
        "機密区分": "classification",
        "格付": "classification",
        "重要度": "criticality",
        "環境": "environment",
        "設置場所": "location",
        "インターネット公開": "internet_facing",
        "外部委託": "vendor_managed",
        "os": "os_name",
        "osバージョン": "os_version",
        "棚卸日": "last_inventory_date",
        "廃棄日": "decommissioned_on",
    },
    "software": {
        "ベンダー": "vendor",
        "製品": "product",
        "製品名": "product",
        "バージョン": "version",
        "導入日": "installed_on",
        "サポート終了日": "end_of_support",
        "eol": "end_of_support",
        "パッチ適用日": "last_patched_on",
    },
    "accounts": {
        "アカウントid": "account_id",
        "所有者": "owner_staff_id",
        "特権": "is_privileged",
        "特権id": "is_privileged",
        "状態": "status",
        "作成日": "created_on",
        "最終ログイン": "last_login_at",
        "パスワード変更日": "password_changed_on",
        "mfa": "mfa_enabled",
        "多要素認証": "mfa_enabled",
        "無効化日": "disabled_on",
    },
    "privileged_access_requests": {
        "申請番号": "request_id",
        "申請id": "request_id",
        "申請者": "requested_by",
        "承認者": "approved_by",
        "承認日時": "approved_at",
        "利用開始": "window_start",
        "利用終了": "window_end",
        "目的": "purpose",
        "利用目的": "purpose",
    },
    "log_reviews": {
        "対象期間開始": "period_start",
        "対象期間終了": "period_end",
        "確認者": "reviewed_by",
        "確認日時": "reviewed_at",
    },
    "backups": {
        "世代": "copy_id",
        "コピーid": "copy_id",
        "媒体": "media",
        "保管場所": "location",
        "オフライン": "offline_or_immutable",
        "最終成功日時": "last_success_at",
        "リストアテスト日時": "last_restore_test_at",
        "リストアテスト結果": "restore_test_result",
    },
    "incidents": {
        "インシデントid": "incident_id",
        "検知日時": "detected_at",
        "報告日時": "reported_at",
        "分類": "category",
        "重大度": "severity",
        "対象資産": "asset_ids",
        "影響顧客数": "customers_affected",
        "状態": "status",
        "完了日時": "closed_at",
        "原因": "root_cause",
    },
}

# Sheet or file names in Japanese that name a contract table.
TABLE_ALIASES: dict[str, str] = {
    "顧客": "customers",
    "顧客マスタ": "customers",
    "商品": "products",
    "商品マスタ": "products",
    "取引": "trades",
    "約定": "trades",
    "取引明細": "trades",
    "保有": "positions",
    "残高": "positions",
    "保有残高": "positions",
    "苦情": "complaints",
    "店舗": "branches",
    "支店": "branches",
    "店舗マスタ": "branches",
    "職員": "staff",
    "担当者": "staff",
    "情報資産台帳": "assets",
    "資産": "assets",
    "ソフトウェア": "software",
    "アカウント": "accounts",
    "特権id利用申請": "privileged_access_requests",
    "ログ監視": "log_reviews",
    "バックアップ": "backups",
    "インシデント": "incidents",
}

_BRACKETS = re.compile(r"[\(（\[【［].*?[\)）\]】］]")


def normalize_header(text: str) -> str:
    """Fold a header for matching: NFKC, lower case, units in brackets and spaces removed."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _BRACKETS.sub("", s)
    s = re.sub(r"[\s\-・]+", "_", s).strip("_")
    return s


def table_for_name(stem: str) -> str | None:
    """The contract table a file stem or sheet name stands for, or None."""
    s = normalize_header(stem)
    if s in TABLES:
        return s
    return TABLE_ALIASES.get(s) or TABLE_ALIASES.get(s.replace("_", ""))


Mapping = dict[str, dict[str, str]]  # table ("*" = any) -> normalised source header -> column


@dataclass(frozen=True)
class MappingProblem:
    """One unusable line of a mapping file: where it is, the offending value, and why (ja and en)."""

    row: int | None  # the mapping file's row (header row 1); None for YAML
    table: str
    field: str  # table | source_header | column | file
    value: str
    ja: str
    en: str


class MappingError(ValueError):
    """A mapping file that cannot be used; `.problems` lists every bad line, `.path` the file."""

    def __init__(self, path: Path, problems: list[MappingProblem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("; ".join(f"{path}" + (f": row {p.row}" if p.row else "") + f": {p.en}" for p in problems))


def _mapping_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # a mapping made in Excel on Windows is CP932
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MappingError(
        path,
        [
            MappingProblem(
                None, "-", "file", path.name, "文字コードが UTF-8 でも CP932 でもありません", "neither UTF-8 nor CP932"
            )
        ],
    )


def read_mapping(path: Path) -> Mapping:
    """Read a user's mapping file: CSV `table,source_header,column` or YAML `{table: {header: column}}`.

    Every bad line is collected before MappingError is raised, so one run shows them all.
    """
    text = _mapping_text(path)
    mapping: Mapping = {}
    problems: list[MappingProblem] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise MappingError(
                path,
                [MappingProblem(None, "-", "file", path.name, f"YAML として読めません: {exc}", f"not YAML: {exc}")],
            ) from exc
        if not isinstance(data, dict):
            raise MappingError(
                path,
                [
                    MappingProblem(
                        None,
                        "-",
                        "file",
                        path.name,
                        "表 -> {見出し: 列} の形で書いてください",
                        "expected a mapping of table -> {header: column}",
                    )
                ],
            )
        for table, pairs in data.items():
            if not isinstance(pairs, dict):
                problems.append(
                    MappingProblem(
                        None,
                        str(table),
                        "table",
                        str(table),
                        f"表 {table} には 見出し: 列 を並べてください",
                        f"table {table!r} must map headers to columns",
                    )
                )
                continue
            for source, column in pairs.items():
                _add(mapping, problems, str(table or "*"), str(source), str(column), None)
    else:
        rows = list(csv.reader(text.splitlines()))
        if rows and [c.strip().lower() for c in rows[0][:3]] == ["table", "source_header", "column"]:
            rows = rows[1:]
        for n, row in enumerate(rows, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != 3:
                problems.append(
                    MappingProblem(
                        n,
                        "-",
                        "row",
                        ",".join(row),
                        f"table,source_header,column の3列が必要です（{len(row)} 列）",
                        f"expected table,source_header,column, got {len(row)} field(s)",
                    )
                )
                continue
            _add(mapping, problems, row[0].strip() or "*", row[1], row[2].strip(), n)
    if problems:
        raise MappingError(path, problems)
    return mapping


def _add(
    mapping: Mapping, problems: list[MappingProblem], table: str, source: str, column: str, row: int | None
) -> None:
    if table != "*" and table not in TABLES:
        problems.append(
            MappingProblem(row, table, "table", table, f"契約にない表です: {table}", f"unknown table {table!r}")
        )
        return
    targets = [TABLES[table]] if table != "*" else list(TABLES.values())
    if not any(column in t.names for t in targets):
        problems.append(
            MappingProblem(
                row,
                table,
                "column",
                column,
                f"{table}.{column} は契約の列ではありません",
                f"{table}.{column} is not a contract column",
            )
        )
        return
    mapping.setdefault(table, {})[normalize_header(source)] = column


def resolve_header(table: str, header: str, mapping: Mapping | None = None) -> str | None:
    """The contract column a file's header stands for in `table`, or None when it is not one."""
    key = normalize_header(header)
    names = TABLES[table].names
    for scope in (table, "*"):
        column = (mapping or {}).get(scope, {}).get(key)
        if column in names:
            return column
    if key in names:
        return key
    column = _BY_TABLE.get(table, {}).get(key) or _COMMON.get(key)
    return column if column in names else None
