"""The admin's doors: permissions on custom admin views, failed-login lockout, bounded
password checks, a movable admin path and the admin log of bulk actions and imports."""

import importlib
import io
import ipaddress
import threading
import time

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches

from program.machinery import logins
from program.models import Conference, Talk
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
)
from tests.importers.test_imports import HEADER, database_snapshot

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/program/talk/import/"
# Updates the abstract of the published talk "Opening": only talks change.
UPDATE_CSV = HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,New abstract.\n"
# A new room too.
NEW_ROOM_CSV = HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Annex,Ion Stoica,Welcome.\n"


@pytest.fixture
def edition():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    hall = RoomFactory(conference=conference, name="Hall", slug="hall")
    TalkFactory(
        conference=conference,
        title="Opening",
        slug="opening",
        type=keynote,
        room=hall,
        abstract="Welcome.",
        start="2026-05-18T16:00:00Z",
        end="2026-05-18T16:45:00Z",
        speakers=[SpeakerFactory(name="Ion Stoica", slug="ion-stoica")],
    )
    return conference


def staff_client(*codenames):
    """A client logged in as staff with exactly these permissions (codenames)."""
    user = User.objects.create_user("organiser", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def upload(name, data):
    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode())


def refusal(response):
    assert response.status_code == 403
    assert response.templates[0].name == "admin/permission_denied.html"
    return response.context["message"]


TALK_PERMISSIONS_MESSAGE = (
    "Importing a schedule needs the permissions “Can add talk” and “Can change talk”; "
    "your account lacks {}."
)


@pytest.mark.parametrize(
    ("codenames", "lacking"),
    [
        ((), "“Can add talk” and “Can change talk”"),
        (("view_talk", "view_conference", "view_speaker", "view_room"), "“Can add talk” and "
         "“Can change talk”"),
        (("add_talk",), "“Can change talk”"),
        (("change_talk",), "“Can add talk”"),
    ],
    ids=["no-permission", "view-only", "add-only", "change-only"],
)  # fmt: skip
def test_import_page_refuses_staff_without_add_and_change_talk(edition, codenames, lacking):
    client = staff_client(*codenames)
    before = database_snapshot()

    page = client.get(IMPORT_URL)
    post = client.post(
        IMPORT_URL, {"file": upload("program.csv", UPDATE_CSV), "conference": "2026"}
    )

    assert refusal(page) == TALK_PERMISSIONS_MESSAGE.format(lacking)
    assert refusal(post) == TALK_PERMISSIONS_MESSAGE.format(lacking)
    assert database_snapshot() == before
    assert "Import schedule" not in client.get("/admin/program/talk/").content.decode()


def test_add_and_change_talk_suffice_to_update_talks(edition):
    client = staff_client("add_talk", "change_talk", "view_talk")

    preview = client.post(
        IMPORT_URL, {"file": upload("program.csv", UPDATE_CSV), "conference": "2026"}
    )
    done = client.post(IMPORT_URL, {"confirm": "Import", "token": preview.context["token"]})

    assert done.status_code == 200
    assert Talk.objects.get(slug="opening").abstract == "New abstract."
    assert '<a href="/admin/program/talk/import/">Import schedule</a>' in (
        client.get("/admin/program/talk/").content.decode()
    )


def test_import_creating_a_room_needs_add_room(edition):
    client = staff_client("add_talk", "change_talk")
    before = database_snapshot()

    response = client.post(
        IMPORT_URL, {"file": upload("program.csv", NEW_ROOM_CSV), "conference": "2026"}
    )

    assert refusal(response) == (
        "Nothing was imported: importing program.csv needs “Can add room”, which your account "
        "lacks. Ask an administrator for them."
    )
    assert database_snapshot() == before


def frab_upload(shared_dir):
    path = shared_dir / "formats" / "frab" / "examples" / "pretalx-democon.json"
    return upload("schedule.json", path.read_bytes())


def test_frab_file_creating_an_edition_needs_add_conference(shared_dir):
    TalkTypeFactory(slug="workshop", name="Workshop")
    client = staff_client(
        "add_talk", "change_talk", "add_room", "add_speaker", "add_talktype", "add_track"
    )

    response = client.post(IMPORT_URL, {"file": frab_upload(shared_dir)})

    assert refusal(response) == (
        "Nothing was imported: importing schedule.json needs “Can add conference”, which your "
        "account lacks. Ask an administrator for them."
    )
    assert not Conference.objects.exists()
    assert not Talk.objects.exists()


