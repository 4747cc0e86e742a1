"""What the changes page, its Atom feed, the API's changes and a personal agenda may show of
the talks' history: only what was public. A talk that left the program is shown as it last
was while public; an edition's preparation before it was published is not history; a talk
moved to another edition is removed from the old one and added to the new one."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from lxml import etree, html

from program.changes import Kind, edition_changes, gone_talks, ids_ever_public, slugs_ever_public
from program.models import Conference, Talk
from tests.domain.test_changes import A, check_atom
from tests.factories import ConferenceFactory, RoomFactory, TalkFactory, local
from tests.importers.test_import_hostile import frab_json
from tests.machinery.test_history import load_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)


@pytest.fixture
def ballroom(edition):
    return RoomFactory(conference=edition, name="Grand Ballroom 1", position=0)


@pytest.fixture
def hall(edition):
    return RoomFactory(conference=edition, name="Hall B", position=1)


def public_talk(conference, room, slug, title, hour=9, **fields):
    return TalkFactory(
        conference=conference,
        room=room,
        slug=slug,
        title=title,
        start=local("2026-05-18", hour),
        end=local("2026-05-18", hour, 25),
        **fields,
    )


def shown(client, conference):
    """(kind, slug, title) of each change, newest first, as the API shows them, checked
    against the changes page and the Atom feed (which show kind and title)."""
    prefix = f"/{conference.slug}"
    tree = html.fromstring(client.get(f"{prefix}/changes/").content)
    page = list(
        zip(
            [
                " ".join(text.split()).lower()
                for text in tree.xpath("//strong[@class='change-kind']/text()")
            ],
            [
                " ".join(h2.text_content().split())
                for h2 in tree.xpath("//h2[@class='change-title']")
            ],
            strict=True,
        )
    )
    feed = check_atom(client.get(f"{prefix}/changes.atom").content)
    atom = [entry.findtext(f"{A}title") for entry in feed.findall(f"{A}entry")]
    api = client.get(f"/api/v1/conferences/{conference.slug}/changes/").json()["results"]
    api_rows = [(c["kind"], c["talk"]["slug"], c["talk"]["title"]) for c in api]
    assert [(kind, title) for kind, _, title in api_rows] == page
    assert atom == [f"{kind.capitalize()}: {title}" for kind, title in page]
    return api_rows


# ------------------------------------------------------ item 2: never a title not public


def test_a_talk_unpublished_and_retitled_in_one_save_is_removed_as_it_was_public(
    client, edition, ballroom, hall
):
    talk = public_talk(edition, ballroom, "kv-cache", "LMCache")
    talk.status = Talk.Status.DRAFT
    talk.title, talk.slug = "Secret acquisition talk", "secret-acquisition"
    talk.room, talk.start, talk.end = hall, local("2026-05-19", 14), local("2026-05-19", 15)
    talk.save()

    assert shown(client, edition) == [
        ("removed", "kv-cache", "LMCache"),
        ("added", "kv-cache", "LMCache"),
    ]
    page = client.get("/2026/changes/").content.decode()
    assert "ecret" not in page
    tree = html.fromstring(page)
    assert tree.xpath("string(//p[@class='change-summary'])") == (
        "Taken out of the public program; it was Monday, May 18, 9:00–9:25 AM PDT in "
        "Grand Ballroom 1."
    )
    api = client.get("/api/v1/conferences/2026/changes/").json()["results"][0]
    assert (api["start"], api["end"], api["room"]) == (
        "2026-05-18T09:00:00-07:00",
        "2026-05-18T09:25:00-07:00",
        {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1"},
    )


def test_an_agenda_names_a_talk_back_to_draft_by_its_last_public_title(client, edition, ballroom):
    public_talk(edition, ballroom, "opening", "Opening")
    talk = public_talk(edition, ballroom, "kv-cache", "LMCache", hour=10)
    talk.status = Talk.Status.DRAFT
    talk.save()
    talk.title = "Secret draft title"
    talk.save()

    response = client.get("/2026/agenda/?talk=opening&talk=kv-cache")

    gone = html.fromstring(response.content).xpath("//section[@class='gone']//li")
    assert [" ".join(item.text_content().split()) for item in gone] == ["LMCache (removed)"]
    assert "Secret" not in response.content.decode()


def test_an_agenda_names_a_talk_moved_to_an_unpublished_edition_by_its_title_here(
    client, edition, ballroom
):
    public_talk(edition, ballroom, "opening", "Opening")
    talk = public_talk(edition, ballroom, "kv-cache", "LMCache", hour=10)
    hidden = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    talk.conference, talk.room = hidden, RoomFactory(conference=hidden, name="Room of 2027")
    talk.title = "Unannounced keynote"
    talk.save()

    response = client.get("/2026/agenda/?talk=opening&talk=kv-cache")

    gone = html.fromstring(response.content).xpath("//section[@class='gone']//li")
    assert [" ".join(item.text_content().split()) for item in gone] == ["LMCache (removed)"]
    assert gone_talks([talk.pk], hidden) == []


def test_gone_talks_skip_deleted_drafts_and_keep_deleted_public_talks(edition, ballroom):
    was_public = public_talk(edition, ballroom, "kv-cache", "LMCache")
    was_public_id = was_public.pk
    was_public.delete()
    never_public = public_talk(edition, ballroom, "secret", "Secret", status="draft")
    never_public_id = never_public.pk
    never_public.delete()

    assert gone_talks([was_public_id, never_public_id], edition) == [
        ("kv-cache", "LMCache", Kind.DELETED)
    ]


# ------------------------------------------- item 3: preparation before publication


@pytest.fixture
def prepared():
    """An edition prepared unpublished: a talk added then deleted, one renamed, one moved
    and one back to draft; then published, through save() as the admin does."""
    conference = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    room = RoomFactory(conference=conference, name="Grand Ballroom 1", position=0)
    other = RoomFactory(conference=conference, name="Hall B", position=1)
    public_talk(conference, room, "dropped", "Dropped idea").delete()
    renamed = public_talk(conference, room, "working-title", "Working title", hour=10)
    renamed.slug, renamed.title = "final-title", "Final title"
    renamed.save()
    moved = public_talk(conference, room, "moved", "Moved talk", hour=11)
    Talk.objects.filter(pk=moved.pk).update(room=other)
    withdrawn = public_talk(conference, room, "withdrawn", "Withdrawn talk", hour=12)
    Talk.objects.filter(pk=withdrawn.pk).set_status(Talk.Status.DRAFT)
    return conference


def publish_by_save(conference):
    conference.is_published = True
    conference.save()


def publish_by_update(conference):
    Conference.objects.filter(pk=conference.pk).update(is_published=True)
    conference.refresh_from_db()


@pytest.mark.parametrize("publish", [publish_by_save, publish_by_update])
def test_what_happened_before_publication_is_not_history(client, prepared, publish):
    publish(prepared)

    assert list(edition_changes(prepared)) == []
    assert shown(client, prepared) == []
    assert slugs_ever_public(
        {"dropped", "working-title", "final-title", "withdrawn"}, prepared
    ) == {"final-title": Talk.objects.get(slug="final-title").pk}
    assert ids_ever_public(prepared) == set(
        Talk.objects.filter(conference=prepared, status="published").values_list("pk", flat=True)
    )


def test_changes_after_publication_compare_with_the_edition_as_published(client, prepared):
    publish_by_save(prepared)
    moved = Talk.objects.get(slug="moved")
    moved.start, moved.end = local("2026-05-19", 9), local("2026-05-19", 9, 25)
    moved.save()
    Talk.objects.filter(slug="withdrawn").set_status(Talk.Status.PUBLISHED)
    Talk.objects.filter(slug="final-title").delete()

    assert shown(client, prepared) == [
        ("deleted", "final-title", "Final title"),
        ("added", "withdrawn", "Withdrawn talk"),
        ("moved", "moved", "Moved talk"),
    ]
    (move,) = client.get("/api/v1/conferences/2027/changes/?page_size=3").json()["results"][2:]
    # Moved before publication to Hall B: that is where it was, not where it was planned.
    assert move["previous"]["room"]["slug"] == "hall-b"


def test_an_agenda_refuses_a_slug_used_only_before_publication(client, prepared):
    publish_by_save(prepared)

    response = client.get("/2027/agenda/?talk=working-title")

    assert response.status_code == 400
    assert "working-title is not" in response.content.decode()


def test_an_edition_published_again_starts_its_history_again(prepared):
    publish_by_save(prepared)
    moved = Talk.objects.get(slug="moved")
    Talk.objects.filter(pk=moved.pk).update(start=moved.start + dt.timedelta(hours=1),
                                            end=moved.end + dt.timedelta(hours=1))  # fmt: skip
    prepared.is_published = False
    prepared.save()
    Talk.objects.filter(slug="moved").update(title="Renamed while offline")

    publish_by_save(prepared)

    assert list(edition_changes(prepared)) == []
    assert slugs_ever_public({"moved"}, prepared) == {"moved": moved.pk}


def test_an_edition_an_import_creates_starts_with_its_talks_as_they_came(client, tmp_path):
    path = tmp_path / "schedule.json"
    path.write_bytes(frab_json())

    call_command("import_schedule", str(path), stdout=io.StringIO())

    edition = Conference.objects.get(slug="hostile")
    assert edition.is_published
    assert list(Talk.objects.filter(conference=edition).values_list("title", flat=True)) == [
        "Opening"
    ]
    assert shown(client, edition) == []


def test_a_generated_edition_starts_with_its_talks_as_generated():
    call_command("generate_program", "--conference", "2031", "--talks", "3", stdout=io.StringIO())

    edition = Conference.objects.get(slug="2031")
    assert (edition.is_published, Talk.objects.filter(conference=edition).count()) == (True, 3)
    assert list(edition_changes(edition)) == []
    assert len(ids_ever_public(edition)) == 3


# Each command commits, as it does when run: within one open transaction, PostgreSQL's
# commit-order stamps of history_date (machinery/stamps.py) would fire at the next loaddata.
@pytest.mark.django_db(transaction=True)
def test_reloading_the_seed_keeps_when_its_edition_was_published(client):
    load_seed()
    edition = Conference.objects.get(slug="2026")
    edition.is_published = False
    edition.save()
    room = edition.rooms.first()
    public_talk(edition, room, "secret-plan", "Secret plan", hour=20).delete()
    publish_by_save(edition)

    load_seed()

    edition.refresh_from_db()
    assert edition.public_history_after > 0
    assert shown(client, edition) == []


# Each command commits, as it does when run: within one open transaction, PostgreSQL's
# commit-order stamps of history_date (machinery/stamps.py) would fire at the next loaddata.
@pytest.mark.django_db(transaction=True)
def test_a_fixture_that_publishes_an_edition_starts_its_history(client):
    load_seed()
    Conference.objects.filter(slug="2026").update(is_published=False)
    edition = Conference.objects.get(slug="2026")
    public_talk(edition, edition.rooms.first(), "secret-plan", "Secret plan", hour=20).delete()

    load_seed()

    edition.refresh_from_db()
    assert edition.is_published
    assert slugs_ever_public({"secret-plan"}, edition) == {}
    assert shown(client, edition) == []


# -------------------------------------------------- item 4: moves to another edition


@pytest.fixture
def next_edition():
    conference = ConferenceFactory(slug="2027", name="MLSys 2027")
    RoomFactory(conference=conference, name="Main Hall", slug="main-hall")
    return conference


def move_by_save(talk, conference, title):
    talk.conference, talk.room, talk.title = conference, conference.rooms.get(), title
    talk.save()


def move_by_update(talk, conference, title):
    Talk.objects.filter(pk=talk.pk).update(
        conference=conference, room=conference.rooms.get(), title=title
    )


@pytest.mark.parametrize("move", [move_by_save, move_by_update])
def test_a_talk_moved_to_another_edition_is_removed_here_and_added_there(
    client, edition, ballroom, next_edition, move
):
    talk = public_talk(edition, ballroom, "kv-cache", "LMCache")

    move(talk, next_edition, "LMCache, the sequel")

    assert shown(client, edition) == [
        ("removed", "kv-cache", "LMCache"),
        ("added", "kv-cache", "LMCache"),
    ]
    assert shown(client, next_edition) == [("added", "kv-cache", "LMCache, the sequel")]
    (removal, _) = edition_changes(edition)
    assert (removal["kind"], removal["before_room"]) == (Kind.REMOVED, ballroom.pk)
    # One record, two entries: the feeds give them ids of their own.
    removed_id, added_id = (
        check_atom(client.get(f"/{slug}/changes.atom").content).findtext(f"{A}entry/{A}id")
        for slug in ("2026", "2027")
    )
    assert removed_id != added_id


def test_a_syncing_app_learns_that_a_talk_moved_to_an_unpublished_edition_is_gone(
    client, edition, ballroom
):
    talk = public_talk(edition, ballroom, "kv-cache", "LMCache")
    hidden = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    RoomFactory(conference=hidden, name="Main Hall")
    since = Talk.history.filter(id=talk.pk).get().history_date + dt.timedelta(microseconds=1)
    move_by_save(talk, hidden, "Unannounced keynote")

    changes = client.get(
        "/api/v1/conferences/2026/changes/",
        {"since": since.isoformat().replace("+00:00", "Z")},
    ).json()["results"]
    updated = client.get(
        "/api/v1/talks/",
        {"conference": "2026", "updated_since": since.isoformat().replace("+00:00", "Z")},
    ).json()["results"]

    assert [(c["kind"], c["talk"]["id"], c["talk"]["title"]) for c in changes] == [
        ("removed", talk.pk, "LMCache")
    ]
    assert changes[0]["talk"]["url"] is None
    assert updated == []
    assert (
        "Unannounced"
        not in etree.tostring(check_atom(client.get("/2026/changes.atom").content)).decode()
    )
