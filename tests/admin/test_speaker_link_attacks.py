"""Speakers' private links in the admin under attack: who may send them, and what a GET
of the buttons' addresses does (nothing)."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from program import speaker_links
from program.models import SpeakerLink
from tests.admin.helpers import admin_url
from tests.admin.test_speaker_links import edition, send, speakers  # noqa: F401

pytestmark = pytest.mark.django_db


def test_staff_who_may_only_view_speakers_cannot_send_links(
    client,
    django_user_model,
    speakers,  # noqa: F811
    edition,  # noqa: F811
):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_speaker", content_type__app_label="program")
    )
    client.force_login(viewer)

    response = send(client, speakers, apply="1", conference=edition.pk)

    # The action is not theirs: the list is shown again, with no action run.
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert [str(m) for m in response.context["messages"]] == []
    assert mail.outbox == []
    assert SpeakerLink.objects.count() == 0


@pytest.mark.parametrize("button", ["new", "revoke"])
def test_a_get_of_a_link_button_changes_nothing(
    organiser_client,
    speakers,  # noqa: F811
    edition,  # noqa: F811
    button,
):
    token = speaker_links.issue(speakers[0], edition)
    before = list(SpeakerLink.objects.values())
    url = f"{admin_url('speaker', 'change', speakers[0].pk).removesuffix('change/')}links/{button}/"

    response = organiser_client.get(url, {"conference": edition.pk})

    assert response.status_code == 405
    assert list(SpeakerLink.objects.values()) == before
    assert speaker_links.find("2026", token).speaker == speakers[0]
