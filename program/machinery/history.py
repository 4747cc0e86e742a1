"""Talk history written in bulk, and the switches that restores and bulk deletes set.

The changes page, its Atom feed and the API's changes read every version of every talk
(django-simple-history's ``HistoricalTalk``). Saves and deletes are recorded by the library's
signals; ``TalkQuerySet.update()``, ``delete()`` and ``bulk_create()`` call record_history
themselves, since the ORM sends no signal for them.
"""

import contextvars

from django.utils import timezone
from simple_history.models import HistoricalRecords

HISTORY_BATCH = 500  # primary keys per query, well under SQLite's limit of bound variables


# True while a backup is restored (program/backups.py): its talks' history comes with it.
HISTORY_FROM_BACKUP = contextvars.ContextVar("history_from_backup", default=False)


# The change reason of a talk's first record when a fixture created it (loaddata): the
# edition's starting state, which the changes page does not list as added (program/changes.py).
LOADED = "loaded"


# Talks whose deletion TalkQuerySet.delete() has recorded already.
RECORDED_DELETES = contextvars.ContextVar("recorded_deletes", default=frozenset())


def record_history(talks, pks, *, history_type):
    """One history record for each talk of ``talks`` whose key is in ``pks``, all at one
    moment, written in bulk: "~" after an UPDATE, "-" before a DELETE.

    django-simple-history records saves and deletes from model signals, one INSERT each;
    an UPDATE sends none, and thousands of single INSERTs take seconds.
    """
    history = talks.model.history.model
    moment = timezone.now()
    fields = [field.attname for field in history.tracked_fields]
    for first in range(0, len(pks), HISTORY_BATCH):
        rows = talks.filter(pk__in=pks[first : first + HISTORY_BATCH]).values(*fields)
        history.objects.bulk_create(
            history(history_date=moment, history_type=history_type, **row) for row in rows
        )


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
