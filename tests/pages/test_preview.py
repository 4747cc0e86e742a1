"""Staff preview an edition that is not published yet ("View on site" in the admin): its
program, timetable, talk and speaker pages, marked "Not public", never kept by any cache."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.test import Client, RequestFactory
from lxml import html

from program.machinery import data_version
from program.machinery.responses import response_key
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db

BANNER = (
    "Not public. MLSys 2027 is not published yet: only staff who may view talks see its "
    "pages, and nobody else can open them."
)
PAGES = [
    "/2027/program/",
    "/2027/timetable/?day=2026-05-18",
    "/2027/talks/planned-keynote/",
    "/2027/speakers/",
    "/2027/speakers/ada-lovelace/",
]


@pytest.fixture
def unpublished():
    ConferenceFactory(slug="2026", is_published=True)
    future = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    ada = SpeakerFactory(name="Ada Lovelace")
    TalkFactory(
        conference=future,
        slug="planned-keynote",
        title="Planned keynote",
        start=local("2026-05-18", 9),
        speakers=[ada],
    )
    TalkFactory(conference=future, slug="a-draft", status="draft", start=local("2026-05-18", 11))
    return future


def user_client(django_user_model, name, *, is_staff, codenames=()):
    user = django_user_model.objects.create_user(name, is_staff=is_staff)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(django_user_model):
    """Each kind of visitor, by name."""
    return {
        "anonymous": Client(),
        "attendee with an account": user_client(
            django_user_model, "attendee", is_staff=False, codenames=["view_talk"]
        ),
        "staff without view talk": user_client(django_user_model, "helper", is_staff=True),
        "staff with view talk": user_client(
            django_user_model, "organiser", is_staff=True, codenames=["view_talk"]
        ),
        "staff with change talk": user_client(
            django_user_model, "editor", is_staff=True, codenames=["change_talk"]
        ),
    }


@pytest.mark.parametrize("url", PAGES)
def test_only_staff_who_may_view_talks_see_an_unpublished_editions_page(unpublished, clients, url):
    statuses = {kind: client.get(url).status_code for kind, client in clients.items()}

    assert statuses == {
        "anonymous": 404,
        "attendee with an account": 404,
        "staff without view talk": 404,
        "staff with view talk": 200,
        "staff with change talk": 200,
    }


@pytest.mark.parametrize("url", PAGES)
def test_the_preview_says_not_public_and_is_kept_by_no_cache(unpublished, clients, url):
    response = clients["staff with view talk"].get(url)

    tree = html.fromstring(response.content)
    notices = tree.xpath("//p[contains(@class, 'preview-notice')]")
    assert [" ".join(notice.text_content().split()) for notice in notices] == [BANNER]
    assert response["Cache-Control"] == "private, no-store"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_the_program_preview_lists_what_publishing_will_show(unpublished, clients):
    program = clients["staff with view talk"].get("/2027/program/").content.decode()
    timetable = clients["staff with view talk"].get("/2027/timetable/?day=2026-05-18")

    # Drafts stay out, as they will once the edition is published.
    assert program.count("data-talk-slug=") == 1
    assert 'data-talk-slug="planned-keynote"' in program
    assert timetable.content.decode().count('data-talk-slug="planned-keynote"') == 1


@pytest.mark.parametrize("url", PAGES)
def test_a_preview_writes_nothing_to_the_response_cache(unpublished, clients, url):
    responses = caches["editions"]
    responses.clear()
    assert clients["anonymous"].get(url).status_code == 404

    assert clients["staff with view talk"].get(url).status_code == 200

    assert clients["anonymous"].get(url).status_code == 404
    version = data_version.current()
    request = RequestFactory().get(url)
    keys = [response_key(request, version, None, encoding) for encoding in (None, "gzip", "br")]
    assert responses.get_many(keys) == {}


def test_a_published_editions_pages_are_public_to_staff_too(unpublished, clients):
    response = clients["staff with view talk"].get("/2026/program/")

    assert response.status_code == 200
    assert html.fromstring(response.content).xpath("//p[contains(@class, 'preview-notice')]") == []
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url", ["/2027/now/", "/2027/changes/", "/2027/program.ics", "/2027/schedule.xml"]
)
def test_feeds_and_other_pages_of_an_unpublished_edition_stay_not_found_for_staff(
    unpublished, clients, url
):
    assert clients["staff with view talk"].get(url).status_code == 404
