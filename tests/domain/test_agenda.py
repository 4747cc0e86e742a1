"""A personal agenda from its URL (/<edition>/agenda/?talk=a&talk=b), its overlap marks, its
share and subscribe links, and the subscribed calendar (program.ics?talk=...)."""

import datetime as dt

import pytest
from lxml import html

from program.agenda import encode_talks, overlapping_titles
from program.models import Talk
from program.pages.listing import ProgramEntry
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, local
from tests.feeds.test_feeds import check_ics  # noqa: F401

pytestmark = pytest.mark.django_db

AGENDA = "/2026/agenda/"


@pytest.fixture
def edition():
    """Monday: 9:00–10:00 and 9:30–10:30 overlap, 10:30 touches the second; Tuesday: one."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)

    def talk(slug, room, day, hour, minute, minutes, **fields):
        start = local(day, hour, minute)
        return TalkFactory(
            conference=conference,
            slug=slug,
            title=fields.pop("title", slug.replace("-", " ").capitalize()),
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            **fields,
        )

    talk("opening", ballroom, "2026-05-18", 9, 0, 60)
    talk("serving", hall, "2026-05-18", 9, 30, 60)
    talk("kv-cache", ballroom, "2026-05-18", 10, 30, 30)
    talk("called-off", ballroom, "2026-05-18", 9, 15, 30, status="cancelled")
    talk("closing", ballroom, "2026-05-19", 9, 0, 60)
    talk("secret", hall, "2026-05-19", 9, 0, 60, status="draft")
    return conference


def agenda_url(*slugs):
    return AGENDA + "?" + "&".join(f"talk={slug}" for slug in slugs)


def page(response):
    return html.fromstring(response.content)


def listed(response):
    """(day heading, [(slug, overlap marks)]) as the page lists them."""
    return [
        (
            section.findtext("h2"),
            [
                (row.get("data-talk-slug"), row.xpath(".//strong[@class='overlap-mark']/text()"))
                for row in section.xpath(".//li[@data-talk-slug]")
            ],
        )
        for section in page(response).xpath("//section[@class='day']")
    ]


def test_agenda_lists_the_talks_by_day_and_marks_overlaps(client, edition):
    response = client.get(agenda_url("closing", "kv-cache", "serving", "opening", "called-off"))

    assert response.status_code == 200
    assert listed(response) == [
        (
            "Monday, May 18",
            [
                ("opening", ["Overlaps “Serving”"]),
                ("called-off", []),  # cancelled: takes no time
                ("serving", ["Overlaps “Opening”"]),
                ("kv-cache", []),  # starts when Serving ends
            ],
        ),
        ("Tuesday, May 19", [("closing", [])]),
    ]
    tree = page(response)
    assert " ".join(tree.xpath("//p[@class='result-count']")[0].text_content().split()) == (
        "5 talks, 2 of them overlapping another"
    )
    assert tree.xpath("//title/text()") == ["My agenda · MLSys 2026"]


def test_agenda_rows_carry_a_star_and_the_instants_for_the_script(client, edition):
    tree = page(client.get(agenda_url("opening")))

    (row,) = tree.xpath("//li[@data-talk-slug]")
    (star,) = row.xpath(".//button[@data-star]")
    opening = Talk.objects.get(slug="opening").pk
    assert row.get("data-talk-id") == str(opening)
    assert (
        star.get("data-star"),
        star.get("data-talk-id"),
        star.get("aria-pressed"),
        star.get("hidden"),
    ) == ("opening", str(opening), "false", "")
    assert " ".join(star.text_content().split()) == "Star “Opening” for my agenda"
    (time,) = row.xpath(".//time")
    assert (time.get("datetime"), time.get("data-end")) == (
        "2026-05-18T09:00:00-07:00",
        "2026-05-18T10:00:00-07:00",
    )


def agenda_code(*slugs):
    return encode_talks(Talk.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def test_agenda_gives_share_and_subscribe_links_for_exactly_its_talks(client, edition):
    tree = page(client.get(agenda_url("serving", "opening")))

    # The links write the agenda code of the two talks (ids in program/agenda.py's form).
    code = agenda_code("opening", "serving")
    assert code.startswith("d")
    (share,) = tree.xpath("//input[@id='share-url']/@value")
    assert share == f"http://testserver/2026/agenda/?talks={code}"
    subscribe, download = tree.xpath("//section[@class='agenda-links']//a/@href")
    assert subscribe == f"webcal://testserver/2026/program.ics?talks={code}"
    assert tree.xpath("//input[@id='subscribe-address']/@value") == [
        f"http://testserver/2026/program.ics?talks={code}"
    ]
    assert download == f"/2026/program.ics?talks={code}"
    assert tree.xpath("//details[@class='subscribe']/summary/text()") == [
        "Subscribe to this agenda"
    ]


def test_subscribed_calendar_holds_exactly_the_agenda(client, edition, check_ics):  # noqa: F811
    tree = page(client.get(agenda_url("closing", "serving")))
    download = tree.xpath("//section[@class='agenda-links']//a/@href")[1]

    response = client.get(download)

    calendar = check_ics(response.content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Serving", "Closing"]
    assert str(calendar["X-WR-CALNAME"]) == "My agenda · MLSys 2026"
    assert str(calendar["NAME"]) == "My agenda · MLSys 2026"


def test_renamed_talk_keeps_its_place_and_the_links_use_its_new_slug(client, edition):
    talk = Talk.objects.get(slug="serving")
    talk.slug, talk.title = "serving-at-scale", "Serving at scale"
    talk.save()

    response = client.get(agenda_url("opening", "serving"))

    assert listed(response)[0][1] == [
        ("opening", ["Overlaps “Serving at scale”"]),
        ("serving-at-scale", ["Overlaps “Opening”"]),
    ]
    ids = sorted(
        Talk.objects.filter(slug__in=["opening", "serving-at-scale"]).values_list("pk", flat=True)
    )
    assert page(response).xpath("//input[@id='share-url']/@value") == [
        f"http://testserver/2026/agenda/?talks={encode_talks(ids)}"
    ]
    agenda = page(response).xpath("//div[@data-agenda]")[0]
    assert agenda.get("data-agenda-listed") == " ".join(map(str, ids))
    assert agenda.get("data-agenda-requested") == " ".join(map(str, ids))
    # The old slug still names the talk, for stars kept by slug.
    assert agenda.get("data-agenda-aliases") == f"opening:{ids[0]} serving:{ids[1]}"


def test_deleted_and_withdrawn_talks_are_named_as_no_longer_in_the_program(client, edition):
    Talk.objects.get(slug="serving").delete()
    Talk.objects.filter(slug="kv-cache").set_status(Talk.Status.DRAFT)

    response = client.get(agenda_url("opening", "serving", "kv-cache"))

    assert response.status_code == 200
    assert listed(response) == [("Monday, May 18", [("opening", [])])]
    gone = page(response).xpath("//section[@class='gone']//li")
    assert [" ".join(item.text_content().split()) for item in gone] == [
        "Kv cache (removed)",
        "Serving (deleted)",
    ]


def test_calendar_of_an_agenda_with_a_deleted_talk_still_answers(client, edition, check_ics):  # noqa: F811
    Talk.objects.get(slug="serving").delete()

    response = client.get("/2026/program.ics?talk=opening&talk=serving")

    assert response.status_code == 200
    calendar = check_ics(response.content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Opening"]


def test_slug_that_never_named_a_public_talk_answers_400(client, edition):
    for slug in ("nowhere", "secret"):
        response = client.get(agenda_url("opening", slug))

        assert response.status_code == 400
        alert = page(response).xpath("//div[@role='alert']//li")
        assert [" ".join(li.text_content().split()) for li in alert] == [
            f"Talk: {slug} is not a known talk."
        ]


def test_agenda_without_talks_explains_how_to_star(client, edition):
    response = client.get(AGENDA)

    tree = page(response)
    assert response.status_code == 200
    assert tree.xpath("//div[contains(@class, 'agenda-empty')]/h2/text()") == [
        "No talks starred yet"
    ]
    assert tree.xpath("//li[@data-talk-slug]") == []
    assert tree.xpath("//a[@data-agenda-link]/@aria-current") == ["page"]


@pytest.mark.parametrize("talk_count", [1, 3])
def test_agenda_query_count_does_not_grow(client, django_assert_num_queries, talk_count):
    conference = ConferenceFactory(slug="2026")
    talks = [TalkFactory(conference=conference) for _ in range(talk_count)]

    # The data version, editions, the talks' slugs, the talks, their speakers, gone talks'
    # history.
    with django_assert_num_queries(6):
        response = client.get(agenda_url(*(talk.slug for talk in talks)))

    assert len(page(response).xpath("//li[@data-talk-slug]")) == talk_count


def entry(slug, start, minutes, cancelled=False):
    end = start + dt.timedelta(minutes=minutes)
    return ProgramEntry(
        id=0, slug=slug, title=slug.title(), url="", type_slug="", type_name="", track_slug=None,
        track_name=None, room="", room_slug="", start=start, end=end, day=start.date(),
        time_label="", start_iso=start.isoformat(), end_iso=end.isoformat(),
        cancelled=cancelled, excerpt="", speakers=(),
    )  # fmt: skip


def test_overlapping_titles_pairs_every_overlap_once_each_way():
    entries = [
        entry("a", local("2026-05-18", 9), 120),
        entry("b", local("2026-05-18", 9, 30), 30),
        entry("c", local("2026-05-18", 10), 30),  # touches b, overlaps a
        entry("d", local("2026-05-18", 9), 60, cancelled=True),
        entry("e", local("2026-05-18", 11), 30),  # touches a
    ]

    assert overlapping_titles(entries) == {"a": ["B", "C"], "b": ["A"], "c": ["A"]}
