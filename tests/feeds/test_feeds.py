"""The feeds: iCalendar for calendar apps, frab schedule.xml/.json for conference apps.

Every feed is validated on every run against ../shared/formats: the .ics files with
validate_ics.py, schedule.xml with lxml against the XSD, schedule.json with jsonschema.
"""

import datetime as dt
import importlib.util
import json
import re
import sys
import uuid
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from jsonschema import Draft6Validator, FormatChecker
from lxml import etree

from program.feeds import frab
from program.feeds.ical import fold
from program.feeds.ids import talk_guid
from program.feeds.links import PageLinks
from program.links import MARKER
from program.models import Speaker, Talk, TalkType, Track
from program.outputs import calendar_text, download_filename, xml_text
from tests.conftest import redis_caches
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)
from tests.session_factory import SessionFactory

pytestmark = pytest.mark.django_db

ABSTRACT = (
    "KV cache has traditionally been stored in GPU memory; we move it, with Grüße from "
    "Köln, to a layer of its own; it is shared, compressed, and streamed between engines."
)


# ---------------------------------------------------------------------------- validators


# validate_ics.py warns of X-WR-TIMEZONE, which calendar apps that ignore VTIMEZONE read
# (Google Calendar among them); every feed carries it on purpose, beside TZID + VTIMEZONE.
X_WR_TIMEZONE_WARNING = (
    "X-WR-TIMEZONE is non-standard and interpreted differently by clients; rely on TZID + VTIMEZONE"
)


@pytest.fixture
def check_ics(shared_dir, tmp_path):
    """validate_ics.py from ../shared, run on the file as served: no error, and no warning
    but X-WR-TIMEZONE's and ``warnings``. ``allow_utc`` accepts UTC times (the second
    occurrence of a repeated hour, see test_ical_dst.py)."""
    path = shared_dir / "formats" / "ical" / "validate_ics.py"
    spec = importlib.util.spec_from_file_location("validate_ics", path)
    validator = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up in sys.modules while the module loads.
    sys.modules[spec.name] = validator
    spec.loader.exec_module(validator)

    def check(content, warnings=(), allow_utc=False):
        feed = tmp_path / "feed.ics"
        feed.write_bytes(content)
        report = validator.validate(str(feed), allow_utc=allow_utc)
        assert report.errors == []
        assert [message.split(": ", 1)[1] for message in report.warnings] == [
            X_WR_TIMEZONE_WARNING,
            *warnings,
        ]
        return Calendar.from_ical(content)

    return check


@pytest.fixture
def check_xml(shared_dir):
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "formats" / "frab" / "schedule.xml.xsd")))

    def check(content):
        document = etree.fromstring(content)
        assert schema.validate(document), str(schema.error_log)
        return document

    return check


@pytest.fixture
def json_validator(shared_dir):
    schema = json.loads((shared_dir / "formats" / "frab" / "schema.json").read_text())
    return Draft6Validator(schema, format_checker=FormatChecker())


@pytest.fixture
def check_json(json_validator):
    def check(content):
        document = json.loads(content)
        errors = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in json_validator.iter_errors(document)
        ]
        assert errors == []
        return document

    return check


# ---------------------------------------------------------------------------- data


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026")


@pytest.fixture
def program(edition):
    """Two days in two rooms: keynotes, an invited talk, an oral, a cancelled talk, a draft;
    two tracks (one whose slug starts with a digit, which the frab XSD refuses)."""
    ballroom_1 = RoomFactory(conference=edition, name="Grand Ballroom 1", position=1)
    ballroom_2 = RoomFactory(conference=edition, name="Grand Ballroom 2", position=2)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    oral = TalkTypeFactory(slug="oral", name="Oral")
    liu = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    jia = SpeakerFactory(name="Zhihao Jia", affiliation="Carnegie Mellon University")
    solo = SpeakerFactory(name="Ana Solo", affiliation="")
    serving = TrackFactory(conference=edition, name="LLM Serving", colour="#b45309")
    kernels = TrackFactory(conference=edition, name="3D Kernels", colour="#047857")

    def talk(title, talk_type, day, hour, minutes, room, speakers, **kwargs):
        start = local(day, hour)
        return TalkFactory(
            conference=edition,
            title=title,
            type=talk_type,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            room=room,
            speakers=speakers,
            **kwargs,
        )

    return SimpleNamespace(
        edition=edition,
        ballroom_1=ballroom_1,
        opening=talk(
            "LMCache: KV caches, shared; at scale",
            keynote,
            "2026-05-18",
            9,
            60,
            ballroom_1,
            [liu, jia],
            abstract=ABSTRACT,
            track=serving,
        ),
        invited=talk(
            "Serving models cheaply",
            invited,
            "2026-05-18",
            10,
            25,
            ballroom_2,
            [solo],
            track=serving,
        ),
        closing=talk("Compilers for learning", keynote, "2026-05-19", 9, 60, ballroom_1, [jia]),
        oral=talk(
            "Sparse attention kernels", oral, "2026-05-19", 11, 20, ballroom_2, [liu], track=kernels
        ),
        cancelled=talk(
            "Withdrawn results",
            invited,
            "2026-05-19",
            14,
            25,
            ballroom_2,
            [solo],
            status=Talk.Status.CANCELLED,
        ),
        draft=talk(
            "Not yet announced", keynote, "2026-05-20", 9, 60, ballroom_1, [liu], status="draft"
        ),
    )


def program_ics(edition, query=""):
    return reverse("program:program-ics", kwargs={"edition": edition.slug}) + query


def talk_ics(talk):
    return reverse("program:talk-ics", kwargs={"edition": talk.conference.slug, "slug": talk.slug})


def schedule_xml(edition):
    return reverse("program:schedule-xml", kwargs={"edition": edition.slug})


def schedule_json(edition):
    return reverse("program:schedule-json", kwargs={"edition": edition.slug})


def summaries(calendar):
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def uids(calendar):
    return [str(event["UID"]) for event in calendar.walk("VEVENT")]


def frab_events(document):
    """(day index, room name, event) of schedule.json, in document order."""
    return [
        (day["index"], room, item)
        for day in document["schedule"]["conference"]["days"]
        for room, events in day["rooms"].items()
        for item in events
    ]


# ---------------------------------------------------------------------------- iCalendar


