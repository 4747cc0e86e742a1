"""/api/v1/sessions/ (docs/api/json.md): the contract's shape, the public talks each session
holds, the edition filter and its errors, query counts; and a talk's poster board."""

import datetime as dt

import pytest
from django.core.cache import cache

from program.models import Talk
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.session_factory import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def orals():
    """Session "Orals 1" (9:00–10:30 in Grand Ballroom 1, chaired by two speakers) holding
    two published talks and a cancelled one; a draft, a talk running past its end and a
    talk in another room are not its."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    ballroom = RoomFactory(conference=edition, name="Grand Ballroom 1", position=1)
    annex = RoomFactory(conference=edition, name="Annex", position=2)
    jia = SpeakerFactory(name="Zhihao Jia", email="jia@example.org")
    amin = SpeakerFactory(name="Amin Vahdat", email="amin@example.org")
    session = SessionFactory(
        conference=edition,
        room=ballroom,
        title="Orals 1",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 10, 30),
        chairs=[jia, amin],
    )

    def talk(title, hour, minute, room=ballroom, length=25, **kwargs):
        start = local("2026-05-18", hour, minute)
        return TalkFactory(
            conference=edition,
            title=title,
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=length),
            **kwargs,
        )

    second = talk("Second", 9, 30)
    first = talk("First", 9, 0, board="7")
    cancelled = talk("Withdrawn", 10, 0, status=Talk.Status.CANCELLED)
    talk("Draft", 9, 0, status=Talk.Status.DRAFT)
    talk("Runs over", 10, 15)
    talk("Elsewhere", 9, 0, room=annex)
    return session, [first, second, cancelled]


def test_session_reads_as_the_contract_says(client, orals):
    session, talks = orals

    body = get_json(client, "/api/v1/sessions/?conference=2026")

    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": session.pk,
            "title": "Orals 1",
            "kind": "talks",
            "room": {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1"},
            "start": "2026-05-18T09:00:00-07:00",
            "end": "2026-05-18T10:30:00-07:00",
            "chairs": [
                {
                    "id": session.chairs.get(name="Amin Vahdat").pk,
                    "slug": "amin-vahdat",
                    "name": "Amin Vahdat",
                },
                {
                    "id": session.chairs.get(name="Zhihao Jia").pk,
                    "slug": "zhihao-jia",
                    "name": "Zhihao Jia",
                },
            ],
            "talks": [talk.pk for talk in talks],
        }
    ]
    assert b"@example.org" not in client.get("/api/v1/sessions/").content
    assert get_json(client, f"/api/v1/sessions/{session.pk}/") == body["results"][0]


def test_session_talks_are_those_of_session_talks(client, orals):
    session, _ = orals

    listed = get_json(client, "/api/v1/sessions/")["results"][0]["talks"]

    assert listed == list(session.talks().values_list("id", flat=True))


def test_talks_carry_their_board(client, orals):
    _, (first, second, _) = orals

    assert get_json(client, f"/api/v1/talks/{first.pk}/")["board"] == "7"
    assert get_json(client, f"/api/v1/talks/{second.pk}/")["board"] == ""


def test_sessions_of_unpublished_editions_are_not_listed(client, orals):
    session, _ = orals
    session.conference.is_published = False
    session.conference.save()

    assert get_json(client, "/api/v1/sessions/")["results"] == []
    assert get_json(client, f"/api/v1/sessions/{session.pk}/", status=404) == {
        "detail": "No Session matches the given query."
    }


def test_sessions_filter_by_conference_and_refuse_an_unknown_one(client, orals):
    boston = ConferenceFactory(
        slug="2025",
        timezone="America/New_York",
        start_date=dt.date(2025, 5, 18),
        end_date=dt.date(2025, 5, 22),
    )
    SessionFactory(conference=boston, title="Boston orals", start=local("2025-05-18", 9))

    assert [s["title"] for s in get_json(client, "/api/v1/sessions/")["results"]] == [
        "Orals 1",
        "Boston orals",
    ]
    assert [
        s["title"] for s in get_json(client, "/api/v1/sessions/?conference=2025")["results"]
    ] == ["Boston orals"]
    assert get_json(client, "/api/v1/sessions/?conference=2027", status=400) == {
        "conference": ["2027 is not a known conference."]
    }
    assert get_json(client, "/api/v1/sessions/?edition=2026", status=400) == {
        "edition": ["Unknown parameter; the known ones are conference, format, page, page_size."]
    }


def test_a_moved_talk_leaves_the_session_in_the_api(client, orals):
    _, (first, second, cancelled) = orals
    first.start = local("2026-05-18", 11)
    first.end = local("2026-05-18", 11, 25)
    first.save()

    assert get_json(client, "/api/v1/sessions/")["results"][0]["talks"] == [
        second.pk,
        cancelled.pk,
    ]


def make_sessions(count):
    """``count`` sessions of edition 2026, in rooms of their own, each with a talk and two
    chairs."""
    edition = ConferenceFactory(slug="2026")
    for number in range(count):
        room = RoomFactory(conference=edition, name=f"Hall {number}")
        SessionFactory(
            conference=edition,
            room=room,
            chairs=[SpeakerFactory(), SpeakerFactory()],
        )
        TalkFactory(conference=edition, room=room, start=local("2026-05-18", 9))


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the data version, then: count, page, chairs of the page, talks of the page
        ("/api/v1/sessions/", 5),
        # + the check of the edition
        ("/api/v1/sessions/?conference=2026", 6),
    ],
)
def test_sessions_query_count_does_not_grow_with_length(
    client, django_assert_num_queries, item_count, url, queries
):
    make_sessions(item_count)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == item_count
    assert [len(session["talks"]) for session in results] == [1] * item_count
    assert [len(session["chairs"]) for session in results] == [2] * item_count


def test_a_new_chair_is_in_the_next_answer(client, orals):
    """The answer is kept in the cache until the data changes: a chair added through the
    many-to-many table changes it too."""
    session, _ = orals
    before = get_json(client, "/api/v1/sessions/")["results"][0]["chairs"]
    session.chairs.add(SpeakerFactory(name="Ada Byron"))

    after = get_json(client, "/api/v1/sessions/")["results"][0]["chairs"]

    assert [chair["name"] for chair in before] == ["Amin Vahdat", "Zhihao Jia"]
    assert [chair["name"] for chair in after] == ["Ada Byron", "Amin Vahdat", "Zhihao Jia"]
