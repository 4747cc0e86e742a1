"""The session admin: its list, its form (times in conference time, rooms of its edition,
chairs), the talks a session holds, mailing its speakers; and a talk's poster board."""

import datetime as dt
import smtplib

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from program.models import Session, Talk
from tests.admin.helpers import admin_url, form_data, titles
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local
from tests.session_factory import SessionFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def new_session_data(edition, room, chairs=(), **changes):
    """The add form filled in as an organiser would, times in conference time."""
    return {
        "conference": str(edition.pk),
        "title": "Session 3: Systems for LLMs",
        "kind": "talks",
        "room": str(room.pk),
        "start_0": "2026-05-18",
        "start_1": "9:00",
        "end_0": "2026-05-18",
        "end_1": "10:30",
        "chairs": [str(chair.pk) for chair in chairs],
        **changes,
    }


def test_session_added_in_conference_time_with_its_chairs(organiser_client, edition, ballroom):
    jia = SpeakerFactory(name="Zhihao Jia")

    response = organiser_client.post(
        admin_url("session", "add"), new_session_data(edition, ballroom, chairs=[jia])
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.title, session.kind, session.room) == (
        "Session 3: Systems for LLMs",
        "talks",
        ballroom,
    )
    # 9:00 in Bellevue (PDT) is 16:00 UTC.
    assert session.start == dt.datetime(2026, 5, 18, 16, 0, tzinfo=dt.UTC)
    assert session.end == dt.datetime(2026, 5, 18, 17, 30, tzinfo=dt.UTC)
    assert list(session.chairs.all()) == [jia]


def test_room_of_another_edition_is_a_form_error_and_nothing_is_saved(
    organiser_client, edition, ballroom
):
    boston_room = RoomFactory(conference=ConferenceFactory(slug="2025"), name="Boston Hall")

    response = organiser_client.post(
        admin_url("session", "add"), new_session_data(edition, boston_room)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "room": ["Choose a room of MLSys 2026, the edition chosen above."]
    }
    assert Session.objects.count() == 0


def test_end_before_start_is_refused(organiser_client, edition, ballroom):
    response = organiser_client.post(
        admin_url("session", "add"), new_session_data(edition, ballroom, end_1="8:00")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end": ["The session must end after it starts."]
    }
    assert Session.objects.count() == 0


def test_a_session_over_99_hours_59_minutes_is_refused_in_words(
    organiser_client, edition, ballroom
):
    response = organiser_client.post(
        admin_url("session", "add"),
        new_session_data(edition, ballroom, end_0="2026-05-22", end_1="13:00"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end": ["A session lasts at most 99 hours 59 minutes: set an earlier end."]
    }
    assert Session.objects.count() == 0


def test_add_form_offers_the_rooms_of_the_current_edition_only(organiser_client, edition, ballroom):
    RoomFactory(conference=ConferenceFactory(slug="2025"), name="Boston Hall")
    annex = RoomFactory(conference=edition, name="Annex", position=2)

    page = lxml.html.fromstring(organiser_client.get(admin_url("session", "add")).content.decode())

    assert page.xpath("//select[@name='room']/option/text()") == [
        "---------",
        "Grand Ballroom 1",
        annex.name,
    ]


def test_list_by_edition_and_room(organiser_client, edition, ballroom):
    annex = RoomFactory(conference=edition, name="Annex")
    SessionFactory(conference=edition, room=ballroom, title="Orals 1")
    SessionFactory(conference=edition, room=annex, title="Posters A", start=local("2026-05-19", 14))
    SessionFactory(conference=ConferenceFactory(slug="2025"), title="Old session")

    by_edition = organiser_client.get(admin_url("session"), {"conference__id__exact": edition.pk})
    by_room = organiser_client.get(
        admin_url("session"), {"conference__id__exact": edition.pk, "room__id__exact": annex.pk}
    )
    by_day = organiser_client.get(
        admin_url("session"), {"conference__id__exact": edition.pk, "day": "2026-05-19"}
    )

    assert titles(by_edition) == ["Orals 1", "Posters A"]
    assert titles(by_room) == ["Posters A"]
    assert titles(by_day) == ["Posters A"]


def test_session_page_lists_the_talks_it_holds(organiser_client, edition, ballroom):
    session = SessionFactory(
        conference=edition, room=ballroom, start=local("2026-05-18", 9), end=local("2026-05-18", 10)
    )

    def talk(title, hour, minute, **kwargs):
        start = local("2026-05-18", hour, minute)
        return TalkFactory(
            conference=edition,
            room=ballroom,
            title=title,
            start=start,
            end=start + dt.timedelta(minutes=25),
            **kwargs,
        )

    talk("Second oral", 9, 30, board="")
    talk("First oral", 9, 0, board="12")
    talk("Too late", 9, 50)  # ends after the session
    talk("Draft oral", 9, 0, status=Talk.Status.DRAFT)
    TalkFactory(conference=edition, title="Elsewhere", start=local("2026-05-18", 9))

    page = lxml.html.fromstring(
        organiser_client.get(admin_url("session", "change", session.pk)).content.decode()
    )
    rows = [
        [cell.text_content() for cell in row.xpath("td")]
        for row in page.xpath("//table[@class='session-talks']/tbody/tr")
    ]

    assert rows == [
        ["First oral", "Monday, May 18, 9:00–9:25 AM PDT", "Invited Talk", "12", "Published"],
        ["Second oral", "Monday, May 18, 9:30–9:55 AM PDT", "Invited Talk", "", "Published"],
    ]


def test_talk_form_sets_a_poster_s_board(organiser_client, edition, ballroom):
    poster = TalkFactory(conference=edition, room=ballroom, title="Sparse posters")
    page = organiser_client.get(admin_url("talk", "change", poster.pk))

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "talk_form", {"board": "B12"})
    )

    assert response.status_code == 302
    poster.refresh_from_db()
    assert poster.board == "B12"


