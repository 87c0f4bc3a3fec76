"""Institution URLs."""

from __future__ import annotations

from django.urls import path

from kansa.web.org import views

app_name = "org"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<str:code>/", views.institution_detail, name="institution_detail"),
    path("institutions/<str:code>/users/", views.user_create, name="user_create"),
]
