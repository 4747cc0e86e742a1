"""Names and titles sort as people read them, ignoring case and accents, on both databases.

The suite runs on SQLite and again on PostgreSQL (DATABASE_URL): each exact order below is
checked on both (program/machinery/collation.py).
"""

import lxml.html
import pytest
import pyuca

from program.machinery.collation import reading_key
from program.models import Conference, Speaker, Talk, TalkType
from tests.admin.helpers import admin_url
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

NAMES = ["bell hooks", "danah boyd", "Élodie Martin", "Ümit Yılmaz", "Zoe Adams"]
TITLES = ["apple pie", "Bayes at scale", "élan vital", "Über alles", "Zebra crossings"]


@pytest.fixture
def edition():
    """Each speaker gives one talk; written in an order that is neither of the right ones."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    for name, title in zip(reversed(NAMES), TITLES, strict=True):
        TalkFactory(conference=conference, title=title, speakers=[SpeakerFactory(name=name)])
    return conference


def test_orm_orders_names_and_titles_as_people_read(edition):
    assert list(Speaker.objects.values_list("name", flat=True)) == NAMES
    assert list(Talk.objects.order_by("title").values_list("title", flat=True)) == TITLES


def test_speakers_page_lists_names_as_people_read(client, edition):
    page = lxml.html.fromstring(client.get("/2026/speakers/").content)

    names = [
        " ".join(h2.text_content().split()) for h2 in page.xpath("//h2[@class='speaker-name']")
    ]
    assert names == NAMES


def test_api_orders_titles_and_speakers_as_people_read(client, edition):
    talks = client.get("/api/v1/talks/", {"ordering": "title"}).json()["results"]
    speakers = client.get("/api/v1/speakers/", {"conference": "2026"}).json()["results"]

    assert [talk["title"] for talk in talks] == TITLES
    assert [speaker["name"] for speaker in speakers] == NAMES


def test_talks_at_one_time_and_room_follow_their_titles(client, edition):
    """The default order (start, room, title) breaks ties by title as people read."""
    first = Talk.objects.get(title="apple pie")
    Talk.objects.update(start=first.start, end=first.end, room=first.room)

    talks = client.get("/api/v1/talks/").json()["results"]

    assert [talk["title"] for talk in talks] == TITLES


def changelist_rows(response):
    return [str(row) for row in response.context["cl"].result_list]


def test_admin_lists_sort_as_people_read(admin_client, edition):
    for name in ["Über room", "atrium", "Éole hall"]:
        RoomFactory(conference=edition, name=name, position=1)
    for name in ["Zero-shot", "élan", "agents"]:
        TrackFactory(conference=edition, name=name)
    for slug, name in [("zine", "Zine"), ("eclair", "Éclair"), ("ask", "ask me anything")]:
        TalkTypeFactory(slug=slug, name=name)

    speakers = admin_client.get(admin_url("speaker"))
    # A click on the title column (the first of list_display) sorts by it.
    talks = admin_client.get(admin_url("talk"), {"o": "1"})
    rooms = admin_client.get(admin_url("room"))
    tracks = admin_client.get(admin_url("track"))
    types = admin_client.get(admin_url("talktype"), {"slug__in": "zine,eclair,ask"})

    assert changelist_rows(speakers) == NAMES
    assert changelist_rows(talks) == TITLES
    assert [
        row for row in changelist_rows(rooms) if row in {"Über room", "atrium", "Éole hall"}
    ] == [
        "atrium",
        "Éole hall",
        "Über room",
    ]
    assert changelist_rows(tracks) == ["agents", "élan", "Zero-shot"]
    assert changelist_rows(types) == ["ask me anything", "Éclair", "Zine"]


# Names of many scripts, with marks, ligatures, punctuation, digits and spaces: the
# database's order (ICU on PostgreSQL, the registered collation on SQLite) and the Python
# key the site sorts with elsewhere (reading_key) must agree on every pair.
CORPUS = [
    "Zoe", "zoe", "ZOE", "Zoë", "zoé", "bell hooks", "bellhooks", "bell-hooks", "bell_hooks",
    "danah boyd", "Élodie", "elodie", "Ümit", "umit", "Straße", "strasse", "Æsir", "aesir",
    "Øystein", "Oystein", "Łukasz", "Lukasz", "Ğ", "ǅ", "ﬁne", "fine", "O'Brien", "OBrien",
    "O Brien", "10 talks", "9 talks", "2nd", "#hash", "(paren)", "Σοφία", "σοφια", "Ωμέγα",
    "Юлия", "Елена", "Ёжик", "日本語", "中文", "한국어", "עברית", "العربية", "हिन्दी", "",
    " leading", "trailing ", "İstanbul", "istanbul", "ıslak", "Ångström", "angstrom",
]  # fmt: skip


def test_database_order_and_python_key_agree(edition):
    for position, name in enumerate(CORPUS):
        SpeakerFactory(name=name, slug=f"corpus-{position}")
    corpus_ids = Speaker.objects.filter(slug__startswith="corpus-")

    in_database = list(corpus_ids.order_by("name").values_list("name", flat=True))

    assert in_database == sorted(CORPUS, key=reading_key)


def test_equal_names_stay_exact_for_lookups(edition):
    """The collation breaks ties by bytes: ``=`` still tells "zoe" from "Zoe"; LIKE works."""
    SpeakerFactory(name="zoe adams", slug="lower-zoe")

    assert list(Speaker.objects.filter(name="Zoe Adams").values_list("slug", flat=True)) == [
        "zoe-adams"
    ]
    assert Conference.objects.filter(name="mlsys 2026").count() == 0
    assert Speaker.objects.filter(name__icontains="ZOE").count() == 2
    assert TalkType.objects.filter(name__iexact="INVITED TALK").count() == 1


@pytest.mark.django_db(False)
def test_reading_key_weighs_as_pyuca_does():
    """The per-character short cut gives pyuca's own first-level weights, contractions too."""
    collator = pyuca.Collator()
    for text in [
        *CORPUS,
        "l·l",
        "ŀl",
        "Català",
        "가나",
        "a\u0308\u0301",
        "ﬁ",
        "Йошкар-Ола",
        "й",
        "Lleida",
    ]:
        full = collator.sort_key(text)

        assert reading_key(text) == (full[: full.index(0)], text.encode()), text
