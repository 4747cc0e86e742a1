"""The public pages (docs/attendees/index.md), rendered with debug off as in production."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error
from lxml import html

from program.models import Talk
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

pytestmark = pytest.mark.django_db

PROGRAM = "/2026/program/"


@pytest.fixture
def edition():
    """MLSys 2026 (current): six public talks over two days, a cancelled one, a draft."""
    conference = ConferenceFactory(
        slug="2026",
        name="MLSys 2026",
        is_current=True,
        venue="Hyatt Regency Bellevue",
        city="Bellevue, Washington",
    )
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=conference, name="Hall B", position=1)
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    invited = TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    poster = TalkTypeFactory(slug="poster", name="Poster")
    yuhan = SpeakerFactory(
        name="Yuhan Liu",
        slug="yuhan-liu",
        affiliation="University of Chicago",
        bio="Yuhan builds caching layers.\n\nShe leads two open-source projects.",
    )
    esha = SpeakerFactory(name="Esha Choukse", slug="esha-choukse", affiliation="Microsoft")
    roger = SpeakerFactory(name="Roger Wang", slug="roger-wang", affiliation="")

    def talk(slug, type, room, start, minutes, speakers, **fields):
        return TalkFactory(
            conference=conference,
            slug=slug,
            title=fields.pop("title", slug.replace("-", " ").capitalize()),
            type=type,
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            speakers=speakers,
            **fields,
        )

    talk("opening-keynote", keynote, ballroom, local("2026-05-18", 9), 60, [esha])
    talk(
        "kv-cache-layer",
        invited,
        ballroom,
        local("2026-05-18", 10, 15),
        25,
        [yuhan, roger],
        title="LMCache: An Efficient KV Cache Layer",
        abstract="KV cache has traditionally been stored in GPU memory.\n\n"
        "In this talk, I'll present LMCache.",
    )
    talk("serving-engines", invited, hall, local("2026-05-18", 10), 60, [roger])
    talk("late-posters", poster, hall, local("2026-05-18", 23, 30), 60, [roger], abstract="")
    talk("closing-keynote", keynote, ballroom, local("2026-05-19", 9), 60, [yuhan])
    talk("called-off", invited, ballroom, local("2026-05-19", 11), 30, [esha], status="cancelled")
    hidden = SpeakerFactory(name="Hidden Person", slug="hidden-person")
    talk("secret-draft", invited, ballroom, local("2026-05-19", 14), 30, [hidden], status="draft")
    return conference


def page(response):
    return html.fromstring(response.content)


def talk_slugs(response):
    return re.findall(r'data-talk-slug="([^"]*)"', response.content.decode())


def texts(tree, xpath):
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def talk_element(response, slug):
    (element,) = page(response).xpath(f'//*[@data-talk-slug="{slug}"]')
    return element


# The program page.


def test_program_lists_public_talks_in_time_order_under_day_headings(client, edition):
    response = client.get(PROGRAM)

    assert response.status_code == 200
    assert talk_slugs(response) == [
        "opening-keynote",
        "serving-engines",
        "kv-cache-layer",
        "late-posters",
        "closing-keynote",
        "called-off",
    ]
    tree = page(response)
    assert texts(tree, "//section[@class='day']/h2") == ["Monday, May 18", "Tuesday, May 19"]
    _monday, tuesday = tree.xpath("//section[@class='day']")
    assert [li.get("data-talk-slug") for li in tuesday.xpath(".//li[@data-talk-slug]")] == [
        "closing-keynote",
        "called-off",
    ]
    assert texts(tree, "//title") == ["Program · MLSys 2026"]


def test_program_row_shows_what_a_reader_needs(client, edition):
    response = client.get(PROGRAM)

    row = talk_element(response, "kv-cache-layer")
    assert texts(row, ".//*[contains(@class, 'badge')]") == ["Invited Talk"]
    assert texts(row, ".//time") == ["10:15–10:40 AM PDT"]
    assert row.xpath(".//time/@datetime") == ["2026-05-18T10:15:00-07:00"]
    assert texts(row, ".//*[@class='room']") == ["Grand Ballroom 1"]
    assert texts(row, ".//h3") == ["LMCache: An Efficient KV Cache Layer"]
    assert row.xpath(".//h3/a/@href") == ["/2026/talks/kv-cache-layer/"]
    assert texts(row, ".//ul[@class='speakers']/li") == [
        "Yuhan Liu, University of Chicago",
        "Roger Wang",
    ]
    assert row.xpath(".//ul[@class='speakers']//a/@href") == [
        "/2026/speakers/yuhan-liu/",
        "/2026/speakers/roger-wang/",
    ]
    # The first lines: the first paragraph of the abstract.
    assert texts(row, ".//p[@class='excerpt']") == [
        "KV cache has traditionally been stored in GPU memory."
    ]
    # One link to the talk (its title, stretched over the row); "View full details" is its
    # visible cue, not a second link.
    assert row.xpath(".//a[@href='/2026/talks/kv-cache-layer/']/@class") == ["row-link"]
    (details,) = row.xpath(".//span[@class='details-link']")
    assert (details.text_content(), details.get("aria-hidden")) == ("View full details", "true")


def test_program_and_talk_page_show_the_track_in_words_and_its_colour(client, edition):
    track = TrackFactory(conference=edition, name="LLM Serving", slug="llm-serving")
    Talk.objects.filter(slug="kv-cache-layer").update(track=track)

    program = client.get(PROGRAM)
    talk = page(client.get("/2026/talks/kv-cache-layer/"))

    row = talk_element(program, "kv-cache-layer")
    assert texts(row, ".//span[@class='track']") == ["Track: LLM Serving"]
    assert row.xpath(".//span[@class='track']/@data-track") == ["llm-serving"]
    assert texts(talk_element(program, "opening-keynote"), ".//span[@class='track']") == []
    assert texts(talk, "//dl[@class='facts']/div[dt='Track']/dd") == ["LLM Serving"]
    assert talk.xpath("//dd/a[@class='track']/@href") == ["/2026/program/?track=llm-serving"]
    assert talk.xpath("//dd/a[@class='track']/@data-track") == ["llm-serving"]
    for tree in (page(program), talk):
        assert "/2026/tracks.css" in tree.xpath("//link[@rel='stylesheet']/@href")


def test_pages_without_tracks_do_not_load_their_stylesheet(client, edition):
    for url in (PROGRAM, "/2026/talks/kv-cache-layer/", "/2026/timetable/"):
        assert "/2026/tracks.css" not in page(client.get(url)).xpath("//link/@href")


def test_program_filters_by_track_with_a_choice_per_track(client, edition):
    serving = TrackFactory(conference=edition, name="LLM Serving", slug="llm-serving")
    TrackFactory(conference=edition, name="Unused", slug="unused")
    Talk.objects.filter(slug__in=["kv-cache-layer", "serving-engines"]).update(track=serving)

    response = client.get(PROGRAM + "?track=llm-serving")

    tree = page(response)
    assert talk_slugs(response) == ["serving-engines", "kv-cache-layer"]
    # Tracks with public talks, as for types.
    assert tree.xpath("//input[@name='track']/@value") == ["llm-serving"]
    assert tree.xpath("//input[@name='track'][@checked]/@value") == ["llm-serving"]
    assert tree.xpath("//details[@class='more-filters']/summary/text()") == [
        "Type, track, day, room and speaker (1 chosen)"
    ]


def test_track_stylesheet_gives_each_track_its_colour_and_readable_text(client, edition):
    pale = TrackFactory(conference=edition, name="Pale", slug="pale", colour="#fde68a")
    dark = TrackFactory(conference=edition, name="Dark", slug="dark", colour="#1e3a8a")
    broken = TrackFactory(conference=edition, name="Broken", slug="broken")
    for track in (pale, dark, broken):  # the stylesheet tells the tracks public talks use
        TalkFactory(conference=edition, track=track)
    # Written around the validators, as raw SQL could: left out rather than sent as CSS.
    type(broken).objects.filter(pk=broken.pk).update(colour="red;}")

    response = client.get("/2026/tracks.css")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/css"
    assert response["Cache-Control"] == "public, max-age=10, s-maxage=10, stale-while-revalidate=30"
    assert [line for line in response.content.decode().splitlines() if line.startswith("[")] == [
        '[data-track="dark"] { --track-colour: #1e3a8a; --track-ink: #ffffff; }',
        '[data-track="pale"] { --track-colour: #fde68a; --track-ink: #000000; }',
    ]
    assert client.get("/2027/tracks.css").status_code == 404


def test_program_excerpt_of_a_long_abstract_ends_after_a_whole_word(client, edition):
    Talk.objects.filter(slug="serving-engines").update(abstract="word " * 100)

    response = client.get(PROGRAM)

    (excerpt,) = texts(talk_element(response, "serving-engines"), ".//p[@class='excerpt']")
    assert excerpt == " ".join(["word"] * 48) + "…"


def test_program_shows_each_change_on_the_next_request(client, edition):
    before = talk_element(client.get(PROGRAM), "serving-engines")
    Talk.objects.filter(slug="serving-engines").update(title="Serving engines, revised")
    Talk.objects.get(slug="serving-engines").speakers.update(affiliation="Anyscale")

    after = talk_element(client.get(PROGRAM), "serving-engines")

    assert texts(before, ".//h3") == ["Serving engines"]
    assert texts(after, ".//h3") == ["Serving engines, revised"]
    assert texts(after, ".//ul[@class='speakers']/li") == ["Roger Wang, Anyscale"]


def test_program_row_without_abstract_has_no_empty_excerpt(client, edition):
    response = client.get(PROGRAM)

    assert talk_element(response, "late-posters").xpath(".//p[@class='excerpt']") == []


def test_program_time_crossing_noon_names_both_halves_of_the_day(client, edition):
    Talk.objects.filter(slug="closing-keynote").update(
        start=local("2026-05-19", 11, 30), end=local("2026-05-19", 12, 30)
    )

    response = client.get(PROGRAM)

    assert texts(talk_element(response, "closing-keynote"), ".//time") == ["11:30 AM–12:30 PM PDT"]


def test_program_labels_the_same_instant_in_each_editions_timezone(client, edition):
    tokyo = ConferenceFactory(slug="tokyo", timezone="Asia/Tokyo")
    TalkFactory(conference=tokyo, slug="same-instant", start=local("2026-05-18", 9))

    bellevue_row = talk_element(client.get(PROGRAM), "opening-keynote")
    tokyo_row = talk_element(client.get("/tokyo/program/"), "same-instant")

    assert texts(bellevue_row, ".//time") == ["9:00–10:00 AM PDT"]
    assert texts(tokyo_row, ".//time") == ["1:00–1:25 AM JST"]
    assert texts(page(client.get("/tokyo/program/")), "//section/h2") == ["Tuesday, May 19"]


def test_program_talk_at_half_past_eleven_at_night_is_under_its_own_day(client, edition):
    response = client.get(PROGRAM)

    monday = page(response).xpath("//section[@class='day']")[0]
    assert monday.xpath("./h2")[0].text_content() == "Monday, May 18"
    assert monday.xpath(".//li[@data-talk-slug]/@data-talk-slug")[-1] == "late-posters"
    # It ends the next day, and its label says so.
    assert texts(talk_element(response, "late-posters"), ".//time") == [
        "Mon, May 18, 11:30 PM – Tue, May 19, 12:30 AM PDT"
    ]


def test_program_marks_cancelled_talks_in_words_and_hides_drafts(client, edition):
    response = client.get(PROGRAM)

    cancelled = talk_element(response, "called-off")
    assert "is-cancelled" in cancelled.get("class").split()
    assert texts(cancelled, ".//*[@class='cancelled-label']") == ["Cancelled"]
    assert texts(talk_element(response, "opening-keynote"), ".//*[@class='cancelled-label']") == []
    assert "secret-draft" not in talk_slugs(response)
    assert "Secret draft" not in response.content.decode()
    assert "Hidden Person" not in response.content.decode()


def test_program_of_an_unpublished_or_unknown_edition_is_not_found(client, edition):
    ConferenceFactory(slug="2027", is_published=False)

    assert client.get("/2027/program/").status_code == 404
    assert client.get("/1999/program/").status_code == 404


def test_program_shows_the_number_of_talks(client, edition):
    unfiltered = page(client.get(PROGRAM))
    filtered = page(client.get(PROGRAM + "?type=keynote"))

    assert texts(unfiltered, "//h2[@class='result-count']") == ["6 talks"]
    assert texts(filtered, "//h2[@class='result-count']") == ["Showing 2 of 6 talks"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("type=keynote", ["opening-keynote", "closing-keynote"]),
        ("type=keynote&type=poster", ["opening-keynote", "late-posters", "closing-keynote"]),
        # A day holds every talk running on it: the posters from 23:30 the night before too.
        ("day=2026-05-19", ["late-posters", "closing-keynote", "called-off"]),
        ("room=hall-b", ["serving-engines", "late-posters"]),
        ("speaker=yuhan-liu", ["kv-cache-layer", "closing-keynote"]),
        ("q=lmcache", ["kv-cache-layer"]),
        ("q=GPU+chicago", ["kv-cache-layer"]),
        ("talk=called-off&talk=opening-keynote", ["opening-keynote", "called-off"]),
        ("type=invited-talk&day=2026-05-18&room=grand-ballroom-1", ["kv-cache-layer"]),
        ("speaker=roger-wang&day=2026-05-18&q=posters", ["late-posters"]),
    ],
)
def test_program_filters_alone_and_combined(client, edition, query, slugs):
    response = client.get(f"{PROGRAM}?{query}")

    assert response.status_code == 200
    assert talk_slugs(response) == slugs


def test_program_form_shows_the_filters_in_the_url(client, edition):
    response = client.get(
        PROGRAM + "?q=cache&type=keynote&type=poster&day=2026-05-18&room=hall-b&speaker=roger-wang"
    )

    tree = page(response)
    assert tree.xpath("//form[@role='search']/@method") == ["get"]
    assert tree.xpath("//input[@name='q']/@value") == ["cache"]
    assert tree.xpath("//input[@name='type'][@checked]/@value") == ["keynote", "poster"]
    assert tree.xpath("//input[@name='type'][not(@checked)]/@value") == ["invited-talk"]
    assert tree.xpath("//select[@name='day']/option[@selected]/@value") == ["2026-05-18"]
    assert tree.xpath("//select[@name='room']/option[@selected]/@value") == ["hall-b"]
    assert tree.xpath("//select[@name='speaker']/option[@selected]/@value") == ["roger-wang"]
    assert tree.xpath("//details[@open]/summary/text()") == [
        "Type, day, room and speaker (5 chosen)"
    ]


def test_program_form_counts_only_the_filters_given_a_value(client, edition):
    # Without JavaScript the form sends its empty fields too.
    response = client.get(PROGRAM + "?q=&type=keynote&day=&room=&speaker=")

    tree = page(response)
    assert response.status_code == 200
    assert talk_slugs(response) == ["opening-keynote", "closing-keynote"]
    assert tree.xpath(MORE_FILTERS) == ["Type, day, room and speaker (1 chosen)"]


MORE_FILTERS = "//details[contains(@class, 'more-filters')]/summary/text()"


@pytest.mark.parametrize(
    ("query", "summary", "chosen"),
    [
        ("type=lightning&day=2026-13-45", "Type, day, room and speaker", []),
        ("type=keynote&type=lightning", "Type, day, room and speaker (1 chosen)", ["keynote"]),
        ("room=nowhere&speaker=yuhan-liu", "Type, day, room and speaker (1 chosen)", ["yuhan-liu"]),
    ],
)
def test_program_400_counts_only_the_choices_the_form_shows(
    client, edition, query, summary, chosen
):
    response = client.get(f"{PROGRAM}?{query}")

    tree = page(response)
    assert response.status_code == 400
    assert tree.xpath(MORE_FILTERS) == [summary]
    shown = tree.xpath("//input[@name='type'][@checked]/@value | //option[@selected]/@value")
    assert shown == chosen


def test_program_form_lands_on_the_results(client, edition):
    """The form's fragment is where the results begin, whatever they are."""
    outcomes = {
        "": "6 talks",
        "?type=keynote": "Showing 2 of 6 talks",
        "?q=quantum+teleportation": "No Events Found",
        "?day=2026-13-45": "These filters could not be applied",
    }
    for query, heading in outcomes.items():
        tree = page(client.get(PROGRAM + query))

        assert tree.xpath("//form[@role='search']/@action") == [f"{PROGRAM}#results"]
        assert texts(tree, "//h2[@id='results']") == [heading]
        assert tree.xpath("//h2[@id='results']/@tabindex") == ["-1"]