def test_frab_file_lists_every_permission_missing(shared_dir):
    TalkTypeFactory(slug="workshop", name="Workshop")
    client = staff_client("add_talk", "change_talk")

    response = client.post(IMPORT_URL, {"file": frab_upload(shared_dir)})

    assert refusal(response) == (
        "Nothing was imported: importing schedule.json needs “Can add conference”, “Can add "
        "room”, “Can add speaker”, “Can add talk type” and “Can add track”, which your account "
        "lacks. Ask an administrator for them."
    )


def speakers_workbook():
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(HEADER.strip().split(","))
    talks.append(["Opening", "Keynote", "2026-05-18", "09:00", "09:45", "Hall", "Ion Stoica",
                  "Welcome."])  # fmt: skip
    speakers = workbook.create_sheet("Speakers")
    speakers.append(["name", "affiliation", "bio"])
    speakers.append(["Ion Stoica", "UC Berkeley", None])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_speakers_sheet_changing_a_speaker_needs_change_speaker(edition):
    refused = staff_client("add_talk", "change_talk").post(
        IMPORT_URL, {"file": upload("program.xlsx", speakers_workbook()), "conference": "2026"}
    )
    User.objects.all().delete()
    allowed = staff_client("add_talk", "change_talk", "change_speaker").post(
        IMPORT_URL, {"file": upload("program.xlsx", speakers_workbook()), "conference": "2026"}
    )

    assert refusal(refused) == (
        "Nothing was imported: importing program.xlsx needs “Can change speaker”, which your "
        "account lacks. Ask an administrator for them."
    )
    assert allowed.status_code == 200
    assert allowed.context["result"].speakers_updated == ["Ion Stoica (affiliation)"]


def test_superuser_imports_a_new_edition(shared_dir, admin_client):
    TalkTypeFactory(slug="workshop", name="Workshop")

    preview = admin_client.post(IMPORT_URL, {"file": frab_upload(shared_dir)})
    done = admin_client.post(IMPORT_URL, {"confirm": "Import", "token": preview.context["token"]})

    assert done.status_code == 200
    assert Talk.objects.filter(conference__slug="democon").count() == 36


def test_confirm_checks_the_permissions_again(edition):
    """Permissions withdrawn between preview and confirm: nothing is written."""
    client = staff_client("add_talk", "change_talk", "add_room")
    preview = client.post(
        IMPORT_URL, {"file": upload("program.csv", NEW_ROOM_CSV), "conference": "2026"}
    )
    User.objects.get().user_permissions.remove(Permission.objects.get(codename="add_room"))
    before = database_snapshot()

    response = client.post(IMPORT_URL, {"confirm": "Import", "token": preview.context["token"]})

    assert preview.status_code == 200
    assert refusal(response) == (
        "Nothing was imported: importing program.csv needs “Can add room”, which your account "
        "lacks. Ask an administrator for them."
    )
    assert database_snapshot() == before


# The admin log ------------------------------------------------------------------------------


def test_import_is_recorded_in_the_admin_log(edition, admin_client, admin_user):
    preview = admin_client.post(
        IMPORT_URL, {"file": upload("program.csv", UPDATE_CSV), "conference": "2026"}
    )
    admin_client.post(IMPORT_URL, {"confirm": "Import", "token": preview.context["token"]})

    assert list(
        LogEntry.objects.values_list("user", "object_repr", "action_flag", "change_message")
    ) == [
        (
            admin_user.pk,
            "MLSys 2026",
            CHANGE,
            "Imported program.csv. Talks: 0 created, 1 updated, 0 unchanged.",
        )
    ]
    assert LogEntry.objects.get().get_edited_object() == edition


