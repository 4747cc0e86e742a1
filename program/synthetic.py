"""Synthetic editions for demos, tests and benchmarks (``manage.py generate_program``).

Everything comes from one ``random.Random(seed)``, so the same arguments give the same
titles, times, speakers and statuses. Speakers come from a fixed universe of names and keep
the same affiliation and bio in every edition, so editions share them by slug.
"""

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from program.models import Conference, Room, Speaker, Talk, TalkSpeaker, TalkType

TIMEZONE = "America/Los_Angeles"
DAY_START = dt.time(8, 0)
DAY_MINUTES = 10 * 60  # talks run from 8:00 to 18:00
SLOT = 5  # every start and length is a multiple of five minutes
MAX_ROOMS = 100
MAX_DAYS = 30
CANCELLED_EVERY = 50  # one talk in fifty is cancelled


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

ROOM_NAMES = ["Grand Ballroom", "Regency", "Evergreen", "Cascade", "Summit", "Olympic"]

SYSTEM_PREFIXES = [
    "Flash", "Hydra", "Swift", "Tensor", "Quill", "Sparrow", "Orca", "Nimbus", "Atlas", "Helix",
    "Prism", "Vortex", "Ember", "Pico", "Mosaic", "Zephyr", "Lumen", "Kestrel", "Tidal",
    "Cobalt",
]  # fmt: skip
SYSTEM_SUFFIXES = [
    "Serve", "Train", "Flow", "Cache", "Shard", "Pipe", "Tune", "Opt", "Scale", "Mesh",
    "Kernel", "Spec", "Quant",
]  # fmt: skip
ADJECTIVES = [
    "efficient", "scalable", "memory-efficient", "fault-tolerant", "adaptive", "energy-aware",
    "low-latency", "cost-effective", "communication-efficient", "elastic", "predictable",
    "heterogeneity-aware", "near-optimal", "robust",
]  # fmt: skip
TECHNIQUES = [
    "speculative decoding", "KV cache compression", "pipeline parallelism",
    "tensor parallelism", "mixed-precision training", "4-bit quantization",
    "activation checkpointing", "operator fusion", "kernel autotuning", "prefix caching",
    "expert parallelism", "continuous batching", "gradient compression", "sparse attention",
    "disaggregated prefill and decode", "compiler-driven scheduling",
    "parameter-efficient fine-tuning", "request routing", "model distillation",
    "retrieval augmentation",
]  # fmt: skip
TARGETS = [
    "large language model inference", "mixture-of-experts training", "long-context serving",
    "recommendation models", "diffusion model inference", "edge devices",
    "heterogeneous GPU clusters", "federated learning", "graph neural networks",
    "multi-tenant serving", "reinforcement learning from human feedback",
    "vision-language models", "on-device speech recognition", "training on spot instances",
    "agentic workloads", "embedding tables",
]  # fmt: skip
AREAS = [
    "machine learning systems", "efficient inference", "distributed training", "ML compilers",
    "hardware for AI", "data management for ML", "AI for systems", "open model ecosystems",
    "sustainable computing", "benchmarking ML systems",
]  # fmt: skip
SOCIALS = [
    "Welcome Reception", "Women in ML Systems Lunch", "Student Mentoring Breakfast",
    "Poster Reception", "Industry Meet-and-Greet", "Conference Banquet",
]  # fmt: skip
RESOURCES = ["GPU memory", "network bandwidth", "accelerator time", "energy", "host memory"]
HARDWARE = ["H100", "A100", "MI300X", "TPU v5e", "L4"]
BASELINES = ["vLLM", "DeepSpeed", "Megatron-LM", "TensorRT-LLM", "PyTorch FSDP"]
OBSERVATIONS = [
    "most of the {resource} goes to a small fraction of layers",
    "request lengths can be predicted from their first few tokens",
    "communication can overlap almost entirely with computation",
    "the errors that {technique} introduces cancel out across layers",
    "most requests share long prefixes that need to be computed only once",
]