def test_program_form_offers_the_editions_choices(client, edition):
    tree = page(client.get(PROGRAM))

    assert texts(tree, "//label[@class='check']") == ["Invited Talk", "Keynote", "Poster"]
    assert tree.xpath("//select[@name='day']/option/@value") == [
        "",
        "2026-05-18",
        "2026-05-19",
        "2026-05-20",
        "2026-05-21",
        "2026-05-22",
    ]
    assert texts(tree, "//select[@name='day']/option")[:2] == ["Any day", "Monday, May 18"]
    assert texts(tree, "//select[@name='room']/option") == [
        "Any room",
        "Grand Ballroom 1",
        "Hall B",
    ]
    # The draft's speaker is nobody the public may pick.
    assert texts(tree, "//select[@name='speaker']/option") == [
        "Any speaker",
        "Esha Choukse",
        "Roger Wang",
        "Yuhan Liu",
    ]
    for control in tree.xpath("//input[@type='search'] | //select"):
        assert len(tree.xpath(f"//label[@for='{control.get('id')}']")) == 1


def test_program_offers_a_calendar_subscription_to_the_same_view(client, edition):
    unfiltered = page(client.get(PROGRAM))
    # Without JavaScript the form sends its empty fields too: the address leaves them out.
    filtered = page(client.get(PROGRAM + "?type=keynote&type=poster&q=late&day=&room="))

    # The filters in one spelling (name order), which the calendar's cached copy is kept under.
    panel = "//details[@class='subscribe']"
    assert texts(unfiltered, f"{panel}/summary") == ["Subscribe to this view"]
    assert unfiltered.xpath(f"{panel}//a[text()='Subscribe in my calendar app']/@href") == [
        "webcal://testserver/2026/program.ics"
    ]
    assert unfiltered.xpath(f"{panel}//input[@id='subscribe-address']/@value") == [
        "http://testserver/2026/program.ics"
    ]
    assert filtered.xpath(f"{panel}//a[text()='Subscribe in my calendar app']/@href") == [
        "webcal://testserver/2026/program.ics?q=late&type=keynote&type=poster"
    ]
    assert filtered.xpath(f"{panel}//input[@id='subscribe-address']/@value") == [
        "http://testserver/2026/program.ics?q=late&type=keynote&type=poster"
    ]
    assert filtered.xpath(f"{panel}//a[text()='Download a copy']/@href") == [
        "/2026/program.ics?q=late&type=keynote&type=poster"
    ]
    # The address field is read-only and labelled; "Copy" waits for JavaScript to work.
    assert filtered.xpath(f"{panel}//input[@readonly]/@id") == ["subscribe-address"]
    assert texts(filtered, f"{panel}//label[@for='subscribe-address']") == [
        "Or add this address to your calendar"
    ]
    assert filtered.xpath(f"{panel}//button[@hidden]/text()") == ["Copy"]
    assert texts(filtered, f"{panel}//p[@id='subscribe-help']") == [
        "Google Calendar: Other calendars › From URL. Apple Calendar: File › New Calendar "
        "Subscription. Outlook: Add calendar › Subscribe from web."
    ]


