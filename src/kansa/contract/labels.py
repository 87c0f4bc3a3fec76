"""People's words for the contract's codes (product types, channels, ...), in Japanese and English."""

from __future__ import annotations

from kansa.i18n import Lang

Words = dict[str, dict[str, str]]

# --- conduct (shared/contract/conduct.md) ---
PRODUCT_TYPE_LABELS: Words = {
    "investment_trust": {"ja": "投資信託", "en": "Investment trusts"},
    "foreign_currency_insurance": {"ja": "外貨建保険", "en": "Foreign-currency insurance"},
    "structured_bond": {"ja": "仕組債", "en": "Structured bonds"},
    "bond": {"ja": "債券", "en": "Bonds"},
    "equity": {"ja": "株式", "en": "Equities"},
    "etf": {"ja": "ETF", "en": "ETFs"},
    "deposit": {"ja": "預金", "en": "Deposits"},
    "other": {"ja": "その他", "en": "Other"},
}
CHANNEL_LABELS: Words = {
    "face_to_face": {"ja": "対面", "en": "face to face"},
    "phone": {"ja": "電話", "en": "phone"},
    "online": {"ja": "インターネット", "en": "online"},
    "ifa": {"ja": "IFA", "en": "IFA"},
}
INVESTMENT_EXPERIENCE_LABELS: Words = {
    "none": {"ja": "なし", "en": "none"},
    "under_1y": {"ja": "1年未満", "en": "under 1 year"},
    "1_to_5y": {"ja": "1年以上5年未満", "en": "1 to 5 years"},
    "over_5y": {"ja": "5年以上", "en": "over 5 years"},
}
INVESTMENT_PURPOSE_LABELS: Words = {
    "preservation": {"ja": "元本保全", "en": "capital preservation"},
    "income": {"ja": "安定収入", "en": "income"},
    "balanced": {"ja": "バランス", "en": "balanced"},
    "growth": {"ja": "資産成長", "en": "growth"},
    "speculation": {"ja": "積極運用（投機）", "en": "speculation"},
}
SIDE_LABELS: Words = {
    "buy": {"ja": "買付", "en": "buy"},
    "sell": {"ja": "売却・解約", "en": "sell"},
}
COMPLAINT_KIND_LABELS: Words = {
    "inquiry": {"ja": "相談", "en": "inquiry"},
    "complaint": {"ja": "苦情", "en": "complaint"},
    "dispute": {"ja": "紛争", "en": "dispute"},
}
COMPLAINT_CATEGORY_LABELS: Words = {
    "explanation": {"ja": "説明不足", "en": "explanation"},
    "suitability": {"ja": "適合性", "en": "suitability"},
    "fees": {"ja": "手数料", "en": "fees"},
    "unauthorized_trade": {"ja": "無断売買", "en": "unauthorized trade"},
    "churning": {"ja": "回転売買", "en": "churning"},
    "service": {"ja": "接客・事務", "en": "service"},
    "other": {"ja": "その他", "en": "other"},
}
STAFF_ROLE_LABELS: Words = {
    "sales": {"ja": "営業", "en": "sales"},
    "manager": {"ja": "役席者", "en": "manager"},
    "back_office": {"ja": "事務", "en": "back office"},
    "other": {"ja": "その他", "en": "other"},
}
SEVERITY_LABELS: Words = {  # flags and incidents alike
    "high": {"ja": "高", "en": "high"},
    "medium": {"ja": "中", "en": "medium"},
    "low": {"ja": "低", "en": "low"},
}
YES_NO_LABELS: Words = {  # a boolean column cast to text
    "true": {"ja": "該当", "en": "yes"},
    "false": {"ja": "非該当", "en": "no"},
}

