"""Speakers' private links in the admin: the e-mail field, the action "Send speakers their
links" (its edition page, the mail in the outbox with a working link, who is skipped and
why), and on a speaker's page their links, a new one shown once, and revoking."""

import re
import smtplib

import lxml.html
import pytest
from django.core import mail

from program import speaker_links
from program.models import Speaker, SpeakerLink
from tests.admin.helpers import admin_url, form_data
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/2026/speaker/[A-Za-z0-9_-]{43}/")


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)


@pytest.fixture
def speakers(edition):
    yuhan = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu", email="yuhan@example.org")
    ion = SpeakerFactory(name="Ion Stoica", slug="ion-stoica", email="")
    tri = SpeakerFactory(name="Tri Dao", slug="tri-dao", email="tri@example.org")
    TalkFactory(conference=edition, slug="lmcache", speakers=[yuhan, ion])
    TalkFactory(conference=ConferenceFactory(slug="2025", name="MLSys 2025"), speakers=[tri])
    return yuhan, ion, tri


def page_text(response):
    return " ".join(" ".join(lxml.html.fromstring(response.content.decode()).itertext()).split())


def send(client, speakers, **data):
    return client.post(
        admin_url("speaker"),
        {"action": "send_speaker_links", "_selected_action": [s.pk for s in speakers], **data},
        follow=True,
    )


def test_the_speaker_form_has_the_private_e_mail_field(organiser_client, speakers):
    yuhan = speakers[0]
    page = organiser_client.get(admin_url("speaker", "change", yuhan.pk))
    data = form_data(page, "speaker_form", {"email": "liu@example.org"})

    response = organiser_client.post(admin_url("speaker", "change", yuhan.pk), data)

    assert response.status_code == 302
    yuhan.refresh_from_db()
    assert yuhan.email == "liu@example.org"
    assert not any("email" in record for record in Speaker.history.values())


def test_the_speaker_list_offers_the_action(organiser_client, speakers):
    page = lxml.html.fromstring(organiser_client.get(admin_url("speaker")).content.decode())

    assert page.xpath("//select[@name='action']/option[@value='send_speaker_links']/text()") == [
        "Send speakers their links"
    ]


def test_the_action_asks_for_the_edition_first(organiser_client, speakers):
    response = send(organiser_client, speakers)

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//select[@name='conference']/option/text()") == ["MLSys 2026", "MLSys 2025"]
    assert page.xpath("//select[@name='conference']/option[@selected]/text()") == ["MLSys 2026"]
    assert "Ion Stoica (no e-mail address: will be skipped)" in page_text(response)
    assert mail.outbox == []
    assert SpeakerLink.objects.count() == 0


def test_the_action_mails_each_speaker_a_working_link(client, organiser_client, speakers, edition):
    yuhan, _ion, _tri = speakers

    response = send(organiser_client, speakers, apply="Send the links", conference=edition.pk)

    assert [str(m) for m in response.context["messages"]] == [
        "Sent 1 speaker a new link for MLSys 2026: Yuhan Liu.",
        "Skipped 2: Ion Stoica (no e-mail address); Tri Dao (no talk in MLSys 2026).",
    ]
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["yuhan@example.org"],
        "Your speaker page for MLSys 2026",
    )
    assert message.from_email == "program@localhost"
    (url,) = LINK.findall(message.body)
    assert message.body.startswith("Hello Yuhan Liu,\n\nHere is your private page for MLSys 2026:")
    assert "once an organiser has approved them" in message.body
    link = SpeakerLink.objects.get()
    assert (link.speaker, link.conference, link.created_by.username) == (
        yuhan,
        edition,
        "organiser",
    )
    assert link.sent_at is not None
    assert link.token_hash not in message.body
    assert link.token_hash not in url
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert page.context["speaker"] == yuhan