RESEARCH_CONTEXT = [
    "Workloads built on {target} are now among the most expensive in modern data centers.",
    "The cost of {target} is increasingly set by {resource} rather than by compute.",
    "Production systems for {target} must meet strict latency targets "
    "while keeping every accelerator busy.",
    "Existing systems for {target} leave much of the available {resource} unused.",
    "Demand for {target} grows faster than the hardware budgets behind it.",
]
RESEARCH_GAP = [
    "Prior work on {technique} assumes uniform hardware and static workloads, "
    "which rarely holds in practice.",
    "Current approaches trade accuracy for speed in ways that are hard to predict.",
    "Applied naively, {technique} creates stragglers and wastes {resource}.",
]
RESEARCH_APPROACH = [
    "We present {system}, a system that combines {technique} with {technique2} to close this gap.",
    "This talk introduces {system}, which treats {technique} as a scheduling problem "
    "and solves it online.",
    "We describe {system}, a runtime that adapts {technique} to the {resource} "
    "available at each step.",
]
RESEARCH_INSIGHT = ["The key insight is that {observation}."]
RESEARCH_RESULTS = [
    "On {hardware} GPUs, {system} improves throughput by {factor}× over {baseline} "
    "without loss of accuracy.",
    "Across {traces} production traces, {system} cuts tail latency by {percent}% "
    "and serving cost by {percent2}%.",
    "Our evaluation on up to {gpus} {hardware} GPUs shows near-linear scaling.",
    "{system} is open source, and we share lessons from running it in production for over a year.",
    "We also characterize when {technique} does not pay off, and why.",
]
KEYNOTE_SENTENCES = [
    "Over the past decade, {area} has moved from research prototypes to the backbone of "
    "every large AI deployment.",
    "This keynote looks at what worked, what did not, and what {target} will demand next "
    "from hardware, compilers and runtimes.",
    "Drawing on experience with {technique} at scale, it argues that the biggest gains now "
    "come from designing models and systems together.",
    "It closes with open problems where this community can make the largest difference.",
]
SESSION_SENTENCES = [
    "This {kind} brings together researchers and practitioners working on {area}.",
    "We will cover {technique} and {technique2}, from first principles to production use.",
    "Expect concrete examples on {hardware} GPUs, open questions and plenty of time "
    "for discussion.",
    "Participants leave knowing when {technique} helps {target} and when it does not.",
    "Slides, notebooks and recordings will be shared after the session.",
]
SOCIAL_SENTENCES = [
    "Meet fellow attendees over food and drinks.",
    "Everyone is welcome; no registration beyond the conference badge is needed.",
    "Organizers and speakers will be around to answer questions about {area}.",
]