def test_import_creating_an_edition_is_logged_as_an_addition(shared_dir, admin_client):
    TalkTypeFactory(slug="workshop", name="Workshop")
    preview = admin_client.post(IMPORT_URL, {"file": frab_upload(shared_dir)})
    admin_client.post(IMPORT_URL, {"confirm": "Import", "token": preview.context["token"]})

    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_repr) == (ADDITION, "DemoCon")
    assert entry.change_message == (
        "Imported schedule.json. Talks: 36 created, 0 updated, 0 unchanged."
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("publish", "Status set to Published (bulk action)."),
        ("unpublish", "Status set to Draft (bulk action)."),
        ("cancel", "Status set to Cancelled (bulk action)."),
    ],
)
def test_bulk_status_actions_log_each_changed_talk(edition, admin_client, admin_user, action,
                                                   message):  # fmt: skip
    draft = TalkFactory(conference=edition, title="A draft", status=Talk.Status.DRAFT)
    cancelled = TalkFactory(conference=edition, title="Off", status=Talk.Status.CANCELLED)
    opening = Talk.objects.get(slug="opening")  # published
    unchanged = {"publish": opening, "unpublish": draft, "cancel": cancelled}[action]

    admin_client.post(
        "/admin/program/talk/",
        {"action": action, "_selected_action": [draft.pk, cancelled.pk, opening.pk]},
    )

    logged = LogEntry.objects.order_by("object_id")
    assert sorted(logged.values_list("object_id", "change_message", "action_flag", "user")) == (
        sorted(
            (str(talk.pk), message, CHANGE, admin_user.pk)
            for talk in (draft, cancelled, opening)
            if talk != unchanged
        )
    )
    history = admin_client.get(f"/admin/program/talk/{draft.pk}/history/").content.decode()
    if unchanged != draft:
        assert message in history


def test_set_track_logs_each_changed_talk(edition, admin_client):
    track = edition.tracks.create(name="Systems", slug="systems", colour="#1d4ed8")
    opening = Talk.objects.get(slug="opening")

    admin_client.post(
        "/admin/program/talk/",
        {"action": "set_track", "_selected_action": [opening.pk], "apply": "1",
         "track": str(track.pk)},
    )  # fmt: skip

    assert list(LogEntry.objects.values_list("object_id", "change_message")) == [
        (str(opening.pk), "Track set to “Systems” (bulk action).")
    ]


# Failed logins ------------------------------------------------------------------------------

LOGIN_URL = "/admin/login/"
LOCKED_OUT = (
    "Too many failed logins: after 5 failures for one user name from one address, that name "
    "is refused from that address for 15 minutes. Try again after that; each attempt "
    "meanwhile starts the 15 minutes again. Logins from other addresses are not affected."
)


@pytest.fixture
def organiser():
    return User.objects.create_user("organiser", password="right horse battery", is_staff=True)


def log_in(username, password, address="203.0.113.5", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}
    )


def locked_out(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    return " ".join(response.content.decode().split("errornote")[1].split())


def test_right_password_logs_in(organiser):
    response = log_in("organiser", "right horse battery")

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_five_failures_lock_the_name_out_from_that_address_only(organiser):
    failures = [log_in("organiser", "wrong", address="203.0.113.5") for _ in range(5)]

    refused = log_in("organiser", "right horse battery", address="203.0.113.5")
    elsewhere = log_in("organiser", "right horse battery", address="198.51.100.7")

    # The fifth failure is answered with the lockout already.
    assert [response.status_code for response in failures] == [200] * 4 + [429]
    assert "Please enter the correct username and password" in failures[0].content.decode()
    assert LOCKED_OUT in locked_out(failures[4])
    assert LOCKED_OUT in locked_out(refused)
    # The real organiser, from their own address, is not kept out by someone else's guesses.
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/admin/")


def test_failures_spread_over_addresses_lock_nobody_out(organiser):
    """Anyone may send wrong passwords for an organiser's name: by name alone, they could
    keep the organiser locked out from everywhere."""
    failures = [log_in("organiser", "wrong", address=f"203.0.113.{n}") for n in range(10)]

    assert [response.status_code for response in failures] == [200] * 10
    assert log_in("organiser", "right horse battery", address="198.51.100.7").status_code == 302


def test_a_locked_out_name_leaves_other_names_from_that_address_alone(organiser):
    for _ in range(5):
        log_in("someone-else", "wrong")

    assert LOCKED_OUT in locked_out(log_in("someone-else", "wrong"))
    assert log_in("organiser", "right horse battery").status_code == 302


ADDRESS_LOCKED_OUT = (
    "Too many failed logins from your address: after 20 failures from one address, whatever "
    "the user names, logins from it are refused for 15 minutes after the last failure. Logins "
    "from other addresses are not affected."
)


def test_twenty_failures_from_one_address_whatever_the_names_lock_that_address_out(organiser):
    failures = [log_in(f"guess-{n}", "wrong") for n in range(20)]

    refused = log_in("organiser", "right horse battery")
    elsewhere = log_in("organiser", "right horse battery", address="198.51.100.7")

    assert [response.status_code for response in failures] == [200] * 20
    assert ADDRESS_LOCKED_OUT in locked_out(refused)
    assert elsewhere.status_code == 302
    # Refused before any password check: the refusal is not counted as a failure.
    assert AccessAttempt.objects.filter(username="organiser").count() == 0


def test_an_ipv6_client_is_counted_by_its_64_block_as_the_api_throttle_counts(organiser):
    failures = [log_in("organiser", "wrong", address=f"2001:db8:1:2::{n}") for n in range(1, 6)]

    same_block = log_in("organiser", "right horse battery", address="2001:db8:1:2:ffff::9")
    other_block = log_in("organiser", "right horse battery", address="2001:db8:1:3::1")

    assert [response.status_code for response in failures] == [200] * 4 + [429]
    assert LOCKED_OUT in locked_out(same_block)
    assert other_block.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("organiser", "2001:db8:1:2::")
    ]