def test_program_subscription_follows_the_scheme_the_site_is_served_with(client, edition):
    tree = page(client.get(PROGRAM + "?type=keynote", secure=True))

    assert tree.xpath("//input[@id='subscribe-address']/@value") == [
        "https://testserver/2026/program.ics?type=keynote"
    ]
    assert tree.xpath("//a[text()='Subscribe in my calendar app']/@href") == [
        "webcal://testserver/2026/program.ics?type=keynote"
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=2026-13-45", "Day: 2026-13-45 is not a valid date."),
        ("type=lightning", "Type: lightning is not a known talk type."),
        ("room=nowhere", "Room: nowhere is not a known room."),
        ("speaker=nobody", "Speaker: nobody is not a known speaker."),
    ],
)
def test_program_invalid_filter_answers_400_naming_the_parameter(client, edition, query, message):
    response = client.get(f"{PROGRAM}?{query}")

    assert response.status_code == 400
    tree = page(response)
    assert texts(tree, "//*[@class='error-summary']//li") == [message]
    assert talk_slugs(response) == []
    assert "No Events Found" not in response.content.decode()


def test_program_invalid_filter_is_shown_beside_its_control(client, edition):
    response = client.get(PROGRAM + "?day=2026-13-45&room=nowhere&q=cache")

    tree = page(response)
    assert response.status_code == 400
    assert texts(tree, "//*[@class='error-summary']//li") == [
        "Day: 2026-13-45 is not a valid date.",
        "Room: nowhere is not a known room.",
    ]
    assert tree.xpath("//select[@aria-invalid='true']/@name") == ["day", "room"]
    assert texts(tree, "//p[@id='filter-day-error']") == ["2026-13-45 is not a valid date."]
    assert tree.xpath("//select[@name='day']/@aria-describedby") == ["filter-day-error"]
    # What was valid stays in the form.
    assert tree.xpath("//input[@name='q']/@value") == ["cache"]


def test_program_with_no_match_says_so_and_offers_to_clear_the_filters(client, edition):
    response = client.get(PROGRAM + "?q=quantum+teleportation")

    assert response.status_code == 200
    assert talk_slugs(response) == []
    tree = page(response)
    assert texts(tree, "//div[@class='empty-state']/*") == [
        "No Events Found",
        "Try adjusting your search terms",
        "Clear all filters",
    ]
    assert tree.xpath("//a[text()='Clear all filters']/@href") == [PROGRAM]


