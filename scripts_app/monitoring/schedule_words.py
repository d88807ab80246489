"""A schedule in words, for the pages: "every day at 02:00, Asia/Seoul; grace 1 hour".

Every phrase is one whole msgid with named placeholders ("every day at
%(time)s, %(zone)s"), never English words glued in English order, so the Korean
catalogue can put each piece where Korean wants it. Only shapes whose words are
exactly what cron does get words; anything else is shown as the expression
itself, since a paraphrase that is nearly right is worse than none.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext

from scripts_app.monitoring.schedule import Schedule

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
# Cron's day-of-week numbers (0 and 7 are Sunday) and names, as cronsim reads them.
CRON_WEEKDAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
CRON_WEEKDAYS_MONDAY_TO_FRIDAY = ("1-5", "MON-FRI")


def describe(schedule: Schedule) -> str:
    """The whole schedule in words: when it is due, then its grace (and run time limit)."""
    if schedule.period is not None:
        when = _every(schedule.period)
    elif schedule.cron:
        when = _cron_in_words(schedule.cron, schedule.time_zone)
    else:
        return gettext("no schedule")
    words = {"when": when, "grace": describe_duration(schedule.grace)}
    if schedule.max_runtime is None:
        return gettext("%(when)s; grace %(grace)s") % words
    words["max_runtime"] = describe_duration(schedule.max_runtime)
    return gettext("%(when)s; grace %(grace)s; max run time %(max_runtime)s") % words


def describe_duration(duration: timedelta) -> str:
    """A duration in its largest unit that fits exactly: "1 hour", "90 minutes", "2 days".

    One unit, never "1 hour 30 minutes": a grace or period is chosen as a round
    number, and one unit keeps each phrase a single msgid. Whole seconds only;
    a fraction of a second is dropped.
    """
    count, unit = _largest_exact_unit(duration)
    if unit == WEEK:
        return ngettext("%(count)d week", "%(count)d weeks", count) % {"count": count}
    if unit == DAY:
        return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    if unit == HOUR:
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    if unit == MINUTE:
        return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}


def _largest_exact_unit(duration: timedelta) -> tuple[int, int]:
    seconds = int(duration.total_seconds())
    for unit in (WEEK, DAY, HOUR, MINUTE):
        if seconds and seconds % unit == 0:
            return seconds // unit, unit
    return seconds, 1


def _every(period: timedelta) -> str:
    """ "every 6 hours"; "every hour" rather than "every 1 hour"."""
    count, unit = _largest_exact_unit(period)
    if count != 1:
        return gettext("every %(duration)s") % {"duration": describe_duration(period)}
    if unit == WEEK:
        return gettext("every week")
    if unit == DAY:
        return gettext("every day")
    if unit == HOUR:
        return gettext("every hour")
    if unit == MINUTE:
        return gettext("every minute")
    return gettext("every second")


def _cron_in_words(cron: str, zone: str) -> str:
    minute, hour, day, month, weekday = cron.upper().split()
    at_minute, at_hour = _number(minute, 0, 59), _number(hour, 0, 23)
    if (hour, day, month, weekday) == ("*", "*", "*", "*"):
        # Minutes past the hour read the same on every clock but a few (+05:45),
        # so these shapes leave the zone out; the ones that name an hour say it.
        step = 1 if minute == "*" else _minute_step(minute)
        if step is not None:
            return _every(timedelta(minutes=step))
        if at_minute is not None:
            return gettext("every hour at :%(minute)02d") % {"minute": at_minute}
    if at_minute is None or at_hour is None or month != "*":
        return _as_written(cron, zone)
    words = {"time": f"{at_hour:02d}:{at_minute:02d}", "zone": zone}
    if day == "*" and weekday == "*":
        return gettext("every day at %(time)s, %(zone)s") % words
    if day == "*" and weekday in CRON_WEEKDAYS_MONDAY_TO_FRIDAY:
        return gettext("on weekdays at %(time)s, %(zone)s") % words
    if day == "*" and (weekday_name := _weekday_name(weekday)) is not None:
        return gettext("every %(weekday)s at %(time)s, %(zone)s") % {**words, "weekday": weekday_name}
    # Days 29 to 31 are skipped in months without them: "every month" would be untrue.
    if weekday == "*" and (day_of_month := _number(day, 1, 28)) is not None:
        return gettext("on day %(day)d of every month at %(time)s, %(zone)s") % {**words, "day": day_of_month}
    return _as_written(cron, zone)


def _minute_step(minute: str) -> int | None:
    """N in "*/N" when it divides the hour: "*/7" fires at :56 and again at :00,
    four minutes later, so it is not "every 7 minutes"."""
    step = _number(minute.removeprefix("*/"), 1, 59) if minute.startswith("*/") else None
    return step if step is not None and 60 % step == 0 else None


def _weekday_name(field: str) -> str | None:
    """Django's translated day name for one cron day of the week ("1", "MON", "7")."""
    if field in CRON_WEEKDAY_NAMES:
        number = CRON_WEEKDAY_NAMES.index(field)
    else:
        number = _number(field, 0, 7)
    if number is None:
        return None
    # Django counts from Monday = 0; cron from Sunday = 0 (and 7).
    return str(WEEKDAYS[(number - 1) % 7])


def _number(field: str, lowest: int, highest: int) -> int | None:
    """The field as one plain number within bounds, or None ("5-10", "*/2", "L")."""
    if not re.fullmatch(r"[0-9]{1,2}", field):
        return None
    value = int(field)
    return value if lowest <= value <= highest else None


def _as_written(cron: str, zone: str) -> str:
    return gettext("cron “%(expr)s”, %(zone)s") % {"expr": cron, "zone": zone}
