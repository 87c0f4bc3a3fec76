"""Every table of the data contract (../shared/contract/conduct.md and cyber.md) as code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

ColumnType = Literal["string", "date", "datetime", "int", "decimal", "rate", "bool", "enum"]
Domain = Literal["conduct", "cyber"]


@dataclass(frozen=True)
class Column:
    """One contract column: its type, whether it is required, and the checks on its values."""

    name: str
    type: ColumnType
    required: bool = False
    pk: bool = False  # part of the primary key
    fk: str | None = None  # "table.column" it refers to
    enum: tuple[str, ...] = ()
    min: float | None = None  # inclusive range for int, decimal and rate
    max: float | None = None
    nonnegative: bool = False  # money: a value below 0 is `negative_amount`, not `out_of_range`
    pattern: str | None = None  # regular expression a string must match (e.g. ISO 4217)
    default_sql: str | None = None  # SQL over the same row that fills an empty value


@dataclass(frozen=True)
class TableSchema:
    """One contract table: its columns in contract order and the domain it belongs to."""

    name: str
    domain: Domain
    columns: tuple[Column, ...]
    label: dict[str, str] = field(default_factory=dict)

    @property
    def primary_key(self) -> tuple[str, ...]:
        """Names of the primary-key columns (empty when the table has none)."""
        return tuple(c.name for c in self.columns if c.pk)

    @property
    def foreign_keys(self) -> tuple[Column, ...]:
        """Columns that refer to another table."""
        return tuple(c for c in self.columns if c.fk)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the columns that must be present and filled."""
        return tuple(c.name for c in self.columns if c.required or c.pk)

    def column(self, name: str) -> Column:
        """The column called `name` (KeyError when the table has none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in contract order."""
        return tuple(c.name for c in self.columns)


def _s(name: str, **kw: Any) -> Column:
    return Column(name, "string", **kw)


def _e(name: str, values: tuple[str, ...], **kw: Any) -> Column:
    return Column(name, "enum", enum=values, **kw)


def _money(name: str, type_: ColumnType = "decimal", **kw: Any) -> Column:
    return Column(name, type_, nonnegative=True, **kw)


def _grade(name: str, **kw: Any) -> Column:
    return Column(name, "int", min=1, max=5, **kw)


# early_exit: sell or redeem at market (liquid), only at a penalty or large loss (at_cost), or not at all (none)
EARLY_EXIT = ("liquid", "at_cost", "none")

PRODUCT_TYPES = (
    "investment_trust",
    "structured_bond",
    "foreign_currency_insurance",
    "bond",
    "equity",
    "etf",
    "deposit",
    "other",
)
SEVERITIES = ("high", "medium", "low")

