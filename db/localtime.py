"""The one local time zone: service times are stored as naive Asia/Shanghai wall clock.

Orders, tasks and reminders keep their times as the clock on the station's wall (what residents
and volunteers read); moments of record (created, checked in, committed) are UTC.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def wall_clock(value: dt.datetime) -> dt.datetime:
    """`value` as naive local wall clock: an aware time is converted, a naive one is already local."""
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value


def local_today() -> dt.date:
    """Today on the station's wall."""
    return dt.datetime.now(LOCAL_TZ).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The moment `day` begins on the station's wall (aware, in LOCAL_TZ)."""
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ)


def local_days(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) on the station's wall, as UTC instants."""
    return local_midnight(first).astimezone(dt.UTC), local_midnight(last + dt.timedelta(days=1)).astimezone(dt.UTC)