def test_program_shows_markup_in_titles_and_abstracts_as_text(client, edition):
    TalkFactory(
        conference=edition,
        slug="script-talk",
        title="<script>alert('title')</script> & more",
        abstract="<script>alert('abstract')</script><b>bold</b>",
        start=local("2026-05-20", 9),
        speakers=[SpeakerFactory(name="<img src=x onerror=alert(1)>", slug="img-person")],
    )

    response = client.get(PROGRAM)

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "<b>bold</b>" not in content
    row = talk_element(response, "script-talk")
    assert texts(row, ".//h3") == ["<script>alert('title')</script> & more"]
    assert texts(row, ".//p[@class='excerpt']") == ["<script>alert('abstract')</script><b>bold</b>"]
    assert texts(row, ".//ul[@class='speakers']/li") == [
        "<img src=x onerror=alert(1)>, University of Washington"
    ]
    assert row.xpath(".//script | .//b | .//img") == []


@pytest.mark.parametrize("talk_count", [1, 3])
def test_program_query_count_does_not_grow_with_talks(
    client, django_assert_num_queries, talk_count
):
    conference = ConferenceFactory(slug="2026")
    for _ in range(talk_count):
        talk = TalkFactory(conference=conference, speakers=[SpeakerFactory(), SpeakerFactory()])
        ResourceFactory(talk=talk, kind="slides")
        ResourceFactory(talk=talk, kind="video")

    # The data version (program/machinery/data_version.py), editions (menu and this one),
    # talks (with whether they have slides or a video), their speakers, then the form's
    # types, rooms, speakers and tracks, and the first and last times of the edition's
    # talks (its days), and the edition's sessions with their chairs (the headings).
    with django_assert_num_queries(10):
        response = client.get(PROGRAM)

    assert len(talk_slugs(response)) == talk_count
    assert len(page(response).xpath("//p[@class='talk-materials']")) == talk_count


@pytest.mark.parametrize("talk_count", [1, 3])
def test_unchanged_program_is_answered_from_its_version(
    client, django_assert_num_queries, talk_count
):
    conference = ConferenceFactory(slug="2026")
    for _ in range(talk_count):
        TalkFactory(conference=conference)
    built = client.get(PROGRAM)

    # Nothing is read but the data version, nor built again.
    with django_assert_num_queries(1):
        not_modified = client.get(PROGRAM, HTTP_IF_NONE_MATCH=built["ETag"])
    with django_assert_num_queries(1):
        cached = client.get(PROGRAM)

    assert (not_modified.status_code, not_modified["ETag"]) == (304, built["ETag"])
    assert (cached.status_code, cached.content) == (200, built.content)
    assert cached["Content-Security-Policy"] == built["Content-Security-Policy"]


def test_program_is_rebuilt_when_another_edition_enters_the_yearly_menu(client, edition):
    built = client.get(PROGRAM)
    ConferenceFactory(slug="2027", name="MLSys 2027")

    after = client.get(PROGRAM, HTTP_IF_NONE_MATCH=built["ETag"])

    assert after.status_code == 200
    assert "MLSys 2027" not in built.content.decode()
    assert "MLSys 2027" in after.content.decode()


@pytest.mark.parametrize("talk_count", [1, 3])
def test_filtered_program_query_count_does_not_grow_with_talks(
    client, django_assert_num_queries, talk_count
):
    conference = ConferenceFactory(slug="2026")
    keynote = TalkTypeFactory(slug="keynote")
    for _ in range(talk_count):
        TalkFactory(conference=conference, type=keynote)

    # As unfiltered, plus checking the type and counting the edition's talks.
    with django_assert_num_queries(12):
        response = client.get(PROGRAM + "?type=keynote&q=talk")

    assert len(talk_slugs(response)) == talk_count


# The talk page.


def test_talk_page_shows_the_whole_talk(client, edition):
    response = client.get("/2026/talks/kv-cache-layer/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//h1") == ["LMCache: An Efficient KV Cache Layer"]
    assert texts(tree, "//title") == ["LMCache: An Efficient KV Cache Layer · MLSys 2026"]
    facts = dict(zip(texts(tree, "//dl/div/dt"), texts(tree, "//dl/div/dd"), strict=True))
    assert facts == {
        "Day": "Monday, May 18",
        "Time": "10:15–10:40 AM PDT",
        "Room": "Grand Ballroom 1",
        "Type": "Invited Talk",
    }
    assert tree.xpath("//dd/a[text()='Grand Ballroom 1']/@href") == [
        "/2026/program/?room=grand-ballroom-1"
    ]
    assert texts(tree, "//ul[@class='speaker-cards']/li") == [
        "Yuhan Liu, University of Chicago",
        "Roger Wang",
    ]
    assert tree.xpath("//ul[@class='speaker-cards']//a/@href") == [
        "/2026/speakers/yuhan-liu/",
        "/2026/speakers/roger-wang/",
    ]
    assert texts(tree, "//section[contains(@class, 'abstract')]/p") == [
        "KV cache has traditionally been stored in GPU memory.",
        "In this talk, I'll present LMCache.",
    ]
    assert tree.xpath("//a[text()='Add to calendar']/@href") == ["/2026/talks/kv-cache-layer.ics"]


def test_talk_page_links_the_neighbours_in_its_room_and_talks_at_the_same_time(client, edition):
    tree = page(client.get("/2026/talks/kv-cache-layer/"))

    # The closing keynote is next in the room, but on the next day: not listed.
    assert texts(tree, "//nav[@class='room-neighbours']//li") == [
        "Before: Opening keynote Monday, May 18, 9:00–10:00 AM PDT",
    ]
    assert tree.xpath("//a[@rel='prev']/@href") == ["/2026/talks/opening-keynote/"]
    assert tree.xpath("//a[@rel='next']/@href") == []
    assert texts(tree, "//section[@class='concurrent']//li") == [
        "Serving engines Monday, May 18, 10:00–11:00 AM PDT, Hall B"
    ]


def test_talk_page_lists_room_neighbours_of_the_same_day_only(client, edition):
    annex = RoomFactory(conference=edition, name="Annex", position=2)
    TalkFactory(conference=edition, room=annex, slug="monday-demo", start=local("2026-05-18", 15))
    TalkFactory(conference=edition, room=annex, slug="friday-demo", start=local("2026-05-22", 9))

    # The keynote before it in the room is on Monday: only the talk after it, that Tuesday.
    closing = page(client.get("/2026/talks/closing-keynote/"))
    monday_demo = page(client.get("/2026/talks/monday-demo/"))

    assert texts(closing, "//nav[@class='room-neighbours']//li") == [
        "After: Called off Tuesday, May 19, 11:00–11:30 AM PDT, Cancelled"
    ]
    assert texts(monday_demo, "//nav[@class='room-neighbours']/*") == [
        "Also in Annex",
        "No other talk takes place in this room that day.",
    ]


def test_talk_page_first_and_alone_says_so(client, edition):
    tree = page(client.get("/2026/talks/late-posters/"))

    assert texts(tree, "//nav[@class='room-neighbours']//li") == [
        "Before: Serving engines Monday, May 18, 10:00–11:00 AM PDT"
    ]
    assert texts(tree, "//section[@class='concurrent']/p") == [
        "No other talk runs at the same time."
    ]


