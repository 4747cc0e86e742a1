"""Holding an edition's schedule changes and releasing them together.

While an edition holds changes (``Conference.holds_changes``), the working status, start,
end and room of its talks (what organisers edit anywhere: the editor, admin forms, bulk
actions, imports, a shell) may differ from the public ones (``public_*``), which pages,
feeds and the API show. release() copies the working values to the public ones in one
UPDATE, with a numbered Release, in one transaction: a reader sees the old release or the
new one, never a mix (PostgreSQL reads a snapshot; SQLite has one writer, and readers see
committed data). The talks' history gets the release's records (change reason "release
<number>"), so the changes page groups a held change under its release, and the API's
``updated_since`` sees it when it is released (the UPDATE moves ``updated_at``).
"""

import re

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from program.machinery.history import UPDATE_REASON
from program.models import Conference, Release, Talk
from program.models.releases import HELD_FIELDS

PUBLIC = [Talk.Status.PUBLISHED, Talk.Status.CANCELLED]

# The name of the release that switching holding on makes.
FIRST_NAME = "The program as it stood"


def differs(working, public):
    """NULL-safe: the working and public values of a field differ."""
    return (
        ~Q(**{working: F(public)})
        | Q(**{f"{working}__isnull": True}, **{f"{public}__isnull": False})
        | Q(**{f"{working}__isnull": False}, **{f"{public}__isnull": True})
    )


def held_talks(conference):
    """The talks of ``conference`` whose working status, start, end or room differ from
    the public ones, as a QuerySet (some of them drafts whose change nobody sees)."""
    condition = Q()
    for working, public in HELD_FIELDS.items():
        condition |= differs(working, public)
    return Talk.objects.filter(conference=conference).filter(condition)


def visible_changes(conference):
    """The held talks whose change the public will see: public before or after."""
    return held_talks(conference).filter(Q(status__in=PUBLIC) | Q(public_status__in=PUBLIC))


def make_public(talks, *, reason=None):
    """Copy the working status, start, end and room of ``talks`` to the public ones: one
    UPDATE, which grows their SEQUENCE, moves their ``updated_at`` (the API's
    ``updated_since`` sees them) and records their history (TalkQuerySet.update) with the
    change reason ``reason``."""
    recorded = UPDATE_REASON.set(reason)
    try:
        return talks.update(**{public: F(working) for working, public in HELD_FIELDS.items()})
    finally:
        UPDATE_REASON.reset(recorded)


# The change reason of a release's history records: the changes page groups them under it.
RELEASE_REASON = "release {number}"
RELEASE_PATTERN = re.compile(r"release (\d+)")


def released_number(reason):
    """The number of the release a history record's change reason names, else None."""
    matched = RELEASE_PATTERN.fullmatch(reason or "")
    return int(matched[1]) if matched else None


def release(conference, *, name, note="", by=None):
    """Release ``conference``'s held changes as its next Release, named ``name``.

    One transaction: the edition's row is locked first, so two releases of one edition
    take turns and number themselves 1, 2, ... Returns the Release. Raises
    Conference.DoesNotExist if the edition is gone.
    """
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        count = visible_changes(conference).count()
        number = next_number(conference)
        make_public(held_talks(conference), reason=RELEASE_REASON.format(number=number))
        return Release.objects.create(
            conference=conference,
            number=number,
            name=name,
            note=note,
            released_at=timezone.now(),
            released_by=by,
            changes=count,
        )


def next_number(conference):
    last = conference.releases.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def start_holding(conference):
    """The program as it stands becomes the edition's first release (or next, if it held
    changes before). Call inside the transaction that switches holding on."""
    return Release.objects.create(
        conference=conference,
        number=next_number(conference),
        name=FIRST_NAME,
        released_at=timezone.now(),
    )


def stop_holding(conference):
    """Every held change of ``conference`` becomes public at once, as any change is in an
    edition that does not hold them; no release is made. Call inside the transaction that
    switches holding off."""
    return make_public(held_talks(conference))
