"""Institutions and the one role each person holds (at one institution, or supervisor across all)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionType(models.TextChoices):
    """Kinds of institution the platform serves."""

    REGIONAL_BANK = "regional_bank", _("地方銀行")
    SHINKIN = "shinkin", _("信用金庫")
    SHINKUMI = "shinkumi", _("信用組合")
    SECURITIES = "securities", _("証券会社")
    INSURER = "insurer", _("保険会社")
    OTHER = "other", _("その他")


class SizeBand(models.TextChoices):
    """Size bands used for peer cohorts (total assets)."""

    SMALL = "small", _("小規模")
    MEDIUM = "medium", _("中規模")
    LARGE = "large", _("大規模")


class Institution(models.Model):
    """A supervised financial institution."""

    code = models.CharField(_("コード"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    type = models.CharField(_("業態"), max_length=20, choices=InstitutionType.choices)
    size_band = models.CharField(_("規模"), max_length=10, choices=SizeBand.choices, default=SizeBand.MEDIUM)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    """Roles: the three lines, management, the institution's admin, and the supervisor."""

    AUDITOR = "auditor", _("内部監査（第3線）")
    BUSINESS_LINE = "business_line", _("営業部門（第1線）")
    RISK_COMPLIANCE = "risk_compliance", _("リスク管理・コンプライアンス（第2線）")
    MANAGEMENT = "management", _("経営陣")
    ADMIN = "admin", _("管理者")
    SUPERVISOR = "supervisor", _("監督当局")


# plain strings for code (the TextChoices above are for forms and display)
AUDITOR, BUSINESS_LINE, RISK_COMPLIANCE, MANAGEMENT, ADMIN, SUPERVISOR = (
    "auditor", "business_line", "risk_compliance", "management", "admin", "supervisor")
ROLES: tuple[str, ...] = (AUDITOR, BUSINESS_LINE, RISK_COMPLIANCE, MANAGEMENT, ADMIN, SUPERVISOR)
INSTITUTION_ROLES: tuple[str, ...] = ROLES[:-1]


class Membership(models.Model):
    """A user's single role; the institution is empty exactly when the role is supervisor."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="members")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    language = models.CharField(_("表示言語"), max_length=2, choices=[("ja", "日本語"), ("en", "English")],
                                default="ja")

    class Meta:
        constraints = [models.CheckConstraint(
            name="supervisor_has_no_institution",
            condition=(models.Q(role="supervisor", institution__isnull=True)
                       | (~models.Q(role="supervisor") & models.Q(institution__isnull=False))))]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.institution or '*'}"
