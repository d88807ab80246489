"""No secrets in the repository: private keys, live tokens (alert targets such as Slack webhook URLs
and Telegram bot tokens too), a real SECRET_KEY, passwords in URLs. That alert secrets reach no
page, API answer or log line is dashboard_app/tests/test_alert_pages.py's to show."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    "API token in a header": re.compile(r"\bToken [0-9a-f]{40}\b"),
    # Alert targets that are credentials in themselves (an alert channel's target, never committed).
    "Slack webhook URL": re.compile(
        r"hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}"
    ),
    "Telegram bot token": re.compile(r"\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    "password in a URL": re.compile(
        r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?P<password>[^@\s/'\"]+)@(?!(?:127\.0\.0\.1|localhost)[:/])"
    ),
}
# A literal value; a shell expansion ("$(...)", "$VAR") is made at run time.
SECRET_KEY_VALUE = re.compile(r"SECRET_KEY\s*[=:]\s*[\"'](?P<value>[^\"'$][^\"']*)[\"']")
# Passwords that are placeholders in documentation.
PLACEHOLDER_PASSWORDS = {"password", "pass", "secret", "<password>", "***", "..."}
# Values that announce themselves as not secret.
DEVELOPMENT_MARKERS = ("insecure", "development", "test", "example", "dummy", "change-me", "not-secret")
SECRET_FILES = re.compile(r"(^|/)(\.env(\..+)?|id_rsa|id_ed25519|.*\.pem|.*\.key|.*\.p12)$")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=settings.BASE_DIR, capture_output=True, check=True
    ).stdout.decode()
    return [settings.BASE_DIR / name for name in listed.split("\0") if name]


def secrets_in(path: Path, text: str) -> list[str]:
    found = [
        f"{path}: {kind}"
        for kind, pattern in SECRET_PATTERNS.items()
        for match in pattern.finditer(text)
        if match.groupdict().get("password") not in PLACEHOLDER_PASSWORDS
    ]
    for match in SECRET_KEY_VALUE.finditer(text):
        if not any(marker in match["value"].lower() for marker in DEVELOPMENT_MARKERS):
            found.append(f"{path}: a SECRET_KEY value that does not say it is for development")
    if SECRET_FILES.search(path.as_posix()) and not path.name.endswith(".example"):
        found.append(f"{path}: a file that holds secrets")
    return found


def test_no_tracked_file_holds_a_secret():
    files = tracked_files()
    assert any(path.name == "settings.py" for path in files)
    found = []
    for path in files:
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        found += secrets_in(path.relative_to(settings.BASE_DIR), data.decode("utf-8", errors="replace"))
    assert found == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deploy.pem", "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE..."),
        ("ci.yml", "token: ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
        ("settings.py", 'SECRET_KEY = "' + "p9#x!kq2" * 5 + '"'),
        ("notes.md", "curl -H 'Authorization: Token " + "0123456789abcdef" * 2 + "01234567'"),
        ("env.sh", "DATABASE_URL=postgres://app:" + "hunter2@db.internal:5432/app"),
        ("alerts.md", "https://hooks.slack.com/services/" + "T01ABCDEF/B02GHIJKL/" + "x" * 24),
        ("alerts.md", "tgram://" + "123456789:AA" + "H" * 33 + "/987654321"),
        (".env", "DEBUG=1"),
    ],
)
def test_the_scan_recognises_a_planted_secret(name, text):
    assert secrets_in(Path(name), text)


@pytest.mark.parametrize(
    "text",
    [
        'SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-development-key-do-not-use"',
        "DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/wf",
        "Authorization: Token <key>",
    ],
)
def test_the_scan_lets_development_values_through(text):
    assert secrets_in(Path("README.md"), text) == []
