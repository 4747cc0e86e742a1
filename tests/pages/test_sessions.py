"""Sessions where attendees see them: a band on the timetable, a heading on the program, a line
on each talk's page; poster boards; what it costs in queries and that a change shows."""

import datetime as dt
import shutil

import pytest
from django.core.management import call_command
from lxml import html

from program.models import Session
from program.pages.grid import Slot, lay_out
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

PROGRAM = "/2026/program/"
TIMETABLE = "/2026/timetable/?day=2026-05-18"

pytestmark = pytest.mark.django_db


def page(response):
    return html.fromstring(response.content)


def texts(tree, xpath):
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def make_session(conference, room, start, end, title, chairs=(), kind="talks"):
    session = Session.objects.create(
        conference=conference, room=room, start=start, end=end, title=title, kind=kind
    )
    session.chairs.set(chairs)
    return session


@pytest.fixture
def edition():
    """Monday morning in two rooms: Session 3 (9:00 to 10:30 in Ballroom, three talks,
    chaired by a speaker of the edition and by someone who speaks nowhere in it), a talk
    before it in Ballroom, and a talk beside it in Room B."""
    conference = ConferenceFactory(slug="2026")
    ballroom = RoomFactory(conference=conference, name="Ballroom", slug="ballroom", position=0)
    room_b = RoomFactory(conference=conference, name="Room B", slug="room-b", position=1)
    ana = SpeakerFactory(name="Ana Chair", slug="ana-chair")
    bo = SpeakerFactory(name="Bo Chair", slug="bo-chair")
    talks = {
        "opening": TalkFactory(
            conference=conference, room=ballroom, title="Opening",
            start=local("2026-05-18", 8, 30), end=local("2026-05-18", 9),
        ),
        "kv-cache": TalkFactory(
            conference=conference, room=ballroom, title="KV cache",
            start=local("2026-05-18", 9), end=local("2026-05-18", 9, 30), speakers=[ana],
        ),
        "batching": TalkFactory(
            conference=conference, room=ballroom, title="Batching",
            start=local("2026-05-18", 9, 30), end=local("2026-05-18", 10),
        ),
        "speculation": TalkFactory(
            conference=conference, room=ballroom, title="Speculation",
            start=local("2026-05-18", 10), end=local("2026-05-18", 10, 30),
        ),
        "beside": TalkFactory(
            conference=conference, room=room_b, title="Beside",
            start=local("2026-05-18", 9), end=local("2026-05-18", 10),
        ),
    }  # fmt: skip
    session = make_session(
        conference, ballroom, local("2026-05-18", 9), local("2026-05-18", 10, 30),
        "Session 3: Systems for LLMs", chairs=[ana, bo],
    )  # fmt: skip
    return conference, ballroom, room_b, talks, session


# ---------------------------------------------------------------------------- the grid


def test_band_takes_its_rooms_first_lane_and_its_talks_sit_beside_it():
    slots = [
        Slot(480, 510, room=0),  # a talk before the session, alone in its room
        Slot(540, 570, room=0),  # the session's talks
        Slot(570, 600, room=0),
        Slot(540, 600, room=1),  # another room
        Slot(540, 600, room=0, band=True),  # the session, given last
    ]

    layout = lay_out(slots, room_count=2)

    assert layout.room_columns == (2, 1)
    # (first slot, row, rows, column, columns): rows of 30 minutes from 8:00; the talk
    # before the session is as wide as its room, the band in its first column.
    assert [(b.slots[0], b.row, b.rows, b.column, b.columns) for b in layout.blocks] == [
        (0, 0, 1, 0, 2),
        (1, 2, 1, 1, 1),
        (2, 3, 1, 1, 1),
        (3, 2, 2, 2, 1),
        (4, 2, 2, 0, 1),
    ]


# ---------------------------------------------------------------------------- timetable


def test_timetable_shows_the_session_as_a_band_beside_its_talks(client, edition):
    response = client.get(TIMETABLE)

    tree = page(response)
    (band,) = tree.xpath("//td[contains(@class, 'session-band')]")
    assert texts(band, ".//h3") == ["Session 3: Systems for LLMs"]
    assert texts(band, ".//p") == [
        "Talk session",
        "9:00–10:30 AM PDT",
        "Chairs: Ana Chair, Bo Chair",
    ]
    # Ana speaks in the edition: her page; Bo does not: his name only.
    assert band.xpath(".//a/@href") == ["/2026/speakers/ana-chair/"]
    # 9:00 to 10:30 in rows of 30 minutes, under Ballroom and 9:00.
    assert (band.get("rowspan"), band.get("headers")) == ("3", "room-ballroom t-540")
    # Ballroom has two columns now: the band's and its talks'.
    assert tree.xpath("//thead//th[@id='room-ballroom']/@colspan") == ["2"]
    # Every talk is still shown, each in the session says so to a screen reader.
    assert texts(tree, "//td[@data-talk-slug]//p[@class='slot-title']") == [
        "Opening", "KV cache", "Beside", "Batching", "Speculation",
    ]  # fmt: skip
    assert (
        texts(tree, "//td[@data-talk-slug]/p[@class='visually-hidden']")
        == ["Part of Session 3: Systems for LLMs"] * 3
    )
    # The talk before the session takes the whole width of its room.
    assert tree.xpath("//td[@data-talk-slug='opening']/@colspan") == ["2"]