def test_program_ics_lists_every_public_talk_and_is_valid(client, program, check_ics):
    response = client.get(program_ics(program.edition))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = check_ics(response.content)
    assert summaries(calendar) == [
        "LMCache: KV caches, shared; at scale",
        "Serving models cheaply",
        "Compilers for learning",
        "Sparse attention kernels",
        "Cancelled: Withdrawn results",
    ]
    assert str(calendar["X-WR-CALNAME"]) == "MLSys 2026"
    assert str(calendar["PRODID"]) == "-//conference-program//Program feed//EN"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_talk_at_nine_in_bellevue_is_local_time_with_tzid(client, program, check_ics):
    response = client.get(talk_ics(program.opening))

    calendar = check_ics(response.content)
    text = response.content.decode()
    assert "\r\nDTSTART;TZID=America/Los_Angeles:20260518T090000\r\n" in text
    assert "\r\nDTEND;TZID=America/Los_Angeles:20260518T100000\r\n" in text
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(dt.UTC) == dt.datetime(2026, 5, 18, 16, tzinfo=dt.UTC)
    assert event["DTEND"].dt.astimezone(dt.UTC) == dt.datetime(2026, 5, 18, 17, tzinfo=dt.UTC)


def test_talk_ics_describes_the_talk(client, program, check_ics):
    talk = program.opening
    talk.refresh_from_db()

    response = client.get(talk_ics(talk))

    (event,) = check_ics(response.content).walk("VEVENT")
    assert str(event["UID"]) == str(talk_guid(talk))
    assert uuid.UUID(str(event["UID"])).version == 5
    assert event["SEQUENCE"] == 0
    changed = talk.updated_at.astimezone(dt.UTC).replace(microsecond=0)
    assert event["DTSTAMP"].dt == changed
    assert event["LAST-MODIFIED"].dt == changed
    assert str(event["SUMMARY"]) == "LMCache: KV caches, shared; at scale"
    assert str(event["DESCRIPTION"]) == (
        f"Yuhan Liu (University of Chicago)\nZhihao Jia (Carnegie Mellon University)\n\n{ABSTRACT}"
    )
    assert str(event["LOCATION"]) == (
        "Grand Ballroom 1, Hyatt Regency Bellevue, Bellevue, Washington"
    )
    assert str(event["URL"]) == "http://testserver/2026/talks/lmcache-kv-caches-shared-at-scale/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["CATEGORIES"].cats == ["Keynote", "LLM Serving"]


def test_speaker_without_affiliation_is_named_alone(client, program, check_ics):
    response = client.get(talk_ics(program.invited))

    (event,) = check_ics(response.content).walk("VEVENT")
    assert str(event["DESCRIPTION"]).startswith("Ana Solo\n\n")


def test_uid_stays_and_sequence_grows_when_a_talk_changes(client, program, check_ics):
    talk = program.opening
    before = check_ics(client.get(program_ics(program.edition)).content)

    talk.title = "LMCache renamed"
    talk.slug = "lmcache-renamed"
    talk.start += dt.timedelta(hours=2)
    talk.end += dt.timedelta(hours=2)
    talk.save()
    after = check_ics(client.get(program_ics(program.edition)).content)

    old = next(e for e in before.walk("VEVENT") if str(e["UID"]) == str(talk_guid(talk)))
    new = next(e for e in after.walk("VEVENT") if str(e["UID"]) == str(talk_guid(talk)))
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (0, 1)
    assert str(new["SUMMARY"]) == "LMCache renamed"
    assert new["DTSTART"].dt == local("2026-05-18", 11)
    assert sorted(uids(before)) == sorted(uids(after))


def test_cancelled_talk_is_status_cancelled_in_ical(client, program, check_ics):
    Talk.objects.filter(pk=program.invited.pk).set_status(Talk.Status.CANCELLED)

    response = client.get(talk_ics(program.invited))

    (event,) = check_ics(response.content).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Serving models cheaply"
    assert str(event["DESCRIPTION"]).startswith("This talk is cancelled.\nAna Solo")
    assert event["SEQUENCE"] == 1


def test_filtered_calendar_has_exactly_the_keynotes(client, program, check_ics):
    response = client.get(program_ics(program.edition, "?type=keynote"))

    calendar = check_ics(response.content)
    assert uids(calendar) == [str(talk_guid(program.opening)), str(talk_guid(program.closing))]
    assert summaries(calendar) == ["LMCache: KV caches, shared; at scale", "Compilers for learning"]
    assert str(calendar["X-WR-CALNAME"]) == "MLSys 2026 (Type: keynote)"


def test_filtered_calendar_combines_filters(client, program, check_ics):
    query = "?type=keynote&type=oral&day=2026-05-19"

    response = client.get(program_ics(program.edition, query))

    calendar = check_ics(response.content)
    assert summaries(calendar) == ["Compilers for learning", "Sparse attention kernels"]
    # TEXT escaping (RFC 5545 §3.3.11), which icalendar does not undo for an X- property.
    assert str(calendar["X-WR-CALNAME"]) == "MLSys 2026 (Type: keynote\\, oral\\; Day: 2026-05-19)"


def test_calendar_of_tracks_has_exactly_their_talks_with_the_track_as_category(
    client, program, check_ics
):
    response = client.get(program_ics(program.edition, "?track=llm-serving&track=3d-kernels"))

    calendar = check_ics(response.content)
    assert summaries(calendar) == [
        "LMCache: KV caches, shared; at scale",
        "Serving models cheaply",
        "Sparse attention kernels",
    ]
    assert [event["CATEGORIES"].cats for event in calendar.walk("VEVENT")] == [
        ["Keynote", "LLM Serving"],
        ["Invited Talk", "LLM Serving"],
        ["Oral", "3D Kernels"],
    ]
    # The filters as the versioned response normalises them: values sorted.
    assert str(calendar["X-WR-CALNAME"]) == "MLSys 2026 (Track: 3d-kernels\\, llm-serving)"


def test_personal_agenda_calendar_has_the_chosen_talks(client, program, check_ics):
    query = f"?talk={program.oral.slug}&talk={program.invited.slug}"

    response = client.get(program_ics(program.edition, query))

    calendar = check_ics(response.content)
    assert summaries(calendar) == ["Serving models cheaply", "Sparse attention kernels"]
    assert str(calendar["X-WR-CALNAME"]) == "My agenda · MLSys 2026"


def test_calendar_without_matching_talks_is_still_valid(client, program, check_ics):
    response = client.get(program_ics(program.edition, "?q=nothing-matches-this"))

    calendar = check_ics(response.content, warnings=["VCALENDAR contains no VEVENT"])
    assert summaries(calendar) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?day=2026-13-45", "Day: 2026-13-45 is not a valid date.\n"),
        ("?type=nope", "Type: nope is not a known talk type.\n"),
    ],
)
def test_program_ics_with_bad_filter_is_400(client, program, query, message):
    response = client.get(program_ics(program.edition, query))

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == message