def test_talk_page_with_empty_abstract_shows_no_abstract_section(client, edition):
    response = client.get("/2026/talks/late-posters/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//h2") == ["Speaker", "Also in Hall B", "At the same time"]
    assert tree.xpath("//section[contains(@class, 'abstract')]") == []


def test_talk_page_of_cancelled_talk_says_so(client, edition):
    response = client.get("/2026/talks/called-off/")

    tree = page(response)
    assert texts(tree, "//p[@class='notice']") == [
        "This talk has been cancelled. See what else runs at the same time."
    ]
    assert tree.xpath("//p[@class='notice']/a/@href") == ["#concurrent-heading"]
    assert texts(tree, "//*[@class='cancelled-label']") == ["Cancelled"]
    assert json_ld(response)["eventStatus"] == "https://schema.org/EventCancelled"
    # No "Add to calendar" button; those who added it earlier can fetch the cancellation.
    assert tree.xpath("//a[contains(@class, 'button')]") == []
    assert texts(tree, "//p[@class='calendar-link']/a") == [
        "Download the calendar entry marked cancelled"
    ]
    assert tree.xpath("//p[@class='calendar-link']/a/@href") == ["/2026/talks/called-off.ics"]


def json_ld(response):
    (script,) = page(response).xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def test_talk_page_describes_the_event_for_search_engines(client, edition):
    response = client.get("/2026/talks/kv-cache-layer/")

    assert json_ld(response) == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "LMCache: An Efficient KV Cache Layer",
        "url": "http://testserver/2026/talks/kv-cache-layer/",
        "startDate": "2026-05-18T10:15:00-07:00",
        "endDate": "2026-05-18T10:40:00-07:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Grand Ballroom 1, Hyatt Regency Bellevue",
            "address": {
                "@type": "PostalAddress",
                "name": "Hyatt Regency Bellevue",
                "addressLocality": "Bellevue, Washington",
            },
        },
        "performer": [
            {
                "@type": "Person",
                "name": "Yuhan Liu",
                "url": "http://testserver/2026/speakers/yuhan-liu/",
                "affiliation": {"@type": "Organization", "name": "University of Chicago"},
            },
            {
                "@type": "Person",
                "name": "Roger Wang",
                "url": "http://testserver/2026/speakers/roger-wang/",
            },
        ],
        "superEvent": {
            "@type": "Event",
            "name": "MLSys 2026",
            "startDate": "2026-05-18",
            "endDate": "2026-05-22",
            "url": "http://testserver/2026/program/",
        },
        "description": "KV cache has traditionally been stored in GPU memory.\n\n"
        "In this talk, I'll present LMCache.",
    }


def test_talk_page_meta_description_and_open_graph(client, edition):
    tree = page(client.get("/2026/talks/kv-cache-layer/"))

    description = (
        "Invited Talk by Yuhan Liu, Roger Wang, Monday, May 18, 10:15–10:40 AM PDT, "
        "Grand Ballroom 1. KV cache has traditionally been stored in GPU memory. In this "
        "talk, I'll present…"
    )
    assert tree.xpath("//meta[@name='description']/@content") == [description]
    assert tree.xpath("//meta[@property='og:title']/@content") == [
        "LMCache: An Efficient KV Cache Layer"
    ]
    assert tree.xpath("//meta[@property='og:description']/@content") == [description]
    assert tree.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert tree.xpath("//meta[@property='og:url']/@content") == [
        "http://testserver/2026/talks/kv-cache-layer/"
    ]
    assert tree.xpath("//meta[@property='og:site_name']/@content") == ["MLSys 2026"]


def test_talk_page_shows_markup_as_text_and_keeps_json_ld_inert(client, edition):
    TalkFactory(
        conference=edition,
        slug="script-talk",
        title="</script><script>alert('title')</script>",
        abstract="<script>alert('abstract')</script>\n\nSecond & last",
    )

    response = client.get("/2026/talks/script-talk/")

    content = response.content.decode()
    assert "<script>alert" not in content
    tree = page(response)
    assert texts(tree, "//h1") == ["</script><script>alert('title')</script>"]
    assert texts(tree, "//section[contains(@class, 'abstract')]/p") == [
        "<script>alert('abstract')</script>",
        "Second & last",
    ]
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert('title')" in content
    assert json_ld(response)["name"] == "</script><script>alert('title')</script>"
    assert tree.xpath("//script[not(@src)]/@type") == ["application/ld+json"]


def test_talk_page_hides_drafts_and_other_editions(client, edition):
    TalkFactory(conference=ConferenceFactory(slug="2025"), slug="old-talk")

    assert client.get("/2026/talks/secret-draft/").status_code == 404
    assert client.get("/2026/talks/old-talk/").status_code == 404
    assert client.get("/2025/talks/old-talk/").status_code == 200


# Staff preview what is not public yet ("View on site" in the admin).


@pytest.fixture
def staff_client(client, django_user_model):
    organiser = django_user_model.objects.create_user("organiser", is_staff=True)
    organiser.user_permissions.add(Permission.objects.get(codename="view_talk"))
    client.force_login(organiser)
    return client


def test_staff_without_permission_on_talks_see_no_draft(client, django_user_model, edition):
    client.force_login(django_user_model.objects.create_user("helper", is_staff=True))
    future = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    TalkFactory(conference=future, slug="planned-talk", title="Planned talk")

    assert client.get("/2026/talks/secret-draft/").status_code == 404
    assert client.get("/2027/talks/planned-talk/").status_code == 404


DRAFT_NOTICE = "//p[contains(@class, 'draft-notice')]"


def test_staff_preview_a_draft_marked_as_not_public_and_never_cached(staff_client, edition):
    response = staff_client.get("/2026/talks/secret-draft/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//h1") == ["Secret draft"]
    assert texts(tree, DRAFT_NOTICE) == [
        "Draft: not public. This talk is a draft: only staff can see this page, and it "
        "appears in no list, feed or API."
    ]
    assert response["Cache-Control"] == "private, no-store"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    # Nothing on the page leads to the talk's feed, which answers 404 for a draft.
    assert tree.xpath("//*[contains(@href, 'secret-draft.ics')]") == []
    assert tree.xpath("//script[@type='application/ld+json']") == []


def test_staff_preview_a_talk_of_an_unpublished_edition(staff_client, edition):
    future = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    TalkFactory(conference=future, slug="planned-talk", title="Planned talk")

    response = staff_client.get("/2027/talks/planned-talk/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//p[contains(@class, 'preview-notice')]") == [
        "Not public. MLSys 2027 is not published yet: only staff who may view talks see its "
        "pages, and nobody else can open them."
    ]
    assert tree.xpath(DRAFT_NOTICE) == []  # the talk itself is published
    assert response["Cache-Control"] == "private, no-store"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    # Its calendar file and JSON-LD answer no one until the edition is published.
    assert tree.xpath("//*[contains(@href, 'planned-talk.ics')]") == []
    assert tree.xpath("//script[@type='application/ld+json']") == []


def test_public_talks_look_the_same_to_staff(staff_client, edition):
    response = staff_client.get("/2026/talks/kv-cache-layer/")

    assert response.status_code == 200
    assert page(response).xpath(DRAFT_NOTICE) == []
    assert "no-store" not in response.get("Cache-Control", "")


