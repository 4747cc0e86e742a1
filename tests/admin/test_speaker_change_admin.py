"""Speakers' changes in the admin: the list of those waiting, each change's diff, approving
and rejecting one or many, a decision that is final, and who may decide."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.auth.models import Permission

from program import speaker_changes, speaker_links
from program.models import Resource, Speaker, SpeakerChange, SpeakerLink
from tests.admin.helpers import admin_url, form_data
from tests.factories import ConferenceFactory, ResourceFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def link_of(speaker, conference):
    speaker_links.issue(speaker, conference)
    return SpeakerLink.objects.select_related("speaker", "conference").get(
        speaker=speaker, conference=conference, revoked_at=None
    )


@pytest.fixture
def yuhan(edition, ballroom):
    """Yuhan Liu with LMCache (its slides) in MLSys 2026, and a pending change: a new bio,
    and the slides swapped for a paper."""
    speaker = SpeakerFactory(name="Yuhan Liu", affiliation="UChicago", bio="Builds caches.")
    talk = TalkFactory(conference=edition, room=ballroom, title="LMCache", speakers=[speaker])
    ResourceFactory(talk=talk, url="https://example.org/old.pdf", title="Deck")
    ResourceFactory(talk=talk, kind="code", url="https://github.com/LMCache/LMCache")
    speaker_changes.submit(
        link_of(speaker, edition),
        values={"bio": "Builds KV caches.", "affiliation": "UChicago"},
        resources={
            talk: [
                {"kind": "code", "url": "https://github.com/LMCache/LMCache", "title": ""},
                {"kind": "paper", "url": "https://arxiv.org/abs/2310.07240", "title": "Paper"},
            ]
        },
    )
    return speaker


def page_text(response, xpath):
    page = lxml.html.fromstring(response.content.decode())
    return [" ".join(node.text_content().split()) for node in page.xpath(xpath)]


def rows(response):
    """The cells of each row of the change list, as text (the checkbox left out)."""
    page = lxml.html.fromstring(response.content.decode())
    return [page_text_row(tr) for tr in page.xpath("//table[@id='result_list']/tbody/tr")]


def page_text_row(tr):
    return [" ".join(cell.text_content().split()) for cell in tr.xpath("td|th")][1:]


def test_list_shows_the_changes_waiting_by_default(organiser_client, edition, yuhan):
    other = SpeakerFactory(name="Ion Stoica")
    TalkFactory(conference=edition, speakers=[other], title="Ray")
    speaker_changes.submit(link_of(other, edition), values={"name": "Ion Stoica (Berkeley)"})
    speaker_changes.reject(SpeakerChange.objects.filter(speaker=other), user=None)

    response = organiser_client.get(admin_url("speakerchange"))

    assert response.status_code == 200
    assert page_text(response, "//h1") == ["Speakers' changes: 1 waiting"]
    assert [row[:4] for row in rows(response)] == [
        ["Yuhan Liu", "MLSys 2026", "Bio, materials of 1 talk", "Waiting for approval"]
    ]
    everything = organiser_client.get(admin_url("speakerchange"), {"status": "all"})
    assert [row[0] for row in rows(everything)] == ["Ion Stoica", "Yuhan Liu"]
    rejected = organiser_client.get(admin_url("speakerchange"), {"status": "rejected"})
    assert [row[0] for row in rows(rejected)] == ["Ion Stoica"]


def test_list_filters_by_edition(organiser_client, edition, yuhan):
    older = ConferenceFactory(slug="2025", name="MLSys 2025")
    TalkFactory(conference=older, speakers=[yuhan], title="CacheGen")
    speaker_changes.submit(link_of(yuhan, older), values={"name": "Yuhan L."})

    response = organiser_client.get(admin_url("speakerchange"), {"conference__id__exact": older.pk})

    assert [row[:3] for row in rows(response)] == [["Yuhan Liu", "MLSys 2025", "Name"]]
    assert page_text(response, "//nav[@id='changelist-filter']//summary") == [
        "By status",
        "By edition",
    ]


def test_speaker_list_links_to_the_changes_waiting(organiser_client, yuhan):
    response = organiser_client.get(admin_url("speaker"))

    assert page_text(response, "//a[@id='waiting-speaker-changes']") == [
        "Speakers' changes: 1 waiting"
    ]


def test_change_page_shows_the_diff(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    response = organiser_client.get(admin_url("speakerchange", "change", change.pk))

    assert response.status_code == 200
    assert page_text(response, "//div[@class='speaker-change-diff']//tbody/tr/*") == [
        "Bio",
        "Builds caches.",
        "Builds KV caches.",
    ]
    assert page_text(response, "//div[@class='speaker-change-diff']/h3") == [
        "Materials of “LMCache”"
    ]
    assert page_text(response, "//ul[@class='materials']/li") == [
        "Kept: Code https://github.com/LMCache/LMCache",
        "Added: Paper “Paper” https://arxiv.org/abs/2310.07240",
        "Removed: Slides “Deck” https://example.org/old.pdf",
    ]
    page = lxml.html.fromstring(response.content)
    assert page.xpath("//div[@id='decision']//input[@type='submit']/@value") == [
        "Approve",
        "Reject",
    ]
    # Read-only: no save button, no form field.
    assert page.xpath("//input[@name='_save']") == []


def test_change_page_shows_the_old_and_new_photo(organiser_client, edition, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media/"},
        },
    }
    speaker = SpeakerFactory(name="Ana", with_photo=True)
    TalkFactory(conference=edition, speakers=[speaker])
    change = SpeakerChange.objects.create(
        speaker=speaker,
        conference=edition,
        photo="speakers/" + "a" * 32 + "-320.jpg",
        photo_width=320,
        photo_height=400,
    )

    response = organiser_client.get(admin_url("speakerchange", "change", change.pk))

    page = lxml.html.fromstring(response.content)
    images = page.xpath("//div[@class='speaker-change-diff']//img")
    assert [(img.get("alt"), img.get("src"), img.get("width")) for img in images] == [
        ("Photo now", speaker.photo.name.replace("-640.jpg", "-160.jpg").join(["/media/", ""]),
         "160"),
        ("New photo", "/media/speakers/" + "a" * 32 + "-160.jpg", "160"),
    ]  # fmt: skip


def test_approve_button_makes_the_change_public(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    response = organiser_client.post(
        admin_url("speakerchange", "decide", change.pk, "approve"), follow=True
    )

    assert response.redirect_chain == [(admin_url("speakerchange", "change", change.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Approved 1 change. It is public now."
    ]
    yuhan.refresh_from_db()
    assert yuhan.bio == "Builds KV caches."
    assert list(Resource.objects.order_by("position").values_list("kind", "url")) == [
        ("code", "https://github.com/LMCache/LMCache"),
        ("paper", "https://arxiv.org/abs/2310.07240"),
    ]
    change.refresh_from_db()
    assert (change.status, change.decided_by.username) == ("approved", "organiser")
    assert page_text(response, "//div[@id='decision']/p") == [
        "This change was approved by organiser: a decision is final."
    ]


def test_reject_button_leaves_the_speaker_as_they_were(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    response = organiser_client.post(
        admin_url("speakerchange", "decide", change.pk, "reject"), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["Rejected 1 change."]
    assert Speaker.objects.get().bio == "Builds caches."
    assert sorted(Resource.objects.values_list("url", flat=True)) == [
        "https://example.org/old.pdf",
        "https://github.com/LMCache/LMCache",
    ]
    assert SpeakerChange.objects.get().status == "rejected"


def test_a_decided_change_cannot_be_decided_again(organiser_client, yuhan):
    change = SpeakerChange.objects.get()
    organiser_client.post(admin_url("speakerchange", "decide", change.pk, "reject"), follow=True)

    response = organiser_client.post(
        admin_url("speakerchange", "decide", change.pk, "approve"), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 change was decided already (rejected): a decision is final, so it was left as it was."
    ]
    assert Speaker.objects.get().bio == "Builds caches."
    assert SpeakerChange.objects.get().status == "rejected"


def test_deciding_answers_only_a_post(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    response = organiser_client.get(admin_url("speakerchange", "decide", change.pk, "approve"))

    assert response.status_code == 405
    assert SpeakerChange.objects.get().status == "pending"


def test_unknown_change_or_decision_is_404(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    assert (
        organiser_client.post(
            admin_url("speakerchange", "decide", change.pk + 1, "approve")
        ).status_code
        == 404
    )
    assert (
        organiser_client.post(
            admin_url("speakerchange", "decide", change.pk, "publish")
        ).status_code
        == 404
    )
    assert SpeakerChange.objects.get().status == "pending"


def test_bulk_approve_and_reject(organiser_client, edition, yuhan):
    ion = SpeakerFactory(name="Ion Stoica", bio="Ray.")
    TalkFactory(conference=edition, speakers=[ion])
    speaker_changes.submit(link_of(ion, edition), values={"bio": "Ray and Spark."})
    done = SpeakerChange.objects.get(speaker=ion)
    speaker_changes.reject(SpeakerChange.objects.filter(pk=done.pk), user=None)
    ana = SpeakerFactory(name="Ana Klimovic", bio="Serverless.")
    TalkFactory(conference=edition, speakers=[ana])
    speaker_changes.submit(link_of(ana, edition), values={"bio": "Serverless ML."})
    chosen = [c.pk for c in SpeakerChange.objects.all()]

    # The list shows every change ("All"): an action acts on the rows the list shows.
    everything = admin_url("speakerchange") + "?status=all"
    response = organiser_client.post(
        everything,
        {"action": "approve_selected", "_selected_action": chosen},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Approved 2 changes. They are public now.",
        "1 change was decided already (rejected): a decision is final, so it was left as it was.",
    ]
    assert dict(Speaker.objects.values_list("name", "bio")) == {
        "Yuhan Liu": "Builds KV caches.",
        "Ion Stoica": "Ray.",
        "Ana Klimovic": "Serverless ML.",
    }

    response = organiser_client.post(
        everything,
        {"action": "reject_selected", "_selected_action": chosen},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "3 changes were decided already (approved, rejected): a decision is final, so they "
        "were left as they were."
    ]


def test_nothing_is_added_or_deleted_here(organiser_client, yuhan):
    change = SpeakerChange.objects.get()

    assert organiser_client.get(admin_url("speakerchange", "add")).status_code == 403
    assert (
        organiser_client.post(
            admin_url("speakerchange", "delete", change.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SpeakerChange.objects.count() == 1


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("helper", is_staff=True)
    client.force_login(user)
    client.user = user
    return client


def test_staff_without_the_speakers_change_permission_may_not_decide(staff_client, yuhan):
    change = SpeakerChange.objects.get()
    view = Permission.objects.get(codename="view_speaker")
    staff_client.user.user_permissions.add(view)

    assert staff_client.get(admin_url("speakerchange")).status_code == 403
    assert (
        staff_client.post(admin_url("speakerchange", "decide", change.pk, "approve")).status_code
        == 403
    )
    assert SpeakerChange.objects.get().status == "pending"


def test_staff_with_the_speakers_change_permission_decides(staff_client, yuhan):
    change = SpeakerChange.objects.get()
    staff_client.user.user_permissions.add(Permission.objects.get(codename="change_speaker"))

    assert staff_client.get(admin_url("speakerchange")).status_code == 200
    staff_client.post(admin_url("speakerchange", "decide", change.pk, "approve"))

    assert SpeakerChange.objects.get().status == "approved"


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow_with_changes(
    organiser_client, edition, count, django_assert_num_queries
):
    for name in ["Ana", "Ion", "Matei"][:count]:
        speaker = SpeakerFactory(name=name)
        TalkFactory(conference=edition, speakers=[speaker])
        speaker_changes.submit(link_of(speaker, edition), values={"bio": f"{name} anew."})

    # The session and user, the count waiting (title), the edition filter's choices, the
    # filtered and the whole count, the rows (speaker, edition and decider joined).
    with django_assert_num_queries(7):
        response = organiser_client.get(admin_url("speakerchange"))

    assert len(rows(response)) == count


def test_the_edition_page_switches_approval_off_and_changes_go_live(organiser_client, edition):
    page = organiser_client.get(admin_url("conference", "change", edition.pk))
    assert (
        lxml.html.fromstring(page.content)
        .get_element_by_id("id_speaker_changes_need_approval")
        .checked
    )

    response = organiser_client.post(
        admin_url("conference", "change", edition.pk),
        form_data(page, "conference_form", {"speaker_changes_need_approval": None}),
    )

    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.speaker_changes_need_approval is False
    speaker = SpeakerFactory(name="Ion Stoica", bio="Ray.")
    TalkFactory(conference=edition, speakers=[speaker])
    change = speaker_changes.submit(link_of(speaker, edition), values={"bio": "Ray and Spark."})
    assert (change.status, Speaker.objects.get(pk=speaker.pk).bio) == ("live", "Ray and Spark.")
    listed = organiser_client.get(admin_url("speakerchange"), {"status": "live"})
    assert [row[:4] for row in rows(listed)] == [
        ["Ion Stoica", "MLSys 2026", "Bio", "Public at once"]
    ]
    assert page_text(organiser_client.get(admin_url("speakerchange")), "//h1") == [
        "Speakers' changes"
    ]


def test_an_approved_photo_shows_alone(organiser_client, edition):
    speaker = SpeakerFactory(name="Ana", with_photo=True)
    TalkFactory(conference=edition, speakers=[speaker])
    change = SpeakerChange.objects.create(
        speaker=speaker,
        conference=edition,
        status="approved",
        photo=speaker.photo.name,
        photo_width=speaker.photo_width,
        photo_height=speaker.photo_height,
    )

    response = organiser_client.get(admin_url("speakerchange", "change", change.pk))

    page = lxml.html.fromstring(response.content)
    images = page.xpath("//div[@class='speaker-change-diff']//img/@alt")
    assert images == ["New photo"]
    assert page.xpath("//div[@id='decision']//input") == []


@pytest.mark.parametrize("decide", [speaker_changes.approve, speaker_changes.reject])
def test_deciding_keeps_when_the_speaker_last_saved(organiser_client, yuhan, decide):
    saved = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
    SpeakerChange.objects.update(updated_at=saved)

    decide(SpeakerChange.objects.all(), user=None)

    change = SpeakerChange.objects.get()
    assert change.updated_at == saved
    assert change.decided_at > saved
    response = organiser_client.get(admin_url("speakerchange", "change", change.pk))
    assert (
        "2026-05-01 09:30 UTC" in page_text(response, "//div[contains(@class, 'field-saved')]")[0]
    )
