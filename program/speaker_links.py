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

from django.db import transaction
from django.urls import reverse

from program.machinery import clock
from program.machinery.private import Refused
from program.models import SpeakerLink

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
