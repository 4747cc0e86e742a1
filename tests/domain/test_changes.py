"""What changed: the /<edition>/changes/ page, its Atom feed (RFC 4287) and the API's
changes and updated_since, after talks are added, moved, cancelled and deleted."""

import datetime as dt
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree, html

from program.feeds.ids import NAMESPACE
from program.models import Talk
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, TalkTypeFactory, local

pytestmark = pytest.mark.django_db

CHANGES = "/2026/changes/"
ATOM = "/2026/changes.atom"
ATOM_NS = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM_NS}}}"


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)


@pytest.fixture
def history(edition):
    """Four talks, then: one moved to another room and time, one cancelled, one deleted."""
    ballroom = RoomFactory(conference=edition, name="Grand Ballroom 1", position=0)
    hall = RoomFactory(conference=edition, name="Hall B", position=1)

    def talk(slug, title, hour):
        return TalkFactory(
            conference=edition,
            room=ballroom,
            slug=slug,
            title=title,
            start=local("2026-05-18", hour),
            end=local("2026-05-18", hour, 25),
        )

    talk("opening", "Opening keynote", 9)
    moved = talk("kv-cache", "LMCache", 10)
    cancelled = talk("kernels", "Sparse kernels", 11)
    deleted = talk("agents", "Agents at scale", 12)
    TalkFactory(conference=edition, room=ballroom, slug="secret", title="Secret", status="draft")

    moved.room = hall
    moved.start, moved.end = local("2026-05-19", 14), local("2026-05-19", 14, 25)
    moved.save()
    Talk.objects.filter(pk=cancelled.pk).set_status(Talk.Status.CANCELLED)
    deleted.delete()
    return edition


def texts(tree, xpath):
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


# ---------------------------------------------------------------------------- the page


def test_changes_page_lists_added_moved_cancelled_and_deleted_newest_first(client, history):
    response = client.get(CHANGES)

    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert texts(tree, "//li[contains(@class, 'change ')]//strong[@class='change-kind']") == [
        "Deleted",
        "Cancelled",
        "Moved",
        "Added",
        "Added",
        "Added",
        "Added",
    ]
    assert texts(tree, "//h2[@class='change-title']") == [
        "Agents at scale",
        "Sparse kernels",
        "LMCache",
        "Agents at scale",
        "Sparse kernels",
        "LMCache",
        "Opening keynote",
    ]
    assert texts(tree, "//p[@class='change-summary']")[:3] == [
        "Deleted from the program; it was Monday, May 18, 12:00–12:25 PM PDT in Grand Ballroom 1.",
        "Was to take place Monday, May 18, 11:00–11:25 AM PDT in Grand Ballroom 1.",
        "From Monday, May 18, 10:00–10:25 AM PDT in Grand Ballroom 1 to Tuesday, May 19, "
        "2:00–2:25 PM PDT in Hall B.",
    ]
    assert "Secret" not in response.content.decode()
    assert texts(tree, "//title") == ["Changes · MLSys 2026"]


def test_changes_link_to_public_talks_only(client, history):
    tree = html.fromstring(client.get(CHANGES).content)

    links = tree.xpath("//h2[@class='change-title']/a/@href")
    assert links == [
        "/2026/talks/kernels/",
        "/2026/talks/kv-cache/",
        "/2026/talks/kernels/",
        "/2026/talks/kv-cache/",
        "/2026/talks/opening/",
    ]
    assert tree.xpath("//link[@rel='alternate']/@href") == ["/2026/changes.atom"]


def test_change_times_carry_the_conference_offset_for_the_viewer_script(client, history):
    tree = html.fromstring(client.get(CHANGES).content)

    (first, *_) = tree.xpath("//li[contains(@class, 'change ')]//time")
    changed = dt.datetime.fromisoformat(first.get("datetime"))
    assert changed.utcoffset() == dt.timedelta(hours=-8)  # November in Bellevue: PST
    assert first.get("data-viewer-time") == ""
    assert first.text_content().endswith(" PST")


def test_change_times_are_valid_html_datetimes_to_the_second(client, history):
    # HTML allows at most three digits of fractions: stored moments carry six.
    moment = dt.datetime(2026, 11, 28, 2, 15, 10, 343815, tzinfo=dt.UTC)
    history.talks.update(created_at=moment)
    Talk.history.update(history_date=moment)
    tree = html.fromstring(client.get(CHANGES).content)

    datetimes = {
        time.get("datetime") for time in tree.xpath("//li[contains(@class, 'change ')]//time")
    }

    assert datetimes == {"2026-11-27T18:15:10-08:00"}


def test_changes_page_without_changes_says_so(client, edition):
    tree = html.fromstring(client.get(CHANGES).content)

    assert texts(tree, "//div[@class='empty-state']/h2") == ["No changes yet"]