def test_timetable_shows_no_band_when_the_filters_hide_its_talks(client, edition):
    response = client.get(TIMETABLE + "&room=room-b")

    assert page(response).xpath("//td[contains(@class, 'session-band')]") == []
    assert texts(page(response), "//p[@class='slot-title']") == ["Beside"]


def test_timetable_puts_a_poster_sessions_posters_in_one_cell_by_board(client, edition):
    conference = edition[0]
    hall = RoomFactory(conference=conference, name="Hall", slug="hall", position=2)
    start, end = local("2026-05-18", 13), local("2026-05-18", 15)
    for title, board in [("Tenth", "10"), ("Second", "2"), ("Unnumbered", ""), ("Ninth", "9")]:
        TalkFactory(
            conference=conference, room=hall, title=title, start=start, end=end, board=board
        )
    make_session(conference, hall, start, end, "Poster session A", kind="posters")

    tree = page(client.get(TIMETABLE))

    # Hall keeps one column (the band's and the posters' cell): not one per poster.
    assert tree.xpath("//thead//th[@id='room-hall']/@colspan") == ["2"]
    (cell,) = tree.xpath("//td[contains(@class, 'is-posters')]")
    assert texts(cell, ".//li[@class='poster']/p[@class='slot-title']") == [
        "Board 2 Second", "Board 9 Ninth", "Board 10 Tenth", "Unnumbered",
    ]  # fmt: skip
    assert texts(tree, "//td[contains(@class, 'session-posters')]//p[@class='band-kind']") == [
        "Poster session"
    ]


# ---------------------------------------------------------------------------- program


def test_program_lists_a_sessions_talks_under_its_heading(client, edition):
    tree = page(client.get(PROGRAM))

    (group,) = tree.xpath("//li[contains(@class, 'session-group')]")
    assert texts(group, ".//h3") == ["Session 3: Systems for LLMs"]
    assert texts(group, ".//p[@class='session-meta']") == [
        "Talk session 9:00–10:30 AM PDT Ballroom Chairs: Ana Chair, Bo Chair"
    ]
    assert texts(group, ".//h4[@class='talk-title']") == ["KV cache", "Batching", "Speculation"]
    # Talks outside the session stay rows of the day's list, in time order, headed h3.
    assert texts(tree, "//ol[@class='talk-list']/li[@data-talk-slug]/h3") == ["Opening", "Beside"]
    assert [
        element.get("data-talk-slug") or element.get("aria-labelledby")
        for element in tree.xpath("//ol[@class='talk-list']/li")
    ] == ["opening", f"session-{edition[4].pk}", "beside"]


def test_program_shows_a_posters_board(client, edition):
    talk = edition[3]["batching"]
    talk.board = "12"
    talk.save()

    tree = page(client.get(PROGRAM))

    assert texts(tree, "//li[@data-talk-slug='batching']//span[@class='board']") == ["Board 12"]
    assert texts(tree, "//span[@class='board']") == ["Board 12"]


# ---------------------------------------------------------------------------- talk page


def test_talk_page_names_its_session_and_chairs_and_its_board(client, edition):
    talk = edition[3]["batching"]
    talk.board = "12"
    talk.save()

    tree = page(client.get("/2026/talks/batching/"))

    terms, values = texts(tree, "//dl[@class='facts']//dt"), texts(tree, "//dl[@class='facts']//dd")
    facts = dict(zip(terms, values, strict=True))
    assert facts["Session"] == (
        "Session 3: Systems for LLMs (talk session) Chairs: Ana Chair, Bo Chair"
    )
    assert facts["Board"] == "12"
    assert tree.xpath("//dl[@class='facts']//dd[span[@class='session-chairs']]//a/@href") == [
        f"/2026/program/#session-{edition[4].pk}",
        "/2026/speakers/ana-chair/",
    ]


def test_talk_page_outside_a_session_names_none(client, edition):
    tree = page(client.get("/2026/talks/opening/"))

    assert "Session" not in texts(tree, "//dl[@class='facts']//dt")
    assert "Board" not in texts(tree, "//dl[@class='facts']//dt")


# ---------------------------------------------------------------------------- costs


