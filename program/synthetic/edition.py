"""Planning and writing a synthetic edition: rooms, days, time slots, speakers, statuses.

Everything comes from one ``random.Random(seed)``, so the same arguments give the same
titles, times, speakers and statuses. Speakers come from a fixed universe of names and keep
the same affiliation and bio in every edition, so editions share them by slug.
"""

import datetime as dt
import random
import re
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from program.colours import PALETTE
from program.models import Conference, Room, Speaker, Talk, TalkSpeaker, TalkType, Track
from program.statistics import analyse_program_tables
from program.synthetic.text import speaker_profile, title_and_abstract
from program.synthetic.words import FIRST_NAMES, LAST_NAMES, ROOM_NAMES

TIMEZONE = "America/Los_Angeles"
DAY_START = dt.time(8, 0)
DAY_MINUTES = 10 * 60  # talks run from 8:00 to 18:00
SLOT = 5  # every start and length is a multiple of five minutes
MAX_ROOMS = 100
MAX_DAYS = 30
CANCELLED_EVERY = 50  # one talk in fifty is cancelled
MAX_UNSCHEDULED = 50_000  # drafts waiting for a slot, beside the scheduled talks


@dataclass(frozen=True)
class KindOfTalk:
    slug: str
    name: str
    weight: int  # how often a random slot gets this type
    minutes: tuple  # usual lengths, one picked at random
    speaker_weights: tuple  # weights of 1, 2, 3, 4 speakers


# The contract's types except "break": a break has no speaker, and the gaps between talks
# are the breaks. Keynotes are not drawn at random: one opens each day in the first room.
KINDS = {
    kind.slug: kind
    for kind in (
        KindOfTalk("keynote", "Keynote", 0, (60,), (1,)),
        KindOfTalk("invited-talk", "Invited Talk", 12, (25,), (6, 2, 1)),
        KindOfTalk("oral", "Oral", 40, (15, 20), (5, 3, 2, 1)),
        KindOfTalk("spotlight", "Spotlight", 18, (10,), (5, 3, 2, 1)),
        KindOfTalk("poster", "Poster", 12, (30,), (4, 3, 2, 1)),
        KindOfTalk("tutorial", "Tutorial", 4, (90,), (2, 2, 1)),
        KindOfTalk("workshop", "Workshop", 3, (120,), (2, 2, 2, 1)),
        KindOfTalk("panel", "Panel", 5, (45,), (0, 0, 1, 1)),
        KindOfTalk("social", "Social", 3, (60,), (3, 1)),
    )
}
DRAWN_KINDS = [kind for kind in KINDS.values() if kind.weight]

# Tracks follow rooms (room n holds track n modulo their number), as many programs run a
# track in one room; keynotes and socials are for everyone and belong to none.
TRACK_NAMES = (
    "LLM Serving",
    "Training at Scale",
    "Compilers and Kernels",
    "ML for Systems",
    "Hardware and Accelerators",
    "Data and Storage",
)
UNTRACKED_KINDS = {"keynote", "social"}


class InvalidEdition(Exception):
    """The arguments cannot make an edition; the message says why."""


@dataclass(frozen=True)
class PlannedTalk:
    title: str
    slug: str
    type: str
    abstract: str
    day: int | None  # 0 for the first day; None: unscheduled (a draft without a slot)
    room: int | None  # 0 for the first room
    start_minute: int | None  # minutes after DAY_START
    minutes: int  # an unscheduled talk's planned length (Talk.duration)
    speakers: tuple  # names, in order
    cancelled: bool


def generate_edition(*, slug, talks, rooms=6, days=5, seed=0, unscheduled=0):
    """Create, or replace, the synthetic edition ``slug``; returns (conference, replaced).

    ``talks`` are scheduled; ``unscheduled`` more wait without a slot, as drafts with the
    usual length of their type (drawn after the scheduled ones: those stay the same for a
    seed whatever ``unscheduled`` is).

    The old edition, its rooms and its talks are deleted in the same transaction that
    creates the new ones, so a failure leaves the old edition as it was.
    """
    check_arguments(slug=slug, talks=talks, rooms=rooms, days=days, unscheduled=unscheduled)
    existing = Conference.objects.filter(slug=slug).first()
    if existing is not None and existing.is_current:
        raise InvalidEdition(
            f"Edition {slug} is the current edition; generate_program does not replace it."
        )
    rng = random.Random(seed)
    planned = plan_talks(rng, talks=talks, rooms=rooms, days=days)
    planned += plan_unscheduled(rng, count=unscheduled, taken={talk.slug for talk in planned})
    start_date = first_day(slug)
    with transaction.atomic():
        if existing is not None:
            Talk.objects.filter(conference=existing).delete(with_edition=True)
            existing.delete()
        conference = Conference.objects.create(
            slug=slug,
            name=f"MLSys {slug} (synthetic)",
            start_date=start_date,
            end_date=start_date + dt.timedelta(days=days - 1),
            timezone=TIMEZONE,
            venue="Cascadia Convention Center",
            city="Seattle, Washington",
            is_published=False,
            is_current=False,
        )
        _write_talks(conference, planned, room_count=rooms)
        # Published once its talks are in: they are its starting state, not changes.
        conference.is_published = True
        conference.save()
    analyse_program_tables()
    return conference, existing is not None