_CONDUCT: tuple[TableSchema, ...] = (
    TableSchema(
        "customers",
        "conduct",
        (
            _s("customer_id", pk=True),
            _s("household_id", default_sql="customer_id"),
            Column("birth_date", "date", required=True),
            _s("branch_id", required=True, fk="branches.branch_id"),
            _e("investment_experience", ("none", "under_1y", "1_to_5y", "over_5y"), required=True),
            _grade("risk_tolerance", required=True),
            _e("investment_purpose", ("preservation", "income", "balanced", "growth", "speculation"), required=True),
            _money("financial_assets_jpy", "int"),
            _money("annual_income_jpy", "int"),
            Column("cognitive_check_date", "date"),
            Column("is_professional", "bool"),
            Column("opened_on", "date"),
        ),
        {"ja": "顧客", "en": "customers"},
    ),
    TableSchema(
        "products",
        "conduct",
        (
            _s("product_id", pk=True),
            _s("name", required=True),
            _e("product_type", PRODUCT_TYPES, required=True),
            _grade("risk_class", required=True),
            Column("is_complex", "bool", required=True),
            Column("is_caution_product", "bool", default_sql="(is_complex OR risk_class >= 4)"),
            Column("is_affiliated", "bool"),
            _s("currency", pattern=r"^[A-Z]{3}$", default_sql="'JPY'"),
            Column("upfront_fee_rate", "rate", min=0, max=100),
            Column("annual_cost_rate", "rate", min=0, max=100),
            Column("implied_cost_rate", "rate", min=0, max=100),
            Column("inception_date", "date"),
            Column("maturity_date", "date"),
            # can the customer leave before maturity: liquid | at_cost | none (empty: default per product type)
            _e("early_exit", EARLY_EXIT),
            Column("knock_in_level", "rate", min=0, max=1000),
            Column("return_5y_annualized", "rate"),
            Column("risk_5y_annualized", "rate", min=0),
            Column("is_money_market", "bool"),
        ),
        {"ja": "商品", "en": "products"},
    ),
    TableSchema(
        "trades",
        "conduct",
        (
            _s("trade_id", pk=True),
            Column("trade_date", "date", required=True),
            _s("customer_id", required=True, fk="customers.customer_id"),
            _s("product_id", required=True, fk="products.product_id"),
            _e("side", ("buy", "sell"), required=True),
            _money("amount_jpy", required=True),
            _money("fee_jpy"),
            _s("branch_id", required=True, fk="branches.branch_id"),
            _s("staff_id", fk="staff.staff_id"),
            _e("channel", ("face_to_face", "phone", "online", "ifa"), required=True),
            Column("solicited", "bool"),
            Column("solicitation_date", "date"),
            _s("switch_group_id"),
            Column("manager_approval_at", "datetime"),
            Column("post_trade_contact_at", "datetime"),
            _s("post_trade_contact_by", fk="staff.staff_id"),
            Column("explanation_recorded", "bool"),
        ),
        {"ja": "取引", "en": "trades"},
    ),
    TableSchema(
        "positions",
        "conduct",
        (
            Column("as_of_date", "date", pk=True),
            _s("customer_id", pk=True, fk="customers.customer_id"),
            _s("product_id", pk=True, fk="products.product_id"),
            _money("market_value_jpy", required=True),
            _money("cumulative_purchase_jpy", required=True),
            _money("cumulative_sale_jpy", default_sql="0"),
            _money("cumulative_distribution_jpy", default_sql="0"),
        ),
        {"ja": "保有残高", "en": "positions"},
    ),
    TableSchema(
        "complaints",
        "conduct",
        (
            _s("complaint_id", pk=True),
            Column("received_date", "date", required=True),
            _e("kind", ("inquiry", "complaint", "dispute"), required=True),
            _s("customer_id", fk="customers.customer_id"),
            _s("product_id", fk="products.product_id"),
            _e("product_type", PRODUCT_TYPES),
            _s("branch_id", fk="branches.branch_id"),
            _s("staff_id", fk="staff.staff_id"),
            _e(
                "category",
                ("explanation", "suitability", "fees", "unauthorized_trade", "churning", "service", "other"),
            ),
            _s("text"),
            Column("closed_date", "date"),
        ),
        {"ja": "苦情", "en": "complaints"},
    ),
    TableSchema(
        "branches",
        "conduct",
        (_s("branch_id", pk=True), _s("name", required=True), _s("region")),
        {"ja": "店舗", "en": "branches"},
    ),
    TableSchema(
        "staff",
        "conduct",
        (
            _s("staff_id", pk=True),
            _s("branch_id", required=True, fk="branches.branch_id"),
            _e("role", ("sales", "manager", "back_office", "other"), required=True),
            Column("hired_on", "date"),
        ),
        {"ja": "職員", "en": "staff"},
    ),
)

