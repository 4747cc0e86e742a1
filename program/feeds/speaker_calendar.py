"""A speaker's own slots in an edition as iCalendar, ``/<edition>/speaker/<token>/calendar.ics``:
the file their private page links. Behind the same link as the page (machinery.private:
never cached, a failed link counted); the events are those of the public calendars (same
UID), so a calendar app that has both shows each talk once.
"""

from program.feeds.ical import build_calendar
from program.feeds.views import calendar_response, file_stem
from program.models import Talk
from program.speaker_links import find, mark_used


def speaker_calendar(request, edition, token):
    link = find(edition, token)
    conference = link.conference
    talks = Talk.objects.listed_in(conference).filter(speakers=link.speaker_id).for_program()
    content = build_calendar(
        conference,
        talks,
        name=f"{conference.name}: {link.speaker.name}",
        absolute_uri=request.build_absolute_uri,
    )
    mark_used(link)
    return calendar_response(content, f"{file_stem(conference)}-my-talks.ics")
