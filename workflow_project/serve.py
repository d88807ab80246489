"""`make serve`: the production server — gunicorn, whitenoise, DEBUG off.

It refuses to start without SECRET_KEY and ALLOWED_HOSTS, runs the deployment
checks (warnings are shown, errors stop it), applies migrations unless
MIGRATE_ON_START=0, collects static files, then replaces itself with gunicorn
(configured in workflow_project/gunicorn_conf.py: BIND, WEB_CONCURRENCY).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REQUIRED = {
    "SECRET_KEY": "a long random value, e.g. from "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "ALLOWED_HOSTS": "the comma-separated host names clients use, e.g. dashboard.example.com,127.0.0.1",
}


def missing_settings(environ: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED if not environ.get(name, "").strip()]


def refusal(missing: list[str]) -> str:
    lines = [f"make serve: refusing to start: {' and '.join(missing)} not set in the environment."]
    lines += [f"  {name}: {REQUIRED[name]}" for name in missing]
    return "\n".join(lines)


def prepare() -> None:
    """Checks, migrations and static files, in this process, before gunicorn takes over."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("check", deploy=True, fail_level="ERROR")
    if os.environ.get("MIGRATE_ON_START", "1").strip().lower() not in {"0", "false", "no", "off"}:
        call_command("migrate", interactive=False, verbosity=1)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


def main() -> None:
    missing = missing_settings(dict(os.environ))
    if missing:
        sys.exit(refusal(missing))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")
    os.chdir(BASE_DIR)
    prepare()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    config = BASE_DIR / "workflow_project" / "gunicorn_conf.py"
    sys.stdout.flush()
    os.execv(gunicorn, [str(gunicorn), "--config", str(config), "workflow_project.wsgi"])


if __name__ == "__main__":
    main()
