"""The feeds of an edition's static copy (``manage.py export_site``): program.ics,
schedule.xml, schedule.json and each talk's calendar file, as the site serves them
unfiltered, with every link at the copy's own address.

Their formats want absolute links (a frab event's ``url`` is required and absolute, an
iCalendar URL is a full URI), so the copy holds its feeds only when it knows where it will
be published (``--site-url``; program/archive.py ``Addresses.absolute_uri``).
"""

from program.feeds import frab
from program.feeds.ical import build_calendar
from program.feeds.views import schedule_data
from program.models import Talk


def archive_feeds(conference, addresses):
    """{file name: bytes} of the copy's feeds; ``addresses`` (program/archive.py
    Addresses, with a ``site_url``) makes their links absolute and records the photos they
    name."""
    absolute = addresses.absolute_uri

    def absolute_uri(location):
        # frab's base_url: the copy's root.
        return addresses.site_url if location == "/" else absolute(location)

    talks = Talk.objects.published().filter(conference=conference).for_program()
    files = {
        "program.ics": build_calendar(
            conference, talks, name=conference.name, absolute_uri=absolute
        ),
    }
    data = schedule_data(conference, absolute_uri)
    files["schedule.xml"] = frab.to_xml(data, url=addresses.absolute("schedule.xml"))
    files["schedule.json"] = frab.to_json(data)
    for talk in talks:
        files[f"talks/{talk.slug}.ics"] = build_calendar(
            conference, [talk], name=f"{conference.name}: {talk.title}", absolute_uri=absolute
        )
    return files
