"""Every page of the program's admin for staff holding one permission each: each answers
200 or 403 as Django's permission rules say, never 500."""

import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.admin.helpers import admin_url
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["conference", "room", "track", "talktype", "speaker", "talk"]
ACTIONS = ["view", "add", "change", "delete"]
# The pages each permission opens on its own model (Django's rules); any other: 403.
OPENS = {
    "changelist": {"view", "change"},
    "add": {"add"},
    "change": {"view", "change"},
    "delete": {"delete"},
    "history": {"view", "change"},
}


@pytest.fixture
def rows():
    """One row of each model, the talk using the others: {model name: primary key}."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    talk = TalkFactory(
        conference=edition,
        type=TalkTypeFactory(slug="keynote", name="Keynote"),
        room=RoomFactory(conference=edition, name="Hall", slug="hall"),
        track=TrackFactory(conference=edition, name="Systems", slug="systems"),
        speakers=[SpeakerFactory(name="Ion Stoica", slug="ion-stoica")],
    )
    return {
        "conference": edition.pk,
        "room": talk.room_id,
        "track": talk.track_id,
        "talktype": talk.type_id,
        "speaker": talk.speakers.get().pk,
        "talk": talk.pk,
    }


def one_permission_client(codename):
    user = User.objects.create_user("organiser", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("held_model", MODELS)
def test_each_page_answers_one_permission_as_django_rules_say(rows, held_model, action):
    client = one_permission_client(f"{action}_{held_model}")
    answers, expected = {}, {}
    for model in MODELS:
        for view in OPENS:
            args = [] if view in ("changelist", "add") else [rows[model]]
            answers[model, view] = client.get(admin_url(model, view, *args)).status_code
            opens = model == held_model and action in OPENS[view]
            expected[model, view] = 200 if opens else 403
    # The import page needs both "Can add talk" and "Can change talk".
    answers["talk", "import"] = client.get("/admin/program/talk/import/").status_code
    expected["talk", "import"] = 403
    # The move page, the schedule editor and the Release page need "Can change talk".
    may_move = 200 if (held_model, action) == ("talk", "change") else 403
    scheduling = {
        ("talk", "move"): admin_url("talk", "move", rows["talk"]),
        ("conference", "schedule"): admin_url("conference", "schedule", rows["conference"]),
        ("conference", "release"): admin_url("conference", "release", rows["conference"]),
    }
    for page, url in scheduling.items():
        answers[page] = client.get(url).status_code
        expected[page] = may_move

    assert answers == expected


@pytest.mark.parametrize(
    "url",
    [
        "/admin/program/talk/",  # Django's PermissionDenied
        "/admin/program/talk/import/",  # the import page's own refusal
    ],
)
def test_a_refused_page_logs_one_line_without_traceback(rows, caplog, url):
    client = one_permission_client("view_room")

    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == 403
    assert [(r.name, r.levelname, r.getMessage(), r.exc_info) for r in caplog.records] == [
        ("django.security.PermissionDenied", "WARNING", f"Forbidden (permission denied): {url}",
         None)
    ]  # fmt: skip


@pytest.mark.parametrize("page", ["schedule", "release", "move"])
def test_the_scheduling_pages_open_to_a_superuser_and_send_others_to_log_in(rows, client, page):
    url = (
        admin_url("talk", "move", rows["talk"])
        if page == "move"
        else admin_url("conference", page, rows["conference"])
    )
    anonymous = client.get(url)
    client.force_login(User.objects.create_superuser("admin"))

    assert (anonymous.status_code, anonymous.headers["Location"]) == (
        302,
        f"/admin/login/?next={url}",
    )
    assert client.get(url).status_code == 200
