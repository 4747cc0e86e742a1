"""Identifiers the feeds publish, which apps and calendars keep to recognise a talk later.

They are uuid5 of a fixed namespace and the rows' primary keys, so they never change when a
title, slug, time or room changes, and every deployment computes the same ones. The edition's
slug is part of a talk's and a room's name: renaming an edition changes its URLs anyway.
"""

import uuid

# Fixed forever: changing it would make every calendar and app see all talks as new.
NAMESPACE = uuid.UUID("ba926fe1-78a4-4535-83b6-4ed26bc7cb95")


def talk_guid(talk):
    """The frab guid of a talk, also its iCalendar UID."""
    return uuid.uuid5(NAMESPACE, f"{talk.conference.slug}/talk/{talk.pk}")


def room_guid(conference, room):
    return uuid.uuid5(NAMESPACE, f"{conference.slug}/room/{room.pk}")


def speaker_guid(speaker):
    """Speakers are shared across editions, so their guid does not name one."""
    return uuid.uuid5(NAMESPACE, f"speaker/{speaker.pk}")