def test_changes_page_is_paged_newest_first(client, edition):
    for _ in range(51):
        TalkFactory(conference=edition)

    first = html.fromstring(client.get(CHANGES).content)
    second = client.get(CHANGES + "?page=2")

    assert len(first.xpath("//li[contains(@class, 'change ')]")) == 50
    assert texts(first, "//nav[@class='pages']//li") == ["Page 1 of 2", "Older changes"]
    assert len(html.fromstring(second.content).xpath("//li[contains(@class, 'change ')]")) == 1
    assert client.get(CHANGES + "?page=3").status_code == 404
    assert client.get(CHANGES + "?page=x").status_code == 404


@pytest.mark.parametrize("change_count", [1, 3])
def test_changes_page_query_count_does_not_grow(
    client, edition, django_assert_num_queries, change_count
):
    for _ in range(change_count):
        talk = TalkFactory(conference=edition)
        Talk.objects.filter(pk=talk.pk).set_status(Talk.Status.CANCELLED)

    # The data version, editions, count, the page of changes, the rooms, which talks are
    # public, the materials' changes.
    with django_assert_num_queries(7):
        response = client.get(CHANGES)

    assert response.content.decode().count('class="change-kind"') == 2 * change_count


def test_changes_of_an_unknown_edition_are_404(client, edition):
    assert client.get("/1999/changes/").status_code == 404
    assert client.get("/1999/changes.atom").status_code == 404


# ---------------------------------------------------------------------------- Atom


def check_atom(content):
    """A strict structural check of an Atom 1.0 feed (RFC 4287 §4.1), returning its root.

    The feed and every entry have exactly one id (an absolute IRI), title and updated
    (an RFC 3339 date-time); the feed has an author (so entries need none), a self link
    and an alternate link; each entry an alternate link and a summary; and nothing in the
    Atom namespace that RFC 4287 does not define there.
    """
    root = etree.fromstring(content)
    assert root.tag == f"{A}feed"
    known = {
        "feed": {"author", "category", "contributor", "generator", "icon", "id", "link",
                 "logo", "rights", "subtitle", "title", "updated", "entry"},
        "entry": {"author", "category", "content", "contributor", "id", "link", "published",
                  "rights", "source", "summary", "title", "updated"},
    }  # fmt: skip

    def check(element, kind):
        children = [child.tag for child in element if child.tag.startswith(A)]
        assert {tag.removeprefix(A) for tag in children} <= known[kind]
        for name in ("id", "title", "updated"):
            assert children.count(f"{A}{name}") == 1, f"{kind} needs exactly one {name}"
        assert re.fullmatch(r"[a-z][a-z0-9+.-]*:\S+", element.findtext(f"{A}id"))
        updated = element.findtext(f"{A}updated")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", updated)
        for link in element.findall(f"{A}link"):
            assert re.match(r"https?://", link.get("href"))

    check(root, "feed")
    assert root.find(f"{A}author/{A}name").text
    assert {link.get("rel") for link in root.findall(f"{A}link")} == {"alternate", "self"}
    for entry in root.findall(f"{A}entry"):
        check(entry, "entry")
        assert [link.get("rel") for link in entry.findall(f"{A}link")] == ["alternate"]
        assert entry.find(f"{A}summary") is not None
    return root


def test_atom_feed_is_valid_and_lists_the_changes_newest_first(client, history):
    response = client.get(ATOM, HTTP_ORIGIN="https://app.example.org")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    root = check_atom(response.content)
    entries = root.findall(f"{A}entry")
    assert [entry.findtext(f"{A}title") for entry in entries] == [
        "Deleted: Agents at scale",
        "Cancelled: Sparse kernels",
        "Moved: LMCache",
        "Added: Agents at scale",
        "Added: Sparse kernels",
        "Added: LMCache",
        "Added: Opening keynote",
    ]
    assert root.findtext(f"{A}title") == "MLSys 2026: changes to the program"
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://testserver/2026/changes.atom"
    assert root.findtext(f"{A}updated") == entries[0].findtext(f"{A}updated")


def test_atom_entries_link_to_the_talk_or_the_change(client, history):
    root = check_atom(client.get(ATOM).content)
    deleted, cancelled, moved, *_ = root.findall(f"{A}entry")
    record = Talk.history.model.objects.filter(history_type="-").get()

    assert deleted.find(f"{A}link").get("href") == (
        f"http://testserver/2026/changes/#change-{record.history_id}"
    )
    assert deleted.findtext(f"{A}id") == uuid.uuid5(NAMESPACE, f"change/{record.history_id}").urn
    assert cancelled.find(f"{A}link").get("href") == "http://testserver/2026/talks/kernels/"
    assert moved.findtext(f"{A}summary") == (
        "From Monday, May 18, 10:00–10:25 AM PDT in Grand Ballroom 1 to Tuesday, May 19, "
        "2:00–2:25 PM PDT in Hall B."
    )
    assert [category.get("term") for category in moved.findall(f"{A}category")] == ["moved"]


