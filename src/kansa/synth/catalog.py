"""The institution's fixed parts: branch names, the product shelf (Japanese names), complaint texts."""
# ruff: noqa: E501  (the shelf is a data table, one product a line)

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kansa.synth.dates import add_years

BRANCH_NAMES: tuple[tuple[str, str], ...] = (
    ("本店営業部", "近畿"), ("梅田支店", "近畿"), ("難波支店", "近畿"), ("天王寺支店", "近畿"), ("京橋支店", "近畿"),
    ("堺支店", "近畿"), ("豊中支店", "近畿"), ("吹田支店", "近畿"), ("枚方支店", "近畿"), ("東大阪支店", "近畿"),
    ("京都支店", "近畿"), ("四条烏丸支店", "近畿"), ("神戸支店", "近畿"), ("三宮支店", "近畿"), ("西宮支店", "近畿"),
    ("姫路支店", "近畿"), ("奈良支店", "近畿"), ("和歌山支店", "近畿"), ("大津支店", "近畿"), ("草津支店", "近畿"),
    ("東京支店", "関東"), ("日本橋支店", "関東"), ("新宿支店", "関東"), ("横浜支店", "関東"), ("大宮支店", "関東"),
    ("千葉支店", "関東"), ("名古屋支店", "中部"), ("栄支店", "中部"), ("岐阜支店", "中部"), ("静岡支店", "中部"),
    ("浜松支店", "中部"), ("金沢支店", "北陸"), ("富山支店", "北陸"), ("福井支店", "北陸"), ("岡山支店", "中国"),
    ("広島支店", "中国"), ("福山支店", "中国"), ("高松支店", "四国"), ("松山支店", "四国"), ("徳島支店", "四国"),
    ("福岡支店", "九州"), ("博多駅前支店", "九州"), ("北九州支店", "九州"), ("熊本支店", "九州"), ("鹿児島支店", "九州"),
    ("仙台支店", "東北"), ("札幌支店", "北海道"), ("茨木支店", "近畿"), ("高槻支店", "近畿"), ("八尾支店", "近畿"),
    ("岸和田支店", "近畿"), ("守口支店", "近畿"), ("寝屋川支店", "近畿"), ("池田支店", "近畿"), ("箕面支店", "近畿"),
    ("芦屋支店", "近畿"), ("尼崎支店", "近畿"), ("明石支店", "近畿"), ("加古川支店", "近畿"), ("宝塚支店", "近畿"),
)
# A branch opened a few months ago: too little history for the sales-spike rule.
NEW_BRANCH = ("みなとみらい支店", "関東")


def branch_names(n: int) -> list[tuple[str, str]]:
    """n distinct (name, region) pairs; beyond the list, numbered sub-branches (出張所)."""
    out = list(BRANCH_NAMES[:n])
    k = 0
    while len(out) < n:
        base, region = BRANCH_NAMES[k % len(BRANCH_NAMES)]
        out.append((f"{base.removesuffix('支店').removesuffix('営業部')}第{k // len(BRANCH_NAMES) + 2}出張所", region))
        k += 1
    return out


@dataclass(frozen=True)
class Product:
    """One product on the shelf; dates are years relative to the evaluation date."""

    code: str
    name: str
    product_type: str
    risk_class: int
    is_complex: bool
    is_affiliated: bool
    upfront_fee_rate: float | None
    annual_cost_rate: float | None
    inception_years_ago: float
    maturity_years_after: float | None = None  # None: no maturity
    currency: str = "JPY"
    caution: bool | None = None  # None: the contract default (complex or risk_class >= 4)
    implied_cost_rate: float | None = None
    knock_in_level: float | None = None
    return_5y: float | None = None
    risk_5y: float | None = None
    is_money_market: bool = False
    weight: float = 1.0  # popularity within its type
    online: bool = False  # sold online too

    @property
    def is_caution_product(self) -> bool:
        """勧誘留意商品: explicit, or complex or risk class 4 and above."""
        return self.caution if self.caution is not None else (self.is_complex or self.risk_class >= 4)

    def inception(self, as_of: dt.date) -> dt.date:
        """Inception date."""
        return as_of - dt.timedelta(days=round(self.inception_years_ago * 365.25))

    def maturity(self, as_of: dt.date) -> dt.date | None:
        """Maturity date, if any."""
        if self.maturity_years_after is None:
            return None
        whole = int(self.maturity_years_after)
        rest = round((self.maturity_years_after - whole) * 365.25)
        return add_years(as_of, whole) + dt.timedelta(days=rest)

    def display_name(self, as_of: dt.date) -> str:
        """The name, with the maturity year filled in where the name carries one."""
        m = self.maturity(as_of)
        return self.name.replace("{y}", str(m.year)) if m else self.name


# Structured bonds and bonds sold in the background were on the shelf before the four-year trade window
# opens (newer series S003, B002, B005 join later), so no type's monthly sales ramp up from a launch
# (branch_sales_spike compares a month with the branch's own history).
_IT = "investment_trust"
_SB = "structured_bond"
_FCI = "foreign_currency_insurance"

