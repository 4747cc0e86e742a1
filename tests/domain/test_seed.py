"""The seed edition fixture: faithful to ../shared/seed, idempotent, and all or nothing."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from program.models import Conference, Room, Speaker, Talk, TalkSpeaker, TalkType, Track
from program.text import clean_spreadsheet_text
from tests.factories import TalkTypeFactory

pytestmark = pytest.mark.django_db

BELLEVUE = zoneinfo.ZoneInfo("America/Los_Angeles")
SEED_TEXT = "seed/mlsys2026-invited-talks-and-keynotes.txt"
# "Invited Talk May 18, 9:00 AM - 9:25 AM Grand Ballroom 1"
SEED_HEADER = re.compile(
    r"(?P<type>.+?) (?P<day>[A-Z][a-z]{2} \d{1,2}), "
    r"(?P<start>\d{1,2}:\d{2} [AP]M) - (?P<end>\d{1,2}:\d{2} [AP]M) (?P<room>.+)"
)
ALL_MODELS = (Conference, Room, Speaker, TalkType, Talk, TalkSpeaker)
AMIN_VAHDAT_KEYNOTE = "keynote-amin-vahdat-svp-and-chief-technologist-ai-infrastructure"


@pytest.fixture
def seed():
    """The seed edition loaded. Its types come from a migration; ensure them in case a
    transactional test has flushed that migration's rows."""
    TalkTypeFactory(slug="invited-talk")
    TalkTypeFactory(slug="keynote")
    call_command("loaddata", "mlsys2026", verbosity=0)
    return Conference.objects.get(slug="2026")


def seed_time(day, clock):
    """ "May 18", "9:00 AM" -> 9:00 on 18 May 2026 in Bellevue."""
    naive = dt.datetime.strptime(f"{day} 2026 {clock}", "%b %d %Y %I:%M %p")
    return naive.replace(tzinfo=BELLEVUE)


def parse_seed(text):
    """The talks of the seed page by title.

    Each block: a header line "<Type> <Mon> <D>, <H:MM AM> - <H:MM PM> <Room>", a blank line,
    the title, a blank line, the speaker's name, the bio, an optional abstract, and
    "View full details".
    """
    lines = text.splitlines()
    talks = {}
    for index, line in enumerate(lines):
        header = SEED_HEADER.fullmatch(line)
        if header is None:
            continue
        block_end = lines.index("View full details", index)
        blank, title, blank_too, speaker, bio, *abstract = lines[index + 1 : block_end]
        assert (blank, blank_too) == ("", ""), f"unexpected seed layout at line {index + 1}"
        talks[title] = {
            "type": header["type"],
            "speakers": [speaker],
            "bios": [bio],
            "abstract": clean_spreadsheet_text("\n".join(abstract)),
            "start": seed_time(header["day"], header["start"]),
            "end": seed_time(header["day"], header["end"]),
            "room": header["room"],
        }
    return talks


def database_rows():
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in ALL_MODELS}


def test_seed_fixture_matches_seed_text_for_every_talk(shared_dir, seed):
    expected = parse_seed((shared_dir / SEED_TEXT).read_text(encoding="utf-8"))

    actual = {
        talk.title: {
            "type": talk.type.name,
            "speakers": [speaker.name for speaker in talk.ordered_speakers],
            "bios": [speaker.bio for speaker in talk.ordered_speakers],
            "abstract": talk.abstract,
            "start": talk.start.astimezone(BELLEVUE),
            "end": talk.end.astimezone(BELLEVUE),
            "room": talk.room.name,
        }
        for talk in Talk.objects.filter(conference=seed).for_program()
    }

    assert actual == expected


def test_seed_fixture_has_four_invited_talks_and_five_keynotes(seed):
    types = list(Talk.objects.filter(conference=seed).values_list("type__name", flat=True))

    assert len(types) == 9
    assert sorted(types) == ["Invited Talk"] * 4 + ["Keynote"] * 5


def test_seed_edition_has_no_tracks(seed):
    # The MLSys 2026 program lists no tracks.
    assert Track.objects.count() == 0
    assert set(Talk.objects.values_list("track", flat=True)) == {None}


def test_seed_keynote_without_abstract_keeps_empty_abstract(seed):
    talk = Talk.objects.get(conference=seed, slug=AMIN_VAHDAT_KEYNOTE)

    assert [speaker.name for speaker in talk.ordered_speakers] == ["Amin Vahdat"]
    assert talk.abstract == ""


def test_seed_abstracts_have_paragraphs_for_runs_and_spaces_for_single_breaks(seed):
    lmcache = Talk.objects.get(slug__startswith="lmcache-")
    pretraining = Talk.objects.get(slug="rethinking-pretraining-data-and-architecture")

    assert Talk.objects.filter(abstract__contains="_x000D_").count() == 0
    assert (
        "an efficient solution for offloading and transferring KV caches.\n\n"
        "In this talk, I'll present LMCache"
    ) in lmcache.abstract
    assert pretraining.abstract.startswith(
        "Large language model training follows a standard pipeline: tokenization, "
        "pretraining, possibly mid-training, and post training or alignment."
    )
    assert "\n" not in pretraining.abstract


