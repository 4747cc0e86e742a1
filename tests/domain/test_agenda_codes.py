"""Agenda codes (?talks=, program/agenda.py): the form itself, and large agendas through the
agenda page and the subscribed calendar, within the request line app servers accept."""

import random

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from lxml import html

from program.agenda import MAX_TALKS, BadAgendaCode, decode_talks, encode_talks
from program.models import Talk
from program.synthetic.edition import generate_edition
from tests.factories import ConferenceFactory, TalkFactory

# gunicorn's limit_request_line: longer request lines answer 414.
REQUEST_LINE_LIMIT = 4094


def request_line(url):
    return f"GET {url} HTTP/1.1"


# ------------------------------------------------------------------------------ the form


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        ([1], "dAQ"),  # varint 1
        ([2, 1, 2], "dAQE"),  # sorted, repeats dropped: 1, then +1
        ([300], "drAI"),  # 300 = 0xAC 0x02 as a varint
        ([5, 6, 7], "bBQc"),  # first 5, bits 0b111 (shorter than "dBQEB")
        ([3, 900, 1800], "dA4EHhAc"),  # far apart: deltas 3, 897, 900
    ],
)
def test_encode_writes_the_shorter_form_exactly(ids, code):
    assert encode_talks(ids) == code
    assert decode_talks(code) == sorted(set(ids))


def test_a_whole_2000_talk_edition_takes_a_bitset_of_a_few_hundred_characters():
    ids = range(10_001, 12_001)

    code = encode_talks(ids)

    assert code[0] == "b"
    assert len(code) == 1 + 336  # 2 bytes of first id + 250 of bits, in base64
    assert decode_talks(code) == list(ids)


def test_an_empty_agenda_is_the_empty_code():
    assert encode_talks([]) == ""


@given(st.sets(st.integers(min_value=1, max_value=2**40), min_size=1, max_size=300))
def test_every_set_of_ids_comes_back_from_its_code(ids):
    code = encode_talks(ids)

    assert decode_talks(code) == sorted(ids)
    assert set(code[1:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("x", "is not an agenda code (a 'd' or 'b' and URL-safe base64)."),
        ("d", "is not an agenda code (a 'd' or 'b' and URL-safe base64)."),
        ("zAQ", "is not an agenda code (a 'd' or 'b' and URL-safe base64)."),
        ("dA+E", "is not an agenda code: its base64 is damaged."),
        ("dAQE=", "is not an agenda code: its base64 is damaged."),
        ("dAQEBA", "is not an agenda code: its base64 is damaged."),  # 5 characters: no bytes
        ("dAA", "is not an agenda code: talk ids start at 1."),
        ("dAQA", "is not an agenda code: its ids must increase."),
        ("dgA", "is not an agenda code: a number in it is cut off or too long."),
        ("d__________w", "is not an agenda code: a number in it is cut off or too long."),
        ("bAQ", "is not an agenda code: its bitset is damaged."),
        ("bAQI", "is not an agenda code: its bitset is damaged."),  # first id's bit unset
        ("bAQEA", "is not an agenda code: its bitset is damaged."),  # trailing empty byte
    ],
)
def test_garbage_is_refused_with_what_is_wrong(code, problem):
    with pytest.raises(BadAgendaCode) as refused:
        decode_talks(code)

    assert str(refused.value) == problem


def test_a_code_naming_more_talks_than_any_edition_is_refused():
    code = encode_talks(range(1, MAX_TALKS + 2))

    with pytest.raises(BadAgendaCode) as refused:
        decode_talks(code)

    assert str(refused.value) == "names more than 10,000 talks."


# ------------------------------------------------------------- through the page and feed


def agenda_slugs(response):
    return html.fromstring(response.content).xpath("//li[@data-talk-slug]/@data-talk-slug")


def calendar_urls(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, [str(event["URL"]) for event in calendar.walk("VEVENT")]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [200, 2000])
def test_large_agenda_through_the_page_and_the_calendar(client, count):
    conference, _ = generate_edition(slug="2030", talks=2000, rooms=8, days=5, seed=7)
    talks = list(Talk.objects.filter(conference=conference).order_by("start", "room", "title"))
    assert len(talks) == 2000
    chosen = sorted(random.Random(count).sample(talks, count), key=talks.index)
    code = encode_talks(talk.pk for talk in chosen)
    agenda = f"/2030/agenda/?talks={code}"
    calendar_path = f"/2030/program.ics?talks={code}"

    # The longest of the two, on the address app servers read, stays well under the limit.
    longest = max(len(request_line(agenda)), len(request_line(calendar_path)))
    assert longest < REQUEST_LINE_LIMIT // 2
    # The same agenda by slugs would not fit (the 414 of the issue).
    by_slugs = "/2030/agenda/?" + "&".join(f"talk={talk.slug}" for talk in chosen)
    assert len(request_line(by_slugs)) > REQUEST_LINE_LIMIT

    page = client.get(agenda)
    assert page.status_code == 200
    assert agenda_slugs(page) == [talk.slug for talk in chosen]
    tree = html.fromstring(page.content)
    assert tree.xpath("//input[@id='share-url']/@value") == [f"http://testserver{agenda}"]
    assert tree.xpath("//input[@id='subscribe-address']/@value") == [
        f"http://testserver{calendar_path}"
    ]

    feed = client.get(calendar_path)
    assert feed.status_code == 200
    calendar, urls = calendar_urls(feed)
    assert sorted(urls) == sorted(
        f"http://testserver{reverse('program:talk-detail', args=['2030', talk.slug])}"
        for talk in chosen
    )
    assert str(calendar["X-WR-CALNAME"]) == "My agenda · MLSys 2030 (synthetic)"
    print(f"{count} talks: code {len(code)} characters, request line {longest} bytes")


