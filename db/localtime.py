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
