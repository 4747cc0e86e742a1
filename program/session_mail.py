"""Mail to the people of a session: the speakers of its talks and, if asked, its chairs.

One message per person, addressed to that person alone, so that nobody learns another's
address; sent through Django's mail (settings DJANGO_EMAIL_URL, from DEFAULT_FROM_EMAIL).
"""

import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from program.models import Speaker, Talk, TalkSpeaker


@dataclass
class Recipients:
    """Who a session's mail is for: ``addressed`` (speakers with an e-mail address) and
    ``unaddressed`` (those without one), each by name, each person once."""

    addressed: list = field(default_factory=list)
    unaddressed: list = field(default_factory=list)


@dataclass
class Sent:
    """What sending did: ``sent`` and ``unaddressed`` (speakers, by name), and ``failed``
    (speakers not sent to because sending stopped, with ``error`` saying why)."""

    sent: list
    unaddressed: list
    failed: list
    error: str = ""


def recipients(session, *, chairs=False):
    """The speakers of the talks the session holds (Session.talks) that take place (not
    cancelled), and its chairs if ``chairs``: a Recipients."""
    talks = session.talks().filter(public_status=Talk.Status.PUBLISHED)
    people = Speaker.objects.filter(
        pk__in=TalkSpeaker.objects.filter(talk__in=talks.values("pk")).values("speaker_id")
    )
    if chairs:
        people = people | Speaker.objects.filter(chaired_sessions=session)
    found = Recipients()
    for speaker in people.distinct().order_by("name", "pk"):
        (found.addressed if speaker.email else found.unaddressed).append(speaker)
    return found


def send(session, *, subject, body, chairs=False):
    """Sends ``subject`` and ``body`` (plain text) to each addressed recipient, one message
    each, through one connection. Returns a Sent; a refusal by the mail server stops the
    sending there (those after it are in ``failed``) rather than raising."""
    found = recipients(session, chairs=chairs)
    sent = []
    connection = get_connection()
    try:
        with connection:
            for speaker in found.addressed:
                EmailMessage(
                    subject,
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [speaker.email],
                    connection=connection,
                ).send()
                sent.append(speaker)
    except (smtplib.SMTPException, OSError) as error:
        failed = found.addressed[len(sent) :]
        return Sent(sent, found.unaddressed, failed, describe(error))
    return Sent(sent, found.unaddressed, [])


def describe(error):
    """What went wrong in sending, in a few words an organiser can act on."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"the mail server refused {', '.join(error.recipients)}"
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else error.smtp_error
        )
        return f"the mail server answered {error.smtp_code} {text}"
    return f"the mail server could not be reached ({error or type(error).__name__})"