FIRST_NAMES = [
    "Aarav", "Abena", "Adebayo", "Ahmed", "Aiko", "Alejandro", "Amara", "Amir", "Ana",
    "Andrei", "Anika", "Arjun", "Astrid", "Aylin", "Beatriz", "Bilal", "Bo", "Camille",
    "Carlos", "Chen", "Chiara", "Cyrus", "Dae-jung", "Daniel", "Dmitri", "Elena", "Emeka",
    "Emma", "Farah", "Fatima", "Felix", "Gabriel", "Hana", "Hassan", "Hiroshi", "Ingrid",
    "Isabel", "Ivan", "Jamal", "Javier", "Jia", "Jonas", "Julia", "Kai", "Kamala", "Kenji",
    "Khalid", "Laila", "Lars", "Leila", "Li", "Lucas", "Mai", "Malik", "Maria", "Mateo", "Mei",
    "Mehmet", "Mila", "Minh", "Nadia", "Naveen", "Nia", "Nikhil", "Noah", "Nour", "Olga",
    "Omar", "Pablo", "Priya", "Rafael", "Rahul", "Ravi", "Rin", "Rosa", "Sakura", "Samuel",
    "Sara", "Sebastian", "Seo-yeon", "Shreya", "Sofia", "Soo-ah", "Tariq", "Tomas",
    "Valentina", "Vikram", "Wei", "Xin", "Yara", "Yasmin", "Yuki", "Yusuf", "Zainab", "Zara",
    "Zhen", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Abebe", "Adeyemi", "Alvarez", "Andersen", "Bakr", "Banerjee", "Becker", "Bianchi",
    "Castro", "Chandra", "Chen", "Cho", "Costa", "Dang", "Das", "Diaz", "Dubois", "Eriksson",
    "Fernandes", "Fischer", "Fujita", "Garcia", "Ghosh", "Gupta", "Haddad", "Hansen", "Hoang",
    "Huang", "Ibrahim", "Ivanova", "Jensen", "Joshi", "Kang", "Khan", "Kim", "Kowalski",
    "Kumar", "Laurent", "Lee", "Lin", "Liu", "Lopez", "Mahmoud", "Martin", "Mehta", "Mendes",
    "Moreno", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Okonkwo", "Olsen", "Park",
    "Patel", "Pereira", "Petrov", "Quispe", "Rahman", "Ramos", "Rao", "Reyes", "Rossi", "Saito",
    "Santos", "Sato", "Schmidt", "Sharma", "Silva", "Singh", "Sokolov", "Suzuki", "Tanaka",
    "Tran", "Tshabalala", "Vargas", "Volkov", "Wang", "Weber", "Wong", "Wu", "Xu", "Yamamoto",
    "Yang", "Yildiz", "Yilmaz", "Zhang", "Zhao", "Zhou", "Zhu", "Ali", "Baker", "Cohen",
    "Ortiz", "Sousa", "Takahashi",
]  # fmt: skip
UNIVERSITIES = [
    "Cascadia Tech", "Lakeshore University", "Northfield College", "Pacific Polytechnic",
    "Redwood State University", "Eastbridge University", "Meridian University",
    "Westhaven University",
]  # fmt: skip
COMPANIES = [
    "Northwind AI", "Tessellate Labs", "Quantum Harbor", "Bluefin Compute", "Juniper Systems",
    "Alder Research", "Granite Cloud", "Kite Robotics",
]  # fmt: skip
ACADEMIC_ROLES = [
    "an assistant professor", "an associate professor", "a professor", "a PhD student",
    "a postdoctoral researcher",
]  # fmt: skip
INDUSTRY_ROLES = [
    "a research scientist", "a staff engineer", "a principal engineer",
    "a senior software engineer", "an engineering manager",
]  # fmt: skip
PAST_WORK = [
    "built large-scale training infrastructure at {company}",
    "worked on ML compilers at {company}",
    "completed a PhD at {university}",
    "led the inference platform team at {company}",
]
AWARDS = [
    "a best paper award at MLSys",
    "a best artifact award",
    "an early-career research award",
    "a distinguished reviewer award",
]


class InvalidEdition(Exception):
    """The arguments cannot make an edition; the message says why."""


@dataclass(frozen=True)
class PlannedTalk:
    title: str
    slug: str
    type: str
    abstract: str
    day: int  # 0 for the first day
    room: int  # 0 for the first room
    start_minute: int  # minutes after DAY_START
    minutes: int
    speakers: tuple  # names, in order
    cancelled: bool


def generate_edition(*, slug, talks, rooms=6, days=5, seed=0):
    """Create, or replace, the synthetic edition ``slug``; returns (conference, replaced).

    The old edition, its rooms and its talks are deleted in the same transaction that
    creates the new ones, so a failure leaves the old edition as it was.
    """
    check_arguments(slug=slug, talks=talks, rooms=rooms, days=days)
    existing = Conference.objects.filter(slug=slug).first()
    if existing is not None and existing.is_current:
        raise InvalidEdition(
            f"Edition {slug} is the current edition; generate_program does not replace it."
        )
    rng = random.Random(seed)
    planned = plan_talks(rng, talks=talks, rooms=rooms, days=days)
    start_date = first_day(slug)
    with transaction.atomic():
        if existing is not None:
            Talk.objects.filter(conference=existing).delete()
            existing.delete()
        conference = Conference.objects.create(
            slug=slug,
            name=f"MLSys {slug} (synthetic)",
            start_date=start_date,
            end_date=start_date + dt.timedelta(days=days - 1),
            timezone=TIMEZONE,
            venue="Cascadia Convention Center",
            city="Seattle, Washington",
            is_published=True,
            is_current=False,
        )
        _write_talks(conference, planned, room_count=rooms)
    return conference, existing is not None


