"""When a script is due: its expected schedule, checked and stepped forward.

A schedule is a 5-field cron expression read in an IANA time zone, or a fixed
period, plus a grace time and an optional maximum run time. These are pure
functions over a frozen dataclass, with no models, so that the API, the forms,
the watcher and the pages share one definition of "valid" and of "due".
Cron evaluation is cronsim's (written by healthchecks' author), never our own
parsing; next_due() says what that means on DST days. The schedule in words is
in schedule_words.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from cronsim import CronSim, CronSimError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

# A period, grace or maximum run time longer than a year is a typo, not a plan.
LONGEST = timedelta(days=366)
CRON_FIELDS = 5
# cronsim's messages, marked so that the Korean catalogue can translate them;
# English stays exactly cronsim's text ("Not a valid cron expression: Bad minute").
CRONSIM_MESSAGES = (
    gettext_noop("Bad minute"),
    gettext_noop("Bad hour"),
    gettext_noop("Bad day-of-month"),
    gettext_noop("Bad month"),
    gettext_noop("Bad day-of-week"),
)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """A script's expected schedule: a cron expression or a period, never both.

    `cron` is "" when there is none, else the expression with its fields
    separated by single spaces (normalize_cron). `time_zone` is the IANA name
    the cron expression is read in; a period ignores it, since "every 6 hours"
    is the same on every clock.
    """

    cron: str = ""
    period: timedelta | None = None
    grace: timedelta
    max_runtime: timedelta | None = None
    time_zone: str

    def __post_init__(self) -> None:
        # A database constraint and schedule_errors() keep both from being
        # stored; a Schedule with both would make "due" mean two things.
        if self.cron and self.period is not None:
            raise ValueError("a schedule has a cron expression or a period, not both")

    @classmethod
    def from_fields(
        cls,
        *,
        cron: str,
        period_seconds: int | None,
        grace_seconds: int,
        max_runtime_seconds: int | None,
        time_zone: str,
    ) -> Schedule:
        """A Schedule from a script's stored fields (the names of the API)."""
        return cls(
            cron=normalize_cron(cron),
            period=None if period_seconds is None else timedelta(seconds=period_seconds),
            grace=timedelta(seconds=grace_seconds),
            max_runtime=None if max_runtime_seconds is None else timedelta(seconds=max_runtime_seconds),
            time_zone=time_zone,
        )

    @property
    def is_set(self) -> bool:
        """True when the script is expected to run: it has a cron or a period."""
        return bool(self.cron) or self.period is not None


def normalize_cron(text: str) -> str:
    """The expression as stored and shown: fields joined by one space, "" for blank."""
    return " ".join(text.split())


@cache
def known_time_zones() -> frozenset[str]:
    """IANA zone names this host's tz database holds.

    A whitelist rather than "whatever ZoneInfo() loads": ZoneInfo also loads
    "posixrules" and "right/UTC", and names are file paths underneath. Debian's
    "localtime" is a link to the host's zone, not a name. Cached: listing the
    database reads hundreds of files (about 0.1 s); a tzdata upgrade needs a restart
    anyway, as everything else that reads zones does.
    """
    return frozenset(available_timezones() - {"localtime"})


def schedule_errors(
    *,
    cron: str,
    period_seconds: int | None,
    grace_seconds: int,
    max_runtime_seconds: int | None,
    time_zone: str,
) -> dict[str, str]:
    """What is wrong with these schedule fields: field name -> message, {} when valid.

    The field names are the API's (SPEC.md, "Schedules, states and pings"), so
    the API answers a 400 with this dict and a form attaches each message to its
    field. Messages are in the active language.
    """
    errors: dict[str, str] = {}
    zone_known = time_zone in known_time_zones()
    if not zone_known:
        message = gettext("Unknown time zone “%(name)s”: use an IANA name such as Asia/Seoul.")
        errors["time_zone"] = message % {"name": time_zone}
    cron = normalize_cron(cron)
    if cron and period_seconds is not None:
        errors["schedule"] = gettext("Give a cron expression or a period, not both.")
    elif cron:
        problem = cron_problem(cron, ZoneInfo(time_zone) if zone_known else UTC)
        if problem:
            errors["schedule"] = problem
    if period_seconds is not None:
        problem = _length_problem(
            period_seconds,
            too_short=gettext("The period must be longer than 0 seconds."),
            too_long=gettext("The period must be at most 366 days."),
        )
        if problem:
            errors["period_seconds"] = problem
    problem = _length_problem(
        grace_seconds,
        too_short=gettext("The grace time must be longer than 0 seconds."),
        too_long=gettext("The grace time must be at most 366 days."),
    )
    if problem:
        errors["grace_seconds"] = problem
    if max_runtime_seconds is not None:
        problem = _length_problem(
            max_runtime_seconds,
            too_short=gettext("The maximum run time must be longer than 0 seconds."),
            too_long=gettext("The maximum run time must be at most 366 days."),
        )
        if problem:
            errors["max_runtime_seconds"] = problem
    return errors


