"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x9Q" * 20,
    "ALLOWED_HOSTS": "alignment.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    for name in ("STATICFILES_STORAGE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        base.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_prints_no_warning_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_postgresql_connections_give_up_after_the_connect_timeout():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = _manage(
        "shell", "-c", show, **{**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1/x"}
    )
    assert result.returncode == 0, result.stderr
    assert "'connect_timeout': 3" in result.stdout


def test_the_nplusone_guard_is_not_loaded_in_production():
    show = "from django.conf import settings; print('zeal' in settings.INSTALLED_APPS)"
    result = _manage("shell", "-c", show, **{**PRODUCTION, "ZEAL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"


def test_the_nplusone_guard_warns_when_asked_to():
    show = "from django.conf import settings; print(settings.MIDDLEWARE[0], settings.ZEAL_RAISE)"
    result = _manage("shell", "-c", show, **{**PRODUCTION, "ZEAL": "warn"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "zeal.middleware.zeal_middleware False"


def test_an_unknown_nplusone_guard_mode_is_refused():
    result = _manage("check", **{**PRODUCTION, "ZEAL": "loud"})
    assert result.returncode != 0
    assert "ZEAL='loud': use off, warn or raise." in result.stderr