# ---------------------------------------------------------------------------- mail


@pytest.fixture
def mailed_session(edition, ballroom):
    """A session holding two talks (three speakers, one without an address), a cancelled
    talk and a draft in its span, and two chairs (one without an address)."""
    liu = SpeakerFactory(name="Yuhan Liu", email="liu@example.org")
    jia = SpeakerFactory(name="Zhihao Jia", email="jia@example.org")
    solo = SpeakerFactory(name="Ana Solo", email="")
    chair = SpeakerFactory(name="Chris Chair", email="chair@example.org")
    quiet_chair = SpeakerFactory(name="Quiet Chair", email="")
    session = SessionFactory(
        conference=edition,
        room=ballroom,
        title="Orals 1",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 11),
        chairs=[chair, quiet_chair, jia],
    )
    start = local("2026-05-18", 9)
    TalkFactory(conference=edition, room=ballroom, start=start, speakers=[liu, jia])
    TalkFactory(
        conference=edition, room=ballroom, start=start + dt.timedelta(minutes=30), speakers=[solo]
    )
    TalkFactory(
        conference=edition,
        room=ballroom,
        start=start + dt.timedelta(hours=1),
        status=Talk.Status.CANCELLED,
        speakers=[SpeakerFactory(name="Gone Speaker", email="gone@example.org")],
    )
    TalkFactory(
        conference=edition,
        room=ballroom,
        start=start + dt.timedelta(minutes=90),
        status=Talk.Status.DRAFT,
        speakers=[SpeakerFactory(name="Draft Speaker", email="draft@example.org")],
    )
    return session


