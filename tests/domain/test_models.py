import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from program.models import Conference, Room, Speaker, Talk, TalkType, Track
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


def test_talk_ending_before_it_starts_is_refused_by_the_database():
    talk = TalkFactory()
    talk.end = talk.start - dt.timedelta(minutes=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


@pytest.mark.parametrize(
    ("length", "stored"),
    [(dt.timedelta(hours=99, minutes=59), True), (dt.timedelta(hours=100), False)],
)
def test_a_talk_longer_than_frab_can_write_is_refused_by_the_database_for_every_path(
    length, stored
):
    # The admin and imports refuse it too; update() and a shell script reach the database.
    talk = TalkFactory()

    def lengthen():
        with transaction.atomic():
            Talk.objects.filter(pk=talk.pk).update(end=talk.start + length)

    if stored:
        lengthen()
        talk.refresh_from_db()
        assert talk.end - talk.start == length
    else:
        with pytest.raises(IntegrityError):
            lengthen()


@pytest.mark.parametrize(
    "size", [(None, None), (640, None), (None, 480)], ids=["no-size", "no-height", "no-width"]
)
def test_a_photo_without_a_size_is_refused_by_the_database(size):
    """The constraint once compared a NULL size, which SQL reads as passing: the speaker's
    pages then answered 500 on the row the database had taken."""
    speaker = SpeakerFactory()
    width, height = size

    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.filter(pk=speaker.pk).update(
            photo="speakers/ada.jpg", photo_width=width, photo_height=height
        )


def test_talk_ending_when_it_starts_is_refused_by_the_database():
    talk = TalkFactory()
    talk.end = talk.start
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


def test_duplicate_talk_slug_in_one_edition_is_refused_by_the_database():
    talk = TalkFactory(title="Scaling laws")
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkFactory(conference=talk.conference, title="Scaling laws")


def test_same_talk_slug_in_two_editions_is_allowed():
    TalkFactory(conference=ConferenceFactory(slug="2025"), title="Scaling laws")
    TalkFactory(conference=ConferenceFactory(slug="2026"), title="Scaling laws")
    assert Talk.objects.filter(slug="scaling-laws").count() == 2


def test_duplicate_room_slug_in_one_edition_is_refused_by_the_database():
    room = RoomFactory(name="Grand Ballroom 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.get(pk=room.conference_id).rooms.create(
            slug="grand-ballroom-1", name="Another name"
        )


def test_duplicate_track_slug_in_one_edition_is_refused_by_the_database():
    track = TrackFactory(name="LLM Serving")
    TrackFactory(conference=ConferenceFactory(slug="2025"), name="LLM Serving")
    with pytest.raises(IntegrityError), transaction.atomic():
        Track.objects.create(conference=track.conference, slug=track.slug, name="Other")


def test_track_colour_must_be_written_rrggbb_and_is_kept_in_lower_case():
    track = TrackFactory.build(conference=ConferenceFactory(), colour="#ABCDEF")
    track.full_clean()
    assert track.colour == "#abcdef"

    for wrong in ("#abc", "blue", "#12345g", "1d4ed8", "#1d4ed"):
        track.colour = wrong
        with pytest.raises(ValidationError) as error:
            track.full_clean()
        assert error.value.message_dict == {
            "colour": [f"“{wrong}” is not a colour written #rrggbb, such as #1d4ed8."]
        }


def test_a_track_in_use_cannot_be_deleted_but_goes_with_its_edition():
    track = TrackFactory()
    talk = TalkFactory(conference=track.conference, track=track)

    with pytest.raises(RestrictedError), transaction.atomic():
        track.delete()
    assert Talk.objects.get().track == track
    # Rooms protect an edition that has talks, so its talks go first (as generate_program does).
    talk.delete()
    track.conference.delete()

    assert Track.objects.count() == 0


def test_duplicate_speaker_slug_is_refused_by_the_database():
    SpeakerFactory(name="Yuhan Liu")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerFactory._meta.model.objects.create(slug="yuhan-liu", name="Yuhan Liu")


def test_second_current_edition_is_refused_by_the_database():
    ConferenceFactory(slug="2025", is_current=True)
    other = ConferenceFactory(slug="2026")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.filter(pk=other.pk).update(is_current=True)


def test_saving_an_edition_as_current_unmarks_the_one_that_was():
    # Any path that saves (the admin, a shell script, an import) keeps one current edition.
    ConferenceFactory(slug="2025", is_current=True)
    ConferenceFactory(slug="2026", is_current=True)
    ConferenceFactory(slug="2027")

    current = Conference.objects.filter(is_current=True).values_list("slug", flat=True)
    assert list(current) == ["2026"]


def test_an_edition_slug_shadowing_the_sites_addresses_is_refused_by_the_database():
    edition = ConferenceFactory(slug="2026")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.filter(pk=edition.pk).update(slug="api")


def test_the_admins_own_path_is_refused_as_an_edition_slug(settings):
    # The admin may live elsewhere (DJANGO_ADMIN_PATH): its address is the site's too.
    settings.ADMIN_PATH = "organisers/"
    with pytest.raises(ValidationError) as refused:
        ConferenceFactory.build(slug="organisers").clean_fields()
    assert refused.value.message_dict["slug"][0].startswith("“organisers” is an address")


def test_conference_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(start_date=dt.date(2026, 5, 22), end_date=dt.date(2026, 5, 18))


def test_talk_status_outside_the_choices_is_refused_by_the_database():
    talk = TalkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=talk.pk).update(status="postponed")