def check_arguments(*, slug, talks, rooms, days):
    if len(slug) > 50 or not _is_slug(slug):
        raise InvalidEdition(
            f"--conference “{slug}” is not a valid slug: use letters, digits, hyphens "
            "and underscores, at most 50 characters."
        )
    if talks < 1:
        raise InvalidEdition(f"--talks must be at least 1, not {talks}.")
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
    year = int(slug) if slug.isdigit() and len(slug) == 4 else 2030
    may_15 = dt.date(year, 5, 15)
    return may_15 + dt.timedelta(days=-may_15.weekday() % 7)


def plan_talks(rng, *, talks, rooms, days):
    """Every talk of the edition, without touching the database."""
    room_days = [(day, room) for day in range(days) for room in range(rooms)]
    per_room_day, extra = divmod(talks, len(room_days))
    busier = set(rng.sample(range(len(room_days)), extra))
    names = _speaker_pool(rng, size=max(talks, 5 * rooms))
    busy = {}  # speaker name -> [(first minute, last minute)] over the whole edition

    planned = []
    for index, (day, room) in enumerate(room_days):
        count = per_room_day + (index in busier)
        kinds = [
            _pick_kind(rng, opens_day=(room == 0 and position == 0)) for position in range(count)
        ]
        for kind, start, minutes in _timetable(rng, kinds):
            absolute = (day * 24 * 60 + start, day * 24 * 60 + start + minutes)
            title, abstract = _title_and_abstract(rng, kind)
            speakers = _pick_speakers(rng, kind, names, busy, absolute)
            planned.append((title, kind.slug, abstract, day, room, start, minutes, speakers))

    cancelled = set(rng.sample(range(len(planned)), len(planned) // CANCELLED_EVERY))
    slugs = set()
    return [
        PlannedTalk(
            title=title,
            slug=_unique_slug(title, slugs),
            type=type_slug,
            abstract=abstract,
            day=day,
            room=room,
            start_minute=start,
            minutes=minutes,
            speakers=speakers,
            cancelled=index in cancelled,
        )
        for index, (title, type_slug, abstract, day, room, start, minutes, speakers) in enumerate(
            planned
        )
    ]


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


def _title_and_abstract(rng, kind):
    techniques = rng.sample(TECHNIQUES, 2)
    words = {
        "system": rng.choice(SYSTEM_PREFIXES) + rng.choice(SYSTEM_SUFFIXES),
        "adjective": rng.choice(ADJECTIVES),
        "technique": techniques[0],
        "technique2": techniques[1],
        "target": rng.choice(TARGETS),
        "area": rng.choice(AREAS),
        "resource": rng.choice(RESOURCES),
        "hardware": rng.choice(HARDWARE),
        "baseline": rng.choice(BASELINES),
        "kind": kind.name.lower(),
        "factor": f"{rng.randint(12, 60) / 10:.1f}",
        "percent": rng.randint(15, 70),
        "percent2": rng.randint(10, 45),
        "traces": rng.randint(3, 12),
        "gpus": rng.choice((64, 128, 256, 512, 1024)),
    }
    words["observation"] = rng.choice(OBSERVATIONS).format(**words)
    words["Target"] = words["target"][0].upper() + words["target"][1:]
    return _title(rng, kind, words), _abstract(rng, kind, words)


def _title(rng, kind, words):
    technique, target, area = (title_case(words[key]) for key in ("technique", "target", "area"))
    adjective = title_case(words["adjective"])
    if kind.slug == "keynote":
        return rng.choice(
            (
                f"The Road Ahead for {area}",
                f"Rethinking {area} for {target}",
                f"Lessons from a Decade of {area}",
            )
        )
    if kind.slug == "tutorial":
        return f"Tutorial: {technique} for {target} in Practice"
    if kind.slug == "workshop":
        return rng.choice((f"Workshop on {area}", f"Workshop on {technique} for {target}"))
    if kind.slug == "panel":
        return rng.choice(
            (f"Panel: The Future of {area}", f"Panel: Is {technique} Worth It for {target}?")
        )
    if kind.slug == "social":
        return rng.choice(SOCIALS)
    return rng.choice(
        (
            f"{words['system']}: {adjective} {technique} for {target}",
            f"{adjective} {technique} for {target}",
            f"Towards {adjective} {target} with {technique}",
            f"{words['system']}: Rethinking {technique} for {target}",
        )
    )


def _abstract(rng, kind, words):
    """Several sentences; about four research abstracts in ten have a second paragraph."""
    if kind.slug == "social":
        return " ".join(sentence.format(**words) for sentence in SOCIAL_SENTENCES)
    if kind.slug == "keynote":
        first, second = KEYNOTE_SENTENCES[:2], KEYNOTE_SENTENCES[2:]
        return "\n\n".join(
            " ".join(sentence.format(**words) for sentence in part) for part in (first, second)
        )
    if kind.slug in ("tutorial", "workshop", "panel"):
        sentences = rng.sample(SESSION_SENTENCES, 3)
        return " ".join(sentence.format(**words) for sentence in sentences)
    first = [
        rng.choice(RESEARCH_CONTEXT),
        rng.choice(RESEARCH_GAP),
        rng.choice(RESEARCH_APPROACH),
    ]
    if rng.random() < 0.5:
        first.append(rng.choice(RESEARCH_INSIGHT))
    results = rng.sample(RESEARCH_RESULTS, rng.randint(1, 3))
    paragraphs = [first, results] if rng.random() < 0.4 else [first + results]
    return "\n\n".join(
        " ".join(sentence.format(**words) for sentence in paragraph) for paragraph in paragraphs
    )


SMALL_WORDS = {"a", "and", "for", "in", "of", "on", "the", "to", "with", "from"}


def title_case(phrase):
    """'mixture-of-experts training' -> 'Mixture-of-Experts Training'; acronyms stay."""

    def part(word, first):
        if word in SMALL_WORDS and not first:
            return word
        return word[:1].upper() + word[1:]

    return " ".join(
        "-".join(part(piece, first=(i == 0 and j == 0)) for j, piece in enumerate(word.split("-")))
        for i, word in enumerate(phrase.split(" "))
    )


def speaker_profile(name):
    """(affiliation, bio) for a generated name: the same in every edition and every seed."""
    rng = random.Random(f"speaker:{name}")
    first_name = name.split(" ")[0]
    if rng.random() < 0.5:
        affiliation, role = rng.choice(UNIVERSITIES), rng.choice(ACADEMIC_ROLES)
    else:
        affiliation, role = rng.choice(COMPANIES), rng.choice(INDUSTRY_ROLES)
    topics = rng.sample(TECHNIQUES, 2)
    bio = [
        f"{name} is {role} at {affiliation}, working on {topics[0]} and {topics[1]} "
        f"for {rng.choice(TARGETS)}."
    ]
    if rng.random() < 0.6:
        past = rng.choice(PAST_WORK).format(
            company=rng.choice(COMPANIES), university=rng.choice(UNIVERSITIES)
        )
        bio.append(f"Before joining {affiliation}, {first_name} {past}.")
    if rng.random() < 0.3:
        bio.append(f"{first_name}'s work has received {rng.choice(AWARDS)}.")
    return affiliation, " ".join(bio)


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

    day_starts = [
        dt.datetime.combine(
            conference.start_date + dt.timedelta(days=day),
            DAY_START,
            tzinfo=zoneinfo.ZoneInfo(TIMEZONE),
        )
        for day in range(max(talk.day for talk in planned) + 1)
    ]
    talks = Talk.objects.bulk_create(
        Talk(
            conference=conference,
            slug=talk.slug,
            title=talk.title,
            type=types[talk.type],
            abstract=talk.abstract,
            start=day_starts[talk.day] + dt.timedelta(minutes=talk.start_minute),
            end=day_starts[talk.day] + dt.timedelta(minutes=talk.start_minute + talk.minutes),
            room=rooms[talk.room],
            status=Talk.Status.CANCELLED if talk.cancelled else Talk.Status.PUBLISHED,
        )
        for talk in planned
    )
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speakers[name], position=position)
        for talk, plan in zip(talks, planned, strict=True)
        for position, name in enumerate(plan.speakers)
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
