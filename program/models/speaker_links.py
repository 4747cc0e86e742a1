"""Speakers' private links, and the changes speakers make through them.

A ``SpeakerLink`` lets one speaker edit their own profile and their talks' materials in one
edition, without an account (program/speaker_links.py issues and reads them). Only a hash
of its token is stored: the link itself is shown or mailed once, when it is made.

A ``SpeakerChange`` is what a speaker saved through a link: pending until an organiser
approves or rejects it when the edition's ``speaker_changes_need_approval`` is on, else
``live`` at once (program/speaker_changes.py). Rows are kept after the decision: they are
the record of what speakers asked for, and who decided.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from program.models.editions import Conference
from program.models.speakers import Speaker, photo_has_size


class SpeakerLink(models.Model):
    """One speaker's private link for one edition: ``/<edition>/speaker/<token>/``."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="links")
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="speaker_links"
    )
    # SHA-256 of the token, in hex: a copy of the database gives nobody a working link.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When it was last mailed.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "speaker link"
        constraints = [
            # Making a new link revokes the speaker's previous one for the edition.
            models.UniqueConstraint(
                fields=["speaker", "conference"],
                condition=Q(revoked_at__isnull=True),
                name="speakerlink_one_live_per_speaker_and_edition",
            ),
        ]

    def __str__(self):
        return f"{self.speaker}'s link for {self.conference}"


class SpeakerChange(models.Model):
    """What a speaker saved through their link, and what became of it.

    ``values``: the profile fields changed, ``{"name" | "affiliation" | "bio": new text}``.
    ``photo`` (with its size): a new photo, stored already under an unguessable name;
    ``remove_photo``: the speaker asked for none. ``resources``: each changed talk's whole
    new list of materials, ``{"<talk id>": [{"kind", "url", "title"}, ...]}``.
    ``previous``: the same keys as they stood when the speaker saved, for the diff.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        LIVE = "live", "Public at once"

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="changes")
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="speaker_changes"
    )
    link = models.ForeignKey(
        SpeakerLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    values = models.JSONField(default=dict, blank=True)
    photo = models.FileField(max_length=200, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    remove_photo = models.BooleanField(default=False)
    resources = models.JSONField(default=dict, blank=True)
    previous = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "speaker's change"
        verbose_name_plural = "speakers' changes"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "live"]),
                name="speakerchange_status_valid",
            ),
            # A speaker's further saves add to their one waiting change for the edition.
            models.UniqueConstraint(
                fields=["speaker", "conference"],
                condition=Q(status="pending"),
                name="speakerchange_one_pending_per_speaker_and_edition",
            ),
            photo_has_size("speakerchange_photo_has_size"),
        ]

    def __str__(self):
        return f"{self.speaker}'s change ({self.get_status_display().lower()})"