def test_talk_clean_names_the_end_and_a_room_of_another_edition():
    talk = TalkFactory()
    talk.end = talk.start
    talk.room = RoomFactory(conference=ConferenceFactory(slug="2020"), name="Hall A")
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert error.value.message_dict == {
        "end": ["The talk must end after it starts."],
        "room": ["“Hall A” is a room of another edition."],
    }


def test_conference_timezone_must_be_an_iana_name():
    conference = ConferenceFactory.build(slug="2030", timezone="Pacific Time")
    with pytest.raises(ValidationError) as error:
        conference.full_clean()
    assert error.value.message_dict == {
        "timezone": ["“Pacific Time” is not an IANA timezone name such as America/Los_Angeles."]
    }


def test_a_5000_character_timezone_is_refused_by_its_start():
    conference = ConferenceFactory.build(slug="2030", timezone="Europe/" + "x" * 4993)
    with pytest.raises(ValidationError) as error:
        conference.full_clean()
    assert error.value.message_dict == {
        "timezone": [
            f"“Europe/{'x' * 52}…” is not an IANA timezone name such as America/Los_Angeles.",
            "Ensure this value has at most 64 characters (it has 5000).",
        ]
    }


def test_the_contract_talk_types_exist_after_migrating():
    assert dict(TalkType.objects.values_list("slug", "name")) == {
        "keynote": "Keynote",
        "invited-talk": "Invited Talk",
        "oral": "Oral",
        "spotlight": "Spotlight",
        "poster": "Poster",
        "tutorial": "Tutorial",
        "workshop": "Workshop",
        "panel": "Panel",
        "social": "Social",
        "break": "Break",
    }


def test_published_hides_drafts_and_unpublished_editions_but_keeps_cancelled():
    edition = ConferenceFactory(slug="2026")
    hidden_edition = ConferenceFactory(slug="2027", is_published=False)
    TalkFactory(conference=edition, title="Shown")
    TalkFactory(conference=edition, title="Called off", status=Talk.Status.CANCELLED)
    TalkFactory(conference=edition, title="Not yet", status=Talk.Status.DRAFT)
    TalkFactory(conference=hidden_edition, title="Next year")

    assert sorted(Talk.objects.published().values_list("slug", flat=True)) == [
        "called-off",
        "shown",
    ]
    assert list(Talk.objects.scheduled().values_list("slug", flat=True)) == ["shown"]


def test_for_program_lists_speakers_in_their_order(django_assert_num_queries):
    first, second = SpeakerFactory(name="Zoe Zed"), SpeakerFactory(name="Adam Ant")
    TalkFactory(
        title="Panel",
        conference=ConferenceFactory(slug="2026"),
        room__name="Hall A",
        speakers=[first, second],
    )

    with django_assert_num_queries(2):
        talk = Talk.objects.for_program().get()
        shown = (talk.conference.slug, talk.room.name, talk.type.name)
        speaker_names = [speaker.name for speaker in talk.ordered_speakers]

    assert shown == ("2026", "Hall A", "Invited Talk")
    assert speaker_names == ["Zoe Zed", "Adam Ant"]


def test_saving_a_talk_grows_its_sequence():
    talk = TalkFactory()
    assert talk.sequence == 0
    talk.title = "A better title"
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 1


def test_set_status_grows_the_sequence_of_each_talk():
    talk = TalkFactory(status=Talk.Status.DRAFT)
    Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.PUBLISHED)
    talk.refresh_from_db()
    assert (talk.status, talk.sequence) == ("published", 1)


def test_local_times_and_duration_are_in_the_conference_timezone():
    talk = TalkFactory(start=local("2026-05-18", 9), end=local("2026-05-18", 9, 25))
    assert talk.local_start.isoformat() == "2026-05-18T09:00:00-07:00"
    assert talk.start.astimezone(dt.UTC).hour == 16
    assert talk.duration_minutes == 25


def test_get_absolute_urls():
    talk = TalkFactory(conference=ConferenceFactory(slug="2026"), title="LMCache")
    speaker = talk.ordered_speakers[0]
    assert talk.get_absolute_url() == "/2026/talks/lmcache/"
    assert talk.conference.get_absolute_url() == "/2026/program/"
    assert speaker.get_absolute_url() == f"/2026/speakers/{speaker.slug}/"
    assert talk.room.get_absolute_url() == f"/2026/program/?room={talk.room.slug}"


def test_str_of_each_model():
    talk = TalkFactory(title="LMCache", room__name="Grand Ballroom 1")
    speaker = talk.ordered_speakers[0]
    assert str(talk) == "LMCache"
    assert str(talk.room) == "Grand Ballroom 1"
    assert str(talk.conference) == talk.conference.name
    assert str(speaker) == speaker.name
    assert str(talk.type) == "Invited Talk"
    assert str(talk.speaker_links.get()) == f"{speaker.name} in “LMCache”"


def test_queryset_update_moves_updated_at_and_grows_the_talk_sequence():
    talk = TalkFactory()
    speaker, room, conference = talk.ordered_speakers[0], talk.room, talk.conference
    rows = [talk, speaker, room, conference, talk.type]
    before = [row.updated_at for row in rows]

    Talk.objects.filter(pk=talk.pk).update(title="Renamed")
    Speaker.objects.filter(pk=speaker.pk).update(affiliation="Anyscale")
    Room.objects.filter(pk=room.pk).update(name="Hall B")
    Conference.objects.filter(pk=conference.pk).update(city="Seattle")
    TalkType.objects.filter(pk=talk.type.pk).update(name="Invited")

    for row in rows:
        row.refresh_from_db()
    assert [row.updated_at > earlier for row, earlier in zip(rows, before, strict=True)] == [
        True
    ] * len(rows)
    assert talk.sequence == 1
