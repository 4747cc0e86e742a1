"""The admin's "Import schedule" page: upload, preview, confirm; staff only."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from program.admin import imports as admin_import
from program.importers import writer
from program.models import Conference, Talk
from tests.factories import ConferenceFactory, TalkTypeFactory
from tests.importers.test_imports import HEADER, database_snapshot

pytestmark = pytest.mark.django_db

URL = "/admin/program/talk/import/"
CSV = (
    HEADER + "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,Welcome.\n"
    "LMCache,Invited Talk,2026-05-18,09:30,10:15,Hall,Yuhan Liu,KV caches.\n"
)


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    return ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")


def upload(name, text):
    return SimpleUploadedFile(name, text.encode())


def items(response, heading):
    """The items listed under a heading of the preview."""
    return dict(response.context["result"].sections()).get(heading, [])


def test_the_import_pages_earlier_address_redirects_to_it(admin_client):
    # The talk admin mounts the page (TalkAdmin.get_urls); bookmarks of the old one still work.
    response = admin_client.get("/admin/program/import/")
    assert response.status_code == 301
    assert response["Location"] == URL
    assert admin_client.get(response["Location"]).status_code == 200


def test_talk_list_links_to_the_import_page(admin_client):
    response = admin_client.get("/admin/program/talk/")

    assert response.status_code == 200
    assert f'<a href="{URL}">Import schedule</a>' in response.content.decode()


def test_import_page_shows_the_upload_form(admin_client, edition):
    response = admin_client.get(URL)

    assert response.status_code == 200
    assert [field.name for field in response.context["form"]] == [
        "file",
        "conference",
        "new_conference",
        "new_conference_name",
        "timezone",
    ]
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_upload_previews_without_changing_then_confirm_imports(admin_client, edition):
    before = database_snapshot()

    preview = admin_client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})

    assert database_snapshot() == before
    assert preview.status_code == 200
    assert preview.templates[0].name == "admin/program/import_preview.html"
    page = preview.content.decode()
    assert "Preview of program.csv: nothing has changed yet" in page
    assert "Talks: 2 created, 0 updated, 0 unchanged." in page
    assert items(preview, "Created talks") == [
        "Opening (Monday, May 18, 9:00 AM PDT, Hall)",
        "LMCache (Monday, May 18, 9:30 AM PDT, Hall)",
    ]
    assert items(preview, "Warnings") == [
        "“Opening”: Room clash: “LMCache” is also in Hall at Monday, May 18, 9:30 AM PDT."
    ]
    assert "<li>“Opening”: Room clash: “LMCache” is also in Hall" in page

    done = admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert done.status_code == 200
    assert "Imported program.csv." in done.content.decode()
    assert done.context["result"].dry_run is False
    assert list(Talk.objects.order_by("start").values_list("slug", flat=True)) == [
        "opening",
        "lmcache",
    ]
    assert admin_import.SESSION_KEY not in admin_client.session


def test_preview_and_result_list_the_talks_that_wait_unscheduled(admin_client, edition):
    file = upload(
        "program.csv",
        "title,type,date,start,end,room,speakers,abstract,status\n"
        "Opening,Keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,\n"
        "LMCache,Invited Talk,,,,,Yuhan Liu,KV caches.,published\n",
    )

    preview = admin_client.post(URL, {"file": file, "conference": "2026"})

    page = preview.content.decode()
    counts = (
        "Talks: 2 created, 0 updated, 0 unchanged; 1 talk waits unscheduled, as drafts until "
        "placed."
    )
    assert f'<p class="import-counts">{counts}</p>' in page
    assert "<h2>Unscheduled talks (drafts until placed) (1)</h2>" in page
    assert items(preview, "Unscheduled talks (drafts until placed)") == ["LMCache (unscheduled)"]
    assert items(preview, "Warnings") == [
        "Row 3: no date and time, so imported as a draft, not published: a talk is public "
        "once it has a slot."
    ]

    done = admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert f'<p class="import-counts">{counts}</p>' in done.content.decode()
    assert list(Talk.objects.order_by("pk").values_list("slug", "status", "start")) == [
        ("opening", "published", Talk.objects.get(slug="opening").start),
        ("lmcache", "draft", None),
    ]


@pytest.mark.django_db(transaction=True)
def test_confirm_checks_the_file_outside_any_transaction(admin_client, monkeypatch):
    """On SQLite a transaction keeps every other writer (an admin logging in) waiting:
    the confirmed import, like the preview, checks the file before it opens its own."""
    TalkTypeFactory(slug="keynote", name="Keynote")
    TalkTypeFactory(slug="invited-talk", name="Invited Talk")
    ConferenceFactory(slug="2026", name="MLSys 2026", timezone="America/Los_Angeles")
    preview = admin_client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})
    checked_in_a_transaction = []
    match_talks = writer.ScheduleImport._match_talks

    def noting_the_transaction(self, records):
        checked_in_a_transaction.append(connection.in_atomic_block)
        return match_talks(self, records)

    monkeypatch.setattr(writer.ScheduleImport, "_match_talks", noting_the_transaction)

    done = admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert checked_in_a_transaction == [False]
    assert done.context["result"].counts_line() == "Talks: 2 created, 0 updated, 0 unchanged."
    assert Talk.objects.count() == 2


def test_confirm_twice_or_without_preview_imports_nothing_more(admin_client, edition):
    preview = admin_client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})
    admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})
    after_first = database_snapshot()

    again = admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert database_snapshot() == after_first
    assert again.context["problems"] == [
        "This preview is no longer available: upload the file again."
    ]


def test_confirm_with_another_token_is_refused(admin_client, edition):
    admin_client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})
    before = database_snapshot()

    response = admin_client.post(URL, {"confirm": "Import", "token": "forged"})

    assert database_snapshot() == before
    assert response.context["problems"] == [
        "This preview is no longer available: upload the file again."
    ]


def test_broken_file_shows_every_problem_and_changes_nothing(admin_client, edition):
    broken = HEADER + "Opening,Keynot,2026-05-18,09:00,08:75,Hall,Ion Stoica,\n"
    before = database_snapshot()

    response = admin_client.post(URL, {"file": upload("program.csv", broken), "conference": "2026"})

    assert database_snapshot() == before
    assert response.status_code == 200
    assert response.context["problems"] == [
        "Row 2, end: “08:75” is not a time written HH:MM",
        "Row 2, type: “Keynot” is not a talk type here (types match by slug or name; "
        "organisers add new ones in the admin)",
    ]
    page = response.content.decode()
    assert "Nothing was imported. Fix these problems in the file and upload it again:" in page
    assert "<li>Row 2, end: “08:75” is not a time written HH:MM</li>" in page
    assert admin_import.SESSION_KEY not in admin_client.session


def test_frab_file_creates_a_new_edition_with_the_given_slug(admin_client, shared_dir):
    TalkTypeFactory(slug="workshop", name="Workshop")
    path = shared_dir / "formats" / "frab" / "examples" / "pretalx-democon.json"
    file = SimpleUploadedFile("schedule.json", path.read_bytes())

    preview = admin_client.post(URL, {"file": file, "new_conference": "democon-2020"})
    assert not Conference.objects.filter(slug="democon-2020").exists()
    admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert preview.context["result"].edition_line() == (
        "Edition democon-2020 “DemoCon”: created "
        "(2020-12-14 to 2020-12-16, UTC, published, not current)."
    )
    assert Talk.objects.filter(conference__slug="democon-2020").count() == 36


def test_frab_file_creates_a_new_edition_with_the_given_slug_and_name(admin_client, shared_dir):
    ConferenceFactory(slug="democon", name="DemoCon")  # the file's acronym and title, taken
    TalkTypeFactory(slug="workshop", name="Workshop")
    path = shared_dir / "formats" / "frab" / "examples" / "pretalx-democon.json"
    file = SimpleUploadedFile("schedule.json", path.read_bytes())

    preview = admin_client.post(
        URL, {"file": file, "new_conference": "democon-2", "new_conference_name": "DemoCon II"}
    )
    admin_client.post(URL, {"confirm": "Import", "token": preview.context["token"]})

    assert preview.context["result"].edition_line() == (
        "Edition democon-2 “DemoCon II”: created "
        "(2020-12-14 to 2020-12-16, UTC, published, not current)."
    )
    assert Conference.objects.get(slug="democon-2").name == "DemoCon II"


def test_frab_file_whose_edition_name_is_taken_is_refused_with_the_way_out(
    admin_client, shared_dir
):
    ConferenceFactory(slug="democon", name="DemoCon")
    path = shared_dir / "formats" / "frab" / "examples" / "pretalx-democon.json"
    before = database_snapshot()

    response = admin_client.post(
        URL,
        {
            "file": SimpleUploadedFile("schedule.json", path.read_bytes()),
            "new_conference": "democon-2",
        },
    )

    assert database_snapshot() == before
    assert response.context["problems"] == [
        "conference, title: another edition is already called “DemoCon”: give the new edition "
        "a name of its own (--name, or “New edition name” in the admin)"
    ]
    assert 'name="new_conference_name"' in response.content.decode()


def test_a_name_for_an_existing_edition_is_refused(admin_client, edition):
    response = admin_client.post(
        URL,
        {
            "file": upload("program.csv", CSV),
            "conference": "2026",
            "new_conference_name": "MLSys 2026 (renamed)",
        },
    )

    assert response.context["form"].errors == {
        "new_conference_name": [
            "A name is for a new edition: an existing one is renamed on its own page."
        ]
    }


def test_edition_and_new_slug_together_are_refused(admin_client, edition):
    response = admin_client.post(
        URL,
        {"file": upload("program.csv", CSV), "conference": "2026", "new_conference": "2027"},
    )

    assert response.context["form"].non_field_errors() == [
        "Choose an edition or give a new slug, not both."
    ]


def test_file_over_the_size_limit_is_refused(admin_client, edition, monkeypatch):
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_BYTES", 100)

    response = admin_client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})

    assert response.context["form"].errors == {
        "file": [f"The file is {len(CSV.encode())}\xa0bytes; the limit is 100\xa0bytes."]
    }
    assert Talk.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login(client, edition, method):
    before = database_snapshot()

    response = getattr(client, method)(
        URL, {"file": upload("program.csv", CSV)} if method == "post" else {}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={URL}"
    assert database_snapshot() == before


def test_non_staff_users_are_sent_to_the_login(client, edition):
    client.force_login(User.objects.create_user("attendee", password="not-staff-123"))

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={URL}"


def test_upload_without_csrf_token_is_forbidden(admin_user, edition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    before = database_snapshot()

    response = client.post(URL, {"file": upload("program.csv", CSV), "conference": "2026"})

    assert response.status_code == 403
    assert database_snapshot() == before
