"""Releases: the versions of an edition's schedule that the public has seen.

An edition that holds changes (``Conference.holds_changes``) shows the public its last
release: which talks are public, and when and where they are. Organisers work on the
talks' working ``status``, ``start``, ``end`` and ``room``; the public reads the
``public_*`` copies, which a release sets to the working ones in one UPDATE
(program/releases.py). An edition that does not hold changes copies them on every write:
HELD_FIELDS and public_at_once say how, Talk.save() and TalkQuerySet do it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, ProtectedError, Value, When
from django.db.models.signals import pre_save
from django.dispatch import receiver

from program.machinery.history import HISTORY_FROM_BACKUP
from program.models.editions import Conference
from program.models.public_reads import HELD_FIELDS

# The names update() may be given for them.
UPDATE_NAMES = {**HELD_FIELDS, "room": "public_room"}


def public_at_once(talk_model, kwargs):
    """The keyword arguments of a talks' ``update(**kwargs)`` with the public copies of the
    held fields it sets: the same values in an edition that does not hold changes, the
    public ones unchanged in one that does (a CASE on the talk's edition)."""
    at_once = ~Exists(Conference.objects.filter(pk=OuterRef("conference_id"), holds_changes=True))
    kwargs = dict(kwargs)
    for name, public in UPDATE_NAMES.items():
        if name not in kwargs or public in kwargs:
            continue
        value = kwargs[name]
        if isinstance(value, models.Model):
            value = value.pk
        field = talk_model._meta.get_field(public)
        if not hasattr(value, "resolve_expression"):
            value = Value(value, output_field=field)  # When() reads a string as a field
        kwargs[public] = Case(When(at_once, then=value), default=F(public), output_field=field)
    return kwargs


@receiver(pre_save, sender="program.Talk")
def fixture_public_values(sender, instance, raw, using, **kwargs):
    """loaddata saves raw, past Talk.save(): a fixture (the seed) lists no public values, so
    a talk it writes is public at once as save() makes it, or keeps the stored public values
    in an edition that holds changes. A backup brings its own (HISTORY_FROM_BACKUP)."""
    if not raw or HISTORY_FROM_BACKUP.get():
        return
    holding = Conference._base_manager.using(using).filter(
        pk=instance.conference_id, holds_changes=True
    )
    if not holding.exists():
        instance.show_at_once()
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values(*HELD_FIELDS.values())
    for public, value in (stored.first() or {}).items():
        setattr(instance, public, value)


class Release(models.Model):
    """One release of an edition's schedule: numbered 1, 2, ... within the edition."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200, help_text="Shown to the public, e.g. “Final”.")
    note = models.TextField(
        blank=True, help_text="Optional: what changed and why, shown on the changes page."
    )
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.PositiveIntegerField(
        default=0, help_text="How many visible changes it made (talks added, moved...)."
    )

    class Meta:
        ordering = ["conference", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"], name="release_unique_number_per_conference"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="release_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


def held_deletion_message(talk):
    """Why ``talk`` (public in the last release of an edition holding changes) is kept."""
    edition = talk.conference
    return (
        f"“{talk}” is public in {edition}'s last release, and {edition} holds changes for "
        "release: deleting it now would take it off the public program before the release. "
        "Set it back to draft, release the edition's changes, then delete it."
    )


class DeletionHeld(ProtectedError):
    """Deleting talks the public sees in their edition's last release while it holds
    changes: they would vanish from the public program before the release. Raised by
    Talk.delete() and TalkQuerySet.delete(), which then delete nothing;
    ``protected_objects``: those talks (the first hundred of ``count``)."""

    def __init__(self, talks, count=None):
        others = (count or len(talks)) - 1
        more = f" The same holds for {others} more talk{'s' if others > 1 else ''}."
        super().__init__(held_deletion_message(talks[0]) + (more if others else ""), talks)


class EditionChangeMixin:
    """A talk given another edition (its ``conference`` changed since it was read): its old
    edition's public program keeps it until that edition's release, and the new one shows
    it from its own next release, as a talk added there (never in the old edition's room
    and time, which its public values still name)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        talk = super().from_db(db, field_names, values)
        talk.read_in_conference_id = talk.__dict__.get("conference_id")
        return talk

    def edition_changed(self):
        read_in = getattr(self, "read_in_conference_id", None)
        return read_in is not None and read_in != self.conference_id

    def edition_change_refusal(self):
        """Why the talk must keep its edition, or None: it is public in the last release
        of the edition it was read in, which holds changes."""
        if not self.edition_changed() or self.public_status not in ("published", "cancelled"):
            return None
        edition = Conference.objects.filter(pk=self.read_in_conference_id, holds_changes=True)
        edition = edition.first()
        if edition is None:
            return None
        return (
            f"“{self}” is public in {edition}'s last release, and {edition} holds changes for "
            "release: giving it another edition now would take it off the public program "
            "before the release. Set it back to draft, release the edition's changes, then "
            "move it."
        )

    def hide_until_released_in_new_edition(self, update_fields):
        """Before saving a talk given an edition that holds changes: no public values (a
        draft to the public until that edition's release). Returns ``update_fields`` with
        the public names added when the edition is among them."""
        if not self.edition_changed() or not self.conference.holds_changes:
            return update_fields
        self.public_status = "draft"
        self.public_start = self.public_end = self.public_room = None
        if update_fields is not None and {"conference", "conference_id"} & set(update_fields):
            update_fields = {*update_fields, *HELD_FIELDS.values()}
        return update_fields