# fmt: off
PRODUCTS: tuple[Product, ...] = (
    Product("F001", "ひまわり日本株式インデックスファンド", _IT, 3, False, True, 1.1, 0.4, 12, return_5y=11.2, risk_5y=15.8, weight=3, online=True),
    Product("F002", "グローバル株式インデックスファンド（為替ヘッジなし）", _IT, 3, False, False, 0.0, 0.11, 7, return_5y=17.4, risk_5y=16.2, weight=5, online=True),
    Product("F003", "米国S&P500インデックスファンド", _IT, 3, False, False, 0.0, 0.09, 6, return_5y=19.8, risk_5y=17.1, weight=5, online=True),
    Product("F004", "ひまわり米国高配当株ファンド（毎月分配型）", _IT, 3, False, True, 3.3, 1.65, 10, return_5y=9.4, risk_5y=16.9, weight=3),
    Product("F005", "世界好配当インフラ株ファンド（毎月決算型）", _IT, 3, False, False, 3.3, 1.87, 11, return_5y=6.1, risk_5y=14.3, weight=2),
    Product("F006", "グローバルAI関連株式ファンド", _IT, 4, False, False, 3.3, 1.98, 8, return_5y=14.7, risk_5y=24.5, weight=3),
    Product("F007", "ひまわりバランスファンド（安定型）", _IT, 2, False, True, 1.65, 1.1, 15, return_5y=3.1, risk_5y=5.2, weight=3),
    Product("F008", "ひまわりバランスファンド（成長型）", _IT, 3, False, True, 2.2, 1.32, 15, return_5y=8.2, risk_5y=11.0, weight=2),
    Product("F009", "国内債券インデックスファンド", _IT, 2, False, False, 0.0, 0.15, 14, return_5y=-0.8, risk_5y=2.1, weight=2, online=True),
    Product("F010", "新興国債券ファンド（毎月分配型）", _IT, 3, False, False, 2.75, 1.6, 13, return_5y=1.9, risk_5y=10.5, weight=1),
    Product("F011", "J-REITオープン（毎月分配型）", _IT, 3, False, False, 2.2, 1.1, 16, return_5y=2.7, risk_5y=14.9, weight=2),
    Product("F012", "ひまわり日本中小型株ファンド", _IT, 4, False, True, 3.3, 1.76, 9, return_5y=7.7, risk_5y=19.6, weight=2),
    Product("F013", "インド株式ファンド", _IT, 4, False, False, 3.3, 1.9, 7, return_5y=13.8, risk_5y=21.0, weight=2),
    Product("F014", "米国NASDAQ100インデックスファンド", _IT, 4, False, False, 0.0, 0.2, 5.5, return_5y=21.5, risk_5y=22.0, weight=3, online=True),
    Product("F015", "ひまわり先進国株式ファンド", _IT, 3, False, True, 2.2, 1.21, 11, return_5y=13.1, risk_5y=16.4, weight=2),
    Product("F016", "世界株式ターゲット・イヤー2045", _IT, 3, False, False, 1.1, 0.88, 4, weight=1),
    Product("F017", "ひまわりゴールドファンド（為替ヘッジあり）", _IT, 3, False, True, 2.2, 1.0, 8, return_5y=8.9, risk_5y=13.5, weight=1),
    Product("F018", "日経225ブル3倍ファンド", _IT, 5, False, False, 1.1, 1.2, 9, return_5y=12.0, risk_5y=48.0, weight=0.5),
    Product("F019", "マネー・リザーブ・ファンド", _IT, 1, False, True, 0.0, 0.05, 20, return_5y=0.0, risk_5y=0.1, is_money_market=True, weight=1),
    Product("F020", "グローバル・ヘルスケア株式ファンド", _IT, 3, False, False, 3.3, 1.9, 12, return_5y=8.8, risk_5y=15.0, weight=1),
    Product("S001", "日経平均連動デジタルクーポン債（早期償還条項付）{y}年満期", _SB, 4, True, False, 0.0, None, 4.5, 3.2, implied_cost_rate=1.8, knock_in_level=65, weight=3),
    Product("S002", "日経平均株価連動ノックイン債 {y}年満期", _SB, 5, True, False, 0.0, None, 4.5, 4.5, implied_cost_rate=2.1, knock_in_level=60, weight=2),
    Product("S003", "他社株転換可能債（トヨタ自動車株式）{y}年満期", _SB, 5, True, False, 0.0, None, 1.0, 1.4, implied_cost_rate=2.6, knock_in_level=70, weight=2),
    Product("S004", "米ドル建日経平均リンク債 {y}年満期", _SB, 5, True, False, 0.0, None, 5.0, 6.0, currency="USD", implied_cost_rate=2.0, knock_in_level=60, weight=1),
    Product("S005", "日経平均連動早期償還条項付債券 {y}年満期", _SB, 5, True, True, 0.0, None, 5.5, 12.5, implied_cost_rate=1.5, knock_in_level=55, weight=1),
    Product("S006", "パワー・リバース・デュアル・カレンシー債 {y}年満期", _SB, 5, True, False, 0.0, None, 4.0, 26.0, implied_cost_rate=1.2, weight=0.5),
    Product("I001", "米ドル建終身保険", _FCI, 3, False, False, 0.0, 1.0, 10, currency="USD", weight=3),
    Product("I002", "豪ドル建個人年金保険（定額）", _FCI, 3, False, False, 0.0, 0.9, 9, currency="AUD", weight=2),
    Product("I003", "米ドル建一時払終身保険（積立利率変動型）", _FCI, 3, False, True, 0.0, 1.1, 8, currency="USD", weight=2),
    Product("I004", "外貨建変額個人年金保険（米ドル）", _FCI, 4, True, False, 0.0, 2.2, 7, currency="USD", weight=1),
    Product("B001", "個人向け国債（変動10年）", "bond", 1, False, False, 0.0, None, 5.2, 4.8, weight=3),
    Product("B002", "第358回利付国債（10年）{y}年満期", "bond", 2, False, False, 0.0, None, 1.0, 9.0, weight=1),
    Product("B003", "ひまわり銀行 第12回無担保社債 {y}年満期", "bond", 2, False, True, 0.0, None, 4.5, 3.5, weight=1),
    Product("B004", "米国債ストリップス債 {y}年満期", "bond", 3, False, False, 0.0, None, 5.0, 15.0, currency="USD", weight=1),
    Product("B005", "ソフトバンクグループ社債（第60回）{y}年満期", "bond", 3, False, False, 0.0, None, 0.8, 4.0, weight=1),
    Product("E001", "トヨタ自動車（7203）", "equity", 4, False, False, 0.5, None, 40, caution=False, weight=2, online=True),
    Product("E002", "三菱UFJフィナンシャル・グループ（8306）", "equity", 4, False, False, 0.5, None, 40, caution=False, weight=2, online=True),
    Product("E003", "ソニーグループ（6758）", "equity", 4, False, False, 0.5, None, 40, caution=False, weight=1, online=True),
    Product("E004", "関西電力（9503）", "equity", 4, False, False, 0.5, None, 40, caution=False, weight=1, online=True),
    Product("X001", "日経225連動型上場投資信託（1321）", "etf", 4, False, False, 0.3, 0.12, 24, caution=False, weight=2, online=True),
    Product("X002", "東証REIT指数連動型上場投資信託（1343）", "etf", 4, False, False, 0.3, 0.16, 17, caution=False, weight=1, online=True),
    Product("G001", "純金積立", "other", 3, False, True, 1.65, None, 20, weight=1, online=True),
    Product("D001", "普通預金", "deposit", 1, False, True, None, None, 50),
    Product("D002", "スーパー定期預金（1年）", "deposit", 1, False, True, None, None, 50),
)
# fmt: on

