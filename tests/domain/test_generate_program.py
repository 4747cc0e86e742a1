import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from program.clashes import find_clashes
from program.models import Conference, Room, Speaker, Talk, TalkType
from program.synthetic.text import title_case
from tests.factories import ConferenceFactory, TalkFactory

pytestmark = pytest.mark.django_db

# The talk types of migration 0002_talk_types, except "break" (breaks have no speakers:
# docs/organisers/synthetic-editions.md).
CONTRACT_TYPES = {
    "keynote": "Keynote",
    "invited-talk": "Invited Talk",
    "oral": "Oral",
    "spotlight": "Spotlight",
    "poster": "Poster",
    "tutorial": "Tutorial",
    "workshop": "Workshop",
    "panel": "Panel",
    "social": "Social",
}


def generate(slug="2030", talks=60, **options):
    """Run the command as a person would; returns what it printed."""
    out = io.StringIO()
    call_command("generate_program", conference=slug, talks=talks, stdout=out, **options)
    return out.getvalue()


def snapshot(slug="2030"):
    """Everything that must not change between two runs with the same arguments."""
    talks = Talk.objects.filter(conference__slug=slug).for_program().order_by("slug")
    return [
        (
            talk.slug,
            talk.title,
            talk.type.slug,
            talk.abstract,
            talk.start,
            talk.end,
            talk.room.slug,
            [speaker.slug for speaker in talk.ordered_speakers],
            talk.status,
            talk.track.slug if talk.track else None,
        )
        for talk in talks
    ]


def test_generate_program_prints_a_summary():
    output = generate(talks=60, rooms=3, days=2)

    assert output == "Created edition 2030 with 60 talks in 3 rooms over 2 days (1 cancelled).\n"


def test_generate_program_makes_exact_counts_of_talks_rooms_and_days():
    generate(talks=60, rooms=3, days=2)

    conference = Conference.objects.get(slug="2030")
    talks = Talk.objects.filter(conference=conference)
    assert talks.count() == 60
    assert list(conference.rooms.values_list("name", "slug", "position")) == [
        ("Grand Ballroom 1", "grand-ballroom-1", 0),
        ("Regency 1", "regency-1", 1),
        ("Evergreen 1", "evergreen-1", 2),
    ]
    assert (conference.start_date, conference.end_date) == (
        dt.date(2030, 5, 20),
        dt.date(2030, 5, 21),
    )
    assert conference.start_date.strftime("%A") == "Monday"
    assert conference.timezone == "America/Los_Angeles"
    assert sorted({talk.local_start.date() for talk in talks}) == [
        dt.date(2030, 5, 20),
        dt.date(2030, 5, 21),
    ]


def test_generate_program_schedules_talks_between_8_and_18_local_time():
    generate(talks=60, rooms=3, days=2)

    talks = Talk.objects.filter(conference__slug="2030").select_related("conference")
    assert min(talk.local_start.time() for talk in talks) >= dt.time(8, 0)
    assert max(talk.local_end.time() for talk in talks) <= dt.time(18, 0)
    assert all(talk.local_start.date() == talk.local_end.date() for talk in talks)
    assert all(talk.start.minute % 5 == 0 and talk.duration_minutes % 5 == 0 for talk in talks)


def test_generate_program_opens_each_day_with_a_keynote_in_the_first_room():
    generate(talks=60, rooms=3, days=2)

    keynotes = Talk.objects.filter(conference__slug="2030", type__slug="keynote")
    assert [
        (talk.local_start.date(), talk.room.slug, talk.duration_minutes) for talk in keynotes
    ] == [
        (dt.date(2030, 5, 20), "grand-ballroom-1", 60),
        (dt.date(2030, 5, 21), "grand-ballroom-1", 60),
    ]
    first_of_each_day = {}
    for talk in Talk.objects.filter(conference__slug="2030", room__slug="grand-ballroom-1"):
        first_of_each_day.setdefault(talk.local_start.date(), talk.type.slug)
    assert first_of_each_day == {dt.date(2030, 5, 20): "keynote", dt.date(2030, 5, 21): "keynote"}


