"""Sign-in URLs."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from kansa.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=False), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("mfa/", views.mfa, name="mfa"),
    path("mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("language/", views.language, name="language"),
]
