"""Speakers' private links: made, found, revoked.

A link is ``/<edition>/speaker/<token>/``, the token 32 random bytes in URL-safe base64
(43 characters). Only its SHA-256 is stored (``SpeakerLink.token_hash``), so the link is
shown or mailed once, when it is made; making a new one revokes the speaker's previous link
for that edition. A link stops working when revoked, and at the edition's
``speaker_edit_until``.

find() tells a link that never worked (altered, unknown, or of another edition: 404) from
one that did (revoked or expired: 410), and nothing about which speaker it names.
"""

import hashlib
import re
import secrets
import smtplib

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from program.machinery import clock
from program.machinery.private import Refused
from program.models import SpeakerLink, TalkSpeaker

TOKEN_BYTES = 32
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class LinkUnknown(Refused):
    """No link has this token in this edition (an altered or made-up one): 404."""

    status = 404


class LinkGone(Refused):
    """The link worked once: revoked by an organiser, or past ``speaker_edit_until``: 410."""

    status = 410


def hash_token(token):
    """The stored form of a token: SHA-256, 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(speaker, conference, *, by=None):
    """Make ``speaker``'s link for ``conference``, revoking their previous one; return the
    token (the only time it exists in clear). ``by``: the organiser, for the record."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        live(SpeakerLink.objects.filter(speaker=speaker, conference=conference)).update(
            revoked_at=clock.now()
        )
        SpeakerLink.objects.create(
            speaker=speaker, conference=conference, token_hash=hash_token(token), created_by=by
        )
    return token


def link_path(conference, token):
    """The link's path, ``/<edition>/speaker/<token>/`` (absolute URL: request or site)."""
    return reverse("program:speaker-link", kwargs={"edition": conference.slug, "token": token})


def live(links):
    """Of ``links`` (a SpeakerLink queryset), those not revoked."""
    return links.filter(revoked_at__isnull=True)


def revoke(links):
    """Revoke ``links`` (a SpeakerLink queryset); returns how many were still live."""
    return live(links).update(revoked_at=clock.now())


def find(edition, token):
    """The live SpeakerLink of ``token`` in the edition whose slug is ``edition``, with its
    speaker and conference. Raises LinkUnknown (404) or LinkGone (410); changes nothing."""
    if not TOKEN.fullmatch(token):
        raise LinkUnknown
    link = (
        SpeakerLink.objects.select_related("speaker", "conference")
        .filter(token_hash=hash_token(token), conference__slug=edition)
        .first()
    )
    if link is None:
        raise LinkUnknown
    if link.revoked_at is not None or has_expired(link.conference):
        raise LinkGone
    return link


def has_expired(conference):
    """Whether the edition's links stopped at its ``speaker_edit_until`` (never when unset)."""
    until = conference.speaker_edit_until
    return until is not None and clock.now() >= until


def mark_used(link):
    """Note when the link was last opened, for the organisers (a single UPDATE)."""
    SpeakerLink.objects.filter(pk=link.pk).update(last_used_at=clock.now())


def send_link(speaker, conference, *, absolute_uri, by=None):
    """Make ``speaker``'s new link for ``conference`` and mail it to their address (Django's
    mail: settings.EMAIL_BACKEND, from DJANGO_EMAIL_URL), noting when it was sent; returns
    the token. ``absolute_uri``: a function of a path, such as
    ``request.build_absolute_uri``. Raises what the mail backend raises (smtplib.SMTPException,
    OSError), and then nothing changed: the speaker's previous link still works."""
    with transaction.atomic():
        token = issue(speaker, conference, by=by)
        body = render_to_string(
            "program/mail/speaker_link.txt",
            {
                "speaker": speaker,
                "conference": conference,
                "url": absolute_uri(link_path(conference, token)),
                "until": conference.speaker_edit_until,
            },
        )
        EmailMessage(f"Your speaker page for {conference.name}", body, to=[speaker.email]).send()
        SpeakerLink.objects.filter(token_hash=hash_token(token)).update(sent_at=clock.now())
    return token


def send_links(speakers, conference, *, absolute_uri, by=None):
    """send_link() to each of ``speakers`` who has an address and a talk in ``conference``.
    Returns (the speakers sent a link, [(speaker, why not), ...] for the others)."""
    speakers = list(speakers)
    with_talks = set(
        TalkSpeaker.objects.filter(talk__conference=conference, speaker__in=speakers).values_list(
            "speaker", flat=True
        )
    )
    sent, skipped = [], []
    for speaker in speakers:
        if not speaker.email:
            skipped.append((speaker, "no e-mail address"))
        elif speaker.pk not in with_talks:
            skipped.append((speaker, f"no talk in {conference}"))
        else:
            try:
                send_link(speaker, conference, absolute_uri=absolute_uri, by=by)
            except (smtplib.SMTPException, OSError) as error:
                skipped.append((speaker, f"the mail could not be sent: {error}"))
            else:
                sent.append(speaker)
    return sent, skipped
