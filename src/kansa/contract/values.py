"""Cell text to typed values: the Python parsers (the reference) and the SQL fast paths that mirror them."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.compute as pc

from kansa.contract.schema import Column
from kansa.jpdate import EraDateError, parse_era_date

JST = timezone(timedelta(hours=9))  # Japan has kept +09:00 without daylight saving since 1951

TRUE_WORDS = frozenset({"true", "t", "1", "yes", "y", "有", "あり", "○", "◯", "〇", "はい", "済", "可"})
FALSE_WORDS = frozenset({"false", "f", "0", "no", "n", "無", "なし", "×", "✕", "いいえ", "未", "否"})

# Japanese labels seen on exports, mapped to contract enum values (table-independent by column name).
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "side": {
        "買": "buy",
        "買付": "buy",
        "購入": "buy",
        "買い": "buy",
        "売": "sell",
        "売付": "sell",
        "売却": "sell",
        "売り": "sell",
        "解約": "sell",
        "償還": "sell",
        "換金": "sell",
    },
    "channel": {
        "対面": "face_to_face",
        "店頭": "face_to_face",
        "訪問": "face_to_face",
        "電話": "phone",
        "オンライン": "online",
        "インターネット": "online",
        "ネット": "online",
        "web": "online",
        "仲介": "ifa",
        "金融商品仲介": "ifa",
    },
    "investment_experience": {
        "なし": "none",
        "無": "none",
        "1年未満": "under_1y",
        "1～5年": "1_to_5y",
        "1~5年": "1_to_5y",
        "1-5年": "1_to_5y",
        "5年以上": "over_5y",
        "5年超": "over_5y",
    },
    "investment_purpose": {
        "元本重視": "preservation",
        "安定": "preservation",
        "利息・配当": "income",
        "インカム": "income",
        "バランス": "balanced",
        "成長": "growth",
        "値上がり益": "growth",
        "投機": "speculation",
    },
    "kind": {"相談": "inquiry", "問い合わせ": "inquiry", "苦情": "complaint", "紛争": "dispute"},
    "role": {"営業": "sales", "渉外": "sales", "役席": "manager", "管理職": "manager", "事務": "back_office"},
    "product_type": {
        "投資信託": "investment_trust",
        "投信": "investment_trust",
        "仕組債": "structured_bond",
        "外貨建保険": "foreign_currency_insurance",
        "債券": "bond",
        "株式": "equity",
        "預金": "deposit",
        "その他": "other",
    },
    "category": {
        "説明": "explanation",
        "説明不足": "explanation",
        "適合性": "suitability",
        "手数料": "fees",
        "無断売買": "unauthorized_trade",
        "回転売買": "churning",
        "サービス": "service",
        "その他": "other",
    },
    "severity": {"高": "high", "中": "medium", "低": "low"},
    "status": {
        "有効": "active",
        "無効": "disabled",
        "ロック": "locked",
        "対応中": "open",
        "封じ込め": "contained",
        "完了": "closed",
        "クローズ": "closed",
    },
    "restore_test_result": {"成功": "pass", "合格": "pass", "失敗": "fail", "不合格": "fail"},
}


class CellError(ValueError):
    """A cell that does not parse as its column's type; `code` is the stable issue code.

    `detail` explains in English, `detail_ja` in Japanese (the same text when it needs no words).
    """

    def __init__(self, code: str, detail: str = "", detail_ja: str | None = None) -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.detail_ja = detail if detail_ja is None else detail_ja


def _nfkc(text: str) -> str:
    # Full-width digits, letters and punctuation (２０２４／０１／０５) become ASCII for typed columns.
    return unicodedata.normalize("NFKC", text).strip()


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MIDNIGHT = re.compile(r"^(.+?)[ T]0?0:00(?::00(?:\.0+)?)?$")  # Excel's CSV writes 2024/6/3 0:00
_WEEKDAY = re.compile(r"^(.+日)\s*\(([月火水木金土日])\)$")  # 2024年6月3日(月), as Japanese forms print it


def parse_date(text: str) -> date:
    """Parse ISO, YYYY/MM/DD, YYYY年M月D日, YYYYMMDD or an era date (令和4年12月1日, R4.12.1)."""
    s = _nfkc(text)
    weekday = None
    m = _MIDNIGHT.match(s) or _WEEKDAY.match(s)  # spreadsheets write dates as midnight datetimes
    if m:
        s = m.group(1)
        weekday = m.group(2) if m.re is _WEEKDAY else None
    d = _parse_plain_date(s)
    if weekday is not None and "月火水木金土日"[d.weekday()] != weekday:
        real = "月火水木金土日"[d.weekday()]
        raise CellError(
            "bad_date",
            f"{d.isoformat()} is not a {weekday}曜日 ({real})",
            f"{d.isoformat()} は{real}曜日です（{weekday}ではありません）",
        )
    return d


def _parse_plain_date(s: str) -> date:
    m = _ISO_DATE.match(s) or _KANJI_DATE.match(s) or _COMPACT_DATE.match(s)
    if m:
        y, mo, d_ = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            return date(y, mo, d_)
        except ValueError as exc:
            raise CellError("bad_date", f"no such date: {exc}", f"存在しない日付です（{y}年{mo}月{d_}日）") from exc
    try:
        d = parse_era_date(s)
    except EraDateError as exc:
        raise CellError("bad_date", str(exc), exc.ja) from exc
    if d is None:
        raise CellError("bad_date", "YYYY-MM-DD, YYYY/MM/DD, 令和4年12月1日, R4.12.1")
    return d


_DT = re.compile(
    r"^(?P<d>\d{4}[-/]\d{1,2}[-/]\d{1,2})[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(text: str) -> datetime:
    """Parse an ISO datetime to naive Asia/Tokyo wall time (offsets converted; a bare date is midnight)."""
    s = _nfkc(text)
    m = _DT.match(s)
    if not m:
        try:
            return datetime.combine(parse_date(s), datetime.min.time())
        except CellError as exc:
            raise CellError("bad_datetime", "YYYY-MM-DD HH:MM:SS[+09:00]") from exc
    try:
        d = parse_date(m["d"])
        frac = (m["f"] or "0")[:6].ljust(6, "0")
        dt = datetime(d.year, d.month, d.day, int(m["h"]), int(m["mi"]), int(m["s"] or 0), int(frac))
    except CellError as exc:
        raise CellError("bad_datetime", exc.detail, exc.detail_ja) from exc
    except ValueError as exc:
        raise CellError("bad_datetime", f"no such time: {exc}", f"存在しない時刻です（{m['h']}:{m['mi']}）") from exc
    tz = m["tz"]
    if tz:
        if tz == "Z":
            offset = timedelta(0)
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        try:
            dt = dt.replace(tzinfo=timezone(offset)).astimezone(JST).replace(tzinfo=None)
        except (ValueError, OverflowError) as exc:
            raise CellError("bad_datetime", str(exc)) from exc
    return dt


def parse_bool(text: str) -> bool:
    """Parse true/false, 1/0, yes/no, 有/無, ○/× (and a few more spellings) to a bool."""
    s = _nfkc(text).lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise CellError("bad_bool")


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")


# Minus signs NFKC leaves alone: U+2212 (what Japanese word processors insert) and the dashes typed for it.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-"})


def _number_text(text: str, code: str) -> tuple[str, bool]:
    s = _nfkc(text).translate(_MINUS).lower().replace(",", "").replace(" ", "")
    negative = False
    if s[:1] in ("△", "▲"):  # Japanese accounting marks a negative number with a triangle
        negative, s = True, s[1:]
    elif len(s) > 2 and s[0] == "(" and s[-1] == ")":  # accounting style (1,000) is -1,000
        negative, s = True, s[1:-1]
    if s.endswith("円"):
        s = s[:-1]
    if s[:2] in ("-¥", "+¥", "-\\", "+\\"):  # -¥1,000 is how Excel's yen format shows a negative
        s = s[0] + s[2:]
    elif s.startswith("¥") or s.startswith("\\"):
        s = s[1:]
    if negative and s[:1] in ("-", "+"):
        raise CellError(code)  # (-5) or ▲-5 mean nothing
    if not _NUMBER.match(s):
        raise CellError(code)
    return s, negative


def parse_int(text: str) -> int:
    """Parse a whole number; thousands separators, full-width digits, 円 and △ (negative) tolerated."""
    s, negative = _number_text(text, "bad_int")
    try:
        value = float(s) if any(ch in s for ch in ".e") else int(s)
    except ValueError as exc:
        raise CellError("bad_int") from exc
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):  # 1.0 from a spreadsheet is fine, 1.5 is not
            raise CellError("bad_int")
        value = int(value)
    if abs(value) >= 2**63:
        raise CellError("bad_int")
    return -value if negative else value


def parse_decimal(text: str) -> float:
    """Parse a number (amounts in JPY); thousands separators, full-width digits, 円 and △ tolerated."""
    s, negative = _number_text(text, "bad_decimal")
    value = float(s)
    if not math.isfinite(value):
        raise CellError("bad_decimal")
    return -value if negative else value


def parse_rate(text: str) -> float:
    """Parse a rate in percent: 1.65 and 1.65% both mean 1.65%."""
    s = _nfkc(text).rstrip()
    if s.endswith("%"):
        s = s[:-1]
    try:
        return parse_decimal(s)
    except CellError as exc:
        raise CellError("bad_rate") from exc


def parse_enum(column: Column, text: str) -> str:
    """Match an enum value case-insensitively, or through the Japanese labels in ENUM_ALIASES."""
    s = _nfkc(text)
    low = s.lower().replace("-", "_").replace(" ", "_")
    if low in column.enum:
        return low
    alias = ENUM_ALIASES.get(column.name, {}).get(s) or ENUM_ALIASES.get(column.name, {}).get(low)
    if alias and alias in column.enum:
        return alias
    raise CellError("unknown_enum", ", ".join(column.enum))


def parse_value(column: Column, text: str) -> object:
    """Parse one trimmed, non-empty cell for its column; raises CellError with the issue code."""
    kind = column.type
    if kind == "string":
        return text
    if kind == "date":
        return parse_date(text)
    if kind == "datetime":
        return parse_datetime(text)
    if kind == "bool":
        return parse_bool(text)
    if kind == "int":
        return parse_int(text)
    if kind == "decimal":
        return parse_decimal(text)
    if kind == "rate":
        return parse_rate(text)
    return parse_enum(column, text)


def _sql_list(values: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


_DT_FAST = "[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?"


def fast_sql(column: Column, v: str) -> str:
    """A DuckDB expression that parses the common spellings of `v` (trimmed text) or gives NULL.

    It must never accept a value the Python parser rejects: whatever it leaves NULL is handed to
    parse_value, which either parses it (era dates, full-width digits, Japanese labels) or reports it.
    """
    kind = column.type
    if kind == "string":
        return v
    if kind == "date":
        return (
            f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}[-/][0-9]{{1,2}}[-/][0-9]{{1,2}}') "
            f"THEN CAST(try_strptime(replace({v}, '/', '-'), '%Y-%m-%d') AS DATE) END"
        )
    if kind == "datetime":
        # No offset in the pattern: values with Z or +09:00 go to the Python parser, which converts them.
        return f"CASE WHEN regexp_full_match({v}, '{_DT_FAST}') THEN TRY_CAST(replace({v}, '/', '-') AS TIMESTAMP) END"
    if kind == "bool":
        return (
            f"CASE WHEN lower({v}) IN ({_sql_list(TRUE_WORDS)}) THEN true "
            f"WHEN lower({v}) IN ({_sql_list(FALSE_WORDS)}) THEN false END"
        )
    # Thousands separators (1,000,000) are how CP932 exports write amounts: the fast path takes them too.
    if kind == "int":
        return (
            f"CASE WHEN regexp_full_match({v}, '-?([0-9]{{1,18}}|[0-9]{{1,3}}(,[0-9]{{3}}){{1,5}})') "
            f"THEN TRY_CAST(replace({v}, ',', '') AS BIGINT) END"
        )
    if kind in ("decimal", "rate"):
        return (
            f"CASE WHEN regexp_full_match({v}, '-?([0-9]+|[0-9]{{1,3}}(,[0-9]{{3}})+)(\\.[0-9]+)?') "
            f"THEN TRY_CAST(replace({v}, ',', '') AS DOUBLE) END"
        )
    return f"CASE WHEN {v} IN ({_sql_list(column.enum)}) THEN {v} END"


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(values: pa.Array) -> tuple[pa.Array, int]:
    """Full-width ASCII letters, digits and signs as half-width (their NFKC form); other characters, such as
    CP932 vendor characters (①, ㈱) that are part of a real key, stay as written. Returns the count changed."""
    if pc.all(pc.fill_null(pc.string_is_ascii(values), True)).as_py() is not False:
        return values, 0  # all ASCII (the usual case): nothing full-width, and no regex over every key
    hit = pc.fill_null(pc.match_substring_regex(values, "[\uFF01-\uFF5E\u3000]"), False)
    changed = pc.sum(pc.cast(hit, pa.int64())).as_py() or 0
    if not changed:
        return values, 0
    fixed = [v.translate(_FULL_WIDTH) if h and v is not None else v
             for v, h in zip(values.to_pylist(), hit.to_pylist(), strict=True)]
    return pa.array(fixed, pa.string()), changed
