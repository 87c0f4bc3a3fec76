"""Trail URLs (read-only)."""

from __future__ import annotations

from django.urls import path

from kansa.web.trail import views

app_name = "trail"
urlpatterns = [path("", views.event_list, name="event_list")]
