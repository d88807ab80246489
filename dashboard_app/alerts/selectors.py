"""Reads of channels for the pages and the API: which are failing, how a target may be shown,
what a saved channel's target and secret become on an edit."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard_app.alerts.channels import describe_target
from dashboard_app.alerts.tables import Channel, Notification

# A channel whose last this many notifications (that were tried) all failed is marked failing.
FAILING_AFTER = 3


def failing_channels(channel_ids: Iterable[int]) -> set[int]:
    """The channels among `channel_ids` whose last FAILING_AFTER tried notifications all failed
    (their latest attempt did not deliver): one read of a few rows per channel."""
    failing = set()
    for channel_id in channel_ids:
        tried = Notification.objects.filter(channel_id=channel_id, attempts__gt=0)
        last = tried.order_by("-created_at", "-id").values_list("status", "last_error")[:FAILING_AFTER]
        outcomes = list(last)
        if len(outcomes) == FAILING_AFTER and all(status != "delivered" for status, _error in outcomes):
            failing.add(channel_id)
    return failing


def shown_target(channel: Channel) -> str:
    """The target as pages and the API show it (an apprise URL carries tokens: its scheme only)."""
    return describe_target(channel.kind, channel.target)


def target_after_edit(channel: Channel | None, kind: str, given: str) -> str:
    """What an edit that sends back the target as it was shown keeps: the stored one."""
    if channel is not None and channel.pk and kind == channel.kind and given == shown_target(channel):
        return channel.target
    return given
