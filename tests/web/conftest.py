"""Django for the web tests: SQLite by default, PostgreSQL when KANSA_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

# production-like settings: secure cookies, HSTS; only the TLS redirect is off (the test client speaks http)
os.environ["KANSA_SECRET_KEY"] = "test-secret-key-not-for-production-" + "x" * 20
os.environ["KANSA_DEBUG"] = "0"
os.environ["KANSA_BEHIND_PROXY"] = "1"
os.environ["KANSA_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DATABASE_URL"] = os.environ.get("KANSA_TEST_DATABASE_URL", "sqlite:///:memory:")
os.environ["DJANGO_SETTINGS_MODULE"] = "kansa.web.settings"

import django
from django.conf import settings

django.setup()
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
    None if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else f"test_kansa_web_{_worker}")
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; validators still run
# each test process unpacks uploads in its own folder: scan ids restart per test database, so shared folders collide
settings.KANSA_UPLOAD_DIR = tempfile.mkdtemp(prefix=f"kansa-web-uploads-{_worker}-")


@pytest.fixture(scope="session", autouse=True)
def django_test_db() -> Iterator[None]:
    """One test database per test process, destroyed at the end."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    if os.environ.get("CI") and not os.environ.get("KANSA_TEST_DATABASE_URL") and os.environ.get(
            "KANSA_REQUIRE_POSTGRES"):
        pytest.fail("KANSA_REQUIRE_POSTGRES is set but KANSA_TEST_DATABASE_URL is not")
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    yield
    connection.creation.destroy_test_db(old, verbosity=0)
    teardown_test_environment()
