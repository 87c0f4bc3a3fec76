"""People's words for the contract's codes (product types, channels, ...), in Japanese and English."""

from __future__ import annotations

from kansa.i18n import Lang

PRODUCT_TYPE_LABELS: dict[str, dict[str, str]] = {
    "investment_trust": {"ja": "投資信託", "en": "Investment trusts"},
    "foreign_currency_insurance": {"ja": "外貨建保険", "en": "Foreign-currency insurance"},
    "structured_bond": {"ja": "仕組債", "en": "Structured bonds"},
    "bond": {"ja": "債券", "en": "Bonds"},
    "equity": {"ja": "株式", "en": "Equities"},
    "etf": {"ja": "ETF", "en": "ETFs"},
    "deposit": {"ja": "預金", "en": "Deposits"},
    "other": {"ja": "その他", "en": "Other"},
}
CHANNEL_LABELS: dict[str, dict[str, str]] = {
    "face_to_face": {"ja": "対面", "en": "face to face"},
    "phone": {"ja": "電話", "en": "phone"},
    "online": {"ja": "インターネット", "en": "online"},
    "ifa": {"ja": "IFA", "en": "IFA"},
}

# every code a reason template may print with the `!l` conversion, e.g. {product_type!l}
CODE_LABELS: dict[str, dict[str, str]] = {**PRODUCT_TYPE_LABELS, **CHANNEL_LABELS}


def label(code: str, lang: Lang) -> str:
    """The word for a code in `lang`; the code itself when it has none."""
    return CODE_LABELS.get(code, {}).get(lang, code)
