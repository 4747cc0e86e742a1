"""An edition as real programs fill it, with a word longer than a phone in every text field.

The Nu HTML checker (test_html_checker.py) and the narrow-phone test (test_browser_widths.py)
read every public page of it: speakers with photos, affiliations and bios; talks in two
tracks and three rooms over two days, with resources, long abstracts in paragraphs, a
cancelled talk, a moved one and a deleted one (for the changes page); six editions in the
yearly menu.
"""

import datetime as dt
import io

from django.core.files.base import ContentFile
from PIL import Image

from program.machinery import clock
from program.models import Resource, Room, Talk, Track
from program.photos import prepare_photo, set_photo
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory, TalkTypeFactory, local

# A 36-letter surname and the affiliation of the issue; the rest are as long or longer.
SURNAME = "Wolfeschlegelsteinhausenbergerdorffs"
AFFILIATION = "Höchstleistungsrechenzentrum Stuttgart"
LONG = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung"
URL = "https://slides.example.org/" + "a-very-long-path-without-any-break" * 4 + ".pdf"

EDITION = "2026"
# While the keynote runs in the first room and the other rooms wait for their next talk.
DURING_THE_KEYNOTE = local("2026-05-18", 9, 10)


def photo_upload():
    """A small drawn photo (no real person's face), as an upload."""
    buffer = io.BytesIO()
    Image.new("RGB", (480, 600), (214, 226, 240)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="portrait.jpg")


def long_word_edition():
    """Builds the edition "2026" (current) and five older ones; returns the talks by slug."""
    for year in range(2021, 2026):
        ConferenceFactory(
            slug=str(year),
            name=f"MLSys {year}",
            start_date=dt.date(year, 5, 18),
            end_date=dt.date(year, 5, 22),
        )
    edition = ConferenceFactory(
        slug=EDITION,
        name=f"MLSys 2026 {LONG}",
        venue=f"Hyatt Regency {LONG}",
        city=f"Bellevue, {LONG}",
        is_current=True,
    )
    rooms = [
        Room.objects.create(conference=edition, slug=f"room-{n}", name=name, position=n)
        for n, name in enumerate(["Grand Ballroom 1", f"Hörsaal {LONG}", "Hall B"])
    ]
    # A streamed room ("Watch live" during the keynote) and a door screen notice.
    Room.objects.filter(pk=rooms[0].pk).update(stream_url="https://stream.example.org/1?a=1&b=2")
    Room.objects.filter(pk=rooms[1].pk).update(screen_notice=f"Room full: {LONG} in Hall B")
    tracks = [
        Track.objects.create(conference=edition, slug="systems", name="Systems",
                             colour="#1d4ed8"),
        Track.objects.create(conference=edition, slug="long", name=f"Track {LONG}",
                             colour="#fde68a", description=f"About {LONG}."),
    ]  # fmt: skip
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")

    long_named = SpeakerFactory(
        name=f"Anna {SURNAME}",
        slug="anna-long",
        affiliation=AFFILIATION,
        bio=f"Anna works on {LONG} at the {AFFILIATION}.\n\nSee {URL}.",
    )
    set_photo(speaker=long_named, photo=prepare_photo(photo_upload()))
    plain = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu", affiliation="University of Chicago")
    set_photo(speaker=plain, photo=prepare_photo(photo_upload()))
    without_photo = SpeakerFactory(name=f"{SURNAME} {SURNAME}", slug="no-photo",
                                   affiliation=f"{AFFILIATION} {LONG}")  # fmt: skip

    def talk(slug, title, *, room, track, type_, day, hour, minute=0, minutes=40, speakers):
        start = local(day, hour, minute)
        return TalkFactory(
            conference=edition,
            slug=slug,
            title=title,
            abstract=(
                f"We study {LONG} in {AFFILIATION}.\n\n"
                + "Systems and models are designed together. " * 40
                + f"\n\nCode at {URL}; see also <script>alert(1)</script> & more."
            ),
            room=rooms[room],
            track=tracks[track],
            type=type_,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            speakers=speakers,
        )

    talks = {
        "opening": talk("opening", f"Opening keynote: {LONG}", room=0, track=0, type_=keynote,
                        day="2026-05-18", hour=9, speakers=[long_named, plain]),
        "kv-cache": talk("kv-cache", "LMCache: an efficient KV cache layer", room=1, track=1,
                         type_=invited, day="2026-05-18", hour=9, minute=50,
                         speakers=[without_photo]),
        "kernels": talk("kernels", f"Sparse {LONG}", room=2, track=1, type_=invited,
                        day="2026-05-18", hour=10, speakers=[long_named]),
        "agents": talk("agents", "Agents at scale", room=0, track=0, type_=invited,
                       day="2026-05-19", hour=9, speakers=[plain]),
        "moved": talk("moved", f"A moved talk on {LONG}", room=1, track=0, type_=invited,
                      day="2026-05-19", hour=11, speakers=[plain, long_named, without_photo]),
        "cancelled": talk("cancelled", f"A cancelled talk on {LONG}", room=2, track=1,
                          type_=invited, day="2026-05-19", hour=14, speakers=[long_named]),
        "deleted": talk("deleted", "A deleted talk", room=2, track=0, type_=invited,
                        day="2026-05-19", hour=15, speakers=[plain]),
    }  # fmt: skip
    for position, (kind, url, title) in enumerate(
        [
            ("slides", URL, ""),
            ("video", "https://video.example.org/mlsys-2026/opening", f"Recording {LONG}"),
            ("paper", f"https://papers.example.org/{LONG}", "Paper"),
            ("code", "https://code.example.org/lmcache/lmcache", ""),
        ]
    ):
        Resource.objects.create(
            talk=talks["opening"], kind=kind, url=url, title=title, position=position
        )
    moved = talks["moved"]
    moved.room = rooms[2]
    moved.start, moved.end = local("2026-05-19", 16), local("2026-05-19", 16, 40)
    moved.save()
    Talk.objects.filter(pk=talks["cancelled"].pk).set_status(Talk.Status.CANCELLED)
    talks.pop("deleted").delete()
    return talks