def test_sending_again_replaces_the_link(organiser_client, speakers, edition, client):
    send(organiser_client, speakers[:1], apply="Send", conference=edition.pk)
    send(organiser_client, speakers[:1], apply="Send", conference=edition.pk)

    first, second = (LINK.findall(m.body)[0].removeprefix("http://testserver") for m in mail.outbox)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert SpeakerLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_mail_that_fails_leaves_the_previous_link_working(
    organiser_client,
    speakers,
    edition,
    client,
    monkeypatch,
):
    token = speaker_links.issue(speakers[0], edition)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"yuhan@example.org": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = send(organiser_client, speakers[:1], apply="Send", conference=edition.pk)

    assert [str(m) for m in response.context["messages"]] == [
        "Skipped 1: Yuhan Liu (the mail could not be sent: {'yuhan@example.org': (550, "
        "b'No such user')})."
    ]
    assert client.get(f"/2026/speaker/{token}/").status_code == 200
    assert SpeakerLink.objects.count() == 1


def test_the_mail_says_until_when_and_whether_changes_wait(organiser_client, speakers, edition):
    edition.speaker_edit_until = local("2026-05-10", 18)
    edition.speaker_changes_need_approval = False
    edition.save()

    send(organiser_client, speakers[:1], apply="Send", conference=edition.pk)

    body = mail.outbox[0].body
    assert (
        "as soon as you save them. The link works until Sunday, May 10, 2026, 6:00 PM PDT." in body
    )


def test_the_speaker_page_lists_their_links_per_edition(organiser_client, speakers, edition):
    yuhan = speakers[0]
    speaker_links.issue(yuhan, edition)
    speaker_links.issue(yuhan, edition)

    response = organiser_client.get(admin_url("speaker", "change", yuhan.pk))

    page = lxml.html.fromstring(response.content.decode())
    (row,) = page.xpath("//div[@id='speaker-links']//tbody/tr")
    cells = [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
    assert cells[0] == "MLSys 2026"
    assert cells[1].startswith("Live, made ")
    assert cells[1].endswith("(1 earlier revoked)")
    assert cells[2:] == ["Not sent", "Never", "Replace with a new link Revoke"]


def test_a_new_link_is_shown_once_and_works(organiser_client, speakers, edition, client):
    yuhan = speakers[0]
    old = speaker_links.issue(yuhan, edition)
    page = organiser_client.get(admin_url("speaker", "change", yuhan.pk))
    form = lxml.html.fromstring(page.content.decode()).xpath(
        "//div[@id='speaker-links']//form[contains(@action, '/links/new/')]"
    )[0]

    response = organiser_client.post(form.action, dict(form.form_values()))

    assert response.status_code == 200
    (url,) = lxml.html.fromstring(response.content.decode()).xpath(
        "//textarea[@id='speaker-link']/text()"
    )
    assert LINK.fullmatch(url)
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert client.get(f"/2026/speaker/{old}/").status_code == 410
    assert (
        url not in organiser_client.get(admin_url("speaker", "change", yuhan.pk)).content.decode()
    )


def test_revoke_stops_the_link(organiser_client, speakers, edition, client):
    yuhan = speakers[0]
    token = speaker_links.issue(yuhan, edition)

    response = organiser_client.post(
        f"{admin_url('speaker', 'change', yuhan.pk).removesuffix('change/')}links/revoke/",
        {"conference": edition.pk},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Yuhan Liu's link for MLSys 2026 no longer works."
    ]
    assert client.get(f"/2026/speaker/{token}/").status_code == 410
    assert "Revoked" in page_text(response)


def test_links_need_the_change_permission(client, django_user_model, speakers, edition):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    client.force_login(viewer)
    url = f"{admin_url('speaker', 'change', speakers[0].pk).removesuffix('change/')}links/new/"

    assert client.post(url, {"conference": edition.pk}).status_code == 403
    assert SpeakerLink.objects.count() == 0


def test_the_edition_s_deadline_and_approval_are_set_in_its_own_time(organiser_client, edition):
    url = admin_url("conference", "change", edition.pk)
    page = organiser_client.get(url)
    data = form_data(
        page,
        "conference_form",
        {
            "speaker_edit_until_0": "2026-05-10",
            "speaker_edit_until_1": "18:00",
            "speaker_changes_need_approval": None,  # unticked
        },
    )

    response = organiser_client.post(url, data)

    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.speaker_edit_until == local("2026-05-10", 18)
    assert edition.speaker_changes_need_approval is False
    shown = lxml.html.fromstring(organiser_client.get(url).content.decode())
    assert shown.xpath("//input[@name='speaker_edit_until_1']/@value") == ["18:00:00"]
