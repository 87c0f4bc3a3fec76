"""Scan and flag URLs."""

from __future__ import annotations

from django.urls import path

from kansa.web.scans import review, views, work

app_name = "scans"
urlpatterns = [
    path("", views.scan_list, name="scan_list"),
    path("<int:pk>/", views.scan_detail, name="scan_detail"),
    path("<int:pk>/flags/", views.flag_list, name="flag_list"),
    path("<int:pk>/heatmap/", review.heatmap, name="heatmap"),
    path("<int:pk>/compare/<int:base>/", work.compare, name="compare"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/explain/", work.explain, name="explain"),
    path("flags/<int:pk>/dispose/", work.dispose, name="dispose"),
]