def test_edition_held_in_utc_keeps_tzid(client, check_ics):
    talk = TalkFactory(
        conference=ConferenceFactory(slug="online", timezone="UTC"),
        start=local("2026-05-18", 9, tz=dt.UTC),
        end=local("2026-05-18", 10, tz=dt.UTC),
    )

    response = client.get(talk_ics(talk))

    check_ics(response.content)
    assert "\r\nDTSTART;TZID=Etc/UTC:20260518T090000\r\n" in response.content.decode()


# ---------------------------------------------------------------------------- frab


def test_schedule_xml_is_valid_and_lists_scheduled_talks(client, program, check_xml):
    response = client.get(schedule_xml(program.edition))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = check_xml(response.content)
    assert [
        (day.get("index"), room.get("name"), event.findtext("title"))
        for day in document.iter("day")
        for room in day.findall("room")
        for event in room.findall("event")
    ] == [
        ("1", "Grand Ballroom 1", "LMCache: KV caches, shared; at scale"),
        ("1", "Grand Ballroom 2", "Serving models cheaply"),
        ("2", "Grand Ballroom 1", "Compilers for learning"),
        ("2", "Grand Ballroom 2", "Sparse attention kernels"),
    ]
    assert [day.get("date") for day in document.iter("day")] == [
        "2026-05-18",
        "2026-05-19",
        "2026-05-20",
        "2026-05-21",
        "2026-05-22",
    ]


def test_schedule_xml_event_fields(client, program, check_xml):
    talk = program.opening

    document = check_xml(client.get(schedule_xml(program.edition)).content)

    event = document.find(f".//event[@id='{talk.pk}']")
    assert event.get("guid") == str(talk_guid(talk))
    leaves = ("persons", "recording", "links", "attachments")
    assert {child.tag: child.text for child in event if child.tag not in leaves} == {
        "date": "2026-05-18T09:00:00-07:00",
        "start": "09:00",
        "duration": "01:00",
        "room": "Grand Ballroom 1",
        "slug": f"2026-{talk.pk}-lmcache-kv-caches-shared-at-scale",
        "url": "http://testserver/2026/talks/lmcache-kv-caches-shared-at-scale/",
        "title": "LMCache: KV caches, shared; at scale",
        "subtitle": None,
        "track": "LLM Serving",
        "logo": None,
        "type": "Keynote",
        "language": "en",
        "abstract": ABSTRACT,
        "description": None,
    }
    # Every element frab's exporter always writes is there, empty where we have nothing.
    assert [(child.tag, child.text) for child in event.find("recording")] == [
        ("license", None),
        ("optout", "false"),
    ]
    assert (list(event.find("links")), list(event.find("attachments"))) == ([], [])
    speakers = [link.speaker for link in talk.speaker_links.order_by("position")]
    assert [(p.get("id"), p.text) for p in event.find("persons")] == [
        (str(speakers[0].pk), "Yuhan Liu"),
        (str(speakers[1].pk), "Zhihao Jia"),
    ]
    conference = document.find("conference")
    assert {child.tag: child.text for child in conference if child.tag != "track"} == {
        "title": "MLSys 2026",
        "acronym": "2026",
        "start": "2026-05-18",
        "end": "2026-05-22",
        "days": "5",
        "timeslot_duration": "00:05",
        "base_url": "http://testserver/",
        "url": "http://testserver/2026/program/",
        "time_zone_name": "America/Los_Angeles",
    }
    assert document.findtext("url") == "http://testserver/2026/schedule.xml"
    first_day = document.find("day")
    assert (first_day.get("start"), first_day.get("end")) == (
        "2026-05-18T04:00:00-07:00",
        "2026-05-19T04:00:00-07:00",
    )


def test_frab_files_name_each_talk_s_track_and_list_the_tracks(
    client, program, check_xml, check_json
):
    xml = check_xml(client.get(schedule_xml(program.edition)).content)
    document = check_json(client.get(schedule_json(program.edition)).content)

    by_id = {item["id"]: item["track"] for _, _, item in frab_events(document)}
    assert by_id == {
        program.opening.pk: "LLM Serving",
        program.invited.pk: "LLM Serving",
        program.closing.pk: None,
        program.oral.pk: "3D Kernels",
    }
    assert {int(event.get("id")): event.findtext("track") for event in xml.iter("event")} == {
        **by_id,
        program.closing.pk: "",
    }
    # By name, with colours; a slug only where it fits both formats' patterns.
    assert document["schedule"]["conference"]["tracks"] == [
        {"name": "3D Kernels", "color": "#047857"},
        {"name": "LLM Serving", "color": "#b45309", "slug": "llm-serving"},
    ]
    assert [dict(track.attrib) for track in xml.find("conference").findall("track")] == [
        {"name": "3D Kernels", "color": "#047857"},
        {"name": "LLM Serving", "color": "#b45309", "slug": "llm-serving"},
    ]


def test_schedule_json_is_valid_and_matches_the_xml(client, program, check_json, check_xml):
    response = client.get(schedule_json(program.edition))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = check_json(response.content)
    xml = check_xml(client.get(schedule_xml(program.edition)).content)
    assert [(index, room, item["guid"]) for index, room, item in frab_events(document)] == [
        (int(day.get("index")), room.get("name"), event.get("guid"))
        for day in xml.iter("day")
        for room in day.findall("room")
        for event in room.findall("event")
    ]
    assert document["schedule"]["version"] == xml.findtext("version")


def test_schedule_json_event_fields(client, program, check_json):
    talk = program.opening
    solo = program.invited.speaker_links.get().speaker

    document = check_json(client.get(schedule_json(program.edition)).content)

    by_id = {item["id"]: item for _, _, item in frab_events(document)}
    # frab's reference exporter's keys, all of them (strict readers crash on a missing one),
    # and no other: a converter copying keys into schedule.xml fails the XSD on "end".
    assert set(by_id[talk.pk]) == {
        "id", "guid", "logo", "date", "start", "duration", "room", "slug", "url", "title",
        "subtitle", "track", "type", "language", "abstract", "description",
        "recording_license", "do_not_record", "persons", "links", "attachments",
    }  # fmt: skip
    assert by_id[talk.pk]["date"] == "2026-05-18T09:00:00-07:00"
    assert (by_id[talk.pk]["start"], by_id[talk.pk]["duration"]) == ("09:00", "01:00")
    empty = ("logo", "description", "recording_license", "do_not_record", "links", "attachments")
    assert [by_id[talk.pk][key] for key in empty] == ["", "", "", False, [], []]
    assert by_id[program.invited.pk]["persons"] == [
        {
            "id": solo.pk,
            "guid": str(uuid.UUID(by_id[program.invited.pk]["persons"][0]["guid"])),
            "public_name": "Ana Solo",
        }
    ]
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == (
        "2026",
        5,
        "America/Los_Angeles",
    )
    assert list(document) == ["generator", "schedule"]
    assert list(conference) == [
        "acronym",
        "title",
        "start",
        "end",
        "daysCount",
        "timeslot_duration",
        "time_zone_name",
        "url",
        "tracks",
        "days",
    ]