def several_sessions(count):
    """``count`` sessions of one talk each in one room, each with two chairs."""
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference, name="Ballroom", slug="ballroom")
    for number in range(count):
        start = local("2026-05-18", 9) + dt.timedelta(hours=number)
        TalkFactory(
            conference=conference, room=room, title=f"Talk {number}", slug=f"talk-{number}",
            start=start, end=start + dt.timedelta(minutes=30),
        )  # fmt: skip
        make_session(
            conference, room, start, start + dt.timedelta(minutes=45), f"Session {number}",
            chairs=[SpeakerFactory(), SpeakerFactory()],
        )  # fmt: skip
    return conference


@pytest.mark.parametrize("count", [1, 3])
def test_program_with_sessions_query_count(client, django_assert_num_queries, count):
    several_sessions(count)

    # As without sessions (test_views.py), plus the sessions with their chairs.
    with django_assert_num_queries(10):
        response = client.get(PROGRAM)

    assert len(page(response).xpath("//li[contains(@class, 'session-group')]")) == count


@pytest.mark.parametrize("count", [1, 3])
def test_timetable_with_sessions_query_count(client, django_assert_num_queries, count):
    several_sessions(count)

    # As without sessions (test_timetable.py), plus the sessions with their chairs.
    with django_assert_num_queries(10):
        response = client.get(TIMETABLE)

    assert len(page(response).xpath("//td[contains(@class, 'session-band')]")) == count


@pytest.mark.parametrize("count", [1, 3])
def test_talk_page_with_sessions_query_count(client, django_assert_num_queries, count):
    several_sessions(count)

    # As without sessions (test_views.py), plus its session with its chairs.
    with django_assert_num_queries(9):
        response = client.get("/2026/talks/talk-0/")

    assert texts(page(response), "//dl[@class='facts']//dt") == [
        "Day", "Time", "Room", "Session", "Type",
    ]  # fmt: skip


@pytest.mark.parametrize("url", [PROGRAM, TIMETABLE, "/2026/talks/batching/"])
def test_writing_a_session_shows_on_the_next_request(
    client, django_assert_num_queries, edition, url
):
    session = edition[4]
    client.get(url)
    with django_assert_num_queries(1):  # the data version only: the page is kept
        client.get(url)

    session.title = "Session 3: Serving LLMs"
    session.save()
    renamed = client.get(url).content.decode()
    session.chairs.set([])
    unchaired = client.get(url).content.decode()

    assert ("Session 3: Serving LLMs" in renamed, "Bo Chair" in renamed) == (True, True)
    assert ("Session 3: Serving LLMs" in unchaired, "Bo Chair" in unchaired) == (True, False)


# ---------------------------------------------------------------------------- markup


@pytest.mark.html_checker
def test_pages_with_sessions_and_posters_have_no_nu_checker_error(client, edition, tmp_path):
    from tests.conftest import require
    from tests.pages.test_html_checker import VNU, nu_errors

    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    conference, hall = edition[0], RoomFactory(conference=edition[0], name="Hall", slug="hall")
    start, end = local("2026-05-18", 13), local("2026-05-18", 15)
    for title, board in [("Poster one", "1"), ("Poster two", "2")]:
        TalkFactory(
            conference=conference, room=hall, title=title, start=start, end=end, board=board
        )
    make_session(conference, hall, start, end, "Posters A", kind="posters")
    files = []
    for name, url in [
        ("program", PROGRAM),
        ("timetable", TIMETABLE),
        ("talk", "/2026/talks/poster-one/"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)

    assert nu_errors(files) == []


# ---------------------------------------------------------------------------- elsewhere


def test_embeds_show_the_same_session_heading_and_band(client, edition):
    program = page(client.get("/2026/embed/program/"))
    timetable = page(client.get("/2026/embed/timetable/?day=2026-05-18"))

    assert texts(program, "//li[contains(@class, 'session-group')]//h3") == [
        "Session 3: Systems for LLMs"
    ]
    assert texts(timetable, "//td[contains(@class, 'session-band')]//h3") == [
        "Session 3: Systems for LLMs"
    ]


def test_static_copy_shows_the_session_heading_band_and_talk_line(edition, tmp_path):
    call_command("export_site", "2026", str(tmp_path / "copy"), verbosity=0)

    program = html.parse(str(tmp_path / "copy/program/index.html")).getroot()
    talk = html.parse(str(tmp_path / "copy/talks/batching/index.html")).getroot()
    # The copy's timetable opens on the first day, Monday.
    timetable = html.parse(str(tmp_path / "copy/timetable/index.html")).getroot()

    assert texts(program, "//li[contains(@class, 'session-group')]//h3") == [
        "Session 3: Systems for LLMs"
    ]
    assert texts(timetable, "//td[contains(@class, 'session-band')]//h3") == [
        "Session 3: Systems for LLMs"
    ]
    assert "Session 3: Systems for LLMs" in texts(talk, "//dl[@class='facts']//dd")[3]
