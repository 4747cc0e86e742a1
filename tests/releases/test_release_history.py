"""Releases as the public sees them: the changes page, its Atom feed and the API's changes
show a held change when it is released, grouped under its release; the API lists the
releases; ``updated_since`` sees what a release changed; staff preview a talk waiting for
the next release."""

import datetime as dt
import shutil

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone
from lxml import etree, html

from program.models import Conference, Release, Talk
from program.releases import FIRST_NAME, release
from tests.conftest import require
from tests.domain.test_changes import A, check_atom
from tests.factories import ConferenceFactory, TalkFactory, local
from tests.pages.test_html_checker import VNU, nu_errors
from tests.releases.held import RELEASE_1, held_edition, release_2

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return held_edition()


# The seven talks of release 1, added after the edition was published (no release: the
# edition did not hold changes then), newest first.
ADDED_AT_FIRST = [("added", slug) for slug in reversed(RELEASE_1)]
# What release 2 changed, newest first (one moment: the records in the order written).
RELEASED = [
    ("moved", "moved"),
    ("removed", "removed"),
    ("reinstated", "reinstated"),
    ("cancelled", "cancelled"),
    ("moved", "retimed"),
    ("moved", "roomed"),
    ("added", "added"),
]


def api_changes(client):
    results = client.get("/api/v1/conferences/2026/changes/").json()["results"]
    return [(change["kind"], change["talk"]["slug"]) for change in results]


def changes_page(client):
    """(release heading or None, [(kind, title)]) for each group of the changes page."""
    tree = html.fromstring(client.get("/2026/changes/").content)
    groups = []
    for changes in tree.xpath("//ol[contains(@class, 'change-list')]"):
        section = changes.getparent()
        heading = section.xpath("string(h2[@class='release-title'])") or None
        if heading:
            heading = (
                heading,
                section.xpath("string(p[@class='release-note'])"),
                section.xpath("string(p[@class='release-meta']/time/@datetime)"),
            )
        groups.append(
            (
                heading,
                [
                    (
                        change.xpath("string(.//strong[@class='change-kind'])"),
                        change.xpath("normalize-space(.//*[@class='change-title'])"),
                    )
                    for change in changes.xpath("li")
                ],
            )
        )
    return groups


def test_held_changes_appear_in_the_changes_when_released_under_their_release(client, edition):
    assert api_changes(client) == ADDED_AT_FIRST
    assert changes_page(client) == [
        (None, [("Added", slug.capitalize()) for _, slug in ADDED_AT_FIRST])
    ]

    release_2(edition)

    assert api_changes(client) == RELEASED + ADDED_AT_FIRST
    released_at = Release.objects.get(number=2).released_at.astimezone(edition.tzinfo)
    released_at = released_at.replace(microsecond=0)
    assert changes_page(client) == [
        (
            ("Release 2: Final", "Rooms settled.", released_at.isoformat()),
            [(kind.capitalize(), slug.capitalize()) for kind, slug in RELEASED],
        ),
        # Made before the edition held changes: under a heading of their own, not read as
        # part of the release above them.
        (
            ("Changes public when made", "", ""),
            [("Added", slug.capitalize()) for _, slug in ADDED_AT_FIRST],
        ),
    ]
    feed = check_atom(client.get("/2026/changes.atom").content)
    entries = [
        (
            entry.findtext(f"{A}title"),
            [category.get("term") for category in entry.findall(f"{A}category")],
            entry.findtext(f"{A}summary"),
        )
        for entry in feed.findall(f"{A}entry")
    ]
    assert [title for title, _, _ in entries] == [
        f"{kind.capitalize()}: {slug.capitalize()}" for kind, slug in RELEASED + ADDED_AT_FIRST
    ]
    assert [terms for _, terms, _ in entries] == [[kind, "release-2"] for kind, _ in RELEASED] + [
        ["added"]
    ] * 7
    assert entries[0][2] == (
        "Release 2, “Final”: Rooms settled. From Monday, May 18, 10:00–10:25 AM PDT in Ballroom "
        "to Tuesday, May 19, 10:00–10:25 AM PDT in Ballroom."
    )
    assert entries[-1][2] == "Monday, May 18, 9:00–9:25 AM PDT in Ballroom."


def test_the_api_lists_the_releases_newest_first(client, edition):
    first = Release.objects.get(conference=edition, number=1)

    assert client.get("/api/v1/conferences/2026/releases/").json() == [
        {
            "number": 1,
            "name": FIRST_NAME,
            "note": "",
            "released_at": first.released_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "changes": 0,
        }
    ]
    second = release_2(edition)
    response = client.get("/api/v1/conferences/2026/releases/")

    assert [release["number"] for release in response.json()] == [2, 1]
    assert response.json()[0] == {
        "number": 2,
        "name": "Final",
        "note": "Rooms settled.",
        "released_at": second.released_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "changes": 7,
    }
    # Cached as its siblings are.
    sibling = client.get("/api/v1/conferences/2026/changes/")
    assert response["Cache-Control"] == sibling["Cache-Control"]


def test_releases_of_an_unknown_or_unpublished_edition_are_404(client):
    ConferenceFactory(slug="2027", is_published=False, holds_changes=True)

    for slug in ("2027", "1999"):
        response = client.get(f"/api/v1/conferences/{slug}/releases/")
        sibling = client.get(f"/api/v1/conferences/{slug}/changes/")
        assert (response.status_code, response.json()) == (404, sibling.json())
    response = client.get("/api/v1/conferences/1999/releases/?page=2")
    assert response.status_code == 400