def test_frab_links_are_the_talks_resources(client, program, check_xml, check_json):
    talk = program.opening
    ResourceFactory(talk=talk, kind="video", url="https://video.example.org/1", position=1)
    ResourceFactory(talk=talk, kind="slides", url="https://slides.example.org/1", position=0)
    ResourceFactory(
        talk=talk, kind="code", url="https://code.example.org/x?a=1&b=2", title="Repo", position=2
    )

    xml = check_xml(client.get(schedule_xml(program.edition)).content)
    document = check_json(client.get(schedule_json(program.edition)).content)

    by_id = {item["id"]: item for _, _, item in frab_events(document)}
    assert by_id[talk.pk]["links"] == [
        {"type": "slides", "url": "https://slides.example.org/1", "title": "Slides"},
        {"type": "media", "url": "https://video.example.org/1", "title": "Video"},
        {"type": "related", "url": "https://code.example.org/x?a=1&b=2", "title": "Repo"},
    ]
    assert by_id[program.invited.pk]["links"] == []
    event = xml.find(f".//event[@id='{talk.pk}']")
    assert [(item.get("href"), item.get("type"), item.text) for item in event.find("links")] == [
        (link["url"], link["type"], link["title"]) for link in by_id[talk.pk]["links"]
    ]


def test_frab_links_end_with_the_rooms_live_stream(client, program, check_xml, check_json):
    stream = "https://stream.example.org/ballroom-1?a=1&b=2"
    program.ballroom_1.stream_url = stream
    program.ballroom_1.save()
    ResourceFactory(talk=program.opening, kind="slides", url="https://slides.example.org/1")

    xml = check_xml(client.get(schedule_xml(program.edition)).content)
    document = check_json(client.get(schedule_json(program.edition)).content)

    by_id = {item["id"]: item for _, _, item in frab_events(document)}
    assert by_id[program.opening.pk]["links"] == [
        {"type": "slides", "url": "https://slides.example.org/1", "title": "Slides"},
        {"type": "web", "url": stream, "title": "Live stream"},
    ]
    assert by_id[program.closing.pk]["links"] == [
        {"type": "web", "url": stream, "title": "Live stream"}
    ]
    assert by_id[program.invited.pk]["links"] == []  # Grand Ballroom 2 is not streamed
    event = xml.find(f".//event[@id='{program.closing.pk}']")
    assert [(item.get("href"), item.get("type"), item.text) for item in event.find("links")] == [
        (stream, "web", "Live stream")
    ]


def test_frab_persons_carry_neither_photo_nor_biography(client, program, check_json):
    """The XSD's <person> has no place for them: a converter would copy them into the XML."""
    solo = program.invited.speaker_links.get().speaker
    name = "speakers/0123456789abcdef0123456789abcdef-640.jpg"
    Speaker.objects.filter(pk=solo.pk).update(photo=name, photo_width=640, photo_height=640)

    document = check_json(client.get(schedule_json(program.edition)).content)

    (person,) = next(
        item for _, _, item in frab_events(document) if item["id"] == program.invited.pk
    )["persons"]
    assert list(person) == ["id", "guid", "public_name"]


XS = "{http://www.w3.org/2001/XMLSchema}"


def xsd_paths(xsd):
    """Every element and attribute the XSD allows, as paths from <schedule>
    ("schedule/day/@index", "schedule/day/room/event/title")."""
    root = etree.parse(str(xsd)).getroot()
    types = {node.get("name"): node for node in root if node.tag == f"{XS}complexType"}
    paths = set()

    def walk(node, path):
        for child in node:
            if child.tag == f"{XS}element":
                child_path = f"{path}/{child.get('name')}".lstrip("/")
                paths.add(child_path)
                walk(child, child_path)
                if child.get("type") in types:
                    walk(types[child.get("type")], child_path)
            elif child.tag == f"{XS}attribute":
                paths.add(f"{path}/@{child.get('name')}")
            elif child.tag not in (f"{XS}unique", f"{XS}annotation"):
                walk(child, path)  # sequence, all, complexType, simpleContent, extension

    walk(root.find(f"{XS}element[@name='schedule']").getparent(), "")
    return paths


# The frab JSON's own names for what schedule.xml holds elsewhere or otherwise, as converters
# between the two read them: (XSD path of the JSON object, JSON key) -> XSD path.
JSON_NAMES = {
    ("", "generator"): "schedule/generator",
    ("schedule", "base_url"): "schedule/conference/base_url",
    ("schedule/conference", "daysCount"): "schedule/conference/days",
    ("schedule/conference", "tracks"): "schedule/conference/track",
    ("schedule/conference", "days"): "schedule/day",
    ("schedule/day", "day_start"): "schedule/day/@start",
    ("schedule/day", "day_end"): "schedule/day/@end",
    # {"<room name>": [events]}: the room's name, then its events.
    ("schedule/day", "rooms"): "schedule/day/room/@name",
    ("schedule/day/room/event", "recording_license"): "schedule/day/room/event/recording/license",
    ("schedule/day/room/event", "do_not_record"): "schedule/day/room/event/recording/optout",
    ("schedule/day/room/event", "persons"): "schedule/day/room/event/persons/person",
    ("schedule/day/room/event", "links"): "schedule/day/room/event/links/link",
    ("schedule/day/room/event", "attachments"): "schedule/day/room/event/attachments/attachment",
    # A person's and a link's name is the element's text; a link's URL its href.
    ("schedule/day/room/event/persons/person", "public_name"): (
        "schedule/day/room/event/persons/person"
    ),
    ("schedule/day/room/event/links/link", "title"): "schedule/day/room/event/links/link",
    ("schedule/day/room/event/links/link", "url"): "schedule/day/room/event/links/link/@href",
}


def json_key_paths(value, json_path="", xsd_path=""):
    """(JSON path, XSD path) of every key in ``value``, at every level."""
    if isinstance(value, list):
        for item in value:
            yield from json_key_paths(item, json_path, xsd_path)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        key_json_path = f"{json_path}/{key}"
        key_xsd_path = JSON_NAMES.get((xsd_path, key), f"{xsd_path}/{key}".lstrip("/"))
        yield key_json_path, key_xsd_path
        if key_xsd_path == "schedule/day/room/@name":  # {room name: [events]}
            for name, events in item.items():
                yield from json_key_paths(
                    events, f"{key_json_path}/{name}", "schedule/day/room/event"
                )
        else:
            yield from json_key_paths(item, key_json_path, key_xsd_path)