def test_generate_program_gives_each_room_a_track_except_keynotes_and_socials():
    generate(talks=120, rooms=8, days=2)

    conference = Conference.objects.get(slug="2030")
    assert list(conference.tracks.order_by("pk").values_list("name", "colour")) == [
        ("LLM Serving", "#1d4ed8"),
        ("Training at Scale", "#b45309"),
        ("Compilers and Kernels", "#047857"),
        ("ML for Systems", "#be185d"),
        ("Hardware and Accelerators", "#6d28d9"),
        ("Data and Storage", "#0e7490"),
    ]
    tracks_by_room = {
        (talk.room.position, talk.track.name if talk.track else None)
        for talk in conference.talks.select_related("room", "track").exclude(
            type__slug__in=["keynote", "social"]
        )
    }
    assert tracks_by_room == {
        (0, "LLM Serving"),
        (1, "Training at Scale"),
        (2, "Compilers and Kernels"),
        (3, "ML for Systems"),
        (4, "Hardware and Accelerators"),
        (5, "Data and Storage"),
        (6, "LLM Serving"),  # six tracks, then again from the first
        (7, "Training at Scale"),
    }
    assert not conference.talks.filter(
        type__slug__in=["keynote", "social"], track__isnull=False
    ).exists()


def test_generate_program_is_deterministic():
    generate(talks=60, seed=7)
    first = snapshot()

    generate(talks=60, seed=7)

    assert snapshot() == first
    assert len(first) == 60


def test_generate_program_with_another_seed_differs():
    generate(talks=60, seed=7)
    first = snapshot()

    generate(talks=60, seed=8)

    assert {row[0] for row in snapshot()} != {row[0] for row in first}


def test_generate_program_replaces_the_edition_instead_of_duplicating_it():
    generate(talks=60)
    old_talk_ids = set(Talk.objects.values_list("pk", flat=True))
    speaker_count = Speaker.objects.count()

    output = generate(talks=60)

    assert output.startswith("Replaced edition 2030 with 60 talks")
    assert Conference.objects.filter(slug="2030").count() == 1
    assert Talk.objects.filter(conference__slug="2030").count() == 60
    assert Room.objects.filter(conference__slug="2030").count() == 6
    assert old_talk_ids.isdisjoint(Talk.objects.values_list("pk", flat=True))
    assert Speaker.objects.count() == speaker_count


def test_generate_program_replacement_with_fewer_talks_keeps_no_old_talk():
    generate(talks=60, rooms=4)

    generate(talks=10, rooms=2)

    assert Talk.objects.filter(conference__slug="2030").count() == 10
    assert Room.objects.filter(conference__slug="2030").count() == 2


def test_generate_program_shares_speakers_across_editions():
    generate("2030", talks=60, seed=3)
    speakers_2030 = {row[7][0] for row in snapshot("2030")}
    speaker_count = Speaker.objects.count()

    generate("2031", talks=60, seed=3)

    assert {row[7][0] for row in snapshot("2031")} == speakers_2030
    assert Speaker.objects.count() == speaker_count


def test_generate_program_keeps_an_existing_speaker_unchanged():
    generate(talks=60, seed=3)
    speaker = Speaker.objects.order_by("slug").first()
    speaker.bio = "Edited by an organiser."
    speaker.save()

    generate(talks=60, seed=3)

    speaker.refresh_from_db()
    assert speaker.bio == "Edited by an organiser."


def test_generate_program_edition_is_published_and_not_current():
    current = ConferenceFactory(slug="2026", is_current=True)

    generate(talks=60)

    generated = Conference.objects.get(slug="2030")
    assert (generated.is_published, generated.is_current) == (True, False)
    assert Conference.objects.current() == current
    assert set(Talk.objects.filter(conference=generated).values_list("status", flat=True)) == {
        "published",
        "cancelled",
    }


def test_generate_program_refuses_to_replace_the_current_edition():
    current = ConferenceFactory(slug="2030", is_current=True)
    talk = TalkFactory(conference=current)

    with pytest.raises(CommandError) as error:
        generate(talks=60)

    assert str(error.value) == (
        "Edition 2030 is the current edition; generate_program does not replace it."
    )
    assert list(Talk.objects.filter(conference=current)) == [talk]


