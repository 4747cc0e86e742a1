"""Search (``q``) ignores case and accents across Unicode, the same on every database.

The suite runs on SQLite and again on PostgreSQL (CI's second leg, DATABASE_URL), so each
spelling below is checked on both. The program page, the API and program.ics must return
the same talks: they share one TalkFilter.
"""

import unicodedata

import lxml.html
import pytest
from django.core.management import call_command
from icalendar import Calendar

from program.models import Speaker, Talk
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def nfd(text):
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def edition():
    """Talks whose words are written in several scripts and normalisation forms."""
    conference = ConferenceFactory(slug="2026")
    diaz = SpeakerFactory(name="Elena DÍAZ", affiliation="Universidad de Granada", bio="")
    perez = SpeakerFactory(name="Guillermo Pérez", affiliation="École polytechnique", bio="")
    sofia = SpeakerFactory(name="Σοφία Παππά", affiliation="", bio="Works in İstanbul.")
    TalkFactory(
        conference=conference,
        slug="caches",
        title="Caches at scale",
        abstract="Sharing KV caches.",
        speakers=[diaz],
    )
    TalkFactory(
        conference=conference,
        slug="summer-school",
        title="École d'été on systems",
        abstract="A week at the Straße of compilers.",
        speakers=[perez],
    )
    # Stored decomposed ("e" + combining acute), as some systems write it.
    TalkFactory(
        conference=conference,
        slug="cafe",
        title=nfd("Café conversations"),
        abstract="",
        speakers=[sofia],
    )
    return conference


SPELLINGS = [
    ("díaz", ["caches"]),
    ("DIAZ", ["caches"]),
    ("diaz", ["caches"]),
    (nfd("Díaz"), ["caches"]),  # typed decomposed, stored composed
    ("ecole", ["summer-school"]),
    ("ÉCOLE", ["summer-school"]),  # title and a speaker's affiliation
    ("École d'été", ["summer-school"]),
    ("ete", ["summer-school"]),
    ("strasse", ["summer-school"]),  # ß folds to ss
    ("café", ["cafe"]),  # typed composed, stored decomposed
    ("CAFE", ["cafe"]),
    ("σοφια", ["cafe"]),  # Greek, accents and final sigma
    ("ΣΟΦΊΑ", ["cafe"]),
    ("istanbul", ["cafe"]),  # dotted capital I of the bio
    ("perez granada", []),  # every word must appear in one talk
    ("pérez polytechnique", ["summer-school"]),
    ("caches", ["caches"]),
    ("zzz", []),
]


def found_everywhere(client, query):
    """The sorted slugs ``q=query`` finds on the program page, the API and program.ics."""
    page = lxml.html.fromstring(client.get("/2026/program/", {"q": query}).content)
    api = client.get("/api/v1/talks/", {"q": query, "conference": "2026"}).json()
    calendar = Calendar.from_ical(client.get("/2026/program.ics", {"q": query}).content)
    slugs = dict(Talk.objects.values_list("title", "slug"))
    return (
        sorted(page.xpath("//*[@data-talk-slug]/@data-talk-slug")),
        sorted(talk["slug"] for talk in api["results"]),
        sorted(slugs[str(event["SUMMARY"])] for event in calendar.walk("VEVENT")),
    )


@pytest.mark.parametrize(("query", "expected"), SPELLINGS)
def test_every_spelling_finds_the_same_talks_on_the_page_api_and_calendar(
    client, edition, query, expected
):
    assert found_everywhere(client, query) == (expected,) * 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("diaz", ["Elena DÍAZ"]),
        (nfd("PÉREZ"), ["Guillermo Pérez"]),
        ("ecole", ["Guillermo Pérez"]),
        ("σοφια istanbul", ["Σοφία Παππά"]),
        ("granada ecole", []),
    ],
)
def test_api_speakers_q_matches_as_talks_q_does(client, edition, query, expected):
    response = client.get("/api/v1/speakers/", {"q": query})

    assert [speaker["name"] for speaker in response.json()["results"]] == expected