# --- cyber (shared/contract/cyber.md) ---
ASSET_TYPE_LABELS: Words = {
    "server": {"ja": "サーバ", "en": "server"},
    "endpoint": {"ja": "端末", "en": "endpoint"},
    "network_device": {"ja": "ネットワーク機器", "en": "network device"},
    "cloud_service": {"ja": "クラウドサービス", "en": "cloud service"},
    "saas": {"ja": "SaaS", "en": "SaaS"},
    "application": {"ja": "アプリケーション", "en": "application"},
    "database": {"ja": "データベース", "en": "database"},
    "storage": {"ja": "ストレージ", "en": "storage"},
    "other": {"ja": "その他", "en": "other"},
}
CLASSIFICATION_LABELS: Words = {
    "secret": {"ja": "極秘", "en": "secret"},
    "confidential": {"ja": "秘", "en": "confidential"},
    "internal": {"ja": "社内限り", "en": "internal"},
    "public": {"ja": "公開", "en": "public"},
}
ENVIRONMENT_LABELS: Words = {
    "production": {"ja": "本番", "en": "production"},
    "staging": {"ja": "検証", "en": "staging"},
    "development": {"ja": "開発", "en": "development"},
}
ASSET_LOCATION_LABELS: Words = {
    "onprem": {"ja": "自社設置", "en": "on premises"},
    "cloud": {"ja": "クラウド", "en": "cloud"},
    "vendor": {"ja": "委託先", "en": "vendor"},
    "overseas": {"ja": "海外", "en": "overseas"},
}
ACCOUNT_STATUS_LABELS: Words = {
    "active": {"ja": "有効", "en": "active"},
    "disabled": {"ja": "無効", "en": "disabled"},
    "locked": {"ja": "ロック中", "en": "locked"},
}
EVENT_TYPE_LABELS: Words = {
    "logon": {"ja": "ログオン", "en": "logon"},
    "logon_failed": {"ja": "ログオン失敗", "en": "failed logon"},
    "logoff": {"ja": "ログオフ", "en": "logoff"},
    "privileged_logon": {"ja": "特権ログオン", "en": "privileged logon"},
    "explicit_credentials": {"ja": "明示的な資格情報によるログオン", "en": "logon with explicit credentials"},
    "sudo": {"ja": "特権コマンドの実行", "en": "sudo"},
    "su": {"ja": "ユーザーの切替", "en": "su"},
    "account_created": {"ja": "アカウント作成", "en": "account created"},
    "group_member_added": {"ja": "グループへのメンバー追加", "en": "group member added"},
    "other": {"ja": "その他", "en": "other"},
}
BACKUP_MEDIA_LABELS: Words = {
    "disk": {"ja": "ディスク", "en": "disk"},
    "tape": {"ja": "テープ", "en": "tape"},
    "object_storage": {"ja": "オブジェクトストレージ", "en": "object storage"},
    "cloud_service": {"ja": "クラウドサービス", "en": "cloud service"},
    "other": {"ja": "その他", "en": "other"},
}
BACKUP_LOCATION_LABELS: Words = {
    "onsite": {"ja": "構内", "en": "on site"},
    "offsite": {"ja": "遠隔地", "en": "off site"},
    "cloud": {"ja": "クラウド", "en": "cloud"},
}
RESTORE_TEST_LABELS: Words = {
    "pass": {"ja": "合格", "en": "passed"},
    "fail": {"ja": "不合格", "en": "failed"},
}
INCIDENT_CATEGORY_LABELS: Words = {
    "ransomware": {"ja": "ランサムウェア", "en": "ransomware"},
    "unauthorized_access": {"ja": "不正アクセス", "en": "unauthorized access"},
    "data_leak": {"ja": "情報漏えい", "en": "data leak"},
    "ddos": {"ja": "DDoS攻撃", "en": "DDoS"},
    "phishing": {"ja": "フィッシング", "en": "phishing"},
    "fraudulent_transfer": {"ja": "不正送金", "en": "fraudulent transfer"},
    "web_defacement": {"ja": "Webサイト改ざん", "en": "web defacement"},
    "supply_chain": {"ja": "サプライチェーン攻撃", "en": "supply-chain attack"},
    "other": {"ja": "その他", "en": "other"},
}
INCIDENT_STATUS_LABELS: Words = {
    "open": {"ja": "対応中", "en": "open"},
    "contained": {"ja": "封じ込め済み", "en": "contained"},
    "closed": {"ja": "完了", "en": "closed"},
}

# codes the rules themselves compute (an `issue` column next to its `issue_ja`), for the English reasons
RULE_ISSUE_LABELS: Words = {
    "late_report": {"ja": "報告遅延", "en": "reported late"},
    "not_reported": {"ja": "未報告", "en": "not reported"},
    "open_too_long": {"ja": "長期未完了", "en": "open too long"},
    "late_report+open_too_long": {"ja": "報告遅延かつ長期未完了", "en": "reported late and open too long"},
    "self_approved": {"ja": "申請者による自己承認", "en": "approved by the requester"},
    "used_before_approval": {"ja": "承認前の使用", "en": "used before approval"},
    "self_approved+used_before_approval": {"ja": "自己承認かつ承認前の使用",
                                           "en": "approved by the requester and used before approval"},
    "stale": {"ja": "最近の成功バックアップがない", "en": "no recent successful backup"},
    "untested": {"ja": "合格した復元テストがない", "en": "no passed restore test"},
    "stale+untested": {"ja": "最近の成功バックアップも合格した復元テストもない",
                       "en": "no recent successful backup and no passed restore test"},
}

ALL_LABELS: tuple[Words, ...] = (
    PRODUCT_TYPE_LABELS, CHANNEL_LABELS, INVESTMENT_EXPERIENCE_LABELS, INVESTMENT_PURPOSE_LABELS, SIDE_LABELS,
    COMPLAINT_KIND_LABELS, COMPLAINT_CATEGORY_LABELS, STAFF_ROLE_LABELS, SEVERITY_LABELS, YES_NO_LABELS,
    ASSET_TYPE_LABELS, CLASSIFICATION_LABELS, ENVIRONMENT_LABELS, ASSET_LOCATION_LABELS, ACCOUNT_STATUS_LABELS,
    EVENT_TYPE_LABELS, BACKUP_MEDIA_LABELS, BACKUP_LOCATION_LABELS, RESTORE_TEST_LABELS,
    INCIDENT_CATEGORY_LABELS, INCIDENT_STATUS_LABELS, RULE_ISSUE_LABELS,
)


def _one_flat_map(tables: tuple[Words, ...]) -> Words:
    """Merge the enums into one map; a code two enums share must mean the same there (`other`, `cloud`)."""
    merged: Words = {}
    for table in tables:
        for code, words in table.items():
            seen = merged.setdefault(code, words)
            # one flat map is only honest while a shared code reads the same in Japanese in every enum
            if seen["ja"] != words["ja"]:
                raise ValueError(f"label collision: code {code!r} reads {seen['ja']!r} and {words['ja']!r}")
    return merged


# every code a reason template may print with the `!l` conversion, e.g. {product_type!l}
CODE_LABELS: Words = _one_flat_map(ALL_LABELS)


def label(code: str, lang: Lang) -> str:
    """The word for a code in `lang`; the code itself when it has none."""
    return CODE_LABELS.get(code, {}).get(lang, code)