@pytest.fixture
def edition():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    return {slug: TalkFactory(conference=conference, slug=slug) for slug in ("a", "b", "c")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("hello", "hello is not an agenda code (a 'd' or 'b' and URL-safe base64)."),
        ("dAQA", "dAQA is not an agenda code: its ids must increase."),
        ("d%2B%2B", "d++ is not an agenda code: its base64 is damaged."),
    ],
)
def test_bad_code_answers_400_with_the_message_on_page_feed_and_api(client, edition, code, message):
    page = client.get(f"/2026/agenda/?talks={code}")
    feed = client.get(f"/2026/program.ics?talks={code}")
    api = client.get(f"/api/v1/talks/?conference=2026&talks={code}")

    assert (page.status_code, feed.status_code, api.status_code) == (400, 400, 400)
    alert = html.fromstring(page.content).xpath("//div[@role='alert']//li")
    assert [" ".join(item.text_content().split()) for item in alert] == [f"Talks: {message}"]
    assert feed.content.decode() == f"Talks: {message}\n"
    assert api.json() == {"talks": [message]}


@pytest.mark.django_db
def test_an_id_that_never_named_a_public_talk_answers_400(client, edition):
    other = TalkFactory(slug="elsewhere")  # another edition's
    draft = TalkFactory(conference=edition["a"].conference, slug="draft", status="draft")
    for talk in (other, draft):
        code = encode_talks([edition["a"].pk, talk.pk])

        response = client.get(f"/2026/agenda/?talks={code}")

        assert response.status_code == 400
        alert = html.fromstring(response.content).xpath("//div[@role='alert']//li")
        assert [" ".join(item.text_content().split()) for item in alert] == [
            f"Talks: {talk.pk} is not a known talk."
        ]


@pytest.mark.django_db
def test_a_deleted_talk_drops_out_and_is_named_gone(client, edition):
    code = encode_talks([edition["a"].pk, edition["b"].pk])
    edition["b"].delete()

    response = client.get(f"/2026/agenda/?talks={code}")

    assert response.status_code == 200
    assert agenda_slugs(response) == ["a"]
    gone = html.fromstring(response.content).xpath("//section[@class='gone']//li")
    assert [" ".join(item.text_content().split()) for item in gone] == [
        f"{edition['b'].title} (deleted)"
    ]
    assert html.fromstring(response.content).xpath("//input[@id='share-url']/@value") == [
        f"http://testserver/2026/agenda/?talks={encode_talks([edition['a'].pk])}"
    ]


@pytest.mark.django_db
def test_talk_and_talks_together_name_the_talks_of_either(client, edition):
    ids = {slug: talk.pk for slug, talk in edition.items()}
    query = f"talk=c&talks={encode_talks([ids['a']])}"

    page = client.get(f"/2026/agenda/?{query}")
    feed = client.get(f"/2026/program.ics?{query}")

    assert agenda_slugs(page) == sorted(["a", "c"], key=lambda slug: edition[slug].start)
    _, urls = calendar_urls(feed)
    assert sorted(urls) == [
        "http://testserver/2026/talks/a/",
        "http://testserver/2026/talks/c/",
    ]
    assert feed["Content-Disposition"] == 'attachment; filename="mlsys-2026-agenda.ics"'


@pytest.mark.django_db
def test_agenda_calendar_name_keeps_the_other_filters(client, edition):
    code = encode_talks([edition["a"].pk])
    talk_type = edition["a"].type.slug

    agenda = Calendar.from_ical(client.get(f"/2026/program.ics?talks={code}").content)
    typed = Calendar.from_ical(
        client.get(f"/2026/program.ics?talks={code}&type={talk_type}").content
    )

    assert (str(agenda["X-WR-CALNAME"]), str(agenda["NAME"])) == (
        "My agenda · MLSys 2026",
        "My agenda · MLSys 2026",
    )
    assert str(typed["X-WR-CALNAME"]) == f"My agenda · MLSys 2026 (Type: {talk_type})"


@pytest.mark.django_db
@pytest.mark.parametrize("talk_count", [1, 3])
def test_agenda_code_query_count_does_not_grow(client, django_assert_num_queries, talk_count):
    conference = ConferenceFactory(slug="2026")
    talks = [TalkFactory(conference=conference) for _ in range(talk_count)]
    code = encode_talks(talk.pk for talk in talks)

    # The data version, editions, the edition's talk ids, the talks, their speakers, gone
    # talks' history.
    with django_assert_num_queries(6):
        response = client.get(f"/2026/agenda/?talks={code}")

    assert len(agenda_slugs(response)) == talk_count
