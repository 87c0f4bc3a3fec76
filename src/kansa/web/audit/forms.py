"""The audit screens' forms: only shapes and limits; every audit rule is kansa.audit's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kansa.audit.model import ENGAGEMENT_TYPES, ENTITY_KINDS, ROOT_CAUSES, SEVERITIES, TEAM_ROLES
from kansa.contract.schema import TABLES


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class OverrideForm(forms.Form):
    """A manual risk score; the reason is required (kansa.audit refuses a blank one too)."""

    inherent = forms.FloatField(label=_("固有リスク"), min_value=1, max_value=5)
    control = forms.FloatField(label=_("統制リスク"), min_value=1, max_value=5)
    reason = forms.CharField(label=_("理由"), max_length=2000)


class PlanForm(forms.Form):
    """A new draft plan for a fiscal year."""

    fiscal_year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    capacity_days = forms.FloatField(label=_("監査要員日数"), min_value=0)


class PlanChangeForm(forms.Form):
    """Add or remove one engagement, or change the capacity."""

    add = forms.CharField(label=_("追加する監査"), required=False, max_length=200)
    remove = forms.CharField(label=_("外す監査"), required=False, max_length=200)
    capacity_days = forms.FloatField(label=_("監査要員日数"), required=False, min_value=0)


class EngagementForm(forms.Form):
    """A new engagement on one or more entities of the universe."""

    title = forms.CharField(label=_("件名"), max_length=200)
    type = forms.ChoiceField(label=_("種類"), choices=_choices(ENGAGEMENT_TYPES))
    entities = forms.CharField(label=_("対象（ID、カンマ区切り）"), max_length=2000)
    days = forms.FloatField(label=_("日数"), min_value=0)
    quarter = forms.IntegerField(label=_("四半期"), min_value=1, max_value=4)


class TeamForm(forms.Form):
    """A member of the engagement team."""

    name = forms.CharField(label=_("氏名"), max_length=200)
    role = forms.ChoiceField(label=_("役割"), choices=_choices(TEAM_ROLES))


class PhaseForm(forms.Form):
    """The next phase."""

    after = forms.CharField(label=_("次の段階"), max_length=20)


class SampleForm(forms.Form):
    """Attribute sample from the latest scan's flags; the seed is recorded."""

    seed = forms.IntegerField(label=_("乱数シード"))
    confidence = forms.FloatField(label=_("信頼度"), initial=0.95)
    tolerable_rate = forms.FloatField(label=_("許容逸脱率"), initial=0.05)
    stratified = forms.BooleanField(label=_("ルール・支店で層化"), required=False)


class TestResultForm(forms.Form):
    """The result of testing one sampled item."""

    sample = forms.CharField(max_length=200)
    key = forms.CharField(max_length=400)
    result = forms.ChoiceField(label=_("結果"), choices=[("pass", "pass"), ("exception", "exception")])
    note = forms.CharField(label=_("メモ"), required=False, max_length=2000)


class FindingForm(forms.Form):
    """A finding with condition, criteria, cause, effect, root-cause category and the true cause."""

    entity = forms.CharField(label=_("対象"), max_length=200)
    title = forms.CharField(label=_("件名"), max_length=200)
    condition = forms.CharField(label=_("事実（状況）"), widget=forms.Textarea, max_length=4000)
    criteria = forms.CharField(label=_("基準"), widget=forms.Textarea, max_length=4000)
    cause = forms.CharField(label=_("原因"), widget=forms.Textarea, max_length=4000)
    effect = forms.CharField(label=_("影響"), widget=forms.Textarea, max_length=4000)
    severity = forms.ChoiceField(label=_("重要度"), choices=_choices(SEVERITIES))
    root_cause = forms.ChoiceField(label=_("根本原因の区分"), choices=_choices(ROOT_CAUSES))
    true_cause = forms.CharField(label=_("真因"), widget=forms.Textarea, max_length=4000)
    owner = forms.ChoiceField(label=_("改善責任者"), choices=[])
    due = forms.DateField(label=_("期限"))
    remediation = forms.CharField(label=_("改善計画"), widget=forms.Textarea, required=False, max_length=4000)

    def __init__(self, *args: object, owners: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(o, o) for o in owners or []]


class MoveForm(forms.Form):
    """A finding's next status (kansa.audit decides whether it is legal)."""

    after = forms.CharField(max_length=20)
    remediation = forms.CharField(required=False, max_length=4000)


class RetestForm(forms.Form):
    """Audit's re-test of the remediation."""

    passed = forms.BooleanField(label=_("再検証で有効と確認"), required=False)
    note = forms.CharField(label=_("メモ"), required=False, max_length=2000)


class EntityEditForm(forms.Form):
    """What the head of audit edits on an entity: name, owner, cycle, last audited, the auditors' judgement."""

    name = forms.CharField(label=_("名称"), max_length=200)
    owner = forms.CharField(label=_("所管"), max_length=200, required=False)
    cycle_months = forms.IntegerField(label=_("監査周期（月）"), min_value=1, max_value=120)
    last_audited = forms.DateField(label=_("前回監査"), required=False)
    inherent_judgement = forms.FloatField(label=_("固有リスクの判断（1〜5）"), min_value=1, max_value=5)
    control_judgement = forms.FloatField(label=_("統制リスクの判断（1〜5）"), min_value=1, max_value=5)


class EntityForm(EntityEditForm):
    """A new entity by hand: its type and a key unique within the type (the id becomes type:key)."""

    kind = forms.ChoiceField(label=_("種類"), choices=_choices(ENTITY_KINDS))
    key = forms.RegexField(label=_("キー"), max_length=50, regex=r"^[\w\-.]+$")   # the trail keeps 64
    field_order = ["kind", "key", "name", "owner", "cycle_months", "last_audited", "inherent_judgement",
                   "control_judgement"]


class RetireForm(forms.Form):
    """Retiring an entity: from when and why."""

    on = forms.DateField(label=_("廃止日"))
    reason = forms.CharField(label=_("理由"), max_length=2000)


class StepForm(forms.Form):
    """One work-program step of the library, by id."""

    step = forms.CharField(label=_("監査手続"), max_length=40)


class ConcludeForm(forms.Form):
    """A step done, with its conclusion."""

    step = forms.CharField(max_length=40)
    conclusion = forms.CharField(label=_("結論"), max_length=4000)


class TableSampleForm(forms.Form):
    """An attribute sample of one contract table of an uploaded data folder (zip), random or stratified."""

    data = forms.FileField(label=_("データフォルダ（zip）"))
    table = forms.ChoiceField(label=_("表"), choices=[(t, t) for t in sorted(TABLES)], initial="trades")
    strata = forms.CharField(label=_("層化する列（カンマ区切り、空欄なら無作為）"), max_length=400, required=False)
    seed = forms.IntegerField(label=_("乱数シード"))
    confidence = forms.FloatField(label=_("信頼度"), initial=0.95)
    tolerable_rate = forms.FloatField(label=_("許容逸脱率"), initial=0.05)