def at_the_keynote(monkeypatch):
    """Sets the site's clock (program.machinery.clock.now) to DURING_THE_KEYNOTE."""
    monkeypatch.setattr(clock, "now", lambda: DURING_THE_KEYNOTE.astimezone(dt.UTC))


# The talks some of those pages list, in their order: the states the pages are checked in
# (now: the keynote in progress and each room's next talk).
LISTED_TALKS = {
    "program-filtered": ["kv-cache", "kernels", "cancelled"],
    "now": ["opening", "agents", "kv-cache", "kernels"],
    "agenda": ["opening", "kv-cache", "cancelled", "moved"],
}
CHANGES = ["Deleted", "Cancelled", "Moved", *["Added"] * 7]


def public_pages():
    """(name, path, status) of every kind of public page of long_word_edition()."""
    talk = "/2026/talks/"
    return [
        ("program", "/2026/program/", 200),
        ("program-filtered", "/2026/program/?type=invited-talk&track=long", 200),
        ("program-empty", "/2026/program/?q=nothing-matches-this", 200),
        ("program-400", "/2026/program/?day=2026-13-45", 400),
        ("timetable-monday", "/2026/timetable/?day=2026-05-18", 200),
        ("timetable-tuesday", "/2026/timetable/?day=2026-05-19", 200),
        ("timetable-filtered", "/2026/timetable/?day=2026-05-18&track=long", 200),
        ("timetable-outside-the-edition", "/2026/timetable/?day=2026-05-25", 200),
        ("timetable-400", "/2026/timetable/?day=2026-13-45", 400),
        ("talk", f"{talk}opening/", 200),
        ("talk-other-track", f"{talk}kv-cache/", 200),
        ("talk-cancelled", f"{talk}cancelled/", 200),
        ("talk-moved", f"{talk}moved/", 200),
        ("speakers", "/2026/speakers/", 200),
        ("speaker", "/2026/speakers/anna-long/", 200),
        ("speaker-without-photo", "/2026/speakers/no-photo/", 200),
        ("now", "/2026/now/", 200),
        ("now-filtered", "/2026/now/?type=keynote", 200),
        ("screen", "/2026/rooms/room-0/screen/", 200),
        ("screen-notice", "/2026/rooms/room-1/screen/", 200),
        ("screen-400", "/2026/rooms/room-0/screen/?at=soon", 400),
        ("agenda", "/2026/agenda/?talk=opening&talk=kv-cache&talk=moved&talk=cancelled", 200),
        ("agenda-empty", "/2026/agenda/", 200),
        ("changes", "/2026/changes/", 200),
        ("embed-program", "/2026/embed/program/?target=parent", 200),
        ("embed-timetable", "/2026/embed/timetable/?day=2026-05-18", 200),
        ("embed-speakers", "/2026/embed/speakers/", 200),
        ("embed-now", "/2026/embed/now/", 200),
        ("embed-400", "/2026/embed/program/?target=top", 400),
        ("offline-not-kept", "/2026/offline/", 200),
        ("older-edition", "/2021/program/", 200),
        ("404-edition", "/2026/no-such-page/", 404),
        ("404", "/no-such-edition/program/", 404),
    ]