def test_atom_feed_of_an_edition_without_changes_is_still_valid(client, edition):
    root = check_atom(client.get(ATOM).content)

    assert root.findall(f"{A}entry") == []


def test_atom_feed_answers_get_and_head_only(client, edition):
    response = client.post(ATOM)

    assert response.status_code == 405
    # As every page and feed (tests/machinery/test_http.py).
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("change_count", [1, 3])
def test_atom_query_count_does_not_grow(client, edition, django_assert_num_queries, change_count):
    for _ in range(change_count):
        TalkFactory(conference=edition)

    # The data version, the edition, the changes, the rooms, which talks are public, the
    # materials' changes.
    with django_assert_num_queries(6):
        client.get(ATOM)


# ---------------------------------------------------------------------------- the API


def test_api_changes_name_each_change_and_deleted_talks(client, history):
    response = client.get("/api/v1/conferences/2026/changes/?page_size=3")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    deleted, cancelled, moved = body["results"]
    assert deleted["kind"] == "deleted"
    assert deleted["talk"]["title"] == "Agents at scale"
    assert deleted["talk"]["url"] is None
    assert (deleted["start"], deleted["room"]) == (
        "2026-05-18T12:00:00-07:00",
        {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1"},
    )
    assert cancelled["talk"]["url"] == "http://testserver/2026/talks/kernels/"
    assert moved["previous"] == {
        "start": "2026-05-18T10:00:00-07:00",
        "end": "2026-05-18T10:25:00-07:00",
        "room": {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1"},
    }
    assert (moved["start"], moved["room"]["slug"]) == ("2026-05-19T14:00:00-07:00", "hall-b")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", deleted["changed_at"])


def test_api_changes_since_a_moment_tell_a_syncing_app_what_is_gone(client, history):
    talk = Talk.objects.get(slug="opening")
    talk_id = talk.pk
    since = timezone.now()
    talk.delete()

    response = client.get(
        "/api/v1/conferences/2026/changes/", {"since": since.isoformat().replace("+00:00", "Z")}
    )

    assert [(change["kind"], change["talk"]["id"]) for change in response.json()["results"]] == [
        ("deleted", talk_id)
    ]


def test_api_changes_refuse_a_bad_since(client, edition):
    response = client.get("/api/v1/conferences/2026/changes/?since=yesterday")

    assert response.status_code == 400
    assert response.json() == {
        "since": [
            "yesterday is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
            "(write + as %2B in a URL)."
        ]
    }


def test_api_updated_since_includes_cancelled_talks(client, edition):
    kept = TalkFactory(conference=edition, slug="kept")
    cancelled = TalkFactory(conference=edition, slug="called-off")
    since = timezone.now()
    Talk.objects.filter(pk=cancelled.pk).set_status(Talk.Status.CANCELLED)

    response = client.get(
        "/api/v1/talks/",
        {"conference": "2026", "updated_since": since.isoformat().replace("+00:00", "Z")},
    )

    assert [(talk["slug"], talk["status"]) for talk in response.json()["results"]] == [
        ("called-off", "cancelled")
    ]
    assert kept.slug not in response.content.decode()


@pytest.mark.parametrize("change_count", [1, 3])
def test_api_changes_query_count_does_not_grow(
    client, edition, django_assert_num_queries, change_count
):
    for _ in range(change_count):
        TalkFactory(conference=edition)

    # The data version, the edition, count, page, rooms, which talks are public.
    with django_assert_num_queries(6):
        response = client.get("/api/v1/conferences/2026/changes/")

    assert response.json()["count"] == change_count


# ------------------------------------------------------------- a fresh install's seed


# Each command commits, as it does when run (on PostgreSQL, loaddata's constraint check
# would otherwise leave the data version's triggers deferred for the rest of the test).
@pytest.mark.django_db(transaction=True)
def test_a_fresh_install_lists_no_change_until_an_organiser_makes_one(client):
    # The seed's types come from a migration, which a transactional test may have flushed.
    TalkTypeFactory(slug="invited-talk")
    TalkTypeFactory(slug="keynote")
    call_command("loaddata", "mlsys2026", verbosity=0)

    empty_page = html.fromstring(client.get(CHANGES).content)
    empty_api = client.get("/api/v1/conferences/2026/changes/").json()
    empty_feed = etree.fromstring(client.get(ATOM).content)
    talk = Talk.objects.get(
        slug="lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference"
    )
    talk.status = Talk.Status.CANCELLED
    talk.save()
    page = html.fromstring(client.get(CHANGES).content)
    api = client.get("/api/v1/conferences/2026/changes/").json()

    assert empty_page.xpath("string(//div[@class='empty-state']/h2)") == "No changes yet"
    assert (empty_api["count"], empty_feed.findall(f"{A}entry")) == (0, [])
    assert page.xpath("//div[@class='empty-state']") == []
    assert [(change["kind"], change["talk"]["slug"]) for change in api["results"]] == [
        ("cancelled", talk.slug)
    ]