def as_element_or_attribute(xsd_path, allowed):
    """``xsd_path`` as the XSD has it: an element, or else an attribute of that name."""
    parent, _, name = xsd_path.rpartition("/")
    return xsd_path if xsd_path in allowed else f"{parent}/@{name}"


def test_schedule_json_writes_only_keys_the_xsd_has(client, program, check_json, shared_dir):
    allowed = xsd_paths(shared_dir / "formats" / "frab" / "schedule.xml.xsd")
    ResourceFactory(talk=program.opening, kind="slides", url="https://slides.example.org/1")
    document = check_json(client.get(schedule_json(program.edition)).content)

    written = {
        json_path: as_element_or_attribute(xsd_path, allowed)
        for json_path, xsd_path in json_key_paths(document)
    }

    assert {"schedule/day/room/event/@guid", "schedule/conference/track/@color"} <= allowed
    assert written["/schedule/conference/days/rooms/Grand Ballroom 1/persons/id"] == (
        "schedule/day/room/event/persons/person/@id"
    )
    assert len(set(written.values())) == 49
    assert {path: xsd for path, xsd in written.items() if xsd not in allowed} == {}


def test_cancelled_and_draft_talks_are_absent_from_frab(client, program, check_xml, check_json):
    absent = {program.cancelled.pk, program.draft.pk}

    xml = check_xml(client.get(schedule_xml(program.edition)).content)
    document = check_json(client.get(schedule_json(program.edition)).content)

    xml_ids = {int(event.get("id")) for event in xml.iter("event")}
    json_ids = {item["id"] for _, _, item in frab_events(document)}
    expected = {program.opening.pk, program.invited.pk, program.closing.pk, program.oral.pk}
    assert xml_ids == json_ids == expected
    assert not absent & xml_ids


def test_frab_ids_and_guids_stay_when_a_talk_changes(client, program, check_json):
    talk = program.oral
    before = check_json(client.get(schedule_json(program.edition)).content)

    talk.title = "Sparse attention, revisited"
    talk.room = program.ballroom_1
    talk.save()
    after = check_json(client.get(schedule_json(program.edition)).content)

    def identity(document):
        return sorted((item["id"], item["guid"]) for _, _, item in frab_events(document))

    assert identity(before) == identity(after)
    assert before["schedule"]["version"] != after["schedule"]["version"]
    (moved,) = [item for _, room, item in frab_events(after) if item["id"] == talk.pk]
    assert (moved["room"], moved["title"]) == ("Grand Ballroom 1", "Sparse attention, revisited")


def test_schedule_version_changes_when_a_talk_is_cancelled(client, program):
    before = json.loads(client.get(schedule_json(program.edition)).content)

    Talk.objects.filter(pk=program.oral.pk).set_status(Talk.Status.CANCELLED)
    after = json.loads(client.get(schedule_json(program.edition)).content)

    assert before["schedule"]["version"] != after["schedule"]["version"]
    assert after["schedule"]["version"].endswith("Z (3 talks)")


def test_talk_after_midnight_belongs_to_the_evening_before(client, edition, check_xml):
    late = TalkFactory(conference=edition, start=local("2026-05-19", 0, 30))
    late.end = late.start + dt.timedelta(minutes=45)
    late.save()

    document = check_xml(client.get(schedule_xml(edition)).content)

    (day,) = [day for day in document.iter("day") if day.find(".//event") is not None]
    assert day.get("date") == "2026-05-18"
    assert day.findtext(".//event/date") == "2026-05-19T00:30:00-07:00"
    assert day.findtext(".//event/start") == "00:30"


def test_rooms_sharing_a_name_keep_all_their_talks(client, edition, check_xml, check_json):
    first, second = (
        TalkFactory(conference=edition, room=room, start=local("2026-05-18", 9))
        for room in (
            RoomFactory(conference=edition, name="Hall"),
            RoomFactory(conference=edition, name="Hall", slug="hall-b"),
        )
    )

    xml = check_xml(client.get(schedule_xml(edition)).content)
    document = check_json(client.get(schedule_json(edition)).content)

    first_day = xml.find("day")
    assert [
        (room.get("name"), [int(event.get("id")) for event in room.findall("event")])
        for room in first_day.findall("room")
    ] == [("Hall", [first.pk]), ("Hall", [second.pk])]
    assert [
        item["id"] for item in document["schedule"]["conference"]["days"][0]["rooms"]["Hall"]
    ] == [
        first.pk,
        second.pk,
    ]


def test_empty_edition_has_valid_frab_files(client, edition, check_xml, check_json):
    xml = check_xml(client.get(schedule_xml(edition)).content)
    document = check_json(client.get(schedule_json(edition)).content)

    assert len(xml.findall("day")) == 5
    assert frab_events(document) == []


@pytest.mark.parametrize(
    ("edition_slug", "talk_slug", "expected"),
    [
        ("2026", "lmcache", "2026-{pk}-lmcache"),
        ("ml-26", "Mixed-Case_", "ml_26-{pk}-mixed-case"),
        ("ai", "x", "ai__-{pk}-talk-x"),
        ("2026", "---", "2026-{pk}-talk"),
    ],
)
def test_event_slug_and_acronym_match_the_schema_patterns(
    edition_slug, talk_slug, expected, json_validator
):
    conference = ConferenceFactory.build(slug=edition_slug)
    talk = Talk(pk=7, slug=talk_slug)

    slug = frab.event_slug(conference, talk)

    assert slug == expected.format(pk=7)
    xsd_slug = r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}"
    assert etree.XMLSchema(
        etree.XML(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="s">'
            f'<xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="{xsd_slug}"/>'
            "</xs:restriction></xs:simpleType></xs:element></xs:schema>"
        )
    ).validate(etree.XML(f"<s>{slug}</s>"))
    definitions = json_validator.schema["definitions"]
    assert json_validator.evolve(schema=definitions["Event"]["properties"]["slug"]).is_valid(slug)
    acronym_schema = definitions["Conference"]["properties"]["acronym"]
    assert json_validator.evolve(schema=acronym_schema).is_valid(frab.acronym(conference))