def test_drafts_stay_hidden_from_everyone_but_staff(client, django_user_model, edition):
    TalkFactory(conference=ConferenceFactory(slug="2027", is_published=False), slug="planned")
    anonymous = client.get("/2026/talks/secret-draft/")
    client.force_login(django_user_model.objects.create_user("attendee"))

    assert anonymous.status_code == 404
    assert client.get("/2026/talks/secret-draft/").status_code == 404
    assert client.get("/2027/talks/planned/").status_code == 404
    assert "Secret draft" not in anonymous.content.decode()


def test_drafts_stay_out_of_lists_and_feeds_for_staff_too(staff_client, edition):
    pages = [PROGRAM, "/2026/speakers/", "/2026/program.ics", "/2026/schedule.xml"]
    for url in pages:
        assert "Secret draft" not in staff_client.get(url).content.decode()
    assert staff_client.get("/2026/talks/secret-draft.ics").status_code == 404
    assert staff_client.get("/api/v1/talks/?conference=2026&q=secret").json()["count"] == 0


def test_admin_view_on_site_opens_the_draft_preview(admin_client, edition):
    draft = Talk.objects.get(slug="secret-draft")
    change_page = admin_client.get(f"/admin/program/talk/{draft.pk}/change/")
    (view_on_site,) = page(change_page).xpath("//a[contains(@class, 'viewsitelink')]/@href")

    response = admin_client.get(view_on_site, follow=True)

    assert response.redirect_chain[-1][0] == "http://testserver/2026/talks/secret-draft/"
    assert texts(page(response), DRAFT_NOTICE)[0].startswith("Draft: not public.")


@pytest.mark.parametrize("speaker_count", [1, 3])
def test_talk_page_query_count_does_not_grow(client, django_assert_num_queries, speaker_count):
    conference = ConferenceFactory(slug="2026")
    room = RoomFactory(conference=conference)
    talk = TalkFactory(
        conference=conference,
        room=room,
        slug="main",
        start=local("2026-05-18", 10),
        speakers=[SpeakerFactory(with_photo=True) for _ in range(speaker_count)],
    )
    for hour in (9, 11):
        TalkFactory(conference=conference, room=room, start=local("2026-05-18", hour))
    for _ in range(speaker_count):
        TalkFactory(conference=conference, start=talk.start)
        ResourceFactory(talk=talk)

    # The data version, editions, the talk, its speakers (with their photos), its
    # resources, the one before, the one after, those at the same time, its session.
    with django_assert_num_queries(9):
        response = client.get("/2026/talks/main/")

    assert len(page(response).xpath("//section[@class='concurrent']//li")) == speaker_count
    assert len(page(response).xpath("//ul[@class='speaker-cards']/li")) == speaker_count
    assert len(page(response).xpath("//ul[@class='speaker-cards']//img")) == speaker_count
    assert len(page(response).xpath("//ul[@class='resource-list']/li")) == speaker_count


# Speakers.


def test_speaker_list_shows_the_editions_speakers_with_their_talks(client, edition):
    SpeakerFactory(name="Nobody Here", slug="nobody-here")
    TalkFactory(
        conference=ConferenceFactory(slug="2025"),
        speakers=[SpeakerFactory(name="Past Speaker", slug="past-speaker")],
    )

    response = client.get("/2026/speakers/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//li[@class='speaker-item']/h2") == [
        "Esha Choukse",
        "Roger Wang",
        "Yuhan Liu",
    ]
    (yuhan,) = tree.xpath("//li[@class='speaker-item'][h2='Yuhan Liu']")
    assert texts(yuhan, ".//p[@class='affiliation']") == ["University of Chicago"]
    assert texts(yuhan, ".//ul[@class='speaker-talks']/li") == [
        "LMCache: An Efficient KV Cache Layer",
        "Closing keynote",
    ]
    assert yuhan.xpath(".//h2/a/@href") == ["/2026/speakers/yuhan-liu/"]
    (esha,) = tree.xpath("//li[@class='speaker-item'][h2='Esha Choukse']")
    assert texts(esha, ".//ul[@class='speaker-talks']/li") == [
        "Opening keynote",
        "Called off Cancelled",
    ]
    assert texts(tree, "//title") == ["Speakers · MLSys 2026"]


@pytest.mark.parametrize("speaker_count", [1, 3])
def test_speaker_list_query_count_does_not_grow(client, django_assert_num_queries, speaker_count):
    conference = ConferenceFactory(slug="2026")
    for _ in range(speaker_count):
        speakers = [SpeakerFactory(with_photo=True), SpeakerFactory()]
        TalkFactory(conference=conference, speakers=speakers)

    # The data version, editions, the speakers of its talks (with their photos); from the
    # cache, the data version alone.
    with django_assert_num_queries(3):
        response = client.get("/2026/speakers/")
    with django_assert_num_queries(1):
        cached = client.get("/2026/speakers/")

    assert len(page(response).xpath("//li[@class='speaker-item']")) == 2 * speaker_count
    assert len(page(response).xpath("//li[@class='speaker-item']/img")) == speaker_count
    assert cached.content == response.content


def test_speaker_page_shows_bio_and_talks_in_this_and_other_editions(client, edition):
    older = ConferenceFactory(slug="2024", name="MLSys 2024", start_date=dt.date(2024, 5, 13))
    hidden = ConferenceFactory(slug="2023", is_published=False, start_date=dt.date(2023, 6, 1))
    yuhan = edition.talks.get(slug="kv-cache-layer").speakers.get(slug="yuhan-liu")
    TalkFactory(
        conference=older,
        slug="cachegen",
        title="CacheGen",
        start=local("2024-05-14", 14),
        room=RoomFactory(conference=older, name="Room 2024"),
        speakers=[yuhan],
    )
    TalkFactory(conference=hidden, slug="unpublished", title="Unpublished", speakers=[yuhan])

    response = client.get("/2026/speakers/yuhan-liu/")

    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "//h1") == ["Yuhan Liu"]
    assert texts(tree, "//p[@class='lede']") == ["University of Chicago"]
    assert texts(tree, "//section[@class='bio']/p") == [
        "Yuhan builds caching layers.",
        "She leads two open-source projects.",
    ]
    assert texts(tree, "//main//h2") == ["About", "Talks at MLSys 2026", "Talks at MLSys 2024"]
    assert texts(tree, "//ul[@class='speaker-talks']/li") == [
        "LMCache: An Efficient KV Cache Layer "
        "Invited Talk · Monday, May 18, 10:15–10:40 AM PDT · Grand Ballroom 1",
        "Closing keynote Keynote · Tuesday, May 19, 9:00–10:00 AM PDT · Grand Ballroom 1",
        "CacheGen Invited Talk · Tuesday, May 14, 2:00–2:25 PM PDT · Room 2024",
    ]
    assert tree.xpath("//ul[@class='speaker-talks']//a/@href") == [
        "/2026/talks/kv-cache-layer/",
        "/2026/talks/closing-keynote/",
        "/2024/talks/cachegen/",
    ]


def test_speaker_page_needs_a_public_talk_in_the_edition(client, edition):
    assert client.get("/2026/speakers/hidden-person/").status_code == 404
    assert client.get("/2026/speakers/nobody/").status_code == 404