_CYBER: tuple[TableSchema, ...] = (
    TableSchema(
        "assets",
        "cyber",
        (
            _s("asset_id", pk=True),
            _s("name", required=True),
            _e(
                "asset_type",
                (
                    "server",
                    "endpoint",
                    "network_device",
                    "cloud_service",
                    "saas",
                    "application",
                    "database",
                    "storage",
                    "other",
                ),
                required=True,
            ),
            _s("owner"),
            _s("department"),
            _e("classification", ("secret", "confidential", "internal", "public")),
            _grade("criticality"),
            _e("environment", ("production", "staging", "development")),
            _e("location", ("onprem", "cloud", "vendor", "overseas")),
            Column("internet_facing", "bool"),
            Column("vendor_managed", "bool"),
            _s("os_name"),
            _s("os_version"),
            Column("last_inventory_date", "date"),
            Column("decommissioned_on", "date"),
        ),
        {"ja": "情報資産台帳", "en": "assets"},
    ),
    TableSchema(
        "software",
        "cyber",
        (
            _s("asset_id", required=True, fk="assets.asset_id"),
            _s("vendor", required=True),
            _s("product", required=True),
            _s("version", required=True),
            _s("cpe"),
            Column("installed_on", "date"),
            Column("end_of_support", "date"),
            Column("last_patched_on", "date"),
        ),
        {"ja": "ソフトウェア", "en": "software"},
    ),
    TableSchema(
        "accounts",
        "cyber",
        (
            _s("account_id", pk=True),
            _s("asset_id", required=True, fk="assets.asset_id"),
            _s("username", required=True),
            _s("owner_staff_id"),
            Column("is_privileged", "bool", required=True),
            _e("status", ("active", "disabled", "locked"), required=True),
            Column("created_on", "date"),
            Column("last_login_at", "datetime"),
            Column("password_changed_on", "date"),
            Column("mfa_enabled", "bool"),
            Column("disabled_on", "date"),
        ),
        {"ja": "アカウント", "en": "accounts"},
    ),
    TableSchema(
        "privileged_access_requests",
        "cyber",
        (
            _s("request_id", pk=True),
            _s("asset_id", required=True, fk="assets.asset_id"),
            _s("username", required=True),
            _s("requested_by", required=True),
            _s("approved_by"),
            Column("approved_at", "datetime"),
            Column("window_start", "datetime", required=True),
            Column("window_end", "datetime", required=True),
            _s("purpose"),
        ),
        {"ja": "特権ID利用申請", "en": "privileged access requests"},
    ),
    TableSchema(
        "access_events",
        "cyber",
        (
            Column("event_time", "datetime", required=True),
            _s("asset_id"),
            _s("host", required=True),
            _s("username", required=True),
            _e(
                "event_type",
                (
                    "logon",
                    "logon_failed",
                    "logoff",
                    "privileged_logon",
                    "explicit_credentials",
                    "sudo",
                    "su",
                    "account_created",
                    "group_member_added",
                    "other",
                ),
                required=True,
            ),
            _s("source_ip"),
            _s("logon_type"),
            _s("source", required=True),
        ),
        {"ja": "アクセスログ", "en": "access events"},
    ),
    TableSchema(
        "log_reviews",
        "cyber",
        (
            _s("asset_id", required=True, fk="assets.asset_id"),
            Column("period_start", "date", required=True),
            Column("period_end", "date", required=True),
            _s("reviewed_by", required=True),
            Column("reviewed_at", "datetime", required=True),
        ),
        {"ja": "ログ監視記録", "en": "log reviews"},
    ),
    TableSchema(
        "backups",
        "cyber",
        (
            # One row per kept copy; flags name a backup `asset_id:copy_id`, so the pair is the key.
            _s("asset_id", pk=True, fk="assets.asset_id"),
            _s("copy_id", pk=True),
            _e("media", ("disk", "tape", "object_storage", "cloud_service", "other"), required=True),
            _e("location", ("onsite", "offsite", "cloud"), required=True),
            Column("offline_or_immutable", "bool", required=True),
            Column("last_success_at", "datetime"),
            Column("last_restore_test_at", "datetime"),
            _e("restore_test_result", ("pass", "fail")),
        ),
        {"ja": "バックアップ", "en": "backups"},
    ),
    TableSchema(
        "incidents",
        "cyber",
        (
            _s("incident_id", pk=True),
            Column("detected_at", "datetime", required=True),
            Column("reported_at", "datetime"),
            _e(
                "category",
                (
                    "ransomware",
                    "unauthorized_access",
                    "data_leak",
                    "ddos",
                    "phishing",
                    "fraudulent_transfer",
                    "web_defacement",
                    "supply_chain",
                    "other",
                ),
                required=True,
            ),
            _e("severity", SEVERITIES, required=True),
            _s("asset_ids"),
            Column("customers_affected", "int", min=0),
            _e("status", ("open", "contained", "closed"), required=True),
            Column("closed_at", "datetime"),
            _s("root_cause"),
        ),
        {"ja": "インシデント", "en": "incidents"},
    ),
)

TABLES: dict[str, TableSchema] = {t.name: t for t in (*_CONDUCT, *_CYBER)}

_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    "string": pa.string(),
    "enum": pa.string(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "int": pa.int64(),
    "decimal": pa.float64(),
    "rate": pa.float64(),
    "bool": pa.bool_(),
}


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a contract column is loaded as (datetimes: naive Asia/Tokyo wall time)."""
    return _ARROW_TYPES[column.type]


def arrow_schema(table: str) -> pa.Schema:
    """The typed Arrow schema of a contract table, columns in contract order."""
    spec = TABLES[table]
    return pa.schema([pa.field(c.name, arrow_type(c)) for c in spec.columns])


def tables_of(domain: Domain | None) -> list[str]:
    """Names of the contract tables of one domain (or of all, when domain is None)."""
    return [name for name, t in TABLES.items() if domain is None or t.domain == domain]


def empty_table(table: str) -> pa.Table:
    """A typed table with no rows, for a contract table absent from a batch."""
    return arrow_schema(table).empty_table()
