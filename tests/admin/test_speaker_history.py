"""A speaker's History page in the admin: each version of the speaker and of their talks'
materials, with who made it and why (the speaker through their link, the organiser who
approved it, an organiser's own edit), and never their e-mail address."""

import lxml.html
import pytest

from program import speaker_changes, speaker_links
from program.models import Speaker, SpeakerChange, SpeakerLink
from tests.admin.helpers import admin_url, form_data
from tests.factories import ConferenceFactory, ResourceFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def link_of(speaker, conference):
    speaker_links.issue(speaker, conference)
    return SpeakerLink.objects.select_related("speaker", "conference").get(
        speaker=speaker, conference=conference, revoked_at=None
    )


def history_rows(response):
    """(user, what, why) of each row of the History page, oldest first."""
    page = lxml.html.fromstring(response.content.decode())
    return [
        tuple(" ".join(cell.text_content().split()) for cell in row.xpath("td"))
        for row in page.xpath("//div[@id='change-history']//tbody/tr")
    ]


@pytest.fixture
def yuhan(edition, ballroom):
    speaker = SpeakerFactory(
        name="Yuhan Liu", affiliation="UChicago", bio="Builds caches.", email="yuhan@uchicago.edu"
    )
    talk = TalkFactory(conference=edition, room=ballroom, title="LMCache", speakers=[speaker])
    ResourceFactory(talk=talk, url="https://example.org/old.pdf", title="Deck")
    return speaker


def test_history_names_the_speaker_and_the_approving_organiser(organiser_client, edition, yuhan):
    talk = yuhan.talks.get()
    speaker_changes.submit(
        link_of(yuhan, edition),
        values={"bio": "Builds KV caches."},
        resources={talk: [{"kind": "paper", "url": "https://arxiv.org/abs/1", "title": ""}]},
    )
    organiser_client.post(
        admin_url("speakerchange", "decide", SpeakerChange.objects.get().pk, "approve")
    )

    response = organiser_client.get(admin_url("speaker", "history", yuhan.pk))

    assert response.status_code == 200
    approved = "Approved: by the speaker, through their link for MLSys 2026"
    assert history_rows(response) == [
        ("—", "Added the speaker", ""),
        ("—", "Added Slides “Deck” https://example.org/old.pdf to LMCache", ""),
        ("organiser", "Changed the bio", approved),
        ("organiser", "Added Paper https://arxiv.org/abs/1 to LMCache", approved),
        ("organiser", "Removed Slides “Deck” https://example.org/old.pdf from LMCache", approved),
    ]
    assert "yuhan@uchicago.edu" not in response.content.decode()


def test_history_of_a_live_change_names_the_speaker_alone(organiser_client, edition, yuhan):
    edition.speaker_changes_need_approval = False
    edition.save()
    older = ConferenceFactory(slug="2025", name="MLSys 2025")
    older.speaker_changes_need_approval = False
    older.save()
    TalkFactory(conference=older, speakers=[yuhan], title="CacheGen")
    speaker_changes.submit(link_of(yuhan, older), values={"name": "Yuhan L.", "bio": "KV."})

    response = organiser_client.get(admin_url("speaker", "history", yuhan.pk))

    assert history_rows(response)[-1] == (
        "—",
        "Changed the name and bio",
        "By the speaker, through their link for MLSys 2025",
    )


def test_history_names_the_organiser_who_edited_in_the_admin(organiser_client, yuhan):
    page = organiser_client.get(admin_url("speaker", "change", yuhan.pk))
    organiser_client.post(
        admin_url("speaker", "change", yuhan.pk),
        form_data(page, "speaker_form", {"affiliation": "TensorMesh", "email": "y@tensormesh.ai"}),
    )

    response = organiser_client.get(admin_url("speaker", "history", yuhan.pk))

    assert Speaker.objects.get().affiliation == "TensorMesh"
    assert history_rows(response)[-1] == ("organiser", "Changed the affiliation", "")
    assert "tensormesh.ai" not in response.content.decode()
    assert "uchicago.edu" not in response.content.decode()


def test_history_needs_the_view_permission(client, django_user_model, yuhan):
    client.force_login(django_user_model.objects.create_user("helper", is_staff=True))

    assert client.get(admin_url("speaker", "history", yuhan.pk)).status_code == 403


def test_a_save_of_the_e_mail_address_alone_says_it_is_not_recorded(organiser_client, yuhan):
    page = organiser_client.get(admin_url("speaker", "change", yuhan.pk))
    organiser_client.post(
        admin_url("speaker", "change", yuhan.pk),
        form_data(page, "speaker_form", {"email": "y@tensormesh.ai"}),
    )

    response = organiser_client.get(admin_url("speaker", "history", yuhan.pk))

    assert Speaker.objects.get().email == "y@tensormesh.ai"
    assert history_rows(response)[-1] == (
        "organiser",
        "Saved, no recorded field changed (e-mail addresses are never recorded)",
        "",
    )
    assert "tensormesh.ai" not in response.content.decode()