@pytest.mark.parametrize("talk_count", [1, 3])
def test_speaker_page_query_count_does_not_grow(client, django_assert_num_queries, talk_count):
    speaker = SpeakerFactory(slug="ada", with_photo=True)
    for slug in ("2026", "2025"):
        conference = ConferenceFactory(slug=slug)
        for _ in range(talk_count):
            TalkFactory(conference=conference, speakers=[speaker])

    # The data version, editions, the speaker, their talks.
    with django_assert_num_queries(4):
        response = client.get("/2026/speakers/ada/")

    assert len(page(response).xpath("//ul[@class='speaker-talks']/li")) == 2 * talk_count


# Every page.

PAGES = [
    "/2026/program/",
    "/2026/program/?day=2026-13-45",
    "/2026/talks/kv-cache-layer/",
    "/2026/speakers/",
    "/2026/speakers/yuhan-liu/",
    "/2026/nowhere/",
    "/2026/timetable/",
    "/2026/timetable/?day=2026-05-19&type=nothing",
]
LISTINGS = ["/2026/program/", "/2026/timetable/?day=2026-05-18"]

FOCUSABLE = (
    "//a[@href] | //button | //input[not(@type='hidden')] | //select | //textarea"
    " | //summary | //*[@tabindex and not(@tabindex='-1')]"
)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_starts_with_the_skip_links(client, edition, url):
    tree = page(client.get(url))

    first, second = tree.xpath(FOCUSABLE)[:2]
    assert (first.text_content(), first.get("href")) == ("Skip to yearly menu bar", "#yearly-menu")
    assert (second.text_content(), second.get("href")) == ("Skip to main content", "#main")
    assert tree.xpath("//nav[@id='yearly-menu']/@aria-label") == ["Yearly menu"]
    assert tree.xpath("//main/@id") == ["main"]
    assert tree.xpath("/html/@lang") == ["en"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_yearly_menu_newest_first(client, edition, url):
    ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    ConferenceFactory(slug="2024", name="MLSys 2024", start_date=dt.date(2024, 5, 13))
    ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)

    tree = page(client.get(url))

    menu = "//nav[@id='yearly-menu']//a"
    assert texts(tree, menu) == ["MLSys 2026", "MLSys 2025", "MLSys 2024"]
    assert tree.xpath(f"{menu}/@href") == ["/2026/program/", "/2025/program/", "/2024/program/"]
    assert texts(tree, f"{menu}[@aria-current]") == ["MLSys 2026"]


def test_yearly_menu_marks_the_edition_being_viewed(client, edition):
    ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))

    on_program = page(client.get("/2025/program/"))
    on_speakers = page(client.get("/2026/speakers/"))

    assert on_program.xpath("//nav[@id='yearly-menu']//a[@aria-current]/text()") == ["MLSys 2025"]
    assert on_program.xpath("//nav[@id='yearly-menu']//a/@aria-current") == ["page"]
    assert on_speakers.xpath("//nav[@id='yearly-menu']//a/@aria-current") == ["true"]


@pytest.mark.parametrize(
    ("url", "title", "description"),
    [
        (
            "/2026/program/",
            "Program · MLSys 2026",
            "The program of MLSys 2026, May 18–22, 2026, Bellevue, Washington: "
            "talks, speakers and times.",
        ),
        (
            "/2026/timetable/?day=2026-05-19",
            "Timetable, Tuesday, May 19 · MLSys 2026",
            "The timetable of MLSys 2026 on Tuesday, May 19: talks by room and time.",
        ),
        (
            "/2026/speakers/",
            "Speakers · MLSys 2026",
            "The speakers of MLSys 2026 with their affiliations and talks.",
        ),
        (
            "/2026/speakers/esha-choukse/",
            "Esha Choukse · MLSys 2026",
            "Esha Choukse, Microsoft. Esha Choukse builds systems for machine learning.",
        ),
        (
            "/2026/speakers/roger-wang/",
            "Roger Wang · MLSys 2026",
            "Roger Wang. Roger Wang builds systems for machine learning.",
        ),
        (
            "/2026/talks/called-off/",
            "Called off · MLSys 2026",
            "Cancelled: Invited Talk by Esha Choukse, Tuesday, May 19, 11:00–11:30 AM PDT, "
            "Grand Ballroom 1. We study how systems and models are designed together.",
        ),
    ],
)
def test_pages_have_a_title_a_description_and_open_graph(client, edition, url, title, description):
    tree = page(client.get(url))

    assert texts(tree, "//title") == [title]
    assert tree.xpath("//meta[@name='description']/@content") == [description]
    assert len(tree.xpath("//meta[@property='og:title']/@content")) == 1
    assert tree.xpath("//meta[@property='og:url']/@content") == [f"http://testserver{url}"]


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/", "/2026/program/"),
        ("/current/", "/2026/program/"),
        ("/current/speakers/", "/2026/speakers/"),
        (
            "/current/program/?type=keynote&day=2026-05-18",
            "/2026/program/?type=keynote&day=2026-05-18",
        ),
        ("/current/talks/kv-cache-layer/", "/2026/talks/kv-cache-layer/"),
    ],
)
def test_root_and_current_redirect_to_the_current_edition(client, edition, url, location):
    ConferenceFactory(
        slug="2027",
        name="MLSys 2027",
        start_date=dt.date(2027, 5, 17),
        end_date=dt.date(2027, 5, 21),
    )

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == location


def test_without_a_current_edition_root_is_not_found(client, edition):
    edition.is_current = False
    edition.save()

    assert client.get("/").status_code == 404
    assert client.get("/current/speakers/").status_code == 404


def test_not_found_page_is_ours(client, edition):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    tree = page(response)
    assert texts(tree, "//h1") == ["Page not found"]
    assert texts(tree, "//title") == ["Page not found"]
    # One way back, not the same link twice (main and footer).
    assert tree.xpath("//main//a/@href | //footer//a/@href") == ["/"]
    assert texts(tree, "//nav[@id='yearly-menu']//a[@aria-current]") == ["MLSys 2026"]


@pytest.mark.parametrize(
    "url", ["/2026/talks/no-such-talk/", "/2026/speakers/nobody/", "/2026/nowhere/"]
)
def test_not_found_under_an_edition_keeps_its_header(client, edition, url):
    ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))

    response = client.get(url)

    assert response.status_code == 404
    tree = page(response)
    assert texts(tree, "//title") == ["Page not found · MLSys 2026"]
    assert texts(tree, "//p[@class='site-name']") == ["MLSys 2026"]
    assert texts(tree, "//nav[@class='edition-nav']//a") == [
        "Program", "Timetable", "Speakers", "Now", "My agenda", "Changes"
    ]  # fmt: skip
    assert tree.xpath("//main//a/@href") == ["/2026/program/"]
    assert texts(tree, "//main//a") == ["Go to the MLSys 2026 program"]
    assert texts(tree, "//nav[@id='yearly-menu']//a[@aria-current]") == ["MLSys 2026"]


def test_not_found_under_an_unknown_or_unpublished_edition_is_plain(client, edition):
    ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)

    for url in ["/2027/talks/some-talk/", "/1999/program/"]:
        tree = page(client.get(url))
        assert texts(tree, "//p[@class='site-name']") == ["Conference program"]
        assert "MLSys 2027" not in " ".join(texts(tree, "//body"))


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/2026/", "/2026/program/"),
        ("/2026/?type=keynote", "/2026/program/?type=keynote"),
        ("/2026/talks/", "/2026/program/"),
    ],
)
def test_an_editions_own_address_goes_to_its_program(client, edition, url, location):
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, location)


