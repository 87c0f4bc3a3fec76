"""Self-assessment URLs."""

from __future__ import annotations

from django.urls import path

from kansa.web.assessments import reports, views

app_name = "assessments"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/answer/", views.answer, name="answer"),
    path("rounds/<int:pk>/answer/save/", views.answer_save, name="answer_save"),
    path("rounds/<int:pk>/workbook/", views.workbook, name="workbook"),
    path("rounds/<int:pk>/upload/", views.upload, name="upload"),
    path("rounds/<int:pk>/benchmark/", reports.benchmark, name="benchmark"),
    path("runs/<int:pk>/", reports.run_detail, name="run_detail"),
    path("runs/<int:pk>/feedback/<str:code>/", reports.feedback, name="feedback"),
    path("runs/<int:pk>/feedback/<str:code>/pdf/", reports.feedback_pdf, name="feedback_pdf"),
]