def test_seed_slugs_are_slugified_titles_and_names(seed):
    talk_slugs = Talk.objects.filter(conference=seed).values_list("slug", flat=True)
    speaker_slugs = Speaker.objects.values_list("slug", flat=True)

    assert sorted(talk_slugs) == [
        "beyond-model-serving-cross-stack-co-design-for-agentic-systems",
        "eliciting-language-model-behaviors-with-investigator-agents",
        AMIN_VAHDAT_KEYNOTE,
        "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference",
        "rethinking-open-source-contribution-in-the-age-of-ai-agents",
        "rethinking-pretraining-data-and-architecture",
        "the-next-horizon-of-systems-from-mlsys-to-system-intelligence",
        "the-path-to-infernece-efficiency",
        "when-ai-starts-writing-systems-code",
    ]
    assert sorted(speaker_slugs) == [
        "amin-vahdat",
        "christos-kozyrakis",
        "esha-choukse",
        "lidong-zhou",
        "lisa-li",
        "luke-zettlemoyer",
        "mark-saroufim",
        "roger-wang",
        "yuhan-liu",
    ]


def test_seed_speakers_have_affiliations_from_their_bios(seed):
    affiliations = dict(Speaker.objects.values_list("name", "affiliation"))

    assert affiliations == {
        "Amin Vahdat": "Google",
        "Christos Kozyrakis": "NVIDIA and Stanford University",
        "Esha Choukse": "Microsoft",
        "Lidong Zhou": "Microsoft",
        "Lisa Li": "OpenAI",
        "Luke Zettlemoyer": "University of Washington and Meta",
        "Mark Saroufim": "Core Automation",
        "Roger Wang": "vLLM",
        "Yuhan Liu": "University of Chicago",
    }


def test_seed_edition_current_and_published(seed):
    assert Conference.objects.current() == seed
    assert list(Conference.objects.published()) == [seed]
    assert (
        seed.name,
        seed.start_date,
        seed.end_date,
        seed.timezone,
        seed.venue,
        seed.city,
    ) == (
        "MLSys 2026",
        dt.date(2026, 5, 18),
        dt.date(2026, 5, 22),
        "America/Los_Angeles",
        "Hyatt Regency Bellevue",
        "Bellevue, Washington",
    )
    assert list(seed.rooms.values_list("slug", "name", "position")) == [
        ("grand-ballroom-1", "Grand Ballroom 1", 0)
    ]
    assert set(Talk.objects.filter(conference=seed).values_list("status", flat=True)) == {
        "published"
    }


def test_seed_talk_at_nine_in_bellevue_starts_at_sixteen_utc(seed):
    talk = Talk.objects.get(slug="rethinking-open-source-contribution-in-the-age-of-ai-agents")

    assert talk.local_start.isoformat() == "2026-05-18T09:00:00-07:00"
    assert talk.start.astimezone(dt.UTC).isoformat() == "2026-05-18T16:00:00+00:00"


def test_seed_loaded_twice_keeps_the_same_rows(seed):
    first_load = database_rows()

    call_command("loaddata", "mlsys2026", verbosity=0)

    assert database_rows() == first_load
    assert {
        label: len(rows) for label, rows in first_load.items() if label != "program.TalkType"
    } == {
        "program.Conference": 1,
        "program.Room": 1,
        "program.Speaker": 9,
        "program.Talk": 9,
        "program.TalkSpeaker": 9,
    }


def broken_fixture(path, talk_type, end):
    """A fixture whose first objects are valid (an edit and a new row) and whose last fails."""
    stamps = {"created_at": "2026-04-20T00:00:00Z", "updated_at": "2026-04-20T00:00:00Z"}
    objects = [
        {
            "model": "program.conference",
            "fields": {
                "slug": "2026",
                "name": "MLSys 2026 (renamed by a broken fixture)",
                "start_date": "2026-05-18",
                "end_date": "2026-05-22",
                "timezone": "America/Los_Angeles",
                "is_published": True,
                "is_current": True,
                **stamps,
            },
        },
        {
            "model": "program.speaker",
            "fields": {"slug": "ada-lovelace", "name": "Ada Lovelace", **stamps},
        },
        {
            "model": "program.talk",
            "fields": {
                "conference": ["2026"],
                "slug": "analytical-engines",
                "title": "Analytical Engines",
                "type": [talk_type],
                "start": "2026-05-18T09:00:00-07:00",
                "end": end,
                "room": ["2026", "grand-ballroom-1"],
                "status": "published",
                **stamps,
            },
        },
    ]
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("talk_type", "end", "error"),
    [
        ("no-such-type", "2026-05-18T09:30:00-07:00", "type_id"),
        ("keynote", "2026-05-18T08:30:00-07:00", "talk_end_after_start"),
    ],
    ids=["missing-type", "end-before-start"],
)
def test_broken_fixture_leaves_database_unchanged(seed, tmp_path, talk_type, end, error):
    fixture = broken_fixture(tmp_path / "broken.json", talk_type, end)
    before = database_rows()

    with pytest.raises(IntegrityError, match=rf"Problem installing fixture .*{error}"):
        call_command("loaddata", str(fixture), verbosity=0)

    assert database_rows() == before