def test_an_editions_address_without_a_slash_goes_to_its_program(client, edition):
    response = client.get("/2026", follow=True)

    assert response.redirect_chain == [("/2026/", 301), ("/2026/program/", 302)]
    assert response.status_code == 200


def test_an_unknown_or_unpublished_editions_address_is_not_found(client, edition):
    ConferenceFactory(slug="2027", is_published=False)

    assert client.get("/2027/").status_code == 404
    assert client.get("/1999/").status_code == 404


def test_server_error_page_renders_without_context_or_database(django_assert_num_queries):
    # Django renders 500.html with no context at all when a view fails.
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/2026/program/"))

    assert response.status_code == 500
    tree = page(response)
    assert texts(tree, "//h1") == ["Something went wrong"]
    first, second = tree.xpath(FOCUSABLE)[:2]
    assert first.text_content() == "Skip to yearly menu bar"
    assert second.text_content() == "Skip to main content"
    assert texts(tree, "//nav[@id='yearly-menu']//a") == ["Current program"]


@pytest.mark.parametrize("url", [*PAGES, "/"])
def test_public_pages_send_a_strict_content_security_policy(client, edition, url):
    response = client.get(url)

    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def test_admin_login_has_the_same_policy(client, edition):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_style_or_script(client, edition, url):
    response = client.get(url)
    tree = page(response)
    if url == "/2026/talks/kv-cache-layer/":
        assert len(tree.xpath("//script[@type='application/ld+json']")) == 1

    assert tree.xpath("//style | //*[@style]") == []
    assert tree.xpath("//script[not(@src) and not(@type='application/ld+json')]") == []
    handlers = [
        (element.tag, name)
        for element in tree.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
        if name.startswith("on")
    ]
    assert handlers == []
    assert all(src.startswith("/static/") for src in tree.xpath("//script/@src"))


def test_only_listed_talks_carry_the_talk_slug_attribute(client, edition):
    program, timetable = (page(client.get(url)) for url in LISTINGS)

    assert {element.tag for element in program.xpath("//*[@data-talk-slug]")} == {"li"}
    assert len(program.xpath("//*[@data-talk-slug]")) == 6
    assert {element.tag for element in timetable.xpath("//*[@data-talk-slug]")} == {"td"}
    assert len(timetable.xpath("//*[@data-talk-slug]")) == 4
    for url in PAGES:
        if not url.startswith(("/2026/program/", "/2026/timetable/")):
            assert talk_slugs(client.get(url)) == []


def test_static_files_have_hashed_names_after_collectstatic(client, edition, collected_static):
    tree = page(client.get(PROGRAM))

    stylesheets = tree.xpath("//link[@rel='stylesheet']/@href")
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".HASH.", href) for href in stylesheets] == [
        "/static/css/site.HASH.css",
        "/static/css/print.HASH.css",
    ]
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".HASH.", src) for src in tree.xpath("//script/@src")] == [
        "/static/js/site.HASH.js",
        "/static/js/program.HASH.js",
    ]
    assert (collected_static / stylesheets[0].removeprefix("/static/")).is_file()


def test_reverse_names_of_the_public_pages_are_kept():
    assert reverse("program:program", args=["2026"]) == "/2026/program/"
    assert reverse("program:talk-detail", args=["2026", "a"]) == "/2026/talks/a/"
    assert reverse("program:speaker-list", args=["2026"]) == "/2026/speakers/"
    assert reverse("program:speaker-detail", args=["2026", "b"]) == "/2026/speakers/b/"
    assert reverse("program:talk-ics", args=["2026", "a"]) == "/2026/talks/a.ics"
    assert reverse("program:program-ics", args=["2026"]) == "/2026/program.ics"


def test_seed_edition_reads_in_time_order_with_days_and_timezone(client):
    call_command("loaddata", "mlsys2026", verbosity=0)

    response = client.get("/2026/program/")

    tree = page(response)
    assert texts(tree, "//section[@class='day']/h2") == [
        "Monday, May 18",
        "Tuesday, May 19",
        "Wednesday, May 20",
        "Thursday, May 21",
        "Friday, May 22",
    ]
    assert len(talk_slugs(response)) == 9
    assert texts(tree, "//section[@class='day'][3]//time") == ["10:30–11:30 AM PDT"]
    assert texts(tree, "//section[@class='day'][1]//time")[0] == "9:00–9:25 AM PDT"


# Sessions past midnight, over several days, across a clock change.


@pytest.fixture
def nights():
    """A Berlin edition with a 26-hour hackathon and a party from 22:00 to 01:00."""
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    conference = ConferenceFactory(
        slug="berlin",
        timezone="Europe/Berlin",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 5),
    )
    ada = SpeakerFactory(name="Ada Lovelace", slug="ada-lovelace", affiliation="")
    TalkFactory(
        conference=conference,
        slug="hackathon",
        title="Hackathon",
        start=dt.datetime(2026, 6, 2, 10, tzinfo=berlin),
        end=dt.datetime(2026, 6, 3, 12, tzinfo=berlin),
        speakers=[ada],
    )
    TalkFactory(
        conference=conference,
        slug="party",
        title="Party",
        start=dt.datetime(2026, 6, 2, 22, tzinfo=berlin),
        end=dt.datetime(2026, 6, 3, 1, tzinfo=berlin),
        speakers=[ada],
    )
    return conference


def test_sessions_ending_on_a_later_day_say_so_on_every_page(client, nights):
    program = client.get("/berlin/program/")
    hackathon_page = page(client.get("/berlin/talks/hackathon/"))
    speaker_page = page(client.get("/berlin/speakers/ada-lovelace/"))

    # The party is one night: listed once, under the day it starts.
    assert texts(page(program), "//section[@class='day']/h2") == ["Tuesday, June 2"]
    assert texts(talk_element(program, "hackathon"), ".//time") == [
        "Tue, Jun 2, 10:00 AM – Wed, Jun 3, 12:00 PM CEST"
    ]
    assert texts(talk_element(program, "party"), ".//time") == [
        "Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST"
    ]
    facts = dict(
        zip(texts(hackathon_page, "//dl/div/dt"), texts(hackathon_page, "//dl/div/dd"), strict=True)
    )
    assert facts["Time"] == "Tue, Jun 2, 10:00 AM – Wed, Jun 3, 12:00 PM CEST"
    party_room = Talk.objects.get(slug="party").room
    assert texts(hackathon_page, "//section[@class='concurrent']//li") == [
        f"Party Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST, {party_room}"
    ]
    assert [
        line.split(" · ")[1] for line in texts(speaker_page, "//ul[@class='speaker-talks']/li")
    ] == [
        "Tue, Jun 2, 10:00 AM – Wed, Jun 3, 12:00 PM CEST",
        "Tue, Jun 2, 10:00 PM – Wed, Jun 3, 1:00 AM CEST",
    ]


def test_a_talk_in_the_repeated_hour_shows_both_offsets(client):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    conference = ConferenceFactory(
        slug="nyc",
        timezone="America/New_York",
        start_date=dt.date(2026, 10, 31),
        end_date=dt.date(2026, 11, 1),
    )
    TalkFactory(
        conference=conference,
        slug="night-owls",
        start=dt.datetime(2026, 11, 1, 1, 30, tzinfo=new_york),
        end=dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=new_york),
    )

    response = client.get("/nyc/program/")

    assert texts(talk_element(response, "night-owls"), ".//time") == ["1:30 AM EDT – 1:30 AM EST"]
    assert Talk.objects.get().duration_minutes == 60