def _length_problem(seconds: int, *, too_short: str, too_long: str) -> str | None:
    if seconds <= 0:
        return too_short
    if seconds > LONGEST.total_seconds():
        return too_long
    return None


def cron_problem(cron: str, zone: tzinfo = UTC) -> str | None:
    """Why this cron expression cannot be a schedule, or None when it can.

    Three ways: not 5 fields (cronsim would also take 6, with seconds first:
    too easy to misread for a job that runs at most every minute), malformed
    (cronsim's message), or never firing. cronsim refuses a day of the month
    that none of the named months has ("0 0 30 2 *") with the same message as
    a malformed day ("Bad day-of-month"); trying again with every month tells
    the two apart. Anything else that never fires ("0 0 */30 2 1#5": the 1st or
    31st of February and its fifth Monday) is found by asking for the next fire:
    cronsim gives up after 50 years of no match, in milliseconds.
    """
    count = len(cron.split())
    if count != CRON_FIELDS:
        return gettext(
            "A cron expression has 5 fields (minute, hour, day of month, month, day of week), not %(count)d."
        ) % {"count": count}
    try:
        fires = CronSim(cron, timezone.now().astimezone(zone))
    except CronSimError as error:
        if str(error) == "Bad day-of-month" and _fires_in_some_month(cron):
            return gettext("This cron expression never fires: none of its months has that day.")
        return gettext("Not a valid cron expression: %(reason)s") % {"reason": gettext(str(error))}
    try:
        next(fires)
    except StopIteration:
        return gettext("This cron expression never fires: nothing matches it in the next 50 years.")
    return None


def _fires_in_some_month(cron: str) -> bool:
    minute, hour, day, _month, weekday = cron.split()
    try:
        CronSim(f"{minute} {hour} {day} * {weekday}", timezone.now())
    except CronSimError:
        return False
    return True


def next_due(schedule: Schedule, after: datetime) -> datetime | None:
    """The first instant strictly after `after` at which the script is due, in UTC.

    A period is due `period` after `after` (its last run, or when the schedule
    was set), counted in real time, not on a clock. A cron expression is due at
    its next fire time, read in the schedule's zone by cronsim, which copies
    Debian cron on DST days:

    - An expression whose minute and hour fields are fixed (neither starts with
      "*": "30 2 * * *", "0 9-17 * * 1-5") is read on the wall clock. A time the
      spring-forward gap skips fires at the first instant after the gap: on
      Europe/Berlin's 2026-03-29 (02:00 -> 03:00) both "0 2" and "30 2" are due
      at 03:00 CEST, 01:00 UTC. A time that the fall-back overlap repeats fires
      once, at its first occurrence: on 2026-10-25 (03:00 -> 02:00) "30 2" is due
      at 02:30 CEST, 00:30 UTC, and not again at 02:30 CET.
    - Any other expression ("*/15 * * * *", "30 * * * *") follows real time: it
      fires in both passes of the repeated hour and not in the skipped one.

    From inside the repeated hour's second pass, cronsim (which steps the wall
    clock) answers the first pass, already past; we step on, so the answer is
    always after `after`. None without a schedule, or for an expression that
    never fires (schedule_errors() refuses those).
    """
    if after.utcoffset() is None:
        raise ValueError("next_due() needs an aware datetime")
    after = after.astimezone(UTC)
    if schedule.period is not None:
        return after + schedule.period
    if not schedule.cron:
        return None
    for fire in CronSim(schedule.cron, after.astimezone(ZoneInfo(schedule.time_zone))):
        fire = fire.astimezone(UTC)
        if fire > after:
            return fire
    return None


def deadline(schedule: Schedule, due: datetime) -> datetime:
    """When a due script turns from late to down: `due` plus the grace, in UTC.

    Added in UTC because a grace is real time: one hour of grace across a DST
    change is still one hour.
    """
    return due.astimezone(UTC) + schedule.grace