# Products sold in the background, by share of holdings at each age band: younger customers buy funds
# online, older ones more insurance, bonds and structured bonds (as in Japanese retail sales).
TYPE_MIX_YOUNG = {_IT: 0.62, _SB: 0.04, _FCI: 0.06, "bond": 0.08, "equity": 0.1, "etf": 0.06, "other": 0.04}
TYPE_MIX_OLD = {_IT: 0.45, _SB: 0.12, _FCI: 0.16, "bond": 0.15, "equity": 0.07, "etf": 0.02, "other": 0.03}

SAFE_FALLBACK = "F009"  # low risk, not complex, no maturity: suitable for anyone

COMPLAINT_TEXTS: dict[str, tuple[str, ...]] = {
    "explanation": (
        "元本割れのリスクについて十分な説明がなかった。",
        "ノックインの仕組みを説明されておらず、損失が出て初めて知った。",
        "重要事項の説明を受けた記憶がない。書面も渡されていない。",
    ),
    "suitability": (
        "預金と同じように安全だと言われて購入したが、高齢の母には理解できない商品だった。",
        "投資経験がないのに複雑な商品を勧められた。自分に合っていない。",
        "老後の生活資金なのにリスクの高い商品を勧誘された。",
    ),
    "fees": (
        "販売手数料が高すぎる。説明された手数料と違う。",
        "信託報酬などのコストが分かりにくい。",
        "解約時に手数料がかかるとは聞いていなかった。",
    ),
    "unauthorized_trade": (
        "注文していないのに買付けが行われていた。",
        "承諾していない売却が実行された。無断売買ではないか。",
    ),
    "churning": (
        "短期間に何度も乗換えを勧められ、手数料ばかり取られた。",
        "購入して半年も経たないのに別のファンドへの乗換えを勧められた。回転売買ではないか。",
    ),
    "service": (
        "窓口の待ち時間が長く、担当者の対応が悪かった。",
        "電話がつながらない。折り返しの連絡もない。",
        "担当者の言葉遣いが不快だった。",
    ),
    "other": (
        "相続の手続きについて相談したい。",
        "運用報告書の見方を教えてほしい。",
        "住所変更の手続き方法を知りたい。",
    ),
}
