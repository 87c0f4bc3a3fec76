"""Audit book URLs."""

from __future__ import annotations

from django.urls import path

from kansa.web.audit import evidence, program, reports, universe, views, work

app_name = "audit"
urlpatterns = [
    path("", views.home, name="home"),
    path("universe/", views.universe_build, name="universe_build"),
    path("entities/<int:pk>/", views.entity, name="entity"),
    path("entities/<int:pk>/override/", views.entity_override, name="entity_override"),
    path("entities/new/", universe.entity_create, name="entity_create"),
    path("entities/<int:pk>/edit/", universe.entity_edit, name="entity_edit"),
    path("entities/<int:pk>/retire/", universe.entity_retire, name="entity_retire"),
    path("plans/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/change/", views.plan_change, name="plan_change"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("engagements/", work.engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/", work.engagement, name="engagement"),
    path("engagements/<int:pk>/team/", work.engagement_team, name="engagement_team"),
    path("engagements/<int:pk>/phase/", work.engagement_phase, name="engagement_phase"),
    path("engagements/<int:pk>/sample/", work.engagement_sample, name="engagement_sample"),
    path("engagements/<int:pk>/evidence/", evidence.engagement_evidence, name="engagement_evidence"),
    path("engagements/<int:pk>/report/", reports.engagement_report, name="engagement_report"),
    path("engagements/<int:pk>/steps/add/", program.step_add, name="step_add"),
    path("engagements/<int:pk>/steps/remove/", program.step_remove, name="step_remove"),
    path("engagements/<int:pk>/steps/done/", program.step_done, name="step_done"),
    path("engagements/<int:pk>/table-sample/", program.table_sample, name="table_sample"),
    path("engagements/<int:pk>/test/", work.sample_test, name="sample_test"),
    path("engagements/<int:pk>/finding/", work.finding_create, name="finding_create"),
    path("findings/<int:pk>/", work.finding, name="finding"),
    path("findings/<int:pk>/move/", work.finding_move, name="finding_move"),
    path("findings/<int:pk>/retest/", work.finding_retest, name="finding_retest"),
    path("escalate/", reports.escalate, name="escalate"),
    path("board-report/", reports.board_report, name="board_report"),
]