def test_four_failures_then_success_start_the_count_again(organiser):
    for _ in range(4):
        log_in("organiser", "wrong")
    assert log_in("organiser", "right horse battery").status_code == 302

    failures = [log_in("organiser", "wrong").status_code for _ in range(4)]

    assert failures == [200] * 4
    assert log_in("organiser", "right horse battery").status_code == 302


def test_a_forged_forwarded_for_buys_no_new_attempts(organiser):
    for n in range(5):
        log_in("organiser", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    refused = log_in("organiser", "right horse battery", HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert LOCKED_OUT in locked_out(refused)


def test_behind_a_trusted_proxy_clients_count_by_their_own_address(organiser, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1/32")]
    for _ in range(5):
        log_in("organiser", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")

    other_client = log_in(
        "organiser", "right horse battery", address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2"
    )
    guesser = log_in(
        "organiser", "right horse battery", address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )

    assert other_client.status_code == 302
    assert LOCKED_OUT in locked_out(guesser)


# Password checks are bounded ------------------------------------------------------------------


def test_login_is_answered_503_while_the_password_checks_are_busy(organiser, monkeypatch):
    monkeypatch.setattr(logins, "WAIT_SECONDS", 0)
    assert logins._password_checks.acquire(timeout=5)  # another request is checking one
    try:
        response = log_in("organiser", "right horse battery")
        page = Client().get("/healthz")
    finally:
        logins._password_checks.release()

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Too many logins are being checked at once. Try again in 5 seconds." in " ".join(
        response.content.decode().split()
    )
    assert page.status_code == 200  # pages need no password check
    assert log_in("organiser", "right horse battery").status_code == 302


def test_concurrent_logins_check_one_password_at_a_time(monkeypatch):
    """Eight logins at once in one process: they take turns, never two checks together."""
    running, most, lock = 0, 0, threading.Lock()

    def check(backend, request, username=None, password=None, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)  # the hash
        with lock:
            running -= 1
        return username

    monkeypatch.setattr(ModelBackend, "authenticate", check)
    monkeypatch.setattr(logins, "WAIT_SECONDS", 30)
    users = []
    threads = [
        threading.Thread(
            target=lambda n=n: users.append(logins.BoundedModelBackend().authenticate(None, n))
        )
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(users) == list(range(8))
    assert most == 1


# The admin's address --------------------------------------------------------------------------


@pytest.fixture
def admin_path(settings):
    """The admin moved to /organisers/ (DJANGO_ADMIN_PATH), URLs reloaded for the test."""
    import conference.urls

    settings.ADMIN_PATH = "organisers/"
    importlib.reload(conference.urls)
    clear_url_caches()
    yield
    settings.ADMIN_PATH = "admin/"
    importlib.reload(conference.urls)
    clear_url_caches()


def test_admin_moves_with_its_setting(admin_path, edition, admin_client):
    talks = admin_client.get("/organisers/program/talk/")

    assert talks.status_code == 200
    assert (
        '<a href="/organisers/program/talk/import/">Import schedule</a>' in talks.content.decode()
    )
    assert admin_client.get("/organisers/program/talk/import/").status_code == 200
    assert admin_client.get("/admin/").status_code == 404
    assert admin_client.get("/admin/program/talk/").status_code == 404
    assert Client().get("/organisers/").url == "/organisers/login/?next=/organisers/"
