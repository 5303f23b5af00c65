"""Time in one place: the zone dates are read in, the clock every service is given, and the working-day
calendar every deadline counts in. Storage is UTC; a Vietnamese date is taken at the edges.

Deadlines themselves are `hoso_shared.deadlines.DeadlinePolicy`'s to answer, over this calendar."""

from hoso_shared.time.calendar import FIRST_DAY, LAST_DAY, STATUTORY, Calendar, public_holidays
from hoso_shared.time.clock import (
    ZONE,
    Clock,
    FixedClock,
    local_day,
    local_midnight,
    local_now,
    local_today,
    utc_now,
)

__all__ = ["FIRST_DAY", "LAST_DAY", "STATUTORY", "ZONE", "Calendar", "Clock", "FixedClock", "local_day",
           "local_midnight", "local_now", "local_today", "public_holidays", "utc_now"]
