"""The admin's "View on site" (/admin/r/<content type>/<id>/) sends a user only to a page they
may see: a public object's page for any staff user, a draft's or an unpublished edition's
preview for staff who may view the object and preview the site, 404 otherwise (issue 20)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from program.models import Talk
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects():
    """By name: a published edition's public talk and a draft (each with its own room and
    speaker), and an edition not yet published with a talk of its own."""
    published = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    future = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    public_talk = TalkFactory(
        conference=published,
        slug="public-talk",
        room=RoomFactory(conference=published, slug="hall-a"),
        speakers=[SpeakerFactory(name="Public Speaker", slug="public-speaker")],
        start=local("2026-05-18", 9),
    )
    draft = TalkFactory(
        conference=published,
        slug="secret-talk",
        status=Talk.Status.DRAFT,
        room=RoomFactory(conference=published, slug="secret-room"),
        speakers=[SpeakerFactory(name="Draft Only", slug="draft-only")],
        start=local("2026-05-18", 11),
    )
    future_talk = TalkFactory(
        conference=future,
        slug="future-talk",
        room=RoomFactory(conference=future, slug="future-room"),
        speakers=[SpeakerFactory(name="Future Speaker", slug="future-speaker")],
        start=local("2026-05-18", 9),
    )
    return {
        "published edition": published,
        "public talk": public_talk,
        "public room": public_talk.room,
        "public speaker": public_talk.speakers.get(),
        "draft": draft,
        "draft's room": draft.room,
        "draft-only speaker": draft.speakers.get(),
        "unpublished edition": future,
        "unpublished edition's talk": future_talk,
        "unpublished edition's room": future_talk.room,
        "unpublished edition's speaker": future_talk.speakers.get(),
    }


def staff_client(django_user_model, name, codenames):
    user = django_user_model.objects.create_user(name, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(django_user_model):
    every_view = ["view_conference", "view_room", "view_speaker", "view_talk"]
    return {
        # May view every object in the admin, and preview the site (view_talk).
        "viewer": staff_client(django_user_model, "viewer", every_view),
        # Staff who may see nothing of the program in the admin.
        "other staff": staff_client(django_user_model, "other", ["view_user"]),
        # May view rooms, speakers and editions in the admin but not talks: no preview.
        "no preview": staff_client(
            django_user_model, "rooms", ["view_conference", "view_room", "view_speaker"]
        ),
    }


def view_on_site(client, obj):
    content_type = ContentType.objects.get_for_model(obj)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
    return response.status_code, response.get("Location")


PUBLIC = [
    ("published edition", "/2026/program/"),
    ("public talk", "/2026/talks/public-talk/"),
    ("public room", "/2026/program/?room=hall-a"),
    ("public speaker", "/2026/speakers/public-speaker/"),
]
PREVIEWED = [
    ("draft", "/2026/talks/secret-talk/"),
    ("unpublished edition", "/2027/program/"),
    ("unpublished edition's talk", "/2027/talks/future-talk/"),
    ("unpublished edition's room", "/2027/program/?room=future-room"),
    ("unpublished edition's speaker", "/2027/speakers/future-speaker/"),
]
NOWHERE = ["draft's room", "draft-only speaker"]  # only a draft uses them: no page shows them


@pytest.mark.parametrize("user", ["viewer", "other staff", "no preview"])
@pytest.mark.parametrize(("name", "page"), PUBLIC)
def test_a_public_object_leads_any_staff_user_to_its_page(objects, clients, user, name, page):
    assert view_on_site(clients[user], objects[name]) == (302, f"http://testserver{page}")


@pytest.mark.parametrize(("name", "page"), PREVIEWED)
def test_what_is_not_public_leads_to_its_preview_those_who_may_see_it(objects, clients, name, page):
    viewer = clients["viewer"]

    answer = view_on_site(viewer, objects[name])

    assert answer == (302, f"http://testserver{page}")  # absolute, as Django's shortcut
    preview = viewer.get(page)
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"  # marked "Not public"


@pytest.mark.parametrize("user", ["other staff", "no preview"])
@pytest.mark.parametrize(("name", "page"), PREVIEWED)
def test_what_is_not_public_is_not_found_for_other_staff(objects, clients, user, name, page):
    assert view_on_site(clients[user], objects[name]) == (404, None)


@pytest.mark.parametrize("user", ["viewer", "other staff"])
@pytest.mark.parametrize("name", NOWHERE)
def test_what_only_a_draft_uses_has_no_page_to_go_to(objects, clients, user, name):
    assert view_on_site(clients[user], objects[name]) == (404, None)


@pytest.mark.parametrize(
    "path",
    [
        "{talk}/999999/",  # no such talk
        "{talk}/abc/",  # no id at all
        "{talk}/99999999999999999999999/",  # beyond what a database stores
        "999999/1/",  # no such content type
        "{user}/1/",  # a model the admin shows that has no page
        "{permission}/1/",  # a model the admin does not show
    ],
)
def test_unknown_types_ids_and_models_without_a_page_are_not_found(
    objects, clients, django_user_model, path
):
    numbers = {
        "talk": ContentType.objects.get_for_model(Talk).pk,
        "user": ContentType.objects.get_for_model(django_user_model).pk,
        "permission": ContentType.objects.get_for_model(Permission).pk,
    }
    url = reverse("admin:index") + "r/" + path.format(**numbers)

    assert clients["viewer"].get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_the_admin_login(client, objects):
    status, location = view_on_site(client, objects["draft"])

    assert status == 302
    assert location.startswith(reverse("admin:login") + "?next=")