@pytest.mark.parametrize(
    ("talks", "rooms", "days"),
    [
        (60, 6, 5),  # room to spare: usual lengths with breaks
        (600, 2, 3),  # 100 talks a room and day: shortened, back to back
    ],
)
def test_generate_program_books_no_room_or_speaker_twice(talks, rooms, days):
    generate(talks=talks, rooms=rooms, days=days)

    conference = Conference.objects.get(slug="2030")
    assert Talk.objects.filter(conference=conference).count() == talks
    assert find_clashes(conference) == []
    # find_clashes ignores cancelled talks; the generator books them as if they ran.
    Talk.objects.filter(conference=conference).set_status(Talk.Status.PUBLISHED)
    assert find_clashes(conference) == []


def test_generate_program_gives_some_talks_several_ordered_speakers():
    generate(talks=60)

    talks = Talk.objects.filter(conference__slug="2030").prefetch_related("speaker_links")
    counts = Counter(talk.speaker_links.count() for talk in talks)
    assert set(counts) == {1, 2, 3, 4}
    assert all(
        sorted(link.position for link in talk.speaker_links.all())
        == list(range(talk.speaker_links.count()))
        for talk in talks
    )


def test_generate_program_cancels_one_talk_in_fifty():
    generate(talks=150)

    statuses = Counter(Talk.objects.values_list("status", flat=True))

    assert statuses == {"published": 147, "cancelled": 3}


def test_generate_program_writes_abstracts_bios_and_affiliations():
    generate(talks=60)

    abstracts = list(Talk.objects.values_list("abstract", flat=True))
    assert all(abstract.count(". ") >= 2 for abstract in abstracts)
    two_paragraphs = [abstract for abstract in abstracts if "\n\n" in abstract]
    assert 0 < len(two_paragraphs) < len(abstracts)
    assert all(
        len(re.split(r"(?<=\.) ", paragraph)) >= 2
        for abstract in two_paragraphs
        for paragraph in abstract.split("\n\n")
    )
    speakers = Speaker.objects.filter(talks__conference__slug="2030").distinct()
    assert all(speaker.affiliation and speaker.bio.startswith(speaker.name) for speaker in speakers)


def test_generate_program_slugs_are_unique_slugified_titles():
    generate(talks=600, rooms=2, days=3)

    talks = list(Talk.objects.filter(conference__slug="2030").values_list("slug", "title"))
    assert len({slug for slug, _ in talks}) == 600
    assert all(re.fullmatch(rf"{slugify(title)}(-\d+)?", slug) for slug, title in talks)
    assert any(slug != slugify(title) for slug, title in talks)  # repeated titles got a suffix


def test_generate_program_uses_contract_types_even_when_missing():
    TalkType.objects.all().delete()  # transactional tests flush migration data

    generate(talks=600, rooms=2, days=3)

    used = set(Talk.objects.values_list("type__slug", flat=True))
    assert used == set(CONTRACT_TYPES)
    assert dict(TalkType.objects.values_list("slug", "name")) == CONTRACT_TYPES


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"talks": 0}, "--talks must be at least 1, not 0."),
        ({"talks": 10, "rooms": 0}, "--rooms must be between 1 and 100, not 0."),
        ({"talks": 10, "rooms": 101}, "--rooms must be between 1 and 100, not 101."),
        ({"talks": 10, "days": 0}, "--days must be between 1 and 30, not 0."),
        ({"talks": 10, "days": 31}, "--days must be between 1 and 30, not 31."),
        (
            {"talks": 10, "slug": "20 30"},
            "--conference “20 30” is not a valid slug: use letters, digits, hyphens "
            "and underscores, at most 50 characters.",
        ),
        (
            {"talks": 10, "slug": "x" * 51},
            f"--conference “{'x' * 51}” is not a valid slug: use letters, digits, hyphens "
            "and underscores, at most 50 characters.",
        ),
        (
            {"talks": 241, "rooms": 1, "days": 2},
            "241 talks do not fit in 1 rooms over 2 days: at most 240 five-minute talks "
            "run between 8:00 and 18:00. Add rooms or days.",
        ),
    ],
)
def test_generate_program_rejects_bad_arguments(options, message):
    with pytest.raises(CommandError) as error:
        generate(**options)

    assert str(error.value) == message
    assert not Conference.objects.exists()


