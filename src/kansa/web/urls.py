"""The URLconf: every pattern here is enumerated by the permission-matrix test."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("kansa.web.org.urls")),
    path("accounts/", include("kansa.web.accounts.urls")),
    path("trail/", include("kansa.web.trail.urls")),
    path("scans/", include("kansa.web.scans.urls")),
    path("assessments/", include("kansa.web.assessments.urls")),
    path("audit/", include("kansa.web.audit.urls")),
    path("fd/", include("kansa.web.fd.urls")),
]