def test_json_checker_checks_formats(json_validator, shared_dir):
    """Guards the validation itself: without the format packages "uri" goes unchecked."""
    invalid = json.loads((shared_dir / "formats/frab/examples/invalid-example.json").read_text())
    pretalx = json.loads((shared_dir / "formats/frab/examples/pretalx-democon.json").read_text())

    assert {"uri", "date-time", "date", "uuid"} <= set(json_validator.format_checker.checkers)
    assert len(list(json_validator.iter_errors(invalid))) == 5
    assert list(json_validator.iter_errors(pretalx)) == []


# ---------------------------------------------------------------------------- all feeds


FEEDS = ["program-ics", "talk-ics", "schedule-xml", "schedule-json"]
EDITION_FEEDS = ["program-ics", "schedule-xml", "schedule-json"]


def feed_url(name, program):
    if name == "talk-ics":
        return talk_ics(program.opening)
    return reverse(f"program:{name}", kwargs={"edition": program.edition.slug})


@pytest.mark.parametrize(
    ("name", "disposition"),
    [
        ("program-ics", 'attachment; filename="mlsys-2026.ics"'),
        ("talk-ics", 'attachment; filename="lmcache-kv-caches-shared-at-scale.ics"'),
        ("schedule-xml", 'inline; filename="mlsys-2026-schedule.xml"'),
        ("schedule-json", 'inline; filename="mlsys-2026-schedule.json"'),
    ],
)
def test_feed_has_download_filename(client, program, name, disposition):
    response = client.get(feed_url(name, program))

    assert response["Content-Disposition"] == disposition


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("?type=keynote", "mlsys-2026-keynote.ics"),
        ("?type=keynote&type=oral", "mlsys-2026-keynote-oral.ics"),
        ("?day=2026-05-19&room=grand-ballroom-2", "mlsys-2026-2026-05-19-grand-ballroom-2.ics"),
        ("?speaker=yuhan-liu", "mlsys-2026-yuhan-liu.ics"),
        ("?q=KV+Caches%2C+Köln", "mlsys-2026-kv-caches-koln.ics"),
        ("?talk=compilers-for-learning&talk=serving-models-cheaply", "mlsys-2026-agenda.ics"),
        ("?day=&q=", "mlsys-2026.ics"),
    ],
)
def test_program_calendar_file_is_named_after_its_filters(client, program, query, filename):
    response = client.get(program_ics(program.edition, query))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_program_calendar_file_name_stays_short_and_ends_after_a_whole_word(client, program):
    query = "?q=" + "+".join(["caches"] * 25)

    response = client.get(program_ics(program.edition, query))

    name = response["Content-Disposition"].split('"')[1]
    assert name == "mlsys-2026" + "-caches" * 12 + ".ics"
    assert len(name) <= 100 + len(".ics")


@pytest.mark.parametrize("name", FEEDS)
def test_feed_answers_304_while_unchanged(client, program, name):
    url = feed_url(name, program)
    etag = client.get(url)["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    program.opening.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("name", FEEDS)
def test_feed_may_be_read_from_any_origin(client, program, name):
    response = client.get(feed_url(name, program), HTTP_ORIGIN="https://apps.example.org")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", FEEDS)
def test_feed_refuses_writes(client, program, name):
    response = client.post(feed_url(name, program))

    assert response.status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/1999/program.ics",
        "/1999/schedule.xml",
        "/1999/schedule.json",
        "/1999/talks/lmcache-kv-caches-shared-at-scale.ics",
        "/2026/talks/no-such-talk.ics",
        "/2026/talks/not-yet-announced.ics",
        "/hidden/program.ics",
        "/hidden/schedule.json",
    ],
)
def test_feed_of_unknown_or_hidden_edition_or_talk_is_404(client, program, url):
    ConferenceFactory(slug="hidden", is_published=False)

    response = client.get(url)

    assert response.status_code == 404


def make_program(edition, item_count):
    room = RoomFactory(conference=edition)
    for _ in range(item_count):
        speakers = [SpeakerFactory(with_photo=True), SpeakerFactory()]
        talk = TalkFactory(conference=edition, room=room, speakers=speakers)
        ResourceFactory(talk=talk, kind="slides")
        ResourceFactory(talk=talk, kind="video")


@pytest.mark.parametrize("item_count", [1, 3])
def test_program_ics_query_count(client, edition, item_count, django_assert_num_queries):
    make_program(edition, item_count)

    # The data version, the edition, talks (with type, room, track), their speakers (photos).
    with django_assert_num_queries(4):
        response = client.get(program_ics(edition))

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_filtered_program_ics_query_count(client, edition, item_count, django_assert_num_queries):
    make_program(edition, item_count)
    TalkTypeFactory(slug="keynote")

    with django_assert_num_queries(5):
        response = client.get(program_ics(edition, "?type=invited-talk&type=keynote"))

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_talk_ics_query_count(client, edition, item_count, django_assert_num_queries):
    talk = TalkFactory(conference=edition, speakers=SpeakerFactory.create_batch(item_count))

    with django_assert_num_queries(3):
        response = client.get(talk_ics(talk))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["DESCRIPTION"]).count("University of Washington") == item_count


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize("url", [schedule_xml, schedule_json])
def test_schedule_query_count(client, edition, url, item_count, django_assert_num_queries):
    make_program(edition, item_count)

    # The data version, the edition, its rooms, talks, their speakers (with photos) and
    # their resources.
    with django_assert_num_queries(6):
        response = client.get(url(edition))

    assert response.content.count(b"Talk number") == item_count


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize("name", EDITION_FEEDS)
def test_unchanged_edition_feed_is_neither_rebuilt_nor_requeried(
    client, edition, name, item_count, django_assert_num_queries
):
    make_program(edition, item_count)
    url = reverse(f"program:{name}", kwargs={"edition": edition.slug})
    built = client.get(url)

    # The data version alone: the file is in the shared cache.
    with django_assert_num_queries(1):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=built["ETag"])
    with django_assert_num_queries(1):
        cached = client.get(url)

    assert (not_modified.status_code, not_modified["ETag"]) == (304, built["ETag"])
    assert (cached.status_code, cached["ETag"], cached.content) == (
        200,
        built["ETag"],
        built.content,
    )


def retitle_talk(program):
    program.opening.title = "LMCache renamed"
    program.opening.save()
    return b"LMCache renamed", None


def delete_talk(program):
    program.invited.delete()
    return None, b"Serving models cheaply"


def rename_speaker(program):
    Speaker.objects.filter(name="Ana Solo").update(name="Ana Solo-Lin", updated_at=timezone.now())
    return b"Ana Solo-Lin", None


def remove_speaker_from_talk(program):
    program.invited.speaker_links.all().delete()
    return None, b"Ana Solo"


