"""Concreteness signals of a sentence: numbers with units, dates and schedules, targets, named products,
measures and bodies. Principle references (原則5（注2）) and quoted principle names are not signals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kansa.fd.normalise import nfkc

_REF = re.compile(r"原則\s*\d(\s*本文)?(\s*[(（]\s*注\s*\d?\s*([～〜~\-－]\s*\d)?\s*[)）])*|"
                  r"第\s*\d+\s*条|[(（]\s*注\s*\d?\s*[)）]")
_STRONG: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"\d[\d,.]*\s*(%|件|名|人|回|円|億円|万円|億|万|倍|ポイント|pt|店|か月|ヶ月|カ月|ヵ月|年間|"
                          r"年以上|年未満|年超|時間|分|銘柄|種類|社|段階|項目|語|歳|点|銭|日以内|営業日|口座|本)")),
    ("date", re.compile(r"((19|20)\d\d|令和\s*(\d+|元))\s*年|\d{1,2}\s*月(末|中|まで|から|以降|に)|"
                        r"四半期|半期ごと|毎月|"
                        r"毎年|月次|年\s*\d+\s*回|年度末|翌日以降|翌営業日")),
    ("target", re.compile(r"目標(値)?(を|は|:|\s)*\d|\d[\d.,]*\s*%?\s*(以上|以下|未満)を?目標|KPI.*\d")),
    ("named", re.compile(r"「(?![^」]*(原則|方針|顧客本位))[^」]{2,30}」")),
    ("body", re.compile(r"(取締役会|経営会議|[^\s、。・はがをにでと]{2,}"
                        r"(委員会|会議|推進部|営業部|企画部|統括部|管理部|"
                        r"サポート部|部門長|室|センター))")),
)
_WEAK: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("measure", re.compile(r"シート|システム|シミュレーション|チェックリスト|確認書|規程|様式|提案書|比較表|ツール|"
                           r"タブレット|研修|セミナー|資格|アンケート")),
    ("action", re.compile(r"事前(に)?(承認|審査|面談)|全件|必ず|廃止|導入|配置|交付|記録|抽出|点検|除外|停止|補助")),
    ("kpi", re.compile(r"KPI|指標")),
)


@dataclass(frozen=True)
class Signals:
    """What makes a sentence concrete: the strong and weak signals found, with the words that showed them."""

    strong: tuple[tuple[str, str], ...]
    weak: tuple[tuple[str, str], ...]

    @property
    def concrete(self) -> bool:
        """One strong signal, or two weak ones of different kinds or words."""
        return bool(self.strong) or len({w for _k, w in self.weak}) >= 2

    def words(self) -> list[str]:
        """The words that showed the signals, for the evidence column."""
        return [w for _k, w in (*self.strong, *self.weak)]


def signals(sentence: str) -> Signals:
    """The concreteness signals of one sentence."""
    text = _REF.sub(" ", nfkc(sentence))
    strong = tuple((k, m.group(0)) for k, p in _STRONG for m in p.finditer(text))
    weak = tuple((k, m.group(0)) for k, p in _WEAK for m in p.finditer(text))
    return Signals(strong, weak)
