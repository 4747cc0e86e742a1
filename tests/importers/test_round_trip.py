"""An edition exported as a frab schedule and imported again is the same program."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from program.models import Conference, Speaker, Talk, TalkType, Track
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
from tests.importers.test_imports import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    """Two rooms, several types, tracks (one slug starting with a digit), shared and ordered
    speakers, a talk past midnight."""
    conference = ConferenceFactory(
        slug="2026",
        name="MLSys 2026",
        timezone="America/Los_Angeles",
        end_date=dt.date(2026, 5, 19),
    )
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    annex = RoomFactory(conference=conference, name="Annex & Terrace", position=1)
    # No talk yet: not exported, as a schedule names only the rooms of public talks (a room
    # that only drafts use would tell that they exist).
    RoomFactory(conference=conference, name="Poster Hall", position=2)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    social = TalkTypeFactory(slug="social", name="Social")
    serving = TrackFactory(conference=conference, name="LLM Serving", colour="#b45309")
    kernels = TrackFactory(conference=conference, name="3D Kernels", colour="#047857")
    lisa, yuhan, ion = (
        SpeakerFactory(name="Lisa Li"),
        SpeakerFactory(name="Yuhan Liu"),
        SpeakerFactory(name="Ion Stoica"),
    )
    talks = [
        ("Opening: Systems & ML", keynote, ballroom, ("2026-05-18", 9), 45, [ion], None),
        ("LMCache", invited, ballroom, ("2026-05-18", 9, 50), 25, [yuhan, lisa], serving),
        ("KV caches <at scale>", invited, annex, ("2026-05-18", 9, 50), 25, [lisa], serving),
        ("Night walk", social, annex, ("2026-05-18", 23, 30), 60, [ion, yuhan, lisa], None),
        ("Closing", keynote, ballroom, ("2026-05-19", 17), 30, [ion], kernels),
    ]
    for title, talk_type, room, start, minutes, speakers, track in talks:
        TalkFactory(
            conference=conference,
            title=title,
            type=talk_type,
            room=room,
            start=local(*start),
            end=local(*start) + dt.timedelta(minutes=minutes),
            abstract=f"About {title}.\n\nA second paragraph.",
            speakers=speakers,
            track=track,
        )
    lmcache = Talk.objects.get(title="LMCache")
    for kind, url, title in [
        ("slides", "https://slides.example.org/lmcache.pdf", ""),
        ("video", "https://video.example.org/watch?v=1&t=2", "Recording, day 1"),
        ("paper", "https://papers.example.org/lmcache", ""),
        ("poster", "https://posters.example.org/lmcache.png", ""),
        ("code", "https://code.example.org/lmcache", ""),
        ("other", "https://lmcache.example.org/", "Project page"),
    ]:
        ResourceFactory(talk=lmcache, kind=kind, url=url, title=title)
    return conference


def program(conference):
    """Everything the round trip must keep, per talk, in time order."""
    return [
        (
            talk.slug,
            talk.title,
            talk.type_id,
            talk.start,
            talk.end,
            (talk.room.slug, talk.room.name, talk.room.position),
            [speaker.pk for speaker in talk.ordered_speakers],
            talk.abstract,
            talk.status,
            list(talk.resources.values_list("kind", "url", "title")),
            (talk.track.slug, talk.track.name, talk.track.colour) if talk.track else None,
        )
        for talk in Talk.objects.filter(conference=conference).for_program().order_by("start", "pk")
    ]


@pytest.mark.parametrize("feed", ["schedule.xml", "schedule.json"])
def test_exported_edition_imports_as_the_same_program(client, tmp_path, edition, feed):
    speakers, types = Speaker.objects.count(), TalkType.objects.count()
    assert Track.objects.count() == 2
    export = client.get(f"/2026/{feed}")
    assert export.status_code == 200
    path = tmp_path / feed
    path.write_bytes(export.content)

    call_command(
        "import_schedule", str(path), "--conference", "2026-copy", "--name", "MLSys 2026 copy",
        stdout=io.StringIO(),
    )  # fmt: skip

    copy = Conference.objects.get(slug="2026-copy")
    assert (copy.name, copy.start_date, copy.end_date, copy.timezone) == (
        "MLSys 2026 copy",
        edition.start_date,
        edition.end_date,
        edition.timezone,
    )
    assert (copy.is_published, copy.is_current) == (True, False)
    assert program(copy) == program(edition)
    assert rooms(copy) == [
        ("grand-ballroom-1", "Grand Ballroom 1", 0),
        ("annex-terrace", "Annex & Terrace", 1),
    ]
    assert rooms(edition) == [*rooms(copy), ("poster-hall", "Poster Hall", 2)]
    # Neither format keeps venue and city: the XSD has no place for them, and the JSON
    # writes only what the XSD has (converters copy its keys into XML).
    assert (copy.venue, copy.city) == ("", "")
    assert (Speaker.objects.count(), TalkType.objects.count()) == (speakers, types)
    assert copy.tracks.count() == 2  # the tracks are the edition's own copies


def rooms(conference):
    return list(conference.rooms.values_list("slug", "name", "position"))


def test_an_export_imported_under_its_own_name_is_refused(client, tmp_path, edition):
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get("/2026/schedule.xml").content)

    with pytest.raises(CommandError) as refused:
        call_command("import_schedule", str(path), "--conference", "2026-copy")

    assert str(refused.value) == (
        "Nothing was imported: 1 problem.\n"
        "  conference, title: another edition is already called “MLSys 2026”: give the new "
        "edition a name of its own (--name, or “New edition name” in the admin)"
    )
    assert not Conference.objects.filter(slug="2026-copy").exists()


def test_cancelled_and_draft_talks_stay_out_of_the_copy(client, tmp_path, edition):
    Talk.objects.filter(title="Closing").update(status=Talk.Status.CANCELLED)
    Talk.objects.filter(title="Night walk").update(status=Talk.Status.DRAFT)
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get("/2026/schedule.xml").content)

    call_command(
        "import_schedule", str(path), "--conference", "2026-copy", "--name", "Copy",
        stdout=io.StringIO(),
    )  # fmt: skip

    assert list(
        Talk.objects.filter(conference__slug="2026-copy")
        .order_by("start")
        .values_list("title", flat=True)
    ) == ["Opening: Systems & ML", "LMCache", "KV caches <at scale>"]


def test_importing_an_edition_s_own_export_changes_nothing(client, tmp_path, edition):
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get("/2026/schedule.xml").content)
    before = database_snapshot()

    call_command("import_schedule", str(path), "--conference", "2026", stdout=io.StringIO())

    assert database_snapshot() == before


@pytest.mark.parametrize("feed", ["schedule.xml", "schedule.json"])
def test_a_rooms_stream_comes_back_as_the_rooms_not_a_resource(client, tmp_path, edition, feed):
    """Our export lists the room's stream among each of its talks' links ("web", "Live
    stream"): imported again, twice, it is still the room's, and no talk gains a resource."""
    stream = "https://stream.example.org/ballroom?a=1&b=2"
    edition.rooms.filter(name="Grand Ballroom 1").update(stream_url=stream)
    path = tmp_path / feed
    path.write_bytes(client.get(f"/2026/{feed}").content)
    before = database_snapshot()

    for _ in range(2):
        call_command("import_schedule", str(path), "--conference", "2026", stdout=io.StringIO())

    assert database_snapshot() == before

    call_command(
        "import_schedule", str(path), "--conference", "2026-copy", "--name", "Copy",
        stdout=io.StringIO(),
    )  # fmt: skip
    copy = Conference.objects.get(slug="2026-copy")
    assert list(copy.rooms.values_list("name", "stream_url")) == [
        ("Grand Ballroom 1", stream),
        ("Annex & Terrace", ""),
    ]
    assert program(copy) == program(edition)  # the same resources, no "other" link


def test_an_imported_stream_leaves_a_rooms_own_stream_alone(client, tmp_path, edition):
    edition.rooms.filter(name="Grand Ballroom 1").update(stream_url="https://a.example.org/live")
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get("/2026/schedule.xml").content)
    edition.rooms.filter(name="Grand Ballroom 1").update(stream_url="https://b.example.org/new")

    call_command("import_schedule", str(path), "--conference", "2026", stdout=io.StringIO())

    assert edition.rooms.get(name="Grand Ballroom 1").stream_url == "https://b.example.org/new"
    assert not Talk.objects.filter(resources__url="https://a.example.org/live").exists()
