"""What a parse returns: the events table, the corrupt records (never dropped silently), counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from kansa.i18n import Lang, pick

# Why a record could not be read, in both languages ({value} etc. filled from ParseError fields).
REASONS: dict[str, dict[str, str]] = {
    "not_syslog": {
        "ja": "syslog形式の行ではありません（先頭に日時・ホスト名がない）",
        "en": "not a syslog line (no timestamp and host at the start)",
    },
    "bad_timestamp": {"ja": "日時が読めません", "en": "unreadable timestamp"},
    "bad_json": {"ja": "JSONとして読めません", "en": "not valid JSON"},
    "not_an_object": {"ja": "JSONオブジェクトではありません", "en": "not a JSON object"},
    "no_event_id": {"ja": "EventIDがありません", "en": "no EventID"},
    "no_time": {"ja": "イベント日時がありません", "en": "no event time"},
    "bad_record": {"ja": "EVTXレコードが壊れています", "en": "corrupt EVTX record"},
    "records_lost": {
        "ja": "チャンクヘッダが示すレコードのうち読めなかった件数",
        "en": "records announced by chunk headers that could not be read (count)",
    },
    "bad_field": {"ja": "列の値が不正です", "en": "invalid column value"},
    "missing_field": {"ja": "必須列が空です", "en": "required column is empty"},
    "unreadable_file": {"ja": "ファイルを読めません", "en": "cannot read the file"},
    "unknown_format": {"ja": "対応していないログ形式です", "en": "not a supported log format"},
    "nothing_read": {
        "ja": "ファイル全体を読めませんでした（イベント0件。破損しているか別の形式です）",
        "en": "nothing in the file could be read (0 events: damaged, or another format)",
    },
    "limit_exceeded": {"ja": "上限を超えたため読みません", "en": "not read: above a size limit"},
    "line_too_long": {"ja": "行が長すぎるため、以降を読みません", "en": "line too long: the rest is not read"},
    # notes (not corrupt records): choices made while reading that the auditor should know
    "leap_day_year": {
        "ja": "2月29日の行があるため、更新日時の年ではなく直近の閏年に合う年を付けました（違う場合は --year を指定）",
        "en": "a 29 February line needs a leap year: years were set to the nearest fitting one, not the mtime's "
        "(give --year if wrong)",
    },
    "year_inferred": {
        "ja": "年のない行に年を補いました（--year 未指定。ファイルの更新日時から推定）。行の範囲: 年",
        "en": "lines without a year were given one (no --year: inferred from the file's modification time). "
        "lines: year",
    },
    "year_rollover_unsupported": {
        "ja": "注意: 月が前に戻ったため翌年として読みましたが、12月→1月ではありません（ローテーションされたログが"
        "順不同で連結されている可能性。--year を指定するか分割してください）",
        "en": "warning: the month went back and was read as the next year, but not from December to January "
        "(rotated logs joined out of order? give --year or split them)",
    },
    "leap_day_conflict": {
        "ja": "2月29日の行がすべて閏年に収まる年の割当てがありません（--year を指定してください）",
        "en": "no year assignment puts every 29 February line in a leap year (give --year)",
    },
}


@dataclass(frozen=True)
class ParseError:
    """One corrupt record: where it is (`source`), why (`code`), which column and value."""

    source: str
    code: str
    detail: str = ""
    column: str = ""
    value: str = ""

    def reason(self, lang: Lang = "ja") -> str:
        """The reason in one language, with the column and the detail."""
        text = pick(REASONS.get(self.code, {"ja": self.code, "en": self.code}), lang)
        if self.column:
            text += f" [{self.column}]"
        if self.detail:
            text += f": {self.detail}"
        return text


ERRORS_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("code", pa.string()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("reason_ja", pa.string()),
        ("reason_en", pa.string()),
    ]
)


@dataclass(frozen=True)
class FileSummary:
    """What one input file gave: its detected format, events and corrupt records."""

    path: str
    format: str
    size: int
    events: int
    errors: int
    unreadable: bool = False  # nothing (or not all) of it could be read: the run must say so


@dataclass
class ParseResult:
    """Events in access_events shape (contract columns then extras), corrupt records and counts."""

    events: pa.Table
    errors: list[ParseError] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    notes: list[ParseError] = field(default_factory=list)  # not corrupt: choices made (leap-day years)

    @property
    def counts(self) -> dict[str, int]:
        """Number of events per event_type, in the contract's enum order (zeros included)."""
        from kansa.cyber.logs.columns import EVENT_TYPES

        found = {row["values"]: row["counts"] for row in self.events.column("event_type").value_counts().to_pylist()}
        return {t: int(found.get(t, 0)) for t in EVENT_TYPES}

    @property
    def unreadable(self) -> list[str]:
        """Names of the files kansa could not read (wholly or from some point on): never "0 corrupt records"."""
        return [Path(f.path).name for f in self.files if f.unreadable]

    def errors_table(self) -> pa.Table:
        """The corrupt records as a table (for errors.csv)."""
        return pa.table(
            {
                "source": [e.source for e in self.errors],
                "code": [e.code for e in self.errors],
                "column": [e.column for e in self.errors],
                "value": [e.value for e in self.errors],
                "reason_ja": [e.reason("ja") for e in self.errors],
                "reason_en": [e.reason("en") for e in self.errors],
            },
            schema=ERRORS_SCHEMA,
        )