def check_arguments(*, slug, talks, rooms, days, unscheduled=0):
    if len(slug) > 50 or not _is_slug(slug):
        raise InvalidEdition(
            f"--conference “{slug}” is not a valid slug: use letters, digits, hyphens "
            "and underscores, at most 50 characters."
        )
    if talks < 1:
        raise InvalidEdition(f"--talks must be at least 1, not {talks}.")
    if not 0 <= unscheduled <= MAX_UNSCHEDULED:
        raise InvalidEdition(
            f"--unscheduled must be between 0 and {MAX_UNSCHEDULED:,}, not {unscheduled}."
        )
    if not 1 <= rooms <= MAX_ROOMS:
        raise InvalidEdition(f"--rooms must be between 1 and {MAX_ROOMS}, not {rooms}.")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidEdition(f"--days must be between 1 and {MAX_DAYS}, not {days}.")
    capacity = rooms * days * (DAY_MINUTES // SLOT)
    if talks > capacity:
        raise InvalidEdition(
            f"{talks} talks do not fit in {rooms} rooms over {days} days: at most {capacity} "
            f"five-minute talks run between 8:00 and 18:00. Add rooms or days."
        )


def _is_slug(value):
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def first_day(slug):
    """The third Monday of May of the year the slug names ("2030"), or of 2030."""
    year = int(slug) if re.fullmatch(r"[12][0-9]{3}", slug) else 2030
    may_15 = dt.date(year, 5, 15)
    return may_15 + dt.timedelta(days=-may_15.weekday() % 7)


def plan_talks(rng, *, talks, rooms, days):
    """Every talk of the edition, without touching the database."""
    room_days = [(day, room) for day in range(days) for room in range(rooms)]
    per_room_day, extra = divmod(talks, len(room_days))
    busier = set(rng.sample(range(len(room_days)), extra))
    names = _speaker_pool(rng, size=max(talks, 5 * rooms))
    busy = {}  # speaker name -> [(first minute, last minute)] over the whole edition

    cancelled = set(rng.sample(range(talks), talks // CANCELLED_EVERY))
    slugs = set()
    planned = []
    for index, (day, room) in enumerate(room_days):
        count = per_room_day + (index in busier)
        kinds = [
            _pick_kind(rng, opens_day=(room == 0 and position == 0)) for position in range(count)
        ]
        for kind, start, minutes in _timetable(rng, kinds):
            title, abstract = title_and_abstract(rng, kind)
            interval = (day * 24 * 60 + start, day * 24 * 60 + start + minutes)
            planned.append(
                PlannedTalk(
                    title=title,
                    slug=_unique_slug(title, slugs),
                    type=kind.slug,
                    abstract=abstract,
                    day=day,
                    room=room,
                    start_minute=start,
                    minutes=minutes,
                    speakers=_pick_speakers(rng, kind, names, busy, interval),
                    cancelled=len(planned) in cancelled,
                )
            )
    return planned


def plan_unscheduled(rng, *, count, taken):
    """``count`` drafts waiting for a slot: a drawn type, its usual length, 1–4 speakers
    (none is busy: a talk without a time clashes with nothing)."""
    names = _speaker_pool(rng, size=max(count, 5))
    planned = []
    for _ in range(count):
        kind = _pick_kind(rng, opens_day=False)
        title, abstract = title_and_abstract(rng, kind)
        planned.append(
            PlannedTalk(
                title=title,
                slug=_unique_slug(title, taken),
                type=kind.slug,
                abstract=abstract,
                day=None,
                room=None,
                start_minute=None,
                minutes=rng.choice(kind.minutes),
                speakers=_pick_speakers(rng, kind, names, {}, (0, 0)),
                cancelled=False,
            )
        )
    return planned


def _pick_kind(rng, *, opens_day):
    if opens_day:
        return KINDS["keynote"]
    return rng.choices(DRAWN_KINDS, weights=[kind.weight for kind in DRAWN_KINDS])[0]


def _timetable(rng, kinds):
    """(kind, start minute, minutes) for talks run one after another in one room and day.

    Talks keep their usual length, with short breaks, when the day has room for them;
    otherwise they run back to back, shortened in proportion (never below five minutes).
    """
    lengths = [rng.choice(kind.minutes) for kind in kinds]
    if sum(lengths) > DAY_MINUTES:
        lengths = _shrink(lengths)
    free = DAY_MINUTES - sum(lengths)
    start = min(free, rng.choice((0, 30, 60, 90)))  # the first talk starts 8:00 to 9:30
    free -= start
    timetable = []
    for kind, length in zip(kinds, lengths, strict=True):
        timetable.append((kind, start, length))
        gap = min(free, rng.choice((0, 5, 5, 10, 15, 30)))  # a short break after most talks
        free -= gap
        start += length + gap
    return timetable


def _shrink(lengths):
    """Lengths filling the day exactly: five minutes each, plus the rest of the day shared
    in proportion to how much longer than five minutes each talk usually is."""
    spare_slots = (DAY_MINUTES - SLOT * len(lengths)) // SLOT
    extras = [length - SLOT for length in lengths]
    total_extra = sum(extras)
    shrunk, running, edge = [], 0, 0
    for extra in extras:
        running += extra
        next_edge = running * spare_slots // total_extra  # rounding stays exact overall
        shrunk.append(SLOT * (1 + next_edge - edge))
        edge = next_edge
    return shrunk


def _speaker_pool(rng, *, size):
    universe = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(universe, min(size, len(universe)))


def _pick_speakers(rng, kind, names, busy, interval):
    """1–4 distinct speakers, none of them in another talk overlapping ``interval``."""
    weights = (*kind.speaker_weights, 0, 0, 0, 0)[:4]
    wanted = rng.choices(range(1, 5), weights=weights)[0]
    start, end = interval
    chosen = []

    def free(name):
        return name not in chosen and all(
            end <= other_start or other_end <= start
            for other_start, other_end in busy.get(name, ())
        )

    for _ in range(wanted):
        name = next((n for n in (rng.choice(names) for _ in range(20)) if free(n)), None)
        if name is None:
            # A crowded moment: at most 4 speakers in each of the rooms' current talks are
            # busy, and the pool holds five names per room, so one is always free.
            name = next(n for n in names if free(n))
        chosen.append(name)
        busy.setdefault(name, []).append(interval)
    return tuple(chosen)


def _unique_slug(title, taken):
    base = slugify(title)[:200]
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug, number = base[: 200 - len(suffix)] + suffix, number + 1
    taken.add(slug)
    return slug


def _write_talks(conference, planned, *, room_count):
    rooms = Room.objects.bulk_create(
        Room(
            conference=conference,
            slug=slugify(name),
            name=name,
            capacity=max(100, 1200 - 200 * position),
            position=position,
        )
        for position, name in enumerate(_room_names(room_count))
    )
    types = {
        slug: TalkType.objects.get_or_create(slug=slug, defaults={"name": KINDS[slug].name})[0]
        for slug in sorted({talk.type for talk in planned})
    }
    speakers = _get_or_create_speakers(sorted({name for t in planned for name in t.speakers}))
    tracks = Track.objects.bulk_create(
        Track(conference=conference, slug=slugify(name), name=name, colour=colour)
        for name, colour in zip(TRACK_NAMES[:room_count], PALETTE, strict=False)
    )

    day_starts = [
        dt.datetime.combine(
            conference.start_date + dt.timedelta(days=day),
            DAY_START,
            tzinfo=zoneinfo.ZoneInfo(TIMEZONE),
        )
        for day in range(max(talk.day for talk in planned if talk.day is not None) + 1)
    ]
    talks = Talk.objects.bulk_create(
        _talk(conference, talk, types, rooms, tracks, day_starts) for talk in planned
    )
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speakers[name], position=position)
        for talk, plan in zip(talks, planned, strict=True)
        for position, name in enumerate(plan.speakers)
    )


def _talk(conference, talk, types, rooms, tracks, day_starts):
    """The planned talk as a Talk: placed and published (or cancelled), or an unscheduled
    draft with its planned length and no track (tracks follow rooms)."""
    common = {
        "conference": conference,
        "slug": talk.slug,
        "title": talk.title,
        "type": types[talk.type],
        "abstract": talk.abstract,
    }
    if talk.day is None:
        duration = dt.timedelta(minutes=talk.minutes)
        return Talk(**common, status=Talk.Status.DRAFT, duration=duration)
    start = day_starts[talk.day] + dt.timedelta(minutes=talk.start_minute)
    return Talk(
        **common,
        start=start,
        end=start + dt.timedelta(minutes=talk.minutes),
        room=rooms[talk.room],
        track=None if talk.type in UNTRACKED_KINDS else tracks[talk.room % len(tracks)],
        status=Talk.Status.CANCELLED if talk.cancelled else Talk.Status.PUBLISHED,
    )


def _room_names(count):
    """'Grand Ballroom 1', 'Regency 1', ... then 'Grand Ballroom 2', ..."""
    return [
        f"{ROOM_NAMES[index % len(ROOM_NAMES)]} {index // len(ROOM_NAMES) + 1}"
        for index in range(count)
    ]


def _get_or_create_speakers(names):
    """Speakers by name; existing ones (same slug) are reused and left unchanged."""
    by_slug = {slugify(name): name for name in names}
    existing = Speaker.objects.in_bulk(list(by_slug), field_name="slug")
    new = []
    for slug, name in by_slug.items():
        if slug not in existing:
            affiliation, bio = speaker_profile(name)
            new.append(Speaker(slug=slug, name=name, affiliation=affiliation, bio=bio))
    Speaker.objects.bulk_create(new)
    existing = Speaker.objects.in_bulk(list(by_slug), field_name="slug")
    return {name: existing[slug] for slug, name in by_slug.items()}
