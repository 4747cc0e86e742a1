"""The conference admin (program/admin/conferences.py): the list, the form that keeps
the organiser's input, one current edition, and the rooms and tracks edited on the edition's
page."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from program.models import Conference
from tests.admin.helpers import admin_url, form_data, prepopulated, titles
from tests.factories import ConferenceFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_conference_changelist_shows_dates_timezone_published_and_current(
    organiser_client, edition
):
    ConferenceFactory(
        slug="2025",
        name="MLSys 2025",
        start_date=dt.date(2025, 5, 12),
        end_date=dt.date(2025, 5, 15),
        timezone="America/New_York",
        is_published=False,
    )

    response = organiser_client.get(admin_url("conference"))

    assert titles(response) == ["MLSys 2026", "MLSys 2025"]
    content = response.content.decode()
    assert '<td class="field-start_date nowrap">May 18, 2026</td>' in content
    assert '<td class="field-end_date nowrap">May 22, 2026</td>' in content
    assert '<td class="field-timezone">America/New_York</td>' in content
    assert (
        '<td class="field-is_current"><img src="/static/admin/img/icon-yes.svg" alt="True"></td>'
        in content
    )
    assert (
        '<td class="field-is_published"><img src="/static/admin/img/icon-no.svg" alt="False">'
        in content
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"is_current__exact": "1"}, ["MLSys 2026"]),
        ({"is_published__exact": "0"}, ["MLSys 2025"]),
        ({"q": "bellevue"}, ["MLSys 2026"]),
    ],
)
def test_conference_changelist_filters_and_search(organiser_client, edition, query, expected):
    ConferenceFactory(
        slug="2025",
        name="MLSys 2025",
        start_date=dt.date(2025, 5, 12),
        venue="Santa Clara Convention Center",
        city="Santa Clara",
        is_published=False,
    )

    response = organiser_client.get(admin_url("conference"), query)

    assert titles(response) == expected


def test_conference_add_page_prepopulates_the_slug_and_offers_rooms(organiser_client):
    response = organiser_client.get(admin_url("conference", "add"))

    content = response.content.decode()
    assert "<h1>Add conference</h1>" in content
    assert prepopulated(response) == {"slug": ["name"]}
    assert 'name="rooms-TOTAL_FORMS" value="0"' in content
    assert "IANA timezone of the venue, e.g. America/Los_Angeles." in content


def test_conference_change_page_lists_its_rooms_and_links_to_the_site(
    organiser_client, edition, ballroom
):
    response = organiser_client.get(admin_url("conference", "change", edition.pk))

    content = response.content.decode()
    assert 'name="rooms-0-name" value="Grand Ballroom 1"' in content
    content_type = ContentType.objects.get_for_model(Conference)
    assert f'href="/admin/r/{content_type.pk}/{edition.pk}/" class="viewsitelink"' in content
    site = organiser_client.get(f"/admin/r/{content_type.pk}/{edition.pk}/")
    assert site["Location"] == "http://testserver/2026/program/"


def test_marking_an_edition_current_unmarks_the_previous_one(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    page = organiser_client.get(admin_url("conference", "change", older.pk))

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "conference_form", {"is_current": "on"})
    )

    assert response.status_code == 302
    assert list(Conference.objects.filter(is_current=True).values_list("slug", flat=True)) == [
        "2025"
    ]


def test_adding_a_current_edition_unmarks_the_previous_one(organiser_client, edition):
    page = organiser_client.get(admin_url("conference", "add"))
    changes = {
        "name": "MLSys 2027",
        "slug": "2027",
        "start_date": "2027-05-17",
        "end_date": "2027-05-21",
        "timezone": "America/Los_Angeles",
        "is_current": "on",
    }

    response = organiser_client.post(
        admin_url("conference", "add"), form_data(page, "conference_form", changes)
    )

    assert response.status_code == 302
    assert list(Conference.objects.filter(is_current=True).values_list("slug", flat=True)) == [
        "2027"
    ]


@pytest.mark.parametrize("slug", ["api", "admin", "current", "static", "media"])
def test_an_edition_may_not_take_an_address_of_the_sites_own(organiser_client, slug):
    page = organiser_client.get(admin_url("conference", "add"))
    changes = {
        "name": "MLSys 2027",
        "slug": slug,
        "start_date": "2027-05-17",
        "end_date": "2027-05-21",
        "timezone": "America/Los_Angeles",
    }

    response = organiser_client.post(
        admin_url("conference", "add"), form_data(page, "conference_form", changes)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": [
            f"“{slug}” is an address the site uses itself (/{slug}/), so the edition's pages "
            f"could not be reached: choose another slug, such as {slug}-2026."
        ]
    }
    assert not Conference.objects.filter(slug=slug).exists()


def test_an_edition_may_not_take_another_editions_name(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    page = organiser_client.get(admin_url("conference", "change", older.pk))

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "conference_form", {"name": "MLSys 2026"})
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Another edition already has this name."]
    }
    older.refresh_from_db()
    assert older.name == "MLSys 2025"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"end_date": "2026-05-17"},
            "end_date",
            "The edition must not end before it starts.",
        ),
        (
            {"timezone": "Pacific Time"},
            "timezone",
            "“Pacific Time” is not an IANA timezone name such as America/Los_Angeles.",
        ),
    ],
)
def test_conference_form_with_a_wrong_value_names_the_field_and_keeps_the_input(
    organiser_client, edition, changes, field, error
):
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    typed = {"name": "MLSys 2026 (Bellevue)", **changes}

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "conference_form", typed)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [error]}
    assert 'name="name" value="MLSys 2026 (Bellevue)"' in response.content.decode()
    edition.refresh_from_db()
    assert (edition.name, edition.timezone, edition.end_date) == (
        "MLSys 2026",
        "America/Los_Angeles",
        dt.date(2026, 5, 22),
    )


def test_rooms_added_on_the_edition_page_follow_its_others(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    new_rooms = {"rooms-TOTAL_FORMS": "3"}
    for index, name in [(1, "Hall B"), (2, "Hall C")]:
        new_rooms |= {f"rooms-{index}-name": name, f"rooms-{index}-slug": slugify(name)}

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "conference_form", new_rooms)
    )

    assert response.status_code == 302
    assert list(edition.rooms.values_list("name", "position")) == [
        ("Grand Ballroom 1", 0),
        ("Hall B", 1),
        ("Hall C", 2),
    ]


def test_edition_page_edits_its_tracks_inline(organiser_client, edition):
    TrackFactory(conference=edition, name="LLM Serving", colour="#b45309")

    response = organiser_client.get(admin_url("conference", "change", edition.pk))

    group = lxml.html.fromstring(response.content.decode()).get_element_by_id("tracks-group")
    assert [
        group.xpath(f".//*[@name='tracks-0-{name}']/@value") for name in ("name", "slug", "colour")
    ] == [["LLM Serving"], ["llm-serving"], ["#b45309"]]
    assert group.xpath(".//input[@name='tracks-0-colour']/@type") == ["color"]


def test_the_edition_page_takes_embed_origins_and_shows_the_snippet_to_copy(
    organiser_client, edition, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "program.example.org"]
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    saved = organiser_client.post(
        page.request["PATH_INFO"],
        form_data(
            page, "conference_form", {"embed_origins": "https://MLSys.org/\nhttp://localhost:8080"}
        ),
        HTTP_HOST="program.example.org",
        secure=True,
    )
    assert saved.status_code == 302
    edition.refresh_from_db()
    assert edition.embed_origin_list() == ["https://mlsys.org", "http://localhost:8080"]

    page = organiser_client.get(
        admin_url("conference", "change", edition.pk), HTTP_HOST="program.example.org", secure=True
    )
    document = lxml.html.fromstring(page.content.decode())
    (snippet,) = document.xpath("//textarea[@id='embed-snippet']")
    assert snippet.get("readonly") is not None
    assert snippet.text == (
        '<iframe src="https://program.example.org/2026/embed/program/" title="MLSys 2026 program" '
        'width="100%" height="800" loading="lazy"></iframe>\n'
        '<script src="https://program.example.org/2026/embed.js" async></script>'
    )
    assert document.xpath("//button[@data-copy-snippet='embed-snippet']/text()") == ["Copy snippet"]
    assert "/static/js/admin-embed-snippet.js" in document.xpath("//script/@src")
    assert document.xpath("//script[not(@src)]") == []


def test_a_malformed_embed_origin_is_refused_with_the_line_named(organiser_client, edition):
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    refused = organiser_client.post(
        page.request["PATH_INFO"],
        form_data(page, "conference_form", {"embed_origins": "https://mlsys.org/program"}),
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["embed_origins"] == [
        "Not a web origin (scheme, host and optional port, such as https://mlsys.org): "
        "“https://mlsys.org/program”."
    ]
    edition.refresh_from_db()
    assert edition.embed_origins == ""


def test_the_add_page_has_no_snippet_yet(organiser_client):
    page = organiser_client.get(admin_url("conference", "add"))

    assert b"embed-snippet" not in page.content