@pytest.mark.parametrize("release_count", [1, 3])
def test_releases_query_count_does_not_grow(client, django_assert_num_queries, release_count):
    held = ConferenceFactory(slug="2026", holds_changes=True)
    for number in range(2, release_count + 1):
        Release.objects.create(
            conference=held, number=number, name=f"Take {number}", released_at=timezone.now()
        )

    # The data version, the edition, its releases.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/conferences/2026/releases/")

    assert [release["number"] for release in response.json()] == list(range(release_count, 0, -1))


def test_updated_since_sees_a_held_change_when_it_is_released(client, edition):
    before = timezone.now()
    query = f"/api/v1/talks/?conference=2026&updated_since={before:%Y-%m-%dT%H:%M:%S.%fZ}"
    query = query.replace("+00:00", "")

    assert client.get(query).json()["results"] == []
    release_2(edition)

    assert sorted(talk["slug"] for talk in client.get(query).json()["results"]) == [
        "added",
        "cancelled",
        "moved",
        "reinstated",
        "retimed",
        "roomed",
    ]


def test_frab_version_is_the_last_release_while_the_edition_holds_changes(client, edition):
    release_2(edition)
    assert etree.fromstring(client.get("/2026/schedule.xml").content).findtext("version") == (
        "Final"
    )

    Conference.objects.filter(pk=edition.pk).update(holds_changes=False)
    version = etree.fromstring(client.get("/2026/schedule.xml").content).findtext("version")

    # As before releases: the latest change and the talks that take place.
    assert version.endswith(" (6 talks)")


@pytest.fixture
def staff_client(client, django_user_model):
    organiser = django_user_model.objects.create_user("organiser", is_staff=True)
    organiser.user_permissions.add(Permission.objects.get(codename="view_talk"))
    client.force_login(organiser)
    return client


WAITING = (
    "Waiting for the next release: not public yet. This talk is published in the working "
    "program; the public will see it once the edition's held changes are released. Until "
    "then only staff can see this page, and it appears in no list, feed or API."
)


def notice(response):
    tree = html.fromstring(response.content)
    return [
        " ".join(element.text_content().split())
        for element in tree.xpath("//p[contains(@class, 'draft-notice')]")
    ]


def test_staff_preview_a_talk_waiting_for_the_next_release(client, staff_client, edition):
    response = staff_client.get("/2026/talks/added/")

    assert response.status_code == 200
    assert notice(response) == [WAITING]
    assert response["Cache-Control"] == "private, no-store"
    draft = TalkFactory(conference=edition, slug="a-draft", status=Talk.Status.DRAFT)
    assert notice(staff_client.get(f"/2026/talks/{draft.slug}/"))[0].startswith(
        "Draft: not public."
    )

    release_2(edition)
    response = staff_client.get("/2026/talks/added/")

    assert (response.status_code, notice(response)) == (200, [])


def test_the_public_does_not_see_a_talk_waiting_for_release(client, edition):
    assert client.get("/2026/talks/added/").status_code == 404
    assert client.get("/2026/talks/waiting/").status_code == 404


def test_staff_preview_an_unscheduled_draft_without_time_or_room(staff_client, edition):
    response = staff_client.get("/2026/talks/waiting/")

    tree = html.fromstring(response.content)
    assert response.status_code == 200
    assert notice(response)[0].startswith("Draft: not public.")
    assert [
        (div.findtext("dt"), div.xpath("string(dd)"))
        for div in tree.xpath("//dl[@class='facts']/div")
    ] == [("When", "Not scheduled yet: no day, time or room"), ("Type", "Invited Talk")]
    assert tree.xpath("//div[@class='related']") == []


@pytest.mark.parametrize("release_count", [1, 3])
@pytest.mark.parametrize(
    ("path", "queries"),
    [("/2026/changes/", 8), ("/2026/changes.atom", 7), ("/api/v1/conferences/2026/changes/", 7)],
)
def test_changes_of_releases_take_one_query_more(
    client, django_assert_num_queries, release_count, path, queries
):
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    talk = TalkFactory(conference=edition, start=local("2026-05-18", 9))
    edition.holds_changes = True
    edition.save()
    for hour in range(10, 10 + release_count):
        Talk.objects.filter(pk=talk.pk).update(
            start=local("2026-05-18", hour), end=local("2026-05-18", hour, 25)
        )
        release(edition, name=f"At {hour}")
    cache.clear()

    # As without releases (tests/domain/test_changes.py), and the releases they name.
    with django_assert_num_queries(queries):
        response = client.get(path)

    numbers = list(range(release_count + 1, 1, -1))  # release 1: holding switched on
    if path.startswith("/api/"):
        assert [change["release"] for change in response.json()["results"]] == [*numbers, None]
    elif path.endswith(".atom"):
        assert response.content.decode().count('term="release-') == release_count
    else:
        tree = html.fromstring(response.content)
        assert tree.xpath("//section[@class='release']/@id") == [f"release-{n}" for n in numbers]


@pytest.mark.html_checker
def test_the_changes_of_releases_and_a_waiting_talk_have_no_nu_checker_error(
    client, staff_client, edition, tmp_path
):
    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    waiting = tmp_path / "waiting.html"
    waiting.write_bytes(staff_client.get("/2026/talks/added/").content)
    unscheduled = tmp_path / "unscheduled.html"
    unscheduled.write_bytes(staff_client.get("/2026/talks/waiting/").content)
    release_2(edition)
    changes = tmp_path / "changes.html"
    changes.write_bytes(client.get("/2026/changes/").content)

    assert nu_errors([waiting, unscheduled, changes]) == []
