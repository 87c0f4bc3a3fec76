"""WSGI entry point for gunicorn (`kansa web serve`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansa.web.settings")
application = get_wsgi_application()