def rename_room(program):
    program.ballroom_1.name = "Ballroom One"
    program.ballroom_1.save()
    return b"Ballroom One", None


def rename_type(program):
    TalkType.objects.filter(slug="oral").update(name="Oral paper", updated_at=timezone.now())
    return b"Oral paper", None


def rename_track(program):
    Track.objects.filter(name="LLM Serving").update(name="Serving LLMs", updated_at=timezone.now())
    return b"Serving LLMs", None


def rename_edition(program):
    program.edition.name = "MLSys 2026 in Bellevue"
    program.edition.save()
    return b"MLSys 2026 in Bellevue", None


@pytest.mark.parametrize(
    "change",
    [
        retitle_talk,
        delete_talk,
        rename_speaker,
        remove_speaker_from_talk,
        rename_room,
        rename_type,
        rename_track,
        rename_edition,
    ],
)
@pytest.mark.parametrize("name", EDITION_FEEDS)
def test_edition_feed_is_rebuilt_when_anything_it_shows_changes(client, program, name, change):
    url = feed_url(name, program)
    before = client.get(url)

    shown, gone = change(program)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    if shown is not None:
        assert (shown in before.content, shown in after.content) == (False, True)
    if gone is not None:
        assert before.content.count(gone) > after.content.count(gone)


@pytest.mark.parametrize("text", ["ü" * 100 + "\\," * 60, "a" * 74 + "€" * 40, "x" * 75, "b" * 200])
def test_fold_keeps_lines_short_and_characters_whole(text):
    line = f"DESCRIPTION:{text}"

    physical = fold(line).split(b"\r\n")

    assert max(len(part) for part in physical) <= 75
    assert all(part.startswith(b" ") for part in physical[1:])
    assert not any(part.endswith(b"\\") for part in physical[:-1])
    assert [part.decode() for part in physical]  # no character split between two lines
    assert b"".join([physical[0], *(part[1:] for part in physical[1:])]) == line.encode()


def test_page_links_match_reverse_even_for_an_edition_slug_holding_the_marker(rf):
    talk = TalkFactory(conference=ConferenceFactory(slug=f"x-{MARKER}"))
    speaker = talk.speaker_links.get().speaker

    links = PageLinks(talk.conference, rf.get("/").build_absolute_uri)

    assert links.talk(talk) == f"http://testserver{talk.get_absolute_url()}"
    assert links.speaker(speaker) == (
        f"http://testserver{speaker.get_absolute_url(talk.conference)}"
    )


def test_built_feed_is_shared_through_redis(
    client, program, settings, redis_server, django_assert_num_queries
):
    settings.CACHES = redis_caches(redis_server.url)  # as CACHE_URL sets them
    feed = feed_url("program-ics", program)
    built = client.get(feed)

    with django_assert_num_queries(1):
        cached = client.get(feed)

    assert (cached.status_code, cached.content) == (200, built.content)
    # The file as it is (compressed copies are made when asked for); the data version is
    # the database's.
    assert [key.split(":")[2] for key in redis_server.cache_keys()] == ["response"]


def test_long_and_overnight_sessions_are_valid_frab_in_hours_and_minutes(
    client, edition, check_xml, check_json
):
    """Durations are HH:MM (readers take "1:00:00" for a day or an hour), up to the 99:59
    the XSD allows, the longest session the site accepts."""
    for slug, start, end in [
        ("hackathon", local("2026-05-18", 10), local("2026-05-19", 12)),
        ("party", local("2026-05-18", 22), local("2026-05-19", 1)),
        ("longest", local("2026-05-18", 8), local("2026-05-22", 11, 59)),
    ]:
        TalkFactory(conference=edition, slug=slug, title=slug, start=start, end=end)

    xml = check_xml(client.get(schedule_xml(edition)).content)
    document = check_json(client.get(schedule_json(edition)).content)

    expected = {"hackathon": "26:00", "party": "03:00", "longest": "99:59"}
    assert {event.findtext("title"): event.findtext("duration") for event in xml.iter("event")} == (
        expected
    )
    assert {item["title"]: item["duration"] for _, _, item in frab_events(document)} == expected
    # Each is listed once, on the schedule day it starts.
    assert sorted((index, item["title"]) for index, _, item in frab_events(document)) == [
        (1, "hackathon"),
        (1, "longest"),
        (1, "party"),
    ]


# ------------------------------------------------- control characters in the data


@pytest.fixture
def unruly_program():
    """Names as a careless paste or an old import may leave them: a line break in the
    edition's name, control characters in a room, a title, a speaker, a type and a track."""
    edition = ConferenceFactory(slug="2026", name="MLSys\n2026\x01", venue="Hyatt;\x0b Regency")
    room = RoomFactory(conference=edition, name="Ballroom\x01 A\x0b")
    talk_type = TalkTypeFactory(slug="keynote", name="Key\x1bnote")
    track = TrackFactory(conference=edition, name="Serving,\x7f LLMs", colour="#b45309")
    speaker = SpeakerFactory(name="Yuhan\x1f Liu", affiliation="Chicago\x08")
    TalkFactory(
        conference=edition,
        room=room,
        type=talk_type,
        track=track,
        slug="kv-caches",
        title="KV\x02 caches\r\nat scale",
        abstract="Line one\x0c\nline two; a, b \\ c",
        start=local("2026-05-18", 9),
        speakers=[speaker],
    )
    return edition


def test_calendar_of_unruly_names_is_valid_and_escaped(client, unruly_program, check_ics):
    response = client.get("/2026/program.ics?q=caches%0Aat")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mlsys-2026-caches-at.ics"'
    calendar = check_ics(response.content)
    lines = response.content.decode().replace("\r\n ", "").split("\r\n")
    # The search words' line break is a space once the query is normalised.
    assert "NAME:MLSys\\n2026 (Search: caches at)" in lines
    assert "X-WR-CALNAME:MLSys\\n2026 (Search: caches at)" in lines
    assert "SUMMARY:KV caches\\nat scale" in lines
    assert "LOCATION:Ballroom A\\, Hyatt\\; Regency\\, Bellevue\\, Washington" in lines
    assert "CATEGORIES:Keynote,Serving\\, LLMs" in lines
    assert "DESCRIPTION:Yuhan Liu (Chicago)\\n\\nLine one\\nline two\\; a\\, b \\\\ c" in lines
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "KV caches\nat scale"


def test_talk_calendar_of_unruly_names_is_valid(client, unruly_program, check_ics):
    response = client.get("/2026/talks/kv-caches.ics")

    assert response.status_code == 200
    check_ics(response.content)
    lines = response.content.decode().replace("\r\n ", "").split("\r\n")
    assert "NAME:MLSys\\n2026: KV caches\\nat scale" in lines


