"""Test data. Every test builds its own rows; only the seed test reads the fixture."""

import datetime as dt
import zoneinfo

import factory
from django.utils.text import slugify

from program.models import (
    Conference,
    Resource,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    Track,
)

BELLEVUE = zoneinfo.ZoneInfo("America/Los_Angeles")


def local(day, hour, minute=0, tz=BELLEVUE):
    """An aware datetime: ``local("2026-05-18", 9)`` is 9:00 in Bellevue."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=tz)


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: str(2026 - n))
    name = factory.LazyAttribute(lambda o: f"MLSys {o.slug}")
    start_date = dt.date(2026, 5, 18)
    end_date = dt.date(2026, 5, 22)
    timezone = "America/Los_Angeles"
    venue = "Hyatt Regency Bellevue"
    city = "Bellevue, Washington"
    is_published = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ("conference", "slug")

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track
        django_get_or_create = ("conference", "slug")

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    colour = "#1d4ed8"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    affiliation = "University of Washington"
    bio = factory.LazyAttribute(lambda o: f"{o.name} builds systems for machine learning.")

    class Params:
        # A stored photo's fields, without files (pages only print its names and sizes).
        with_photo = factory.Trait(
            photo=factory.Sequence(lambda n: f"speakers/{n:032x}-640.jpg"),
            photo_width=640,
            photo_height=800,
        )


class TalkTypeFactory(factory.django.DjangoModelFactory):
    """Types come from a data migration; get_or_create keeps tests independent of it."""

    class Meta:
        model = TalkType
        django_get_or_create = ("slug",)

    slug = "invited-talk"
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Talk number {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:200])
    type = factory.SubFactory(TalkTypeFactory)
    abstract = "We study how systems and models are designed together."
    start = factory.Sequence(lambda n: local("2026-05-18", 9) + dt.timedelta(minutes=30 * n))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=25))
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))
    status = Talk.Status.PUBLISHED

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        """``speakers=[...]`` in order; by default one new speaker."""
        if not create:
            return
        speakers = extracted if extracted is not None else [SpeakerFactory()]
        for position, speaker in enumerate(speakers):
            TalkSpeaker.objects.create(talk=self, speaker=speaker, position=position)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    talk = factory.SubFactory(TalkFactory)
    kind = Resource.Kind.SLIDES
    url = factory.Sequence(lambda n: f"https://slides.example.org/{n}.pdf")
    position = factory.Sequence(lambda n: n)


def lmcache_talk():
    """LMCache by Yuhan Liu, Monday 9:50 in Grand Ballroom 1 of MLSys 2026: the talk the
    resources' tests give slides, a video and a paper."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    return TalkFactory(
        conference=conference,
        title="LMCache",
        slug="lmcache",
        type=TalkTypeFactory(slug="invited-talk", name="Invited Talk"),
        room=RoomFactory(conference=conference, name="Grand Ballroom 1"),
        start=local("2026-05-18", 9, 50),
        speakers=[SpeakerFactory(name="Yuhan Liu")],
    )
