"""見える化 URLs: the supervisor's comparison and submissions, an institution's policies and say-do decisions."""

from __future__ import annotations

from django.urls import path

from kansa.web.fd import compare_views, policy_views

app_name = "fd_web"
urlpatterns = [
    path("", policy_views.home, name="home"),
    path("compare/", compare_views.compare, name="compare"),
    path("compare/download/<str:fmt>/", compare_views.compare_download, name="compare_download"),
    path("submissions/", compare_views.submissions, name="submissions"),
    path("institutions/<str:code>/", policy_views.policies, name="policies"),
    path("institutions/<str:code>/upload/", policy_views.upload, name="upload"),
    path("institutions/<str:code>/decide/", policy_views.decide, name="decide"),
]
