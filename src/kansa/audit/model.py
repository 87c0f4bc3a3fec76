"""The audit book's records as plain dataclasses: entities, risk, plans, engagements, findings, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ENTITY_KINDS = ("branch", "business_line", "product", "product_type", "process", "system", "third_party", "theme")
THEMES = ("conduct", "culture_incentives", "business_model", "cyber")
ENGAGEMENT_TYPES = ("compliance", "theme", "culture", "business_model", "system_audit")
PHASES = ("planning", "fieldwork", "reporting", "closed")
TEAM_ROLES = ("in_house", "co_source", "system_auditor")
SEVERITIES = ("high", "medium", "low")
ROOT_CAUSES = ("people", "process", "technology", "governance", "culture_incentives", "third_party")
FINDING_STATUSES = ("identified", "agreed", "remediating", "validated", "closed")
PLAN_STATUSES = ("draft", "submitted", "approved")
TEST_RESULTS = ("untested", "pass", "exception")


@dataclass
class Event:
    """One state change for the tamper-evident trail: who did what to which record, before and after."""

    who: str
    when: datetime
    what: str
    record: str
    before: Any = None
    after: Any = None


@dataclass
class Override:
    """A manual risk score set by a person, with the reason the trail keeps."""

    inherent: float
    control: float
    reason: str
    by: str
    at: datetime


@dataclass
class Entity:
    """One auditable entity of the universe."""

    id: str
    kind: str
    name: str
    owner: str = ""
    cycle_months: int = 36
    last_audited: date | None = None
    inherent_judgement: float = 2.0   # 1 (low) .. 5 (high): the auditors' own view before data
    control_judgement: float = 2.0
    override: Override | None = None
    retired_on: date | None = None      # retired by hand: kept for history, no longer scored or planned
    retired_reason: str = ""


@dataclass
class TeamMember:
    """An auditor on an engagement: in-house, co-source partner or system auditor."""

    name: str
    role: str = "in_house"


@dataclass
class Step:
    """One work-program test step, from the library, with its links to kansa rules and framework questions."""

    id: str
    title: str
    rule_ids: list[str] = field(default_factory=list)
    question_ids: list[str] = field(default_factory=list)
    done: bool = False
    conclusion: str = ""


@dataclass
class Evidence:
    """An evidence file kept by hash (never executed, never opened by kansa beyond reading its bytes)."""

    name: str
    sha256: str
    size: int
    media_type: str
    stored_as: str
    added_by: str
    added_at: datetime


@dataclass
class SampleItem:
    """One sampled record and what the auditor found when testing it."""

    key: str
    stratum: str = ""
    result: str = "untested"
    note: str = ""
    row: dict[str, str] = field(default_factory=dict)   # the sampled row's values (table samples), as text


@dataclass
class Sample:
    """A drawn sample: its source, method, seed and size rationale, and the items with test results."""

    id: str
    source: str
    method: str
    seed: int
    confidence: float
    tolerable_rate: float
    expected_rate: float
    population: int
    items: list[SampleItem] = field(default_factory=list)


@dataclass
class Engagement:
    """One audit engagement of the plan."""

    id: str
    title: str
    type: str
    entity_ids: list[str]
    days: float
    quarter: int = 1                    # fiscal quarter it is planned in (1 = Apr-Jun)
    phase: str = "planning"
    team: list[TeamMember] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    closed_on: date | None = None


@dataclass
class Retest:
    """Audit's re-test of a remediated finding."""

    by: str
    on: date
    passed: bool
    note: str = ""


@dataclass
class Finding:
    """An audit finding with its true cause (真因) and its remediation follow-up."""

    id: str
    engagement_id: str
    entity_id: str
    title: str
    condition: str
    criteria: str
    cause: str
    effect: str
    severity: str
    root_cause: str
    true_cause: str
    owner: str
    due: date
    remediation: str = ""
    status: str = "identified"
    identified_on: date | None = None
    retest: Retest | None = None
    closed_on: date | None = None


@dataclass
class PlanVersion:
    """An approved earlier version of a plan, kept when a change reopens it."""

    version: int
    engagement_ids: list[str]
    capacity_days: float
    approved_by: str
    approved_at: datetime


@dataclass
class Plan:
    """The annual audit plan of one fiscal year (April to March) and its approval state."""

    fiscal_year: int
    capacity_days: float
    engagement_ids: list[str] = field(default_factory=list)
    status: str = "draft"
    version: int = 1
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    history: list[PlanVersion] = field(default_factory=list)


@dataclass
class Book:
    """Everything the third line of one institution keeps: the audit book."""

    institution: str
    entities: dict[str, Entity] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)          # key: fiscal year as text (JSON keys)
    engagements: dict[str, Engagement] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
