"""Validation issues (errors and warnings) with stable codes and messages in Japanese or English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kansa.i18n import Lang, pick

Level = Literal["error", "warning"]

# Stable codes: users and other tools match on them, so never rename one.
MESSAGES: dict[str, dict[str, str]] = {
    "bad_encoding": {
        "ja": (
            "文字コードが壊れています: バイト {value} は UTF-8 でも CP932 でもありません"
            "（テキストエディタでは {detail} の {line} 行目）"
        ),
        "en": "Broken text encoding: byte {value} is neither UTF-8 nor CP932 ({detail} line {line} in a text editor)",
    },
    "empty_file": {
        "ja": "ファイル {detail} が空です（見出し行がありません）",
        "en": "The file {detail} is empty (no header row)",
    },
    "not_text": {
        "ja": "CSV（テキスト）ファイルではありません: {detail}",
        "en": "Not a CSV (text) file: {detail}",
    },
    "unreadable_file": {"ja": "ファイルを読めません: {detail}", "en": "Cannot read the file: {detail}"},
    "bad_row": {
        "ja": "列の数が見出しと一致しません（見出し {expected} 列、この行 {actual} 列）",
        "en": "Wrong number of fields ({actual}; the header has {expected})",
    },
    "unclosed_quote": {
        "ja": '引用符（"）が閉じていないようです。この行から後の行が1つの値として読まれ、列の数が合いません',
        "en": 'A quote (") seems to be left open: the lines after this row were read as one value',
    },
    "missing_sheet": {
        "ja": "ブック {detail} にシート「{column}」がありません（{table} が参照するため必要）",
        "en": "Workbook {detail} has no sheet '{column}' (needed because {table} refers to it)",
    },
    "missing_table": {
        "ja": "{table}.{column} が参照する表 {detail} がありません",
        "en": "Table {detail}, referred to by {table}.{column}, is missing",
    },
    "duplicate_table": {
        "ja": "表 {table} が複数のファイルにあります: {detail}",
        "en": "Table {table} is given by more than one file: {detail}",
    },
    "no_tables": {
        "ja": "契約の表が見つかりません（{detail}）。ファイル名またはシート名を表名にしてください",
        "en": "No contract tables found in {detail}; name files or sheets after the tables",
    },
    "bad_mapping": {
        "ja": "列対応ファイル {detail}: {reason}",
        "en": "Column mapping {detail}: {reason}",
    },
    "missing_column": {"ja": "必須の列 {column} がありません", "en": "Required column {column} is missing"},
    "duplicate_column": {
        "ja": "列 {column} が複数の見出しに対応しています: {detail}",
        "en": "Column {column} is given by more than one header: {detail}",
    },
    "missing_value": {"ja": "必須項目 {column} が空です", "en": "Required value {column} is empty"},
    "bad_date": {"ja": "日付として読めません: {detail}", "en": "Not a date: {detail}"},
    "bad_datetime": {"ja": "日時として読めません: {detail}", "en": "Not a date and time: {detail}"},
    "bad_int": {"ja": "整数として読めません", "en": "Not a whole number"},
    "bad_decimal": {"ja": "数値として読めません", "en": "Not a number"},
    "bad_rate": {"ja": "率（%）として読めません", "en": "Not a rate in percent"},
    "bad_bool": {
        "ja": "真偽値として読めません（true/false, 1/0, yes/no, 有/無, ○/×）",
        "en": "Not a yes/no value (true/false, 1/0, yes/no, 有/無, ○/×)",
    },
    "unknown_enum": {"ja": "想定外の区分値です（可能な値: {detail}）", "en": "Unknown value (allowed: {detail})"},
    "bad_format": {"ja": "形式が正しくありません（{detail}）", "en": "Wrong format ({detail})"},
    "out_of_range": {"ja": "値が範囲外です（{detail}）", "en": "Value out of range ({detail})"},
    "negative_amount": {"ja": "金額が負の値です", "en": "Negative amount"},
    "duplicate_key": {
        "ja": "主キーが重複しています（最初の出現は {detail} 行目）",
        "en": "Duplicate primary key (first seen on row {detail})",
    },
    "dangling_fk": {
        "ja": "{detail} に存在しない値を参照しています",
        "en": "Refers to a value that does not exist in {detail}",
    },
    # Warnings: reported, never block a load.
    "unknown_column": {
        "ja": "契約にない列のため読み込みません: {value}",
        "en": "Not a contract column, not loaded: {value}",
    },
    "title_rows_skipped": {
        "ja": "見出し行の上の {rows} 行を表題として読み飛ばしました（見出しは {row} 行目）",
        "en": "Skipped {rows} title row(s) above the header (the header is row {row})",
    },
    "unnamed_column": {
        "ja": "見出しが空の {detail} に値があるため読み込みません（見出しのセル結合では？）",
        "en": "{detail} holds values but has no header, so it is not loaded (a merged header cell?)",
    },
    "no_rows": {"ja": "見出し行だけでデータ行がありません", "en": "Only a header row, no data rows"},
    "absent_table": {
        "ja": "表 {table} がありません（空の表として扱います）",
        "en": "Table {table} not provided (treated as empty)",
    },
    "old_birth_date": {
        "ja": "生年月日が110年以上前です（入力誤りの可能性）",
        "en": "Birth date 110 or more years ago (possible input error)",
    },
    "future_date": {"ja": "未来の日付です", "en": "Date in the future"},
    "trade_on_holiday": {
        "ja": "約定日が土日・祝日・年末年始です（{detail}）",
        "en": "Trade dated on a weekend, public or year-end holiday ({detail})",
    },
    "inverted_period": {
        "ja": "{column} と {detail} の前後関係が逆です",
        "en": "{column} and {detail} are in the wrong order",
    },
    "ids_normalised": {
        "ja": "{column}: 全角の英数字を含む {detail} 件の値を半角に揃えました（NFKC）",
        "en": "{column}: {detail} values with full-width letters or digits normalised (NFKC)",
    },
    "fee_exceeds_amount": {"ja": "手数料が約定金額を超えています", "en": "Fee larger than the trade amount"},
}

WARNING_CODES = frozenset(
    {
        "unknown_column",
        "unnamed_column",
        "title_rows_skipped",
        "no_rows",
        "absent_table",
        "old_birth_date",
        "future_date",
        "trade_on_holiday",
        "inverted_period",
        "fee_exceeds_amount",
        "ids_normalised",
    }
)

_MAX_VALUE = 200  # keep error files readable when a cell holds a whole paragraph


@dataclass(frozen=True)
class Issue:
    """One finding about the input: where (table, row, column), what (value, code) and why (message)."""

    table: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str
    level: Level = "error"
    file: str | None = None  # the file (or workbook[sheet]) the table came from, for people to find it

    @property
    def is_error(self) -> bool:
        """True when the issue blocks the load."""
        return self.level == "error"


def make_issue(
    code: str,
    lang: Lang,
    table: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **detail: object,
) -> Issue:
    """Build an issue, its message rendered in `lang` from the code's template."""
    text = None if value is None else str(value)
    if text is not None and len(text) > _MAX_VALUE:
        text = text[:_MAX_VALUE] + "…"
    fields = {"table": table, "row": row, "column": column or "", "value": text or "", "detail": "", **detail}
    message = pick(MESSAGES[code], lang).format(**fields)
    level: Level = "warning" if code in WARNING_CODES else "error"
    return Issue(table, row, column, text, code, message, level)


def row_issues(
    code: str, lang: Lang, table: str, column: str | None, found: Iterable[tuple[int, object]], **detail: object
) -> list[Issue]:
    """One issue per (row, value) found; each message is rendered once per distinct value.

    A million rows with the same wrong code must not cost a million message renderings.
    """
    protos: dict[object, Issue] = {}
    out: list[Issue] = []
    for row, value in found:
        p = protos.get(value)
        if p is None:
            p = protos[value] = make_issue(code, lang, table, None, column, value, **detail)
        out.append(Issue(p.table, row, p.column, p.value, p.code, p.message, p.level))
    return out


def with_file(issue: Issue, file: str | None) -> Issue:
    """The issue naming `file`, unless it already names one (built directly: replace() is slow)."""
    if issue.file is not None or file is None:
        return issue
    i = issue
    return Issue(i.table, i.row, i.column, i.value, i.code, i.message, i.level, file)


def sort_key(issue: Issue) -> tuple[str, int, str]:
    """Order issues by table, row, column, as a person reads a file."""
    return (issue.table, issue.row or 0, issue.column or "")