def test_generate_program_rejects_a_number_that_is_not_one():
    with pytest.raises(CommandError) as error:
        call_command("generate_program", "--conference", "2030", "--talks", "many")

    assert str(error.value) == "Error: argument --talks: invalid int value: 'many'"


def test_generate_program_fills_a_day_to_capacity():
    generate(talks=120, rooms=1, days=1)

    talks = Talk.objects.filter(conference__slug="2030")
    assert [talk.duration_minutes for talk in talks] == [5] * 120
    assert find_clashes(Conference.objects.get(slug="2030")) == []


@pytest.mark.parametrize(
    ("phrase", "title"),
    [
        ("mixture-of-experts training", "Mixture-of-Experts Training"),
        ("KV cache compression", "KV Cache Compression"),
        ("disaggregated prefill and decode", "Disaggregated Prefill and Decode"),
        ("4-bit quantization", "4-Bit Quantization"),
    ],
)
def test_title_case_keeps_acronyms_and_small_words(phrase, title):
    assert title_case(phrase) == title


def test_generate_program_adds_unscheduled_drafts_and_says_so():
    output = generate(talks=60, rooms=3, days=2, unscheduled=5)

    assert output == (
        "Created edition 2030 with 60 talks in 3 rooms over 2 days (1 cancelled; 5 more wait "
        "unscheduled, as drafts).\n"
    )
    conference = Conference.objects.get(slug="2030")
    talks = Talk.objects.filter(conference=conference)
    assert Counter(talks.values_list("status", flat=True)) == {
        "published": 59,
        "cancelled": 1,
        "draft": 5,
    }
    waiting = list(talks.unscheduled().for_program().order_by("pk"))
    assert len(waiting) == 5
    assert all(talk.status == "draft" and talk.track is None for talk in waiting)
    assert all((talk.start, talk.end, talk.room) == (None, None, None) for talk in waiting)
    # Each lasts its type's usual length once placed, and has its speakers.
    usual = {"invited-talk": {25}, "oral": {15, 20}, "spotlight": {10}, "poster": {30},
             "tutorial": {90}, "workshop": {120}, "panel": {45}, "social": {60}}  # fmt: skip
    assert all(talk.duration_minutes in usual[talk.type.slug] for talk in waiting)
    assert all(1 <= len(talk.ordered_speakers) <= 4 for talk in waiting)
    assert Talk.objects.listed_in(conference).count() == 60
    assert find_clashes(conference) == []


def test_generate_program_keeps_the_scheduled_talks_of_a_seed_whatever_the_unscheduled():
    generate(talks=60, rooms=3, days=2)
    without = snapshot()

    generate(talks=60, rooms=3, days=2, unscheduled=7)

    slugs = list(Talk.objects.filter(conference__slug="2030").values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 67
    Talk.objects.unscheduled().delete()
    assert snapshot() == without


def test_generate_program_with_unscheduled_talks_is_deterministic():
    generate(talks=30, rooms=2, days=1, unscheduled=4)
    first = sorted(
        Talk.objects.unscheduled().values_list("slug", "title", "type__slug", "duration")
    )

    generate(talks=30, rooms=2, days=1, unscheduled=4)

    assert (
        sorted(Talk.objects.unscheduled().values_list("slug", "title", "type__slug", "duration"))
        == first
    )


@pytest.mark.parametrize("count", [-1, 50_001])
def test_generate_program_refuses_an_unscheduled_count_out_of_range(count):
    with pytest.raises(CommandError) as error:
        generate(talks=10, unscheduled=count)

    assert str(error.value) == f"--unscheduled must be between 0 and 50,000, not {count}."
    assert not Conference.objects.exists()