def test_search_text_follows_every_kind_of_write(edition):
    cafe = Talk.objects.get(slug="cafe")
    perez = Speaker.objects.get(name="Guillermo Pérez")

    def found(query):
        return sorted(
            Talk.objects.filter(search_text__contains=query).values_list("slug", flat=True)
        )

    Talk.objects.filter(pk=cafe.pk).update(title="Über Bäume")  # QuerySet.update()
    perez.affiliation = "Universität Wien"
    perez.save(update_fields=["affiliation", "updated_at"])  # save() of some fields
    TalkFactory(conference=edition, slug="new", title="Ñandú", speakers=[perez])  # create()
    Talk.objects.bulk_create(
        [Talk(conference=edition, slug="bulk", title="Zürich", type=cafe.type, room=cafe.room,
              start=cafe.start, end=cafe.end)]
    )  # fmt: skip

    assert found("uber baume") == ["cafe"]
    assert found("nandu") == ["new"]
    assert found("zurich") == ["bulk"]
    perez.refresh_from_db()
    assert perez.search_text == (
        " guillermo perez\n universitat wien\n\n guillermoperez universitatwien"
    )


def test_fixture_rows_are_searchable(client):
    """loaddata saves raw, without save(): the seed's talks are found all the same."""
    call_command("loaddata", "mlsys2026", verbosity=0)

    response = client.get("/api/v1/talks/", {"q": "ZETTLEMOYER", "conference": "2026"})

    assert [talk["speakers"][0]["name"] for talk in response.json()["results"]] == [
        "Luke Zettlemoyer"
    ]


def test_empty_query_is_no_filter(client, edition):
    response = client.get("/api/v1/talks/", {"q": ""})

    assert response.json()["count"] == 3


@pytest.fixture
def rules_edition():
    """Talks that tell each rule of docs/attendees/search.md apart."""
    conference = ConferenceFactory(slug="2026")
    talks = {
        "pretraining": "Pretraining at scale",
        "pre-hyphen": "Pre-training data pipelines",
        "pre-space": "Scaling pre training runs",
        "one-gpu": "One GPU is enough",
        "many-gpus": "Sharing GPUs fairly",
        "library": "A library for agents",
        "libraries": "Libraries we trust",
        "kv-cache": "KV cache eviction",
        "cache-of-kv": "The cache of KV pairs",
        "x-ray": "X-ray vision for networks",
        "max-pooling": "Max pooling revisited",
    }
    for number, (slug, title) in enumerate(talks.items()):
        TalkFactory(
            conference=conference,
            slug=slug,
            title=title,
            abstract="",
            speakers=[SpeakerFactory(name=f"Person {number}", affiliation="", bio="")],
        )
    return conference


RULES = [
    # Hyphens and spaces inside a word are ignored.
    ("pretraining", ["pre-hyphen", "pre-space", "pretraining"]),
    ("pre-training", ["pre-hyphen", "pre-space", "pretraining"]),
    ("pre training", ["pre-hyphen", "pre-space", "pretraining"]),
    ("PRE‐TRAINING", ["pre-hyphen", "pre-space", "pretraining"]),  # Unicode hyphen
    # A plural finds its singular and back.
    ("GPUs", ["many-gpus", "one-gpu"]),
    ("gpu", ["many-gpus", "one-gpu"]),
    ("libraries", ["libraries", "library"]),
    ("library", ["libraries", "library"]),
    ("caches", ["cache-of-kv", "kv-cache"]),
    # A quoted phrase: those words, in that order.
    ('"kv cache"', ["kv-cache"]),
    ("“KV cache”", ["kv-cache"]),
    ('"cache of kv"', ["cache-of-kv"]),
    ('"cache kv"', []),
    ("kv cache", ["cache-of-kv", "kv-cache"]),
    ('"pre training" runs', ["pre-space"]),
    # One letter: words that start with it.
    ("x", ["x-ray"]),
    ("X networks", ["x-ray"]),
    ("m x", []),  # "max" holds an x, but no word starts with one
    ("t", ["cache-of-kv", "libraries", "pre-hyphen", "pre-space"]),
    ("v", ["x-ray"]),
    ("q", []),
]


@pytest.mark.parametrize(("query", "expected"), RULES)
def test_search_rules_give_the_same_talks_on_the_page_api_and_calendar(
    client, rules_edition, query, expected
):
    assert found_everywhere(client, query) == (expected,) * 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gpus", ["Ada", "Grace"]),
        ('"gpu kernels"', ["Grace"]),
        ("k", ["Grace"]),
        ("data-center", ["Ada"]),
        ("datacenters", ["Ada"]),
    ],
)
def test_api_speakers_q_follows_the_same_rules(client, query, expected):
    ada = SpeakerFactory(name="Ada", affiliation="", bio="Builds GPUs for the data center.")
    grace = SpeakerFactory(name="Grace", affiliation="", bio="Writes GPU kernels.")
    TalkFactory(title="Hardware", abstract="", speakers=[ada, grace])  # listed speakers

    response = client.get("/api/v1/speakers/", {"q": query})

    assert [speaker["name"] for speaker in response.json()["results"]] == expected