def test_mail_goes_to_each_speaker_and_chair_alone(organiser_client, mailed_session, settings):
    settings.DEFAULT_FROM_EMAIL = "program@mlsys.example.org"
    url = admin_url("session", "mail", mailed_session.pk)

    response = organiser_client.post(
        url,
        {"subject": "Orals 1: your slot", "body": "Please be there at 8:45.", "chairs": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(admin_url("session", "change", mailed_session.pk), 302)]
    assert [(message.to, message.cc, message.bcc) for message in mail.outbox] == [
        (["chair@example.org"], [], []),
        (["liu@example.org"], [], []),
        (["jia@example.org"], [], []),
    ]
    assert {message.subject for message in mail.outbox} == {"Orals 1: your slot"}
    assert {message.body for message in mail.outbox} == {"Please be there at 8:45."}
    assert {message.from_email for message in mail.outbox} == {"program@mlsys.example.org"}
    assert LogEntry.objects.get().get_change_message() == (
        "Mailed “Orals 1: your slot” to Chris Chair, Yuhan Liu, Zhihao Jia."
    )
    assert messages_of(response) == [
        "Sent to 3: Chris Chair, Yuhan Liu, Zhihao Jia.",
        "No e-mail address, not sent to 2: Ana Solo, Quiet Chair. Add their addresses on "
        "their speaker pages.",
    ]


def test_mail_without_the_chairs_goes_to_the_speakers_only(organiser_client, mailed_session):
    response = organiser_client.post(
        admin_url("session", "mail", mailed_session.pk),
        {"subject": "Slides", "body": "Send your slides."},
        follow=True,
    )

    # Zhihao Jia chairs the session and speaks in it: mailed as a speaker.
    assert [message.to for message in mail.outbox] == [["liu@example.org"], ["jia@example.org"]]
    assert messages_of(response) == [
        "Sent to 2: Yuhan Liu, Zhihao Jia.",
        "No e-mail address, not sent to 1: Ana Solo. Add their addresses on their speaker pages.",
    ]


def test_mail_page_lists_who_it_goes_to_and_sends_nothing(organiser_client, mailed_session):
    page = lxml.html.fromstring(
        organiser_client.get(admin_url("session", "mail", mailed_session.pk)).content.decode()
    )

    assert page.xpath("//ul[@class='mail-recipients']/li/text()") == [
        "Yuhan Liu",
        "Zhihao Jia",
        "Ana Solo (no e-mail address: not sent to)",
    ]
    assert page.xpath("//ul[@class='mail-chairs']/li/text()") == [
        "Chris Chair",
        "Quiet Chair (no e-mail address: not sent to)",
        "Zhihao Jia",
    ]
    assert mail.outbox == []


def test_mail_without_a_subject_is_refused_and_nothing_is_sent(organiser_client, mailed_session):
    response = organiser_client.post(
        admin_url("session", "mail", mailed_session.pk), {"subject": "", "body": "Hello"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"subject": ["This field is required."]}
    assert mail.outbox == []
    assert LogEntry.objects.count() == 0


def test_mail_needs_the_permission_to_change_sessions(client, django_user_model, mailed_session):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_session", content_type__app_label="program")
    )
    client.force_login(viewer)

    response = client.post(
        admin_url("session", "mail", mailed_session.pk), {"subject": "Hi", "body": "Hello"}
    )

    assert response.status_code == 403
    assert mail.outbox == []


def test_mail_link_on_the_session_page(organiser_client, mailed_session):
    page = lxml.html.fromstring(
        organiser_client.get(admin_url("session", "change", mailed_session.pk)).content.decode()
    )

    assert page.xpath("//a[text()='Mail the session’s speakers']/@href") == [
        admin_url("session", "mail", mailed_session.pk)
    ]


def test_session_of_an_unpublished_edition_lists_its_talks(organiser_client, ballroom):
    """Session.talks() reads as the edition's pages list talks (listed_in), so an edition
    being prepared shows what its sessions hold before it is published."""
    edition = ballroom.conference
    edition.is_published = False
    edition.save()
    session = SessionFactory(conference=edition, room=ballroom, start=local("2026-05-18", 9))
    TalkFactory(conference=edition, room=ballroom, title="Early oral", start=local("2026-05-18", 9))

    page = lxml.html.fromstring(
        organiser_client.get(admin_url("session", "change", session.pk)).content.decode()
    )

    assert [talk.title for talk in session.talks()] == ["Early oral"]
    assert page.xpath("//table[@class='session-talks']/tbody/tr/td[1]/a/text()") == ["Early oral"]


@pytest.mark.parametrize("item_count", [1, 3])
def test_session_list_query_count_does_not_grow_with_length(
    organiser_client, edition, item_count, django_assert_num_queries
):
    for number in range(item_count):
        SessionFactory(
            conference=edition,
            room=RoomFactory(conference=edition, name=f"Room {number}"),
            chairs=[SpeakerFactory(), SpeakerFactory()],
        )

    # Session, user, the filters' editions, days and rooms, the counts, sessions (with their
    # edition and room), their chairs.
    with django_assert_num_queries(9):
        response = organiser_client.get(admin_url("session"))

    assert len(titles(response)) == item_count


class RefusingBackend(BaseEmailBackend):
    """A mail server that takes the first message and refuses the next."""

    def send_messages(self, messages):
        if mail.outbox:
            raise smtplib.SMTPRecipientsRefused({"jia@example.org": (550, b"No such user")})
        mail.outbox.extend(messages)
        return len(messages)


def test_mail_server_refusal_names_who_was_not_sent_to(organiser_client, mailed_session, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    response = organiser_client.post(
        admin_url("session", "mail", mailed_session.pk),
        {"subject": "Slides", "body": "Send your slides.", "chairs": "on"},
        follow=True,
    )

    assert [message.to for message in mail.outbox] == [["chair@example.org"]]
    assert messages_of(response) == [
        "Sent to 1: Chris Chair.",
        "No e-mail address, not sent to 2: Ana Solo, Quiet Chair. Add their addresses on "
        "their speaker pages.",
        "Sending stopped: the mail server refused jia@example.org. Not sent to 2: Yuhan Liu, "
        "Zhihao Jia.",
    ]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_mail_with_a_line_end_in_the_subject_is_refused_and_nothing_is_sent(
    organiser_client, mailed_session, line_end
):
    # A line end in a header would start another header (Bcc: ...): Django refuses to send
    # it (BadHeaderError), which was a 500 losing the typed message.
    response = organiser_client.post(
        admin_url("session", "mail", mailed_session.pk),
        {"subject": f"Slides{line_end}Bcc: all@example.org", "body": "Hello", "chairs": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["The subject is one line: remove its line break."]
    }
    assert response.context["form"]["body"].value() == "Hello"
    assert mail.outbox == []
    assert LogEntry.objects.count() == 0
