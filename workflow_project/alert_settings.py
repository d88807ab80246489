"""The settings of alerts (dashboard_app.alerts), read from the environment: Django's SMTP
settings, which the email channel uses, and how the sender delivers and retries."""

from __future__ import annotations

import os

from workflow_project.environment import envbool, envfloat, envint

# Email: Django's SMTP backend, any server. Without EMAIL_HOST mail goes to localhost:25.
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "workflow-alerts@localhost"

# Webhook and apprise targets on loopback, private or link-local addresses are refused unless set.
ALERTS_ALLOW_PRIVATE_ADDRESSES = envbool("ALERTS_ALLOW_PRIVATE_ADDRESSES", False)
# Seconds one delivery may take before it counts as failed (and is retried).
ALERTS_TIMEOUT_SECONDS = envfloat("ALERTS_TIMEOUT_SECONDS", 10.0)
# This many notifications for one channel due in one pass are sent as one summary.
ALERTS_SUMMARY_AT = envint("ALERTS_SUMMARY_AT", 10)
