"""Talk history written in bulk, and the switches that restores and bulk deletes set.

The changes page, its Atom feed and the API's changes read every version of every talk
(django-simple-history's ``HistoricalTalk``). Saves and deletes are recorded by the library's
signals; ``TalkQuerySet.update()``, ``delete()`` and ``bulk_create()`` call record_history
themselves, since the ORM sends no signal for them. Talk.save() and the QuerySet methods
write a talk and its records in one transaction: a failing history insert undoes the write.

Every record names who made the change (``history_user``): the user the write says
(``talk._history_user``, as program/moves.py sets it), else the logged-in user of the request
being served (django-simple-history's HistoryRequestMiddleware, conference/settings.py), else
nobody (a management command, a fixture).

An edition's public history starts when it is published (start_public_history): what was
done while it was being prepared is not shown.
"""

import contextvars

from django.apps import apps
from django.db.models import Max
from django.utils import timezone
from simple_history.models import HistoricalRecords

HISTORY_BATCH = 500  # primary keys per query, well under SQLite's limit of bound variables


# True while a backup is restored (program/backups.py): its talks' history comes with it.
HISTORY_FROM_BACKUP = contextvars.ContextVar("history_from_backup", default=False)


# The change reason of a talk's first record when a fixture created it (loaddata): the
# edition's starting state, which the changes page does not list as added (program/changes.py).
LOADED = "loaded"


# The change reason of the records written when an edition is published: each of its talks
# as it stands then, the starting state its changes are compared with (program/changes.py).
PUBLISHED = "published"


# The change reason of the records written meanwhile by TalkQuerySet.update(): a release's
# (program/releases.py) names the release, so its changes are grouped under it.
UPDATE_REASON = contextvars.ContextVar("update_reason", default=None)


# Talks whose deletion TalkQuerySet.delete() has recorded already.
RECORDED_DELETES = contextvars.ContextVar("recorded_deletes", default=frozenset())


def acting_user():
    """The logged-in user of the request being served, or None (no request, anonymous)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_history(talks, pks, *, history_type, reason=None):
    """One history record for each talk of ``talks`` whose key is in ``pks``, all at one
    moment, written in bulk: "~" after an UPDATE, "-" before a DELETE; ``reason`` is their
    change reason (PUBLISHED, else UPDATE_REASON's, or None); the user is acting_user().

    django-simple-history records saves and deletes from model signals, one INSERT each;
    an UPDATE sends none, and thousands of single INSERTs take seconds.
    """
    history = talks.model.history.model
    moment = timezone.now()
    user = acting_user()
    reason = reason if reason is not None else UPDATE_REASON.get()
    fields = [field.attname for field in history.tracked_fields]
    for first in range(0, len(pks), HISTORY_BATCH):
        rows = talks.filter(pk__in=pks[first : first + HISTORY_BATCH]).values(*fields)
        history.objects.bulk_create(
            history(
                history_date=moment,
                history_type=history_type,
                history_change_reason=reason,
                history_user=user,
                **row,
            )
            for row in rows
        )


def last_history_id(using=None):
    """The ``history_id`` of the newest talk record (0 when there is none)."""
    history = apps.get_model("program", "Talk").history.model
    return history.objects.using(using).aggregate(last=Max("history_id"))["last"] or 0


def start_public_history(conference_pks, using=None):
    """Start the public history of the editions of ``conference_pks``, just published.

    Each edition's ``public_history_after`` becomes the newest record's id, and each of its
    talks gets a record as it stands (reason PUBLISHED): the changes page, feed and API
    compare later records with these and ignore older ones. Ids rather than times: the
    database stamps ``history_date`` at commit (machinery/stamps.py), so a time taken while
    publishing would not separate the records written before it in the same transaction,
    while ids grow in the order records are written. Call inside the publishing transaction.
    Returns the id stored.
    """
    talk_model = apps.get_model("program", "Talk")
    conference_model = apps.get_model("program", "Conference")
    last = last_history_id(using)
    conference_model._base_manager.using(using).filter(pk__in=conference_pks).update(
        public_history_after=last
    )
    talks = talk_model._base_manager.using(using).filter(conference__in=conference_pks)
    pks = list(talks.values_list("pk", flat=True))
    record_history(talks, pks, history_type="~", reason=PUBLISHED)
    return last


class ProgramHistoricalRecords(HistoricalRecords):
    """django-simple-history's records, fixtures included, deletes in bulk.

    The library skips saves made by ``loaddata`` (``raw``); reloading the seed edition
    changes talks that attendees have seen, so those saves are recorded too, except while a
    backup, which brings its own history, is restored. A talk a fixture creates is recorded
    with the reason LOADED: loading an edition is its starting state, not a change, yet
    later edits are compared with it. Deletes that TalkQuerySet.delete() recorded in bulk
    are not recorded again.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if HISTORY_FROM_BACKUP.get():
            return
        if kwargs["raw"] and created:
            instance._change_reason = LOADED
        kwargs["raw"] = False
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if instance.pk not in RECORDED_DELETES.get():
            super().post_delete(instance, using=using, **kwargs)