def test_schedule_xml_of_unruly_names_is_well_formed_and_valid(client, unruly_program, check_xml):
    response = client.get("/2026/schedule.xml")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="mlsys-2026-schedule.xml"'
    document = check_xml(response.content)
    assert document.find("day/room").get("name") == "Ballroom A"
    assert document.findtext("day/room/event/title") == "KV caches\nat scale"
    assert document.findtext("day/room/event/persons/person") == "Yuhan Liu"
    assert document.find("conference/track").get("name") == "Serving,\x7f LLMs"  # XML carries DEL
    assert document.findtext("conference/title") == "MLSys\n2026"


def test_schedule_json_of_unruly_names_is_valid(client, unruly_program, check_json):
    response = client.get("/2026/schedule.json")

    document = check_json(response.content)
    assert list(document["schedule"]["conference"]["days"][0]["rooms"]) == ["Ballroom\x01 A\x0b"]


def test_changes_feed_of_unruly_names_is_well_formed(client, unruly_program):
    response = client.get("/2026/changes.atom")

    assert response.status_code == 200
    feed = etree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == "MLSys\n2026: changes to the program"
    assert feed.findtext(f"{atom}entry/{atom}title") == "Added: KV caches\nat scale"


@pytest.mark.parametrize(
    ("version", "disposition"),
    [
        ("%00", 'inline; filename="Conference program API ().yaml"'),
        ("a%0D%0Ab", 'inline; filename="Conference program API (ab).yaml"'),
        ("%22%3B+x%3D%5C%2F", 'inline; filename="Conference program API (; x=).yaml"'),
        ("1.0", 'inline; filename="Conference program API (1.0).yaml"'),
    ],
)
def test_schema_file_name_holds_the_version_cleaned(client, version, disposition):
    response = client.get(f"/api/schema/?version={version}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition


def test_redirect_keeps_the_query_encoded(client, unruly_program):
    unruly_program.is_current = True
    unruly_program.save()

    response = client.get("/current/program/", QUERY_STRING="q=a\r\nSet-Cookie:+x")

    assert response.status_code == 302
    assert response["Location"] == "/2026/program/?q=a%0D%0ASet-Cookie:+x"


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (xml_text, "a\x00b\tc\nd\x1f\ud800\ufffe", "ab\tc\nd"),
        (download_filename, 'a\r\n"b"\\c/d\x00.ics', "abcd.ics"),
        (download_filename, "\x00", "download"),
        (calendar_text, "a\r\nb\x01\tc;", "a\nb c;"),
    ],
)
def test_output_text_functions(function, text, expected):
    assert function(text) == expected


# ------------------------------------------------------------------- links as valid URIs

# Links as organisers paste them: an internationalised host (39C3's), a second "#" (a FOSDEM
# Matrix room), a space and a letter beyond ASCII in the path.
PASTED_LINKS = [
    ("https://zügli.app", "https://xn--zgli-0ra.app"),
    ("https://matrix.to/#/#fosdem:matrix.org", "https://matrix.to/#/%23fosdem:matrix.org"),
    ("https://example.org/talk slides/é.pdf", "https://example.org/talk%20slides/%C3%A9.pdf"),
]


def test_every_output_writes_pasted_links_as_valid_uris(client, edition, check_json, check_xml):
    talk = TalkFactory(conference=edition, title="Links")
    for position, (pasted, _) in enumerate(PASTED_LINKS):
        ResourceFactory(talk=talk, kind="other", url=pasted, position=position)
    written = [valid for _, valid in PASTED_LINKS]

    document = check_json(client.get(schedule_json(edition)).content)
    xml = check_xml(client.get(schedule_xml(edition)).content)
    api = client.get(f"/api/v1/talks/{talk.pk}/").json()
    page = client.get(talk.get_absolute_url()).content.decode()

    (event,) = [e for day in document["schedule"]["conference"]["days"]
                for room in day["rooms"].values() for e in room]  # fmt: skip
    assert [link["url"] for link in event["links"]] == written
    assert [link.get("href") for link in xml.iter("link")] == written
    assert [resource["url"] for resource in api["resources"]] == written
    assert all(f'<a href="{url}">' in page for url in written)


def test_a_talk_without_speakers_or_abstract_has_no_empty_description(client, edition):
    # libical (GNOME, Evolution) reports an error for each empty property.
    talk = TalkFactory(conference=edition, title="Coffee", abstract="", speakers=[])

    text = client.get(talk_ics(talk)).content.decode()

    assert "\r\nSUMMARY:Coffee\r\n" in text
    assert "DESCRIPTION" not in text
    assert not re.search(r"\r\n[A-Z-]+(;[^:\r\n]*)?:\r\n", text)  # no property is empty


# ---------------------------------------------------------------------------- sessions


def test_sessions_chairs_and_boards_stay_out_of_valid_frab(client, program, check_xml, check_json):
    """frab has no place for a session, a chair (the XML's <person> has no role, the JSON
    event no other property) or a poster's board: both files stay valid and unchanged."""
    xml_before = client.get(schedule_xml(program.edition)).content
    json_before = json.loads(client.get(schedule_json(program.edition)).content)
    chair = SpeakerFactory(name="Chris Chair", affiliation="ETH Zürich")
    session = SessionFactory(
        conference=program.edition,
        room=program.ballroom_1,
        title="Opening session",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10),
        chairs=[chair],
    )
    session.chairs.add(program.opening.speaker_links.first().speaker)
    Talk.objects.filter(pk=program.opening.pk).update(board="B12")

    document = check_xml(client.get(schedule_xml(program.edition)).content)
    data = check_json(client.get(schedule_json(program.edition)).content)

    assert document.xpath("//person[text()='Chris Chair']") == []
    assert "Chris Chair" not in json.dumps(data)
    assert "B12" not in json.dumps(data)
    assert b"B12" not in etree.tostring(document)
    assert b"Opening session" not in etree.tostring(document)
    (opening,) = [item for _, _, item in frab_events(data) if item["id"] == program.opening.pk]
    assert [person["public_name"] for person in opening["persons"]] == ["Yuhan Liu", "Zhihao Jia"]
    # Only the version (made of the data) may differ.
    strip = re.compile(rb"<version>[^<]*</version>")
    assert strip.sub(b"", xml_before) == strip.sub(
        b"", client.get(schedule_xml(program.edition)).content
    )
    assert {key: value for key, value in json_before["schedule"].items() if key != "version"} == {
        key: value for key, value in data["schedule"].items() if key != "version"
    }
