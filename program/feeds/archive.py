"""The feeds of an edition's static copy (``manage.py export_site``): program.ics,
schedule.xml, schedule.json and each talk's calendar file, as the live site serves them
unfiltered.

Their formats want absolute links (a frab event's ``url`` is required and absolute, an
iCalendar URL is a full URI), and the copy's own address is not known: they name the live
site, at the root given to ``--site-url`` or else at the site's own address from its
settings (program/archive.py ``own_address``), so they are what the live site served at
that address.
"""

from django.urls import reverse

from program.archive import at_site
from program.feeds import frab
from program.feeds.ical import build_calendar
from program.feeds.views import schedule_data
from program.models import Talk


def archive_feeds(conference, site_url):
    """{file name: bytes} of the copy's feeds, their links under ``site_url`` (the live
    site's root, ending in "/": "https://program.example.org/")."""

    def absolute_uri(location):
        # As a request's build_absolute_uri, for the live site at site_url.
        return at_site(site_url, location)

    talks = Talk.objects.published().filter(conference=conference).for_program()
    files = {
        "program.ics": build_calendar(
            conference, talks, name=conference.name, absolute_uri=absolute_uri
        ),
    }
    data = schedule_data(conference, absolute_uri)
    schedule_xml = reverse("program:schedule-xml", kwargs={"edition": conference.slug})
    files["schedule.xml"] = frab.to_xml(data, url=absolute_uri(schedule_xml))
    files["schedule.json"] = frab.to_json(data)
    for talk in talks:
        files[f"talks/{talk.slug}.ics"] = build_calendar(
            conference, [talk], name=f"{conference.name}: {talk.title}", absolute_uri=absolute_uri
        )
    return files
