"""`manage.py bootstrap_dev`: first-run account and sample data, only on an empty database."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from dashboard_app.counters import stats
from scripts_app.models import Script, ScriptExecution
from scripts_app.sample_data import SAMPLE_PREFIX


def bootstrap() -> str:
    out = StringIO()
    call_command("bootstrap_dev", "--url", "http://127.0.0.1:8000/", stdout=out)
    return out.getvalue()


def test_on_an_empty_database_it_creates_an_admin_and_prints_the_password_once(db):
    output = bootstrap()
    password = re.search(r"password: (\S+)", output).group(1)
    assert "http://127.0.0.1:8000/" in output and "username: admin" in output
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser

    again = bootstrap()
    assert password not in again and "has data already" in again
    assert get_user_model().objects.count() == 1


def test_the_sample_data_is_labelled_and_fills_every_counter(db):
    bootstrap()
    assert Script.objects.count() == 6
    assert all(name.startswith(SAMPLE_PREFIX) for name in Script.objects.values_list("name", flat=True))
    values = stats.get_stats().values
    assert all(values[key] > 0 for key in stats.KEYS), values
    assert values == stats.get_stats(use_cache=False).values


def test_it_leaves_a_database_with_scripts_alone(make_script):
    make_script(name="production job")
    assert "has data already" in bootstrap()
    assert not get_user_model().objects.exists()
    assert Script.objects.count() == 1 and not ScriptExecution.objects.exists()


def test_it_leaves_a_database_with_users_alone(django_user_model):
    django_user_model.objects.create_user("someone")
    bootstrap()
    assert not Script.objects.exists()
