"""Sessions for tests (program/models/sessions.py): a room's span under a title."""

import datetime as dt

import factory

from program.models import Session
from tests.factories import ConferenceFactory, RoomFactory, local


class SessionFactory(factory.django.DjangoModelFactory):
    """``chairs=[...]`` sets its chairs; by default none."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.TALKS
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))
    start = local("2026-05-18", 9)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=1))

    @factory.post_generation
    def chairs(self, create, extracted, **kwargs):
        if create and extracted:
            self.chairs.set(extracted)
