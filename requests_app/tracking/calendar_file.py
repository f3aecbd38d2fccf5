"""A request's due date as a calendar file: an all-day event, with a reminder a few days before.

It names who must answer and on which platform, never the person's details: calendars are shared
and synced to other services.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from ..models import Submission

REMIND_DAYS_BEFORE = 3


def calendar_title(submission: Submission) -> str:
    """Facts about the guide only: who must answer and on which platform, never the person's details."""
    who = submission.recipient or _("The company")
    if submission.platform_name:
        return _("%(who)s must answer your request (%(platform)s)") % {
            "who": who,
            "platform": submission.platform_name,
        }
    return _("%(who)s must answer your request") % {"who": who}


def deadline_calendar(submission: Submission, due: datetime.date, url: str) -> bytes:
    """The iCalendar file of `due`, linking to the request's page at `url`."""
    title = calendar_title(submission)
    calendar = Calendar()
    calendar.add("prodid", "-//Opt-Out Guide//Request deadline//EN")
    calendar.add("version", "2.0")
    event = CalendarEvent()
    event.add("uid", f"{submission.pk}-deadline@opt-out-guide")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", due)
    event.add("dtend", due + datetime.timedelta(days=1))
    event.add("summary", title)
    event.add("description", url)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", datetime.timedelta(days=-REMIND_DAYS_BEFORE))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
